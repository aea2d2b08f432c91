package sessionkit_test

// Prefetch that pays. The exact targets are in BenchmarkPrefetch_<API>
// and the README: with 40 pages, 20 ms of server latency and 20 ms of
// consumer work per page, WithPrefetch(1) takes ≤ 0.6× the time of
// WithPrefetch(0); with no consumer work and a known total,
// WithPrefetch(8) takes ≤ 0.25× the sequential time. The tests assert the
// same with wide margins (0.8× and 0.4×), plus the parts that do not
// depend on timing: parallelism bounded by n, items in order, at most n
// extra requests after break, no goroutine left, errors in order.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/sessionkit/sessionkit-go"
)

const (
	prefetchPages   = 40
	prefetchPerPage = 10
	prefetchLatency = 20 * time.Millisecond
	prefetchWork    = 20 * time.Millisecond
)

// timedWalk walks one API's listing (prefetchPages pages of
// prefetchPerPage items, prefetchLatency per answer) on the server s with
// the given prefetch depth, sleeping work after each page's last item,
// and returns the time it took.
func timedWalk(s *fixtureServer, c *sessionkit.Client, api sessionkit.API, work time.Duration) (time.Duration, error) {
	start := time.Now()
	n := 0
	for _, err := range fixtureWalk(context.Background(), c, api, prefetchPerPage) {
		if err != nil {
			return 0, err
		}
		n++
		if n%prefetchPerPage == 0 && work > 0 {
			time.Sleep(work)
		}
	}
	if n != prefetchPages*prefetchPerPage {
		return 0, fmt.Errorf("walked %d items, want %d", n, prefetchPages*prefetchPerPage)
	}
	return time.Since(start), nil
}

// timedWalkPair runs a walk with prefetch p0 and one with p1 at once, each
// on its own server (they only sleep, so they do not slow each other
// down), and returns their times and servers.
func timedWalkPair(t testing.TB, api sessionkit.API, p0, p1 int, work time.Duration) (t0, t1 time.Duration, s0, s1 *fixtureServer) {
	t.Helper()
	cfg := fixtureConfig{perPage: prefetchPerPage, pages: prefetchPages, latency: prefetchLatency}
	s0, s1 = newFixtureServer(t, cfg), newFixtureServer(t, cfg)
	c0 := newClient(t, s0.URL, sessionkit.WithPrefetch(p0))
	c1 := newClient(t, s1.URL, sessionkit.WithPrefetch(p1))
	var err1 error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t1, err1 = timedWalk(s1, c1, api, work)
	}()
	t0, err0 := timedWalk(s0, c0, api, work)
	wg.Wait()
	require.NoError(t, err0)
	require.NoError(t, err1)
	return t0, t1, s0, s1
}

func TestPrefetchOverlapsConsumerWork(t *testing.T) {
	for _, api := range allAPIs {
		t.Run(apis[api].name, func(t *testing.T) {
			t.Parallel()
			seq, ahead, s0, s1 := timedWalkPair(t, api, 0, 1, prefetchWork)
			ratio := float64(ahead) / float64(seq)
			t.Logf("WithPrefetch(0) %v, WithPrefetch(1) %v: %.2fx", seq, ahead, ratio)
			// The target is 0.6x (see BenchmarkPrefetch_*); a walk that
			// does not overlap fetching with the loop body is at 1.0x.
			assert.LessOrEqual(t, ratio, 0.8, "WithPrefetch(1) must overlap the next fetch with the loop body")
			assert.EqualValues(t, 1, s0.maxInflight.Load(), "WithPrefetch(0) fetches one page at a time")
			assert.EqualValues(t, 1, s1.maxInflight.Load(), "WithPrefetch(1) has at most one page in flight")
			assert.EqualValues(t, prefetchPages, s1.requests.Load())
		})
	}
}

