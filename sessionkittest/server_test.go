package sessionkittest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"
)

// bearerKey and monoKey are the default credentials as each API expects them.
var (
	bearerKey = http.Header{"Authorization": {"Bearer test-key"}}
	monoKey   = http.Header{"X-Api-Key": {"test-key"}}
)

type response struct {
	status int
	header http.Header
	body   []byte
}

// call sends one request; rawURL is sent with its escaping unchanged.
func call(t *testing.T, method, rawURL string, header http.Header) response {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, nil)
	require.NoError(t, err)
	req.Header = header.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return response{res.StatusCode, res.Header, body}
}

// get sends a GET, requires status and decodes the JSON body into out (when not nil).
func get(t *testing.T, rawURL string, header http.Header, status int, out any) response {
	t.Helper()
	res := call(t, http.MethodGet, rawURL, header)
	require.Equal(t, status, res.status, "GET %s: %s", rawURL, res.body)
	if out != nil {
		require.NoError(t, json.Unmarshal(res.body, out), "%s", res.body)
	}
	return res
}

// jsEncode is JavaScript's encodeURIComponent.
func jsEncode(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_.!~*'()", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func TestNewServerDefaultsAndData(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	require.False(t, strings.HasSuffix(srv.URL, "/"))
	require.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"))
	require.Equal(t, srv.URL+"/ductape", srv.DuctapeURL())
	require.Equal(t, srv.URL+"/zoom/v2", srv.ZoomURL())
	require.Equal(t, srv.URL+"/arthur", srv.ArthurURL())
	require.Equal(t, srv.URL+"/monocloud", srv.MonoCloudURL())

	d := srv.Data()
	require.Equal(t, "ws_test", d.WorkspaceID)
	require.Equal(t, [3]string{"my-product", "user-session", "production"}, [3]string{d.Product, d.Session, d.Env})
	require.Len(t, d.DuctapeUsers, 47)
	require.Len(t, d.ArthurUsers, 47)
	require.GreaterOrEqual(t, len(d.ArthurTaskIDs), 2)
	require.GreaterOrEqual(t, len(d.MonoCloudUserIDs), 2)
	require.GreaterOrEqual(t, len(d.ZoomSessionIDs), 3)
	require.Contains(t, d.ZoomSessionIDs, "KkMHZ4y8QhSUWAHi5sWvfg==")
	require.True(t, slices.ContainsFunc(d.ZoomSessionIDs, func(id string) bool { return strings.HasPrefix(id, "/") }))
	require.True(t, slices.ContainsFunc(d.ZoomSessionIDs, func(id string) bool { return strings.Contains(id, "//") }))

	require.NotEmpty(t, d.ZoomLiveSessionIDs)
	var live, past, calls, rejoins int
	for _, id := range append(slices.Clone(d.ZoomSessionIDs), d.ZoomLiveSessionIDs...) {
		users := d.ZoomUsers[id]
		require.Len(t, users, 47)
		inProgress := slices.Contains(d.ZoomLiveSessionIDs, id)
		seen := map[string]bool{}
		for _, u := range users {
			past++
			if u.LeaveTime == "" {
				require.True(t, inProgress, "only a session in progress has users without leave_time")
				live++
			}
			if len(u.AudioCall) > 0 {
				calls++
			}
			if seen[u.ID] {
				rejoins++
			}
			seen[u.ID] = true
			_, err := time.Parse(time.RFC3339, u.JoinTime)
			require.NoError(t, err)
			require.Contains(t, []string{"Phone", "H.323/SIP", "Windows", "Mac", "iOS", "Android"}, u.Device)
		}
	}
	require.Positive(t, live)
	require.Less(t, live, past)
	require.Positive(t, calls)
	require.Positive(t, rejoins)
	for _, id := range d.MonoCloudUserIDs {
		require.Len(t, d.MonoCloudSessions[id], 47)
	}
	for _, u := range d.DuctapeUsers {
		require.NotEmpty(t, u.Sessions)
		first, err := time.Parse(time.RFC3339, u.FirstSeen)
		require.NoError(t, err)
		require.True(t, first.Before(d.BaseTime) && first.After(d.BaseTime.AddDate(0, 0, -60)), u.FirstSeen)
	}
}

func TestOptionsAndDeterminism(t *testing.T) {
	a := NewServer(WithSeed(7), WithUsers(5), WithWorkspaceID("ws_other"))
	defer a.Close()
	b := NewServer(WithSeed(7), WithUsers(5), WithWorkspaceID("ws_other"))
	defer b.Close()
	c := NewServer(WithSeed(8), WithUsers(5), WithWorkspaceID("ws_other"))
	defer c.Close()
	require.Equal(t, a.Data(), b.Data())
	require.NotEqual(t, a.Data().DuctapeUsers, c.Data().DuctapeUsers)
	require.Equal(t, "ws_other", a.Data().WorkspaceID)
	require.Len(t, a.Data().DuctapeUsers, 5)

	empty := NewServer(WithUsers(0))
	defer empty.Close()
	var page struct {
		Data struct {
			Users      []json.RawMessage `json:"users"`
			Total      int               `json:"total"`
			TotalPages int               `json:"totalPages"`
		} `json:"data"`
	}
	res := get(t, empty.DuctapeURL()+"/integrations/v1/session/users/ws_test?product_tag=my-product&session_tag=user-session", bearerKey, 200, &page)
	require.Contains(t, string(res.body), `"users":[]`)
	require.Zero(t, page.Data.Total)
	require.Zero(t, page.Data.TotalPages)
	res = get(t, empty.ZoomURL()+"/videosdk/sessions/KkMHZ4y8QhSUWAHi5sWvfg%3D%3D/users", bearerKey, 200, nil)
	require.Contains(t, string(res.body), `"users":[]`)

	k := NewServer(WithAPIKey("sk_live_123"))
	defer k.Close()
	get(t, k.ArthurURL()+"/api/v1/traces/users?task_ids=x", bearerKey, 401, nil)
	get(t, k.ArthurURL()+"/api/v1/traces/users?task_ids=x", http.Header{"Authorization": {"Bearer sk_live_123"}}, 200, nil)
	get(t, k.MonoCloudURL()+"/api/users/"+k.Data().MonoCloudUserIDs[0]+"/sessions", http.Header{"X-Api-Key": {"sk_live_123"}}, 200, nil)
}

