package sessionkit_test

// The retry policy: which statuses and connection errors are retried, how
// often, and Retry-After in each of its formats, honoured but bounded: a wait
// beyond the client's cap returns at once with what the server said.

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
)

func TestRetryAfterIsHonoured(t *testing.T) {
	tests := []struct {
		name string
		// header returns the Retry-After value and the earliest time the
		// next attempt may arrive, given the first attempt's arrival.
		header func(first time.Time) (string, time.Time)
	}{
		{"delta-seconds", func(first time.Time) (string, time.Time) {
			return "1", first.Add(time.Second)
		}},
		{"HTTP-date", func(first time.Time) (string, time.Time) {
			at := first.Add(1500 * time.Millisecond).UTC().Truncate(time.Second)
			return at.Format(http.TimeFormat), at
		}},
		{"ISO 8601 timestamp", func(first time.Time) (string, time.Time) {
			at := first.Add(400 * time.Millisecond).UTC().Truncate(time.Millisecond)
			return at.Format("2006-01-02T15:04:05.000Z07:00"), at
		}},
		{"ISO 8601 duration", func(first time.Time) (string, time.Time) {
			return "PT0.4S", first.Add(400 * time.Millisecond)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var earliest time.Time
			srv := relServe(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if n == 0 {
					v, at := tt.header(time.Now())
					earliest = at
					w.Header().Set("Retry-After", v)
					relJSON(w, http.StatusTooManyRequests, `{"code":429,"message":"You have reached the maximum per-second rate limit for this API."}`)
					return
				}
				relJSON(w, http.StatusOK, relOKBody[sessionkit.Zoom])
			})
			// The backoff alone would retry after 1 ms: only Retry-After
			// makes the client wait.
			c := relClient(t, srv.URL, sessionkit.WithRetryWait(time.Millisecond, 5*time.Second))
			require.NoError(t, relCall(context.Background(), c, sessionkit.Zoom))
			reqs := srv.requests()
			require.Len(t, reqs, 2)
			assert.False(t, reqs[1].at.Before(earliest),
				"second attempt at %s, before the %s the server asked for", reqs[1].at.Format(time.StampMilli), earliest.Format(time.StampMilli))
			assert.Less(t, reqs[1].at.Sub(earliest), 3*time.Second, "waited far longer than asked")
		})
	}
}

func TestRetryAfterBeyondMaxReturnsAtOnce(t *testing.T) {
	const maxWait = 30 * time.Second
	tests := []struct {
		name   string
		status int
		header func() http.Header
		body   string
		// want is what the server said (RetryAfter), within a second.
		want time.Duration
	}{
		{"delta-seconds 3600 over a 30 s cap", 429, func() http.Header {
			return http.Header{"Retry-After": {"3600"}}
		}, `{"code":429,"message":"Too many requests"}`, time.Hour},
		{"delta-seconds beyond int64", 429, func() http.Header {
			return http.Header{"Retry-After": {"99999999999999999999999"}}
		}, `{"code":429,"message":"Too many requests"}`, 100 * 365 * 24 * time.Hour},
		{"HTTP-date an hour ahead", 429, func() http.Header {
			return http.Header{"Retry-After": {time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)}}
		}, `{"code":429,"message":"Too many requests"}`, time.Hour},
		{"ISO 8601 an hour ahead", 503, func() http.Header {
			return http.Header{"Retry-After": {time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}}
		}, `{"code":503,"message":"Unavailable"}`, time.Hour},
		{"X-RateLimit-Type: Daily-limit", 429, func() http.Header {
			return http.Header{"X-Ratelimit-Type": {"Daily-limit"}, "Retry-After": {"5"}}
		}, `{"code":429,"message":"Too many requests"}`, 5 * time.Second},
		{"Daily-limit without Retry-After", 429, func() http.Header {
			return http.Header{"X-Ratelimit-Type": {"Daily-limit"}}
		}, `{"code":429,"message":"Too many requests"}`, 0},
		{"Zoom message says daily", 429, func() http.Header {
			return http.Header{"Retry-After": {time.Now().Add(90 * time.Minute).UTC().Format(time.RFC3339)}}
		}, `{"code":429,"message":"You have reached the maximum daily rate limit for this API. Refer to the response header for details on when you can make another request."}`, 90 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := relServe(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				for k, v := range tt.header() {
					w.Header()[k] = v
				}
				relJSON(w, tt.status, tt.body)
			})
			c := relClient(t, srv.URL, sessionkit.WithRetryWait(time.Millisecond, maxWait), sessionkit.WithMaxRetries(5))
			start := time.Now()
			err := relCall(context.Background(), c, sessionkit.Zoom)
			assert.Less(t, time.Since(start), time.Second, "returned at once")
			assert.Equal(t, 1, srv.count(), "one request, no retry")
			var ae *sessionkit.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.status, ae.StatusCode)
			assert.Equal(t, 1, ae.Attempts)
			assert.InDelta(t, tt.want.Seconds(), ae.RetryAfter.Seconds(), 2, "RetryAfter is what the server said")
		})
	}
}

