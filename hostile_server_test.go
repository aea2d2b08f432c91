package sessionkit_test

// Hostile servers: whatever a server echoes back (keys, tokens, minted
// JWTs, page tokens), no error text, log record or panic prints it.

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessions"
)

// Secrets that a hostile server echoes back. They look random, so that no
// 4-byte piece of them occurs in an ordinary error text by accident, and
// they hold '+', '/' and '=' so that their URL-, JSON- and Go-escaped
// forms differ from the raw ones.
const (
	hostileKey   = "Kq7v+Xp2/mZr9=TbW4nLs8Yh"
	hostileToken = "Tz4Q/m8Rb+Vx2Np=6Wk9Lc3H"
	hostileFunc  = "Fw3J+c9Qd/Ru6=Ze1Gx5Mo7B"
)

// hostileCapture is a slog handler that keeps every record.
type hostileCapture struct {
	mu    sync.Mutex
	texts []string
}

func (h *hostileCapture) Enabled(context.Context, slog.Level) bool { return true }

func (h *hostileCapture) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.texts = append(h.texts, r.Message)
	r.Attrs(func(a slog.Attr) bool {
		h.texts = append(h.texts, hostileAttrTexts(a)...)
		return true
	})
	return nil
}

func (h *hostileCapture) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *hostileCapture) WithGroup(string) slog.Handler      { return h }

func (h *hostileCapture) all() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.texts...)
}

func hostileAttrTexts(a slog.Attr) []string {
	v := a.Value.Resolve()
	if v.Kind() == slog.KindGroup {
		var out []string
		for _, g := range v.Group() {
			out = append(out, hostileAttrTexts(g)...)
		}
		return out
	}
	return []string{a.Key, v.String()}
}

// hostileErrTexts returns every text an error exposes: Error(), %+v, and
// the text fields of the SDK's error types anywhere in its chain.
func hostileErrTexts(err error) []string {
	if err == nil {
		return nil
	}
	out := []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%v", err)}
	var ae *sessionkit.APIError
	if errors.As(err, &ae) {
		out = append(out, ae.Error(), ae.Code, ae.Message)
		for _, f := range ae.Fields {
			out = append(out, f.Field, f.Message)
		}
	}
	var me *sessionkit.MalformedError
	if errors.As(err, &me) {
		out = append(out, me.Error(), me.Snippet, me.ContentType, me.Err.Error())
	}
	var pe *sessionkit.PageError
	if errors.As(err, &pe) {
		out = append(out, pe.Error())
	}
	return out
}

// hostileForms returns the secrets and the forms a server may echo them in.
func hostileForms(secrets ...string) []string {
	var out []string
	for _, s := range secrets {
		out = append(out, s, url.QueryEscape(s), url.PathEscape(s))
	}
	return out
}

// hostileUnicodeEscape matches a JSON \u00XX escape.
var hostileUnicodeEscape = regexp.MustCompile(`\\u00[0-9a-fA-F]{2}`)

// hostileLeak returns the first piece of 4 or more bytes of a secret form
// that occurs in text, also once its \u00XX escapes are decoded, or "".
func hostileLeak(text string, forms []string) string {
	text += "\n" + hostileUnicodeEscape.ReplaceAllStringFunc(text, func(m string) string {
		b, _ := hex.DecodeString(m[4:])
		return string(b)
	})
	for _, f := range forms {
		for i := 0; i+4 <= len(f); i++ {
			if strings.Contains(text, f[i:i+4]) {
				return f[i : i+4]
			}
		}
	}
	return ""
}

// hostileEcho is the text a hostile server echoes: the credential (as
// sent, URL-escaped and JSON-escaped) and the page token it received.
func hostileEcho(r *http.Request) (cred, token string) {
	cred = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if k := r.Header.Get("X-Api-Key"); k != "" {
		cred = k
	}
	return cred, r.URL.Query().Get("next_page_token")
}

// hostileShape is one way of answering with the secrets in it.
type hostileShape struct {
	name  string
	serve func(w http.ResponseWriter, r *http.Request, cred, token string)
}

// hostileUnicode spells every character of s as a JSON \uXXXX escape.
func hostileUnicode(s string) string {
	var b strings.Builder
	for _, c := range s {
		fmt.Fprintf(&b, `\u%04x`, c)
	}
	return b.String()
}

func hostilePad(n int) string { return strings.Repeat("x", n) }