type ductapeUsersResp struct {
	Status bool `json:"status"`
	Data   struct {
		Users      []DuctapeUser `json:"users"`
		Total      int           `json:"total"`
		Page       int           `json:"page"`
		Limit      int           `json:"limit"`
		TotalPages int           `json:"totalPages"`
	} `json:"data"`
}

func TestDuctapeUsersPaging(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	base := srv.DuctapeURL() + "/integrations/v1/session/users/ws_test?product_tag=my-product&session_tag=user-session&env=production"

	var got []DuctapeUser
	for page, want := range []int{20, 20, 7, 0} {
		var r ductapeUsersResp
		get(t, fmt.Sprintf("%s&page=%d", base, page+1), bearerKey, 200, &r)
		require.True(t, r.Status)
		require.Len(t, r.Data.Users, want)
		require.Equal(t, [4]int{47, page + 1, 20, 3}, [4]int{r.Data.Total, r.Data.Page, r.Data.Limit, r.Data.TotalPages})
		got = append(got, r.Data.Users...)
	}
	want := slices.Clone(srv.Data().DuctapeUsers)
	for i := range want {
		want[i].Sessions = nil
	}
	require.Equal(t, want, got)

	var r ductapeUsersResp
	get(t, base+"&limit=45&page=2", bearerKey, 200, &r)
	require.Len(t, r.Data.Users, 2)
	require.Equal(t, 2, r.Data.TotalPages)
	get(t, strings.Replace(base, "production", "staging", 1), bearerKey, 200, &r)
	require.Zero(t, r.Data.Total)

	res := get(t, base, bearerKey, 200, nil)
	require.Equal(t, "application/json", res.header.Get("Content-Type"))
	require.NotContains(t, string(res.body), `"sessions"`)
	require.Contains(t, string(res.body), `"__v":0`)
}

func TestDuctapeUserDetails(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	d := srv.Data()
	base := srv.DuctapeURL() + "/integrations/v1/session/users/ws_test/"
	q := "?product_tag=my-product&session_tag=user-session"

	for _, u := range []DuctapeUser{d.DuctapeUsers[0], d.DuctapeUsers[1], d.DuctapeUsers[4]} {
		t.Run(u.Identifier, func(t *testing.T) {
			var r struct {
				Status bool `json:"status"`
				Data   struct {
					DuctapeUser
					Sessions            []DuctapeSession `json:"sessions"`
					TotalSessions       int              `json:"totalSessions"`
					ActiveSessionsCount int              `json:"activeSessionsCount"`
				} `json:"data"`
			}
			get(t, base+url.PathEscape(u.Identifier)+q, bearerKey, 200, &r)
			require.True(t, r.Status)
			require.Equal(t, u.Identifier, r.Data.Identifier)
			require.Equal(t, u.ID, r.Data.ID)
			require.Equal(t, u.Sessions, r.Data.Sessions)
			require.Equal(t, len(u.Sessions), r.Data.TotalSessions)
			active := 0
			for _, s := range u.Sessions {
				if s.Active {
					active++
				}
			}
			require.Equal(t, active, r.Data.ActiveSessionsCount)
		})
	}
	require.Contains(t, d.DuctapeUsers[1].Identifier, "/")
	require.True(t, strings.HasPrefix(d.DuctapeUsers[4].Identifier, "+"))
	// The slash identifier sent unescaped is two segments: no such route.
	get(t, base+d.DuctapeUsers[1].Identifier+q, bearerKey, 404, nil)
}

