package engine

import (
	"context"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/sessionkit/sessionkit-go/internal/testutil/limits"
)

// accept tells p that the server accepted n answers, all at the clock's
// time.
func accept(p *pacer, n int) {
	for range n {
		p.observe(paceOK, nil, time.Minute)
	}
}

// refuse tells p that the server refused an attempt: 429 with
// "Retry-After: 1".
func refuse(p *pacer) {
	p.observe(paceRefused, &APIError{StatusCode: 429, RetryAfter: time.Second}, time.Minute)
}

var (
	paceOK      = &http.Response{StatusCode: http.StatusOK, Header: http.Header{}}
	paceRefused = &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{}}
)

// paceWalk sends requests one after the other through p (each taking
// rtt), with a client limiter lim if not nil, to a server limited by srv
// that answers a refused request 429 with Retry-After: 1, until the server
// accepted n. It returns the refusals and the time the walk took.
func paceWalk(p *pacer, clk *paceClock, srv limits.Model, lim *rate.Limiter, n int, rtt time.Duration) (refused int, took time.Duration) {
	start := clk.Now()
	for accepted := 0; accepted < n; {
		if lim != nil {
			clk.Advance(lim.ReserveN(clk.Now(), 1).DelayFrom(clk.Now()))
		}
		var st turnState
		for {
			d, err := p.turn(&st)
			if err != nil || d <= 0 {
				break
			}
			clk.Advance(d)
		}
		ok := srv.Take(clk.Now())
		clk.Advance(rtt)
		p.done()
		if ok {
			accepted++
			p.observe(paceOK, nil, time.Minute)
			continue
		}
		refused++
		refuse(p)
	}
	return refused, clk.Now().Sub(start)
}

func TestLearningFindsTheServersBucket(t *testing.T) {
	tests := []struct {
		name         string
		rate, burst  float64
		maxRefused   int
		maxTook      time.Duration
		wantMeasured bool
	}{
		// 200 requests at 50/s: 4 s at best; one refusal teaches the
		// burst, a second the rate (each pauses 1 s), then none.
		{"burst of a tenth of the rate", 50, 10, 2, 7 * time.Second, true},
		// The vendors' rule: the first guess (one burst per window) is
		// right; raising it costs one more refusal, near the end.
		{"burst of one second's worth", 50, 50, 2, 4 * time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := &paceClock{t: rtNow}
			p := newPacer(clk.Now, false)
			srv := limits.NewBucket(tt.rate, tt.burst)
			refused, took := paceWalk(p, clk, srv, nil, 200, time.Millisecond)
			assert.LessOrEqual(t, refused, tt.maxRefused)
			assert.Less(t, took, tt.maxTook)
			require.NotNil(t, p.learn.lim)
			assert.Equal(t, tt.wantMeasured, !p.learn.ramping, "measured, no longer raised")
			got := float64(p.learn.lim.Limit())
			assert.True(t, got <= tt.rate && got >= 0.8*tt.rate, "learned %.1f/s of the server's %.0f/s", got, tt.rate)
			b := float64(p.learn.lim.Burst())
			assert.True(t, b <= tt.burst && b >= 0.8*tt.burst, "learned a burst of %.0f of the server's %.0f", b, tt.burst)

			refused, took = paceWalk(p, clk, srv, nil, 200, time.Millisecond)
			assert.Zero(t, refused, "once measured, no more refusals")
			assert.Less(t, took, time.Duration(200/(0.8*tt.rate)*float64(time.Second)), "at 80 %% of the rate or more")
		})
	}
}

func TestLearningRaisesAGuessWithEachAcceptedAnswer(t *testing.T) {
	clk := &paceClock{t: rtNow}
	p := newPacer(clk.Now, false)
	for range 10 {
		p.observe(paceOK, nil, time.Minute)
		clk.Advance(time.Millisecond)
	}
	refuse(p)
	require.NotNil(t, p.learn.lim)
	assert.InDelta(t, 10, float64(p.learn.lim.Limit()), 1e-9, "one burst per window")
	assert.True(t, p.learn.ramping)
	clk.Advance(time.Second)
	accept(p, 10)
	assert.InDelta(t, 10*math.Pow(rampUp, 10), float64(p.learn.lim.Limit()), 1e-6)
}

func TestLearningCountsOneRefusalPerPause(t *testing.T) {
	clk := &paceClock{t: rtNow}
	p := newPacer(clk.Now, false)
	accept(p, 10)
	for range 5 { // the other prefetched requests of the burst
		refuse(p)
		clk.Advance(time.Millisecond)
	}
	require.NotNil(t, p.learn.lim)
	assert.InDelta(t, 10, float64(p.learn.lim.Limit()), 1e-9, "the refusals during the pause teach nothing more")
}

