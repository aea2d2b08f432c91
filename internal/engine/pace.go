package engine

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrDailyLimit is wrapped by the error of a call that a daily rate limit
// refused (Zoom's X-RateLimit-Type: Daily-limit, or a 429 whose message
// names the daily limit): the call that got the 429, and every later call
// to the same API before the limit resets, which fails at once without a
// request. errors.As finds a [*DailyLimitError] with the reset time.
var ErrDailyLimit = errors.New("sessionkit: daily rate limit reached")

// DailyLimitError is the error of a call refused by a daily rate limit.
// It satisfies errors.Is(err, ErrDailyLimit), and errors.As finds the
// *APIError of the answer that reported the limit through it.
type DailyLimitError struct {
	// API is the API whose daily limit was reached.
	API API
	// ResetAt is when the limit resets: the answer's Retry-After, else
	// the next midnight UTC (Zoom counts its daily caps per UTC day).
	// Until then every call to API fails at once with this error.
	ResetAt time.Time
	// Sent reports whether this call sent the request that got the
	// answer; false when an earlier call's answer refused it.
	Sent bool
	// Err is the answer that reported the limit.
	Err *APIError
}

// Error says which API's daily limit was reached, when it resets, and the
// answer that said so.
func (e *DailyLimitError) Error() string {
	note := ""
	if !e.Sent {
		note = " (no request sent: an earlier call was refused)"
	}
	return fmt.Sprintf("sessionkit: %s daily rate limit reached, resets at %s%s: %s",
		e.API, e.ResetAt.UTC().Format(time.RFC3339), note, strings.TrimPrefix(e.Err.Error(), "sessionkit: "))
}

// Unwrap returns ErrDailyLimit and the answer's *APIError.
func (e *DailyLimitError) Unwrap() []error { return []error{ErrDailyLimit, e.Err} }

// spreadBelow is the share of X-RateLimit-Limit under which
// X-RateLimit-Remaining makes the pacer spread the remaining requests.
const spreadBelow = 5 // Remaining < Limit/spreadBelow

// spreadWindow is the window a per-second limit's Remaining counts down
// in when the answer gives no Retry-After.
const spreadWindow = time.Second

// pacer is the server-derived pacing of one API, shared by every call of a
// Client (and by a Client built from a copy of its APIConfig): a pause after a 429 or 503
// with Retry-After that every attempt waits out, the limit its refusals
// taught (see [learning]), a spacing of attempts while
// X-RateLimit-Remaining is low, and a daily limit in force. The gate
// (wait) runs before each attempt, after the client's own rate limiter and
// before the attempt timeout starts; only the caller's context ends it.
type pacer struct {
	now       func() time.Time
	sleep     func(ctx context.Context, d time.Duration) error                                // tests replace it
	waitFreed func(ctx context.Context, freed <-chan struct{}, d time.Duration) (bool, error) // and it

	mu          sync.Mutex
	until       time.Time     // no attempt starts before this
	next        time.Time     // the next start while spacing
	interval    time.Duration // spacing of starts until spreadUntil
	spreadUntil time.Time
	limited     bool // the client has its own limiter: no rate is guessed (see learning)
	daily       *DailyLimitError
	learn       learning      // the server's limit as its refusals showed it
	inFlight    int           // attempts past the gate, until done
	probeUntil  time.Time     // until then, at most probeInFlight attempts in flight
	freed       chan struct{} // closed when an attempt is done, if one waits
}

// probeInFlight is how many attempts may be in flight in the first
// Retry-After window after a pause: the window in which the server's
// limit is tested again, so that a refusal in it costs one request, not
// every prefetched one.
const probeInFlight = 1

// newPacer returns the pacer of one API; limited reports whether the
// client has its own limiter (WithRateLimit) for the API.
func newPacer(now func() time.Time, limited bool) *pacer {
	return &pacer{now: now, sleep: pauseSleep, waitFreed: waitFreed, limited: limited}
}

// pauseSleep waits d, or returns the context's error as soon as ctx ends.
func pauseSleep(ctx context.Context, d time.Duration) error {
	if !sleepCtx(ctx, d) {
		return ctx.Err()
	}
	return nil
}

// dailyLimit returns the daily limit in force, or nil.
func (p *pacer) dailyLimit() *DailyLimitError {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.dailyLocked(p.now())
}

func (p *pacer) dailyLocked(now time.Time) *DailyLimitError {
	if p.daily == nil || !now.Before(p.daily.ResetAt) {
		p.daily = nil
		return nil
	}
	cp := *p.daily
	cp.Sent = false
	return &cp
}

// wait returns when an attempt may start: after any pause, at its turn
// while spacing or probing. It reports whether it waited out a pause. It
// returns the daily limit in force, or the context's error, at once. On
// success the attempt is in flight until it calls done. Each pause, and
// each probe, is waited once, by the timer: a clock that stands still
// (Config.Now in tests) cannot hold an attempt for ever. With retake, the
// caller takes a new turn of its own limiter after a pause, and then
// waits again: an attempt that waited out a pause returns at once,
// holding no turn.
func (p *pacer) wait(ctx context.Context, retake bool) (paused bool, err error) {
	t := turnState{retake: retake}
	for {
		d, err := p.turn(&t)
		if err == nil && t.freed != nil {
			t.probed, err = p.waitFreed(ctx, t.freed, d)
			t.freed = nil
			if err == nil {
				continue
			}
		}
		if err == nil && d > 0 {
			err = p.sleep(ctx, d)
			if err == nil {
				continue
			}
		}
		if err != nil && t.inFlight {
			p.done()
		}
		return !t.pausedUntil.IsZero(), err
	}
}