func TestDuctapeErrors(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	list := srv.DuctapeURL() + "/integrations/v1/session/users/ws_test"
	q := "?product_tag=my-product&session_tag=user-session"
	for _, tc := range []struct {
		name, url string
		header    http.Header
		status    int
		code, msg string
	}{
		{"no product", list + "?session_tag=user-session", bearerKey, 400, "FETCH_USERS_FAILED", ""},
		{"no session", list + "?product_tag=my-product", bearerKey, 400, "FETCH_USERS_FAILED", ""},
		{"bad page", list + q + "&page=0", bearerKey, 400, "FETCH_USERS_FAILED", ""},
		{"bad limit", list + q + "&limit=x", bearerKey, 400, "FETCH_USERS_FAILED", ""},
		{"unknown workspace", srv.DuctapeURL() + "/integrations/v1/session/users/ws_nope" + q, bearerKey, 404, "USER_NOT_FOUND", ""},
		{"no credential", list + q, nil, 401, "UNAUTHORIZED", ""},
		{"wrong key", list + q, http.Header{"Authorization": {"Bearer nope"}}, 401, "UNAUTHORIZED", ""},
		{"key in X-API-KEY", list + q, monoKey, 401, "UNAUTHORIZED", ""},
		{"unknown user", list + "/nobody%40example.com" + q, bearerKey, 404, "USER_NOT_FOUND", "User not found"},
		{"details without tags", list + "/x", bearerKey, 400, "FETCH_USER_DETAILS_FAILED", ""},
		{"details of other product", list + "/" + url.PathEscape(srv.Data().DuctapeUsers[0].Identifier) + "?product_tag=p&session_tag=user-session", bearerKey, 404, "USER_NOT_FOUND", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var e struct {
				Status  *bool  `json:"status"`
				Message string `json:"message"`
				Code    string `json:"code"`
			}
			res := get(t, tc.url, tc.header, tc.status, &e)
			require.Equal(t, "application/json", res.header.Get("Content-Type"))
			require.NotNil(t, e.Status)
			require.False(t, *e.Status)
			require.Equal(t, tc.code, e.Code)
			require.NotEmpty(t, e.Message)
			if tc.msg != "" {
				require.Equal(t, tc.msg, e.Message)
			}
		})
	}
}

type zoomResp struct {
	PageSize      int        `json:"page_size"`
	NextPageToken *string    `json:"next_page_token"`
	Users         []ZoomUser `json:"users"`
}

type zoomErr struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Errors  []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

func zoomURL(srv *Server, id string) string {
	seg := jsEncode(id)
	if strings.HasPrefix(id, "/") || strings.Contains(id, "//") {
		seg = jsEncode(seg)
	}
	return srv.ZoomURL() + "/videosdk/sessions/" + seg + "/users"
}

// zoomWalk follows next_page_token to the end and returns every user and the number of pages.
func zoomWalk(t *testing.T, srv *Server, id, query string, header http.Header) ([]ZoomUser, int) {
	t.Helper()
	var users []ZoomUser
	token := ""
	for pages := 1; ; pages++ {
		u := zoomURL(srv, id) + "?" + query
		if token != "" {
			u += "&next_page_token=" + url.QueryEscape(token)
		}
		var r zoomResp
		get(t, u, header, 200, &r)
		require.NotNil(t, r.NextPageToken)
		users = append(users, r.Users...)
		if *r.NextPageToken == "" {
			return users, pages
		}
		require.NotEqual(t, token, *r.NextPageToken)
		token = *r.NextPageToken
	}
}

func TestZoomPaging(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	for _, id := range srv.Data().ZoomSessionIDs { // ended: listed as past only
		t.Run(id, func(t *testing.T) {
			all := srv.Data().ZoomUsers[id]
			got, pages := zoomWalk(t, srv, id, "type=past&page_size=10", bearerKey)
			require.Equal(t, all, got)
			require.Equal(t, 5, pages)
			got, pages = zoomWalk(t, srv, id, "type=live&page_size=3", bearerKey)
			require.Empty(t, got)
			require.Equal(t, 1, pages)
		})
	}
	for _, id := range srv.Data().ZoomLiveSessionIDs { // in progress: listed as live only, with who left
		t.Run(id, func(t *testing.T) {
			all := srv.Data().ZoomUsers[id]
			got, _ := zoomWalk(t, srv, id, "type=live&page_size=3", bearerKey)
			require.Equal(t, all, got)
			got, pages := zoomWalk(t, srv, id, "", bearerKey) // defaults: live, 30 per page
			require.Equal(t, all, got)
			require.Equal(t, 2, pages)
		})
	}
	var r zoomResp
	res := get(t, zoomURL(srv, srv.Data().ZoomSessionIDs[0])+"?type=past&page_size=300", bearerKey, 200, &r)
	require.Equal(t, 300, r.PageSize)
	require.Len(t, r.Users, 47)
	require.Equal(t, "", *r.NextPageToken)
	require.Equal(t, "application/json", res.header.Get("Content-Type"))
	get(t, zoomURL(srv, srv.Data().ZoomSessionIDs[0])+"?type=past", bearerKey, 200, &r)
	require.Equal(t, 30, r.PageSize)
	require.Len(t, r.Users, 30)
}

func TestZoomSessionIDEncoding(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	for _, tc := range []struct {
		segment string
		want    string // session ID answered, "" for 404 code 3001
	}{
		{"KkMHZ4y8QhSUWAHi5sWvfg%3D%3D", "KkMHZ4y8QhSUWAHi5sWvfg=="},
		{"KkMHZ4y8QhSUWAHi5sWvfg==", "KkMHZ4y8QhSUWAHi5sWvfg=="},
		{"KkMHZ4y8QhSUWAHi5sWvfg%253D%253D", ""}, // double-encoded although it needs no double encoding
		{"%252FAb%252Bcd%253D%253D", "/Ab+cd=="},
		{"%2FAb%2Bcd%3D%3D", ""}, // needs double encoding, arrived single-encoded
		{"%2FAb+cd%3D%3D", ""},
		{jsEncode(jsEncode("Qx7//tL2RfeB1n0cWv3Y+A==")), "Qx7//tL2RfeB1n0cWv3Y+A=="},
		{"Qx7%2F%2FtL2RfeB1n0cWv3Y%2BA%3D%3D", ""},
		{"nope", ""},
	} {
		t.Run(tc.segment, func(t *testing.T) {
			u := srv.ZoomURL() + "/videosdk/sessions/" + tc.segment + "/users?type=past&page_size=300"
			if tc.want == "" {
				var e zoomErr
				get(t, u, bearerKey, 404, &e)
				require.Equal(t, zoomErr{Code: 3001, Message: "Session ID is invalid or has not ended."}, e)
				return
			}
			var r zoomResp
			get(t, u, bearerKey, 200, &r)
			require.Equal(t, srv.Data().ZoomUsers[tc.want], r.Users)
		})
	}
	reqs := srv.Requests()
	require.Equal(t, "/zoom/v2/videosdk/sessions/%252FAb%252Bcd%253D%253D/users", reqs[3].RawPath)
	require.Equal(t, "/zoom/v2/videosdk/sessions/%2FAb%2Bcd%3D%3D/users", reqs[3].Path)
}

