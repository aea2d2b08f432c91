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
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/traces"
	"github.com/sessionkit/sessionkit-go/users"
)

// hugeEmptyItems is a JSON array of about 4 MiB of empty objects: 1.4 M
// items.
func hugeEmptyItems() []byte {
	const size = 4 << 20
	var b bytes.Buffer
	b.Grow(size + 8)
	b.WriteByte('[')
	for b.Len() < size {
		b.WriteString("{},")
	}
	b.WriteString("{}]")
	return b.Bytes()
}

// hugeAnswer wraps items in api's page body.
func hugeAnswer(api sessionkit.API, items []byte) []byte {
	var pre, post string
	switch api {
	case sessionkit.Ductape:
		pre, post = `{"status": true, "data": {"total": 10, "page": 1, "limit": 10, "totalPages": 1, "users": `, `}}`
	case sessionkit.Zoom:
		pre, post = `{"page_size": 10, "next_page_token": "", "users": `, `}`
	case sessionkit.Arthur:
		pre, post = `{"count": 10, "users": `, `}`
	}
	return append(append([]byte(pre), items...), post...)
}

// hugeCall asks api for one page of 10 items.
func hugeCall(ctx context.Context, c *sessionkit.Client, api sessionkit.API) error {
	var err error
	switch api {
	case sessionkit.Ductape:
		_, err = c.Sessions.FetchUsers(ctx, sessions.FetchUsersOptions{Product: "p", Session: "s", Limit: 10})
	case sessionkit.Zoom:
		_, err = c.Sessions.ListUsers(ctx, "sess-1", sessions.ListUsersOptions{PageSize: 10})
	case sessionkit.Arthur:
		_, err = c.Traces.Users(ctx, traces.UsersOptions{TaskIDs: []string{"t1"}, PageSize: 10})
	default:
		_, err = c.Users.Sessions(ctx, "u1", users.SessionsOptions{Size: 10})
	}
	return err
}

func TestOversizedPageIsMalformedAndBounded(t *testing.T) {
	const limit = 64 << 20
	items := hugeEmptyItems()
	for _, api := range relAPIs {
		t.Run(api.String(), func(t *testing.T) {
			body := hugeAnswer(api, items)
			srv := relServe(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusOK)
				_, _ = w.Write(body)
			})
			c := relClient(t, srv.URL, sessionkit.WithMaxRetries(0))

			base := memLive()
			var peak atomic.Uint64
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				tick := time.NewTicker(time.Millisecond)
				defer tick.Stop()
				for {
					if v := memHeapObjects(); v > peak.Load() {
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
			err := hugeCall(context.Background(), c, api)
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
