package sessionkit_test

// WithAttemptTimeout bounds each attempt from the moment the client's own
// rate limiter lets it go until its body is read: the limiter's wait is
// not part of an attempt, and an attempt timeout is told apart from the
// caller's own deadline.

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
)

func TestAttemptTimeoutExcludesTheRateLimitWait(t *testing.T) {
	// 16 pages at 20 requests per second, 8 fetched at once: the last
	// of a batch waits about 400 ms for its turn, twice the attempt
	// timeout, and each attempt itself is fast.
	const rows, size = 160, 10
	for _, api := range allAPIs {
		t.Run(api.String(), func(t *testing.T) {
			srv := newFakeListing(t, api, rows)
			c := newTestClient(t, srv.URL, sessionkit.WithRateLimit(20, 1), sessionkit.WithPrefetch(8),
				sessionkit.WithAttemptTimeout(200*time.Millisecond), sessionkit.WithMaxRetries(0))
			items, errs, _ := walkCollect(walkIDs(context.Background(), c, api, startPos{}, size), nil)
			require.Empty(t, errs)
			assert.Len(t, items, rows)
		})
	}
}

func TestAttemptTimeoutIsNotTheCallersDeadline(t *testing.T) {
	// hung answers every request after 10 s, or never when the client
	// gives up first.
	hung := func(t *testing.T) *sessionkittest.Server {
		srv := kitServer(t)
		srv.Fault(sessionkittest.Match{}, sessionkittest.Delay(10*time.Second))
		return srv
	}
	t.Run("attempt timeout", func(t *testing.T) {
		srv := hung(t)
		c := kitClient(t, srv, sessionkit.WithAttemptTimeout(50*time.Millisecond), sessionkit.WithMaxRetries(1))
		err := kitCall(context.Background(), c, srv, sessionkit.Arthur)
		assert.ErrorIs(t, err, sessionkit.ErrAttemptTimeout)
		assert.NotErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 2, srv.RequestCount(), "an attempt timeout is retried")
	})
	t.Run("the caller's deadline comes first", func(t *testing.T) {
		srv := hung(t)
		c := kitClient(t, srv, sessionkit.WithAttemptTimeout(5*time.Second), sessionkit.WithMaxRetries(1))
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		err := kitCall(ctx, c, srv, sessionkit.Arthur)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.NotErrorIs(t, err, sessionkit.ErrAttemptTimeout)
	})
	t.Run("the caller's deadline during the limiter's wait", func(t *testing.T) {
		srv := newFakeListing(t, sessionkit.Zoom, 1)
		c := newTestClient(t, srv.URL, sessionkit.WithRateLimit(1, 1), sessionkit.WithAttemptTimeout(time.Second))
		require.NoError(t, callPage(context.Background(), c, sessionkit.Zoom)) // takes the burst
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		err := callPage(ctx, c, sessionkit.Zoom)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.NotErrorIs(t, err, sessionkit.ErrAttemptTimeout)
	})
}
