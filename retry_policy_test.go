package sessionkit_test

// The retry policy: which statuses and connection errors are retried, how
// often, and Retry-After in each of its formats, honoured but bounded: a wait
// beyond the client's cap returns at once with what the server said. The
// answers are sessionkittest's fault rules, with each vendor's error body;
// a refused connection needs a port where nothing listens.

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
)

// ceilSecond rounds t up to a whole second, as an HTTP-date does.
func ceilSecond(t time.Time) time.Time {
	if r := t.Truncate(time.Second); !r.Equal(t) {
		return r.Add(time.Second)
	}
	return t
}

func TestRetryAfterIsHonoured(t *testing.T) {
	tests := []struct {
		name string
		// fault is Zoom's 429 with the Retry-After under test, built at
		// setup; earliest is the earliest time the next attempt may
		// arrive, given setup and the first attempt's arrival.
		fault    func(setup time.Time) sessionkittest.Fault
		earliest func(setup, first time.Time) time.Time
	}{
		{"delta-seconds",
			func(time.Time) sessionkittest.Fault { return sessionkittest.Status(429).RetryAfter("1") },
			func(_, first time.Time) time.Time { return first.Add(time.Second) }},
		{"HTTP-date",
			// The date is 1.5 s after the answer, rounded up to the second.
			func(time.Time) sessionkittest.Fault {
				return sessionkittest.Status(429).RetryAfterDate(1500 * time.Millisecond)
			},
			func(_, first time.Time) time.Time { return ceilSecond(first.Add(1500 * time.Millisecond)) }},
		{"ISO 8601 timestamp",
			func(setup time.Time) sessionkittest.Fault {
				return sessionkittest.Status(429).RetryAfter(isoMillis(setup))
			},
			func(setup, _ time.Time) time.Time {
				return setup.Add(400 * time.Millisecond).UTC().Truncate(time.Millisecond)
			}},
		{"ISO 8601 duration",
			func(time.Time) sessionkittest.Fault { return sessionkittest.Status(429).RetryAfter("PT0.4S") },
			func(_, first time.Time) time.Time { return first.Add(400 * time.Millisecond) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := kitServer(t)
			setup := time.Now()
			srv.Fault(sessionkittest.Match{API: sessionkittest.Zoom}, tt.fault(setup), sessionkittest.Times(1))
			// The backoff alone would retry after 1 ms: only Retry-After
			// makes the client wait.
			c := kitClient(t, srv, sessionkit.WithRetryWait(time.Millisecond, 5*time.Second))
			require.NoError(t, kitCall(context.Background(), c, srv, sessionkit.Zoom))
			reqs := srv.Requests()
			require.Len(t, reqs, 2)
			earliest := tt.earliest(setup, reqs[0].At)
			assert.False(t, reqs[1].At.Before(earliest),
				"second attempt at %s, before the %s the server asked for", reqs[1].At.Format(time.StampMilli), earliest.Format(time.StampMilli))
			assert.Less(t, reqs[1].At.Sub(earliest), 3*time.Second, "waited far longer than asked")
		})
	}
}

// isoMillis is the ISO 8601 timestamp, with milliseconds, 400 ms after t.
func isoMillis(t time.Time) string {
	return t.Add(400 * time.Millisecond).UTC().Truncate(time.Millisecond).Format("2006-01-02T15:04:05.000Z07:00")
}

func TestRetryAfterBeyondMaxReturnsAtOnce(t *testing.T) {
	const maxWait = 30 * time.Second
	const zoomDaily = `{"code":429,"message":"You have reached the maximum daily rate limit for this API. Refer to the response header for details on when you can make another request."}`
	tests := []struct {
		name   string
		status int
		fault  sessionkittest.Fault // Zoom's own error body unless it says another
		// want is what the server said (RetryAfter), within a second.
		want time.Duration
	}{
		{"delta-seconds 3600 over a 30 s cap", 429, sessionkittest.Status(429).RetryAfter("3600"), time.Hour},
		{"delta-seconds beyond int64", 429, sessionkittest.Status(429).RetryAfter("99999999999999999999999"), 100 * 365 * 24 * time.Hour},
		{"HTTP-date an hour ahead", 429, sessionkittest.Status(429).RetryAfterDate(time.Hour), time.Hour},
		{"ISO 8601 an hour ahead", 503, sessionkittest.Status(503).RetryAfterISO(time.Hour), time.Hour},
		{"X-RateLimit-Type: Daily-limit", 429, sessionkittest.Status(429).Header("X-RateLimit-Type", "Daily-limit").RetryAfter("5"), 5 * time.Second},
		{"Daily-limit without Retry-After", 429, sessionkittest.Status(429).Header("X-RateLimit-Type", "Daily-limit"), 0},
		{"Zoom message says daily", 429, sessionkittest.Status(429).RetryAfterISO(90*time.Minute).Body("application/json", zoomDaily), 90 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := kitServer(t)
			rule := srv.Fault(sessionkittest.Match{API: sessionkittest.Zoom}, tt.fault)
			c := kitClient(t, srv, sessionkit.WithRetryWait(time.Millisecond, maxWait), sessionkit.WithMaxRetries(5))
			start := time.Now()
			err := kitCall(context.Background(), c, srv, sessionkit.Zoom)
			assert.Less(t, time.Since(start), time.Second, "returned at once")
			assert.Equal(t, 1, srv.RequestCount(), "one request, no retry")
			assert.Equal(t, 1, rule.Hits())
			var ae *sessionkit.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, rule.Hits(), ae.Attempts)
			assert.Equal(t, tt.status, ae.StatusCode)
			assert.InDelta(t, tt.want.Seconds(), ae.RetryAfter.Seconds(), 2, "RetryAfter is what the server said")
		})
	}
}

