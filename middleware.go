package sessionkit

import (
	"context"
	"net/http"

	"github.com/sessionkit/sessionkit-go/internal/engine"
)

// Middleware runs around every request the client sends. It receives the
// request and next, which sends it on (to the next middleware, or to the
// network), and returns the response, usually next's: it may read or
// change the request, time the exchange, count the outcome, or answer
// without calling next at all.
//
// A middleware runs once per attempt, inside the retries, so a retried
// request passes through it again; a redirect hop is sent through it too,
// with the same attempt number. The request's context tells which call
// and attempt it is (see [AttemptFromContext], [RouteFromContext] and
// [APIFromContext]) and carries the caller's context values and deadline,
// and the attempt timeout when one is set (see [WithAttemptTimeout]); the
// client's rate limiter (see [WithRateLimit]) has already let the attempt
// go.
//
// The request carries no credential: next attaches it, and only when the
// request goes to the API's own origin (scheme, host and port), also when
// a middleware changed its URL. Neither the request nor the response's
// Request field shows it. To read a request body (Traces.Tasks sends one),
// use req.GetBody, which returns a fresh copy: reading req.Body would
// leave nothing to send. A middleware must not keep the request or its
// body after it returns.
//
// An error a middleware returns fails the attempt as a connection error
// does: the retry policy tries again (through the middleware again) until
// the retries run out, and the call's error then wraps it, for [errors.Is]
// and [errors.As]. A middleware that returns a nil response and a nil error
// fails the attempt the same way.
type Middleware func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error)

// WithMiddleware adds m around every request: to every API, or inside
// [ForAPI] to one API only. Unlike other options, each WithMiddleware adds
// to the ones before it instead of replacing them: they run in the order
// given, the first given outermost, the global ones around the ones scoped
// with ForAPI (whatever the order in which they were given); given to
// [Client.With], they run inside those of the original client. A nil m
// makes [NewClient] fail with [ErrInvalidOptions].
func WithMiddleware(m func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error)) Option {
	return func(s *settings) error {
		if m == nil {
			return invalid(s.optionName("WithMiddleware"), "middleware is nil")
		}
		s.target.middleware = append(s.target.middleware, m)
		return nil
	}
}

// middleware returns the chain of api: the global middleware, then the
// middleware scoped to api.
func (s *settings) middleware(api API) []engine.Middleware {
	g, sc := s.global.middleware, s.scoped[api].middleware
	if len(g)+len(sc) == 0 {
		return nil
	}
	chain := make([]engine.Middleware, 0, len(g)+len(sc))
	for _, m := range g {
		chain = append(chain, engine.Middleware(m))
	}
	for _, m := range sc {
		chain = append(chain, engine.Middleware(m))
	}
	return chain
}

// AttemptFromContext returns the number of the attempt, from 1, whose
// request carries ctx: 1 for the first try, 2 for the first retry, and so
// on over every retry of one call (the retry after a 401 renewal
// included). It returns 0 when ctx is not the context of a request the
// client sent, such as the context given to a call. It is meant for
// middleware (see [WithMiddleware]).
func AttemptFromContext(ctx context.Context) int { return engine.AttemptFromContext(ctx) }

// RouteFromContext returns the route of the call whose request carries
// ctx: the method and the endpoint's path template as the API's reference
// writes it, without the API's base URL and with the parameters named in
// braces, such as "GET /videosdk/sessions/{sessionId}/users" or
// "POST /api/v2/tasks/search". It is the same for every request of an
// endpoint whatever the arguments, so it suits metrics labels and span
// names; it is also a valid net/http ServeMux pattern. It returns "" when
// ctx is not the context of a request the client sent. It is meant for
// middleware (see [WithMiddleware]).
func RouteFromContext(ctx context.Context) string { return engine.RouteFromContext(ctx) }

// APIFromContext returns the API of the call whose request carries ctx,
// and false when ctx is not the context of a request the client sent. It
// is meant for middleware (see [WithMiddleware]).
func APIFromContext(ctx context.Context) (API, bool) { return engine.APIFromContext(ctx) }