func TestRetryPolicyByStatus(t *testing.T) {
	statuses := []int{400, 401, 403, 404, 405, 409, 410, 418, 422, 429, 500, 501, 502, 503, 504, 505}
	retried := map[int]bool{429: true, 500: true, 502: true, 503: true, 504: true}
	const maxRetries = 2
	for _, api := range relAPIs {
		for _, code := range statuses {
			t.Run(fmt.Sprintf("%s/%d", api, code), func(t *testing.T) {
				srv := relServe(t, func(n int, w http.ResponseWriter, _ *http.Request) {
					relJSON(w, code, fmt.Sprintf(`{"message":"failure number %d","detail":"failure number %d"}`, n+1, n+1))
				})
				c := relClient(t, srv.URL, sessionkit.WithMaxRetries(maxRetries))
				err := relCall(context.Background(), c, api)
				want := 1
				if retried[code] {
					want = maxRetries + 1
				}
				assert.Equal(t, want, srv.count(), "requests")
				var ae *sessionkit.APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, code, ae.StatusCode)
				assert.Equal(t, want, ae.Attempts, "Attempts")
				assert.Contains(t, string(ae.Body), fmt.Sprintf("failure number %d", want), "the last attempt's body")
				assert.Contains(t, ae.Error(), fmt.Sprintf("failure number %d", want))
			})
		}
	}
}

func TestRetryRecovers(t *testing.T) {
	srv := relServe(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		switch n {
		case 0:
			relJSON(w, http.StatusBadGateway, `{"detail":"upstream"}`)
		case 1:
			relJSON(w, http.StatusServiceUnavailable, `{"detail":"busy"}`)
		default:
			relJSON(w, http.StatusOK, relOKBody[sessionkit.Arthur])
		}
	})
	c := relClient(t, srv.URL)
	require.NoError(t, relCall(context.Background(), c, sessionkit.Arthur))
	assert.Equal(t, 3, srv.count())
}

func TestConnectionErrorsAreRetried(t *testing.T) {
	t.Run("dropped connections, then success", func(t *testing.T) {
		srv := relServe(t, func(n int, w http.ResponseWriter, _ *http.Request) {
			if n < 2 {
				relDropConn(w)
				return
			}
			relJSON(w, http.StatusOK, relOKBody[sessionkit.MonoCloud])
		})
		c := relClient(t, srv.URL, sessionkit.WithMaxRetries(3))
		require.NoError(t, relCall(context.Background(), c, sessionkit.MonoCloud))
		assert.Equal(t, 3, srv.count())
	})
	t.Run("always dropped", func(t *testing.T) {
		srv := relServe(t, func(_ int, w http.ResponseWriter, _ *http.Request) { relDropConn(w) })
		c := relClient(t, srv.URL, sessionkit.WithMaxRetries(2))
		err := relCall(context.Background(), c, sessionkit.MonoCloud)
		require.Error(t, err)
		assert.Equal(t, 3, srv.count())
		assert.Contains(t, err.Error(), "after 3 attempt(s)")
	})
	t.Run("connection refused", func(t *testing.T) {
		logs := &relLogs{}
		c := relClient(t, relRefusedURL(t), sessionkit.WithMaxRetries(2), sessionkit.WithLogger(logs.logger()))
		err := relCall(context.Background(), c, sessionkit.Ductape)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "after 3 attempt(s)")
		assert.Len(t, logs.records(), 3, "one record per attempt")
	})
}
