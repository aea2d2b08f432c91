package sessions_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sessionkit "github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/internal/testutil"
	"github.com/sessionkit/sessionkit-go/sessions"
)

const (
	testKey       = "sk-test-secret-key"
	testWorkspace = "ws_1"
	ductapeRoute  = testutil.Prefix + "/integrations/v1/session/users/" + testWorkspace
)

// newClient returns a client whose every API points at rec, with retries
// off unless opts turn them on.
func newClient(t *testing.T, rec *testutil.Recorder, opts ...sessionkit.Option) *sessionkit.Client {
	t.Helper()
	all := append([]sessionkit.Option{
		sessionkit.WithBaseURL(rec.URL),
		sessionkit.WithAPIKey(testKey),
		sessionkit.WithWorkspaceID(testWorkspace),
		sessionkit.WithMaxRetries(0),
	}, opts...)
	c, err := sessionkit.NewClient(all...)
	require.NoError(t, err)
	return c
}

// requireAPIError asserts err is an *APIError with the given status, code
// and message, and that its text is free of host, query and key.
func requireAPIError(t *testing.T, err error, status int, code, message string) *sessionkit.APIError {
	t.Helper()
	var ae *sessionkit.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, status, ae.StatusCode, "StatusCode")
	assert.Equal(t, code, ae.Code, "Code")
	assert.Equal(t, message, ae.Message, "Message")
	text := ae.Error()
	assert.Contains(t, text, "GET")
	assert.Contains(t, text, fmt.Sprint(status))
	assert.Contains(t, text, message)
	assert.NotContains(t, text, "127.0.0.1")
	assert.NotContains(t, text, "?")
	assert.NotContains(t, text, testKey)
	return ae
}

const ductapeUserJSON = `{"_id": "665f0c01", "ductape_user_id": "du_8f2a", "product_tag": "my-product",
	"session_tag": "user-session", "identifier": "ada@example.com", "env": "production",
	"first_seen": "2026-10-01T09:12:44.120Z", "last_seen": "2026-11-20T17:03:10Z",
	"createdAt": "2026-10-01T09:12:44.120Z", "updatedAt": "2026-11-20T18:03:10+01:00",
	"__v": 0, "unknown_extra": {"nested": [1, 2]}}`

var ductapeUser = sessions.User{
	ID: "665f0c01", DuctapeUserID: "du_8f2a", ProductTag: "my-product", SessionTag: "user-session",
	Identifier: "ada@example.com", Env: "production",
	FirstSeen: time.Date(2026, 10, 1, 9, 12, 44, 120e6, time.UTC),
	LastSeen:  time.Date(2026, 11, 20, 17, 3, 10, 0, time.UTC),
	CreatedAt: time.Date(2026, 10, 1, 9, 12, 44, 120e6, time.UTC),
	UpdatedAt: time.Date(2026, 11, 20, 17, 3, 10, 0, time.UTC),
}

// ductapePage is a FetchUsers body with one user per identifier.
func ductapePage(page, limit, total, totalPages int, identifiers ...string) testutil.Reply {
	users := make([]string, len(identifiers))
	for i, id := range identifiers {
		users[i] = fmt.Sprintf(`{"_id": "id-%s", "identifier": %q, "first_seen": "2026-10-01T09:12:44Z"}`, id, id)
	}
	return testutil.JSON(http.StatusOK, fmt.Sprintf(`{"status": true, "data": {"users": [%s],
		"total": %d, "page": %d, "limit": %d, "totalPages": %d}}`,
		strings.Join(users, ","), total, page, limit, totalPages))
}

var minimalUsers = sessions.FetchUsersOptions{Product: "my-product", Session: "user-session"}

