// Package limits models the ways a server enforces "N requests per
// second", for tests and benchmarks of the SDK's pacing: a token bucket, a
// fixed window and a sliding log. Each is driven by the times it is given,
// so a test can run it on a fake clock and a benchmark on the wall clock.
// None is safe for concurrent use.
package limits

import (
	"math"
	"time"
)

// Model is one way a server enforces a rate limit: Take reports whether a
// request arriving at now is allowed, and counts it when it is. A refused
// request does not count against the limit.
type Model interface {
	Take(now time.Time) bool
}

// Bucket is a token bucket: it holds at most Burst tokens, refilled at
// PerSecond; a request takes one. [NewBucket] starts it full.
type Bucket struct {
	PerSecond, Burst float64

	tokens float64
	last   time.Time
}

// NewBucket returns a full bucket of burst tokens refilled at perSecond.
func NewBucket(perSecond, burst float64) *Bucket {
	return &Bucket{PerSecond: perSecond, Burst: burst, tokens: burst}
}

// Take implements [Model].
func (b *Bucket) Take(now time.Time) bool {
	if !b.last.IsZero() {
		b.tokens = math.Min(b.Burst, b.tokens+now.Sub(b.last).Seconds()*b.PerSecond)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// Window allows at most n requests in any rolling window (a sliding log)
// or, when fixed, in each window counted from the zero time (a counter
// reset at each window's start, which the client is not told).
type Window struct {
	n      int
	window time.Duration
	fixed  bool
	times  []time.Time // the allowed requests in the window, oldest first
}

// NewSlidingLog returns a window of at most n requests in any rolling
// window.
func NewSlidingLog(n int, window time.Duration) *Window {
	return &Window{n: n, window: window}
}

// NewFixedWindow returns a window of at most n requests in each window
// counted from the zero time (for a second, each wall-clock second).
func NewFixedWindow(n int, window time.Duration) *Window {
	return &Window{n: n, window: window, fixed: true}
}

// Take implements [Model].
func (w *Window) Take(now time.Time) bool {
	start := now.Add(-w.window)
	if w.fixed {
		start = now.Truncate(w.window).Add(-1)
	}
	drop := 0
	for drop < len(w.times) && !w.times[drop].After(start) {
		drop++
	}
	w.times = append(w.times[:0], w.times[drop:]...)
	if len(w.times) >= w.n {
		return false
	}
	w.times = append(w.times, now)
	return true
}
