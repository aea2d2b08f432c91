package engine

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

// paceClock is a clock that tests move by hand.
type paceClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *paceClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *paceClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// paceServer answers every request with answer(n) (n counts from 0) and
// counts the requests per path prefix ("/zoom", "/ductape").
type paceServer struct {
	srv    *httptest.Server
	counts sync.Map // prefix -> *atomic.Int64
}

func newPaceServer(t *testing.T, answer func(n int, w http.ResponseWriter, r *http.Request)) *paceServer {
	t.Helper()
	ps := &paceServer{}
	var n atomic.Int64
	ps.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ps.counter(r.URL.Path[:len("/zoom")]).Add(1)
		answer(int(n.Add(1)-1), w, r)
	}))
	t.Cleanup(ps.srv.Close)
	return ps
}

func (ps *paceServer) counter(prefix string) *atomic.Int64 {
	v, _ := ps.counts.LoadOrStore(prefix, new(atomic.Int64))
	return v.(*atomic.Int64)
}

func (ps *paceServer) count(prefix string) int { return int(ps.counter(prefix).Load()) }

// paceClient returns a client whose Zoom base is srv/zoom and Ductape base
// srv/duct (both prefixes five bytes long), with the given settings.
func paceClient(t *testing.T, ps *paceServer, edit func(*Config)) *Client {
	t.Helper()
	cfg := Config{MaxRetries: 0, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Minute}
	for api, path := range map[API]string{Zoom: "/zoom", Ductape: "/duct"} {
		u, err := url.Parse(ps.srv.URL + path)
		require.NoError(t, err)
		cfg.APIs[api].BaseURL = u
	}
	if edit != nil {
		edit(&cfg)
	}
	c := New(cfg)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// paceSleeps replaces the pacer's sleep for api: every wait is recorded
// and returns at once, moving clk (if any) on by it, or blocks until the
// context ends when block is set.
func paceSleeps(c *Client, api API, clk *paceClock, block bool) (waits func() []time.Duration, started <-chan struct{}) {
	var mu sync.Mutex
	var got []time.Duration
	ch := make(chan struct{}, 16)
	c.apis[api].pacer.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		got = append(got, d)
		mu.Unlock()
		select {
		case ch <- struct{}{}:
		default:
		}
		if clk != nil {
			clk.Advance(d)
		}
		if block {
			<-ctx.Done()
			return ctx.Err()
		}
		return nil
	}
	return func() []time.Duration {
		mu.Lock()
		defer mu.Unlock()
		return append([]time.Duration(nil), got...)
	}, ch
}

func paceGet(ctx context.Context, c *Client, api API) error {
	_, err := c.Get(ctx, api, "x", "x", nil, nil)
	return err
}

func TestPauseHoldsEveryRequestToTheAPI(t *testing.T) {
	ps := newPaceServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 0 {
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(http.StatusTooManyRequests)
		}
	})
	c := paceClient(t, ps, nil)
	waits, started := paceSleeps(c, Zoom, nil, true)

	var ae *APIError
	require.ErrorAs(t, paceGet(context.Background(), c, Zoom), &ae, "no retries: the 429 comes back")
	assert.Equal(t, 30*time.Second, ae.RetryAfter)

	ctx, cancel := context.WithCancel(context.Background())
	const held = 4
	errs := make(chan error, held)
	for range held {
		go func() { errs <- paceGet(ctx, c, Zoom) }()
	}
	for range held {
		select {
		case <-started:
		case <-time.After(10 * time.Second):
			cancel()
			t.Fatalf("the calls did not wait for the pause; the server got %d requests", ps.count("/zoom"))
		}
	}
	assert.Equal(t, 1, ps.count("/zoom"), "no request reaches the server during the pause")
	for _, d := range waits() {
		assert.InDelta(t, 30*time.Second, d, float64(time.Second), "each waits until the Retry-After")
	}

	require.NoError(t, paceGet(context.Background(), c, Ductape), "another API is not paused")
	assert.Equal(t, 1, ps.count("/duct"))

	cancel()
	for range held {
		assert.ErrorIs(t, <-errs, context.Canceled)
	}
	assert.Equal(t, 1, ps.count("/zoom"), "a cancelled wait sends nothing")
}