// waitFreed waits until freed is closed, d has passed (it reports
// whether it did) or ctx ends.
func waitFreed(ctx context.Context, freed <-chan struct{}, d time.Duration) (timedOut bool, err error) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-freed:
		return false, nil
	case <-timer.C:
		return true, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// done ends an attempt that wait let go.
func (p *pacer) done() {
	p.mu.Lock()
	p.inFlight--
	freed := p.freed
	p.freed = nil
	p.mu.Unlock()
	if freed != nil {
		close(freed)
	}
}

// turnState is what one attempt has waited so far.
type turnState struct {
	pausedUntil time.Time     // the latest pause it waited out
	reserved    bool          // it took its turn while spacing
	inFlight    bool          // it counts in the pacer's inFlight
	probed      bool          // it waited a probe's whole window once
	retake      bool          // after a pause it takes no turn (see wait)
	freed       chan struct{} // set by turn: wait until it is closed
}

// turn returns how long the attempt must wait (0: go now), or the daily
// limit in force. When the attempt waits for another's answer (probing
// after a pause), it sets t.freed, and the duration is the probe's end.
func (p *pacer) turn(t *turnState) (time.Duration, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if d := p.dailyLocked(now); d != nil {
		return 0, d
	}
	if now.Before(p.until) && p.until.After(t.pausedUntil) {
		// A turn taken before the pause is spent: take a new one after.
		t.pausedUntil, t.reserved = p.until, false
		return p.until.Sub(now), nil
	}
	if t.retake && !t.pausedUntil.IsZero() {
		return 0, nil
	}
	if !now.Before(p.spreadUntil) {
		p.interval = 0
	}
	if t.reserved {
		return 0, nil
	}
	if !t.inFlight && !t.probed && now.Before(p.probeUntil) && p.inFlight >= probeInFlight {
		if p.freed == nil {
			p.freed = make(chan struct{})
		}
		t.freed = p.freed
		return p.probeUntil.Sub(now), nil
	}
	// Take the turn now, so that waiting attempts start one after the
	// other rather than together.
	t.reserved = true
	if !t.inFlight {
		t.inFlight = true
		p.inFlight++
	}
	var d time.Duration
	if p.interval > 0 {
		at := later(p.next, now)
		p.next = at.Add(p.interval)
		d = at.Sub(now)
	}
	return max(d, p.learn.turn(now)), nil
}

// observe learns from one answer: a 429 or 503 with a Retry-After that the
// client would wait (at most maxWait) pauses every attempt until then; a
// daily limit puts the API in force until it resets; X-RateLimit-Limit
// and X-RateLimit-Remaining spread the remaining requests over the window.
func (p *pacer) observe(resp *http.Response, last *APIError, maxPause time.Duration) {
	if resp == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	failed := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable
	if failed && last != nil && isDailyLimit(last) {
		p.daily = newDailyLimit(last, now)
		return
	}
	switch {
	case failed && last != nil && last.RetryAfter > 0 && last.RetryAfter <= maxPause:
		p.pause(last.RetryAfter, now)
	case resp.StatusCode >= 200 && resp.StatusCode <= 299:
		p.learn.accepted(now)
	}
	p.spread(resp.Header, now)
}

// pause holds every attempt for wait from now, and learns the server's
// limit from the refusal (see learning.refused).
func (p *pacer) pause(wait time.Duration, now time.Time) {
	if !now.Before(p.until) {
		p.learn.refused(now, wait, p.limited) // the first refusal of this pause
	}
	until := now.Add(wait)
	p.until = later(p.until, until)
	p.probeUntil = later(p.probeUntil, until.Add(wait))
	p.next = later(p.next, until)
}

// spread applies the rule of X-RateLimit-Limit (L) and
// X-RateLimit-Remaining (R), as Zoom sends them for its per-second
// limits: when 0 <= R < L/spreadBelow, the next attempts start at least
// window/(R+1) apart until the window has passed, the window being the
// answer's Retry-After, else one second. A daily limit's counters
// (X-RateLimit-Type: Daily-limit) are not spread over the day.
func (p *pacer) spread(h http.Header, now time.Time) {
	// The keys are in canonical form, so that Get does not allocate a
	// canonical copy on every answer, and most answers carry neither.
	limitText, remainingText := h.Get("X-Ratelimit-Limit"), h.Get("X-Ratelimit-Remaining")
	if limitText == "" || remainingText == "" {
		return
	}
	limit, err1 := strconv.Atoi(strings.TrimSpace(limitText))
	remaining, err2 := strconv.Atoi(strings.TrimSpace(remainingText))
	if err1 != nil || err2 != nil || limit <= 0 || remaining < 0 ||
		strings.EqualFold(strings.TrimSpace(h.Get("X-Ratelimit-Type")), "Daily-limit") {
		return
	}
	if remaining*spreadBelow >= limit {
		p.interval = 0 // plenty left: stop spreading
		return
	}
	window := spreadWindow
	if wait, ok := ParseRetryAfter(h.Get("Retry-After"), now); ok && wait > 0 && wait < window {
		window = wait
	}
	p.interval = window / time.Duration(remaining+1)
	p.spreadUntil = later(p.spreadUntil, now.Add(window))
	p.next = later(p.next, now.Add(p.interval))
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// newDailyLimit returns the error of the daily limit that e, received at
// now, reports.
func newDailyLimit(e *APIError, now time.Time) *DailyLimitError {
	reset := nextUTCMidnight(now)
	if e.RetryAfter > 0 {
		reset = now.Add(e.RetryAfter)
	}
	return &DailyLimitError{API: e.API, ResetAt: reset, Sent: true, Err: e}
}

// nextUTCMidnight returns the first midnight UTC after now.
func nextUTCMidnight(now time.Time) time.Time {
	return now.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
}
