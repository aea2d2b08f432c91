package sessionkit_test

// Reliability promises of issue 3: bounded Retry-After and retry policy
// (requirement 1), cancellable waits and hung servers (2), hostile bodies
// (6) and pagination faults (7). The helpers at the end (relClient,
// relServe, relPager, relWalk) are shared with leak_test.go, load_test.go
// and security_test.go.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/traces"
	"github.com/sessionkit/sessionkit-go/users"
)

// ---- Requirement 1: Retry-After, bounded; the retry policy ----

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

// ---- Requirement 2: every wait is cancellable; hung servers ----

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

// ---- Requirement 6: hostile bodies ----

func TestHugeBodiesAreBounded(t *testing.T) {
	const size = 50 << 20
	tests := []struct {
		name        string
		status      int
		contentType string
		length      bool
	}{
		{"error body with Content-Length", http.StatusBadRequest, "text/plain", true},
		{"chunked error body", http.StatusInternalServerError, "application/json", false},
		{"HTML page on a 200", http.StatusOK, "text/html", true},
		{"garbage on a 200", http.StatusOK, "application/json", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chunk := bytes.Repeat([]byte("x"), 64<<10)
			if tt.status == http.StatusOK && tt.contentType == "text/html" {
				copy(chunk, "<html><body>")
			}
			srv := relServe(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				if tt.length {
					w.Header().Set("Content-Length", strconv.Itoa(size))
				}
				w.WriteHeader(tt.status)
				for n := 0; n < size; n += len(chunk) {
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			})
			c := relClient(t, srv.URL, sessionkit.WithMaxRetries(0))
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()

			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			err := relCall(ctx, c, sessionkit.Arthur)
			took := time.Since(start)
			runtime.ReadMemStats(&after)

			require.Error(t, err)
			assert.NotErrorIs(t, err, context.DeadlineExceeded, "did not hang")
			assert.Less(t, took, 10*time.Second)
			allocated := after.TotalAlloc - before.TotalAlloc
			assert.Less(t, allocated, uint64(16<<20), "allocated %d MiB for a 50 MiB body", allocated>>20)
			assert.Less(t, len(err.Error()), 2048, "a short snippet")
			var ae *sessionkit.APIError
			if tt.status != http.StatusOK {
				require.ErrorAs(t, err, &ae)
				assert.Len(t, ae.Body, 1<<20, "error bodies are read up to 1 MiB")
				assert.LessOrEqual(t, len(ae.Message), 512)
			} else {
				assert.ErrorIs(t, err, sessionkit.ErrMalformedResponse)
			}
			runtime.KeepAlive(err)
		})
	}
}

