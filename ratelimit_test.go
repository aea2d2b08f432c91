package sessionkit_test

// Client-side rate limiting: WithRateLimit paces
// every attempt, globally (one limiter per API) or for one API with
// ForAPI; 100 concurrent callers stay within +10% of the configured rate,
// and prefetched pages and retries wait their turn too. Zoom's
// Heavy-labelled Video SDK calls allow 10 requests/s on Pro and 40/s on
// Business and above: WithRateLimit(10, 1) or WithRateLimit(40, 1).

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
)

// rateMaxInWindow returns the largest number of times within any window
// of length w.
func rateMaxInWindow(times []time.Time, w time.Duration) int {
	ts := slices.Clone(times)
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	best, lo := 0, 0
	for hi := range ts {
		for ts[hi].Sub(ts[lo]) >= w {
			lo++
		}
		best = max(best, hi-lo+1)
	}
	return best
}

// rateSpan is the time from the first to the last of times.
func rateSpan(times []time.Time) time.Duration {
	if len(times) < 2 {
		return 0
	}
	lo, hi := times[0], times[0]
	for _, t := range times {
		if t.Before(lo) {
			lo = t
		}
		if t.After(hi) {
			hi = t
		}
	}
	return hi.Sub(lo)
}

// rateHammer makes callers goroutines call api's page call as fast as they
// can until d has passed, and returns the calls that succeeded. (The
// context has no deadline, or the limiter would refuse at once every turn
// that comes after it and the callers would spin.)
func rateHammer(t *testing.T, c *sessionkit.Client, api sessionkit.API, callers int, d time.Duration) int64 {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer time.AfterFunc(d, cancel).Stop()
	var ok atomic.Int64
	var unexpected atomic.Value
	var wg sync.WaitGroup
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				_, err := fixturePage(ctx, c, api, 0, 10)
				switch {
				case err == nil:
					ok.Add(1)
				case ctx.Err() == nil:
					unexpected.Store(err)
				}
			}
		}()
	}
	wg.Wait()
	if err, _ := unexpected.Load().(error); err != nil {
		t.Errorf("%s call failed: %v", apis[api].name, err)
	}
	return ok.Load()
}

// rateRecorder records when each request leaves the client (after the
// limiter let it go), by API.
type rateRecorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	sent map[sessionkit.API][]time.Time
}

func newRateRecorder(t *testing.T) *rateRecorder {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 128
	t.Cleanup(tr.CloseIdleConnections)
	return &rateRecorder{base: tr, sent: map[sessionkit.API][]time.Time{}}
}

func (r *rateRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if api, _, ok := fixtureRoute(req); ok {
		r.mu.Lock()
		r.sent[api] = append(r.sent[api], time.Now())
		r.mu.Unlock()
	}
	return r.base.RoundTrip(req)
}

func (r *rateRecorder) times(api sessionkit.API) []time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.sent[api])
}

// rateClient is a client whose requests are recorded as they are sent.
func rateClient(t *testing.T, s *fixtureServer, opts ...sessionkit.Option) (*sessionkit.Client, *rateRecorder) {
	rec := newRateRecorder(t)
	return newClient(t, s.URL, append([]sessionkit.Option{sessionkit.WithHTTPClient(&http.Client{Transport: rec})}, opts...)...), rec
}

const (
	rateRPS     = 100.0
	rateBurst   = 10
	rateCallers = 100
	rateRun     = 2 * time.Second
	rateWindow  = time.Second
)

// rateCheck asserts that the requests sent to api stayed within +10% of
// the configured rate in every window, and that the limiter let the
// callers use most of it.
func rateCheck(t *testing.T, rec *rateRecorder, s *fixtureServer, api sessionkit.API) {
	t.Helper()
	arrivals := rec.times(api)
	// The server saw what was sent, but for the calls cut short at the end.
	assert.InDelta(t, len(arrivals), len(s.arrivalsOf(api)), rateCallers)
	// The rate is judged over the whole run: the recorder's timestamps are
	// taken after the limiter grants a turn, so on a busy machine a stalled
	// goroutine can bunch a few grants into one window without the limiter
	// having granted more.
	worst := rateMaxInWindow(arrivals, rateWindow)
	span := rateSpan(arrivals)
	limit := rateBurst + int(1.10*rateRPS*span.Seconds())
	t.Logf("%s: %d requests over %v (allowed %d), at most %d in any %v", apis[api].name, len(arrivals), span, limit, worst, rateWindow)
	assert.LessOrEqual(t, len(arrivals), limit, "%s: more than the configured rate +10%%", apis[api].name)
	// Not starved either (a loose bound: a busy machine, or the race
	// detector, slows the callers down).
	assert.GreaterOrEqual(t, float64(len(arrivals)), 0.5*rateRPS*rateRun.Seconds(), "%s: far below the configured rate", apis[api].name)
}

