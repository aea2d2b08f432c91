package engine

import (
	"math"
	"time"

	"golang.org/x/time/rate"
)

// learning is what a [pacer] learns of an API's limit from its refusals,
// modelling the server as a token bucket (a burst B, refilled at a rate
// R), the way vendors limit rates, or as a window holding N requests (a
// sliding log over any rolling window, or a counter reset at each
// window's start), the other way they do. Only the first refusal of a
// pause teaches anything: the others are requests sent before it.
//
//   - The first refusal shows the burst: B is the number of answers
//     accepted within its Retry-After window before it (counted when the
//     pause ends, so that answers still on their way are counted too).
//     Without a client limiter (WithRateLimit) the rate is guessed as one
//     burst per window, the vendors' usual rule ("50 requests per
//     second"), and raised with each accepted answer (see rampStep), so
//     that a guess that is too low (a burst smaller than a window's worth)
//     rises until the server refuses again. With a limiter nothing is
//     guessed: the limiter is trusted, unless the answers it let through
//     before the refusal spread over half the window or more: then the
//     server counts requests per window, and the pacer learns a window of
//     that many.
//   - A later refusal, after a full pause, at the count the first one
//     showed (between burstMargin·B and B answers since the pause) shows
//     a window: however fast the requests came, the server let as many
//     through as before. The pacer then lets at most that many start in
//     any window a windowSlack longer than the Retry-After (the server
//     counts arrivals, which a slow request delays), and narrows it if the
//     server refuses within it again.
//   - Any other later refusal measures the rate: a bucket holds at most B tokens,
//     so the k answers accepted since any earlier answer, Δ before the
//     refusal, number at most B + R·Δ, and R is at least (k − B)/Δ; the
//     largest such bound is R itself, up to one request over Δ, when the
//     bucket was full at the window's start. Only the answers since the
//     last pause count (over a pause the bucket stopped filling once full)
//     and only windows of at least a minWindowShare of the Retry-After.
//     When the window holds at least confidentExcess requests beyond the
//     burst (or the client has a limiter), the pacer paces the API at
//     rateMargin·R with bursts of burstMargin·B, no longer raised;
//     otherwise it keeps raising from the bound (or from half the guess
//     that was refused, whichever is more).
//
// The learned bucket is empty at the refusal and refills during the pause,
// as the server's does, so the attempts released after it start spaced by
// the learned rate, not together. It never lets an attempt go earlier
// than the client's limiter would: it only adds waits. It is forgotten
// forgetWindows Retry-After windows after the refusal that taught it, so
// that a server that raises its limit is used fully again.
type learning struct {
	times      [acceptedRing]time.Time // when answers were accepted
	n          int                     // answers recorded in times, over all time
	first      time.Time               // the first refusal; zero: none yet
	firstWait  time.Duration           // its Retry-After
	burst      int                     // the server's burst, once known
	burstKnown bool                    // counted, once the first pause ended
	resumed    time.Time               // when the last pause ended
	lim        *rate.Limiter           // the learned limit; nil: none
	ramping    bool                    // lim is a guess, raised by each accepted answer
	held       bool                    // lim held the latest attempt back: the rate, not the caller, paces them
	window     windowCap               // the learned window limit; zero: none
	forgetAt   time.Time
}

// windowCap is a limit of n attempts starting in any window, the way a
// server that counts requests per window (a sliding log, or a counter
// reset each second) limits them; starts rings the latest attempts' start
// times.
type windowCap struct {
	n      int
	window time.Duration
	starts [acceptedRing]time.Time
	ns     int // starts recorded, over all time
}

// delay returns how long an attempt whose turn comes after d must wait
// for the window to hold it, and records its start.
func (w *windowCap) delay(now time.Time, d time.Duration) time.Duration {
	if w.n <= 0 {
		return d
	}
	start := now.Add(d)
	if w.ns >= w.n {
		start = later(start, w.starts[(w.ns-w.n)%acceptedRing].Add(w.window))
	}
	w.starts[w.ns%acceptedRing] = start
	w.ns++
	return start.Sub(now)
}