func TestFetchUsersWire(t *testing.T) {
	tests := []struct {
		name      string
		workspace string
		opts      sessions.FetchUsersOptions
		wantPath  string
		wantQuery string
	}{
		{
			name:      "required only: env, page and limit omitted",
			opts:      minimalUsers,
			wantPath:  ductapeRoute,
			wantQuery: "product_tag=my-product&session_tag=user-session",
		},
		{
			name:      "every field",
			opts:      sessions.FetchUsersOptions{Product: "my-product", Session: "user-session", Env: "production", Page: 2, Limit: 50},
			wantPath:  ductapeRoute,
			wantQuery: "env=production&limit=50&page=2&product_tag=my-product&session_tag=user-session",
		},
		{
			name:      "page 1 and limit 1 are sent",
			opts:      sessions.FetchUsersOptions{Product: "p", Session: "s", Page: 1, Limit: 1},
			wantPath:  ductapeRoute,
			wantQuery: "limit=1&page=1&product_tag=p&session_tag=s",
		},
		{
			name:      "query values are escaped",
			opts:      sessions.FetchUsersOptions{Product: "a b&c=d", Session: "s/1?#", Env: "prod+eu"},
			wantPath:  ductapeRoute,
			wantQuery: "env=prod%2Beu&product_tag=a+b%26c%3Dd&session_tag=s%2F1%3F%23",
		},
		{
			name:      "workspace escaped as one segment",
			workspace: "ws 1:é?",
			opts:      minimalUsers,
			wantPath:  testutil.Prefix + "/integrations/v1/session/users/ws%201%3A%C3%A9%3F",
			wantQuery: "product_tag=my-product&session_tag=user-session",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := testutil.NewRecorder(t, testutil.Always(ductapePage(1, 20, 0, 0)))
			var opts []sessionkit.Option
			if tt.workspace != "" {
				opts = append(opts, sessionkit.WithWorkspaceID(tt.workspace))
			}
			_, err := newClient(t, rec, opts...).Sessions.FetchUsers(context.Background(), tt.opts)
			require.NoError(t, err)
			got := rec.Last()
			assert.Equal(t, http.MethodGet, got.Method)
			assert.Equal(t, tt.wantPath, got.EscapedPath)
			assert.Equal(t, tt.wantQuery, got.RawQuery)
			assert.Equal(t, tt.wantPath+"?"+tt.wantQuery, got.RequestURI)
			assert.Equal(t, "Bearer "+testKey, got.Header.Get("Authorization"))
		})
	}
}

func TestFetchUserDetailsWire(t *testing.T) {
	tests := []struct {
		identifier string
		env        string
		wantPath   string
		wantQuery  string
	}{
		{"ada@example.com", "", ductapeRoute + "/ada%40example.com", "product_tag=p&session_tag=s"},
		{"ada@example.com", "production", ductapeRoute + "/ada%40example.com", "env=production&product_tag=p&session_tag=s"},
		{"a/b", "", ductapeRoute + "/a%2Fb", "product_tag=p&session_tag=s"},
		{"+1 555 0100", "", ductapeRoute + "/%2B1%20555%200100", "product_tag=p&session_tag=s"},
		{"%2e%2e", "", ductapeRoute + "/%252e%252e", "product_tag=p&session_tag=s"},
		{"...", "", ductapeRoute + "/...", "product_tag=p&session_tag=s"},
		{"x?y#z", "", ductapeRoute + "/x%3Fy%23z", "product_tag=p&session_tag=s"},
		{"名前", "", ductapeRoute + "/%E5%90%8D%E5%89%8D", "product_tag=p&session_tag=s"},
	}
	for _, tt := range tests {
		t.Run(tt.identifier, func(t *testing.T) {
			rec := testutil.NewRecorder(t, testutil.Always(testutil.JSON(http.StatusOK, `{"status": true, "data": {"identifier": "x"}}`)))
			_, err := newClient(t, rec).Sessions.FetchUserDetails(context.Background(),
				sessions.FetchUserDetailsOptions{Product: "p", Session: "s", Identifier: tt.identifier, Env: tt.env})
			require.NoError(t, err)
			got := rec.Last()
			assert.Equal(t, tt.wantPath, got.EscapedPath)
			assert.Equal(t, tt.wantQuery, got.RawQuery)
			assert.Equal(t, strings.TrimPrefix(ductapeRoute, testutil.Prefix)+"/"+tt.identifier, got.Path,
				"the server decodes the identifier back to one segment")
		})
	}
}