func TestRateLimitConcurrentCallers(t *testing.T) {
	t.Run("global: each API gets its own limiter", func(t *testing.T) {
		s := newFixtureServer(t, fixtureConfig{tiny: true, pages: 1})
		c, rec := rateClient(t, s, sessionkit.WithRateLimit(rateRPS, rateBurst))
		var wg sync.WaitGroup
		for _, api := range []sessionkit.API{sessionkit.Zoom, sessionkit.Arthur} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rateHammer(t, c, api, rateCallers/2, rateRun)
			}()
		}
		wg.Wait()
		rateCheck(t, rec, s, sessionkit.Zoom)
		rateCheck(t, rec, s, sessionkit.Arthur)
	})

	t.Run("ForAPI: only that API is paced", func(t *testing.T) {
		s := newFixtureServer(t, fixtureConfig{tiny: true, pages: 1})
		c, rec := rateClient(t, s, sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithRateLimit(rateRPS, rateBurst)))
		var free int64
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			free = rateHammer(t, c, sessionkit.Ductape, 8, rateRun)
		}()
		rateHammer(t, c, sessionkit.Zoom, rateCallers, rateRun)
		wg.Wait()
		rateCheck(t, rec, s, sessionkit.Zoom)
		t.Logf("unpaced Ductape: %d requests", free)
		// Well past what Zoom's limit would allow, with room for a busy
		// machine: paced, it could not exceed 1.1x.
		assert.Greater(t, float64(free), 1.5*(rateBurst+rateRPS*rateRun.Seconds()), "Ductape must not be paced by Zoom's limit")
	})

	t.Run("ForAPI wins over the global limit", func(t *testing.T) {
		s := newFixtureServer(t, fixtureConfig{tiny: true, pages: 1})
		c, rec := rateClient(t, s,
			sessionkit.ForAPI(sessionkit.MonoCloud, sessionkit.WithRateLimit(rateRPS, rateBurst)),
			sessionkit.WithRateLimit(1, 1))
		rateHammer(t, c, sessionkit.MonoCloud, rateCallers, rateRun)
		rateCheck(t, rec, s, sessionkit.MonoCloud)
	})
}

func TestRateLimitPacesPrefetch(t *testing.T) {
	const rps, pages = 50, 40
	s := newFixtureServer(t, fixtureConfig{perPage: 3, pages: pages})
	c, rec := rateClient(t, s, sessionkit.WithPrefetch(8), sessionkit.WithRateLimit(rps, 1))
	start := time.Now()
	n := 0
	for _, err := range fixtureWalk(context.Background(), c, sessionkit.Ductape, 3) {
		require.NoError(t, err)
		n++
	}
	elapsed := time.Since(start)
	require.Equal(t, 3*pages, n)
	arrivals := rec.times(sessionkit.Ductape)
	require.Len(t, arrivals, pages)
	require.Len(t, s.arrivalsOf(sessionkit.Ductape), pages)
	window := 200 * time.Millisecond
	worst := rateMaxInWindow(arrivals, window)
	t.Logf("%d pages with WithPrefetch(8) in %v; at most %d requests in any %v", pages, elapsed, worst, window)
	// Paced, a window sees the burst and 10 turns; unpaced, all 40 pages
	// arrive within a few milliseconds. Twice the rate leaves room for the
	// requests a busy machine lets arrive bunched (at most the 8 in flight).
	limit := 1 + int(2*rps*window.Seconds())
	assert.LessOrEqual(t, worst, limit, "prefetched pages wait their turn")
	minimum := (pages - 1) * time.Second * 9 / 10 / rps // 39 turns after the first, less 10%
	assert.GreaterOrEqual(t, elapsed, minimum)
}

func TestRateLimitPacesRetries(t *testing.T) {
	const rps, failures = 20.0, 5
	s := newFixtureServer(t, fixtureConfig{tiny: true, pages: 1, failFirst: failures})
	c, rec := rateClient(t, s,
		sessionkit.WithRateLimit(rps, 1),
		sessionkit.WithMaxRetries(failures),
		sessionkit.WithRetryWait(time.Millisecond, time.Millisecond))
	_, err := fixturePage(context.Background(), c, sessionkit.Arthur, 0, 10)
	require.NoError(t, err)
	arrivals := rec.times(sessionkit.Arthur)
	require.Len(t, arrivals, failures+1, "every failure retried once")
	require.Len(t, s.arrivalsOf(sessionkit.Arthur), failures+1)
	// Paced, the retries come 50 ms apart at 20/s, 250 ms from the first
	// attempt to the last; the 1 ms backoff alone would take about 5 ms.
	// The whole span, not each gap, is checked: a busy machine can deliver
	// two paced attempts close together, but not shorten the span by half.
	span := arrivals[len(arrivals)-1].Sub(arrivals[0])
	assert.GreaterOrEqual(t, span, failures*50*time.Millisecond/2, "%d retries took %v", failures, span)
}

// TestRateLimitStartsOneShortOfItsBurst: a new client's bucket holds one
// request less than its burst (a request's worth of margin against a
// server whose own bucket started filling a little later), except a burst
// of 1, which is never delayed on its first request. The turn after the
// bucket is empty comes a second later at 1/s, past the 500 ms deadline,
// so it fails at once with the deadline instead of waiting.
func TestRateLimitStartsOneShortOfItsBurst(t *testing.T) {
	tests := []struct {
		burst, immediate int
	}{
		{burst: 1, immediate: 1},
		{burst: 2, immediate: 1},
		{burst: 3, immediate: 2},
		{burst: 10, immediate: 9},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("burst %d", tt.burst), func(t *testing.T) {
			var sent atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				sent.Add(1)
				writeJSON(w, http.StatusOK, apis[sessionkit.Ductape].emptyBody)
			}))
			defer srv.Close()
			c := newTestClient(t, srv.URL, sessionkit.WithRateLimit(1, tt.burst))
			for i := range tt.immediate {
				ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
				err := callPage(ctx, c, sessionkit.Ductape)
				cancel()
				require.NoError(t, err, "request %d of the first %d", i+1, tt.immediate)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			defer cancel()
			err := callPage(ctx, c, sessionkit.Ductape)
			require.ErrorIs(t, err, context.DeadlineExceeded, "request %d", tt.immediate+1)
			assert.Equal(t, int64(tt.immediate), sent.Load(), "requests sent")
		})
	}
}