func hostileShapes() []hostileShape {
	jsonErr := func(status int, ct, body string) func(w http.ResponseWriter, r *http.Request, cred, token string) {
		return func(w http.ResponseWriter, _ *http.Request, cred, token string) {
			w.Header().Set("Content-Type", ct)
			w.WriteHeader(status)
			q := func(s string) string { return strings.Trim(fmt.Sprintf("%q", s), `"`) }
			repl := strings.NewReplacer(
				"CRED", q(cred), "TOKEN", q(token),
				"ESCCRED", url.QueryEscape(cred), "ESCTOKEN", url.QueryEscape(token),
				"SLASHCRED", strings.ReplaceAll(q(cred), "/", `\/`))
			_, _ = w.Write([]byte(repl.Replace(body)))
		}
	}
	text := func(status int, ct string, body func(cred, token string) string) func(w http.ResponseWriter, r *http.Request, cred, token string) {
		return func(w http.ResponseWriter, _ *http.Request, cred, token string) {
			w.Header().Set("Content-Type", ct)
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body(cred, token)))
		}
	}
	shapes := []hostileShape{
		{"ductape JSON", jsonErr(401, "application/json", `{"status": false, "message": "bad key CRED for token TOKEN", "code": "CRED", "errors": ["ESCCRED", "ESCTOKEN", "SLASHCRED"]}`)},
		{"zoom JSON", jsonErr(400, "application/json", `{"code": 300, "message": "Invalid next_page_token: TOKEN (key CRED)", "errors": [{"field": "CRED", "message": "ESCTOKEN ESCCRED SLASHCRED"}]}`)},
		{"arthur detail string", jsonErr(401, "application/json", `{"detail": "Invalid token CRED TOKEN ESCCRED"}`)},
		{"arthur detail list", jsonErr(422, "application/json", `{"detail": [{"loc": ["header", "CRED"], "msg": "bad TOKEN ESCTOKEN SLASHCRED"}]}`)},
		{"monocloud problem map", jsonErr(400, "application/problem+json", `{"type": "CRED", "title": "TOKEN", "detail": "ESCCRED", "errors": {"CRED": ["TOKEN", "ESCTOKEN"]}}`)},
		{"monocloud problem list", jsonErr(400, "application/problem+json", `{"type": "t", "title": "x", "errors": [{"code": "CRED", "description": "TOKEN SLASHCRED"}]}`)},
		{"JSON with unicode escapes", func(w http.ResponseWriter, _ *http.Request, cred, token string) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(401)
			_, _ = fmt.Fprintf(w, `{"message": "%s %s", "detail": "%s", "title": "%s"}`,
				hostileUnicode(cred), hostileUnicode(token), hostileUnicode(cred), hostileUnicode(token))
		}},
		{"JSON of no known shape with unicode escapes", func(w http.ResponseWriter, _ *http.Request, cred, token string) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(401)
			_, _ = fmt.Fprintf(w, `{"error": {"key": "%s", "token": "%s"}}`, hostileUnicode(cred), hostileUnicode(token))
		}},
		{"plain text", text(401, "text/plain", func(c, t string) string { return "Unauthorized: " + c + " " + t })},
		{"HTML page", text(401, "text/html", func(c, t string) string {
			return "<html><head><style>body{x:1}</style><title>Denied " + c + "</title></head><body><p>key " + c + " token " + t + "</p></body></html>"
		})},
		{"HTML page without title", text(403, "text/html", func(c, t string) string {
			return "<!DOCTYPE html><html><body><script>var k='" + c + "'</script><b>" + c + "</b> " + url.QueryEscape(t) + "</body></html>"
		})},
		{"HTML 200 snippet", text(200, "text/html", func(c, t string) string { return "<html><body>" + c + " " + t + "</body></html>" })},
		{"malformed 200 body", text(200, "application/json", func(c, t string) string { return `{"users": [` + c + " " + t + " " + url.QueryEscape(c) })},
		{"header", func(w http.ResponseWriter, _ *http.Request, cred, token string) {
			w.Header().Set("Content-Type", "text/"+url.PathEscape(cred)+"; t="+url.QueryEscape(token))
			w.Header().Set("Retry-After", cred)
			w.Header().Set("X-RateLimit-Type", token)
			w.WriteHeader(200)
			_, _ = w.Write([]byte("<"))
		}},
		{"Location that cannot be parsed", func(w http.ResponseWriter, _ *http.Request, cred, token string) {
			w.Header().Set("Location", "http://[::1%zz]/?key="+cred+"&t="+url.QueryEscape(token)+"&e="+url.QueryEscape(cred))
			w.WriteHeader(http.StatusFound)
		}},
		{"Location with a bad port", func(w http.ResponseWriter, _ *http.Request, cred, token string) {
			w.Header().Set("Location", "http://127.0.0.1:"+url.PathEscape(cred)+"/"+token)
			w.WriteHeader(http.StatusFound)
		}},
		{"transport error", func(w http.ResponseWriter, _ *http.Request, cred, token string) {
			hj, ok := w.(http.Hijacker)
			if !ok {
				return
			}
			conn, buf, err := hj.Hijack()
			if err != nil {
				return
			}
			defer func() { _ = conn.Close() }()
			_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nbad header " + cred + " " + token + "\r\n\r\n")
			_ = buf.Flush()
		}},
	}
	// The secret straddles the 512-byte cut of a plain or HTML message, at
	// every offset that leaves part of it on either side.
	for _, before := range []int{1, 8, 15, 22, 23} {
		shapes = append(shapes,
			hostileShape{fmt.Sprintf("plain text, credential %d bytes before the cut", before),
				text(401, "text/plain", func(c, t string) string { return hostilePad(512-before) + c + " " + hostilePad(512-before) + t })},
			hostileShape{fmt.Sprintf("URL-escaped credential %d bytes before the cut", before),
				text(401, "text/plain", func(c, _ string) string { return hostilePad(512-before) + url.QueryEscape(c) + hostilePad(100) })},
			hostileShape{fmt.Sprintf("HTML 200 snippet, credential %d bytes before the cut", before),
				text(200, "text/html", func(c, t string) string {
					return "<html><body>" + hostilePad(512-before) + c + " " + t + "</body></html>"
				})},
			hostileShape{fmt.Sprintf("page token %d bytes before the cut", before),
				text(400, "text/plain", func(_, t string) string { return hostilePad(512-before) + t + hostilePad(100) })},
		)
	}
	// The secret straddles the end of what is read (the 4 KiB head of a
	// 2xx body, the scan of an error body), after white space that the
	// trimming removes.
	shapes = append(shapes,
		hostileShape{"malformed 200 body, credential across the end of the head", text(200, "application/json", func(c, _ string) string {
			return strings.Repeat(" ", 4096-10) + c + hostilePad(1000)
		})},
		hostileShape{"plain error, credential across the end of the scan", text(500, "text/plain", func(c, _ string) string {
			return strings.Repeat(" ", 64<<10-10) + c + hostilePad(1000)
		})},
		hostileShape{"HTML error, credential across the end of the scan", text(502, "text/html", func(c, _ string) string {
			return "<html><body>" + strings.Repeat(" ", 64<<10-22) + c + hostilePad(1000)
		})},
	)
	return shapes
}

