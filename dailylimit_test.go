package sessionkit_test

// Daily limits: a daily-limit answer is a typed error that says when the
// limit resets, later calls to that API fail fast without a request, and
// clients derived with With share the pause.

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
)

// A daily limit ends the call at once with an error that says when it
// resets, and every later call to that API fails the same way without a
// request; none of them is retryable.
func TestDailyLimitIsTypedFailsFastAndIsNotRetryable(t *testing.T) {
	srv := kitServer(t, sessionkittest.WithAPIKey(testKey))
	reset := time.Now().Add(3 * time.Hour)
	srv.Fault(sessionkittest.Match{API: sessionkittest.Zoom}, sessionkittest.Status(http.StatusTooManyRequests).
		ZoomRateLimit("Daily-limit", "Heavy", 30000, 0).RetryAfterISO(3*time.Hour).
		Body("application/json", `{"code": 429, "message": "You have exceeded the daily rate limit (30000) of Heavy API requests permitted for this particular account. Try again later tomorrow."}`))
	c := kitClient(t, srv, sessionkit.WithMaxRetries(5))

	for i, wantSent := range []bool{true, false, false} {
		start := time.Now()
		err := kitCall(context.Background(), c, srv, sessionkit.Zoom)
		assert.Less(t, time.Since(start), 5*time.Second, "call %d returned at once", i)
		require.ErrorIs(t, err, sessionkit.ErrDailyLimit, "call %d", i)
		assert.False(t, sessionkit.IsRetryable(err), "call %d: a daily limit is not retryable", i)
		assert.False(t, sessionkit.IsRetryable(&sessionkit.PageError{Err: err}), "call %d, inside a PageError", i)
		var de *sessionkit.DailyLimitError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, sessionkit.Zoom, de.API)
		assert.Equal(t, wantSent, de.Sent, "call %d", i)
		assert.WithinDuration(t, reset, de.ResetAt, 2*time.Second, "ResetAt is the ISO 8601 Retry-After")
		var ae *sessionkit.APIError
		require.ErrorAs(t, err, &ae, "the answer that reported the limit")
		assert.Equal(t, http.StatusTooManyRequests, ae.StatusCode)
		assert.Equal(t, 1, ae.Attempts, "never retried")
		assert.NotContains(t, err.Error(), testKey)
	}
	assert.Equal(t, 1, srv.RequestCount(), "only the first call sent a request")
	require.NoError(t, kitCall(context.Background(), c, srv, sessionkit.Ductape), "other APIs are not held")
	assert.Equal(t, 2, srv.RequestCount())
	assert.False(t, sessionkit.IsRetryable(sessionkit.ErrDailyLimit))
	assert.True(t, errors.Is(&sessionkit.DailyLimitError{Err: &sessionkit.APIError{}}, sessionkit.ErrDailyLimit))
}

// A client made with With shares the pause the server asked of the
// original: the derived client's call waits too, and sends nothing.
func TestPauseSharedWithDerivedClient(t *testing.T) {
	srv := kitServer(t)
	srv.Fault(sessionkittest.Match{}, sessionkittest.Status(http.StatusTooManyRequests).RetryAfter("20").
		Body("application/json", `{"code": 429, "message": "Too many requests"}`), sessionkittest.Times(1))
	c := kitClient(t, srv, sessionkit.WithMaxRetries(0), sessionkit.WithRetryWait(time.Millisecond, time.Minute))
	require.Error(t, kitCall(context.Background(), c, srv, sessionkit.Zoom))
	d, err := c.With(sessionkit.WithMaxRetries(1))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, kitCall(ctx, d, srv, sessionkit.Zoom), context.DeadlineExceeded, "the 20 s pause holds the derived client")
	assert.Equal(t, 1, srv.RequestCount())
}
