package users

// Fuzz targets for the MonoCloud response decoders, driven through the
// public call with an in-memory transport (no network): any status,
// content type, X-Pagination header and body must give a result or a
// typed error naming the status, never a panic; input that encoding/json
// accepts in the wire contract's shape must never be rejected. Seed
// corpora live in testdata/fuzz; run one with
//
//	go test -run XXX -fuzz FuzzSessions -fuzztime 2m ./users

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/sessionkit/sessionkit-go/internal/engine"
)

// fzKey is the credential the fuzzed server may echo; no error may print
// it.
const fzKey = "fz-secret-key-5b1e7d"

// fzStatuses are the answers the fuzzer picks from; most are 200.
var fzStatuses = []int{200, 200, 200, 200, 201, 204, 400, 401, 404, 422, 429, 500, 502, 503}

var fzContentTypes = []string{"application/json", "application/json; charset=utf-8", "", "text/plain", "text/html", "application/xml", "application/problem+json"}

type fzTransport struct {
	status int
	header http.Header
	body   []byte
}

func (f *fzTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: f.status, Status: strconv.Itoa(f.status) + " " + http.StatusText(f.status),
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: f.header.Clone(), Body: io.NopCloser(bytes.NewReader(f.body)), ContentLength: int64(len(f.body)),
		Request: req,
	}, nil
}

func fzService(status, ct uint8, header string, body []byte) (*Service, int, string) {
	code := fzStatuses[int(status)%len(fzStatuses)]
	ctype := fzContentTypes[int(ct)%len(fzContentTypes)]
	h := http.Header{}
	if ctype != "" {
		h.Set("Content-Type", ctype)
	}
	if header != "" {
		h["X-Pagination"] = []string{header}
	}
	base, _ := url.Parse("https://fuzz.example/tenant")
	var cfg engine.Config
	cfg.APIs[engine.MonoCloud] = engine.APIConfig{BaseURL: base, Credential: engine.StaticKey(fzKey)}
	cfg.HTTPClient = &http.Client{Transport: &fzTransport{status: code, header: h, body: body}}
	return (*Service)(engine.NewService(engine.New(cfg))), code, ctype
}

// fzCheckError fails unless err is a typed error that names code and
// keeps its snippet short and free of the credential.
func fzCheckError(t *testing.T, code int, err error) {
	t.Helper()
	text := err.Error()
	if strings.Contains(text, fzKey) {
		t.Fatalf("error text holds the credential: %s", text)
	}
	var ae *engine.APIError
	var me *engine.MalformedError
	switch {
	case errors.As(err, &ae):
		if ae.StatusCode != code || len(ae.Body) > engine.MaxErrorBody {
			t.Fatalf("APIError status %d (want %d), body %d bytes", ae.StatusCode, code, len(ae.Body))
		}
	case errors.As(err, &me):
		if !errors.Is(err, engine.ErrMalformedResponse) || me.StatusCode != code || len(me.Snippet) > 512 {
			t.Fatalf("MalformedError %+v for status %d", me, code)
		}
	default:
		t.Fatalf("untyped error %T: %v", err, err)
	}
	if !strings.Contains(text, strconv.Itoa(code)) {
		t.Fatalf("error text does not name the status %d: %s", code, text)
	}
}

// fzReferenceApplies reports whether a successful reference decoding with
// encoding/json must be matched: a 2xx JSON-ish answer in plain ASCII
// (encoding/json folds a few non-ASCII letters into ASCII key names) with
// no repeated keys (RFC 8259 leaves their meaning open).
func fzReferenceApplies(code int, ctype string, body []byte) bool {
	if code < 200 || code > 299 || ctype == "text/html" || ctype == "application/xml" {
		return false
	}
	if bytes.IndexFunc(body, func(r rune) bool { return r >= 0x80 }) >= 0 {
		return false
	}
	return !fzDuplicateKeys(body)
}

