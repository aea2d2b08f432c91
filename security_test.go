package sessionkit_test

// Security promises: credentials stay at their origin, path arguments
// cannot leave their segment, secrets are never printed.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/traces"
	"github.com/sessionkit/sessionkit-go/users"
)

// ---- Credentials stay at their origin ----

// secCredentials returns the credential headers a request carried.
func secCredentials(h http.Header) (auth, apiKey string) {
	return h.Get("Authorization"), h.Get("X-Api-Key")
}

// secWantCredential asserts h carries exactly api's credential, in api's
// own header only.
func secWantCredential(t *testing.T, api sessionkit.API, h http.Header) {
	t.Helper()
	auth, key := secCredentials(h)
	if apis[api].keyHeader {
		assert.Equal(t, testKey, key, "X-API-KEY at the origin")
		assert.Empty(t, auth, "MonoCloud gets no Authorization header")
		return
	}
	assert.Equal(t, "Bearer "+testKey, auth, "Authorization at the origin")
	assert.Empty(t, key, "a Bearer API gets no X-API-KEY")
}

func secWantNoCredential(t *testing.T, h http.Header) {
	t.Helper()
	auth, key := secCredentials(h)
	assert.Empty(t, auth, "Authorization reached another origin")
	assert.Empty(t, key, "X-API-KEY reached another origin")
	assert.NotContains(t, fmt.Sprint(h), testKey)
}

func TestCredentialsStayAtTheirOrigin(t *testing.T) {
	clients := []struct {
		name string
		opts func(*httptest.Server) []sessionkit.Option
	}{
		{"SDK transport", func(*httptest.Server) []sessionkit.Option { return nil }},
		{"WithHTTPClient", func(*httptest.Server) []sessionkit.Option {
			return []sessionkit.Option{sessionkit.WithHTTPClient(&http.Client{Transport: &http.Transport{}})}
		}},
	}
	for _, cl := range clients {
		for _, api := range allAPIs {
			t.Run("cross-origin redirect/"+cl.name+"/"+api.String(), func(t *testing.T) {
				// Both servers are on 127.0.0.1: only the port differs.
				other := newRecordingServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { writeJSON(w, http.StatusOK, apis[api].emptyBody) })
				origin := newRecordingServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, other.URL+r.URL.Path+"?"+r.URL.RawQuery, http.StatusFound)
				})
				c := newTestClient(t, origin.URL, cl.opts(origin.Server)...)
				require.NoError(t, callPage(context.Background(), c, api))
				require.Equal(t, 1, origin.count())
				require.Equal(t, 1, other.count())
				secWantCredential(t, api, origin.requests()[0].header)
				secWantNoCredential(t, other.requests()[0].header)
			})
			t.Run("same-origin redirect/"+cl.name+"/"+api.String(), func(t *testing.T) {
				srv := newRecordingServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
					if n == 0 {
						http.Redirect(w, r, "/moved"+r.URL.Path+"?"+r.URL.RawQuery, http.StatusFound)
						return
					}
					writeJSON(w, http.StatusOK, apis[api].emptyBody)
				})
				c := newTestClient(t, srv.URL, cl.opts(srv.Server)...)
				require.NoError(t, callPage(context.Background(), c, api))
				reqs := srv.requests()
				require.Len(t, reqs, 2)
				assert.True(t, strings.HasPrefix(reqs[1].uri, "/moved/"), reqs[1].uri)
				secWantCredential(t, api, reqs[0].header)
				secWantCredential(t, api, reqs[1].header)
			})
		}
	}
}

// TestCredentialsNotDowngraded: an https origin that redirects to plain
// http (here also another port) loses the credential on the way.
func TestCredentialsNotDowngraded(t *testing.T) {
	for _, api := range allAPIs {
		t.Run(api.String(), func(t *testing.T) {
			plain := newRecordingServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { writeJSON(w, http.StatusOK, apis[api].emptyBody) })
			var originHeader http.Header
			tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				originHeader = r.Header.Clone()
				http.Redirect(w, r, plain.URL+r.URL.Path+"?"+r.URL.RawQuery, http.StatusMovedPermanently)
			}))
			t.Cleanup(tlsSrv.Close)
			require.True(t, strings.HasPrefix(tlsSrv.URL, "https://"))
			c := newTestClient(t, tlsSrv.URL, sessionkit.WithHTTPClient(tlsSrv.Client()))
			require.NoError(t, callPage(context.Background(), c, api))
			require.NotNil(t, originHeader)
			secWantCredential(t, api, originHeader)
			require.Equal(t, 1, plain.count())
			secWantNoCredential(t, plain.requests()[0].header)
		})
	}
}