func TestHostileBodies(t *testing.T) {
	type body struct {
		name        string
		status      int
		contentType string
		body        map[sessionkit.API]string // per API; "*" style: same for all when len 1
		truncate    bool                      // announce more bytes than sent, then drop the connection: a transport error
		wantAPIErr  bool
		snippet     string
	}
	all := func(s string) map[sessionkit.API]string {
		return map[sessionkit.API]string{sessionkit.Ductape: s, sessionkit.Zoom: s, sessionkit.Arthur: s, sessionkit.MonoCloud: s}
	}
	const proxyPage = `<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>`
	tests := []body{
		{name: "malformed JSON", status: 200, contentType: "application/json", body: all(`{"users": [{"id": "a",, }`), snippet: `{"users": [{"id": "a",, }`},
		{name: "truncated JSON", status: 200, contentType: "application/json", body: all(`{"count": 3, "users": [{"user_id": "u1"`), snippet: `{"count": 3, "users": [{"user_id": "u1"`},
		{name: "connection dropped mid-body", status: 200, contentType: "application/json", truncate: true,
			body: map[sessionkit.API]string{
				sessionkit.Ductape: `{"status": true, "data": {"users": [{"identifier": "u1"`, sessionkit.Zoom: `{"page_size": 30, "users": [{"id": "u1"`,
				sessionkit.Arthur: `{"count": 3, "users": [{"user_id": "u1"`, sessionkit.MonoCloud: `[{"session_id": "u1"`,
			}},
		{name: "HTML proxy page on a 200", status: 200, contentType: "text/html", body: all(proxyPage), snippet: "502 Bad Gateway"},
		{name: "HTML labelled JSON on a 200", status: 200, contentType: "application/json", body: all(proxyPage), snippet: "502 Bad Gateway"},
		{name: "HTML proxy page on a 502", status: 502, contentType: "text/html", body: all(proxyPage), wantAPIErr: true, snippet: "502 Bad Gateway"},
		{name: "XML on a 200", status: 200, contentType: "application/xml", body: all(`<?xml version="1.0"?><error>nope</error>`), snippet: "<error>nope</error>"},
		{name: "JSON null", status: 200, contentType: "application/json", body: all(`null`), snippet: "null"},
		{name: "empty body", status: 200, contentType: "application/json", body: all(``)},
		{name: "number where a string belongs", status: 200, contentType: "application/json", body: map[sessionkit.API]string{
			sessionkit.Ductape:   `{"status": true, "data": {"users": [{"identifier": 42}], "total": 1, "page": 1, "limit": 20, "totalPages": 1}}`,
			sessionkit.Zoom:      `{"page_size": 30, "users": [{"id": 42}]}`,
			sessionkit.Arthur:    `{"count": 1, "users": [{"user_id": 42}]}`,
			sessionkit.MonoCloud: `[{"session_id": 42}]`,
		}, snippet: "42"},
		{name: "object where a list belongs", status: 200, contentType: "application/json", body: map[sessionkit.API]string{
			sessionkit.Ductape:   `{"status": true, "data": {"users": {"a": 1}}}`,
			sessionkit.Zoom:      `{"page_size": 30, "users": {"a": 1}}`,
			sessionkit.Arthur:    `{"count": 1, "users": {"a": 1}}`,
			sessionkit.MonoCloud: `{"sessions": []}`,
		}, snippet: `{"`},
		{name: "malformed JSON error body", status: 404, contentType: "application/json", body: all(`{"message": "User not fou`), wantAPIErr: true, snippet: `{"message": "User not fou`},
		{name: "JSON null error body", status: 400, contentType: "application/json", body: all(`null`), wantAPIErr: true, snippet: "null"},
		{name: "wrong types in error body", status: 422, contentType: "application/problem+json",
			body: all(`{"code": {"x": 1}, "message": [1, 2], "detail": {"y": 2}, "errors": 7, "type": [], "title": null}`), wantAPIErr: true, snippet: `{"code"`},
	}
	for _, tt := range tests {
		for _, api := range relAPIs {
			t.Run(tt.name+"/"+api.String(), func(t *testing.T) {
				b := tt.body[api]
				srv := relServe(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
					w.Header().Set("Content-Type", tt.contentType)
					if tt.truncate {
						w.Header().Set("Content-Length", strconv.Itoa(len(b)+100))
						w.WriteHeader(tt.status)
						_, _ = w.Write([]byte(b))
						w.(http.Flusher).Flush()
						panic(http.ErrAbortHandler)
					}
					w.WriteHeader(tt.status)
					_, _ = w.Write([]byte(b))
				})
				c := relClient(t, srv.URL, sessionkit.WithMaxRetries(0))
				var err error
				require.NotPanics(t, func() { err = relCall(context.Background(), c, api) })
				require.Error(t, err)
				text := err.Error()
				assert.Contains(t, text, strconv.Itoa(tt.status), "names the status")
				assert.Less(t, len(text), 2048)
				if tt.truncate {
					assert.NotErrorIs(t, err, sessionkit.ErrMalformedResponse, "a body cut in transit is a transport failure")
					assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
					return
				}
				if tt.wantAPIErr {
					var ae *sessionkit.APIError
					require.ErrorAs(t, err, &ae)
					assert.Equal(t, tt.status, ae.StatusCode)
					assert.Contains(t, ae.Message, tt.snippet, "shows a snippet")
					assert.Contains(t, text, tt.snippet, "shows a snippet")
					return
				}
				require.ErrorIs(t, err, sessionkit.ErrMalformedResponse)
				var me *sessionkit.MalformedError
				require.ErrorAs(t, err, &me)
				assert.Equal(t, tt.status, me.StatusCode)
				assert.Contains(t, me.Snippet, tt.snippet, "shows a snippet")
				assert.Contains(t, text, strings.Trim(strconv.Quote(tt.snippet), `"`), "shows a snippet")
				assert.LessOrEqual(t, len(me.Snippet), 512)
			})
		}
	}
}