func TestFetchUsersDecode(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{"status envelope", `{"status": true, "data": {"users": [` + ductapeUserJSON + `], "total": 47, "page": 1, "limit": 20, "totalPages": 3}}`},
		{"success envelope", `{"success": true, "data": {"users": [` + ductapeUserJSON + `], "total": 47, "page": 1, "limit": 20, "totalPages": 3}}`},
		{"unknown top-level fields", `{"status": true, "message": "ok", "meta": {"x": 1}, "data": {"users": [` + ductapeUserJSON + `], "total": 47, "page": 1, "limit": 20, "totalPages": 3, "extra": null}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := testutil.NewRecorder(t, testutil.Always(testutil.JSON(http.StatusOK, tt.body)))
			page, err := newClient(t, rec).Sessions.FetchUsers(context.Background(), minimalUsers)
			require.NoError(t, err)
			want := &sessions.UsersPage{Users: []sessions.User{ductapeUser}, Total: 47, Page: 1, Limit: 20, TotalPages: 3}
			require.Len(t, page.Users, 1)
			assert.True(t, want.Users[0].UpdatedAt.Equal(page.Users[0].UpdatedAt))
			page.Users[0].UpdatedAt = want.Users[0].UpdatedAt
			assert.Equal(t, want, page)
		})
	}
}

func TestFetchUserDetailsDecode(t *testing.T) {
	body := `{"status": true, "data": {"_id": "665f0c01", "ductape_user_id": "du_8f2a", "product_tag": "my-product",
		"session_tag": "user-session", "identifier": "ada@example.com", "env": "production",
		"first_seen": "2026-10-01T09:12:44.120Z", "last_seen": "2026-11-20T17:03:10Z",
		"createdAt": "2026-10-01T09:12:44.120Z", "updatedAt": "2026-11-20T17:03:10Z",
		"sessions": [{"session_id": "s_01", "start_at": "2026-11-20T16:00:00Z", "end_at": "2026-11-20T18:00:00Z", "active": true, "device": "x"},
		             {"session_id": "s_02", "start_at": "2026-11-19T16:00:00.5Z", "end_at": "2026-11-19T18:00:00Z", "active": false}],
		"totalSessions": 12, "activeSessionsCount": 1, "unknown": true}}`
	rec := testutil.NewRecorder(t, testutil.Always(testutil.JSON(http.StatusOK, body)))
	got, err := newClient(t, rec).Sessions.FetchUserDetails(context.Background(),
		sessions.FetchUserDetailsOptions{Product: "my-product", Session: "user-session", Identifier: "ada@example.com"})
	require.NoError(t, err)
	want := &sessions.UserDetails{
		User: ductapeUser,
		Sessions: []sessions.SessionInfo{
			{SessionID: "s_01", StartAt: time.Date(2026, 11, 20, 16, 0, 0, 0, time.UTC), EndAt: time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC), Active: true},
			{SessionID: "s_02", StartAt: time.Date(2026, 11, 19, 16, 0, 0, 500e6, time.UTC), EndAt: time.Date(2026, 11, 19, 18, 0, 0, 0, time.UTC)},
		},
		TotalSessions: 12, ActiveSessionsCount: 1,
	}
	assert.Equal(t, want, got)
}

func TestDuctapeFailedEnvelope(t *testing.T) {
	tests := []struct {
		name, body, code, message string
	}{
		{"status false", `{"status": false, "message": "Could not fetch users", "code": "FETCH_USERS_FAILED"}`, "FETCH_USERS_FAILED", "Could not fetch users"},
		{"success false", `{"success": false, "message": "nope", "code": "FETCH_USERS_FAILED", "data": null}`, "FETCH_USERS_FAILED", "nope"},
		{"status false with errors list", `{"status": false, "errors": ["a failed", "b failed"]}`, "", "a failed; b failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := testutil.NewRecorder(t, testutil.Always(testutil.JSON(http.StatusOK, tt.body)))
			_, err := newClient(t, rec).Sessions.FetchUsers(context.Background(), minimalUsers)
			ae := requireAPIError(t, err, http.StatusOK, tt.code, tt.message)
			assert.Equal(t, ductapeRoute, ae.Path)
			assert.Equal(t, http.MethodGet, ae.Method)
			assert.Equal(t, tt.body, string(ae.Body))
			assert.Equal(t, 1, ae.Attempts)
			assert.Equal(t, "application/json", ae.Header.Get("Content-Type"))
			assert.NotErrorIs(t, err, sessionkit.ErrMalformedResponse)
		})
	}
}

func TestDuctapeErrors(t *testing.T) {
	tests := []struct {
		name     string
		reply    testutil.Reply
		status   int
		code     string
		message  string
		attempts int
	}{
		{"404 user not found", testutil.JSON(404, `{"status": false, "message": "User not found", "code": "USER_NOT_FOUND"}`), 404, "USER_NOT_FOUND", "User not found", 1},
		{"400 errors string", testutil.JSON(400, `{"status": false, "errors": "product_tag is required", "code": "FETCH_USER_DETAILS_FAILED"}`), 400, "FETCH_USER_DETAILS_FAILED", "product_tag is required", 1},
		{"422 errors list", testutil.JSON(422, `{"status": false, "errors": ["product_tag is required", "session_tag is required"]}`), 422, "", "product_tag is required; session_tag is required", 1},
		{"message wins over errors", testutil.JSON(400, `{"status": false, "message": "Bad", "errors": ["x"]}`), 400, "", "Bad", 1},
		{"plain text 502, retried", testutil.Text(502, "  Bad gateway from the proxy \n"), 502, "", "Bad gateway from the proxy", 3},
		{"500 retried until exhausted", testutil.JSON(500, `{"status": false, "message": "boom", "code": "FETCH_USERS_FAILED"}`), 500, "FETCH_USERS_FAILED", "boom", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := testutil.NewRecorder(t, testutil.Always(tt.reply))
			c := newClient(t, rec, sessionkit.WithMaxRetries(2), sessionkit.WithRetryWait(time.Millisecond, 2*time.Millisecond))
			_, err := c.Sessions.FetchUserDetails(context.Background(),
				sessions.FetchUserDetailsOptions{Product: "p", Session: "s", Identifier: "a/b"})
			ae := requireAPIError(t, err, tt.status, tt.code, tt.message)
			assert.Equal(t, tt.attempts, ae.Attempts)
			assert.Equal(t, tt.attempts, rec.Count())
			assert.Equal(t, tt.reply.Body, string(ae.Body))
			assert.Equal(t, tt.reply.Header.Get("Content-Type"), ae.Header.Get("Content-Type"))
			assert.Equal(t, ductapeRoute+"/a%2Fb", ae.Path)
			assert.Contains(t, ae.Error(), "GET "+ductapeRoute+"/a%2Fb")
			assert.Zero(t, ae.RetryAfter)
		})
	}
}

func TestDuctapeMalformed(t *testing.T) {
	tests := []struct {
		name  string
		reply testutil.Reply
	}{
		{"not JSON", testutil.JSON(200, `{"status": true, "data": {"users": [`)},
		{"HTML from a proxy", testutil.Typed(200, "text/html", `<html><body>Welcome</body></html>`)},
		{"no data", testutil.JSON(200, `{"status": true}`)},
		{"JSON null", testutil.JSON(200, `null`)},
		{"wrong type", testutil.JSON(200, `{"status": true, "data": {"users": "many"}}`)},
		{"bad time", testutil.JSON(200, `{"status": true, "data": {"users": [{"first_seen": "yesterday"}]}}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := testutil.NewRecorder(t, testutil.Always(tt.reply))
			_, err := newClient(t, rec).Sessions.FetchUsers(context.Background(), minimalUsers)
			require.ErrorIs(t, err, sessionkit.ErrMalformedResponse)
			var ae *sessionkit.APIError
			assert.False(t, errors.As(err, &ae), "a malformed 2xx is not an APIError")
			assert.Contains(t, err.Error(), "200")
			assert.Contains(t, err.Error(), "GET")
			assert.Contains(t, err.Error(), ductapeRoute)
			assert.NotContains(t, err.Error(), "127.0.0.1")
		})
	}
}

// validationCase is a call that must fail before sending.
type validationCase struct {
	name  string
	field string // a word the error text must contain
	call  func(ctx context.Context, c *sessionkit.Client) error
}

// runValidation checks each case: ErrInvalidOptions, the field named, no
// request sent.
func runValidation(t *testing.T, cases []validationCase, opts ...sessionkit.Option) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			rec := testutil.NewRecorder(t, nil)
			err := tt.call(context.Background(), newClient(t, rec, opts...))
			require.Error(t, err)
			assert.ErrorIs(t, err, sessionkit.ErrInvalidOptions)
			assert.Contains(t, err.Error(), tt.field)
			assert.Zero(t, rec.Count(), "no request may be sent")
		})
	}
}