// TestHostileServerNeverSeesItsSecretsPrinted: whatever a server echoes
// (the credential as sent or escaped, the page token, whole or across the
// 512-byte cut), in whatever shape (each vendor's JSON error, problem+json,
// plain text, HTML, a malformed 2xx, headers, a Location, a broken
// response), no 4-byte piece of a secret appears in the error's texts or
// in any Debug log record.
func TestHostileServerNeverSeesItsSecretsPrinted(t *testing.T) {
	creds := []struct {
		name   string
		secret string
		opt    sessionkit.Option
	}{
		{"WithAPIKey", hostileKey, sessionkit.WithAPIKey(hostileKey)},
		{"WithTokenFunc", hostileFunc, sessionkit.WithTokenFunc(func(context.Context) (string, error) { return hostileFunc, nil })},
	}
	calls := []struct {
		name string
		call func(c *sessionkit.Client, api sessionkit.API) error
	}{
		{"call", func(c *sessionkit.Client, api sessionkit.API) error {
			// The token reaches the API that pages by token (Zoom).
			_, _, err := apis[api].page(context.Background(), c, fakeArgs, startPos{token: hostileToken}, 0)
			return err
		}},
		{"iterator", func(c *sessionkit.Client, api sessionkit.API) error {
			_, err := drain(walkIDs(context.Background(), c, api, startPos{token: hostileToken}, 10))
			return err
		}},
	}
	for _, cr := range creds {
		for _, sh := range hostileShapes() {
			for _, api := range allAPIs {
				for _, cl := range calls {
					t.Run(cr.name+"/"+sh.name+"/"+api.String()+"/"+cl.name, func(t *testing.T) {
						srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
							cred, token := hostileEcho(r)
							sh.serve(w, r, cred, token)
						})
						logs := &hostileCapture{}
						c := newTestClient(t, srv.URL, cr.opt, sessionkit.WithMaxRetries(1),
							sessionkit.WithRetryWait(time.Millisecond, 2*time.Millisecond), sessionkit.WithLogger(slog.New(logs)))
						err := cl.call(c, api)
						require.Error(t, err, "the hostile answer is an error")
						require.GreaterOrEqual(t, srv.count(), 1)
						texts := append(hostileErrTexts(err), logs.all()...)
						require.NotEmpty(t, logs.all(), "the debug logger saw the attempts")
						forms := hostileForms(cr.secret, hostileToken)
						for _, text := range texts {
							if piece := hostileLeak(text, forms); piece != "" {
								t.Fatalf("%q of a secret in %q", piece, text)
							}
						}
					})
				}
			}
		}
	}
}

