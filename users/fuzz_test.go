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
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sessionkit/sessionkit-go/internal/engine"
	"github.com/sessionkit/sessionkit-go/internal/testutil"
)

func fzService(status, ct uint8, header string, body []byte) (*Service, int, string) {
	code, ctype, h := testutil.FuzzAnswer(status, ct)
	if header != "" {
		h["X-Pagination"] = []string{header}
	}
	base, _ := url.Parse("https://fuzz.example/tenant")
	var cfg engine.Config
	cfg.APIs[engine.MonoCloud] = engine.APIConfig{BaseURL: base, Credential: engine.StaticKey(testutil.FuzzKey)}
	cfg.HTTPClient = &http.Client{Transport: &testutil.CannedTransport{Status: code, Header: h, Body: body}}
	return (*Service)(engine.NewService(engine.New(cfg))), code, ctype
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
		`{"detail": "bad key ` + testutil.FuzzKey + `"}`, `<html>debug: ` + testutil.FuzzKey + `</html>`, "\xff\xfe[\x00]",
	} {
		f.Add(uint8(0), uint8(0), []byte(s))
	}
	f.Add(uint8(8), uint8(6), []byte(`{"type": "https://httpstatuses.io/404", "title": "Not Found", "detail": "User not found"}`))
	f.Add(uint8(6), uint8(3), []byte(`Your plan does not include this feature.`))
	f.Fuzz(func(t *testing.T, status, ct uint8, body []byte) {
		testutil.DecodersAgree(t, body, func() any { return &wireSessions{sizeHint: 3} })
		svc, code, ctype := fzService(status, ct, "", body)
		page, err := svc.Sessions(context.Background(), "u1", SessionsOptions{Size: 3})
		if err != nil {
			testutil.CheckTypedError(t, code, err)
		} else if page == nil {
			t.Fatal("nil page without an error")
		}
		if !testutil.ReferenceApplies(code, ctype, body) {
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
