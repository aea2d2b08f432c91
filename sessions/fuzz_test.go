package sessions

// Fuzz targets for the Ductape and Zoom response decoders, driven through
// the public calls with an in-memory transport (no network): any status,
// content type and body must give a result or a typed error naming the
// status, never a panic; a body that encoding/json accepts in the wire
// contract's shape must never be rejected. Seed corpora live in
// testdata/fuzz; run one with
//
//	go test -run XXX -fuzz FuzzListUsers -fuzztime 2m ./sessions

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

// fzService returns a Service whose api answers every request with the
// fuzzed status, content type and body, without retries.
func fzService(api engine.API, status uint8, ct uint8, body []byte) (*Service, int, string) {
	code, ctype, h := testutil.FuzzAnswer(status, ct)
	base, _ := url.Parse("https://fuzz.example/v2")
	var cfg engine.Config
	cfg.APIs[api] = engine.APIConfig{BaseURL: base, Credential: engine.StaticKey(testutil.FuzzKey)}
	cfg.HTTPClient = &http.Client{Transport: &testutil.CannedTransport{Status: code, Header: h, Body: body}}
	cfg.WorkspaceID = "ws"
	return (*Service)(engine.NewService(engine.New(cfg))), code, ctype
}

// refDuctapeUser is the wire contract of a Ductape user, for reference
// decoding with encoding/json.
type refDuctapeUser struct {
	ID            string      `json:"_id"`
	DuctapeUserID string      `json:"ductape_user_id"`
	ProductTag    string      `json:"product_tag"`
	SessionTag    string      `json:"session_tag"`
	Identifier    string      `json:"identifier"`
	Env           string      `json:"env"`
	FirstSeen     engine.Time `json:"first_seen"`
	LastSeen      engine.Time `json:"last_seen"`
	CreatedAt     engine.Time `json:"createdAt"`
	UpdatedAt     engine.Time `json:"updatedAt"`
}

type refEnvelope[T any] struct {
	Status  *bool `json:"status"`
	Success *bool `json:"success"`
	Data    *T    `json:"data"`
}

// ok reports whether the envelope is a success with a payload.
func (e *refEnvelope[T]) ok() bool {
	return (e.Status == nil || *e.Status) && (e.Success == nil || *e.Success) && e.Data != nil
}

const fzDuctapeUser = `{"_id": "665f0c01", "ductape_user_id": "du_8f2a", "product_tag": "my-product", "session_tag": "user-session", "identifier": "ada@example.com", "env": "production", "first_seen": "2026-10-01T09:12:44.120Z", "last_seen": "2026-11-20T17:03:10Z", "createdAt": "2026-10-01T09:12:44.120Z", "updatedAt": "2026-11-20T17:03:10Z"}`

// fzCommonSeeds are hostile bodies every decoder is seeded with.
var fzCommonSeeds = []string{
	``, `null`, `{}`, `[]`, `"x"`, `42`, `true`, `{"users": null}`, `{"data": null}`,
	`<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>`,
	`{"status": true, "data": {"users": [`, `{"users": [{"id": "a",, }`, `{"a":1}{"b":2}`,
	`{"status": false, "message": "Invalid key ` + testutil.FuzzKey + `", "code": "UNAUTHORIZED"}`,
	`{"code": 124, "message": "Invalid access token: Bearer ` + testutil.FuzzKey + `"}`,
	`<html>debug: Bearer ` + testutil.FuzzKey + `</html>`,
	"\xff\xfe{\x00}", `{"users": [null, 1, "x", [], {}]}`, `{"USERS": [], "Page_Size": 1}`,
	`{"status": true, "data": {"users": [{"identifier": 42}]}}`,
	`{"status": true, "data": {"users": [{"first_seen": "yesterday"}]}}`,
	`{"status": true, "data": {"users": [{"first_seen": 1e400}]}}`,
}

