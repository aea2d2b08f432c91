package sessionkit

import (
	"context"
	"time"

	"github.com/sessionkit/sessionkit-go/internal/engine"
)

// Observer is told about every call the client makes, every wait before
// an attempt, and every page and every walk, for tracing and metrics (the
// module github.com/sessionkit/sessionkit-go/otel implements it with
// OpenTelemetry). Together with a [Middleware], which sees each attempt,
// it shows everything the client does on the wire.
//
// Nothing an Observer is given carries a credential, a page token or a
// query value: calls and pages are named by their API and route (see
// [RouteFromContext]), a page by its number or by whether a token was
// sent, and errors are the redacted ones the caller sees. Its methods are
// called from the goroutines that make the calls (several at once when
// the client is shared, or with [WithPrefetch]), so they must be safe for
// concurrent use, and they should return quickly: the call waits for
// them.
type Observer interface {
	// CallStart is called when a call begins (one call of a service
	// method, or one page of a walk), before its first attempt. The
	// context it returns is the one the call's attempts and waits run
	// under (it may carry a span, say); end is called once when the call
	// ends, after its last attempt.
	CallStart(ctx context.Context, info CallInfo) (_ context.Context, end func(CallResult))
	// Wait is called before the client waits: the retry policy's backoff
	// or a Retry-After before a retry, or a turn of the client's rate
	// limiter (see [WithRateLimit]) that took a millisecond or more
	// (reported once the turn came). ctx is the call's context, as
	// CallStart returned it.
	Wait(ctx context.Context, info WaitInfo)
	// PageStart is called when a walk fetches a page, as the page's first
	// call begins (before its CallStart, whose context derives from the
	// one PageStart returns); end is called once when the page's fetch
	// ended, with its item count. With [WithPrefetch], pages are fetched
	// ahead of the loop, and a page fetched past the walk's end is
	// reported too.
	PageStart(ctx context.Context, info PageInfo) (_ context.Context, end func(PageResult))
	// Walk is called once when a walk ends, on the goroutine of the loop
	// over it: after its last item, its error, or the loop's break. It
	// is not called for a walk that made no call (an argument was
	// refused before the first page). ctx is the context given to the
	// walk.
	Walk(ctx context.Context, info WalkInfo)
}

// CallInfo describes a call, for [Observer.CallStart].
type CallInfo struct {
	// API is the API called.
	API API
	// Method is the HTTP method.
	Method string
	// Route is the method and the endpoint's path template, as
	// [RouteFromContext] returns it: "GET /videosdk/sessions/{sessionId}/users".
	Route string
}

// CallResult is how a call ended, for the end function of
// [Observer.CallStart].
type CallResult struct {
	// Attempts is the number of requests sent, retries included.
	Attempts int
	// StatusCode is the status of the last answer, 0 when none came.
	StatusCode int
	// Err is the error the call returns, or nil.
	Err error
}

// WaitReason says why the client waits before an attempt.
type WaitReason uint8

// The reasons for a wait.
const (
	// WaitBackoff is the retry policy's exponential backoff before a
	// retry (see [WithRetryWait]).
	WaitBackoff WaitReason = WaitReason(engine.WaitBackoff)
	// WaitRetryAfter is the wait a Retry-After header asked for before a
	// retry.
	WaitRetryAfter WaitReason = WaitReason(engine.WaitRetryAfter)
	// WaitRateLimit is a turn of the client's own rate limiter (see
	// [WithRateLimit]).
	WaitRateLimit WaitReason = WaitReason(engine.WaitRateLimit)
)

// String returns "backoff", "retry_after" or "rate_limit".
func (r WaitReason) String() string {
	switch r {
	case WaitBackoff:
		return "backoff"
	case WaitRetryAfter:
		return "retry_after"
	case WaitRateLimit:
		return "rate_limit"
	}
	return "unknown"
}

