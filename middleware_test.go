package sessionkit_test

// Middleware: it runs around every attempt, in order, sees each endpoint's
// route template and every redirect hop, never sees credentials or minted
// tokens, and may answer a request itself.

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sessionkit "github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/traces"
	"github.com/sessionkit/sessionkit-go/users"
)

// mwSeen is what a recording middleware saw of one request.
type mwSeen struct {
	api      sessionkit.API
	apiOK    bool
	route    string
	attempt  int
	path     string // escaped, base URL included
	reqCreds string // credential headers on the request it got
	resCreds string // credential headers on the response's Request
	status   int
}

// mwRecorder records every request it sees; safe for concurrent use.
type mwRecorder struct {
	mu   sync.Mutex
	seen []mwSeen
}

func credHeaders(h http.Header) string {
	return h.Get("Authorization") + h.Get("X-Api-Key")
}

func (r *mwRecorder) middleware(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
	ctx := req.Context()
	api, ok := sessionkit.APIFromContext(ctx)
	s := mwSeen{api: api, apiOK: ok, route: sessionkit.RouteFromContext(ctx), attempt: sessionkit.AttemptFromContext(ctx),
		path: req.URL.EscapedPath(), reqCreds: credHeaders(req.Header)}
	resp, err := next(req)
	if resp != nil {
		s.status = resp.StatusCode
		if resp.Request != nil {
			s.resCreds = credHeaders(resp.Request.Header)
		}
	}
	r.mu.Lock()
	r.seen = append(r.seen, s)
	r.mu.Unlock()
	return resp, err
}

func (r *mwRecorder) all() []mwSeen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]mwSeen(nil), r.seen...)
}

var mwFastRetries = sessionkit.WithRetryWait(time.Millisecond, 5*time.Millisecond)

// mwEndpoint calls one endpoint of the kit once.
type mwEndpoint struct {
	route string
	api   sessionkit.API
	call  func(ctx context.Context, c *sessionkit.Client, d *sessionkittest.Dataset) error
}

func mwEndpoints() []mwEndpoint {
	return []mwEndpoint{
		{"GET /integrations/v1/session/users/{workspace_id}", sessionkit.Ductape, func(ctx context.Context, c *sessionkit.Client, d *sessionkittest.Dataset) error {
			_, err := c.Sessions.FetchUsers(ctx, sessions.FetchUsersOptions{Product: d.Product, Session: d.Session, Limit: 5})
			return err
		}},
		{"GET /integrations/v1/session/users/{workspace_id}/{identifier}", sessionkit.Ductape, func(ctx context.Context, c *sessionkit.Client, d *sessionkittest.Dataset) error {
			_, err := c.Sessions.FetchUserDetails(ctx, sessions.FetchUserDetailsOptions{Product: d.Product, Session: d.Session, Identifier: d.DuctapeUsers[0].Identifier})
			return err
		}},
		{"GET /videosdk/sessions/{sessionId}/users", sessionkit.Zoom, func(ctx context.Context, c *sessionkit.Client, d *sessionkittest.Dataset) error {
			// The second ID begins with "/": its path is double-encoded.
			_, err := c.Sessions.ListUsers(ctx, d.ZoomSessionIDs[1], sessions.ListUsersOptions{Type: sessions.Past, PageSize: 5})
			return err
		}},
		{"GET /videosdk/sessions", sessionkit.Zoom, func(ctx context.Context, c *sessionkit.Client, d *sessionkittest.Dataset) error {
			_, err := c.Sessions.ListSessions(ctx, sessions.ListSessionsOptions{From: d.BaseTime.AddDate(0, 0, -7), To: d.BaseTime, Type: sessions.Past})
			return err
		}},
		{"GET /api/v1/traces/users", sessionkit.Arthur, func(ctx context.Context, c *sessionkit.Client, d *sessionkittest.Dataset) error {
			_, err := c.Traces.Users(ctx, traces.UsersOptions{TaskIDs: d.ArthurTaskIDs, PageSize: 5})
			return err
		}},
		{"GET /api/v1/traces/users/{user_id}", sessionkit.Arthur, func(ctx context.Context, c *sessionkit.Client, d *sessionkittest.Dataset) error {
			_, err := c.Traces.User(ctx, d.ArthurUsers[0].UserID, traces.UserOptions{TaskIDs: d.ArthurTaskIDs})
			return err
		}},
		{"POST /api/v2/tasks/search", sessionkit.Arthur, func(ctx context.Context, c *sessionkit.Client, _ *sessionkittest.Dataset) error {
			_, err := c.Traces.Tasks(ctx, traces.TasksOptions{PageSize: 5})
			return err
		}},
		{"GET /api/users/{user_id}/sessions", sessionkit.MonoCloud, func(ctx context.Context, c *sessionkit.Client, d *sessionkittest.Dataset) error {
			_, err := c.Users.Sessions(ctx, d.MonoCloudUserIDs[0], users.SessionsOptions{Size: 5})
			return err
		}},
		{"GET /api/users", sessionkit.MonoCloud, func(ctx context.Context, c *sessionkit.Client, _ *sessionkittest.Dataset) error {
			_, err := c.Users.List(ctx, users.ListOptions{Size: 5})
			return err
		}},
	}
}