func TestLearningWithAClientLimiter(t *testing.T) {
	clk := &paceClock{t: rtNow}
	p := newPacer(clk.Now, true)
	accept(p, 10)
	refuse(p)
	assert.Nil(t, p.learn.lim, "the first refusal teaches no rate: the client's limiter is trusted")

	clk.Advance(time.Second)
	d, err := p.turn(&turnState{})
	require.NoError(t, err)
	assert.Zero(t, d)
	accept(p, 10)  // the burst again
	for range 30 { // then 30 more at 50/s
		clk.Advance(20 * time.Millisecond)
		p.observe(paceOK, nil, time.Minute)
	}
	refuse(p)
	require.NotNil(t, p.learn.lim, "a second refusal measures the server's rate")
	assert.False(t, p.learn.ramping)
	got := float64(p.learn.lim.Limit())
	assert.True(t, got < 50 && got > 40, "learned %.1f/s, below the server's 50/s", got)
	assert.Equal(t, 9, p.learn.lim.Burst())
}

func TestLearnedLimitIsForgotten(t *testing.T) {
	clk := &paceClock{t: rtNow}
	p := newPacer(clk.Now, false)
	p.observe(paceOK, nil, time.Minute)
	refuse(p)
	require.NotNil(t, p.learn.lim)
	clk.Advance(forgetWindows * time.Second)
	for range 3 {
		d, err := p.turn(&turnState{})
		require.NoError(t, err)
		assert.Zero(t, d, "a minute later the server's limit is found anew")
	}
	assert.Nil(t, p.learn.lim)
}

func TestLearningIgnoresWindowsOverAPause(t *testing.T) {
	clk := &paceClock{t: rtNow}
	p := newPacer(clk.Now, true)
	accept(p, 10)
	refuse(p)
	clk.Advance(time.Second)
	_, err := p.turn(&turnState{})
	require.NoError(t, err)
	accept(p, 10) // the burst again, refused just after it
	clk.Advance(20 * time.Millisecond)
	refuse(p)
	// Twenty answers in a second, ten beyond the burst, bound the rate
	// only at 10/s: the bucket stopped filling during the pause.
	assert.Nil(t, p.learn.lim, "nothing measured since the pause")
}

func TestLearningFindsAWindowLimit(t *testing.T) {
	tests := []struct {
		name       string
		fixed      bool
		limiter    bool
		maxRefused int
		maxTook    time.Duration
	}{
		// 200 requests, 50 per rolling second: 3 s at best (50 at once,
		// then 50 each second). Without a client limiter the first
		// refusal teaches a guess that rises; the second shows the same
		// count after a full pause: a window of 50, no faster rate.
		{"sliding log", false, false, 2, 5 * time.Second},
		// A client limiter of 50/s with bursts of 10 lets 60 through in a
		// second: the server refuses it once, after 50 spread over most of
		// the second, which shows the window.
		{"sliding log, client limiter", false, true, 1, 5 * time.Second},
		{"fixed window", true, false, 2, 5 * time.Second},
		{"fixed window, client limiter", true, true, 1, 5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := &paceClock{t: rtNow.Truncate(time.Second).Add(50 * time.Millisecond)}
			p := newPacer(clk.Now, tt.limiter)
			var lim *rate.Limiter
			if tt.limiter {
				lim = rate.NewLimiter(50, 10)
				lim.AllowN(clk.Now(), 1) // as the client's starts
			}
			srv := limits.NewSlidingLog(50, time.Second)
			if tt.fixed {
				srv = limits.NewFixedWindow(50, time.Second)
			}
			refused, took := paceWalk(p, clk, srv, lim, 200, time.Millisecond)
			assert.LessOrEqual(t, refused, tt.maxRefused)
			assert.Less(t, took, tt.maxTook)

			refused, took = paceWalk(p, clk, srv, lim, 200, time.Millisecond)
			assert.Zero(t, refused, "once the window is known, no more refusals")
			assert.Less(t, took, 5*time.Second, "close to 50 a second")
		})
	}
}

// learnWindow makes p, of a client with a limiter, learn a window of 50
// requests a second: 50 answers spread over 0.9 s, then a refusal. It
// returns when the pause has ended and the first attempt after it went.
func learnWindow(t *testing.T, p *pacer, clk *paceClock) {
	t.Helper()
	for range 50 {
		p.observe(paceOK, nil, time.Minute)
		clk.Advance(18 * time.Millisecond)
	}
	refuse(p)
	clk.Advance(time.Second)
	_, err := p.turn(&turnState{}) // the first attempt after the pause
	require.NoError(t, err)
	p.done()
}

