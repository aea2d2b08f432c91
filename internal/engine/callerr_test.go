package engine

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

// ceAnswer is one scripted answer of ceScript: a status and body, or an
// error in place of a response.
type ceAnswer struct {
	status int
	header http.Header
	body   string
	err    error
}

// ceScript is an in-memory transport that plays its answers in order (the
// last one again when they run out) and records each request.
type ceScript struct {
	mu      sync.Mutex
	answers []ceAnswer
	got     []*http.Request
}

func (s *ceScript) RoundTrip(req *http.Request) (*http.Response, error) {
	s.mu.Lock()
	n := len(s.got)
	s.got = append(s.got, req)
	a := s.answers[min(n, len(s.answers)-1)]
	s.mu.Unlock()
	if a.err != nil {
		return nil, a.err
	}
	h := a.header.Clone()
	if h == nil {
		h = http.Header{}
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	return &http.Response{StatusCode: a.status, Header: h, Body: io.NopCloser(strings.NewReader(a.body)), Request: req}, nil
}

func (s *ceScript) requests() []*http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*http.Request(nil), s.got...)
}

// ceClient returns a client of api at https://api.example.com/v2 that sends
// on rt, with three quick retries and the credential "sk-call-secret";
// edit may change the configuration first.
func ceClient(api API, rt http.RoundTripper, edit func(*Config)) *Client {
	base, _ := url.Parse("https://api.example.com/v2")
	var cfg Config
	cfg.HTTPClient = &http.Client{Transport: rt}
	cfg.MaxRetries, cfg.RetryWaitMin, cfg.RetryWaitMax = 3, time.Millisecond, 2*time.Millisecond
	cfg.APIs[api] = APIConfig{BaseURL: base, Credential: StaticKey("sk-call-secret")}
	if edit != nil {
		edit(&cfg)
	}
	return New(cfg)
}

// ceRenewer is a renewable credential that hands out a new key after each
// Renew.
type ceRenewer struct {
	mu      sync.Mutex
	gen     int
	renewed []string
}

func (r *ceRenewer) Token(context.Context) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return "sk-renewable-" + string(rune('a'+r.gen)), nil
}

func (r *ceRenewer) Renew(rejected string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.renewed = append(r.renewed, rejected)
	r.gen++
}