// routeMatches reports whether path (escaped, below the API's base path)
// fits the template of route: literal segments equal, each {param} one
// non-empty segment.
func routeMatches(route, method, path string) bool {
	m, tmpl, ok := strings.Cut(route, " ")
	if !ok || m != method {
		return false
	}
	ts, ps := strings.Split(tmpl, "/"), strings.Split(path, "/")
	if len(ts) != len(ps) {
		return false
	}
	for i := range ts {
		param := strings.HasPrefix(ts[i], "{") && strings.HasSuffix(ts[i], "}")
		if (param && ps[i] == "") || (!param && ts[i] != ps[i]) {
			return false
		}
	}
	return true
}

func basePath(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	require.NoError(t, err)
	return u.EscapedPath()
}

func TestMiddlewareSeesEveryEndpointsRouteTemplate(t *testing.T) {
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(20))
	defer srv.Close()
	bases := map[sessionkit.API]string{
		sessionkit.Ductape: basePath(t, srv.DuctapeURL()), sessionkit.Zoom: basePath(t, srv.ZoomURL()),
		sessionkit.Arthur: basePath(t, srv.ArthurURL()), sessionkit.MonoCloud: basePath(t, srv.MonoCloudURL()),
	}
	for _, ep := range mwEndpoints() {
		t.Run(ep.route, func(t *testing.T) {
			rec := &mwRecorder{}
			var methods []string
			c, err := srv.NewClient(sessionkit.WithMiddleware(rec.middleware), sessionkit.WithMiddleware(
				func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
					methods = append(methods, req.Method)
					return next(req)
				}))
			require.NoError(t, err)
			require.NoError(t, ep.call(context.Background(), c, srv.Data()))
			seen := rec.all()
			require.Len(t, seen, 1)
			s := seen[0]
			assert.Equal(t, ep.route, s.route)
			assert.True(t, s.apiOK)
			assert.Equal(t, ep.api, s.api)
			assert.Equal(t, 1, s.attempt)
			assert.Equal(t, http.StatusOK, s.status)
			rel, ok := strings.CutPrefix(s.path, bases[ep.api])
			require.True(t, ok, "path %s is below the base path %s", s.path, bases[ep.api])
			assert.True(t, routeMatches(s.route, methods[0], rel), "route %q fits the request %s %s", s.route, methods[0], rel)
			assert.Empty(t, s.reqCreds, "a middleware never sees the credential")
			assert.Empty(t, s.resCreds, "not even through the response's Request")
		})
	}
}

func TestMiddlewareRunsAroundEveryAttempt(t *testing.T) {
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(20))
	defer srv.Close()
	rec := &mwRecorder{}
	c, err := srv.NewClient(mwFastRetries, sessionkit.WithMiddleware(rec.middleware))
	require.NoError(t, err)
	srv.Fault(sessionkittest.Match{API: sessionkittest.Arthur}, sessionkittest.Status(503), sessionkittest.Times(2))

	_, err = c.Traces.Users(context.Background(), traces.UsersOptions{TaskIDs: srv.Data().ArthurTaskIDs})
	require.NoError(t, err)
	seen := rec.all()
	require.Len(t, seen, 3, "a retried request passes through the middleware again")
	for i, s := range seen {
		assert.Equal(t, i+1, s.attempt)
		assert.Equal(t, "GET /api/v1/traces/users", s.route)
	}
	assert.Equal(t, []int{503, 503, 200}, []int{seen[0].status, seen[1].status, seen[2].status})
}

