package engine

import (
	"context"
	"errors"
	"net/url"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Observer is told about every call, every wait between or before
// attempts, and every page of a walk, for tracing and metrics. The root
// package adapts its public Observer to this one. Nothing it is given
// carries a credential, a page token or a query value.
type Observer interface {
	// CallStart runs when a call begins; the returned context is the one
	// the call's attempts run under, and the returned function runs once
	// when the call ends.
	CallStart(ctx context.Context, info CallInfo) (context.Context, func(CallResult))
	// Wait runs before each wait: a retry's backoff or Retry-After, or a
	// turn of the client's rate limiter that took time.
	Wait(ctx context.Context, info WaitInfo)
	// PageStart runs when the first call of a page of a walk begins; the
	// returned function runs once when the page's fetch ends.
	PageStart(ctx context.Context, info PageInfo) (context.Context, func(PageResult))
	// Walk runs once when a walk that made at least one call ends.
	Walk(ctx context.Context, info WalkInfo)
}

// CallInfo describes a call: its API, method and route (see routeOf).
type CallInfo struct {
	API    API
	Method string
	Route  string
}

// CallResult is how a call ended.
type CallResult struct {
	// Attempts is the number of requests sent.
	Attempts int
	// StatusCode is the last answer's status, 0 when none came.
	StatusCode int
	// Err is the call's error (redacted, as the caller sees it), or nil.
	Err error
}

// WaitReason says why the client waits.
type WaitReason uint8

// The reasons for a wait.
const (
	// WaitBackoff is the retry policy's exponential backoff.
	WaitBackoff WaitReason = iota + 1
	// WaitRetryAfter is the wait a Retry-After header asked for.
	WaitRetryAfter
	// WaitRateLimit is a turn of the client's own rate limiter.
	WaitRateLimit
)

// WaitInfo describes a wait.
type WaitInfo struct {
	API      API
	Route    string
	Reason   WaitReason
	Duration time.Duration
	// Attempt is the attempt that failed (retries) or that waits for its
	// turn (rate limiter).
	Attempt int
	// StatusCode is the failed attempt's status; 0 when it got none.
	StatusCode int
	// Err is the failed attempt's error (redacted) when it got no
	// answer or its body broke off.
	Err error
}

// PageInfo describes a page of a walk. It carries whether a page token
// was sent, never the token.
type PageInfo struct {
	API      API
	Route    string
	Page     int
	HasToken bool
}

// PageResult is how a page's fetch ended.
type PageResult struct {
	Items int
	// ByToken reports that the page's answer is one of a listing by page
	// tokens (its Page number means nothing then); false when the fetch
	// failed.
	ByToken bool
	Err     error
}

// minReportedLimiterWait is the shortest rate limiter wait reported: a
// turn that was free at once is not a wait.
const minReportedLimiterWait = time.Millisecond

// exchange sends the call's request and decodes the answer (see
// exchangeRetrying), telling the observer, when there is one, about the
// call and, when the call is the first of a page of a walk, the page.
func (st *call) exchange(ctx context.Context, u *url.URL, out any) (*Response, error) {
	o := st.c.cfg.Observer
	if o == nil {
		return st.exchangeRetrying(ctx, u, out)
	}
	if w, ok := ctx.Value(walkProbeKey{}).(*walkProbe); ok {
		w.register(o, st)
	}
	if p, ok := ctx.Value(pageProbeKey{}).(*pageProbe); ok {
		ctx = p.start(ctx, o, st)
	}
	ctx, end := o.CallStart(ctx, CallInfo{API: st.api, Method: st.method, Route: st.route})
	r, err := st.exchangeRetrying(ctx, u, out)
	res := CallResult{Attempts: st.attempts, Err: err}
	var ae *APIError
	switch {
	case r != nil:
		res.StatusCode = r.StatusCode
	case errors.As(err, &ae):
		res.StatusCode = ae.StatusCode
	}
	end(res)
	return r, err
}

// observeRetryWait tells the observer that the call waits d, for reason,
// before it retries the attempt that ended with o.
func (st *call) observeRetryWait(ctx context.Context, o outcome, reason WaitReason, d time.Duration) {
	obs := st.c.cfg.Observer
	if obs == nil {
		return
	}
	info := WaitInfo{API: st.api, Route: st.route, Reason: reason, Duration: d, Attempt: st.attempts, StatusCode: o.status}
	if o.err != nil {
		info.Err = st.fail(ctx, o.err)
	}
	obs.Wait(ctx, info)
}

// limiterWait waits for l's next turn, telling the observer about a wait
// that took time.
func (st *call) limiterWait(ctx context.Context, l *rate.Limiter) error {
	o := st.c.cfg.Observer
	if o == nil {
		return l.Wait(ctx)
	}
	began := time.Now()
	err := l.Wait(ctx)
	if d := time.Since(began); d >= minReportedLimiterWait {
		o.Wait(ctx, WaitInfo{API: st.api, Route: st.route, Reason: WaitRateLimit, Duration: d, Attempt: st.attempts})
	}
	return err
}

type pageProbeKey struct{}

// pageProbe lets the first call of a page's fetch tell the observer that
// the page began: only a call knows its client, API and route.
type pageProbe struct {
	at  Cursor
	mu  sync.Mutex
	end func(PageResult) // set once the page began
}

// start tells o that the page began, the first time a call of the page
// asks, and returns the context the call runs under.
func (p *pageProbe) start(ctx context.Context, o Observer, st *call) context.Context {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.end != nil {
		return ctx
	}
	ctx, p.end = o.PageStart(ctx, PageInfo{API: st.api, Route: st.route, Page: p.at.Page, HasToken: p.at.Token != ""})
	return ctx
}

func (p *pageProbe) finish(res PageResult) {
	p.mu.Lock()
	end := p.end
	p.end = func(PageResult) {}
	p.mu.Unlock()
	if end != nil {
		end(res)
	}
}

// fetchObserved fetches the page at at, letting an observer of the
// page's calls see the page begin and end.
func fetchObserved[P, T any](ctx context.Context, at Cursor, fetch PageFetch[P, T]) (P, Page[T], error) {
	p := &pageProbe{at: at}
	pub, page, err := fetch(context.WithValue(ctx, pageProbeKey{}, p), at)
	p.finish(PageResult{Items: len(page.Items), ByToken: page.end.style == styleCursor, Err: err})
	return pub, page, err
}

// WalkInfo describes a walk that ended.
type WalkInfo struct {
	API   API
	Route string
	// Items is the number of items the walk yielded.
	Items int
	// Duration is the time from the walk's start to its end.
	Duration time.Duration
	// Err is the error the walk ended with (redacted), or nil.
	Err error
}

type walkProbeKey struct{}

// walkProbe counts a walk's items; the first call of the walk tells it
// the observer and the listing's API and route.
type walkProbe struct {
	began time.Time
	items int   // used by the loop's goroutine only
	err   error // the same
	mu    sync.Mutex
	o     Observer
	api   API
	route string
}

func (w *walkProbe) register(o Observer, st *call) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.o == nil {
		w.o, w.api, w.route = o, st.api, st.route
	}
}

