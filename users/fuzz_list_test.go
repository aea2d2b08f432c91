package users

// Fuzz target for the MonoCloud user-list decoder (see fuzz_test.go):
//
//	go test -run XXX -fuzz FuzzList -fuzztime 2m ./users

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/sessionkit/sessionkit-go/internal/engine"
	"github.com/sessionkit/sessionkit-go/internal/testutil"
)

// refUser is MonoCloud's UserSummary as the contract types it (the
// username an object).
type refUser struct {
	UserID   string        `json:"user_id"`
	Disabled bool          `json:"disabled"`
	Emails   []Email       `json:"emails"`
	Phones   []PhoneNumber `json:"phone_numbers"`
	Username *struct {
		Username *string `json:"username"`
	} `json:"username"`
	Claims        map[string]any `json:"claims"`
	CreationTime  engine.Time    `json:"creation_time"`
	LastActivity  engine.Time    `json:"last_activity"`
	FailureCount  int            `json:"failure_count"`
	LastKnownCity *string        `json:"last_known_city"`
}

const fzUser = `{"user_id": "usr_1", "disabled": false, "force_password_reset": false, "has_password": true, "claims": {"name": "Ada"}, "emails": [{"id": "e", "primary": true, "verified": true, "source": "monocloud", "verification_source": null, "email": "ada@example.com"}], "phone_numbers": [], "username": {"id": "u", "username": "ada"}, "connections": [{"idp": "google", "connection_id": "c"}], "external_providers": [], "passkeys": [], "creation_time": 1640975400, "last_updated": 1640975400, "last_activity": null, "failure_count": 0, "sign_in_attempts_count": 1, "sign_in_success_count": 1, "last_known_city": null}`

func FuzzList(f *testing.F) {
	for _, s := range []string{
		`[` + fzUser + `]`, `[]`, `[{"user_id": "a", "emails": null, "claims": null}, {"user_id": "b", "username": "legacy"}]`,
		`[{"user_id": "a", "connections": [{"idp": "someday"}], "idps": [{"authenticator": "x"}], "emails": [{"email": "x", "authenticators": [], "idps": []}]}]`,
		`[{"username": {"username": null}}]`, `[{"username": 5}]`, `[{"last_known_city": 5}]`, `[{"creation_time": "2026-11-20T10:00:00Z"}]`,
		`{"type": "https://httpstatuses.io/401", "title": "Unauthorized", "status": 401}`, `{"users": []}`,
		``, `null`, `{}`, `"x"`, `[null, 1]`, `[{"user_id": 42}]`, `[{"emails": {}}]`, "\xff\xfe[\x00]",
		`<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>`, `{"detail": "bad key ` + testutil.FuzzKey + `"}`,
	} {
		f.Add(uint8(0), uint8(0), []byte(s))
	}
	f.Fuzz(func(t *testing.T, status, ct uint8, body []byte) {
		testutil.DecodersAgree(t, body, func() any { return &wireUsers{sizeHint: 3} })
		svc, code, ctype := fzService(status, ct, "", body)
		page, err := svc.List(context.Background(), ListOptions{Size: 3, Filter: "ada"})
		if err != nil {
			testutil.CheckTypedError(t, code, err)
		} else if page == nil {
			t.Fatal("nil page without an error")
		}
		if !testutil.ReferenceApplies(code, ctype, body) {
			return
		}
		var ref []refUser
		if json.Unmarshal(body, &ref) != nil || ref == nil {
			return
		}
		if err != nil {
			t.Fatalf("encoding/json accepts the body but List failed: %v", err)
		}
		if len(page.Users) != len(ref) {
			t.Fatalf("List gave %d users, encoding/json %d", len(page.Users), len(ref))
		}
		for i, w := range ref {
			got := page.Users[i]
			username := ""
			if w.Username != nil && w.Username.Username != nil {
				username = *w.Username.Username
			}
			if got.UserID != w.UserID || got.Disabled != w.Disabled || len(got.Emails) != len(w.Emails) || len(got.PhoneNumbers) != len(w.Phones) ||
				got.Username != username || len(got.Claims) != len(w.Claims) || !got.CreationTime.Equal(w.CreationTime.Std()) ||
				!got.LastActivity.Equal(w.LastActivity.Std()) || got.FailureCount != w.FailureCount || got.LastKnownCity != fzDeref(w.LastKnownCity) {
				t.Fatalf("user %d: got %+v, encoding/json %+v", i, got, w)
			}
			for j, e := range w.Emails {
				if got.Emails[j] != e {
					t.Fatalf("user %d email %d: got %+v, encoding/json %+v", i, j, got.Emails[j], e)
				}
			}
		}
	})
}