// TestCallerHTTPClientNotMutated: WithHTTPClient uses a copy; the caller's
// client keeps its transport, redirect policy, jar and timeout.
func TestCallerHTTPClientNotMutated(t *testing.T) {
	other := newRecordingServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, apis[sessionkit.Zoom].emptyBody)
	})
	origin := newRecordingServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	})
	tr := &http.Transport{}
	redirects := 0
	checkRedirect := func(*http.Request, []*http.Request) error { redirects++; return nil }
	hc := &http.Client{Transport: tr, CheckRedirect: checkRedirect, Timeout: 7 * time.Second}
	snapshot := func() []any {
		return []any{hc.Transport, reflect.ValueOf(hc.CheckRedirect).Pointer(), hc.Jar, hc.Timeout}
	}
	before := snapshot()
	c := newTestClient(t, origin.URL, sessionkit.WithHTTPClient(hc), sessionkit.WithAttemptTimeout(time.Second))
	require.NoError(t, callPage(context.Background(), c, sessionkit.Zoom))
	assert.Equal(t, before, snapshot(), "the caller's *http.Client is unchanged")
	assert.Equal(t, 1, redirects, "the caller's redirect policy is used")
	secWantNoCredential(t, other.requests()[0].header)

	// The caller's own client, used directly, sends no credential.
	resp, err := hc.Get(origin.URL + "/direct")
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	secWantNoCredential(t, origin.requests()[1].header)
}

// ---- Path arguments cannot leave their segment ----

// secPathValues are hostile path arguments. nil means rejected with
// ErrInvalidOptions before sending; otherwise the value reaches the server
// as exactly one segment that decodes back to the value.
var secPathValues = []string{
	".", "..", "a/b", "../../admin", "%2e%2e", "%2E%2E", "x?y", "x#y", "ünïcødé-用户-🙂",
	"a b", "...", "..%2f..", "a;b", "a\\b", "%", "x\ny", "/leading", "trailing/", "a//b", "~user", "+%20&=",
}

func secRejected(v string) bool { return v == "." || v == ".." }

