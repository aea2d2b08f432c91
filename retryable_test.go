package sessionkit_test

// Which answers are retried: each status, header and transport failure,
// per API, against the retry budget and the Retry-After the server sends.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/users"
)

// retryStatusKit starts a kit that answers every request to api with f,
// and returns a client of it and api's single-page call on that client.
func retryStatusKit(t *testing.T, api sessionkit.API, f sessionkittest.Fault, opts ...sessionkit.Option) (*sessionkit.Client, func(context.Context) error) {
	t.Helper()
	srv := kitServer(t)
	srv.Fault(sessionkittest.Match{API: apis[api].kit}, f)
	c := kitClient(t, srv, opts...)
	return c, func(ctx context.Context) error { return kitCall(ctx, c, srv, api) }
}

type retryCase struct {
	name string
	// produce makes the SDK return an error for real; it must not be nil.
	produce func(t *testing.T) error
	want    bool
}

// retryStatusCases makes one case per API and status.
func retryStatusCases() []retryCase {
	var cases []retryCase
	retryable := map[int]bool{429: true, 500: true, 502: true, 503: true, 504: true}
	for _, api := range allAPIs {
		for _, status := range []int{400, 401, 402, 403, 404, 405, 409, 410, 422, 429, 500, 501, 502, 503, 504, 505} {
			cases = append(cases, retryCase{
				name: fmt.Sprintf("status %d/%s", status, api),
				produce: func(t *testing.T) error {
					_, call := retryStatusKit(t, api, sessionkittest.Status(status), sessionkit.WithMaxRetries(1))
					err := call(context.Background())
					var apiErr *sessionkit.APIError
					require.ErrorAs(t, err, &apiErr)
					require.Equal(t, status, apiErr.StatusCode)
					return err
				},
				want: retryable[status],
			})
		}
	}
	return cases
}

func TestIsRetryable(t *testing.T) {
	const zoomDaily = `{"code": 429, "message": "You have reached the maximum daily rate limit for this API. Refer to the response header for details on when you can make another request."}`
	cases := retryStatusCases()
	cases = append(cases, []retryCase{
		{"nil", func(*testing.T) error { return nil }, false},

		// ---- 429s ----
		{"429 per-second limit with a short Retry-After", func(t *testing.T) error {
			_, call := retryStatusKit(t, sessionkit.Zoom, sessionkittest.Status(429).RetryAfter("0").Header("X-Ratelimit-Type", "QPS").
				Body("application/json", `{"code": 429, "message": "You have reached the maximum per-second rate limit for this API. Try again later."}`), sessionkit.WithMaxRetries(1))
			return call(context.Background())
		}, true},
		{"429 daily limit by X-RateLimit-Type/zoom", func(t *testing.T) error {
			_, call := retryStatusKit(t, sessionkit.Zoom, sessionkittest.Status(429).Header("X-Ratelimit-Type", "Daily-limit").
				Body("application/json", `{"code": 429, "message": "Too many requests"}`))
			return call(context.Background())
		}, false},
		{"429 daily limit by message/zoom", func(t *testing.T) error {
			_, call := retryStatusKit(t, sessionkit.Zoom, sessionkittest.Status(429).Body("application/json", zoomDaily))
			return call(context.Background())
		}, false},
		{"429 daily limit by message/ductape", func(t *testing.T) error {
			_, call := retryStatusKit(t, sessionkit.Ductape, sessionkittest.Status(429).Body("application/json", `{"status": false, "message": "Daily quota exceeded"}`))
			return call(context.Background())
		}, false},
		{"429 whose Retry-After is longer than the SDK may wait", func(t *testing.T) error {
			_, call := retryStatusKit(t, sessionkit.Arthur, sessionkittest.Status(429).RetryAfter("3600").Body("application/json", `{"detail": "slow down"}`),
				sessionkit.WithMaxRetries(3))
			err := call(context.Background())
			var apiErr *sessionkit.APIError
			require.ErrorAs(t, err, &apiErr)
			require.Equal(t, 1, apiErr.Attempts, "the SDK gave up at once")
			require.Equal(t, time.Hour, apiErr.RetryAfter)
			return err
		}, true},

		// ---- bodies ----
		{"Ductape 200 whose envelope says status false", func(t *testing.T) error {
			srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, http.StatusOK, `{"status": false, "message": "User not found", "code": "USER_NOT_FOUND"}`)
			})
			return callPage(context.Background(), newTestClient(t, srv.URL), sessionkit.Ductape)
		}, false},
		{"malformed 200", func(t *testing.T) error {
			srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, http.StatusOK, `{"users": [{"id": "a",, }`)
			})
			err := callPage(context.Background(), newTestClient(t, srv.URL), sessionkit.MonoCloud)
			require.ErrorIs(t, err, sessionkit.ErrMalformedResponse)
			return err
		}, false},
		{"HTML 200", func(t *testing.T) error {
			srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				_, _ = w.Write([]byte("<html><body>502 Bad Gateway</body></html>"))
			})
			err := callPage(context.Background(), newTestClient(t, srv.URL), sessionkit.Zoom)
			require.ErrorIs(t, err, sessionkit.ErrMalformedResponse)
			return err
		}, false},
		{"200 body cut short by a dropped connection", func(t *testing.T) error {
			srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Length", "500")
				_, _ = w.Write([]byte(`{"count": 3, "users": [{"user_id": "u1"`))
				w.(http.Flusher).Flush()
				panic(http.ErrAbortHandler)
			})
			err := callPage(context.Background(), newTestClient(t, srv.URL), sessionkit.Arthur)
			require.ErrorIs(t, err, io.ErrUnexpectedEOF, "a body cut off in transit is a transport failure")
			require.NotErrorIs(t, err, sessionkit.ErrMalformedResponse)
			return err
		}, true},

		// ---- transport ----
		{"connection dropped before an answer", func(t *testing.T) error {
			srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { dropConn(w) })
			return callPage(context.Background(), newTestClient(t, srv.URL, sessionkit.WithMaxRetries(1)), sessionkit.MonoCloud)
		}, true},
		{"connection refused", func(t *testing.T) error {
			return callPage(context.Background(), newTestClient(t, refusedURL(t), sessionkit.WithMaxRetries(1)), sessionkit.Ductape)
		}, true},
		{"too many redirects", func(t *testing.T) error {
			srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, r.URL.String(), http.StatusFound)
			})
			err := callPage(context.Background(), newTestClient(t, srv.URL), sessionkit.Arthur)
			require.ErrorContains(t, err, "redirects")
			return err
		}, false},
		{"credential that cannot be obtained", func(t *testing.T) error {
			srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, http.StatusOK, apis[sessionkit.Arthur].emptyBody)
			})
			c := newTestClient(t, srv.URL, sessionkit.WithTokenFunc(func(context.Context) (string, error) { return "", errors.New("vault sealed") }))
			err := callPage(context.Background(), c, sessionkit.Arthur)
			require.ErrorContains(t, err, "vault sealed")
			return err
		}, false},

		// ---- timeouts and the caller's context ----
		{"attempt timeout (WithAttemptTimeout) awaiting headers", func(t *testing.T) error {
			c := newTestClient(t, hungServerURL(t), sessionkit.WithAttemptTimeout(50*time.Millisecond), sessionkit.WithMaxRetries(1))
			err := callPage(context.Background(), c, sessionkit.Zoom)
			require.ErrorIs(t, err, sessionkit.ErrAttemptTimeout)
			require.NotErrorIs(t, err, context.DeadlineExceeded, "the caller's deadline is not the attempt's")
			return err
		}, true},
		{"attempt timeout (WithHTTPClient's Timeout) awaiting headers", func(t *testing.T) error {
			c := newTestClient(t, hungServerURL(t), sessionkit.WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond}), sessionkit.WithMaxRetries(0))
			return callPage(context.Background(), c, sessionkit.MonoCloud)
		}, true},
		{"caller's deadline while awaiting headers", func(t *testing.T) error {
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			return callPage(ctx, newTestClient(t, hungServerURL(t)), sessionkit.Ductape)
		}, false},
		{"caller's deadline shorter than the attempt timeout", func(t *testing.T) error {
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			return callPage(ctx, newTestClient(t, hungServerURL(t), sessionkit.WithAttemptTimeout(10*time.Second)), sessionkit.Ductape)
		}, false},
		{"caller's cancel while awaiting headers", func(t *testing.T) error {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(30*time.Millisecond, cancel)
			return callPage(ctx, newTestClient(t, hungServerURL(t)), sessionkit.MonoCloud)
		}, false},
		{"caller's cancel before the call", func(t *testing.T) error {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return callPage(ctx, newTestClient(t, refusedURL(t)), sessionkit.Zoom)
		}, false},
		{"caller's cancel while waiting to retry a 503", func(t *testing.T) error {
			ctx, cancel := context.WithCancel(context.Background())
			srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				time.AfterFunc(30*time.Millisecond, cancel)
				writeJSON(w, http.StatusServiceUnavailable, `{"detail": "busy"}`)
			})
			c := newTestClient(t, srv.URL, sessionkit.WithRetryWait(10*time.Second, 10*time.Second))
			err := callPage(ctx, c, sessionkit.Arthur)
			var apiErr *sessionkit.APIError
			require.ErrorAs(t, err, &apiErr, "the error also holds the last 503")
			require.ErrorIs(t, err, context.Canceled)
			return err
		}, false},
		{"caller's deadline during a Retry-After wait", func(t *testing.T) error {
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			_, call := retryStatusKit(t, sessionkit.Zoom, sessionkittest.Status(429).RetryAfter("5").Body("application/json", `{"code": 429, "message": "per-second rate limit"}`),
				sessionkit.WithRetryWait(time.Millisecond, 10*time.Second))
			return call(ctx)
		}, false},
		{"WithRateLimit turn after the caller's deadline", func(t *testing.T) error {
			srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, http.StatusOK, apis[sessionkit.Arthur].emptyBody)
			})
			c := newTestClient(t, srv.URL, sessionkit.WithRateLimit(0.01, 1))
			require.NoError(t, callPage(context.Background(), c, sessionkit.Arthur))
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			err := callPage(ctx, c, sessionkit.Arthur)
			require.ErrorContains(t, err, "WithRateLimit")
			return err
		}, false},

		// ---- before any request, and walks ----
		{"validation error", func(t *testing.T) error {
			c := newTestClient(t, refusedURL(t))
			_, err := c.Sessions.FetchUsers(context.Background(), sessions.FetchUsersOptions{Session: "s"})
			require.ErrorIs(t, err, sessionkit.ErrInvalidOptions)
			return err
		}, false},
		{"validation error from an iterator", func(t *testing.T) error {
			c := newTestClient(t, refusedURL(t))
			_, err := sessionkit.Collect(c.Sessions.ListUsersIter(context.Background(), "s", sessions.ListUsersOptions{PageSize: 301}))
			require.ErrorIs(t, err, sessionkit.ErrInvalidOptions)
			return err
		}, false},
		{"pagination loop", func(t *testing.T) error {
			srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, http.StatusOK, `{"page_size": 1, "next_page_token": "same", "users": [{"id": "u"}]}`)
			})
			_, err := sessionkit.Collect(newTestClient(t, srv.URL).Sessions.ListUsersIter(context.Background(), "s", sessions.ListUsersOptions{}))
			require.ErrorIs(t, err, sessionkit.ErrPaginationLoop)
			return err
		}, false},
		{"expired page token", func(t *testing.T) error {
			c, _ := retryStatusKit(t, sessionkit.Zoom, sessionkittest.Status(400).Body("application/json", `{"code": 300, "message": "The next page token is invalid or expired."}`))
			_, err := c.Sessions.ListUsers(context.Background(), "s", sessions.ListUsersOptions{NextPageToken: "old"})
			require.ErrorIs(t, err, sessionkit.ErrPageTokenExpired)
			return err
		}, false},
		{"503 in a PageError", func(t *testing.T) error {
			srv := newRecordingServer(t, func(n int, w http.ResponseWriter, _ *http.Request) {
				if n == 0 {
					writeJSON(w, http.StatusOK, `{"page_size": 1, "next_page_token": "t2", "users": [{"id": "u1"}]}`)
					return
				}
				writeJSON(w, http.StatusServiceUnavailable, `{"code": 503, "message": "busy"}`)
			})
			_, err := sessionkit.Collect(newTestClient(t, srv.URL, sessionkit.WithMaxRetries(0)).Sessions.ListUsersIter(context.Background(), "s", sessions.ListUsersOptions{}))
			var pe *sessionkit.PageError
			require.ErrorAs(t, err, &pe)
			require.Equal(t, "t2", pe.PageToken)
			return err
		}, true},
		{"404 in a PageError", func(t *testing.T) error {
			c, _ := retryStatusKit(t, sessionkit.MonoCloud, sessionkittest.Status(404))
			_, err := sessionkit.Collect(c.Users.SessionsIter(context.Background(), "u1", users.SessionsOptions{}))
			var pe *sessionkit.PageError
			require.ErrorAs(t, err, &pe)
			return err
		}, false},
		{"503 wrapped by the caller with %w", func(t *testing.T) error {
			_, call := retryStatusKit(t, sessionkit.Ductape, sessionkittest.Status(503), sessionkit.WithMaxRetries(0))
			return fmt.Errorf("export users: %w", call(context.Background()))
		}, true},
		{"cancel joined with a 503", func(t *testing.T) error {
			_, call := retryStatusKit(t, sessionkit.Ductape, sessionkittest.Status(503), sessionkit.WithMaxRetries(0))
			return errors.Join(call(context.Background()), context.Canceled)
		}, false},
	}...)

	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.produce(t)
			if tt.name != "nil" {
				require.Error(t, err)
			}
			assert.Equal(t, tt.want, sessionkit.IsRetryable(err), "IsRetryable(%v)", err)
			if err != nil {
				pe := &sessionkit.PageError{Page: 2, Yielded: 10, Err: err}
				assert.Equal(t, tt.want, sessionkit.IsRetryable(pe), "the same inside a *PageError")
			}
		})
	}
}
