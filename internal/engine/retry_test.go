package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var rtNow = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

func TestParseRetryAfter(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want time.Duration
		ok   bool
	}{
		{"delta seconds", "120", 120 * time.Second, true},
		{"delta seconds zero", "0", 0, true},
		{"delta seconds padded", "  7 ", 7 * time.Second, true},
		{"delta seconds huge is clamped", "999999999999999999", maxWait, true},
		{"delta seconds beyond int64 is clamped", "99999999999999999999999", maxWait, true},
		{"delta seconds beyond int64, padded", " 18446744073709551616 ", maxWait, true},
		{"delta seconds negative beyond int64", "-99999999999999999999999", 0, false},
		{"delta seconds negative", "-5", 0, false},
		{"HTTP-date IMF-fixdate", "Fri, 20 Nov 2026 10:00:30 GMT", 30 * time.Second, true},
		{"HTTP-date RFC 850", "Friday, 20-Nov-26 10:01:00 GMT", time.Minute, true},
		{"HTTP-date asctime", "Fri Nov 20 10:00:05 2026", 5 * time.Second, true},
		{"HTTP-date in the past", "Fri, 20 Nov 2026 09:00:00 GMT", 0, true},
		{"ISO 8601 UTC (Zoom's example)", "2026-11-20T10:00:45Z", 45 * time.Second, true},
		{"ISO 8601 fractional", "2026-11-20T10:00:00.250Z", 250 * time.Millisecond, true},
		{"ISO 8601 offset", "2026-11-20T11:00:10+01:00", 10 * time.Second, true},
		{"ISO 8601 compact offset", "2026-11-20T11:00:10+0100", 10 * time.Second, true},
		{"ISO 8601 zoneless is UTC", "2026-11-20T10:00:20", 20 * time.Second, true},
		{"ISO 8601 basic format", "20261120T100003Z", 3 * time.Second, true},
		{"ISO 8601 in the past", "2020-01-01T00:00:00Z", 0, true},
		{"ISO 8601 duration seconds", "PT30S", 30 * time.Second, true},
		{"ISO 8601 duration decimal seconds", "PT1.5S", 1500 * time.Millisecond, true},
		{"ISO 8601 duration mixed", "P1DT2H3M4S", 26*time.Hour + 3*time.Minute + 4*time.Second, true},
		{"ISO 8601 duration lower case", "pt2m", 2 * time.Minute, true},
		{"ISO 8601 duration huge is clamped", "P99999999999999999999D", maxWait, true},
		{"far future date is clamped", "Fri, 31 Dec 9999 23:59:59 GMT", maxWait, true},
		{"far future ISO date is clamped", "9999-12-31T23:59:59Z", maxWait, true},
		{"empty", "", 0, false},
		{"blank", "   ", 0, false},
		{"garbage", "soon", 0, false},
		{"duration without unit", "PT5", 0, false},
		{"duration minutes before T", "P5M", 0, false},
		{"too long", "1" + string(make([]byte, 80)), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseRetryAfter(tt.in, rtNow)
			assert.Equal(t, tt.ok, ok, "ok")
			assert.Equal(t, tt.want, got, "wait")
		})
	}
}

// rtCall returns a call whose client has the given retry settings.
func rtCall(api API, maxRetries int, lo, hi time.Duration) *call {
	c := New(Config{MaxRetries: maxRetries, RetryWaitMin: lo, RetryWaitMax: hi, Now: func() time.Time { return rtNow }})
	return &call{c: c, api: api, method: http.MethodGet, path: "/p"}
}

// rtAnswer runs one status answer through the retry policy as a call does
// after an attempt, the answer's body read into its last failure, and
// returns the verdict and the wait.
func rtAnswer(t *testing.T, st *call, attempt, status int, header http.Header, body string) (bool, time.Duration) {
	t.Helper()
	st.attempts = attempt
	if header == nil {
		header = http.Header{}
	}
	resp := &http.Response{StatusCode: status, Header: header, Body: http.NoBody}
	if body != "" {
		resp.Body = rtBody(body)
	}
	wait, _, retry := st.decide(outcome{status: status, failed: st.readAPIError(resp)})
	if !retry {
		return false, 0
	}
	return true, wait
}

func TestRetryPolicyStatuses(t *testing.T) {
	for code := 400; code <= 599; code++ {
		if http.StatusText(code) == "" {
			continue
		}
		want := code == 429 || code == 500 || code == 502 || code == 503 || code == 504
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			st := rtCall(Zoom, 3, time.Millisecond, 10*time.Millisecond)
			retry, wait := rtAnswer(t, st, 1, code, nil, "")
			assert.Equal(t, want, retry)
			if want {
				assert.GreaterOrEqual(t, wait, time.Millisecond)
				assert.LessOrEqual(t, wait, 10*time.Millisecond)
			}
		})
	}
}

func TestRetryPolicyStopsAfterMaxRetries(t *testing.T) {
	st := rtCall(Ductape, 2, time.Millisecond, time.Millisecond)
	for attempt := 1; attempt <= 2; attempt++ {
		retry, _ := rtAnswer(t, st, attempt, 503, nil, "")
		assert.True(t, retry, "attempt %d", attempt)
	}
	retry, _ := rtAnswer(t, st, 3, 503, nil, "")
	assert.False(t, retry, "the third attempt is the last with WithMaxRetries(2)")
}

