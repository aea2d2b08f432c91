package sessionkit_test

// Memory flat in the length of the walk: walking 200 pages of 1,000 items
// peaks at no more than 2x the heap of walking 20 pages, and with prefetch
// n at most about n+1 pages are held.

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
)

const memPerPage = 1000

// memPeak walks pages pages of api with prefetch n and returns the peak
// heap during the walk and the live heap before it.
func memPeak(t *testing.T, api sessionkit.API, pages, n int) (peak, base uint64) {
	t.Helper()
	perPage := pageSizeFor(api, memPerPage)
	s := newFixtureServer(t, fixtureConfig{perPage: perPage, pages: pages})
	c := newClient(t, s.URL, sessionkit.WithPrefetch(n))
	defer s.Close() // so that the next walk starts from the same heap
	defer c.CloseIdleConnections()
	base = liveHeap()
	var top atomic.Uint64
	sample := func() {
		for v := heapObjectBytes(); ; {
			old := top.Load()
			if v <= old || top.CompareAndSwap(old, v) {
				return
			}
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // catches peaks inside decoding
		defer wg.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				sample()
			}
		}
	}()
	items := 0
	for _, err := range fixtureWalk(context.Background(), c, api, perPage) {
		require.NoError(t, err)
		if items%100 == 0 {
			sample()
		}
		items++
	}
	close(stop)
	wg.Wait()
	require.Equal(t, pages*perPage, items)
	return top.Load(), base
}

func TestMemoryFlatInWalkLength(t *testing.T) {
	// A page-number walk (parallel prefetch) and a cursor walk, each
	// sequential and with prefetch; the other two APIs share these decode
	// and pager paths. The race detector slows decoding about tenfold: it
	// gets the parallel walk only.
	walked, depths := []sessionkit.API{sessionkit.Ductape, sessionkit.Zoom}, []int{0, 4}
	if testing.Short() || raceDetectorOn() {
		walked, depths = walked[:1], depths[1:]
	}
	for _, api := range walked {
		for _, n := range depths {
			t.Run(fmt.Sprintf("%s/prefetch=%d", apis[api].name, n), func(t *testing.T) {
				short, base20 := memPeak(t, api, 20, n)
				long, base200 := memPeak(t, api, 200, n)
				t.Logf("peak heap: 20 pages %d KiB (%d KiB live before), 200 pages %d KiB (%d KiB live before): %.2fx",
					short>>10, base20>>10, long>>10, base200>>10, float64(long)/float64(short))
				assert.LessOrEqual(t, long, 2*short, "200 pages must not need much more heap than 20")
			})
		}
	}
}

func TestPrefetchHoldsAboutNPlusOnePages(t *testing.T) {
	// Large pages, so that what each request in flight holds besides its
	// page (read buffers, the connection) stays small next to a page.
	const pages = 8
	walked := []sessionkit.API{sessionkit.Ductape, sessionkit.Zoom}
	if testing.Short() || raceDetectorOn() {
		walked = walked[:1]
	}
	for _, api := range walked {
		perPage := pageSizeFor(api, 3000)
		// One decoded page, as the SDK holds it.
		s := newFixtureServer(t, fixtureConfig{perPage: perPage, pages: pages})
		c := newClient(t, s.URL)
		_, err := fixturePage(context.Background(), c, api, 0, perPage) // warm up
		require.NoError(t, err)
		before := liveHeap()
		page, _, err := apis[api].page(context.Background(), c, fixtureArgs, startAt(api, 0), perPage)
		require.NoError(t, err)
		pageBytes := liveHeap() - before
		runtime.KeepAlive(page)
		require.Positive(t, pageBytes)

		for _, n := range []int{0, 1, 4} {
			t.Run(fmt.Sprintf("%s/prefetch=%d", apis[api].name, n), func(t *testing.T) {
				s := newFixtureServer(t, fixtureConfig{perPage: perPage, pages: pages})
				c := newClient(t, s.URL, sessionkit.WithPrefetch(n))
				_, err := fixturePage(context.Background(), c, api, 0, perPage) // warm up
				require.NoError(t, err)
				s.requests.Store(0)
				base := liveHeap()
				var held uint64
				items := 0
				for _, err := range fixtureWalk(context.Background(), c, api, perPage) {
					require.NoError(t, err)
					if items%perPage == 0 {
						// A slow loop body: let prefetch fill its window,
						// then count what the walk holds.
						consumed := int64(items/perPage + 1)
						want := min(consumed+int64(n), pages)
						for deadline := time.Now().Add(2 * time.Second); s.requests.Load() < want && time.Now().Before(deadline); {
							time.Sleep(time.Millisecond)
						}
						time.Sleep(10 * time.Millisecond)
						if live := liveHeap(); live > base {
							held = max(held, live-base)
						}
					}
					items++
				}
				require.Equal(t, pages*perPage, items)
				pagesHeld := float64(held) / float64(pageBytes)
				t.Logf("page %d KiB; at most %d KiB held (%.2f pages) with prefetch %d", pageBytes>>10, held>>10, pagesHeld, n)
				assert.LessOrEqual(t, pagesHeld, float64(n)+1.5, "prefetch n holds about n+1 pages")
			})
		}
	}
}
