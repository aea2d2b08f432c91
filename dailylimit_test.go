package sessionkit_test

// Daily limits: a daily-limit answer is a typed error that says when the
// limit resets, later calls to that API fail fast without a request, and
// clients derived with With share the pause.

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
)

// A daily limit ends the call at once with an error that says when it
// resets, and every later call to that API fails the same way without a
// request; none of them is retryable.
func TestDailyLimitIsTypedFailsFastAndIsNotRetryable(t *testing.T) {
	reset := time.Now().Add(3 * time.Hour).UTC().Truncate(time.Second)
	srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.URL.Path, "videosdk") {
			writeJSON(w, http.StatusOK, singlePage(sessionkit.Ductape, 0, 1))
			return
		}
		w.Header().Set("X-RateLimit-Type", "Daily-limit")
		w.Header().Set("X-RateLimit-Category", "Heavy")
		w.Header().Set("X-RateLimit-Limit", "30000")
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("Retry-After", reset.Format(time.RFC3339))
		writeJSON(w, http.StatusTooManyRequests, `{"code": 429, "message": "You have exceeded the daily rate limit (30000) of Heavy API requests permitted for this particular account. Try again later tomorrow."}`)
	})
	c := newTestClient(t, srv.URL, sessionkit.WithMaxRetries(5))

	for i, wantSent := range []bool{true, false, false} {
		start := time.Now()
		err := callPage(context.Background(), c, sessionkit.Zoom)
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
	assert.Equal(t, 1, srv.count(), "only the first call sent a request")
	require.NoError(t, callPage(context.Background(), c, sessionkit.Ductape), "other APIs are not held")
	assert.Equal(t, 2, srv.count())
	assert.False(t, sessionkit.IsRetryable(sessionkit.ErrDailyLimit))
	assert.True(t, errors.Is(&sessionkit.DailyLimitError{Err: &sessionkit.APIError{}}, sessionkit.ErrDailyLimit))
}

// A client made with With shares the pause the server asked of the
// original: the derived client's call waits too, and sends nothing.
func TestPauseSharedWithDerivedClient(t *testing.T) {
	srv := newRecordingServer(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 0 {
			w.Header().Set("Retry-After", "20")
			writeJSON(w, http.StatusTooManyRequests, `{"code": 429, "message": "Too many requests"}`)
			return
		}
		writeJSON(w, http.StatusOK, singlePage(sessionkit.Zoom, 0, 1))
	})
	c := newTestClient(t, srv.URL, sessionkit.WithMaxRetries(0), sessionkit.WithRetryWait(time.Millisecond, time.Minute))
	require.Error(t, callPage(context.Background(), c, sessionkit.Zoom))
	d, err := c.With(sessionkit.WithMaxRetries(1))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, callPage(ctx, d, sessionkit.Zoom), context.DeadlineExceeded, "the 20 s pause holds the derived client")
	assert.Equal(t, 1, srv.count())
}