// fzDuplicateKeys reports whether an object in body repeats a key (up to
// case): encoding/json then merges or replaces in ways RFC 8259 leaves
// open, so the reference decoding proves nothing.
func fzDuplicateKeys(body []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	type frame struct {
		keys  map[string]bool
		isObj bool
		onKey bool // the next string token in an object is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.isObj && top.onKey {
			if k, ok := tok.(string); ok {
				k = strings.ToLower(k)
				if top.keys[k] {
					return true
				}
				top.keys[k] = true
				top.onKey = false
				continue
			}
		}
		switch tok {
		case json.Delim('{'):
			if top != nil && top.isObj {
				top.onKey = true
			}
			stack = append(stack, &frame{keys: map[string]bool{}, isObj: true, onKey: true})
			continue
		case json.Delim('['):
			if top != nil && top.isObj {
				top.onKey = true
			}
			stack = append(stack, &frame{})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				return false
			}
			continue
		}
		if top != nil && top.isObj {
			top.onKey = true // a scalar value ends the member
		}
	}
}

// refSession is MonoCloud's session, every field typed as the contract
// says (metadata fields are strings or null).
type refSession struct {
	SessionID    string      `json:"session_id"`
	SessionKey   string      `json:"session_key"`
	ClientIDs    []string    `json:"client_ids"`
	InitiatedAt  engine.Time `json:"initiated_at"`
	ExpiresAt    engine.Time `json:"expires_at"`
	LastUpdated  engine.Time `json:"last_updated"`
	LastMetadata *struct {
		Country   *string `json:"country"`
		City      *string `json:"city"`
		Region    *string `json:"region"`
		Latitude  *string `json:"latitude"`
		Longitude *string `json:"longitude"`
		IPAddress *string `json:"ip_address"`
		UserAgent *string `json:"user_agent"`
	} `json:"last_metadata"`
}

func fzDeref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

const fzSession = `{"session_id": "96484D319ACC21380CCE026E54807B4D", "session_key": "CF13F82261B1FCE312E5651500620295BEDBF32207446BA5C1D9B61129F05A22", "client_ids": ["eCOGRJYpnNwwAAuCeReEW"], "initiated_at": 1640975400, "expires_at": 1640983490, "last_updated": 1640975400, "last_metadata": {"country": "United States of America", "city": "Los Angeles", "region": "North America", "latitude": "34.043238", "longitude": "-118.250918", "ip_address": "1.1.1.1", "user_agent": "The User Agent"}}`