func TestMiddlewareOrder(t *testing.T) {
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(20))
	defer srv.Close()
	var mu sync.Mutex
	var trail []string
	mark := func(name string) func(*http.Request, func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		return func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
			mu.Lock()
			trail = append(trail, name+">")
			mu.Unlock()
			resp, err := next(req)
			mu.Lock()
			trail = append(trail, "<"+name)
			mu.Unlock()
			return resp, err
		}
	}
	c, err := srv.NewClient(
		sessionkit.ForAPI(sessionkit.Arthur, sessionkit.WithMiddleware(mark("arthur1"))), // scoped, given first
		sessionkit.WithMiddleware(mark("global1")),
		sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithMiddleware(mark("zoom"))),
		sessionkit.WithMiddleware(mark("global2")),
		sessionkit.ForAPI(sessionkit.Arthur, sessionkit.WithMiddleware(mark("arthur2"))),
	)
	require.NoError(t, err)
	_, err = c.Traces.Users(context.Background(), traces.UsersOptions{TaskIDs: srv.Data().ArthurTaskIDs})
	require.NoError(t, err)
	assert.Equal(t, []string{"global1>", "global2>", "arthur1>", "arthur2>", "<arthur2", "<arthur1", "<global2", "<global1"}, trail,
		"in the order given, the first outermost, global ones around scoped ones; other APIs' scoped ones do not run")

	trail = nil
	d, err := c.With(sessionkit.WithMiddleware(mark("with")), sessionkit.ForAPI(sessionkit.Arthur, sessionkit.WithMiddleware(mark("withArthur"))))
	require.NoError(t, err)
	_, err = d.Traces.Users(context.Background(), traces.UsersOptions{TaskIDs: srv.Data().ArthurTaskIDs})
	require.NoError(t, err)
	assert.Equal(t, []string{"global1>", "global2>", "with>", "arthur1>", "arthur2>", "withArthur>",
		"<withArthur", "<arthur2", "<arthur1", "<with", "<global2", "<global1"}, trail,
		"With adds its middleware after the original's of the same scope")

	trail = nil
	_, err = c.Traces.Users(context.Background(), traces.UsersOptions{TaskIDs: srv.Data().ArthurTaskIDs})
	require.NoError(t, err)
	assert.Len(t, trail, 8, "the original client keeps its own chain")
}

// A middleware never sees the credential, and the credential still goes
// only to the API's own origin, also when a middleware points the request
// elsewhere.
func TestMiddlewareCredentialsAttachedAfterwards(t *testing.T) {
	const key = "mw-secret-key-do-not-leak"
	var otherGot atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherGot.Store(credHeaders(r.Header) + "|" + r.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `[]`)
	}))
	defer other.Close()
	var ownGot atomic.Value
	own := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ownGot.Store(credHeaders(r.Header))
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `[]`)
	}))
	defer own.Close()
	otherURL, err := url.Parse(other.URL)
	require.NoError(t, err)

	rec := &mwRecorder{}
	c, err := sessionkit.NewClient(sessionkit.WithAPIKey(key), sessionkit.WithBaseURL(own.URL),
		sessionkit.WithMiddleware(rec.middleware))
	require.NoError(t, err)
	_, err = c.Users.List(context.Background(), users.ListOptions{})
	require.NoError(t, err)
	assert.Equal(t, key, ownGot.Load(), "the API's own origin gets the credential")

	redirect, err := c.With(sessionkit.WithMiddleware(func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		req.Header.Set("Authorization", "") // a middleware cannot see or keep a credential it was not given
		req.URL.Scheme, req.URL.Host = otherURL.Scheme, otherURL.Host
		req.Host = ""
		return next(req)
	}))
	require.NoError(t, err)
	_, err = redirect.Users.List(context.Background(), users.ListOptions{})
	require.NoError(t, err)
	assert.Equal(t, "|/api/users", otherGot.Load(), "another origin gets no credential, even when a middleware sends the request there")
	for _, s := range rec.all() {
		assert.Empty(t, s.reqCreds)
		assert.Empty(t, s.resCreds)
	}
}

func TestMiddlewareSeesNoMintedVideoSDKToken(t *testing.T) {
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(20), sessionkittest.WithVideoSDKCredentials("mw-vsdk-key-1", "mw-vsdk-secret-do-not-leak"))
	defer srv.Close()
	rec := &mwRecorder{}
	c, err := srv.NewClient(sessionkit.WithMiddleware(rec.middleware))
	require.NoError(t, err)
	d := srv.Data()
	_, err = c.Sessions.ListUsers(context.Background(), d.ZoomSessionIDs[0], sessions.ListUsersOptions{Type: sessions.Past})
	require.NoError(t, err)
	require.Len(t, rec.all(), 1)
	assert.Empty(t, rec.all()[0].reqCreds)
	assert.Empty(t, rec.all()[0].resCreds)
	reqs := srv.RequestsMatching(sessionkittest.Match{API: sessionkittest.Zoom})
	require.Len(t, reqs, 1)
	assert.True(t, strings.HasPrefix(reqs[0].Header.Get("Authorization"), "Bearer ey"), "the server got the minted JWT")
}