// TestCallErrorTextsGolden pins the text of every kind of error a call
// ends with: one "sessionkit:" prefix, built at the call's exit, the
// method and path, the attempts made, and no credential.
func TestCallErrorTextsGolden(t *testing.T) {
	boom := errors.New("read tcp: connection reset by peer (sk-call-secret)")
	tests := []struct {
		name    string
		answers []ceAnswer
		edit    func(*Config)
		post    bool
		retry   Retry
		sends   int
		want    string
	}{
		{
			name:    "an exchange that keeps failing",
			answers: []ceAnswer{{err: boom}},
			sends:   4,
			want:    `sessionkit: GET /v2/x/1: after 4 attempt(s): Get "https://api.example.com/v2/x/1": read tcp: connection reset by peer ([REDACTED])`,
		},
		{
			name:    "a failed exchange without retries",
			answers: []ceAnswer{{err: boom}},
			edit:    func(c *Config) { c.MaxRetries = 0 },
			sends:   1,
			want:    `sessionkit: GET /v2/x/1: after 1 attempt(s): Get "https://api.example.com/v2/x/1": read tcp: connection reset by peer ([REDACTED])`,
		},
		{
			name:    "a 503 that outlasts the retries",
			answers: []ceAnswer{{status: 503, body: `{"message":"busy"}`}},
			sends:   4,
			want:    `sessionkit: GET /v2/x/1: 503 Service Unavailable: busy (after 4 attempts)`,
		},
		{
			name:    "a 404 is not retried",
			answers: []ceAnswer{{status: 404, body: `{"message":"no such thing"}`}},
			sends:   1,
			want:    `sessionkit: GET /v2/x/1: 404 Not Found: no such thing`,
		},
		{
			name:    "a write is sent once",
			answers: []ceAnswer{{status: 503, body: `{"message":"busy"}`}},
			post:    true,
			retry:   SendOnce,
			sends:   1,
			want:    `sessionkit: POST /v2/x/1: 503 Service Unavailable: busy`,
		},
		{
			name:    "a read by POST is retried",
			answers: []ceAnswer{{status: 503, body: `{"message":"busy"}`}},
			post:    true,
			retry:   RetryAsRead,
			sends:   4,
			want:    `sessionkit: POST /v2/x/1: 503 Service Unavailable: busy (after 4 attempts)`,
		},
		{
			name: "a credential that cannot be had",
			edit: func(c *Config) {
				c.APIs[Zoom].Credential = TokenFunc(func(context.Context) (string, error) {
					return "", errors.New("vault sealed")
				})
			},
			answers: []ceAnswer{{status: 200, body: `{}`}},
			want:    `sessionkit: GET /v2/x/1: after 1 attempt(s): Get "https://api.example.com/v2/x/1": zoom credential: vault sealed`,
		},
		{
			name: "a credential that is too short",
			edit: func(c *Config) {
				c.APIs[Zoom].Credential = TokenFunc(func(context.Context) (string, error) { return "short", nil })
			},
			answers: []ceAnswer{{status: 200, body: `{}`}},
			want:    `sessionkit: GET /v2/x/1: after 1 attempt(s): Get "https://api.example.com/v2/x/1": zoom credential: invalid credential: the credential is 5 bytes long, shorter than the minimum of 8`,
		},
		{
			name: "a middleware that returns nothing",
			edit: func(c *Config) {
				c.APIs[Zoom].Middleware = []Middleware{func(*http.Request, func(*http.Request) (*http.Response, error)) (*http.Response, error) {
					return nil, nil
				}}
			},
			answers: []ceAnswer{{status: 200, body: `{}`}},
			sends:   0,
			want:    `sessionkit: GET /v2/x/1: after 4 attempt(s): Get "https://api.example.com/v2/x/1": a middleware (WithMiddleware) returned a nil response and a nil error`,
		},
		{
			name:    "too many redirects",
			answers: []ceAnswer{{status: 302, header: http.Header{"Location": {"/v2/x/1"}}}},
			sends:   10,
			want:    `sessionkit: GET /v2/x/1: after 1 attempt(s): Get "/v2/x/1": stopped after 10 redirects`,
		},
		{
			name:    "a body that breaks off every time",
			answers: []ceAnswer{{status: 200, body: `{"a":`}},
			edit: func(c *Config) {
				c.HTTPClient.Transport = ceBreakingBody{c.HTTPClient.Transport}
			},
			sends: 4,
			want:  `sessionkit: GET /v2/x/1: after 4 attempt(s): reading the body of a 200 answer: unexpected EOF`,
		},
		{
			name:    "a body that is not JSON",
			answers: []ceAnswer{{status: 200, body: `not json sk-call-secret`}},
			sends:   1,
			want:    `sessionkit: GET /v2/x/1: 200 OK: malformed response body (content type "application/json"): invalid character 'o' in literal null (expecting 'u'); body starts "not json [REDACTED]"`,
		},
		{
			name:    "a daily limit",
			answers: []ceAnswer{{status: 429, header: http.Header{"X-Ratelimit-Type": {"Daily-limit"}, "Retry-After": {"3600"}}, body: `{"message":"daily limit"}`}},
			sends:   1,
			want:    `sessionkit: zoom daily rate limit reached, resets at 2026-11-20T11:00:00Z: GET /v2/x/1: 429 Too Many Requests: daily limit (retry after 1h0m0s)`,
		},
		{
			name:    "an error that echoes the credential",
			answers: []ceAnswer{{status: 400, body: `{"message":"key sk-call-secret is not allowed"}`}},
			sends:   1,
			want:    `sessionkit: GET /v2/x/1: 400 Bad Request: key [REDACTED] is not allowed`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			script := &ceScript{answers: tt.answers}
			c := ceClient(Zoom, script, func(cfg *Config) {
				cfg.Now = func() time.Time { return rtNow }
				if tt.edit != nil {
					tt.edit(cfg)
				}
			})
			var err error
			if !tt.post {
				_, err = c.Get(context.Background(), Zoom, "/x/{id}", "x/1", struct {
					Q string `url:"q"`
				}{"v"}, &map[string]any{})
			} else {
				_, err = c.Post(context.Background(), Zoom, "/x/{id}", "x/1", nil, map[string]int{"a": 1}, tt.retry, &map[string]any{})
			}
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
			assert.Equal(t, 1, strings.Count(err.Error(), "sessionkit:"), "one prefix")
			assert.NotContains(t, err.Error(), "sk-call-secret")
			if tt.sends > 0 {
				assert.Len(t, script.requests(), tt.sends, "requests sent")
			}
		})
	}
}

