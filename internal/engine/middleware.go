package engine

import (
	"context"
	"errors"
	"net/http"
)

// Route is an endpoint's path template as the wire contracts write it,
// relative to the API's base URL and with the parameters named in braces:
// "/videosdk/sessions/{sessionId}/users". Each service call gives it to
// Get or Post next to the escaped path, so that middleware, metrics and
// tracing can name the endpoint without the raw path (which carries IDs).
type Route string

// Middleware runs around one request of an attempt: it may read or change
// the request, call next (at most once is usual, but any number of times is
// allowed) and read or replace the response. The request carries no
// credential: it is attached after the middleware, by next, and only when
// the request goes to the API's own origin.
type Middleware func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error)

// errMiddlewareNoResponse is returned when a middleware returned neither a
// response nor an error. It has no "sessionkit:" prefix: it always reaches
// the caller inside a call's error, which has one.
var errMiddlewareNoResponse = errors.New("a middleware (WithMiddleware) returned a nil response and a nil error")

// runMiddleware runs req through mw, the first outermost, and then send.
func runMiddleware(mw []Middleware, req *http.Request, send func(*http.Request) (*http.Response, error)) (*http.Response, error) {
	if len(mw) == 0 {
		return send(req)
	}
	resp, err := mw[0](req, func(r *http.Request) (*http.Response, error) {
		return runMiddleware(mw[1:], r, send)
	})
	switch {
	case err != nil:
		if resp != nil && resp.Body != nil {
			_ = resp.Body.Close()
		}
		return nil, err
	case resp == nil:
		return nil, errMiddlewareNoResponse
	case resp.Body == nil:
		resp.Body = http.NoBody
	}
	return resp, nil
}

// attemptInfo is what the engine tells middleware about the request in
// its context.
type attemptInfo struct {
	api     API
	route   string // method, space, path template: "GET /api/users"
	attempt int    // 1-based, retries and 401 renewals included
}

type attemptInfoKey struct{}

// attemptInfo returns the info of the call's current attempt.
func (st *call) attemptInfo() attemptInfo {
	return attemptInfo{api: st.api, route: st.route, attempt: st.attempts}
}

// infoFrom returns the info of the attempt whose request carries ctx (see
// [attempt.Value]).
func infoFrom(ctx context.Context) (attemptInfo, bool) {
	if ctx == nil {
		return attemptInfo{}, false
	}
	if info, ok := ctx.Value(attemptInfoKey{}).(*attemptInfo); ok {
		return *info, true
	}
	return attemptInfo{}, false
}

// AttemptFromContext returns the 1-based number of the attempt whose
// request carries ctx, or 0 when ctx is not a request's context made by
// the engine.
func AttemptFromContext(ctx context.Context) int {
	info, _ := infoFrom(ctx)
	return info.attempt
}

// RouteFromContext returns the route of the call whose request carries
// ctx ("GET /videosdk/sessions/{sessionId}/users"), or "".
func RouteFromContext(ctx context.Context) string {
	info, _ := infoFrom(ctx)
	return info.route
}

// APIFromContext returns the API of the call whose request carries ctx,
// and whether ctx is such a context.
func APIFromContext(ctx context.Context) (API, bool) {
	info, ok := infoFrom(ctx)
	return info.api, ok
}

// routeOf returns the route of a call: its method and its template.
func routeOf(method string, r Route) string {
	if r == "" {
		return ""
	}
	return method + " " + string(r)
}