// TestNonUTF8ErrorPageKeepsASnippet: a proxy page in Latin-1 (not UTF-8)
// still gives a readable, bounded message.
func TestNonUTF8ErrorPageKeepsASnippet(t *testing.T) {
	page := "<html><body><h1>\xc9chec : service indisponible</h1>" + strings.Repeat("<p>r\xe9essayez plus tard</p>", 60) + "</body></html>"
	srv := relServe(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=iso-8859-1")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(page))
	})
	c := relClient(t, srv.URL, sessionkit.WithMaxRetries(0))
	err := relCall(context.Background(), c, sessionkit.MonoCloud)
	var ae *sessionkit.APIError
	require.ErrorAs(t, err, &ae)
	assert.Contains(t, ae.Message, "chec : service indisponible")
	assert.Contains(t, ae.Message, "essayez plus tard")
	assert.LessOrEqual(t, len(ae.Message), 512)
	assert.Contains(t, err.Error(), "service indisponible")
}

// ---- Requirement 7: pagination faults ----

func TestZoomRepeatedTokenIsALoop(t *testing.T) {
	tests := []struct {
		name string
		next func(page int) string // the token a page hands out
	}{
		{"same token again", func(int) string { return "tok-2" }},
		{"ping-pong", func(page int) string { return map[int]string{1: "tok-2", 2: "tok-3", 3: "tok-2"}[page] }},
		{"back to the start token", func(page int) string { return map[int]string{1: "tok-2", 2: "tok-1"}[page] }},
	}
	for _, tt := range tests {
		for _, prefetch := range []int{0, 4} {
			t.Run(fmt.Sprintf("%s/prefetch=%d", tt.name, prefetch), func(t *testing.T) {
				p := relNewPager(t, sessionkit.Zoom, 30)
				p.nextToken = tt.next
				p.fault = func(_ string, hit int) (int, string) {
					if hit >= 3 { // a client that loops fails here instead of hanging
						return http.StatusGone, `{"code": 410, "message": "looping"}`
					}
					return 0, ""
				}
				c := relClient(t, p.URL(), sessionkit.WithPrefetch(prefetch))
				start := relStart{}
				if tt.name == "back to the start token" {
					start.token = "tok-1"
				}
				n, err := relDrain(relWalk(context.Background(), c, sessionkit.Zoom, start, 3))
				require.ErrorIs(t, err, sessionkit.ErrPaginationLoop)
				assert.LessOrEqual(t, p.count(), 3, "requests")
				assert.Positive(t, n)
				var pe *sessionkit.PageError
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, n, pe.Yielded)
			})
		}
	}
}