func TestPathArgumentsStayInOneSegment(t *testing.T) {
	type target struct {
		name   string
		before string // the escaped route before the argument
		after  string // and after it
		call   func(c *sessionkit.Client, v string) error
		client func(t *testing.T, base, v string) (*sessionkit.Client, error)
		api    sessionkit.API
		// zoomDouble: Zoom's double-encoding rule applies.
		zoomDouble bool
	}
	ctx := context.Background()
	targets := []target{
		{
			name: "Ductape workspace ID", api: sessionkit.Ductape,
			before: "/integrations/v1/session/users/", after: "",
			client: func(t *testing.T, base, v string) (*sessionkit.Client, error) {
				return sessionkit.NewClient(sessionkit.WithBaseURL(base), sessionkit.WithAPIKey(testKey), sessionkit.WithWorkspaceID(v))
			},
			call: func(c *sessionkit.Client, _ string) error {
				_, err := c.Sessions.FetchUsers(ctx, sessions.FetchUsersOptions{Product: "p", Session: "s"})
				return err
			},
		},
		{
			name: "Ductape identifier", api: sessionkit.Ductape,
			before: "/integrations/v1/session/users/" + testWorkspace + "/", after: "",
			call: func(c *sessionkit.Client, v string) error {
				_, err := c.Sessions.FetchUserDetails(ctx, sessions.FetchUserDetailsOptions{Product: "p", Session: "s", Identifier: v})
				return err
			},
		},
		{
			name: "Zoom session ID", api: sessionkit.Zoom, zoomDouble: true,
			before: "/videosdk/sessions/", after: "/users",
			call: func(c *sessionkit.Client, v string) error {
				_, err := c.Sessions.ListUsers(ctx, v, sessions.ListUsersOptions{})
				return err
			},
		},
		{
			name: "Arthur user ID", api: sessionkit.Arthur,
			before: "/api/v1/traces/users/", after: "",
			call: func(c *sessionkit.Client, v string) error {
				_, err := c.Traces.User(ctx, v, traces.UserOptions{TaskIDs: []string{"t1"}})
				return err
			},
		},
		{
			name: "MonoCloud user ID", api: sessionkit.MonoCloud,
			before: "/api/users/", after: "/sessions",
			call: func(c *sessionkit.Client, v string) error {
				_, err := c.Users.Sessions(ctx, v, users.SessionsOptions{})
				return err
			},
		},
	}
	okBody := map[sessionkit.API]string{
		sessionkit.Ductape:   `{"status": true, "data": {"identifier": "x"}}`,
		sessionkit.Zoom:      apis[sessionkit.Zoom].emptyBody,
		sessionkit.Arthur:    `{"user_id": "x"}`,
		sessionkit.MonoCloud: apis[sessionkit.MonoCloud].emptyBody,
	}
	for _, tg := range targets {
		for _, v := range secPathValues {
			t.Run(fmt.Sprintf("%s/%q", tg.name, v), func(t *testing.T) {
				var gotURI, gotPath string
				srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
					gotURI, gotPath = r.RequestURI, r.URL.Path
					writeJSON(w, http.StatusOK, okBody[tg.api])
				})
				var c *sessionkit.Client
				var err error
				if tg.client != nil {
					c, err = tg.client(t, srv.URL, v)
					if err != nil {
						// WithWorkspaceID refuses dot-segments and "/".
						assert.ErrorIs(t, err, sessionkit.ErrInvalidOptions)
						assert.True(t, secRejected(v) || strings.Contains(v, "/"), "rejected %q", v)
						return
					}
				} else {
					c = newTestClient(t, srv.URL)
				}
				err = tg.call(c, v)
				if secRejected(v) {
					require.ErrorIs(t, err, sessionkit.ErrInvalidOptions)
					assert.Equal(t, 0, srv.count(), "nothing was sent")
					return
				}
				require.NoError(t, err)
				require.Equal(t, 1, srv.count())

				escapedPath, _, _ := strings.Cut(gotURI, "?")
				require.True(t, strings.HasPrefix(escapedPath, tg.before), "route start: %s", escapedPath)
				require.True(t, strings.HasSuffix(escapedPath, tg.after), "route end: %s", escapedPath)
				seg := strings.TrimSuffix(strings.TrimPrefix(escapedPath, tg.before), tg.after)
				assert.NotContains(t, seg, "/", "one segment")
				assert.NotContains(t, seg, "?")
				assert.NotContains(t, seg, "#")
				assert.NotEqual(t, ".", seg)
				assert.NotEqual(t, "..", seg)
				decoded, err := url.PathUnescape(seg)
				require.NoError(t, err)
				if tg.zoomDouble && (strings.HasPrefix(v, "/") || strings.Contains(v, "//")) {
					// Double-encoded: one decoding gives the once-encoded
					// ID, a second gives the ID.
					assert.Contains(t, seg, "%25", "double-encoded")
					decoded, err = url.PathUnescape(decoded)
					require.NoError(t, err)
				}
				assert.Equal(t, v, decoded, "the server decodes the argument back")
				assert.Equal(t, tg.before+decodedOnce(seg)+tg.after, gotPath, "the server's decoded path")
			})
		}
	}
}

func decodedOnce(seg string) string {
	s, _ := url.PathUnescape(seg)
	return s
}

// TestZoomDoubleEncoding pins Zoom's rule: IDs that begin with "/" or
// contain "//" are encoded twice, others once.
func TestZoomDoubleEncoding(t *testing.T) {
	tests := []struct{ id, wire string }{
		{"KkMHZ4y8QhSUWAHi5sWvfg==", "KkMHZ4y8QhSUWAHi5sWvfg%3D%3D"},
		{"/Ab==", "%252FAb%253D%253D"},
		{"a//b", "a%252F%252Fb"},
		{"a/b", "a%2Fb"},
		{"../../admin", "..%2F..%2Fadmin"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			var got string
			srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
				got = r.RequestURI
				writeJSON(w, http.StatusOK, apis[sessionkit.Zoom].emptyBody)
			})
			c := newTestClient(t, srv.URL)
			_, err := c.Sessions.ListUsers(context.Background(), tt.id, sessions.ListUsersOptions{})
			require.NoError(t, err)
			assert.Equal(t, "/videosdk/sessions/"+tt.wire+"/users", got)
		})
	}
}