func TestZoomValidation(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	base := zoomURL(srv, srv.Data().ZoomSessionIDs[0])
	var first zoomResp
	get(t, base+"?type=past&page_size=10", bearerKey, 200, &first)
	tok := url.QueryEscape(*first.NextPageToken)
	for _, tc := range []struct {
		name, query string
		status      int
		code        int
		field, msg  string
	}{
		{"bad type", "type=ended", 400, 300, "type", ""},
		{"page_size 0", "page_size=0", 400, 300, "page_size", ""},
		{"page_size 301", "page_size=301", 400, 300, "page_size", ""},
		{"page_size -1", "page_size=-1", 400, 300, "page_size", ""},
		{"page_size text", "page_size=ten", 400, 300, "page_size", ""},
		{"unknown token", "type=past&page_size=10&next_page_token=abc", 400, 300, "", "The next page token is invalid or expired."},
		{"token with other page_size", "type=past&page_size=11&next_page_token=" + tok, 400, 300, "", "The next page token is invalid or expired."},
		{"token with other type", "type=live&page_size=10&next_page_token=" + tok, 400, 300, "", "The next page token is invalid or expired."},
		{"token with default type", "page_size=10&next_page_token=" + tok, 400, 300, "", "The next page token is invalid or expired."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var e zoomErr
			get(t, base+"?"+tc.query, bearerKey, tc.status, &e)
			require.Equal(t, tc.code, e.Code)
			require.NotEmpty(t, e.Message)
			if tc.field != "" {
				require.Len(t, e.Errors, 1)
				require.Equal(t, tc.field, e.Errors[0].Field)
				require.NotEmpty(t, e.Errors[0].Message)
			}
			if tc.msg != "" {
				require.Equal(t, tc.msg, e.Message)
			}
		})
	}
	// The same token is accepted with the same type and page_size, and by another session never.
	get(t, base+"?type=past&page_size=10&next_page_token="+tok, bearerKey, 200, nil)
	get(t, zoomURL(srv, srv.Data().ZoomSessionIDs[1])+"?type=past&page_size=10&next_page_token="+tok, bearerKey, 400, nil)
	var e zoomErr
	get(t, base, http.Header{"Authorization": {"Bearer nope"}}, 401, &e)
	require.Equal(t, zoomErr{Code: 124, Message: "Invalid access token."}, e)
	get(t, base, nil, 401, nil)
}

// fakeClock is a settable clock, safe for concurrent use.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func TestZoomTokenExpiry(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	clock := &fakeClock{t: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)}
	srv.setClock(clock.now)
	base := zoomURL(srv, srv.Data().ZoomSessionIDs[1]) + "?type=past&page_size=5"

	var r zoomResp
	get(t, base, bearerKey, 200, &r)
	first := url.QueryEscape(*r.NextPageToken)
	clock.advance(14*time.Minute + 59*time.Second)
	get(t, base+"&next_page_token="+first, bearerKey, 200, &r)
	second := url.QueryEscape(*r.NextPageToken) // issued 14:59 after the first
	clock.advance(time.Second)

	var e zoomErr
	get(t, base+"&next_page_token="+first, bearerKey, 400, &e)
	require.Equal(t, zoomErr{Code: 300, Message: "The next page token is invalid or expired."}, e)
	get(t, base+"&next_page_token="+second, bearerKey, 200, nil)
	clock.advance(15 * time.Minute)
	get(t, base+"&next_page_token="+second, bearerKey, 400, &e)
	require.Equal(t, 300, e.Code)
}