// ceBreakingBody cuts every 2xx body off with io.ErrUnexpectedEOF after
// what it holds.
type ceBreakingBody struct{ base http.RoundTripper }

func (b ceBreakingBody) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := b.base.RoundTrip(req)
	if err == nil && resp.StatusCode == 200 {
		resp.Body = io.NopCloser(io.MultiReader(resp.Body, ceErrReader{io.ErrUnexpectedEOF}))
	}
	return resp, err
}

type ceErrReader struct{ err error }

func (r ceErrReader) Read([]byte) (int, error) { return 0, r.err }

// TestCallErrorTextsOfWaits pins the texts of the calls that end while
// they wait: for the client's rate limiter past the deadline, for a retry
// that the caller cancels, for a daily limit already in force.
func TestCallErrorTextsOfWaits(t *testing.T) {
	t.Run("a limiter turn past the deadline", func(t *testing.T) {
		script := &ceScript{answers: []ceAnswer{{status: 200, body: `{}`}}}
		c := ceClient(Zoom, script, func(cfg *Config) {
			cfg.APIs[Zoom].Limiter = rate.NewLimiter(rate.Every(time.Hour), 1)
		})
		_, err := c.Get(context.Background(), Zoom, "/x", "x", nil, nil)
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_, err = c.Get(ctx, Zoom, "/x", "x", nil, nil)
		require.Error(t, err)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, `sessionkit: GET /v2/x: after 1 attempt(s): Get "https://api.example.com/v2/x": zoom rate limit (WithRateLimit): rate: Wait(n=1) would exceed context deadline`, err.Error())
		assert.Equal(t, 1, strings.Count(err.Error(), "sessionkit:"), "one prefix")
	})
	t.Run("a retry wait the caller cancels", func(t *testing.T) {
		script := &ceScript{answers: []ceAnswer{{status: 503, body: `{"message":"busy"}`}}}
		c := ceClient(Zoom, script, func(cfg *Config) { cfg.RetryWaitMin, cfg.RetryWaitMax = time.Hour, time.Hour })
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(20*time.Millisecond, cancel)
		_, err := c.Get(ctx, Zoom, "/x", "x", nil, nil)
		require.Error(t, err)
		assert.ErrorIs(t, err, context.Canceled)
		var ae *APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, `context canceled (while waiting to retry after: sessionkit: GET /v2/x: 503 Service Unavailable: busy)`, err.Error())
	})
	t.Run("a daily limit in force", func(t *testing.T) {
		script := &ceScript{answers: []ceAnswer{{status: 429, header: http.Header{"X-Ratelimit-Type": {"Daily-limit"}}, body: `{"message":"daily"}`}}}
		c := ceClient(Zoom, script, func(cfg *Config) { cfg.Now = func() time.Time { return rtNow } })
		_, err := c.Get(context.Background(), Zoom, "/x", "x", nil, nil)
		require.ErrorIs(t, err, ErrDailyLimit)
		_, err = c.Get(context.Background(), Zoom, "/y", "y", nil, nil)
		require.ErrorIs(t, err, ErrDailyLimit)
		assert.Equal(t, `sessionkit: zoom daily rate limit reached, resets at 2026-11-21T00:00:00Z (no request sent: an earlier call was refused): GET /v2/x: 429 Too Many Requests: daily`, err.Error())
		assert.Len(t, script.requests(), 1, "the second call sends nothing")
	})
}