const (
	// acceptedRing is how many accepted answers the pacer remembers to
	// learn the server's rate from.
	acceptedRing = 512
	// rampUp is how much each accepted answer raises a guessed rate at
	// least; see rampStep for rampDoublings and maxRampStep.
	rampUp        = 1.05
	rampDoublings = 4
	maxRampStep   = 1.5
	// maxGuessedRate is where raising a guess stops: above it, nothing is
	// learned until the next refusal.
	maxGuessedRate = 10000
	// confidentExcess is how many requests beyond the burst the window of
	// a measured rate must hold for the pacer to trust it.
	confidentExcess = 10
	// rateMargin and burstMargin keep a measured limit a little below the
	// server's, so that requests that arrive bunched (a new connection, a
	// late timer) still fit in its bucket.
	rateMargin  = 0.95
	burstMargin = 0.9
	// forgetWindows is how many Retry-After windows a learned limit lasts.
	forgetWindows = 60
	// maxForgetWindow bounds the window forgetWindows counts, so that a
	// long Retry-After cannot overflow the time a limit is forgotten at.
	maxForgetWindow = time.Hour
	// windowSlack: a learned window is longer than the server's by this
	// share of it, so that requests that take longer on the way than
	// those a window later still fall outside it.
	windowSlack = 20
	// minWindowShare: a rate is measured over at least this share of the
	// Retry-After window.
	minWindowShare = 10
)

// accepted records an answer the server accepted at now.
func (l *learning) accepted(now time.Time) {
	prev := l.times[(l.n+acceptedRing-1)%acceptedRing] // zero for the first
	l.times[l.n%acceptedRing] = now
	l.n++
	if !l.ramping || l.lim == nil {
		return
	}
	step := rampUp
	if l.held {
		step = l.rampStep(now.Sub(later(prev, l.resumed)))
	}
	r := float64(l.lim.Limit()) * step
	if r > maxGuessedRate {
		l.lim, l.ramping = nil, false
		return
	}
	l.lim.SetLimitAt(now, rate.Limit(r))
}

// rampStep is how much an accepted answer, dt after the one before it
// (or the pause's end), raises a guessed rate that holds the attempts
// back: rampUp, or more while the answers come slowly, so that the rate
// doubles rampDoublings times a Retry-After window at least (by at most
// maxRampStep an answer): a guess far below the server's rate soon
// reaches it, and one near it rises as before. A guess that holds nothing
// back (the caller sends slowly) rises by rampUp only: nothing tests it.
func (l *learning) rampStep(dt time.Duration) float64 {
	if dt <= 0 || l.firstWait <= 0 {
		return rampUp
	}
	return max(rampUp, min(math.Exp2(rampDoublings*dt.Seconds()/l.firstWait.Seconds()), maxRampStep))
}

// turn takes an attempt's turn of the learned limit at now and returns
// how long the attempt waits for it.
func (l *learning) turn(now time.Time) time.Duration {
	l.countBurst(now)
	if l.lim == nil && l.window.n == 0 {
		return 0
	}
	if !now.Before(l.forgetAt) {
		*l = learning{times: l.times, n: l.n}
		return 0
	}
	var d time.Duration
	if l.lim != nil {
		if r := l.lim.ReserveN(now, 1); r.OK() {
			d = r.DelayFrom(now)
		}
		l.held = d > 0
	}
	return l.window.delay(now, d)
}

// recent returns the i-th newest accepted answer's time (i from 1).
func (l *learning) recent(i int) time.Time { return l.times[(l.n-i)%acceptedRing] }

// remembered is how many accepted answers recent can return.
func (l *learning) remembered() int { return min(l.n, acceptedRing) }

// countBurst counts the server's burst once the first pause has ended:
// the answers accepted within the first refusal's Retry-After window
// before it, and those of requests sent before it that came back during
// the pause.
func (l *learning) countBurst(now time.Time) {
	if l.burstKnown || l.first.IsZero() || now.Before(l.first.Add(l.firstWait)) {
		return
	}
	l.burst = 0
	for i := 1; i <= l.remembered(); i++ {
		t := l.recent(i)
		if !t.After(l.first.Add(-l.firstWait)) {
			break
		}
		if !t.After(l.first.Add(l.firstWait)) {
			l.burst++
		}
	}
	l.burstKnown = true
	if l.window.n > 0 { // learned at the refusal, before the late answers
		l.window.n = min(max(l.window.n, l.burst), acceptedRing)
	}
}

// since returns how many answers were accepted after t.
func (l *learning) since(t time.Time) int {
	n := 0
	for n < l.remembered() && l.recent(n+1).After(t) {
		n++
	}
	return n
}