func TestZoomRejectedTokenIsExpired(t *testing.T) {
	const rejected = `{"code": 300, "message": "The next page token is invalid or expired."}`
	t.Run("iterator", func(t *testing.T) {
		p := relNewPager(t, sessionkit.Zoom, 9)
		p.fault = func(key string, _ int) (int, string) {
			if key == "tok-2" {
				return http.StatusBadRequest, rejected
			}
			return 0, ""
		}
		c := relClient(t, p.URL())
		n, err := relDrain(relWalk(context.Background(), c, sessionkit.Zoom, relStart{}, 3))
		assert.Equal(t, 3, n)
		require.ErrorIs(t, err, sessionkit.ErrPageTokenExpired)
		var pe *sessionkit.PageError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, "tok-2", pe.PageToken)
		assert.Equal(t, 3, pe.Yielded)
		var ae *sessionkit.APIError
		require.ErrorAs(t, err, &ae, "the API error stays reachable")
		assert.Equal(t, http.StatusBadRequest, ae.StatusCode)
		assert.Equal(t, "300", ae.Code)
		assert.Equal(t, 2, p.count(), "a 400 is not retried")
	})
	t.Run("ListUsers", func(t *testing.T) {
		srv := relServe(t, func(_ int, w http.ResponseWriter, _ *http.Request) { relJSON(w, http.StatusBadRequest, rejected) })
		c := relClient(t, srv.URL)
		_, err := c.Sessions.ListUsers(context.Background(), "sess-1", sessions.ListUsersOptions{NextPageToken: "stale"})
		require.ErrorIs(t, err, sessionkit.ErrPageTokenExpired)
		var ae *sessionkit.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "300", ae.Code)
		_, err = c.Sessions.ListUsers(context.Background(), "sess-1", sessions.ListUsersOptions{})
		assert.NotErrorIs(t, err, sessionkit.ErrPageTokenExpired, "no token was sent")
	})
}

func TestOverstatedTotalsEndCleanly(t *testing.T) {
	for _, prefetch := range []int{0, 4} {
		t.Run(fmt.Sprintf("prefetch=%d", prefetch), func(t *testing.T) {
			p := relNewPager(t, sessionkit.Ductape, 30)
			p.totalPages = 5
			p.emptyFrom = 3
			c := relClient(t, p.URL(), sessionkit.WithPrefetch(prefetch))
			var got []string
			for id, err := range relWalk(context.Background(), c, sessionkit.Ductape, relStart{}, 3) {
				require.NoError(t, err)
				got = append(got, id)
			}
			assert.Equal(t, relIDs(0, 6), got, "pages 1 and 2, then the empty page 3 ends the walk")
			if prefetch == 0 {
				assert.Equal(t, 3, p.count())
			}
		})
	}
}

// TestPageErrorResume: an iterator's error is a *PageError that says where
// to resume and how many items came before; a fresh iterator started there
// finishes the walk.
func TestPageErrorResume(t *testing.T) {
	tests := []struct {
		api       sessionkit.API
		failAt    string   // page key of the failing request
		wantPage  int      // PageError.Page
		wantToken string   // PageError.PageToken
		resume    relStart // where the fresh iterator starts
	}{
		{sessionkit.Ductape, "3", 3, "", relStart{page: 3}},
		{sessionkit.Zoom, "tok-3", 0, "tok-3", relStart{token: "tok-3"}},
		{sessionkit.Arthur, "2", 2, "", relStart{page: 2}}, // 0-based
		{sessionkit.MonoCloud, "3", 3, "", relStart{page: 3}},
	}
	for _, tt := range tests {
		for _, prefetch := range []int{0, 4} {
			t.Run(fmt.Sprintf("%s/prefetch=%d", tt.api, prefetch), func(t *testing.T) {
				p := relNewPager(t, tt.api, 10) // pages of 3, 3, 3, 1
				var mu sync.Mutex
				failed := false
				p.fault = func(key string, _ int) (int, string) {
					mu.Lock()
					defer mu.Unlock()
					if key == tt.failAt && !failed {
						failed = true
						return http.StatusInternalServerError, `{"message":"boom","detail":"boom"}`
					}
					return 0, ""
				}
				c := relClient(t, p.URL(), sessionkit.WithPrefetch(prefetch), sessionkit.WithMaxRetries(0))

				var got []string
				var walkErr error
				for id, err := range relWalk(context.Background(), c, tt.api, relStart{}, 3) {
					if err != nil {
						walkErr = err
						continue // nothing more may come
					}
					require.NoError(t, walkErr, "an item after the error")
					got = append(got, id)
				}
				require.Error(t, walkErr)
				pe, ok := walkErr.(*sessionkit.PageError)
				require.True(t, ok, "the iterator's error is a *PageError, got %T", walkErr)
				assert.Equal(t, tt.wantPage, pe.Page, "Page")
				assert.Equal(t, tt.wantToken, pe.PageToken, "PageToken")
				assert.Equal(t, 6, pe.Yielded, "Yielded")
				assert.Equal(t, relIDs(0, 6), got)
				var ae *sessionkit.APIError
				require.ErrorAs(t, walkErr, &ae)
				assert.Equal(t, http.StatusInternalServerError, ae.StatusCode)

				start := relStart{page: pe.Page, token: pe.PageToken}
				assert.Equal(t, tt.resume, start)
				for id, err := range relWalk(context.Background(), c, tt.api, start, 3) {
					require.NoError(t, err)
					got = append(got, id)
				}
				assert.Equal(t, relIDs(0, 10), got, "the resumed walk continues where the first stopped")
			})
		}
	}
}

