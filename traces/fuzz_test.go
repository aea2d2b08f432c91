package traces

// Fuzz targets for the Arthur response decoders, driven through the public
// calls with an in-memory transport (no network): any status, content
// type and body must give a result or a typed error naming the status,
// never a panic; a body that encoding/json accepts in the wire contract's
// shape must never be rejected. Seed corpora live in testdata/fuzz; run
// one with
//
//	go test -run XXX -fuzz FuzzUsers -fuzztime 2m ./traces

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

func fzService(status, ct uint8, body []byte) (*Service, int, string) {
	code, ctype, h := testutil.FuzzAnswer(status, ct)
	base, _ := url.Parse("https://fuzz.example/arthur")
	var cfg engine.Config
	cfg.APIs[engine.Arthur] = engine.APIConfig{BaseURL: base, Credential: engine.StaticKey(testutil.FuzzKey)}
	cfg.HTTPClient = &http.Client{Transport: &testutil.CannedTransport{Status: code, Header: h, Body: body}}
	return (*Service)(engine.NewService(engine.New(cfg))), code, ctype
}

// refUser is Arthur's user item, every field typed as the contract says.
type refUser struct {
	UserID               string      `json:"user_id"`
	TaskID               string      `json:"task_id"`
	SessionIDs           []string    `json:"session_ids"`
	SessionCount         int         `json:"session_count"`
	TraceIDs             []string    `json:"trace_ids"`
	TraceCount           int         `json:"trace_count"`
	SpanCount            int         `json:"span_count"`
	EarliestStartTime    engine.Time `json:"earliest_start_time"`
	LatestEndTime        engine.Time `json:"latest_end_time"`
	PromptTokenCount     *int        `json:"prompt_token_count"`
	CompletionTokenCount *int        `json:"completion_token_count"`
	TotalTokenCount      *int        `json:"total_token_count"`
	PromptTokenCost      *float64    `json:"prompt_token_cost"`
	CompletionTokenCost  *float64    `json:"completion_token_cost"`
	TotalTokenCost       *float64    `json:"total_token_cost"`
}