// TestHostileZoomNeverSeesTheVideoSDKKeyPrinted: with
// WithVideoSDKCredentials, a server that echoes the minted JWT and the key
// inside it (its iss claim) gets neither printed, nor the secret.
func TestHostileZoomNeverSeesTheVideoSDKKeyPrinted(t *testing.T) {
	const sdkKey, sdkSecret = "Qv8Lr+Tn3/Wd6=Yk1Hs9Jc2M", "Zp5Gx/Bm7+Rf4=Nt0Kw2Ly6D"
	bodies := map[string]func(jwt, iss string) (ct, body string){
		"JSON": func(jwt, iss string) (string, string) {
			return "application/json", fmt.Sprintf(`{"code": 124, "message": "Invalid access token %s for key %s", "errors": [{"field": %q, "message": %q}]}`, jwt, iss, iss, jwt)
		},
		"plain text": func(jwt, iss string) (string, string) {
			return "text/plain", hostilePad(500) + iss + " " + jwt
		},
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			var sent string
			srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
				jwt := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
				sent = jwt
				var claims struct {
					Iss string `json:"iss"`
				}
				if parts := strings.Split(jwt, "."); len(parts) == 3 {
					if b, err := base64.RawURLEncoding.DecodeString(parts[1]); err == nil {
						_ = json.Unmarshal(b, &claims)
					}
				}
				ct, b := body(jwt, claims.Iss)
				w.Header().Set("Content-Type", ct)
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = w.Write([]byte(b))
			})
			logs := &hostileCapture{}
			c := newTestClient(t, srv.URL, sessionkit.WithVideoSDKCredentials(sdkKey, sdkSecret), sessionkit.WithLogger(slog.New(logs)))
			err := callPage(context.Background(), c, sessionkit.Zoom)
			require.Error(t, err)
			require.NotEmpty(t, sent, "the JWT was sent")
			forms := hostileForms(sdkKey, sdkSecret, sent)
			for _, text := range append(hostileErrTexts(err), logs.all()...) {
				if piece := hostileLeak(text, forms); piece != "" {
					t.Fatalf("%q of a secret in %q", piece, text)
				}
			}
		})
	}
}

// TestMalformedPageNeverPrintsTheTokenItCarries: a 2xx Zoom page that
// fails to decode is shown as a snippet of its start, which holds the
// next_page_token the server issued: the snippet must not print it,
// also when the snippet's cut falls inside the token.
func TestMalformedPageNeverPrintsTheTokenItCarries(t *testing.T) {
	const next = "Rk4/Hq9+Wm2=Tz7Lp5Xc8Vb3" // the token in the body, not the one sent
	for _, tc := range []struct {
		name string
		body string
	}{
		{"token, then a syntax error", `{"page_size": 30, "next_page_token": "` + next + `", "users": [{"id": "a",, }]}`},
		{"token JSON-escaped", `{"next_page_token": "` + strings.ReplaceAll(next, "/", `\/`) + `", "users": [{"id": "a",, }]}`},
		{"token across the cut of the snippet", `{"page_size": 30, "users": [{"id": "` + hostilePad(512-36-25-12) + `"}], "next_page_token": "` + next + `", "x": ,}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, tc.body)
			})
			logs := &hostileCapture{}
			c := newTestClient(t, srv.URL, sessionkit.WithLogger(slog.New(logs)))
			_, err := c.Sessions.ListUsers(context.Background(), "sess-1", sessions.ListUsersOptions{})
			require.ErrorIs(t, err, sessionkit.ErrMalformedResponse)
			for _, text := range append(hostileErrTexts(err), logs.all()...) {
				if piece := hostileLeak(text, hostileForms(next)); piece != "" {
					t.Fatalf("%q of the page token in %q", piece, text)
				}
			}
		})
	}
}
