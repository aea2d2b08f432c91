package sessionkit_test

// Every wait is cancellable: the backoff, a Retry-After wait, an iterator's
// wait between pages, a hung server, a hung attempt (WithAttemptTimeout).
// The answers are sessionkittest's fault rules; a server that accepts a
// connection and never answers (hungServerURL) is a raw TCP listener.

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
)

func TestCancelDuringWait(t *testing.T) {
	tests := []struct {
		name      string
		fault     sessionkittest.Fault
		status    int
		opts      []sessionkit.Option
		wantAfter time.Duration
	}{
		{"exponential backoff", sessionkittest.Status(http.StatusServiceUnavailable), http.StatusServiceUnavailable,
			[]sessionkit.Option{sessionkit.WithRetryWait(10*time.Second, 10*time.Second)}, 0},
		{"Retry-After wait", sessionkittest.Status(http.StatusTooManyRequests).RetryAfter("10"), http.StatusTooManyRequests,
			[]sessionkit.Option{sessionkit.WithRetryWait(time.Millisecond, 30*time.Second)}, 10 * time.Second},
	}
	for _, tt := range tests {
		for _, api := range allAPIs {
			t.Run(tt.name+"/"+api.String(), func(t *testing.T) {
				srv := kitServer(t)
				rule := srv.Fault(sessionkittest.Match{}, tt.fault)
				c := kitClient(t, srv, tt.opts...)
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				var mu sync.Mutex
				var cancelled time.Time
				go func() {
					for rule.Hits() == 0 && ctx.Err() == nil {
						time.Sleep(time.Millisecond)
					}
					time.Sleep(50 * time.Millisecond) // let the client start waiting
					mu.Lock()
					cancelled = time.Now()
					mu.Unlock()
					cancel()
				}()
				err := kitCall(ctx, c, srv, api)
				mu.Lock()
				took := time.Since(cancelled)
				mu.Unlock()
				assert.Less(t, took, time.Second, "a 10 s wait ended with the context (took %s)", took)
				assert.Equal(t, 1, srv.RequestCount())
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
	srv := kitServer(t)
	srv.Fault(sessionkittest.Match{API: sessionkittest.Arthur}, sessionkittest.Status(http.StatusServiceUnavailable).RetryAfter("10"))
	c := kitClient(t, srv, sessionkit.WithRetryWait(time.Millisecond, time.Minute))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := kitCall(ctx, c, srv, sessionkit.Arthur)
	assert.Less(t, time.Since(start), 2*time.Second)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	var ae *sessionkit.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusServiceUnavailable, ae.StatusCode)
	assert.Equal(t, 10*time.Second, ae.RetryAfter)
}

func TestCancelDuringIteratorWait(t *testing.T) {
	srv := kitServer(t, sessionkittest.WithUsers(9))
	srv.Fault(sessionkittest.Match{API: sessionkittest.Ductape, Page: 2}, sessionkittest.Status(http.StatusServiceUnavailable))
	c := kitClient(t, srv, sessionkit.WithRetryWait(10*time.Second, 10*time.Second))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := srv.Data()
	var got []string
	var err error
	var mu sync.Mutex
	var cancelled time.Time
	for u, e := range c.Sessions.FetchUsersIter(ctx, sessions.FetchUsersOptions{Product: d.Product, Session: d.Session, Limit: 3}) {
		if e != nil {
			err = e
			break
		}
		got = append(got, u.Identifier)
		if len(got) == 3 {
			time.AfterFunc(100*time.Millisecond, func() { mu.Lock(); cancelled = time.Now(); mu.Unlock(); cancel() })
		}
	}
	mu.Lock()
	assert.Less(t, time.Since(cancelled), time.Second)
	mu.Unlock()
	var want []string
	for _, u := range d.DuctapeUsers[:3] {
		want = append(want, u.Identifier)
	}
	assert.Equal(t, want, got)
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
	url := hungServerURL(t)
	for _, api := range allAPIs {
		t.Run(api.String(), func(t *testing.T) {
			c := newTestClient(t, url, sessionkit.WithMaxRetries(3))
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			start := time.Now()
			err := callPage(ctx, c, api)
			assert.Less(t, time.Since(start), 2*time.Second)
			assert.ErrorIs(t, err, context.DeadlineExceeded)
		})
	}
}

// TestAttemptTimeout: WithAttemptTimeout bounds each attempt, and the call
// retries after an attempt that timed out.
func TestAttemptTimeout(t *testing.T) {
	t.Run("retries after a hung attempt", func(t *testing.T) {
		srv := kitServer(t)
		srv.Fault(sessionkittest.Match{API: sessionkittest.Zoom}, sessionkittest.Delay(10*time.Second), sessionkittest.Times(1))
		c := kitClient(t, srv, sessionkit.WithAttemptTimeout(100*time.Millisecond))
		start := time.Now()
		require.NoError(t, kitCall(context.Background(), c, srv, sessionkit.Zoom))
		assert.Less(t, time.Since(start), 5*time.Second)
		assert.Equal(t, 2, srv.RequestCount())
	})
	t.Run("every attempt hangs", func(t *testing.T) {
		url := hungServerURL(t)
		c := newTestClient(t, url, sessionkit.WithAttemptTimeout(50*time.Millisecond), sessionkit.WithMaxRetries(2))
		start := time.Now()
		err := callPage(context.Background(), c, sessionkit.Zoom) // no deadline at all
		assert.Less(t, time.Since(start), 5*time.Second)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "after 3 attempt(s)")
		assert.ErrorIs(t, err, sessionkit.ErrAttemptTimeout, "a per-attempt timeout")
		assert.NotErrorIs(t, err, context.DeadlineExceeded, "the caller's deadline did not pass")
	})
}