func fzSameInt(a, b *int) bool       { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
func fzSameFloat(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
func fzSameStrings(a, b []string) bool {
	return strings.Join(a, "\x00") == strings.Join(b, "\x00") && len(a) == len(b)
}

// fzSameUser compares a decoded user with the reference decoding.
func fzSameUser(t *testing.T, got UserMetadata, want refUser) {
	t.Helper()
	if got.UserID != want.UserID || got.TaskID != want.TaskID || got.SpanCount != want.SpanCount ||
		got.SessionCount != want.SessionCount || !fzSameStrings(got.SessionIDs, want.SessionIDs) ||
		!fzSameStrings(got.TraceIDs, want.TraceIDs) ||
		!got.EarliestStartTime.Equal(want.EarliestStartTime.Std()) || !got.LatestEndTime.Equal(want.LatestEndTime.Std()) ||
		!fzSameInt(got.PromptTokenCount, want.PromptTokenCount) || !fzSameInt(got.TotalTokenCount, want.TotalTokenCount) ||
		!fzSameFloat(got.TotalTokenCost, want.TotalTokenCost) || !fzSameFloat(got.PromptTokenCost, want.PromptTokenCost) {
		t.Fatalf("got %+v, encoding/json %+v", got, want)
	}
}

const fzUser = `{"user_id": "u-42", "task_id": "t-1", "session_ids": ["s1", "s2"], "session_count": 2, "trace_ids": ["tr1", "tr2", "tr3"], "trace_count": 3, "span_count": 17, "earliest_start_time": "2026-11-20T09:30:00.250000", "latest_end_time": "2026-11-20T10:02:11.004000", "prompt_token_count": 1200, "completion_token_count": 300, "total_token_count": 1500, "prompt_token_cost": 0.0012, "completion_token_cost": 0.0009, "total_token_cost": 0.0021}`

var fzSeeds = []string{
	``, `null`, `{}`, `[]`, `"x"`, `42`, `{"count": null}`, `{"users": null, "count": 0}`,
	`<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>`,
	`{"count": 3, "users": [`, `{"count": 1, "users": [{"user_id": "a",, }`, `{"count": 1}{"count": 2}`,
	`{"detail": "Invalid page size, must be greater than 0 and less than 5000"}`,
	`{"detail": [{"loc": ["query", "task_ids"], "msg": "field required", "type": "value_error.missing"}]}`,
	`{"detail": "bad key Bearer ` + testutil.FuzzKey + `"}`, `<html>debug: Bearer ` + testutil.FuzzKey + `</html>`,
	`{"count": 2, "users": [{"user_id": 42}]}`, `{"count": 2, "users": [null, {"user_id": "b", "prompt_token_count": null}]}`,
	`{"count": 1, "users": [{"user_id": "a", "earliest_start_time": "2026-11-20 09:30:00"}]}`,
	`{"count": 1, "users": [{"user_id": "a", "earliest_start_time": 1700000000.5}]}`,
	`{"count": 1e3, "users": []}`, `{"COUNT": 5, "Users": [{"USER_ID": "x"}]}`,
	"\xff\xfe{\x00}",
}

func FuzzUsers(f *testing.F) {
	for _, s := range append([]string{
		`{"count": 1234, "users": [` + fzUser + `], "display_currency": "USD"}`,
		`{"count": 0, "users": []}`,
		`{"count": 4, "users": [{"user_id": "a", "session_ids": ["x", "y"], "total_token_cost": 0}, {"user_id": "b"}, {"user_id": "c", "session_ids": ["z"]}, {"user_id": "d", "session_ids": []}]}`,
	}, fzSeeds...) {
		f.Add(uint8(0), uint8(0), []byte(s))
	}
	f.Fuzz(func(t *testing.T, status, ct uint8, body []byte) {
		testutil.DecodersAgree(t, body, func() any { return &wireUsersPage{sizeHint: 4} })
		svc, code, ctype := fzService(status, ct, body)
		page, err := svc.Users(context.Background(), UsersOptions{TaskIDs: []string{"t-1"}, PageSize: 4})
		if err != nil {
			testutil.CheckTypedError(t, code, err)
		} else if page == nil {
			t.Fatal("nil page without an error")
		}
		if !testutil.ReferenceApplies(code, ctype, body) {
			return
		}
		var ref struct {
			Count           *int      `json:"count"`
			Users           []refUser `json:"users"`
			DisplayCurrency string    `json:"display_currency"`
		}
		if json.Unmarshal(body, &ref) != nil || ref.Count == nil {
			return
		}
		if err != nil {
			t.Fatalf("encoding/json accepts the body but Users failed: %v", err)
		}
		if page.Count != *ref.Count || len(page.Users) != len(ref.Users) || page.DisplayCurrency != ref.DisplayCurrency {
			t.Fatalf("Users gave count %d, %d users; encoding/json %d, %d", page.Count, len(page.Users), *ref.Count, len(ref.Users))
		}
		for i := range ref.Users {
			fzSameUser(t, page.Users[i], ref.Users[i])
		}
	})
}

func FuzzUser(f *testing.F) {
	for _, s := range append([]string{fzUser, `{"user_id": "u-9"}`, `{"user_id": ""}`, `{"detail": "User u-9 not found or has no data"}`}, fzSeeds...) {
		f.Add(uint8(0), uint8(0), []byte(s))
	}
	f.Add(uint8(8), uint8(0), []byte(`{"detail": "User u-9 not found or has no data"}`))
	f.Fuzz(func(t *testing.T, status, ct uint8, body []byte) {
		testutil.DecodersAgree(t, body, func() any { return &wireUser{} })
		svc, code, ctype := fzService(status, ct, body)
		u, err := svc.User(context.Background(), "u-9", UserOptions{TaskIDs: []string{"t-1"}})
		if err != nil {
			testutil.CheckTypedError(t, code, err)
		} else if u == nil || u.UserID == "" {
			t.Fatalf("user %+v without an error", u)
		}
		if !testutil.ReferenceApplies(code, ctype, body) {
			return
		}
		var ref refUser
		if json.Unmarshal(body, &ref) != nil || ref.UserID == "" {
			return
		}
		if err != nil {
			t.Fatalf("encoding/json accepts the body but User failed: %v", err)
		}
		fzSameUser(t, *u, ref)
	})
}