// startWalk returns the context a walk's pages are fetched under, the
// probe that counts what the walk yields, and the function to call when it
// ends.
func startWalk(ctx context.Context) (context.Context, *walkProbe, func()) {
	w := &walkProbe{began: time.Now()}
	done := func() {
		w.mu.Lock()
		o := w.o
		w.mu.Unlock()
		if o != nil {
			o.Walk(ctx, WalkInfo{API: w.api, Route: w.route, Items: w.items, Duration: time.Since(w.began), Err: w.err})
		}
	}
	return context.WithValue(ctx, walkProbeKey{}, w), w, done
}

// fail records the error a walk ends with.
func (w *walkProbe) fail(err error) { w.err = withoutToken(err) }

// observeWalk is [startWalk] for an item walk: its yield counts the items.
func observeWalk[T any](ctx context.Context, yield func(T, error) bool) (context.Context, func(T, error) bool, func()) {
	ctx, w, done := startWalk(ctx)
	counted := func(v T, err error) bool {
		if err != nil {
			w.fail(err)
		} else {
			w.items++
		}
		return yield(v, err)
	}
	return ctx, counted, done
}

// withoutToken returns err for an observer: a *PageError is copied with
// its PageToken replaced by "[REDACTED]" (its text never shows it).
func withoutToken(err error) error {
	var pe *PageError
	if !errors.As(err, &pe) || pe.PageToken == "" {
		return err
	}
	cp := *pe
	cp.PageToken = "[REDACTED]"
	return &cp
}