// ============================================================================
// Helpers shared by the reliability, leak, load and security tests.
// ============================================================================

const (
	relKey       = "sk-rel-SECRET-key-7f3a9c"
	relWorkspace = "ws_rel"
)

var relAPIs = []sessionkit.API{sessionkit.Ductape, sessionkit.Zoom, sessionkit.Arthur, sessionkit.MonoCloud}

// relOKBody is a valid, empty single-page answer of each API.
var relOKBody = map[sessionkit.API]string{
	sessionkit.Ductape:   `{"status": true, "data": {"users": [], "total": 0, "page": 1, "limit": 20, "totalPages": 0}}`,
	sessionkit.Zoom:      `{"page_size": 30, "next_page_token": "", "users": []}`,
	sessionkit.Arthur:    `{"count": 0, "users": []}`,
	sessionkit.MonoCloud: `[]`,
}

// relClient returns a client whose every API points at base, with the test
// key and fast retries.
func relClient(t testing.TB, base string, opts ...sessionkit.Option) *sessionkit.Client {
	t.Helper()
	all := append([]sessionkit.Option{
		sessionkit.WithBaseURL(base),
		sessionkit.WithAPIKey(relKey),
		sessionkit.WithWorkspaceID(relWorkspace),
		sessionkit.WithRetryWait(time.Millisecond, 20*time.Millisecond),
	}, opts...)
	c, err := sessionkit.NewClient(all...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// relCall makes one single-page call to api.
func relCall(ctx context.Context, c *sessionkit.Client, api sessionkit.API) error {
	var err error
	switch api {
	case sessionkit.Ductape:
		_, err = c.Sessions.FetchUsers(ctx, sessions.FetchUsersOptions{Product: "p", Session: "s"})
	case sessionkit.Zoom:
		_, err = c.Sessions.ListUsers(ctx, "sess-1", sessions.ListUsersOptions{})
	case sessionkit.Arthur:
		_, err = c.Traces.Users(ctx, traces.UsersOptions{TaskIDs: []string{"t1"}})
	default:
		_, err = c.Users.Sessions(ctx, "u1", users.SessionsOptions{})
	}
	return err
}

func relJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// relDropConn closes the connection without an answer.
func relDropConn(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

type relRequest struct {
	at     time.Time
	uri    string
	header http.Header
}

// relServer is an httptest server that records requests and answers with
// a function of the request's index.
type relServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []relRequest
}

func relServe(t testing.TB, h func(n int, w http.ResponseWriter, r *http.Request)) *relServer {
	t.Helper()
	s := &relServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		n := len(s.reqs)
		s.reqs = append(s.reqs, relRequest{at: time.Now(), uri: r.RequestURI, header: r.Header.Clone()})
		s.mu.Unlock()
		h(n, w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *relServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.reqs)
}

func (s *relServer) requests() []relRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]relRequest(nil), s.reqs...)
}

// relRefusedURL returns the URL of a port where nothing listens.
func relRefusedURL(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return "http://" + addr
}

// relHungServer returns the URL of a server that accepts connections and
// never answers.
func relHungServer(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return "http://" + ln.Addr().String()
}