// TestCallAttemptsAndRenewal pins how a call counts its attempts: every
// request sent, retries, the 401 renewal and body retries included; the
// renewal retries once with a fresh credential and gives the call a new
// MaxRetries budget; the response, the error and the observer agree.
func TestCallAttemptsAndRenewal(t *testing.T) {
	tests := []struct {
		name     string
		answers  []ceAnswer
		renewer  bool
		attempts int
		renewals int
		wantErr  string
	}{
		{"a first success", []ceAnswer{{status: 200, body: `{}`}}, false, 1, 0, ""},
		{"two retries, then success", []ceAnswer{{status: 503}, {status: 500}, {status: 200, body: `{}`}}, false, 3, 0, ""},
		{"a 401 renews once and succeeds", []ceAnswer{{status: 401}, {status: 200, body: `{}`}}, true, 2, 1, ""},
		{"a 401 after renewal is returned", []ceAnswer{{status: 401, body: `{"message":"no"}`}}, true, 2, 1,
			"sessionkit: GET /v2/x: 401 Unauthorized: no (after 2 attempts)"},
		{"a static key is not renewed", []ceAnswer{{status: 401, body: `{"message":"no"}`}}, false, 1, 0,
			"sessionkit: GET /v2/x: 401 Unauthorized: no"},
		{"retries before the renewal do not spend the budget after it",
			[]ceAnswer{{status: 503}, {status: 503}, {status: 503}, {status: 401}, {status: 503}, {status: 503}, {status: 503}, {status: 503, body: `{"message":"busy"}`}},
			true, 8, 1, "sessionkit: GET /v2/x: 503 Service Unavailable: busy (after 8 attempts)"},
		{"body retries share the budget",
			[]ceAnswer{{status: 503}, {status: 200, body: `{"a":`}, {status: 503}, {status: 200, body: `{"a":`}},
			false, 4, 0, "sessionkit: GET /v2/x: after 4 attempt(s): reading the body of a 200 answer: unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			script := &ceScript{answers: tt.answers}
			ren := &ceRenewer{}
			obs := &ceObserver{}
			c := ceClient(Zoom, script, func(cfg *Config) {
				cfg.HTTPClient.Transport = ceBreakingBody{script}
				cfg.Observer = obs
				if tt.renewer {
					cfg.APIs[Zoom].Credential = ren
				}
			})
			resp, err := c.Get(context.Background(), Zoom, "/x", "x", nil, &map[string]any{})
			reqs := script.requests()
			require.Len(t, reqs, tt.attempts, "requests sent")
			assert.Equal(t, tt.attempts, obs.result.Attempts, "the observer's count")
			for i, r := range reqs {
				assert.Equal(t, i+1, AttemptFromContext(r.Context()), "request %d's attempt number", i)
			}
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.attempts, resp.Attempts)
			} else {
				require.Error(t, err)
				assert.Equal(t, tt.wantErr, err.Error())
				var ae *APIError
				if errors.As(err, &ae) {
					assert.Equal(t, tt.attempts, ae.Attempts)
				}
			}
			assert.Len(t, ren.renewed, tt.renewals, "renewals")
			if tt.renewals > 0 {
				assert.Equal(t, "sk-renewable-a", ren.renewed[0], "the rejected credential is renewed")
				last := reqs[len(reqs)-1]
				assert.Equal(t, "Bearer sk-renewable-b", last.Header.Get("Authorization"), "the fresh credential is sent")
			}
		})
	}
}

// ceObserver records the call's result and its waits.
type ceObserver struct {
	mu     sync.Mutex
	result CallResult
	waits  []WaitInfo
}

func (o *ceObserver) CallStart(ctx context.Context, _ CallInfo) (context.Context, func(CallResult)) {
	return ctx, func(r CallResult) {
		o.mu.Lock()
		defer o.mu.Unlock()
		o.result = r
	}
}

func (o *ceObserver) Wait(_ context.Context, info WaitInfo) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.waits = append(o.waits, info)
}

func (o *ceObserver) PageStart(ctx context.Context, _ PageInfo) (context.Context, func(PageResult)) {
	return ctx, func(PageResult) {}
}

func (o *ceObserver) Walk(context.Context, WalkInfo) {}