func FuzzFetchUsers(f *testing.F) {
	for _, s := range append([]string{
		`{"status": true, "data": {"users": [` + fzDuctapeUser + `], "total": 47, "page": 1, "limit": 20, "totalPages": 3}}`,
		`{"success": true, "data": {"users": [], "total": 0, "page": 9, "limit": 20, "totalPages": 0}, "extra": {"x": [1]}}`,
		`{"status": false, "message": "User not found", "code": "USER_NOT_FOUND"}`,
		`{"status": true, "data": {"users": [{"_id": "x", "first_seen": 1700000000, "last_seen": null, "createdAt": ""}]}}`,
	}, fzCommonSeeds...) {
		f.Add(uint8(0), uint8(0), []byte(s))
	}
	f.Add(uint8(6), uint8(0), []byte(`{"status": false, "errors": ["bad tag", "bad env"]}`))
	f.Fuzz(func(t *testing.T, status, ct uint8, body []byte) {
		testutil.DecodersAgree(t, body, func() any { return &envelope[usersData]{Data: &usersData{}} })
		svc, code, ctype := fzService(engine.Ductape, status, ct, body)
		page, err := svc.FetchUsers(context.Background(), FetchUsersOptions{Product: "p", Session: "s"})
		switch {
		case err != nil:
			testutil.CheckTypedError(t, code, err)
		case page == nil:
			t.Fatal("nil page without an error")
		case code < 200 || code > 299:
			t.Fatalf("status %d gave a page", code)
		}
		if !testutil.ReferenceApplies(code, ctype, body) {
			return
		}
		var ref refEnvelope[struct {
			Users      []refDuctapeUser `json:"users"`
			Total      int              `json:"total"`
			Page       int              `json:"page"`
			Limit      int              `json:"limit"`
			TotalPages int              `json:"totalPages"`
		}]
		if json.Unmarshal(body, &ref) != nil || !ref.ok() {
			return
		}
		if err != nil {
			t.Fatalf("encoding/json accepts the body but FetchUsers failed: %v", err)
		}
		if len(page.Users) != len(ref.Data.Users) || page.Total != ref.Data.Total || page.TotalPages != ref.Data.TotalPages {
			t.Fatalf("FetchUsers gave %d users (total %d, pages %d), encoding/json %d (total %d, pages %d)",
				len(page.Users), page.Total, page.TotalPages, len(ref.Data.Users), ref.Data.Total, ref.Data.TotalPages)
		}
		for i, u := range ref.Data.Users {
			got := page.Users[i]
			if got.ID != u.ID || got.Identifier != u.Identifier || !got.FirstSeen.Equal(u.FirstSeen.Std()) || !got.UpdatedAt.Equal(u.UpdatedAt.Std()) {
				t.Fatalf("user %d: got %+v, encoding/json %+v", i, got, u)
			}
		}
	})
}

func FuzzFetchUserDetails(f *testing.F) {
	for _, s := range append([]string{
		`{"status": true, "data": ` + strings.TrimSuffix(fzDuctapeUser, "}") + `, "sessions": [{"session_id": "s_01", "start_at": "2026-11-20T16:00:00Z", "end_at": "2026-11-20T18:00:00Z", "active": true}], "totalSessions": 12, "activeSessionsCount": 1}}`,
		`{"status": true, "data": {"sessions": null}}`,
		`{"status": true, "data": {"sessions": [{"active": "yes"}]}}`,
		`{"status": false, "message": "User not found", "code": "USER_NOT_FOUND"}`,
	}, fzCommonSeeds...) {
		f.Add(uint8(0), uint8(0), []byte(s))
	}
	f.Fuzz(func(t *testing.T, status, ct uint8, body []byte) {
		testutil.DecodersAgree(t, body, func() any { return &envelope[userDetails]{} })
		svc, code, ctype := fzService(engine.Ductape, status, ct, body)
		d, err := svc.FetchUserDetails(context.Background(), FetchUserDetailsOptions{Product: "p", Session: "s", Identifier: "ada@example.com"})
		if err != nil {
			testutil.CheckTypedError(t, code, err)
		} else if d == nil {
			t.Fatal("nil details without an error")
		}
		if !testutil.ReferenceApplies(code, ctype, body) {
			return
		}
		var ref refEnvelope[struct {
			refDuctapeUser
			Sessions []struct {
				SessionID string      `json:"session_id"`
				StartAt   engine.Time `json:"start_at"`
				EndAt     engine.Time `json:"end_at"`
				Active    bool        `json:"active"`
			} `json:"sessions"`
			TotalSessions       int `json:"totalSessions"`
			ActiveSessionsCount int `json:"activeSessionsCount"`
		}]
		if json.Unmarshal(body, &ref) != nil || !ref.ok() {
			return
		}
		if err != nil {
			t.Fatalf("encoding/json accepts the body but FetchUserDetails failed: %v", err)
		}
		if d.Identifier != ref.Data.Identifier || len(d.Sessions) != len(ref.Data.Sessions) || d.TotalSessions != ref.Data.TotalSessions {
			t.Fatalf("FetchUserDetails gave %+v, encoding/json %+v", d, ref.Data)
		}
	})
}