var errMWRefused = errors.New("middleware refused")

func TestMiddlewareFailures(t *testing.T) {
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(20))
	defer srv.Close()
	tests := []struct {
		name     string
		mw       func(*http.Request, func(*http.Request) (*http.Response, error)) (*http.Response, error)
		wantIs   error
		wantText string
	}{
		{"an error", func(*http.Request, func(*http.Request) (*http.Response, error)) (*http.Response, error) {
			return nil, errMWRefused
		}, errMWRefused, "middleware refused"},
		{"an error with a response", func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
			resp, _ := next(req)
			return resp, errMWRefused
		}, errMWRefused, "middleware refused"},
		{"no response, no error", func(*http.Request, func(*http.Request) (*http.Response, error)) (*http.Response, error) {
			return nil, nil //nolint:nilnil // the misbehaviour under test
		}, nil, "returned a nil response and a nil error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			c, err := srv.NewClient(mwFastRetries, sessionkit.WithMaxRetries(2), sessionkit.WithMiddleware(
				func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
					calls.Add(1)
					return tt.mw(req, next)
				}))
			require.NoError(t, err)
			_, err = c.Users.List(context.Background(), users.ListOptions{})
			require.Error(t, err)
			if tt.wantIs != nil {
				assert.ErrorIs(t, err, tt.wantIs)
			}
			assert.Contains(t, err.Error(), tt.wantText)
			assert.EqualValues(t, 3, calls.Load(), "a failing middleware is retried like a connection error")
		})
	}
}

// A middleware may answer without calling next: no request is sent.
func TestMiddlewareMayAnswerItself(t *testing.T) {
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(20))
	defer srv.Close()
	c, err := srv.NewClient(sessionkit.WithMiddleware(func(req *http.Request, _ func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(`[{"user_id":"cached-user"}]`)), Request: req}, nil
	}))
	require.NoError(t, err)
	page, err := c.Users.List(context.Background(), users.ListOptions{})
	require.NoError(t, err)
	require.Len(t, page.Users, 1)
	assert.Equal(t, "cached-user", page.Users[0].UserID)
	assert.Zero(t, srv.RequestCount())
}

func TestContextHelpersOutsideARequest(t *testing.T) {
	ctx := context.Background()
	assert.Zero(t, sessionkit.AttemptFromContext(ctx))
	assert.Empty(t, sessionkit.RouteFromContext(ctx))
	_, ok := sessionkit.APIFromContext(ctx)
	assert.False(t, ok)
}

func TestWithMiddlewareNil(t *testing.T) {
	_, err := sessionkit.NewClient(sessionkit.WithMiddleware(nil))
	require.ErrorIs(t, err, sessionkit.ErrInvalidOptions)
	assert.Contains(t, err.Error(), "WithMiddleware")
	_, err = sessionkit.NewClient(sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithMiddleware(nil)))
	require.ErrorIs(t, err, sessionkit.ErrInvalidOptions)
	assert.Contains(t, err.Error(), "ForAPI(zoom, WithMiddleware)")
}

// A redirect hop is sent through the middleware too, as the same attempt;
// the credential follows it to the API's own origin only.
func TestMiddlewareSeesRedirectHops(t *testing.T) {
	const key = "mw-redirect-key-1"
	var got []string
	var mu sync.Mutex
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.URL.Path+" "+credHeaders(r.Header))
		mu.Unlock()
		if r.URL.Path == "/api/users" {
			http.Redirect(w, r, "/moved/users", http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `[]`)
	}))
	defer ts.Close()
	rec := &mwRecorder{}
	c, err := sessionkit.NewClient(sessionkit.WithBaseURL(ts.URL), sessionkit.WithAPIKey(key), sessionkit.WithMiddleware(rec.middleware))
	require.NoError(t, err)
	_, err = c.Users.List(context.Background(), users.ListOptions{})
	require.NoError(t, err)
	seen := rec.all()
	require.Len(t, seen, 2)
	for _, s := range seen {
		assert.Equal(t, 1, s.attempt)
		assert.Equal(t, "GET /api/users", s.route)
		assert.Empty(t, s.reqCreds)
	}
	assert.Equal(t, []int{http.StatusFound, http.StatusOK}, []int{seen[0].status, seen[1].status}, "one pass per hop, in order")
	assert.Equal(t, []string{"/api/users " + key, "/moved/users " + key}, got)
}