func TestPauseEndsAtOnceOnCancel(t *testing.T) {
	ps := newPaceServer(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 0 {
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	c := paceClient(t, ps, nil)
	require.Error(t, paceGet(context.Background(), c, Zoom))

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := paceGet(ctx, c, Zoom)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 10*time.Second, "the 30 s pause ends with the context")
	assert.Equal(t, 1, ps.count("/zoom"))
}

func TestPauseIsNotPartOfTheAttemptTimeout(t *testing.T) {
	ps := newPaceServer(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 0 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
		}
	})
	c := paceClient(t, ps, func(cfg *Config) { cfg.AttemptTimeout = 100 * time.Millisecond })
	require.Error(t, paceGet(context.Background(), c, Zoom))
	start := time.Now()
	require.NoError(t, paceGet(context.Background(), c, Zoom), "a 1 s pause does not use up a 100 ms attempt")
	assert.Greater(t, time.Since(start), 500*time.Millisecond, "the call waited the pause")
	assert.Equal(t, 2, ps.count("/zoom"))
}

func TestPauseRetakesTheClientLimiterTurn(t *testing.T) {
	ps := newPaceServer(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 0 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
		}
	})
	lim := rate.NewLimiter(0.001, 5)
	clk := &paceClock{t: rtNow}
	c := paceClient(t, ps, func(cfg *Config) { cfg.APIs[Zoom].Limiter = lim; cfg.Now = clk.Now })
	paceSleeps(c, Zoom, clk, false)
	require.Error(t, paceGet(context.Background(), c, Zoom))
	before := lim.Tokens()
	require.NoError(t, paceGet(context.Background(), c, Zoom))
	assert.InDelta(t, before-2, lim.Tokens(), 0.5, "one turn before the pause, one after")
	assert.Nil(t, c.apis[Zoom].pacer.learn.lim, "with WithRateLimit a first refusal teaches no rate")
}

func TestPauseLearnsTheAcceptedRate(t *testing.T) {
	clk := &paceClock{t: rtNow}
	p := newPacer(clk.Now, false)
	ok := &http.Response{StatusCode: http.StatusOK, Header: http.Header{}}
	for range 10 {
		p.observe(ok, nil, time.Minute)
		clk.Advance(10 * time.Millisecond)
	}
	clk.Advance(2 * time.Second)
	for range 20 {
		p.observe(ok, nil, time.Minute)
		clk.Advance(10 * time.Millisecond)
	}
	refused := &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{}}
	p.observe(refused, &APIError{StatusCode: 429, RetryAfter: time.Second}, time.Minute)
	require.NotNil(t, p.learn.lim)
	assert.InDelta(t, 20, float64(p.learn.lim.Limit()), 1e-9, "20 accepted within the last second: 20/s")

	d, err := p.turn(&turnState{})
	require.NoError(t, err)
	assert.Equal(t, time.Second, d, "first the pause")
	clk.Advance(time.Second)
	for i := range 3 {
		d, _ := p.turn(&turnState{})
		assert.Equal(t, time.Duration(i)*50*time.Millisecond, d, "then one start per learned spacing")
		p.done()
	}
}

func TestPauseBeyondTheMaximumWaitIsNotHeld(t *testing.T) {
	ps := newPaceServer(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 0 {
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(http.StatusTooManyRequests)
		}
	})
	c := paceClient(t, ps, nil)
	waits, _ := paceSleeps(c, Zoom, nil, false)
	require.Error(t, paceGet(context.Background(), c, Zoom))
	require.NoError(t, paceGet(context.Background(), c, Zoom))
	assert.Empty(t, waits(), "an hour's Retry-After (over RetryWaitMax) is returned, not waited by others")
}

