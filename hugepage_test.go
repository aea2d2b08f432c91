package sessionkit_test

// One page cannot take gigabytes: an answer with more items than the API
// allows per page is ErrMalformedResponse, found while decoding, before
// the excess is held.

import (
	"bytes"
	"context"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
)

// hugeEmptyItems are about 4 MiB of empty JSON objects, joined by commas:
// 1.4 M items.
func hugeEmptyItems() []byte {
	const size = 4 << 20
	var b bytes.Buffer
	b.Grow(size + 8)
	for b.Len() < size {
		b.WriteString("{},")
	}
	b.WriteString("{}")
	return b.Bytes()
}

func TestOversizedPageIsMalformedAndBounded(t *testing.T) {
	const limit = 64 << 20
	items := hugeEmptyItems()
	for _, api := range allAPIs {
		t.Run(api.String(), func(t *testing.T) {
			// The page claims 10 items, as asked.
			meta := pageMeta{total: "10", totalPages: "1", page: 1, size: 10}
			srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { writePage(w, api, items, meta) })
			c := newTestClient(t, srv.URL, sessionkit.WithMaxRetries(0))

			base := liveHeap()
			var peak atomic.Uint64
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				tick := time.NewTicker(time.Millisecond)
				defer tick.Stop()
				for {
					if v := heapObjectBytes(); v > peak.Load() {
						peak.Store(v)
					}
					select {
					case <-stop:
						return
					case <-tick.C:
					}
				}
			}()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, _, err := apis[api].page(context.Background(), c, fakeArgs, startPos{}, 10)
			runtime.ReadMemStats(&after)
			close(stop)
			wg.Wait()

			require.Error(t, err)
			assert.ErrorIs(t, err, sessionkit.ErrMalformedResponse)
			assert.Contains(t, err.Error(), "items in one page")
			grew := uint64(0)
			if p := peak.Load(); p > base {
				grew = p - base
			}
			allocated := after.TotalAlloc - before.TotalAlloc
			t.Logf("%s: 4 MiB of {} items: peak heap %.1f MiB above the %.1f MiB live before; %.1f MiB allocated in all",
				api, float64(grew)/(1<<20), float64(base)/(1<<20), float64(allocated)/(1<<20))
			assert.Less(t, grew, uint64(limit), "peak heap")
			assert.Less(t, allocated, uint64(limit), "allocated")
		})
	}
}