func TestZoomJWT(t *testing.T) {
	const key, secret = "vsdk-key", "vsdk-secret"
	srv := NewServer(WithVideoSDKCredentials(key, secret))
	defer srv.Close()
	now := time.Now()
	sign := func(method jwt.SigningMethod, claims jwt.MapClaims, secret string) string {
		s, err := jwt.NewWithClaims(method, claims).SignedString([]byte(secret))
		require.NoError(t, err)
		return s
	}
	good := jwt.MapClaims{"iss": key, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	without := func(k string) jwt.MapClaims {
		c := jwt.MapClaims{}
		for kk, v := range good {
			if kk != k {
				c[kk] = v
			}
		}
		return c
	}
	with := func(k string, v any) jwt.MapClaims { c := without(k); c[k] = v; return c }
	for _, tc := range []struct {
		name  string
		token string
		ok    bool
	}{
		{"valid", sign(jwt.SigningMethodHS256, good, secret), true},
		{"valid with extra claims", sign(jwt.SigningMethodHS256, with("appKey", key), secret), true},
		{"wrong secret", sign(jwt.SigningMethodHS256, good, "other"), false},
		{"wrong iss", sign(jwt.SigningMethodHS256, with("iss", "other"), secret), false},
		{"no iss", sign(jwt.SigningMethodHS256, without("iss"), secret), false},
		{"expired", sign(jwt.SigningMethodHS256, with("exp", now.Add(-time.Second).Unix()), secret), false},
		{"no exp", sign(jwt.SigningMethodHS256, without("exp"), secret), false},
		{"no iat", sign(jwt.SigningMethodHS256, without("iat"), secret), false},
		{"iat in milliseconds", sign(jwt.SigningMethodHS256, with("iat", now.UnixMilli()), secret), false},
		{"HS512", sign(jwt.SigningMethodHS512, good, secret), false},
		{"the API key itself", "test-key", false},
		{"the secret itself", secret, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := zoomURL(srv, srv.Data().ZoomSessionIDs[0])
			h := http.Header{"Authorization": {"Bearer " + tc.token}}
			if tc.ok {
				get(t, u, h, 200, nil)
				return
			}
			var e zoomErr
			res := get(t, u, h, 401, &e)
			require.Equal(t, "application/json", res.header.Get("Content-Type"))
			require.Equal(t, zoomErr{Code: 124, Message: "Invalid access token."}, e)
		})
	}
	// The other APIs keep the plain key.
	get(t, srv.ArthurURL()+"/api/v1/traces/users?task_ids=x", bearerKey, 200, nil)
}

type arthurResp struct {
	Count           int               `json:"count"`
	Users           []json.RawMessage `json:"users"`
	DisplayCurrency string            `json:"display_currency"`
}

func arthurUsersOf(t *testing.T, raw []json.RawMessage) []ArthurUser {
	t.Helper()
	out := make([]ArthurUser, len(raw))
	for i, r := range raw {
		require.NoError(t, json.Unmarshal(r, &out[i]))
	}
	return out
}