func TestDailyLimitFailsFastUntilReset(t *testing.T) {
	clk := &paceClock{t: rtNow}
	reset := rtNow.Add(2 * time.Hour)
	tests := []struct {
		name      string
		header    http.Header
		body      string
		wantReset time.Time
	}{
		{"X-RateLimit-Type with ISO 8601 Retry-After", http.Header{
			"X-Ratelimit-Type": {"Daily-limit"}, "Retry-After": {reset.Format(time.RFC3339)},
		}, `{"code": 429, "message": "Too many requests"}`, reset},
		{"message names the daily limit, no Retry-After", http.Header{},
			`{"code": 429, "message": "You have reached the maximum daily rate limit for this API."}`,
			time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := newPaceServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if r.URL.Path[:5] == "/zoom" && n == 0 {
					for k, v := range tt.header {
						w.Header()[k] = v
					}
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusTooManyRequests)
					_, _ = w.Write([]byte(tt.body))
				}
			})
			clk.t = rtNow
			c := paceClient(t, ps, func(cfg *Config) { cfg.Now = clk.Now; cfg.MaxRetries = 3 })

			err := paceGet(context.Background(), c, Zoom)
			require.ErrorIs(t, err, ErrDailyLimit)
			var de *DailyLimitError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, Zoom, de.API)
			assert.True(t, de.ResetAt.Equal(tt.wantReset), "ResetAt %s, want %s", de.ResetAt, tt.wantReset)
			assert.True(t, de.Sent)
			var ae *APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, 1, ae.Attempts, "not retried")
			assert.Contains(t, err.Error(), tt.wantReset.Format(time.RFC3339))

			for range 3 {
				err = paceGet(context.Background(), c, Zoom)
				require.ErrorAs(t, err, &de)
				assert.False(t, de.Sent)
				assert.True(t, de.ResetAt.Equal(tt.wantReset))
				assert.Contains(t, err.Error(), "no request sent")
			}
			assert.Equal(t, 1, ps.count("/zoom"), "further calls fail without a request")
			require.NoError(t, paceGet(context.Background(), c, Ductape), "other APIs go on")

			clk.Advance(tt.wantReset.Sub(rtNow))
			require.NoError(t, paceGet(context.Background(), c, Zoom), "at the reset time calls go again")
			assert.Equal(t, 2, ps.count("/zoom"))
		})
	}
}

func TestDailyLimitStopsACallWaitingToRetry(t *testing.T) {
	ps := newPaceServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	c := paceClient(t, ps, func(cfg *Config) { cfg.MaxRetries = 5 })
	p := c.apis[Zoom].pacer
	p.daily = &DailyLimitError{API: Zoom, ResetAt: time.Now().Add(time.Hour), Err: &APIError{API: Zoom, StatusCode: 429}}
	err := paceGet(context.Background(), c, Zoom)
	assert.ErrorIs(t, err, ErrDailyLimit)
	assert.Zero(t, ps.count("/zoom"))
	assert.False(t, retryableExchange(&url.Error{Err: &paceError{err: p.daily}}), "never retried")
}