// refused learns from the first refusal of a pause, at now, whose
// Retry-After is wait; limited reports whether the client has its own
// limiter, which is trusted until a refusal measures the server's rate.
func (l *learning) refused(now time.Time, wait time.Duration, limited bool) {
	defer func() { l.resumed = now.Add(wait) }()
	n := l.since(now.Add(-wait))
	if l.first.IsZero() {
		l.first, l.firstWait = now, wait
		switch {
		case limited && n > 0 && now.Sub(l.recent(n)) >= wait/2:
			// The client's limiter kept to its rate, and the server
			// still refused after n answers spread over the window: it
			// counts requests per window.
			l.setWindow(now, wait, n)
		case !limited && n > 0:
			l.set(now, wait, float64(n)/wait.Seconds(), 1, true)
		}
		return
	}
	l.countBurst(now)
	if !l.burstKnown {
		return // refused again before the first pause ended
	}
	r, excess := l.measure(now, wait)
	m := l.since(l.resumed)
	switch {
	case l.window.n > 0:
		// The window in force let too many through: narrow it to what
		// the server took, by half at most (a refusal after a few
		// requests may have another cause, an overloaded server).
		l.setWindow(now, wait, min(l.window.n-1, max(n, l.window.n/2)))
	case m > 0 && m <= l.burst && float64(m) >= float64(l.burst)*burstMargin:
		// After a full pause the server refused at the count it refused
		// at before: it counts requests per window, however fast they
		// come. The first count also has the answers that came back
		// after its refusal; this one may yet miss one.
		l.setWindow(now, wait, max(n, l.burst))
	case excess >= confidentExcess || limited && r > 0:
		// With a client limiter the bound, even over a short window, is
		// below the limiter's rate; raising it would only give way to the
		// limiter again, whose bucket the server's matches.
		l.set(now, wait, r*rateMargin, max(1, int(float64(l.burst)*burstMargin)), false)
	case limited:
	case l.lim != nil:
		l.set(now, wait, max(r, float64(l.lim.Limit())/2), 1, true)
	case r > 0 || n > 0:
		l.set(now, wait, max(r, float64(n)/wait.Seconds()), 1, true)
	}
}

// measure returns the server's rate as the accepted answers since the
// last pause, before a refusal at now, bound it (see learning), and how
// many requests beyond the burst the window of that bound holds. (A
// window over a pause bounds it loosely: the bucket stopped filling once
// full.) A bound whose window holds
// confidentExcess such requests is preferred to a larger one that does
// not.
func (l *learning) measure(now time.Time, wait time.Duration) (perSecond float64, excess int) {
	best, bestExcess := 0.0, 0
	for k := l.burst + 1; k <= l.remembered() && !l.recent(k).Before(l.resumed); k++ {
		dt := now.Sub(l.recent(k))
		if dt < wait/minWindowShare {
			continue // too short to tell a rate from answers bunched on the way back
		}
		r := float64(k-l.burst) / dt.Seconds()
		sure, bestSure := k-l.burst >= confidentExcess, bestExcess >= confidentExcess
		if (sure && !bestSure) || (sure == bestSure && r > best) {
			best, bestExcess = r, k-l.burst
		}
	}
	return best, bestExcess
}

// set makes the learned limit perSecond with bursts of burst, empty at
// now (the server's bucket is when it refuses) and refilling from then.
func (l *learning) set(now time.Time, wait time.Duration, perSecond float64, burst int, ramping bool) {
	if !(perSecond > 0) {
		return
	}
	l.lim = rate.NewLimiter(rate.Limit(perSecond), burst)
	l.lim.AllowN(now, burst)
	l.ramping = ramping
	l.window.n = 0
	l.forgetAt = now.Add(forgetWindows * min(wait, maxForgetWindow))
}

// setWindow makes the learned limit, in place of a rate, n requests in a
// window a windowSlack longer than wait (the server's window, which it
// counts by the requests' arrivals).
func (l *learning) setWindow(now time.Time, wait time.Duration, n int) {
	l.lim, l.ramping = nil, false
	l.window.n = min(max(1, n), acceptedRing)
	l.window.window = wait + wait/windowSlack
	l.forgetAt = now.Add(forgetWindows * min(wait, maxForgetWindow))
}
