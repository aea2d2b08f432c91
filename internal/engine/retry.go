package engine

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

// isRetryableStatus reports whether a status may succeed on a later try.
func isRetryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// checkRetry is the retryablehttp CheckRetry policy. It decides, computes
// the wait before the next attempt, and logs the attempt. GETs are retried;
// another method only when its call says it only reads (see Retry).
func (st *call) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	var failed *APIError
	if resp != nil && (resp.StatusCode < 200 || resp.StatusCode > 299) {
		failed = st.readAPIError(resp) // stored in st.last
	}
	st.pacer().observe(resp, failed, st.c.cfg.RetryWaitMax)
	if ctxErr := ctx.Err(); ctxErr != nil {
		st.logAttempt(ctx, resp, err, 0, false)
		return false, ctxErr
	}
	retry, wait := st.decide(err, resp)
	st.nextWait = wait
	st.logAttempt(ctx, resp, err, wait, retry)
	return retry, nil
}

// decide returns whether to retry and how long to wait first.
func (st *call) decide(err error, resp *http.Response) (bool, time.Duration) {
	cfg := &st.c.cfg
	if !st.mayRetry() || st.attempts-st.retryBase > cfg.MaxRetries {
		return false, 0
	}
	if err != nil {
		if !retryableExchange(err) {
			return false, 0
		}
		return true, st.expBackoff()
	}
	if resp == nil || !isRetryableStatus(resp.StatusCode) || isDailyLimit(st.last) {
		return false, 0
	}
	if st.last != nil && st.last.RetryAfter > 0 {
		if st.last.RetryAfter > cfg.RetryWaitMax {
			return false, 0 // the server asks for more than we may wait
		}
		return true, st.last.RetryAfter
	}
	return true, st.expBackoff()
}

// isDailyLimit reports a 429 that a short wait cannot cure: Zoom's
// X-RateLimit-Type: Daily-limit, or a message that names the daily limit.
func isDailyLimit(e *APIError) bool {
	if e == nil || e.StatusCode != http.StatusTooManyRequests {
		return false
	}
	if strings.EqualFold(strings.TrimSpace(e.Header.Get("X-RateLimit-Type")), "Daily-limit") {
		return true
	}
	return strings.Contains(strings.ToLower(e.Message), "daily")
}

// expBackoff is exponential backoff with jitter: the n-th retry waits a
// random time in [d/2, d], d = min·2ⁿ capped at max, never below min.
func (st *call) expBackoff() time.Duration {
	lo, hi := st.c.cfg.RetryWaitMin, st.c.cfg.RetryWaitMax
	n := st.attempts - st.retryBase - 1
	d := lo
	for i := 0; i < n && d < hi; i++ {
		d *= 2
	}
	if d > hi {
		d = hi
	}
	if half := d / 2; half > 0 {
		d = half + rand.N(half+1)
	}
	return max(d, lo)
}

// backoff is the retryablehttp Backoff: the wait checkRetry computed.
func (st *call) backoff(_, _ time.Duration, _ int, _ *http.Response) time.Duration {
	return st.nextWait
}

// logAttempt writes one Debug record per attempt, without credentials or
// query strings.
func (st *call) logAttempt(ctx context.Context, resp *http.Response, err error, wait time.Duration, retry bool) {
	l := st.c.cfg.Logger
	if l == nil || !l.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("api", st.api.String()),
		slog.String("method", st.method),
		slog.String("path", st.path),
		slog.Int("attempt", st.attempts),
	}
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", st.transportError(ctx, err).Error()))
	}
	if retry {
		attrs = append(attrs, slog.Duration("wait", wait))
	}
	l.LogAttrs(ctx, slog.LevelDebug, "sessionkit: attempt", attrs...)
}