// WaitInfo describes a wait, for [Observer.Wait].
type WaitInfo struct {
	// API and Route name the call that waits (see [CallInfo]).
	API   API
	Route string
	// Reason says why it waits.
	Reason WaitReason
	// Duration is how long it waits (for the rate limiter: how long it
	// waited).
	Duration time.Duration
	// Attempt is the number of the attempt that failed, for a retry, or
	// of the attempt that waits for its turn, for the rate limiter.
	Attempt int
	// StatusCode is the status of the failed attempt's answer, 0 when it
	// got none.
	StatusCode int
	// Err is why the failed attempt got no usable answer (a connection
	// error, an attempt timeout satisfying errors.Is(err,
	// [ErrAttemptTimeout]), a body cut off), or nil.
	Err error
}

// PageInfo describes a page of a walk, for [Observer.PageStart].
type PageInfo struct {
	// API and Route name the listing (see [CallInfo]).
	API   API
	Route string
	// Page is the page number of a listing by page numbers (from 1, or
	// from 0 for Arthur's listings), 0 for a listing by page tokens.
	Page int
	// HasToken reports that the page is fetched with a page token (the
	// token itself is never given).
	HasToken bool
}

// PageResult is how a page's fetch ended, for the end function of
// [Observer.PageStart].
type PageResult struct {
	// Items is the number of items on the page.
	Items int
	// ByToken reports that the page belongs to a listing by page tokens,
	// whose PageInfo.Page means nothing (the first page of such a listing
	// is fetched without a token); it is false when the fetch failed.
	ByToken bool
	// Err is the error the fetch failed with, or nil.
	Err error
}

// WalkInfo describes a walk that ended, for [Observer.Walk].
type WalkInfo struct {
	// API and Route name the listing walked (see [CallInfo]).
	API   API
	Route string
	// Items is the number of items the walk yielded to the loop.
	Items int
	// Duration is the time from the walk's start to its end, the loop
	// body's time included.
	Duration time.Duration
	// Err is the error the walk ended with (a [*PageError] whose PageToken,
	// when set, reads "[REDACTED]": resume from the error the loop got),
	// or nil when it ended after its last page or with the loop's break.
	Err error
}

// WithObserver makes the client tell o about every call, wait and page
// (see [Observer]). There is one observer per client: a later
// WithObserver replaces an earlier one, and given to [Client.With] it
// replaces the original client's (which the derived client otherwise
// keeps). It applies to the whole client: inside [ForAPI], or with a nil o,
// [NewClient] fails with [ErrInvalidOptions].
func WithObserver(o Observer) Option {
	return globalOnly("WithObserver", func(s *settings) error {
		if o == nil {
			return invalid("WithObserver", "observer is nil")
		}
		s.observer = observerAdapter{o}
		return nil
	})
}

// observerAdapter is the engine's view of an Observer.
type observerAdapter struct{ o Observer }

func (a observerAdapter) CallStart(ctx context.Context, info engine.CallInfo) (context.Context, func(engine.CallResult)) {
	octx, end := a.o.CallStart(ctx, CallInfo(info))
	if octx == nil {
		octx = ctx
	}
	return octx, func(r engine.CallResult) {
		if end != nil {
			end(CallResult(r))
		}
	}
}

func (a observerAdapter) Wait(ctx context.Context, info engine.WaitInfo) {
	a.o.Wait(ctx, WaitInfo{
		API: info.API, Route: info.Route, Reason: WaitReason(info.Reason), Duration: info.Duration,
		Attempt: info.Attempt, StatusCode: info.StatusCode, Err: info.Err,
	})
}

func (a observerAdapter) Walk(ctx context.Context, info engine.WalkInfo) {
	a.o.Walk(ctx, WalkInfo(info))
}

func (a observerAdapter) PageStart(ctx context.Context, info engine.PageInfo) (context.Context, func(engine.PageResult)) {
	octx, end := a.o.PageStart(ctx, PageInfo(info))
	if octx == nil {
		octx = ctx
	}
	return octx, func(r engine.PageResult) {
		if end != nil {
			end(PageResult(r))
		}
	}
}
