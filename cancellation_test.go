package sessionkit_test

// Every wait is cancellable: the backoff, a Retry-After wait, an iterator's
// wait between pages, a hung server, a hung attempt (WithAttemptTimeout).

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
)

func TestCancelDuringWait(t *testing.T) {
	tests := []struct {
		name      string
		header    http.Header
		status    int
		opts      []sessionkit.Option
		wantAfter time.Duration
	}{
		{"exponential backoff", nil, http.StatusServiceUnavailable,
			[]sessionkit.Option{sessionkit.WithRetryWait(10*time.Second, 10*time.Second)}, 0},
		{"Retry-After wait", http.Header{"Retry-After": {"10"}}, http.StatusTooManyRequests,
			[]sessionkit.Option{sessionkit.WithRetryWait(time.Millisecond, 30*time.Second)}, 10 * time.Second},
	}
	for _, tt := range tests {
		for _, api := range relAPIs {
			t.Run(tt.name+"/"+api.String(), func(t *testing.T) {
				answered := make(chan struct{}, 1)
				srv := relServe(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
					for k, v := range tt.header {
						w.Header()[k] = v
					}
					relJSON(w, tt.status, `{"message":"slow down","detail":"slow down"}`)
					answered <- struct{}{}
				})
				c := relClient(t, srv.URL, tt.opts...)
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				var cancelled time.Time
				go func() {
					<-answered
					time.Sleep(50 * time.Millisecond) // let the client start waiting
					cancelled = time.Now()
					cancel()
				}()
				err := relCall(ctx, c, api)
				took := time.Since(cancelled)
				assert.Less(t, took, time.Second, "a 10 s wait ended with the context (took %s)", took)
				assert.Equal(t, 1, srv.count())
				assert.ErrorIs(t, err, context.Canceled)
				var ae *sessionkit.APIError
				require.ErrorAs(t, err, &ae, "the last API error stays reachable")
				assert.Equal(t, tt.status, ae.StatusCode)
				assert.Equal(t, 1, ae.Attempts)
				assert.Equal(t, tt.wantAfter, ae.RetryAfter)
			})
		}
	}
}

func TestDeadlineDuringWait(t *testing.T) {
	srv := relServe(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "10")
		relJSON(w, http.StatusServiceUnavailable, `{"detail":"maintenance"}`)
	})
	c := relClient(t, srv.URL, sessionkit.WithRetryWait(time.Millisecond, time.Minute))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := relCall(ctx, c, sessionkit.Arthur)
	assert.Less(t, time.Since(start), 2*time.Second)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	var ae *sessionkit.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusServiceUnavailable, ae.StatusCode)
	assert.Equal(t, 10*time.Second, ae.RetryAfter)
}

func TestCancelDuringIteratorWait(t *testing.T) {
	p := relNewPager(t, sessionkit.Ductape, 9)
	p.fault = func(key string, _ int) (int, string) {
		if key == "2" {
			return http.StatusServiceUnavailable, `{"status":false,"message":"busy"}`
		}
		return 0, ""
	}
	c := relClient(t, p.URL(), sessionkit.WithRetryWait(10*time.Second, 10*time.Second))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var got []string
	var err error
	var cancelled time.Time
	for id, e := range relWalk(ctx, c, sessionkit.Ductape, relStart{}, 3) {
		if e != nil {
			err = e
			break
		}
		got = append(got, id)
		if len(got) == 3 {
			time.AfterFunc(100*time.Millisecond, func() { cancelled = time.Now(); cancel() })
		}
	}
	assert.Less(t, time.Since(cancelled), time.Second)
	assert.Equal(t, relIDs(0, 3), got)
	assert.ErrorIs(t, err, context.Canceled)
	var pe *sessionkit.PageError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 2, pe.Page)
	assert.Equal(t, 3, pe.Yielded)
	var ae *sessionkit.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusServiceUnavailable, ae.StatusCode)
}

// TestHungServerRespectsDeadline: a server that accepts the connection and
// never answers cannot hold a call past its context's deadline.
func TestHungServerRespectsDeadline(t *testing.T) {
	url := relHungServer(t)
	for _, api := range relAPIs {
		t.Run(api.String(), func(t *testing.T) {
			c := relClient(t, url, sessionkit.WithMaxRetries(3))
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			start := time.Now()
			err := relCall(ctx, c, api)
			assert.Less(t, time.Since(start), 2*time.Second)
			assert.ErrorIs(t, err, context.DeadlineExceeded)
		})
	}
}

// TestAttemptTimeout: WithAttemptTimeout bounds each attempt, and the call
// retries after an attempt that timed out.
func TestAttemptTimeout(t *testing.T) {
	t.Run("retries after a hung attempt", func(t *testing.T) {
		srv := relServe(t, func(n int, w http.ResponseWriter, r *http.Request) {
			if n == 0 {
				select {
				case <-r.Context().Done():
				case <-time.After(10 * time.Second):
				}
				return
			}
			relJSON(w, http.StatusOK, relOKBody[sessionkit.Zoom])
		})
		c := relClient(t, srv.URL, sessionkit.WithAttemptTimeout(100*time.Millisecond))
		start := time.Now()
		require.NoError(t, relCall(context.Background(), c, sessionkit.Zoom))
		assert.Less(t, time.Since(start), 5*time.Second)
		assert.Equal(t, 2, srv.count())
	})
	t.Run("every attempt hangs", func(t *testing.T) {
		url := relHungServer(t)
		c := relClient(t, url, sessionkit.WithAttemptTimeout(50*time.Millisecond), sessionkit.WithMaxRetries(2))
		start := time.Now()
		err := relCall(context.Background(), c, sessionkit.Zoom) // no deadline at all
		assert.Less(t, time.Since(start), 5*time.Second)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "after 3 attempt(s)")
		assert.ErrorIs(t, err, sessionkit.ErrAttemptTimeout, "a per-attempt timeout")
		assert.NotErrorIs(t, err, context.DeadlineExceeded, "the caller's deadline did not pass")
	})
}