// ---- Secrets are never printed ----

const (
	secPageToken = "PAGE-TOKEN-SECRET-41c2"
	secBearer    = "BEARER-FROM-FUNC-SECRET-9d0e"
)

// TestSecretsNeverPrinted runs the success, retry and failure paths,
// transport errors and redirects with a Debug logger and asserts that no
// record and no error text holds the API key, a bearer token, a page
// token, user info or a query string.
func TestSecretsNeverPrinted(t *testing.T) {
	type scenario struct {
		name string
		// run makes calls against a client built with opts and returns
		// the errors they gave.
		run func(t *testing.T, opts ...sessionkit.Option) []error
	}
	zoomPage := func(c *sessionkit.Client) error {
		_, err := c.Sessions.ListUsers(context.Background(), "sess-1", sessions.ListUsersOptions{PageSize: 10, NextPageToken: secPageToken})
		return err
	}
	scenarios := []scenario{
		{"success", func(t *testing.T, opts ...sessionkit.Option) []error {
			srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 200, apis[sessionkit.Zoom].emptyBody)
			})
			return []error{zoomPage(newTestClient(t, srv.URL, opts...))}
		}},
		{"retry then success", func(t *testing.T, opts ...sessionkit.Option) []error {
			srv := newRecordingServer(t, func(n int, w http.ResponseWriter, _ *http.Request) {
				if n < 2 {
					w.Header().Set("Retry-After", "0")
					writeJSON(w, 503, `{"code": 503, "message": "busy"}`)
					return
				}
				writeJSON(w, 200, apis[sessionkit.Zoom].emptyBody)
			})
			return []error{zoomPage(newTestClient(t, srv.URL, opts...))}
		}},
		{"retries exhausted", func(t *testing.T, opts ...sessionkit.Option) []error {
			srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 500, `{"code": 500, "message": "broken"}`)
			})
			return []error{zoomPage(newTestClient(t, srv.URL, opts...))}
		}},
		{"server echoes the credential", func(t *testing.T, opts ...sessionkit.Option) []error {
			srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
				echo := r.Header.Get("Authorization") + " " + r.Header.Get("X-Api-Key")
				writeJSON(w, 401, fmt.Sprintf(`{"code": 124, "message": "Invalid access token: %s", "detail": "bad key %s", "errors": [{"field": "token", "message": %q}]}`, echo, echo, echo))
			})
			c := newTestClient(t, srv.URL, opts...)
			var errs []error
			for _, api := range allAPIs {
				errs = append(errs, callPage(context.Background(), c, api))
			}
			return errs
		}},
		{"malformed body echoes the credential", func(t *testing.T, opts ...sessionkit.Option) []error {
			srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				_, _ = fmt.Fprintf(w, "<html>debug: %s %s</html>", r.Header.Get("Authorization"), r.Header.Get("X-Api-Key"))
			})
			c := newTestClient(t, srv.URL, opts...)
			var errs []error
			for _, api := range allAPIs {
				errs = append(errs, callPage(context.Background(), c, api))
			}
			return errs
		}},
		{"connection refused", func(t *testing.T, opts ...sessionkit.Option) []error {
			return []error{zoomPage(newTestClient(t, refusedURL(t), opts...))}
		}},
		{"redirect to a dead origin with user info and query", func(t *testing.T, opts ...sessionkit.Option) []error {
			dead, err := url.Parse(refusedURL(t))
			require.NoError(t, err)
			srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
				loc := fmt.Sprintf("http://admin:%s@%s%s?%s&api_key=%s", testKey, dead.Host, r.URL.Path, r.URL.RawQuery, testKey)
				http.Redirect(w, r, loc, http.StatusFound)
			})
			return []error{zoomPage(newTestClient(t, srv.URL, opts...))}
		}},
		{"too many redirects", func(t *testing.T, opts ...sessionkit.Option) []error {
			srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, r.URL.Path+"?"+r.URL.RawQuery+"&again=1", http.StatusFound)
			})
			return []error{zoomPage(newTestClient(t, srv.URL, opts...))}
		}},
		{"cancelled during a wait", func(t *testing.T, opts ...sessionkit.Option) []error {
			srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Retry-After", "10")
				writeJSON(w, 429, `{"code": 429, "message": "slow down"}`)
			})
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			c := newTestClient(t, srv.URL, append(opts, sessionkit.WithRetryWait(time.Millisecond, time.Minute))...)
			_, err := c.Sessions.ListUsers(ctx, "sess-1", sessions.ListUsersOptions{NextPageToken: secPageToken})
			return []error{err}
		}},
		{"iterator errors", func(t *testing.T, opts ...sessionkit.Option) []error {
			p := newFakeListing(t, sessionkit.Zoom, 9)
			p.nextToken = func(int) string { return secPageToken }
			c := newTestClient(t, p.URL, opts...)
			_, loopErr := drain(walkIDs(context.Background(), c, sessionkit.Zoom, startPos{}, 3))
			require.ErrorIs(t, loopErr, sessionkit.ErrPaginationLoop)

			p2 := newFakeListing(t, sessionkit.Zoom, 9)
			p2.fault = func(key string, _ int) (int, string) {
				if key == secPageToken {
					return 400, `{"code": 300, "message": "The next page token is invalid or expired."}`
				}
				return 0, ""
			}
			c2 := newTestClient(t, p2.URL, opts...)
			_, expErr := drain(walkIDs(context.Background(), c2, sessionkit.Zoom, startPos{token: secPageToken}, 3))
			require.ErrorIs(t, expErr, sessionkit.ErrPageTokenExpired)
			var pe *sessionkit.PageError
			require.ErrorAs(t, expErr, &pe)
			assert.Equal(t, secPageToken, pe.PageToken, "the token stays available to resume")
			return []error{loopErr, expErr}
		}},
	}
	creds := []struct {
		name   string
		secret string
		opt    sessionkit.Option
	}{
		{"WithAPIKey", testKey, nil},
		{"WithTokenFunc", secBearer, sessionkit.WithTokenFunc(func(context.Context) (string, error) { return secBearer, nil })},
	}
	for _, cr := range creds {
		for _, sc := range scenarios {
			t.Run(cr.name+"/"+sc.name, func(t *testing.T) {
				logs := &logCapture{}
				opts := []sessionkit.Option{sessionkit.WithLogger(logs.logger()), sessionkit.WithMaxRetries(2)}
				if cr.opt != nil {
					opts = append(opts, cr.opt)
				}
				errs := sc.run(t, opts...)
				records := logs.records()
				require.NotEmpty(t, records, "the debug logger saw the attempts")
				texts := append([]string(nil), records...)
				for _, err := range errs {
					if err != nil {
						texts = append(texts, err.Error())
						var ae *sessionkit.APIError
						if errors.As(err, &ae) {
							for _, f := range ae.Fields {
								texts = append(texts, f.Field+" "+f.Message)
							}
							texts = append(texts, ae.Code, ae.Message)
						}
					}
				}
				for _, s := range texts {
					for _, secret := range []string{testKey, secBearer, cr.secret, secPageToken} {
						assert.NotContains(t, s, secret)
					}
					assert.NotContains(t, s, "?", "no query string")
					assert.NotContains(t, s, "next_page_token")
					assert.NotContains(t, s, "admin:", "no user info")
				}
			})
		}
	}
}

// TestErrorURLsAreRedacted: a transport error names the host and path it
// failed on, without user info or query.
func TestErrorURLsAreRedacted(t *testing.T) {
	dead, err := url.Parse(refusedURL(t))
	require.NoError(t, err)
	srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://user:pw@"+dead.Host+"/elsewhere/x?next_page_token="+secPageToken, http.StatusFound)
	})
	c := newTestClient(t, srv.URL, sessionkit.WithMaxRetries(0))
	err = callPage(context.Background(), c, sessionkit.Zoom)
	require.Error(t, err)
	text := err.Error()
	assert.Contains(t, text, "http://"+dead.Host+"/elsewhere/x", "names the redacted URL")
	assert.NotContains(t, text, "user:pw")
	assert.NotContains(t, text, secPageToken)
	assert.NotContains(t, text, "next_page_token")
}