func TestLearnedWindowSpacesStartsAWindowApart(t *testing.T) {
	clk := &paceClock{t: rtNow}
	p := newPacer(clk.Now, true)
	learnWindow(t, p, clk)
	assert.Nil(t, p.learn.lim, "a window, not a rate")
	for i := range 49 {
		d, err := p.turn(&turnState{})
		require.NoError(t, err)
		require.Zero(t, d, "start %d: the window's 50 go as soon as they are answered", i+2)
		p.done()
	}
	d, err := p.turn(&turnState{})
	require.NoError(t, err)
	assert.Equal(t, time.Second+time.Second/windowSlack, d,
		"the 51st a little over a window after the first, so that a late arrival of the first still falls outside the server's")
}

func TestLearnedWindowNarrowsWhenRefusedAgain(t *testing.T) {
	clk := &paceClock{t: rtNow}
	p := newPacer(clk.Now, true)
	learnWindow(t, p, clk)
	require.Equal(t, 50, p.learn.window.n)
	for range 50 {
		p.observe(paceOK, nil, time.Minute)
		clk.Advance(18 * time.Millisecond)
	}
	refuse(p)
	assert.Equal(t, 49, p.learn.window.n, "50 a window was one too many")

	clk.Advance(time.Second)
	for range 2 {
		_, err := p.turn(&turnState{})
		require.NoError(t, err)
		p.done()
		p.observe(paceOK, nil, time.Minute)
	}
	refuse(p)
	assert.Equal(t, 24, p.learn.window.n, "refused after two: halved, not two a window")
}

func TestLearningTakesABurstForABucketNotAWindow(t *testing.T) {
	clk := &paceClock{t: rtNow}
	p := newPacer(clk.Now, true)
	accept(p, 10) // a client limiter's burst, refused after it
	refuse(p)
	assert.Zero(t, p.learn.window.n, "answers that came at once show a burst, not a window")
}

func TestLearnedWindowIsForgotten(t *testing.T) {
	clk := &paceClock{t: rtNow}
	p := newPacer(clk.Now, true)
	learnWindow(t, p, clk)
	require.NotZero(t, p.learn.window.n)
	clk.Advance(forgetWindows * time.Second)
	for range 60 {
		d, err := p.turn(&turnState{})
		require.NoError(t, err)
		require.Zero(t, d, "a minute later the server's limit is found anew")
		p.done()
	}
	assert.Zero(t, p.learn.window.n)
}

func TestProbeAfterAPauseHasOneRequestInFlight(t *testing.T) {
	clk := &paceClock{t: rtNow}
	p := newPacer(clk.Now, false)
	accept(p, 10)
	refuse(p)
	clk.Advance(time.Second) // the pause is over; the probe's window begins

	var first turnState
	d, err := p.turn(&first)
	require.NoError(t, err)
	require.Zero(t, d)
	var second turnState
	d, err = p.turn(&second)
	require.NoError(t, err)
	require.NotNil(t, second.freed, "the second waits for the first's answer")
	assert.Equal(t, time.Second, d, "at most until the probe's window ends")

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	released := make(chan error, 1)
	go func() { _, err := p.wait(ctx, false); released <- err }()
	p.done() // the first is answered
	require.NoError(t, <-released, "an answer lets the next request go")
	p.done()

	clk.Advance(time.Second) // the probe's window is over
	for range probeInFlight + 3 {
		var st turnState
		_, err := p.turn(&st)
		require.NoError(t, err)
		assert.Nil(t, st.freed, "no limit on requests in flight but after a pause")
	}
}

func TestProbeWaitEndsWithTheContext(t *testing.T) {
	clk := &paceClock{t: rtNow}
	p := newPacer(clk.Now, false)
	accept(p, 10)
	refuse(p)
	clk.Advance(time.Second)
	inFlight := func() int {
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.inFlight
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	_, err := p.wait(context.Background(), false)
	require.NoError(t, err)
	_, err = p.wait(ctx, false) // waits for the first's answer
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 1, inFlight(), "a wait that ended holds no place in flight")

	p.done()
	_, err = p.wait(ctx, false) // its turn of the guessed 10/s is 100 ms away
	require.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, inFlight(), "a wait that ended gives its place in flight back")
}

func TestLearnedWindowCountsAnswersThatCameBackLate(t *testing.T) {
	clk := &paceClock{t: rtNow}
	p := newPacer(clk.Now, false)
	accept(p, 49)
	refuse(p)
	p.observe(paceOK, nil, time.Minute) // the 50th, answered after the refusal
	clk.Advance(time.Second)
	_, err := p.turn(&turnState{})
	require.NoError(t, err)
	p.done()
	for range 49 { // the same again after the pause, the 50th still on its way
		clk.Advance(5 * time.Millisecond)
		p.observe(paceOK, nil, time.Minute)
	}
	refuse(p)
	assert.Equal(t, 50, p.learn.window.n, "a window of 50, as the first pause counted")
}