func TestDuctapeValidation(t *testing.T) {
	details := func(o sessions.FetchUserDetailsOptions) func(context.Context, *sessionkit.Client) error {
		return func(ctx context.Context, c *sessionkit.Client) error {
			_, err := c.Sessions.FetchUserDetails(ctx, o)
			return err
		}
	}
	users := func(o sessions.FetchUsersOptions) func(context.Context, *sessionkit.Client) error {
		return func(ctx context.Context, c *sessionkit.Client) error {
			_, err := c.Sessions.FetchUsers(ctx, o)
			return err
		}
	}
	usersIter := func(o sessions.FetchUsersOptions) func(context.Context, *sessionkit.Client) error {
		return func(ctx context.Context, c *sessionkit.Client) error {
			return testutil.IterErr(t, c.Sessions.FetchUsersIter(ctx, o))
		}
	}
	runValidation(t, []validationCase{
		{"FetchUsers empty Product", "Product", users(sessions.FetchUsersOptions{Session: "s"})},
		{"FetchUsers empty Session", "Session", users(sessions.FetchUsersOptions{Product: "p"})},
		{"FetchUsers negative Page", "Page", users(sessions.FetchUsersOptions{Product: "p", Session: "s", Page: -1})},
		{"FetchUsers negative Limit", "Limit", users(sessions.FetchUsersOptions{Product: "p", Session: "s", Limit: -1})},
		{"FetchUsersIter empty Product", "Product", usersIter(sessions.FetchUsersOptions{Session: "s"})},
		{"FetchUsersIter empty Session", "Session", usersIter(sessions.FetchUsersOptions{Product: "p"})},
		{"FetchUsersIter negative Page", "Page", usersIter(sessions.FetchUsersOptions{Product: "p", Session: "s", Page: -2})},
		{"FetchUsersIter negative Limit", "Limit", usersIter(sessions.FetchUsersOptions{Product: "p", Session: "s", Limit: -5})},
		{"FetchUserDetails empty Product", "Product", details(sessions.FetchUserDetailsOptions{Session: "s", Identifier: "i"})},
		{"FetchUserDetails empty Session", "Session", details(sessions.FetchUserDetailsOptions{Product: "p", Identifier: "i"})},
		{"FetchUserDetails empty Identifier", "Identifier", details(sessions.FetchUserDetailsOptions{Product: "p", Session: "s"})},
		{"FetchUserDetails Identifier dot", "Identifier", details(sessions.FetchUserDetailsOptions{Product: "p", Session: "s", Identifier: "."})},
		{"FetchUserDetails Identifier dot-dot", "Identifier", details(sessions.FetchUserDetailsOptions{Product: "p", Session: "s", Identifier: ".."})},
	})

	// The workspace ID is checked at the call: a client without one is
	// fine for Zoom, but not for Ductape.
	t.Run("no workspace", func(t *testing.T) {
		for _, tt := range []validationCase{
			{"FetchUsers", "workspace", users(minimalUsers)},
			{"FetchUsersIter", "workspace", usersIter(minimalUsers)},
			{"FetchUserDetails", "workspace", details(sessions.FetchUserDetailsOptions{Product: "p", Session: "s", Identifier: "i"})},
		} {
			t.Run(tt.name, func(t *testing.T) {
				rec := testutil.NewRecorder(t, nil)
				c, err := sessionkit.NewClient(sessionkit.WithBaseURL(rec.URL), sessionkit.WithAPIKey(testKey))
				require.NoError(t, err, "a client without a workspace is valid")
				err = tt.call(context.Background(), c)
				require.ErrorIs(t, err, sessionkit.ErrInvalidOptions)
				assert.Contains(t, err.Error(), tt.field)
				assert.Zero(t, rec.Count())
			})
		}
	})
}