func TestPrefetchParallelWhenTotalKnown(t *testing.T) {
	const n = 8
	for _, api := range allAPIs {
		t.Run(apis[api].name, func(t *testing.T) {
			t.Parallel()
			seq, par, _, s := timedWalkPair(t, api, 0, n, 0)
			ratio := float64(par) / float64(seq)
			t.Logf("sequential %v, WithPrefetch(%d) %v: %.2fx, at most %d in flight", seq, n, par, ratio, s.maxInflight.Load())
			assert.LessOrEqual(t, s.maxInflight.Load(), int64(n), "never more than n pages in flight")
			assert.EqualValues(t, prefetchPages, s.requests.Load(), "no page fetched twice, none past the last")
			if apis[api].cursor {
				// Cursor pages can only be fetched one after another.
				assert.EqualValues(t, 1, s.maxInflight.Load())
				return
			}
			assert.GreaterOrEqual(t, s.maxInflight.Load(), int64(n/2), "pages must be fetched in parallel")
			// The target is 0.25x (see BenchmarkPrefetch_*); one page at a
			// time is 1.0x. The in-flight count above is the exact check;
			// the time only has to show the overlap, with room for a busy
			// machine.
			assert.LessOrEqual(t, ratio, 0.7)
		})
	}
}

func TestPrefetchKeepsOrder(t *testing.T) {
	const pages, perPage = 12, 7
	for _, api := range allAPIs {
		for _, n := range []int{0, 1, 3, 8, 64} {
			t.Run(fmt.Sprintf("%s/prefetch=%d", apis[api].name, n), func(t *testing.T) {
				t.Parallel()
				s := newFixtureServer(t, fixtureConfig{perPage: perPage, pages: pages, distinct: true, latency: time.Millisecond})
				c := newClient(t, s.URL, sessionkit.WithPrefetch(n))
				var want, got []string
				for idx := range pages {
					for i := range perPage {
						want = append(want, fixtureItemID(api, idx, i))
					}
				}
				for id, err := range fixtureWalk(context.Background(), c, api, perPage) {
					require.NoError(t, err)
					got = append(got, id)
				}
				assert.Equal(t, want, got)
				assert.EqualValues(t, pages, s.requests.Load())
			})
		}
	}
}

func TestPrefetchBreak(t *testing.T) {
	const perPage = 5
	const breakAfter = 2*perPage + 3 // inside the third page
	for _, api := range allAPIs {
		for _, n := range []int{0, 1, 4, 8} {
			t.Run(fmt.Sprintf("%s/prefetch=%d", apis[api].name, n), func(t *testing.T) {
				baseline := goleak.IgnoreCurrent()
				s := newFixtureServer(t, fixtureConfig{perPage: perPage, pages: 40, distinct: true, latency: 5 * time.Millisecond})
				c := newClient(t, s.URL, sessionkit.WithPrefetch(n))
				consumed := int64(breakAfter/perPage + 1)
				seen := 0
				for id, err := range fixtureWalk(context.Background(), c, api, perPage) {
					require.NoError(t, err)
					require.Equal(t, fixtureItemID(api, seen/perPage, seen%perPage), id)
					seen++
					if seen == breakAfter {
						// Let prefetch fill its window while the loop
						// body runs.
						for deadline := time.Now().Add(3 * time.Second); s.requests.Load() < consumed+int64(n) && time.Now().Before(deadline); {
							time.Sleep(time.Millisecond)
						}
						time.Sleep(20 * time.Millisecond)
						break
					}
				}
				// Everything the walk started is over when the loop ends;
				// only the transport's idle connections remain.
				goleak.VerifyNone(t, append([]goleak.Option{baseline,
					goleak.IgnoreAnyFunction("net/http.(*persistConn).readLoop"),
					goleak.IgnoreAnyFunction("net/http.(*persistConn).writeLoop")}, serverGoroutines...)...)
				time.Sleep(30 * time.Millisecond)
				assert.GreaterOrEqual(t, s.requests.Load(), consumed)
				assert.LessOrEqual(t, s.requests.Load(), consumed+int64(n), "at most n extra requests after break")
				if n > 0 {
					assert.Equal(t, consumed+int64(n), s.requests.Load(), "prefetch fills its window while the loop body runs")
				}
				c.CloseIdleConnections()
				s.Close()
				goleak.VerifyNone(t, baseline)
			})
		}
	}
}