// relIDs returns the item IDs from index lo (inclusive) to hi.
func relIDs(lo, hi int) []string {
	out := make([]string, 0, hi-lo)
	for i := lo; i < hi; i++ {
		out = append(out, relID(i))
	}
	return out
}

func relID(i int) string { return fmt.Sprintf("item-%03d", i) }

// relStart is where a walk starts: a page number or a Zoom token.
type relStart struct {
	page  int
	token string
}

// relWalk walks api's listing with its iterator and yields item IDs.
func relWalk(ctx context.Context, c *sessionkit.Client, api sessionkit.API, start relStart, size int) iter.Seq2[string, error] {
	switch api {
	case sessionkit.Ductape:
		return relMap(c.Sessions.FetchUsersIter(ctx, sessions.FetchUsersOptions{Product: "p", Session: "s", Page: start.page, Limit: size}),
			func(u sessions.User) string { return u.Identifier })
	case sessionkit.Zoom:
		return relMap(c.Sessions.ListUsersIter(ctx, "sess-1", sessions.ListUsersOptions{PageSize: size, NextPageToken: start.token}),
			func(u sessions.VideoUser) string { return u.ID })
	case sessionkit.Arthur:
		return relMap(c.Traces.UsersIter(ctx, traces.UsersOptions{TaskIDs: []string{"t1"}, PageSize: size, Page: start.page}),
			func(u traces.UserMetadata) string { return u.UserID })
	default:
		return relMap(c.Users.SessionsIter(ctx, "u1", users.SessionsOptions{Page: start.page, Size: size}),
			func(s users.Session) string { return s.SessionID })
	}
}

func relMap[T any](seq iter.Seq2[T, error], id func(T) string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for v, err := range seq {
			s := ""
			if err == nil {
				s = id(v)
			}
			if !yield(s, err) {
				return
			}
		}
	}
}