func FuzzSessions(f *testing.F) {
	for _, s := range []string{
		`[` + fzSession + `]`, `[]`, `[{"session_id": "a"}, {"session_id": "b", "last_metadata": null}, {"session_id": "c", "last_metadata": {"city": null, "latitude": 34.5}}]`,
		`[{"session_id": "a", "client_ids": ["x", "y"]}, {"session_id": "b", "client_ids": ["z"]}, {"session_id": "c"}]`,
		`[{"session_id": "a", "initiated_at": "2026-11-20T10:00:00Z", "expires_at": null}]`,
		`{"type": "https://httpstatuses.io/404", "title": "Not Found", "status": 404, "detail": "User not found"}`,
		`{"type": "https://httpstatuses.io/422#validation-error", "errors": {"size": ["'size' must be greater than 0"]}}`,
		``, `null`, `{}`, `"x"`, `42`, `[null, 1, "x", [], {}]`, `[{"session_id": 42}]`, `[{"session_id": "a"},, ]`, `[{"session_id": "a"`,
		`[{"session_id": "a", "last_metadata": {"country": ["x"]}}]`, `[{"initiated_at": 1e400}]`, `[]{"x": 1}`,
		`<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>`,
		`{"detail": "bad key ` + fzKey + `"}`, `<html>debug: ` + fzKey + `</html>`, "\xff\xfe[\x00]",
	} {
		f.Add(uint8(0), uint8(0), []byte(s))
	}
	f.Add(uint8(8), uint8(6), []byte(`{"type": "https://httpstatuses.io/404", "title": "Not Found", "detail": "User not found"}`))
	f.Add(uint8(6), uint8(3), []byte(`Your plan does not include this feature.`))
	f.Fuzz(func(t *testing.T, status, ct uint8, body []byte) {
		svc, code, ctype := fzService(status, ct, "", body)
		page, err := svc.Sessions(context.Background(), "u1", SessionsOptions{Size: 3})
		if err != nil {
			fzCheckError(t, code, err)
		} else if page == nil {
			t.Fatal("nil page without an error")
		}
		if !fzReferenceApplies(code, ctype, body) {
			return
		}
		var ref []refSession
		if json.Unmarshal(body, &ref) != nil || ref == nil {
			return
		}
		if err != nil {
			t.Fatalf("encoding/json accepts the body but Sessions failed: %v", err)
		}
		if len(page.Sessions) != len(ref) {
			t.Fatalf("Sessions gave %d sessions, encoding/json %d", len(page.Sessions), len(ref))
		}
		for i, w := range ref {
			got := page.Sessions[i]
			if got.SessionID != w.SessionID || got.SessionKey != w.SessionKey || strings.Join(got.ClientIDs, ",") != strings.Join(w.ClientIDs, ",") ||
				len(got.ClientIDs) != len(w.ClientIDs) || !got.InitiatedAt.Equal(w.InitiatedAt.Std()) || !got.ExpiresAt.Equal(w.ExpiresAt.Std()) {
				t.Fatalf("session %d: got %+v, encoding/json %+v", i, got, w)
			}
			if m := w.LastMetadata; m != nil {
				want := Metadata{
					Country: fzDeref(m.Country), City: fzDeref(m.City), Region: fzDeref(m.Region), Latitude: fzDeref(m.Latitude),
					Longitude: fzDeref(m.Longitude), IPAddress: fzDeref(m.IPAddress), UserAgent: fzDeref(m.UserAgent),
				}
				if got.LastMetadata != want {
					t.Fatalf("session %d metadata: got %+v, encoding/json %+v", i, got.LastMetadata, want)
				}
			} else if got.LastMetadata != (Metadata{}) {
				t.Fatalf("session %d: metadata %+v from a body without it", i, got.LastMetadata)
			}
		}
	})
}

// FuzzParsePagination fuzzes the X-Pagination header through Sessions:
// the page keeps the header's totals when it is a JSON object of the
// documented shape, and has none (nil) when it is missing or unreadable;
// a bad header never fails the call.
func FuzzParsePagination(f *testing.F) {
	for _, s := range []string{
		`{"total_count": 20, "page_size": 2, "current_page": 3, "has_next": true, "has_previous": true}`,
		`{"total_count": 0, "page_size": 10, "current_page": 1, "has_next": false, "has_previous": false}`,
		``, `null`, `{}`, `[]`, `"x"`, `{"total_count": "20"}`, `{"total_count": 1e3}`, `{"total_count": -1, "page_size": 0}`,
		`{"has_next": "yes"}`, `{"TOTAL_COUNT": 5, "Page_Size": 2}`, `{"total_count": 99999999999999999999}`, `{"total_count": 2,`,
		`{"total_count": 20} trailing`, "\xff{}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		if strings.ContainsAny(header, "\r\n") {
			return // not a header value
		}
		svc, _, _ := fzService(0, 0, header, []byte(`[]`))
		page, err := svc.Sessions(context.Background(), "u1", SessionsOptions{})
		if err != nil {
			t.Fatalf("a bad X-Pagination header failed the call: %v", err)
		}
		var ref Pagination
		if header == "" || json.Unmarshal([]byte(header), &ref) != nil {
			if page.Pagination != nil {
				t.Fatalf("X-Pagination %q (missing or unreadable) gave %+v", header, page.Pagination)
			}
			return
		}
		if page.Pagination == nil {
			t.Fatalf("X-Pagination %q decodes with encoding/json but the page has none", header)
		}
		if *page.Pagination != ref {
			t.Fatalf("X-Pagination %q gave %+v, encoding/json %+v", header, *page.Pagination, ref)
		}
	})
}