func TestRetryPolicyByStatus(t *testing.T) {
	statuses := []int{400, 401, 403, 404, 405, 409, 410, 418, 422, 429, 500, 501, 502, 503, 504, 505}
	retried := map[int]bool{429: true, 500: true, 502: true, 503: true, 504: true}
	const maxRetries = 2
	for _, api := range allAPIs {
		for _, code := range statuses {
			t.Run(fmt.Sprintf("%s/%d", api, code), func(t *testing.T) {
				srv := kitServer(t)
				// Every attempt is answered code, in the vendor's body, with
				// a message that says which attempt it was.
				for n := 1; n <= maxRetries+1; n++ {
					srv.Fault(sessionkittest.Match{API: apis[api].kit, Request: n},
						sessionkittest.Status(code).Message(fmt.Sprintf("failure number %d", n)))
				}
				c := kitClient(t, srv, sessionkit.WithMaxRetries(maxRetries))
				err := kitCall(context.Background(), c, srv, api)
				want := 1
				if retried[code] {
					want = maxRetries + 1
				}
				assert.Equal(t, want, srv.RequestCount(), "requests")
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
	srv := kitServer(t)
	arthur := sessionkittest.Match{API: sessionkittest.Arthur}
	srv.Fault(arthur, sessionkittest.Status(http.StatusBadGateway), sessionkittest.Times(1))
	srv.Fault(arthur, sessionkittest.Status(http.StatusServiceUnavailable), sessionkittest.Times(1))
	c := kitClient(t, srv)
	require.NoError(t, kitCall(context.Background(), c, srv, sessionkit.Arthur))
	assert.Equal(t, 3, srv.RequestCount())
}

func TestConnectionErrorsAreRetried(t *testing.T) {
	// dropConn closes the connection before any answer; the kit's
	// Drop closes it halfway through the body.
	hangUp := sessionkittest.Handle(func(w http.ResponseWriter, _ *http.Request) { dropConn(w) })
	for name, drop := range map[string]sessionkittest.Fault{"before the answer": hangUp, "mid-body": sessionkittest.Drop()} {
		t.Run("dropped "+name+", then success", func(t *testing.T) {
			srv := kitServer(t)
			srv.Fault(sessionkittest.Match{API: sessionkittest.MonoCloud}, drop, sessionkittest.Times(2))
			c := kitClient(t, srv, sessionkit.WithMaxRetries(3))
			require.NoError(t, kitCall(context.Background(), c, srv, sessionkit.MonoCloud))
			assert.Equal(t, 3, srv.RequestCount())
		})
		t.Run("always dropped "+name, func(t *testing.T) {
			srv := kitServer(t)
			srv.Fault(sessionkittest.Match{API: sessionkittest.MonoCloud}, drop)
			c := kitClient(t, srv, sessionkit.WithMaxRetries(2))
			err := kitCall(context.Background(), c, srv, sessionkit.MonoCloud)
			require.Error(t, err)
			assert.Equal(t, 3, srv.RequestCount())
			assert.Contains(t, err.Error(), "after 3 attempt(s)")
		})
	}
	t.Run("connection refused", func(t *testing.T) {
		logs := &logCapture{}
		c := newTestClient(t, refusedURL(t), sessionkit.WithMaxRetries(2), sessionkit.WithLogger(logs.logger()))
		err := callPage(context.Background(), c, sessionkit.Ductape)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "after 3 attempt(s)")
		assert.Len(t, logs.records(), 3, "one record per attempt")
	})
}