func TestLearnedWindowOfAClientLimiterCountsLateAnswers(t *testing.T) {
	clk := &paceClock{t: rtNow}
	p := newPacer(clk.Now, true)
	for range 49 {
		p.observe(paceOK, nil, time.Minute)
		clk.Advance(18 * time.Millisecond)
	}
	refuse(p)
	p.observe(paceOK, nil, time.Minute) // the 50th, answered after the refusal
	require.Equal(t, 49, p.learn.window.n)
	clk.Advance(time.Second)
	_, err := p.turn(&turnState{})
	require.NoError(t, err)
	assert.Equal(t, 50, p.learn.window.n, "counted again when the pause ended")
}

func TestPauseWithAClientLimiterTakesNoTurnBeforeTheLimiters(t *testing.T) {
	clk := &paceClock{t: rtNow}
	p := newPacer(clk.Now, true)
	p.sleep = func(_ context.Context, d time.Duration) error { clk.Advance(d); return nil }
	learnWindow(t, p, clk)
	refuse(p)
	starts := p.learn.window.ns

	paused, err := p.wait(context.Background(), true)
	require.NoError(t, err)
	assert.True(t, paused)
	assert.Equal(t, starts, p.learn.window.ns, "no start counted in the window: the attempt takes its turns anew")
	p.mu.Lock()
	assert.Zero(t, p.inFlight, "nor a place in flight")
	p.mu.Unlock()

	paused, err = p.wait(context.Background(), true) // after the client limiter's new turn
	require.NoError(t, err)
	assert.False(t, paused)
	assert.Equal(t, starts+1, p.learn.window.ns)
}

func TestLearningRaisesASlowGuessByTime(t *testing.T) {
	clk := &paceClock{t: rtNow}
	p := newPacer(clk.Now, false)
	accept(p, 10)
	refuse(p)
	limit := func() float64 { return float64(p.learn.lim.Limit()) }
	require.InDelta(t, 10, limit(), 1e-9)
	clk.Advance(time.Second) // the pause is not counted
	// send takes an attempt's turn, waits it, and has it accepted at
	// once; it returns how much the answer raised the guess, and how
	// long after the one before it came.
	send := func() (step float64, dt time.Duration) {
		before, start := limit(), clk.Now()
		d, err := p.turn(&turnState{})
		require.NoError(t, err)
		clk.Advance(d)
		p.done()
		p.observe(paceOK, nil, time.Minute)
		return limit() / before, clk.Now().Sub(start)
	}

	step, _ := send() // the bucket refilled during the pause
	assert.InDelta(t, rampUp, step, 1e-9, "an attempt the guess did not hold back raises it by rampUp")
	step, dt := send() // held back a tenth of a window
	require.Greater(t, dt, 90*time.Millisecond)
	assert.InDelta(t, math.Exp2(4*dt.Seconds()), step, 1e-6, "answers the guess spaces raise it by four doublings a window")

	clk.Advance(time.Second) // the caller is slow: the next attempt is not held back
	step, _ = send()
	assert.InDelta(t, rampUp, step, 1e-9, "a guess that holds nothing back rises by rampUp only")

	before := limit()
	_, err := p.turn(&turnState{}) // held back
	require.NoError(t, err)
	clk.Advance(10 * time.Second)
	p.observe(paceOK, nil, time.Minute)
	assert.InDelta(t, maxRampStep, limit()/before, 1e-9, "by at most maxRampStep an answer")
}

func TestProbeAnswerLetsOneWaitingRequestGo(t *testing.T) {
	clk := &paceClock{t: rtNow}
	p := newPacer(clk.Now, false)
	waiting := make(chan struct{}, 8)
	p.waitFreed = func(ctx context.Context, freed <-chan struct{}, d time.Duration) (bool, error) {
		waiting <- struct{}{}
		return waitFreed(ctx, freed, d)
	}
	refuse(p)
	clk.Advance(time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	next := func(what string) {
		t.Helper()
		select {
		case <-waiting:
		case <-ctx.Done():
			t.Fatal(what)
		}
	}

	_, err := p.wait(ctx, false) // the probe
	require.NoError(t, err)
	released := make(chan error, 2)
	for range 2 {
		go func() { _, err := p.wait(ctx, false); released <- err }()
	}
	next("the first waits for the probe's answer")
	next("the second waits for the probe's answer")
	p.done()
	require.NoError(t, <-released, "the answer lets one go")
	next("the other waits again, for that one's answer")
	p.done()
	require.NoError(t, <-released)
	p.done()
}