func TestRemainingSpreadsTheNextRequests(t *testing.T) {
	tests := []struct {
		name   string
		status int
		header http.Header
		want   []time.Duration // waits of the next three calls
	}{
		{"1 of 10 left: 2 per second", 200, http.Header{"X-Ratelimit-Limit": {"10"}, "X-Ratelimit-Remaining": {"1"}},
			[]time.Duration{500 * time.Millisecond, 500 * time.Millisecond}},
		{"none left, per-second 429 without Retry-After: wait the second", 429,
			http.Header{"X-Ratelimit-Type": {"QPS"}, "X-Ratelimit-Limit": {"10"}, "X-Ratelimit-Remaining": {"0"}},
			[]time.Duration{time.Second}},
		{"3 of 100 left: 4 over the second", 200, http.Header{"X-Ratelimit-Limit": {"100"}, "X-Ratelimit-Remaining": {"3"}},
			[]time.Duration{250 * time.Millisecond, 250 * time.Millisecond, 250 * time.Millisecond}},
		{"a 429 with Retry-After: the pause covers the window", 429, http.Header{
			"X-Ratelimit-Limit": {"100"}, "X-Ratelimit-Remaining": {"0"}, "Retry-After": {"PT0.4S"},
		}, []time.Duration{400 * time.Millisecond}},
		{"plenty left: no wait", 200, http.Header{"X-Ratelimit-Limit": {"10"}, "X-Ratelimit-Remaining": {"2"}}, nil},
		{"daily counters are not spread over the day", 200, http.Header{
			"X-Ratelimit-Type": {"Daily-limit"}, "X-Ratelimit-Limit": {"30000"}, "X-Ratelimit-Remaining": {"3"},
		}, nil},
		{"unreadable counters are ignored", 200, http.Header{"X-Ratelimit-Limit": {"ten"}, "X-Ratelimit-Remaining": {"0"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := newPaceServer(t, func(n int, w http.ResponseWriter, _ *http.Request) {
				if n == 0 {
					for k, v := range tt.header {
						w.Header()[k] = v
					}
					w.WriteHeader(tt.status)
				}
			})
			clk := &paceClock{t: rtNow}
			c := paceClient(t, ps, func(cfg *Config) { cfg.Now = clk.Now })
			waits, _ := paceSleeps(c, Zoom, clk, false)
			_ = paceGet(context.Background(), c, Zoom)
			for range 3 {
				require.NoError(t, paceGet(context.Background(), c, Zoom))
			}
			assert.Equal(t, tt.want, nonZero(waits()))
			assert.Equal(t, 4, ps.count("/zoom"))
		})
	}
}

func nonZero(ds []time.Duration) []time.Duration {
	var out []time.Duration
	for _, d := range ds {
		if d > 0 {
			out = append(out, d)
		}
	}
	return out
}

func TestDailyLimitErrorText(t *testing.T) {
	e := &DailyLimitError{API: Zoom, ResetAt: time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC),
		Err: &APIError{API: Zoom, Method: "GET", Path: "/v2/x", StatusCode: 429, Message: "daily limit"}}
	assert.Equal(t, "sessionkit: zoom daily rate limit reached, resets at 2026-11-21T00:00:00Z (no request sent: an earlier call was refused): GET /v2/x: 429 Too Many Requests: daily limit", e.Error())
	assert.True(t, errors.Is(e, ErrDailyLimit))
}

func TestPauseIsWaitedOnceWhenTheClockStandsStill(t *testing.T) {
	ps := newPaceServer(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 0 {
			w.Header().Set("Retry-After", "5")
			w.WriteHeader(http.StatusTooManyRequests)
		}
	})
	clk := &paceClock{t: rtNow}
	c := paceClient(t, ps, func(cfg *Config) { cfg.Now = clk.Now })
	waits, _ := paceSleeps(c, Zoom, nil, false) // the clock never moves
	require.Error(t, paceGet(context.Background(), c, Zoom))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, paceGet(ctx, c, Zoom))
	assert.Equal(t, []time.Duration{5 * time.Second}, waits(), "one wait for the pause")
}

func TestProbeWaitsUntilARefusalIsLearned(t *testing.T) {
	release := make(chan struct{})
	ps := newPaceServer(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			<-release
		}
		if n <= 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
		}
		if n == 1 {
			// The refusal's body comes a moment after its headers: the
			// client has the answer but has not read it yet.
			w.(http.Flusher).Flush()
			time.Sleep(50 * time.Millisecond)
			_, _ = w.Write([]byte(`{"message": "too many requests"}`))
		}
	})
	clk := &paceClock{t: rtNow}
	c := paceClient(t, ps, func(cfg *Config) { cfg.Now = clk.Now })
	waits, _ := paceSleeps(c, Zoom, clk, false)
	p := c.apis[Zoom].pacer
	eventually := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
			require.True(t, time.Now().Before(deadline), what)
		}
	}

	require.Error(t, paceGet(context.Background(), c, Zoom), "the first refusal pauses the API")
	errs := make(chan error, 2)
	go func() { errs <- paceGet(context.Background(), c, Zoom) }() // the probe, refused in turn
	eventually("the probe reaches the server", func() bool { return ps.count("/zoom") == 2 })
	go func() { errs <- paceGet(context.Background(), c, Zoom) }()
	eventually("the next call waits for the probe's answer", func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.freed != nil
	})
	close(release)
	require.Error(t, <-errs, "the probe is refused")
	require.NoError(t, <-errs)
	got := waits()
	require.Len(t, got, 2, "the probe waited the first pause, the next call the second")
	assert.Equal(t, time.Second, got[1], "the next call went after the probe's refusal paused the API, not before")
	p.mu.Lock()
	defer p.mu.Unlock()
	assert.Zero(t, p.inFlight, "every attempt gave its place in flight back")
}