// collect ranges seq to the end and returns the items and the errors.
func collect[T any](seq func(func(T, error) bool)) ([]T, []error) {
	var items []T
	var errs []error
	for v, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		items = append(items, v)
	}
	return items, errs
}

func identifiers(us []sessions.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Identifier
	}
	return out
}

// threeDuctapePages answers pages 1-3 of 7 users (limit 3); any other page
// is empty.
func threeDuctapePages() testutil.Responder {
	return testutil.ByQuery("page", map[string]testutil.Reply{
		"":  ductapePage(1, 3, 7, 3, "a", "b", "c"),
		"1": ductapePage(1, 3, 7, 3, "a", "b", "c"),
		"2": ductapePage(2, 3, 7, 3, "d", "e", "f"),
		"3": ductapePage(3, 3, 7, 3, "g"),
		"4": ductapePage(4, 3, 7, 3),
	})
}

func TestFetchUsersIter(t *testing.T) {
	ctx := context.Background()
	opts := sessions.FetchUsersOptions{Product: "p", Session: "s", Limit: 3}

	t.Run("walks to totalPages and stops", func(t *testing.T) {
		rec := testutil.NewRecorder(t, threeDuctapePages())
		items, errs := collect(newClient(t, rec).Sessions.FetchUsersIter(ctx, opts))
		require.Empty(t, errs)
		assert.Equal(t, []string{"a", "b", "c", "d", "e", "f", "g"}, identifiers(items))
		assert.Equal(t, []string{
			"limit=3&page=1&product_tag=p&session_tag=s",
			"limit=3&page=2&product_tag=p&session_tag=s",
			"limit=3&page=3&product_tag=p&session_tag=s",
		}, rec.Queries(), "no request past totalPages")
	})

	t.Run("lazy and re-rangeable", func(t *testing.T) {
		rec := testutil.NewRecorder(t, threeDuctapePages())
		seq := newClient(t, rec).Sessions.FetchUsersIter(ctx, opts)
		assert.Zero(t, rec.Count(), "nothing is fetched before the loop runs")
		first, errs := collect(seq)
		require.Empty(t, errs)
		second, errs := collect(seq)
		require.Empty(t, errs)
		assert.Equal(t, identifiers(first), identifiers(second))
		q := rec.Queries()
		require.Len(t, q, 6)
		assert.Equal(t, q[:3], q[3:], "the second walk starts from the same page")
	})

	t.Run("starts at opts.Page and leaves opts alone", func(t *testing.T) {
		rec := testutil.NewRecorder(t, threeDuctapePages())
		o := opts
		o.Page = 2
		before := o
		seq := newClient(t, rec).Sessions.FetchUsersIter(ctx, o)
		items, errs := collect(seq)
		require.Empty(t, errs)
		assert.Equal(t, []string{"d", "e", "f", "g"}, identifiers(items))
		assert.Equal(t, before, o)
		items, _ = collect(seq)
		assert.Equal(t, []string{"d", "e", "f", "g"}, identifiers(items))
		assert.Equal(t, "limit=3&page=2&product_tag=p&session_tag=s", rec.Queries()[2])
	})

	t.Run("break stops fetching", func(t *testing.T) {
		rec := testutil.NewRecorder(t, threeDuctapePages())
		n := 0
		for _, err := range newClient(t, rec).Sessions.FetchUsersIter(ctx, opts) {
			require.NoError(t, err)
			n++
			if n == 2 {
				break
			}
		}
		assert.Equal(t, 1, rec.Count())
	})

	t.Run("an empty page ends the walk even when totals say more", func(t *testing.T) {
		rec := testutil.NewRecorder(t, testutil.ByQuery("page", map[string]testutil.Reply{
			"1": ductapePage(1, 3, 30, 10, "a", "b", "c"),
			"2": ductapePage(2, 3, 30, 10),
		}))
		items, errs := collect(newClient(t, rec).Sessions.FetchUsersIter(ctx, opts))
		require.Empty(t, errs)
		assert.Equal(t, []string{"a", "b", "c"}, identifiers(items))
		assert.Equal(t, 2, rec.Count())
	})

	t.Run("an error is yielded once after the items before it, as a PageError", func(t *testing.T) {
		rec := testutil.NewRecorder(t, testutil.ByQuery("page", map[string]testutil.Reply{
			"1": ductapePage(1, 3, 7, 3, "a", "b", "c"),
			"2": testutil.JSON(404, `{"status": false, "message": "gone", "code": "FETCH_USERS_FAILED"}`),
		}))
		items, errs := collect(newClient(t, rec).Sessions.FetchUsersIter(ctx, opts))
		assert.Equal(t, []string{"a", "b", "c"}, identifiers(items))
		require.Len(t, errs, 1)
		var pe *sessionkit.PageError
		require.ErrorAs(t, errs[0], &pe)
		assert.Equal(t, 2, pe.Page)
		assert.Equal(t, 3, pe.Yielded)
		requireAPIError(t, errs[0], 404, "FETCH_USERS_FAILED", "gone")
		assert.Equal(t, 2, rec.Count())
	})
}
