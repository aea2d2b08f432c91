package sessionkit_test

// Goroutine leaks: no goroutine outlives an iterator's loop, whatever ends
// it.

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/sessionkit/sessionkit-go"
)

func TestNoGoroutineOutlivesTheLoop(t *testing.T) {
	endings := []struct {
		name string
		// stop is called with the number of items seen so far; it may
		// break (return true), cancel or panic.
		stop func(n int, cancel context.CancelFunc) bool
		// failAt makes the server fail this page.
		failAt bool
		check  func(t *testing.T, n int, err error, panicked any)
	}{
		{
			name: "break mid-walk",
			stop: func(n int, _ context.CancelFunc) bool { return n == 4 },
			check: func(t *testing.T, n int, err error, _ any) {
				assert.NoError(t, err)
				assert.Equal(t, 4, n)
			},
		},
		{
			name: "context cancelled mid-walk",
			stop: func(n int, cancel context.CancelFunc) bool {
				if n == 4 {
					cancel()
				}
				return false
			},
			check: func(t *testing.T, n int, err error, _ any) {
				assert.ErrorIs(t, err, context.Canceled)
				assert.GreaterOrEqual(t, n, 4)
			},
		},
		{
			name:   "server error mid-walk",
			stop:   func(int, context.CancelFunc) bool { return false },
			failAt: true,
			check: func(t *testing.T, n int, err error, _ any) {
				var ae *sessionkit.APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, http.StatusInternalServerError, ae.StatusCode)
				assert.Equal(t, 3, n, "the first page only")
			},
		},
		{
			name: "panic in the loop body",
			stop: func(n int, _ context.CancelFunc) bool {
				if n == 4 {
					panic("loop body failed")
				}
				return false
			},
			check: func(t *testing.T, n int, _ error, panicked any) {
				assert.Equal(t, "loop body failed", panicked)
				assert.Equal(t, 4, n)
			},
		},
	}
	for _, end := range endings {
		for _, api := range allAPIs {
			for _, prefetch := range []int{0, 4} {
				t.Run(fmt.Sprintf("%s/%s/prefetch=%d", end.name, api, prefetch), func(t *testing.T) {
					baseline := goleak.IgnoreCurrent()

					p := newFakeListing(t, api, 30) // ten pages of three
					// Pages after the second never answer on their own, so
					// a fetch left running would still be there when the
					// goroutines are checked.
					first, second := pageKey(api, 0), pageKey(api, 1)
					p.stallAt = func(key string) bool { return key != first && key != second }
					if end.failAt {
						p.fault = func(key string, _ int) (int, string) {
							if key == second {
								return http.StatusInternalServerError, `{"message":"boom","detail":"boom"}`
							}
							return 0, ""
						}
					}
					c := newTestClient(t, p.URL, sessionkit.WithPrefetch(prefetch), sessionkit.WithMaxRetries(0))
					ctx, cancel := context.WithCancel(context.Background())
					defer cancel()

					n := 0
					var walkErr error
					var panicked any
					func() {
						defer func() { panicked = recover() }()
						for _, err := range walkIDs(ctx, c, api, startPos{}, 3) {
							if err != nil {
								walkErr = err
								break
							}
							n++
							if end.stop(n, cancel) {
								break
							}
						}
					}()
					end.check(t, n, walkErr, panicked)

					// Strictly: not even a goroutine that is about to end
					// may still run iterator code once the loop returned.
					assert.Empty(t, leakEngineGoroutines(), "iterator goroutines still running after the loop")

					// The client side: nothing but the server's goroutines
					// may remain, while stalled requests are still held.
					c.CloseIdleConnections()
					goleak.VerifyNone(t, append([]goleak.Option{baseline}, serverGoroutines...)...)

					// And once the server is gone, nothing at all.
					p.release()
					p.Close()
					c.CloseIdleConnections()
					goleak.VerifyNone(t, baseline)
				})
			}
		}
	}
}

// TestNoLeakAfterCancelDuringRetryWait: a walk cancelled while it waits to
// retry leaves nothing behind.
func TestNoLeakAfterCancelDuringRetryWait(t *testing.T) {
	for _, prefetch := range []int{0, 4} {
		t.Run(fmt.Sprintf("prefetch=%d", prefetch), func(t *testing.T) {
			baseline := goleak.IgnoreCurrent()
			p := newFakeListing(t, sessionkit.Ductape, 30)
			p.fault = func(key string, _ int) (int, string) {
				if key != "1" {
					return http.StatusServiceUnavailable, `{"status": false, "message": "busy"}`
				}
				return 0, ""
			}
			c := newTestClient(t, p.URL, sessionkit.WithPrefetch(prefetch), sessionkit.WithRetryWait(10*time.Second, 10*time.Second))
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, err := drain(walkIDs(ctx, c, sessionkit.Ductape, startPos{}, 3))
			assert.ErrorIs(t, err, context.DeadlineExceeded)
			assert.Less(t, time.Since(start), 2*time.Second)
			p.Close()
			c.CloseIdleConnections()
			goleak.VerifyNone(t, baseline)
		})
	}
}

// leakEngineGoroutines returns the stacks of goroutines that are blocked
// in the SDK's engine code at this instant. A runnable one is skipped: it
// may be a fetch goroutine returning after it signalled its WaitGroup,
// which nothing can wait for more precisely.
func leakEngineGoroutines() []string {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		header, _, _ := strings.Cut(g, "\n")
		if strings.Contains(header, "[runnable") || strings.Contains(header, "[running") {
			continue
		}
		if strings.Contains(g, "sessionkit-go/internal/engine.") {
			out = append(out, g)
		}
	}
	return out
}