func TestPrefetchErrorsInOrder(t *testing.T) {
	const perPage, failPage = 6, 5
	for _, api := range allAPIs {
		for _, n := range []int{0, 1, 3, 8} {
			t.Run(fmt.Sprintf("%s/prefetch=%d", apis[api].name, n), func(t *testing.T) {
				t.Parallel()
				s := newFixtureServer(t, fixtureConfig{perPage: perPage, pages: 20, distinct: true, failPage: failPage, latency: time.Millisecond})
				c := newClient(t, s.URL, sessionkit.WithPrefetch(n))
				var got []string
				var errs []error
				for id, err := range fixtureWalk(context.Background(), c, api, perPage) {
					if err != nil {
						errs = append(errs, err)
						continue
					}
					require.Empty(t, errs, "nothing is yielded after an error")
					got = append(got, id)
				}
				var want []string
				for idx := range failPage - 1 {
					for i := range perPage {
						want = append(want, fixtureItemID(api, idx, i))
					}
				}
				assert.Equal(t, want, got, "every item before the failed page comes first, in order")
				require.Len(t, errs, 1)
				var pe *sessionkit.PageError
				require.ErrorAs(t, errs[0], &pe)
				at := startAt(api, failPage-1)
				assert.Equal(t, at.page, pe.Page)
				assert.Equal(t, at.token, pe.PageToken)
				assert.Equal(t, len(want), pe.Yielded)
				var ae *sessionkit.APIError
				require.ErrorAs(t, errs[0], &ae)
				assert.Equal(t, http.StatusBadRequest, ae.StatusCode)
			})
		}
	}
}

func TestPrefetchFirstPageError(t *testing.T) {
	s := newFixtureServer(t, fixtureConfig{perPage: 5, pages: 10, failPage: 1})
	c := newClient(t, s.URL, sessionkit.WithPrefetch(4))
	for _, api := range allAPIs {
		n := 0
		var last error
		for _, err := range fixtureWalk(context.Background(), c, api, 5) {
			n++
			last = err
		}
		assert.Equal(t, 1, n, apis[api].name)
		var pe *sessionkit.PageError
		require.True(t, errors.As(last, &pe), apis[api].name)
		assert.Zero(t, pe.Yielded)
	}
}

// BenchmarkPrefetch_Ductape measures both prefetch targets on Ductape:
// p1-work/seq is WithPrefetch(1) over WithPrefetch(0) with 40 pages, 20 ms
// latency and 20 ms of loop work per page (target ≤ 0.6); p8/seq is
// WithPrefetch(8) over WithPrefetch(0) with no loop work (target ≤ 0.25
// where the total is known). The four walks of one op run at once: they
// only sleep.
func BenchmarkPrefetch_Ductape(b *testing.B) { benchPrefetch(b, sessionkit.Ductape) }

// BenchmarkPrefetch_Zoom is BenchmarkPrefetch_Ductape for Zoom, whose
// cursor pages can only be fetched one after another (p8/seq near 1).
func BenchmarkPrefetch_Zoom(b *testing.B) { benchPrefetch(b, sessionkit.Zoom) }

// BenchmarkPrefetch_Arthur is BenchmarkPrefetch_Ductape for Arthur.
func BenchmarkPrefetch_Arthur(b *testing.B) { benchPrefetch(b, sessionkit.Arthur) }

// BenchmarkPrefetch_MonoCloud is BenchmarkPrefetch_Ductape for MonoCloud
// (with X-Pagination).
func BenchmarkPrefetch_MonoCloud(b *testing.B) { benchPrefetch(b, sessionkit.MonoCloud) }

func benchPrefetch(b *testing.B, api sessionkit.API) {
	var seqWork, p1Work, seq, p8 time.Duration
	for b.Loop() {
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			a, c, _, _ := timedWalkPair(b, api, 0, 1, prefetchWork)
			seqWork += a
			p1Work += c
		}()
		go func() {
			defer wg.Done()
			a, c, _, _ := timedWalkPair(b, api, 0, 8, 0)
			seq += a
			p8 += c
		}()
		wg.Wait()
	}
	b.ReportMetric(float64(p1Work)/float64(seqWork), "p1-work/seq")
	b.ReportMetric(float64(p8)/float64(seq), "p8/seq")
}
