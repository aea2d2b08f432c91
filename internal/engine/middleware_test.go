package engine

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

// closeTracker is a body that records whether it was closed.
type closeTracker struct {
	io.Reader
	closed bool
}

func (c *closeTracker) Close() error { c.closed = true; return nil }

func TestRunMiddlewareMisbehaviour(t *testing.T) {
	send := func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody}, nil
	}
	req, _ := http.NewRequest(http.MethodGet, "https://api.example.com/x", nil)

	t.Run("nil response and nil error", func(t *testing.T) {
		_, err := runMiddleware([]Middleware{func(*http.Request, func(*http.Request) (*http.Response, error)) (*http.Response, error) {
			return nil, nil //nolint:nilnil // the misbehaviour under test
		}}, req, send)
		assert.ErrorIs(t, err, errMiddlewareNoResponse)
	})
	t.Run("error with a response closes its body", func(t *testing.T) {
		body := &closeTracker{Reader: strings.NewReader("x")}
		boom := errors.New("boom")
		resp, err := runMiddleware([]Middleware{func(*http.Request, func(*http.Request) (*http.Response, error)) (*http.Response, error) {
			return &http.Response{Body: body}, boom
		}}, req, send)
		assert.Nil(t, resp)
		assert.ErrorIs(t, err, boom)
		assert.True(t, body.closed)
	})
	t.Run("nil body becomes NoBody", func(t *testing.T) {
		resp, err := runMiddleware([]Middleware{func(*http.Request, func(*http.Request) (*http.Response, error)) (*http.Response, error) {
			return &http.Response{StatusCode: http.StatusNoContent}, nil
		}}, req, send)
		require.NoError(t, err)
		assert.Equal(t, http.NoBody, resp.Body)
	})
	t.Run("no middleware sends at once", func(t *testing.T) {
		resp, err := runMiddleware(nil, req, send)
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
	})
}

// The middleware runs after the limiter's turn and inside the attempt,
// sees the call's API, route and attempt number, and never the credential;
// the credential reaches the wire.
func TestAuthTransportRunsMiddlewareBeforeCredential(t *testing.T) {
	bu, _ := url.Parse("https://api.example.com/v2")
	lim := rate.NewLimiter(rate.Every(time.Hour), 1)
	var cfg Config
	cfg.AttemptTimeout = time.Minute
	var seen []string
	var sawDeadline, sawLimiterTaken bool
	cfg.APIs[Zoom] = APIConfig{BaseURL: bu, Credential: StaticKey("sk-mw-secret"), Limiter: lim, Middleware: []Middleware{
		func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
			ctx := req.Context()
			api, ok := APIFromContext(ctx)
			assert.True(t, ok)
			seen = append(seen, api.String(), RouteFromContext(ctx), req.Header.Get("Authorization"))
			_, sawDeadline = ctx.Deadline()
			sawLimiterTaken = lim.Tokens() < 1
			resp, err := next(req)
			if resp != nil {
				seen = append(seen, resp.Request.Header.Get("Authorization"))
			}
			return resp, err
		},
	}}
	c := New(cfg)
	rec := &tpRecorder{}
	st := &call{c: c, api: Zoom, method: http.MethodGet, route: routeOf(http.MethodGet, "/videosdk/sessions/{sessionId}/users"), attempts: 2}
	tr := tpTransport{base: rec, st: st}
	req, _ := http.NewRequest(http.MethodGet, "https://api.example.com/v2/videosdk/sessions/abc/users", nil)
	resp, err := tr.RoundTrip(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())

	assert.Equal(t, []string{"zoom", "GET /videosdk/sessions/{sessionId}/users", "", ""}, seen)
	assert.Equal(t, 2, AttemptFromContext(rec.got.Context()))
	assert.True(t, sawDeadline, "the middleware runs inside the attempt timeout")
	assert.True(t, sawLimiterTaken, "the middleware runs after the limiter's turn")
	assert.Equal(t, "Bearer sk-mw-secret", rec.got.Header.Get("Authorization"), "the wire gets the credential")
	assert.Empty(t, req.Header.Get("Authorization"), "the caller's request is not changed")
}

func TestDeriveSharesStateAndChangesPerCallSettings(t *testing.T) {
	bu, _ := url.Parse("https://api.example.com")
	hc := &http.Client{Transport: &tpRecorder{}, Timeout: 7 * time.Second}
	jwt := NewVideoSDKJWT("derive-key-1", "derive-secret-1", 0, nil)
	var cfg Config
	cfg.HTTPClient = hc
	cfg.MaxRetries = 3
	cfg.UserAgent = "ua/1"
	cfg.WorkspaceID = "ws_1"
	cfg.APIs[Zoom] = APIConfig{BaseURL: bu, Credential: jwt, Limiter: rate.NewLimiter(1, 1)}
	c := New(cfg)

	var next Config
	next.MaxRetries, next.Prefetch, next.UserAgent, next.AttemptTimeout = 9, 4, "ua/2", time.Second
	next.WorkspaceID = "ignored"
	next.APIs[Zoom] = APIConfig{BaseURL: &url.URL{Scheme: "https", Host: "ignored"}, Middleware: []Middleware{
		func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
			return next(req)
		},
	}}
	d := c.Derive(next)

	assert.Equal(t, 9, d.cfg.MaxRetries)
	assert.Equal(t, 4, d.Prefetch())
	assert.Equal(t, "ua/2", d.cfg.UserAgent)
	assert.Len(t, d.apis[Zoom].Middleware, 1)
	assert.Equal(t, "ws_1", d.WorkspaceID(), "the workspace is shared")
	assert.Equal(t, bu.String(), d.BaseURL(Zoom).String(), "the base URL is shared")
	assert.Same(t, c.apis[Zoom].Limiter, d.apis[Zoom].Limiter)
	assert.Same(t, jwt, d.apis[Zoom].Credential.(*VideoSDKJWT))
	assert.Equal(t, c.hc.Transport, d.hc.Transport)
	assert.Zero(t, d.hc.Timeout, "an attempt timeout replaces the client's timeout")

	assert.Equal(t, 3, c.cfg.MaxRetries, "the original is not changed")
	assert.Equal(t, 7*time.Second, c.hc.Timeout)
	assert.Empty(t, c.apis[Zoom].Middleware)

	back := d.Derive(Config{})
	assert.Equal(t, 7*time.Second, back.hc.Timeout, "without an attempt timeout the caller's client timeout applies again")
	assert.Equal(t, 7*time.Second, hc.Timeout, "the caller's client is never changed")
}
