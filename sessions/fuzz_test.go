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
		StatusCode:    f.status,
		Status:        strconv.Itoa(f.status) + " " + http.StatusText(f.status),
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        f.header.Clone(),
		Body:          io.NopCloser(bytes.NewReader(f.body)),
		ContentLength: int64(len(f.body)),
		Request:       req,
	}, nil
}

// fzService returns a Service whose api answers every request with the
// fuzzed status, content type and body, without retries.
func fzService(api engine.API, status uint8, ct uint8, body []byte) (*Service, int, string) {
	code := fzStatuses[int(status)%len(fzStatuses)]
	ctype := fzContentTypes[int(ct)%len(fzContentTypes)]
	h := http.Header{}
	if ctype != "" {
		h.Set("Content-Type", ctype)
	}
	base, _ := url.Parse("https://fuzz.example/v2")
	var cfg engine.Config
	cfg.APIs[api] = engine.APIConfig{BaseURL: base, Credential: engine.StaticKey(fzKey)}
	cfg.HTTPClient = &http.Client{Transport: &fzTransport{status: code, header: h, body: body}}
	cfg.WorkspaceID = "ws"
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
		if ae.StatusCode != code {
			t.Fatalf("APIError.StatusCode = %d, want %d", ae.StatusCode, code)
		}
		if len(ae.Body) > engine.MaxErrorBody {
			t.Fatalf("APIError.Body holds %d bytes", len(ae.Body))
		}
	case errors.As(err, &me):
		if !errors.Is(err, engine.ErrMalformedResponse) {
			t.Fatalf("MalformedError that is not ErrMalformedResponse: %v", err)
		}
		if me.StatusCode != code {
			t.Fatalf("MalformedError.StatusCode = %d, want %d", me.StatusCode, code)
		}
		if len(me.Snippet) > 512 {
			t.Fatalf("snippet of %d bytes", len(me.Snippet))
		}
	default:
		t.Fatalf("untyped error %T: %v", err, err)
	}
	if !strings.Contains(text, strconv.Itoa(code)) {
		t.Fatalf("error text does not name the status %d: %s", code, text)
	}
}

// fzReferenceApplies reports whether a successful reference decoding with
// encoding/json must be matched by the SDK: a 2xx JSON-ish answer whose
// body is plain ASCII (encoding/json folds a few non-ASCII letters, such
// as the Kelvin sign, into ASCII key names; the wire contract has none).
func fzReferenceApplies(code int, ctype string, body []byte) bool {
	if code < 200 || code > 299 || ctype == "text/html" || ctype == "application/xml" {
		return false
	}
	for _, b := range body {
		if b >= 0x80 {
			return false
		}
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
	`{"status": false, "message": "Invalid key ` + fzKey + `", "code": "UNAUTHORIZED"}`,
	`{"code": 124, "message": "Invalid access token: Bearer ` + fzKey + `"}`,
	`<html>debug: Bearer ` + fzKey + `</html>`,
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
		svc, code, ctype := fzService(engine.Ductape, status, ct, body)
		page, err := svc.FetchUsers(context.Background(), FetchUsersOptions{Product: "p", Session: "s"})
		switch {
		case err != nil:
			fzCheckError(t, code, err)
		case page == nil:
			t.Fatal("nil page without an error")
		case code < 200 || code > 299:
			t.Fatalf("status %d gave a page", code)
		}
		if !fzReferenceApplies(code, ctype, body) {
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
		svc, code, ctype := fzService(engine.Ductape, status, ct, body)
		d, err := svc.FetchUserDetails(context.Background(), FetchUserDetailsOptions{Product: "p", Session: "s", Identifier: "ada@example.com"})
		if err != nil {
			fzCheckError(t, code, err)
		} else if d == nil {
			t.Fatal("nil details without an error")
		}
		if !fzReferenceApplies(code, ctype, body) {
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
		svc, code, ctype := fzService(engine.Zoom, status, ct, body)
		page, err := svc.ListUsers(context.Background(), "KkMHZ4y8QhSUWAHi5sWvfg==", ListUsersOptions{Type: Past, PageSize: 3})
		if err != nil {
			fzCheckError(t, code, err)
		} else if page == nil {
			t.Fatal("nil page without an error")
		}
		if !fzReferenceApplies(code, ctype, body) {
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

func TestFzDuplicateKeys(t *testing.T) {
	for body, want := range map[string]bool{
		`{"a": 1, "b": {"a": 2}}`:          false,
		`{"a": 1, "A": 2}`:                 true,
		`{"a": {"x": 1, "x": 2}}`:          true,
		`[{"a": 1}, {"a": 1}]`:             false,
		`{"a": [1, {"b": 1}], "b": 2}`:     false,
		`{"a": [1, {"b": 1, "b": 2}]}`:     true,
		`{"data": {"u": []}, "data": {}}`:  true,
		`{"a": "a", "b": "a", "c": ["a"]}`: false,
	} {
		if got := fzDuplicateKeys([]byte(body)); got != want {
			t.Errorf("fzDuplicateKeys(%s) = %t, want %t", body, got, want)
		}
	}
}