// refVideoUser is the wire contract of a Zoom Video SDK user, every
// field typed as the contract says.
type refVideoUser struct {
	ID                 string      `json:"id"`
	Name               string      `json:"name"`
	Device             string      `json:"device"`
	IPAddress          string      `json:"ip_address"`
	Location           string      `json:"location"`
	NetworkType        string      `json:"network_type"`
	Microphone         string      `json:"microphone"`
	Speaker            string      `json:"speaker"`
	Camera             string      `json:"camera"`
	DataCenter         string      `json:"data_center"`
	ConnectionType     string      `json:"connection_type"`
	JoinTime           engine.Time `json:"join_time"`
	LeaveTime          engine.Time `json:"leave_time"`
	UserKey            string      `json:"user_key"`
	ParticipantUUID    string      `json:"participant_uuid"`
	Client             string      `json:"client"`
	OS                 string      `json:"os"`
	OSVersion          string      `json:"os_version"`
	BrowserName        string      `json:"browser_name"`
	BrowserVersion     string      `json:"browser_version"`
	AudioQuality       string      `json:"audio_quality"`
	VideoQuality       string      `json:"video_quality"`
	ScreenShareQuality string      `json:"screen_share_quality"`
	IsOriginalHost     bool        `json:"is_original_host"`
	AudioCall          []struct {
		CallNumber string `json:"call_number"`
		CallType   string `json:"call_type"`
		ZoomNumber string `json:"zoom_number"`
	} `json:"audio_call"`
}

func FuzzListUsers(f *testing.F) {
	for _, s := range append([]string{
		`{"page_size": 30, "next_page_token": "suQA5LvDBnH5No5OYD7mqpJuFzJqUOHK8U2", "users": [{"id": "32dsfsd4g5gd", "name": "exampleuser", "device": "Windows", "ip_address": "127.0.0.1", "location": "New York", "network_type": "Wifi", "join_time": "2021-12-07T05:42:28Z", "leave_time": "2021-12-07T05:42:28Z", "is_original_host": true, "audio_call": [{"call_number": "1", "call_type": "in", "zoom_number": "2"}]}]}`,
		`{"page_size": 30, "next_page_token": "", "users": []}`,
		`{"page_size": 2, "next_page_token": "t", "users": [{"id": "a", "audio_call": [{"call_number": "1"}, {"call_type": "x"}]}, {"id": "b", "audio_call": [{"zoom_number": "3"}]}, {"id": "c"}]}`,
		`{"page_size": 300, "users": [{"id": "a", "device": "Hologram", "leave_time": null}]}`,
		`{"code": 3001, "message": "Session does not exist."}`,
		`{"code": 429, "message": "You have reached the maximum daily rate limit for this API."}`,
	}, fzCommonSeeds...) {
		f.Add(uint8(0), uint8(0), []byte(s))
	}
	f.Fuzz(func(t *testing.T, status, ct uint8, body []byte) {
		testutil.DecodersAgree(t, body, func() any { return &wireListUsers{sizeHint: 3} })
		svc, code, ctype := fzService(engine.Zoom, status, ct, body)
		page, err := svc.ListUsers(context.Background(), "KkMHZ4y8QhSUWAHi5sWvfg==", ListUsersOptions{Type: Past, PageSize: 3})
		if err != nil {
			testutil.CheckTypedError(t, code, err)
		} else if page == nil {
			t.Fatal("nil page without an error")
		}
		if !testutil.ReferenceApplies(code, ctype, body) {
			return
		}
		var ref struct {
			PageSize      int            `json:"page_size"`
			NextPageToken string         `json:"next_page_token"`
			Users         []refVideoUser `json:"users"`
		}
		if json.Unmarshal(body, &ref) != nil || (ref.Users == nil && ref.PageSize == 0 && ref.NextPageToken == "") {
			return
		}
		if err != nil {
			t.Fatalf("encoding/json accepts the body but ListUsers failed: %v", err)
		}
		if page.PageSize != ref.PageSize || page.NextPageToken != ref.NextPageToken || len(page.Users) != len(ref.Users) {
			t.Fatalf("ListUsers gave size %d, token %q, %d users; encoding/json %d, %q, %d",
				page.PageSize, page.NextPageToken, len(page.Users), ref.PageSize, ref.NextPageToken, len(ref.Users))
		}
		for i, u := range ref.Users {
			got := page.Users[i]
			if got.ID != u.ID || got.Name != u.Name || got.Device != u.Device || got.NetworkType != u.NetworkType ||
				got.ScreenShareQuality != u.ScreenShareQuality || got.IsOriginalHost != u.IsOriginalHost ||
				!got.JoinTime.Equal(u.JoinTime.Std()) || !got.LeaveTime.Equal(u.LeaveTime.Std()) || len(got.AudioCall) != len(u.AudioCall) {
				t.Fatalf("user %d: got %+v, encoding/json %+v", i, got, u)
			}
			for j, a := range u.AudioCall {
				if got.AudioCall[j] != AudioCall(a) {
					t.Fatalf("user %d call %d: got %+v, encoding/json %+v", i, j, got.AudioCall[j], a)
				}
			}
		}
	})
}
