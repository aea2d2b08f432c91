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

// outcome is how one attempt ended: with an answer (its status; failed
// is its error when it is not a 2xx), or with err, an exchange that got
// no answer or a 2xx body that broke off while it was read.
type outcome struct {
	status int
	failed *APIError
	err    error
}

// afterAttempt is the call's part of retryablehttp's CheckRetry (see
// [newSender]): it reads a failed answer's body into the call's last
// failure, lets the pacer learn from the answer, and asks
// [call.retryAfter] whether to send again.
func (st *call) afterAttempt(ctx context.Context, resp *http.Response, err error) (bool, error) {
	var o outcome
	if resp != nil {
		o.status = resp.StatusCode
		if o.status < 200 || o.status > 299 {
			o.failed = st.readAPIError(resp)
		}
	}
	o.err = err
	st.pacer().observe(resp, o.failed, st.c.cfg.RetryWaitMax)
	if st.refusedInFlight {
		st.refusedInFlight = false
		st.pacer().done()
	}
	return st.retryAfter(ctx, o)
}

// retryAfter reports whether the call sends its request again after an
// attempt that ended with o, and waits before it does: it logs the
// attempt, asks [call.decide], tells the observer about the wait and
// sleeps it. It returns false and the context's error as soon as ctx
// ends. The wait is made here, not in retryablehttp's Backoff, which gets
// no context when the attempt got no answer, and so that a body that
// broke off waits the same way.
func (st *call) retryAfter(ctx context.Context, o outcome) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		st.logAttempt(ctx, o, 0, false)
		return false, ctxErr
	}
	wait, reason, retry := st.decide(o)
	st.logAttempt(ctx, o, wait, retry)
	if !retry {
		return false, nil
	}
	st.observeRetryWait(ctx, o, reason, wait)
	if !sleepCtx(ctx, wait) {
		return false, ctx.Err()
	}
	return true, nil
}

// decide is the retry policy: whether to send again after an attempt that
// ended with o, how long to wait first, and why. Only a GET or a call
// marked [RetryAsRead] is retried, and only while MaxRetries allows (the
// attempts up to a 401 renewal do not count). An exchange is retried when
// it may pass on a later try (see [retryableExchange]), an answer when its
// status is retryable and it is not a daily limit. The wait is the
// answer's Retry-After when it asked for one, and no retry at all when
// that is more than RetryWaitMax; else the exponential backoff.
func (st *call) decide(o outcome) (time.Duration, WaitReason, bool) {
	cfg := &st.c.cfg
	if !st.mayRetry() || st.attempts-st.free > cfg.MaxRetries {
		return 0, 0, false
	}
	if o.err != nil {
		if !retryableExchange(o.err) {
			return 0, 0, false
		}
		return st.expBackoff(), WaitBackoff, true
	}
	e := o.failed
	if e == nil || !isRetryableStatus(e.StatusCode) || isDailyLimit(e) {
		return 0, 0, false
	}
	if e.RetryAfter > 0 {
		if e.RetryAfter > cfg.RetryWaitMax {
			return 0, 0, false // the server asks for more than we may wait
		}
		return e.RetryAfter, WaitRetryAfter, true
	}
	return st.expBackoff(), WaitBackoff, true
}

// isDailyLimit reports a 429 that a short wait cannot cure: Zoom's
// X-RateLimit-Type: Daily-limit, or a message that names the daily limit.
func isDailyLimit(e *APIError) bool {
	if e == nil || e.StatusCode != http.StatusTooManyRequests {
		return false
	}
	if strings.EqualFold(strings.TrimSpace(e.Header.Get("X-Ratelimit-Type")), "Daily-limit") {
		return true
	}
	return strings.Contains(strings.ToLower(e.Message), "daily")
}

// expBackoff is exponential backoff with jitter: the n-th retry waits a
// random time in [d/2, d], d = min·2ⁿ capped at max, never below min.
func (st *call) expBackoff() time.Duration {
	lo, hi := st.c.cfg.RetryWaitMin, st.c.cfg.RetryWaitMax
	n := st.attempts - st.free - 1
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

// logAttempt writes one Debug record per attempt's outcome, without
// credentials or query strings.
func (st *call) logAttempt(ctx context.Context, o outcome, wait time.Duration, retry bool) {
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
	if o.status != 0 {
		attrs = append(attrs, slog.Int("status", o.status))
	}
	if o.err != nil {
		attrs = append(attrs, slog.String("error", st.fail(ctx, o.err).Error()))
	}
	if retry {
		attrs = append(attrs, slog.Duration("wait", wait))
	}
	l.LogAttrs(ctx, slog.LevelDebug, "sessionkit: attempt", attrs...)
}