func TestArthurUsersPaging(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	d := srv.Data()
	base := srv.ArthurURL() + "/api/v1/traces/users?task_ids=" + d.ArthurTaskIDs[0] + "&task_ids=" + d.ArthurTaskIDs[1]

	var got []ArthurUser
	for page, want := range []int{10, 10, 10, 10, 7, 0} {
		var r arthurResp
		res := get(t, fmt.Sprintf("%s&page=%d", base, page), bearerKey, 200, &r)
		require.Equal(t, "application/json", res.header.Get("Content-Type"))
		require.Equal(t, 47, r.Count)
		require.Equal(t, "USD", r.DisplayCurrency)
		require.Len(t, r.Users, want)
		got = append(got, arthurUsersOf(t, r.Users)...)
	}
	require.ElementsMatch(t, d.ArthurUsers, got)
	zoneless := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$`)
	for i := range got {
		require.Regexp(t, zoneless, got[i].EarliestStartTime)
		require.Regexp(t, zoneless, got[i].LatestEndTime)
		if i > 0 { // default sort: desc by earliest_start_time
			require.GreaterOrEqual(t, got[i-1].EarliestStartTime, got[i].EarliestStartTime)
		}
	}

	var r arthurResp
	get(t, base+"&sort=asc&page_size=5000", bearerKey, 200, &r)
	asc := arthurUsersOf(t, r.Users)
	require.Len(t, asc, 47)
	require.True(t, slices.IsSortedFunc(asc, func(a, b ArthurUser) int { return strings.Compare(a.EarliestStartTime, b.EarliestStartTime) }))

	// One task only; then a time window (inclusive start, exclusive end) given with an offset and a fraction.
	get(t, srv.ArthurURL()+"/api/v1/traces/users?page_size=100&task_ids="+d.ArthurTaskIDs[0], bearerKey, 200, &r)
	for _, u := range arthurUsersOf(t, r.Users) {
		require.Equal(t, d.ArthurTaskIDs[0], u.TaskID)
	}
	start, _ := parseISO(asc[10].EarliestStartTime)
	end, _ := parseISO(asc[20].EarliestStartTime)
	loc := time.FixedZone("", 3600)
	q := url.Values{"start_time": {start.In(loc).Format(time.RFC3339Nano)}, "end_time": {end.In(loc).Format(time.RFC3339Nano)}, "sort": {"asc"}}
	get(t, base+"&page_size=100&"+q.Encode(), bearerKey, 200, &r)
	require.Equal(t, 10, r.Count)
	require.Equal(t, asc[10:20], arthurUsersOf(t, r.Users))

	get(t, srv.ArthurURL()+"/api/v1/traces/users?task_ids=unknown", bearerKey, 200, &r)
	require.Zero(t, r.Count)
	require.NotNil(t, r.Users)
	require.Empty(t, r.Users)
}

func TestArthurOmittedFields(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	d := srv.Data()
	var r arthurResp
	get(t, srv.ArthurURL()+"/api/v1/traces/users?page_size=100&task_ids="+d.ArthurTaskIDs[0]+"&task_ids="+d.ArthurTaskIDs[1], bearerKey, 200, &r)
	var absent, costless, zero int
	for _, raw := range r.Users {
		var m map[string]any
		require.NoError(t, json.Unmarshal(raw, &m))
		_, hasCount := m["total_token_count"]
		_, hasCost := m["total_token_cost"]
		switch {
		case !hasCount && !hasCost:
			absent++
			require.NotContains(t, string(raw), "null")
		case hasCount && !hasCost:
			costless++
		case m["total_token_count"] == 0.0:
			zero++
		}
	}
	require.Positive(t, absent)
	require.Positive(t, costless)
	require.Positive(t, zero)
	for _, u := range d.ArthurUsers {
		require.Equal(t, u.PromptTokenCount == nil, u.TotalTokenCount == nil)
		if u.TotalTokenCount != nil {
			require.Equal(t, *u.PromptTokenCount+*u.CompletionTokenCount, *u.TotalTokenCount)
		}
	}
}

func TestArthurErrors(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	base := srv.ArthurURL() + "/api/v1/traces/users"
	task := "?task_ids=" + srv.Data().ArthurTaskIDs[0]
	for _, tc := range []struct {
		name, url string
		header    http.Header
		status    int
		detail    string // string-form detail, or the loc field of the list form
	}{
		{"no task_ids", base, bearerKey, 400, "Field required: query.task_ids"},
		{"no task_ids on details", base + "/u-1", bearerKey, 400, "Field required: query.task_ids"},
		{"bad start_time", base + task + "&start_time=yesterday", bearerKey, 400, "Input should be a valid datetime: query.start_time"},
		{"start_time with + as space", base + task + "&start_time=2026-11-20T09:30:00+01:00", bearerKey, 400, "Input should be a valid datetime: query.start_time"},
		{"bad end_time", base + task + "&end_time=2026-13-01T00:00:00Z", bearerKey, 400, "Input should be a valid datetime: query.end_time"},
		{"bad sort", base + task + "&sort=newest", bearerKey, 400, "Input should be 'asc' or 'desc': query.sort"},
		{"page_size text", base + task + "&page_size=ten", bearerKey, 400, "Input should be a valid integer, unable to parse string as an integer: query.page_size"},
		{"page_size 0", base + task + "&page_size=0", bearerKey, 400, "Invalid page size, must be greater than 0 and less than 5000"},
		{"page_size -3", base + task + "&page_size=-3", bearerKey, 400, "Invalid page size, must be greater than 0 and less than 5000"},
		{"page_size 5001", base + task + "&page_size=5001", bearerKey, 400, "Invalid page size, must be greater than 0 and less than 5000"},
		{"unknown user", base + "/u-9999" + task, bearerKey, 404, "User u-9999 not found or has no data"},
		{"user of another task", base + "/u-1?task_ids=other", bearerKey, 404, "User u-1 not found or has no data"},
		{"no credential", base + task, nil, 401, "Unauthorized"},
		{"wrong key", base + task, http.Header{"Authorization": {"Bearer nope"}}, 401, "Unauthorized"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := get(t, tc.url, tc.header, tc.status, nil)
			require.Equal(t, "application/json", res.header.Get("Content-Type"))
			var e struct {
				Detail string `json:"detail"`
			}
			require.NoError(t, json.Unmarshal(res.body, &e))
			require.Equal(t, tc.detail, e.Detail)
		})
	}
	get(t, base+task+"&page_size=5000", bearerKey, 200, nil)
	// Validation failures answer 400 with one string detail, never FastAPI's 422 list.
	var e struct {
		Detail string `json:"detail"`
	}
	get(t, base+task+"&start_time=x&sort=y", bearerKey, 400, &e)
	require.Equal(t, "Input should be a valid datetime: query.start_time; Input should be 'asc' or 'desc': query.sort", e.Detail)
}

func TestArthurUser(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	d := srv.Data()
	tasks := "?task_ids=" + d.ArthurTaskIDs[1] + "&task_ids=" + d.ArthurTaskIDs[0]
	seen := map[string]bool{}
	for _, u := range d.ArthurUsers {
		if seen[u.UserID] {
			continue
		}
		seen[u.UserID] = true
		var got ArthurUser
		get(t, srv.ArthurURL()+"/api/v1/traces/users/"+url.PathEscape(u.UserID)+tasks, bearerKey, 200, &got)
		require.Equal(t, u, got)
	}
	require.True(t, seen["svc/batch-runner"])
	get(t, srv.ArthurURL()+"/api/v1/traces/users/svc/batch-runner"+tasks, bearerKey, 404, nil)
}

type pagination struct {
	TotalCount  int  `json:"total_count"`
	PageSize    int  `json:"page_size"`
	CurrentPage int  `json:"current_page"`
	HasNext     bool `json:"has_next"`
	HasPrevious bool `json:"has_previous"`
}

func TestMonoCloudSessionsPaging(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	d := srv.Data()
	for _, uid := range d.MonoCloudUserIDs {
		base := srv.MonoCloudURL() + "/api/users/" + uid + "/sessions"
		var got []MonoCloudSession
		for page := 1; ; page++ {
			var r []MonoCloudSession
			res := get(t, fmt.Sprintf("%s?page=%d&size=10", base, page), monoKey, 200, &r)
			require.Equal(t, "application/json", res.header.Get("Content-Type"))
			require.True(t, strings.HasPrefix(string(res.body), "["))
			var p pagination
			require.NoError(t, json.Unmarshal([]byte(res.header.Get("X-Pagination")), &p))
			require.Equal(t, pagination{47, 10, page, page < 5, page > 1}, p)
			got = append(got, r...)
			if !p.HasNext {
				require.Len(t, r, 7)
				break
			}
		}
		require.Equal(t, d.MonoCloudSessions[uid], got)

		var r []MonoCloudSession
		res := get(t, base+"?page=6&size=10", monoKey, 200, &r)
		require.Equal(t, "[]\n", string(res.body))
		res = get(t, base, monoKey, 200, &r) // defaults: page 1, size 10
		require.Len(t, r, 10)
		require.Contains(t, res.header.Get("X-Pagination"), `"page_size":10,"current_page":1`)
	}
	var r []MonoCloudSession
	res := get(t, srv.MonoCloudURL()+"/api/users/"+d.MonoCloudUserIDs[0]+"/sessions?size=3", monoKey, 200, &r)
	require.Contains(t, string(res.body), `"last_metadata":{"country":`)

	bare := NewServer(WithoutPaginationHeader(), WithUsers(4))
	defer bare.Close()
	res = get(t, bare.MonoCloudURL()+"/api/users/"+bare.Data().MonoCloudUserIDs[1]+"/sessions?size=3&page=2", monoKey, 200, &r)
	require.Empty(t, res.header.Values("X-Pagination"))
	require.Equal(t, bare.Data().MonoCloudSessions[bare.Data().MonoCloudUserIDs[1]][3:], r)
}

func TestMonoCloudSortAndFilter(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	uid := srv.Data().MonoCloudUserIDs[0]
	base := srv.MonoCloudURL() + "/api/users/" + uid + "/sessions?size=100&"
	for _, sort := range []string{"session_id:1", "session_id:-1", "initiated_at:1", "initiated_at%3A-1", "expires_at:1", "last_updated:-1"} {
		t.Run(sort, func(t *testing.T) {
			var r []MonoCloudSession
			get(t, base+"sort="+sort, monoKey, 200, &r)
			require.Len(t, r, 47)
			key, order, _ := strings.Cut(strings.Replace(sort, "%3A", ":", 1), ":")
			field := func(m MonoCloudSession) string {
				switch key {
				case "session_id":
					return m.SessionID
				case "initiated_at":
					return fmt.Sprintf("%020d", m.InitiatedAt)
				case "expires_at":
					return fmt.Sprintf("%020d", m.ExpiresAt)
				}
				return fmt.Sprintf("%020d", m.LastUpdated)
			}
			require.True(t, slices.IsSortedFunc(r, func(a, b MonoCloudSession) int {
				if order == "-1" {
					a, b = b, a
				}
				return strings.Compare(field(a), field(b))
			}))
		})
	}
	client := srv.Data().MonoCloudSessions[uid][0].ClientIDs[0]
	var want []MonoCloudSession
	for _, s := range srv.Data().MonoCloudSessions[uid] {
		if slices.Contains(s.ClientIDs, client) {
			want = append(want, s)
		}
	}
	var r []MonoCloudSession
	res := get(t, base+"client_id="+client, monoKey, 200, &r)
	require.Equal(t, want, r)
	require.Less(t, len(want), 47)
	require.Contains(t, res.header.Get("X-Pagination"), fmt.Sprintf(`"total_count":%d`, len(want)))
}

func TestMonoCloudErrors(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	base := srv.MonoCloudURL() + "/api/users/" + srv.Data().MonoCloudUserIDs[0] + "/sessions"
	for _, tc := range []struct {
		name, url string
		header    http.Header
		status    int
		typ       string
		field     string
	}{
		{"size 0", base + "?size=0", monoKey, 422, "https://httpstatuses.io/422#validation-error", "size"},
		{"size text", base + "?size=x", monoKey, 422, "https://httpstatuses.io/422#validation-error", "size"},
		{"page 0", base + "?page=0", monoKey, 422, "https://httpstatuses.io/422#validation-error", "page"},
		{"sort key", base + "?sort=created_at:1", monoKey, 422, "https://httpstatuses.io/422#validation-error", "sort"},
		{"sort order", base + "?sort=session_id:2", monoKey, 422, "https://httpstatuses.io/422#validation-error", "sort"},
		{"sort without order", base + "?sort=session_id", monoKey, 422, "https://httpstatuses.io/422#validation-error", "sort"},
		{"unknown user", srv.MonoCloudURL() + "/api/users/nobody/sessions", monoKey, 404, "https://httpstatuses.io/404", ""},
		{"no key", base, nil, 401, "https://httpstatuses.io/401", ""},
		{"wrong key", base, http.Header{"X-Api-Key": {"nope"}}, 401, "https://httpstatuses.io/401", ""},
		{"bearer instead of X-API-KEY", base, bearerKey, 401, "https://httpstatuses.io/401", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p struct {
				Type    string              `json:"type"`
				Title   string              `json:"title"`
				Status  int                 `json:"status"`
				Detail  string              `json:"detail"`
				TraceID string              `json:"traceId"`
				Errors  map[string][]string `json:"errors"`
			}
			res := get(t, tc.url, tc.header, tc.status, &p)
			require.Equal(t, "application/problem+json", res.header.Get("Content-Type"))
			require.Equal(t, tc.typ, p.Type)
			require.Equal(t, tc.status, p.Status)
			require.NotEmpty(t, p.Title)
			require.NotEmpty(t, p.TraceID)
			if tc.field != "" {
				require.Len(t, p.Errors, 1)
				require.NotEmpty(t, p.Errors[tc.field])
			}
			if tc.status == 404 {
				require.Equal(t, "User not found", p.Detail)
				require.Equal(t, "Not Found", p.Title)
			}
		})
	}
	res := get(t, base+"?size=0", monoKey, 422, nil)
	require.Contains(t, string(res.body), `"errors":{"size":["'size' must be greater than 0"]}`)
	require.Contains(t, string(res.body), `"title":"Unprocessable Entity"`)
	// With both headers the key still counts.
	h := monoKey.Clone()
	h.Set("Authorization", "Bearer test-key")
	get(t, base, h, 200, nil)
}

func TestRoutingAndRequests(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	for _, tc := range []struct {
		method, path string
		status       int
		api          string
	}{
		{"GET", "/", 404, ""},
		{"GET", "/nope/api/users", 404, ""},
		{"GET", "/zoom/videosdk/sessions/x/users", 404, "zoom"}, // missing /v2
		{"GET", "/zoom/v2/videosdk/sessions//users", 404, "zoom"},
		{"GET", "/arthur/api/v1/traces/users/", 404, "arthur"},
		{"GET", "/ductape/integrations/v1/session/users/ws_test/a/b", 404, "ductape"},
		{"GET", "/monocloud/api/users/x/sessions/extra", 404, "monocloud"},
		{"GET", "/monocloud/api/users/../sessions", 400, "monocloud"},
		{"GET", "/ductape/integrations/v1/session/users/ws_test/%2E%2E", 400, "ductape"},
		{"POST", "/arthur/api/v1/traces/users?task_ids=x", 405, "arthur"},
		{"DELETE", "/monocloud/api/users/x/sessions", 405, "monocloud"},
		{"HEAD", "/zoom/v2/videosdk/sessions/x/users", 405, "zoom"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			n := srv.RequestCount()
			req, err := http.NewRequest(tc.method, srv.URL+tc.path, nil)
			require.NoError(t, err)
			req.URL.Opaque = strings.SplitN(tc.path, "?", 2)[0] // keep dot-segments as sent
			req.Header = bearerKey.Clone()
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			res.Body.Close()
			require.Equal(t, tc.status, res.StatusCode)
			if tc.status == 405 {
				require.Equal(t, "GET", res.Header.Get("Allow"))
			}
			reqs := srv.Requests()
			require.Len(t, reqs, n+1)
			require.Equal(t, tc.api, reqs[n].API)
			require.Equal(t, tc.method, reqs[n].Method)
		})
	}

	n := srv.RequestCount()
	u := srv.ArthurURL() + "/api/v1/traces/users/svc%2Fbatch-runner?task_ids=a&task_ids=b"
	get(t, u, http.Header{"Authorization": {"Bearer test-key"}, "User-Agent": {"kit-test"}}, 404, nil)
	reqs := srv.Requests()
	require.Len(t, reqs, n+1)
	last := reqs[n]
	require.Equal(t, Request{API: "arthur", Method: "GET", Path: "/arthur/api/v1/traces/users/svc/batch-runner",
		RawPath: "/arthur/api/v1/traces/users/svc%2Fbatch-runner", RawQuery: "task_ids=a&task_ids=b", Header: last.Header, At: last.At, Page: 1}, last)
	require.Equal(t, "kit-test", last.Header.Get("User-Agent"))
	require.WithinDuration(t, time.Now(), last.At, time.Minute)
	require.Equal(t, "Bearer test-key", last.Header.Get("Authorization"))
	last.Header.Set("User-Agent", "changed") // a copy
	require.Equal(t, "kit-test", srv.Requests()[n].Header.Get("User-Agent"))
	require.Equal(t, n+1, srv.RequestCount())
}

func TestLatency(t *testing.T) {
	// Long enough that a busy machine cannot blur "ended with the
	// caller's 30 ms deadline" into "waited the latency out".
	const latency = 2 * time.Second
	srv := NewServer(WithLatency(latency))
	defer srv.Close()
	u := srv.ArthurURL() + "/api/v1/traces/users?task_ids=x"

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	require.NoError(t, err)
	began := time.Now()
	_, err = http.DefaultClient.Do(req)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Less(t, time.Since(began), latency/2)

	began = time.Now()
	get(t, u, bearerKey, 200, nil)
	require.GreaterOrEqual(t, time.Since(began), latency)
	require.Equal(t, 2, srv.RequestCount())
	// Close waits for the abandoned request's handler, which must end with its context.
	began = time.Now()
	srv.Close()
	require.Less(t, time.Since(began), latency/2)
}

func TestConcurrentRequests(t *testing.T) {
	srv := NewServer(WithUsers(60))
	defer srv.Close()
	d := srv.Data()
	clock := &fakeClock{t: time.Now()}
	srv.setClock(clock.now)
	var wg sync.WaitGroup
	for i := range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch i % 4 {
			case 0:
				var r ductapeUsersResp
				get(t, fmt.Sprintf("%s/integrations/v1/session/users/ws_test?product_tag=my-product&session_tag=user-session&page=%d", srv.DuctapeURL(), i%3+1), bearerKey, 200, &r)
			case 1:
				got, _ := zoomWalk(t, srv, d.ZoomSessionIDs[i%3], "type=past&page_size=7", bearerKey)
				if !reflect.DeepEqual(d.ZoomUsers[d.ZoomSessionIDs[i%3]], got) {
					t.Errorf("zoom walk %d differs", i)
				}
				clock.advance(time.Second)
			case 2:
				get(t, srv.ArthurURL()+"/api/v1/traces/users?task_ids="+d.ArthurTaskIDs[0], bearerKey, 200, nil)
			case 3:
				res := get(t, srv.MonoCloudURL()+"/api/users/"+d.MonoCloudUserIDs[1]+"/sessions?size=0", monoKey, 422, nil)
				if !strings.Contains(string(res.body), "traceId") {
					t.Errorf("no traceId in %s", res.body)
				}
			}
		}()
	}
	wg.Wait()
	require.GreaterOrEqual(t, srv.RequestCount(), 24)
}
