package engine

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

// tpRecorder is a RoundTripper that records the request it was given.
type tpRecorder struct{ got *http.Request }

func (r *tpRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.got = req
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: http.NoBody, Request: req}, nil
}

// tpTransport is the authTransport of st's client, given requests that do
// not carry their call: it adds st to each request's context, as the
// call's request does.
type tpTransport struct {
	base http.RoundTripper
	st   *call
}

func (t tpTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return (&authTransport{base: t.base}).RoundTrip(req.WithContext(withCall(req.Context(), t.st)))
}

// tpSend runs one request to target through the authTransport of api,
// whose base URL is base, and returns the header that reached the wire.
func tpSend(t *testing.T, api API, base, target string, reqHeader http.Header) http.Header {
	t.Helper()
	bu, err := url.Parse(base)
	require.NoError(t, err)
	var cfg Config
	cfg.APIs[api] = APIConfig{BaseURL: bu, Credential: StaticKey("sk-origin-secret")}
	c := New(cfg)
	rec := &tpRecorder{}
	tr := tpTransport{base: rec, st: &call{c: c, api: api}}
	req, err := http.NewRequest(http.MethodGet, target, nil)
	require.NoError(t, err)
	for k, v := range reqHeader {
		req.Header[k] = v
	}
	before := req.Header.Clone()
	resp, err := tr.RoundTrip(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.NotNil(t, rec.got)
	assert.Equal(t, before, req.Header, "the request given to RoundTrip is never modified")
	return rec.got.Header
}

func TestAuthTransportOrigin(t *testing.T) {
	tests := []struct {
		name, base, target string
		want               bool
	}{
		{"same origin", "https://api.example.com/v2", "https://api.example.com/v2/videosdk/sessions/x/users", true},
		{"same origin, other path", "https://api.example.com/v2", "https://api.example.com/elsewhere", true},
		{"host case differs", "https://API.example.com", "https://api.EXAMPLE.com/x", true},
		{"explicit default https port", "https://api.example.com", "https://api.example.com:443/x", true},
		{"explicit default http port", "http://api.example.com:80", "http://api.example.com/x", true},
		{"https to http downgrade", "https://api.example.com", "http://api.example.com/x", false},
		{"same host and port, other scheme", "https://api.example.com:8443", "http://api.example.com:8443/x", false},
		{"other port", "http://127.0.0.1:8080", "http://127.0.0.1:8081/x", false},
		{"other host", "https://api.example.com", "https://evil.example.net/x", false},
		{"subdomain", "https://example.com", "https://api.example.com/x", false},
		{"parent domain", "https://api.example.com", "https://example.com/x", false},
		{"suffix trick", "https://api.example.com", "https://api.example.com.evil.net/x", false},
		{"userinfo trick", "https://api.example.com", "https://api.example.com@evil.net/x", false},
	}
	for _, tt := range tests {
		for _, api := range APIs {
			t.Run(tt.name+"/"+api.String(), func(t *testing.T) {
				// A header smuggled onto the request (by a redirect that
				// copied it, say) never survives to another origin.
				h := tpSend(t, api, tt.base, tt.target, http.Header{
					"Authorization": {"Bearer smuggled"},
					"X-Api-Key":     {"smuggled"},
				})
				wantAuth, wantKey := "", ""
				if tt.want {
					if api == MonoCloud {
						wantKey = "sk-origin-secret"
					} else {
						wantAuth = "Bearer sk-origin-secret"
					}
				}
				assert.Equal(t, wantAuth, h.Get("Authorization"), "Authorization")
				assert.Equal(t, wantKey, h.Get("X-Api-Key"), "X-API-KEY")
			})
		}
	}
}

func TestSameOrigin(t *testing.T) {
	mustParse := func(s string) *url.URL {
		u, err := url.Parse(s)
		require.NoError(t, err)
		return u
	}
	assert.True(t, sameOrigin(mustParse("https://h"), mustParse("https://h:443/p")))
	assert.False(t, sameOrigin(mustParse("https://h"), mustParse("http://h:443/p")))
	assert.False(t, sameOrigin(mustParse("https://h:443"), mustParse("https://h:444")))
	assert.False(t, sameOrigin(mustParse("ftp://h"), mustParse("https://h")))
}

func TestRedactURL(t *testing.T) {
	u, err := url.Parse("https://user:pw@api.example.com:8443/a%2Fb/c?next_page_token=tok&key=sk#frag")
	require.NoError(t, err)
	got := redactURL(u)
	assert.Equal(t, "https://api.example.com:8443/a%2Fb/c", got)
	assert.Equal(t, "", redactURL(nil))
}

// TestLimiterWaitIsCancellable proves that a client-side rate-limit wait
// ends when the context is cancelled, with the context's error.
func TestLimiterWaitIsCancellable(t *testing.T) {
	bu, _ := url.Parse("https://api.example.com")
	var cfg Config
	cfg.APIs[Zoom] = APIConfig{BaseURL: bu, Limiter: rate.NewLimiter(rate.Every(time.Hour), 1)}
	c := New(cfg)
	rec := &tpRecorder{}
	tr := tpTransport{base: rec, st: &call{c: c, api: Zoom}}

	req, _ := http.NewRequest(http.MethodGet, "https://api.example.com/x", nil)
	resp, err := tr.RoundTrip(req) // takes the only token
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	start := time.Now()
	_, err = tr.RoundTrip(req.WithContext(ctx))
	assert.Less(t, time.Since(start), time.Second, "an hour-long limiter wait ends with the context")
	assert.ErrorIs(t, err, context.Canceled)
}

// TestLimiterDeadlineIsAContextError proves that a limiter wait that
// cannot finish before the context's deadline fails at once with an error
// satisfying errors.Is(err, context.DeadlineExceeded), and that the retry
// policy does not retry it.
func TestLimiterDeadlineIsAContextError(t *testing.T) {
	bu, _ := url.Parse("https://api.example.com")
	var cfg Config
	cfg.MaxRetries = 3
	cfg.RetryWaitMin, cfg.RetryWaitMax = time.Millisecond, time.Millisecond
	cfg.APIs[Zoom] = APIConfig{BaseURL: bu, Limiter: rate.NewLimiter(rate.Every(time.Hour), 1)}
	c := New(cfg)
	st := &call{c: c, api: Zoom}
	tr := tpTransport{base: &tpRecorder{}, st: st}

	req, _ := http.NewRequest(http.MethodGet, "https://api.example.com/x", nil)
	resp, err := tr.RoundTrip(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	_, err = tr.RoundTrip(req.WithContext(ctx))
	assert.Less(t, time.Since(start), time.Second, "no point waiting for a turn past the deadline")
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)

	st.attempts = 1
	_, _, retry := st.decide(outcome{err: &url.Error{Op: "Get", URL: "https://api.example.com/x", Err: err}})
	assert.False(t, retry, "waiting again cannot help")
}

func TestCredentialErrorIsNotRetried(t *testing.T) {
	bu, _ := url.Parse("https://api.example.com")
	var cfg Config
	cfg.APIs[Arthur] = APIConfig{BaseURL: bu, Credential: TokenFunc(func(context.Context) (string, error) {
		return "", errors.New("vault sealed")
	})}
	c := New(cfg)
	st := &call{c: c, api: Arthur}
	tr := tpTransport{base: &tpRecorder{}, st: st}
	req, _ := http.NewRequest(http.MethodGet, "https://api.example.com/x", nil)
	_, err := tr.RoundTrip(req)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "vault sealed")
	st.attempts = 1
	_, _, retry := st.decide(outcome{err: &url.Error{Op: "Get", URL: "https://api.example.com/x", Err: err}})
	assert.False(t, retry)
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