// TestCallTellsEveryWait: the observer hears of every wait before a
// retry, with its reason, the attempt that failed and its status or
// error; the Debug log has one record per attempt, without the
// credential.
func TestCallTellsEveryWait(t *testing.T) {
	script := &ceScript{answers: []ceAnswer{
		{status: 503, header: http.Header{"Retry-After": {"0"}}},
		{status: 429, header: http.Header{"Retry-After": {"PT0.001S"}}},
		{err: errors.New("connection reset (sk-call-secret)")},
		{status: 200, body: `{"a":`},
		{status: 200, body: `{}`},
	}}
	obs := &ceObserver{}
	var logs bytes.Buffer
	c := ceClient(Zoom, script, func(cfg *Config) {
		cfg.MaxRetries = 5
		cfg.HTTPClient.Transport = &ceBreakingBodyOnce{base: script}
		cfg.Observer = obs
		cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	resp, err := c.Get(context.Background(), Zoom, "/x", "x", nil, &map[string]any{})
	require.NoError(t, err)
	assert.Equal(t, 5, resp.Attempts)
	require.Len(t, obs.waits, 4)
	type wait struct {
		reason  WaitReason
		attempt int
		status  int
		err     string
	}
	var got []wait
	for _, w := range obs.waits {
		e := ""
		if w.Err != nil {
			e = w.Err.Error()
		}
		got = append(got, wait{w.Reason, w.Attempt, w.StatusCode, e})
	}
	assert.Equal(t, []wait{
		{WaitBackoff, 1, 503, ""}, // Retry-After: 0 asks for nothing: backoff
		{WaitRetryAfter, 2, 429, ""},
		{WaitBackoff, 3, 0, `sessionkit: GET /v2/x: after 3 attempt(s): Get "https://api.example.com/v2/x": connection reset ([REDACTED])`},
		{WaitBackoff, 4, 0, `sessionkit: GET /v2/x: after 4 attempt(s): reading the body of a 200 answer: unexpected EOF`},
	}, got)
	// One record per answer: the 200 whose body broke off has two, the
	// answer's and the failed read's.
	assert.Equal(t, 6, strings.Count(logs.String(), "msg=\"sessionkit: attempt\""), logs.String())
	assert.NotContains(t, logs.String(), "sk-call-secret")
	assert.Contains(t, logs.String(), `attempt=4 error="sessionkit: GET /v2/x: after 4 attempt(s): reading the body of a 200 answer: unexpected EOF" wait=`)
}

// ceBreakingBodyOnce is ceBreakingBody for the first 2xx answer only.
type ceBreakingBodyOnce struct {
	base http.RoundTripper
	mu   sync.Mutex
	done bool
}

func (b *ceBreakingBodyOnce) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := b.base.RoundTrip(req)
	b.mu.Lock()
	defer b.mu.Unlock()
	if err == nil && resp.StatusCode == 200 && !b.done {
		b.done = true
		resp.Body = io.NopCloser(io.MultiReader(resp.Body, ceErrReader{io.ErrUnexpectedEOF}))
	}
	return resp, err
}

// ceEnvelope is a 2xx body that reports a failure inside it, as Ductape's
// envelope does.
type ceEnvelope struct {
	Status  bool   `json:"status"`
	Message string `json:"message"`
}

func (e *ceEnvelope) Check() error {
	if !e.Status {
		return &APIError{Message: e.Message}
	}
	return nil
}

// TestCallErrorKeepsItsBody: the body an error keeps is its own, not the
// decoding buffer that the next calls reuse.
func TestCallErrorKeepsItsBody(t *testing.T) {
	first := `{"status":false,"message":"the first, longer than the next"}`
	script := &ceScript{answers: []ceAnswer{{status: 200, body: first}, {status: 200, body: `{"status":false,"message":"next"}`}}}
	c := ceClient(Ductape, script, nil)
	_, err := c.Get(context.Background(), Ductape, "/x", "x", nil, &ceEnvelope{})
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	for range 3 {
		_, err := c.Get(context.Background(), Ductape, "/x", "x", nil, &ceEnvelope{})
		require.Error(t, err)
	}
	assert.Equal(t, first, string(ae.Body))
	assert.Equal(t, "sessionkit: GET /v2/x: 200 OK: the first, longer than the next", ae.Error())
}