// relDrain consumes seq and returns the number of items and the first
// error.
func relDrain(seq iter.Seq2[string, error]) (int, error) {
	n := 0
	for _, err := range seq {
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// relPager is a fake of one API's listing endpoint: items relID(0) ... in
// pages of the requested size, with hooks for faults.
type relPager struct {
	t     testing.TB
	api   sessionkit.API
	n     int
	srv   *relServer
	stall chan struct{} // closed to release stalled requests

	// totalPages overrides Ductape's totalPages when > 0.
	totalPages int
	// emptyFrom makes pages from this number on empty (page-number APIs).
	emptyFrom int
	// nextToken overrides the token Zoom page k (1-based) hands out.
	nextToken func(page int) string
	// fault, when it returns a status, answers the request for page key
	// (the page number as text, or Zoom's token, "" for the first page)
	// with that status and body; hit counts earlier requests for key.
	fault func(key string, hit int) (int, string)
	// stallAt makes requests for page key block until the client gives up
	// or the test ends.
	stallAt func(key string) bool
	// latency delays every answer.
	latency time.Duration

	mu   sync.Mutex
	hits map[string]int
}

func relNewPager(t testing.TB, api sessionkit.API, n int) *relPager {
	t.Helper()
	p := &relPager{t: t, api: api, n: n, hits: map[string]int{}, stall: make(chan struct{})}
	p.srv = relServe(t, func(_ int, w http.ResponseWriter, r *http.Request) { p.serve(w, r) })
	// Registered after relServe's Close, so it runs first.
	t.Cleanup(p.release)
	return p
}

func (p *relPager) URL() string { return p.srv.URL }

func (p *relPager) count() int { return p.srv.count() }

var relReleaseMu sync.Mutex

// release unblocks stalled requests.
func (p *relPager) release() {
	relReleaseMu.Lock()
	defer relReleaseMu.Unlock()
	select {
	case <-p.stall:
	default:
		close(p.stall)
	}
}

func (p *relPager) serve(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	intQ := func(key string, def int) int {
		if v, err := strconv.Atoi(q.Get(key)); err == nil {
			return v
		}
		return def
	}
	var key string
	var page, size int // page is 1-based here
	switch p.api {
	case sessionkit.Ductape:
		page, size = intQ("page", 1), intQ("limit", 20)
		key = strconv.Itoa(page)
	case sessionkit.Zoom:
		key = q.Get("next_page_token")
		page, size = 1, intQ("page_size", 30)
		if key != "" {
			page = 2 // any other token stands for the second page
			if k, err := strconv.Atoi(strings.TrimPrefix(key, "tok-")); err == nil {
				page = k
			}
		}
	case sessionkit.Arthur:
		page0 := intQ("page", 0)
		page, size = page0+1, intQ("page_size", 10)
		key = strconv.Itoa(page0)
	default:
		page, size = intQ("page", 1), intQ("size", 10)
		key = strconv.Itoa(page)
	}
	p.mu.Lock()
	hit := p.hits[key]
	p.hits[key]++
	p.mu.Unlock()
	if p.latency > 0 {
		time.Sleep(p.latency)
	}
	if p.stallAt != nil && p.stallAt(key) {
		select {
		case <-r.Context().Done():
		case <-p.stall:
		}
		return
	}
	if p.fault != nil {
		if status, body := p.fault(key, hit); status != 0 {
			relJSON(w, status, body)
			return
		}
	}
	lo := min((page-1)*size, p.n)
	hi := min(lo+size, p.n)
	if p.emptyFrom > 0 && page >= p.emptyFrom {
		lo, hi = 0, 0
	}
	pages := (p.n + size - 1) / size
	var items []string
	for i := lo; i < hi; i++ {
		items = append(items, relItem(p.api, i))
	}
	list := "[" + strings.Join(items, ",") + "]"
	switch p.api {
	case sessionkit.Ductape:
		total := pages
		if p.totalPages > 0 {
			total = p.totalPages
		}
		relJSON(w, http.StatusOK, fmt.Sprintf(`{"status": true, "data": {"users": %s, "total": %d, "page": %d, "limit": %d, "totalPages": %d}}`,
			list, p.n, page, size, total))
	case sessionkit.Zoom:
		next := ""
		if page < pages {
			next = fmt.Sprintf("tok-%d", page+1)
		}
		if p.nextToken != nil {
			next = p.nextToken(page)
		}
		relJSON(w, http.StatusOK, fmt.Sprintf(`{"page_size": %d, "next_page_token": %q, "users": %s}`, size, next, list))
	case sessionkit.Arthur:
		relJSON(w, http.StatusOK, fmt.Sprintf(`{"count": %d, "users": %s}`, p.n, list))
	default:
		w.Header().Set("X-Pagination", fmt.Sprintf(`{"total_count": %d, "page_size": %d, "current_page": %d, "has_next": %t, "has_previous": %t}`,
			p.n, size, page, page < pages, page > 1))
		relJSON(w, http.StatusOK, list)
	}
}

// relItem is item i in api's JSON shape.
func relItem(api sessionkit.API, i int) string {
	id := relID(i)
	switch api {
	case sessionkit.Ductape:
		return fmt.Sprintf(`{"_id": "d%d", "identifier": %q, "first_seen": "2026-10-01T09:12:44.120Z"}`, i, id)
	case sessionkit.Zoom:
		return fmt.Sprintf(`{"id": %q, "name": "user %d", "join_time": "2021-12-07T05:42:28Z"}`, id, i)
	case sessionkit.Arthur:
		return fmt.Sprintf(`{"user_id": %q, "task_id": "t1", "earliest_start_time": "2026-11-20T09:30:00.250000"}`, id)
	default:
		return fmt.Sprintf(`{"session_id": %q, "initiated_at": 1640975400, "last_metadata": {"country": null}}`, id)
	}
}

// relLogs captures every slog record at Debug level, rendered as text
// with all attributes, one line per record.
type relLogs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *relLogs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *relLogs) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func (l *relLogs) records() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := strings.TrimSpace(l.buf.String())
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