func TestRetryPolicyConnectionErrors(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", &url.Error{Op: "Get", URL: "http://h/p", Err: errors.New("dial tcp: connect: connection refused")}, true},
		{"connection reset", &url.Error{Op: "Get", URL: "http://h/p", Err: errors.New("read: connection reset by peer")}, true},
		{"EOF", &url.Error{Op: "Get", URL: "http://h/p", Err: errors.New("EOF")}, true},
		{"too many redirects", &url.Error{Op: "Get", URL: "http://h/p", Err: errTooManyRedirects}, false},
		{"credential", &url.Error{Op: "Get", URL: "http://h/p", Err: &credentialError{api: Zoom, err: errors.New("no key")}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := rtCall(Zoom, 3, time.Millisecond, 4*time.Millisecond)
			st.attempts = 1
			_, _, retry := st.decide(outcome{err: tt.err})
			assert.Equal(t, tt.want, retry)
		})
	}
}

func TestRetryPolicyStopsOnContextError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	st := rtCall(Zoom, 3, time.Millisecond, time.Millisecond)
	st.attempts = 1
	retry, err := st.afterAttempt(ctx, &http.Response{StatusCode: 503, Header: http.Header{}, Body: http.NoBody}, nil)
	assert.False(t, retry)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestRetryAfterBounds(t *testing.T) {
	const hi = 30 * time.Second
	tests := []struct {
		name      string
		status    int
		header    http.Header
		body      string
		wantRetry bool
		wantWait  time.Duration // exact wait when retried; 0 = backoff range
		wantAfter time.Duration // APIError.RetryAfter
	}{
		{"delta below the cap is honoured", 429, http.Header{"Retry-After": {"7"}}, "", true, 7 * time.Second, 7 * time.Second},
		{"delta equal to the cap is honoured", 429, http.Header{"Retry-After": {"30"}}, "", true, hi, hi},
		{"delta above the cap returns at once", 429, http.Header{"Retry-After": {"3600"}}, "", false, 0, time.Hour},
		{"503 above the cap returns at once", 503, http.Header{"Retry-After": {"31"}}, "", false, 0, 31 * time.Second},
		{"HTTP-date is honoured", 429, http.Header{"Retry-After": {"Fri, 20 Nov 2026 10:00:12 GMT"}}, "", true, 12 * time.Second, 12 * time.Second},
		{"HTTP-date above the cap", 503, http.Header{"Retry-After": {"Fri, 20 Nov 2026 11:00:00 GMT"}}, "", false, 0, time.Hour},
		{"ISO 8601 is honoured", 429, http.Header{"Retry-After": {"2026-11-20T10:00:03.500Z"}}, "", true, 3500 * time.Millisecond, 3500 * time.Millisecond},
		{"ISO 8601 above the cap", 429, http.Header{"Retry-After": {"2026-11-21T00:00:00Z"}}, "", false, 0, 14 * time.Hour},
		{"past date falls back to backoff", 429, http.Header{"Retry-After": {"2020-01-01T00:00:00Z"}}, "", true, 0, 0},
		{"unreadable falls back to backoff", 503, http.Header{"Retry-After": {"later"}}, "", true, 0, 0},
		{"daily limit header", 429, http.Header{"X-Ratelimit-Type": {"Daily-limit"}, "Retry-After": {"5"}}, "", false, 0, 5 * time.Second},
		{"daily limit header, any case", 429, http.Header{"X-Ratelimit-Type": {" daily-LIMIT "}}, "", false, 0, 0},
		{"daily limit message", 429, http.Header{"Content-Type": {"application/json"}},
			`{"code":429,"message":"You have reached the maximum daily rate limit for this API. Refer to the response header for details on when you can make another request."}`,
			false, 0, 0},
		{"per-second limit is retried", 429, http.Header{"X-Ratelimit-Type": {"QPS"}, "Content-Type": {"application/json"}},
			`{"code":429,"message":"You have reached the maximum per-second rate limit for this API. Try again later."}`,
			true, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := rtCall(Zoom, 3, 100*time.Millisecond, hi)
			retry, wait := rtAnswer(t, st, 1, tt.status, tt.header, tt.body)
			require.Equal(t, tt.wantRetry, retry, "retry")
			require.NotNil(t, st.last)
			assert.Equal(t, tt.status, st.last.StatusCode)
			assert.Equal(t, tt.wantAfter, st.last.RetryAfter, "RetryAfter")
			if !retry {
				return
			}
			assert.LessOrEqual(t, wait, hi, "never more than the maximum wait")
			if tt.wantWait > 0 {
				assert.Equal(t, tt.wantWait, wait, "exactly what the server asked")
			} else {
				assert.GreaterOrEqual(t, wait, 100*time.Millisecond)
			}
		})
	}
}

func TestExpBackoffBounds(t *testing.T) {
	const lo, hi = 10 * time.Millisecond, 80 * time.Millisecond
	st := rtCall(Ductape, 20, lo, hi)
	for attempt := 1; attempt <= 12; attempt++ {
		st.attempts = attempt
		d := lo << min(attempt-1, 10)
		if d > hi {
			d = hi
		}
		for i := 0; i < 200; i++ {
			w := st.expBackoff()
			require.GreaterOrEqual(t, w, max(d/2, lo), "attempt %d", attempt)
			require.LessOrEqual(t, w, d, "attempt %d", attempt)
		}
	}
}

func TestIsDailyLimit(t *testing.T) {
	assert.False(t, isDailyLimit(nil))
	assert.False(t, isDailyLimit(&APIError{StatusCode: 503, Header: http.Header{"X-Ratelimit-Type": {"Daily-limit"}}}),
		"only a 429 is a rate limit")
	assert.True(t, isDailyLimit(&APIError{StatusCode: 429, Header: http.Header{"X-Ratelimit-Type": {"Daily-limit"}}}))
	assert.True(t, isDailyLimit(&APIError{StatusCode: 429, Header: http.Header{}, Message: "Daily limit reached"}))
	assert.False(t, isDailyLimit(&APIError{StatusCode: 429, Header: http.Header{}, Message: "per-second limit"}))
}

func rtBody(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }
