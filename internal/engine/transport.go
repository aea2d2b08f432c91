package engine

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// authTransport is the transport of a Client's one http.Client, in front
// of the SDK's (or the caller's) transport. Every request it is given,
// redirects included, carries its call in its context (see [withCall]);
// the call's [call.roundTrip] does the work.
type authTransport struct {
	base http.RoundTripper
}

// errNoCall is returned for a request that reached the engine's transport
// without a call; the engine makes no such request.
var errNoCall = errors.New("engine: request without a call")

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	st := callOf(req.Context())
	if st == nil {
		return nil, errNoCall
	}
	return st.roundTrip(t.base, req)
}

// roundTrip sends one request of an attempt (the first, or a redirect's)
// on base. It paces the request with the API's rate limiter, then with the
// pacing the API's answers asked for (see [call.waitTurn]); starts the
// attempt timeout once both let it go (these waits are not part of an
// attempt; only the caller's context ends them); runs the API's
// middleware (WithMiddleware) with the call's API, route and attempt
// number in the request's context; and then attaches the API's credential
// (see [call.attach]). req itself is never changed.
func (st *call) roundTrip(base http.RoundTripper, req *http.Request) (*http.Response, error) {
	if err := st.waitTurn(req.Context()); err != nil {
		return nil, err
	}
	a := st.c.startAttempt(req.Context(), st.attemptInfo())
	mw := st.c.apis[st.api].Middleware
	if len(mw) == 0 {
		// No middleware sees the request: a shallow copy, with headers of
		// its own, can take the credential.
		out := req.WithContext(a)
		out.Header = withoutCredential(req.Header.Clone())
		return st.sent(a.end(st.attach(req.Context(), base, out, true)))
	}
	out := req.Clone(a)
	out.Header = withoutCredential(out.Header)
	return st.sent(a.end(runMiddleware(mw, out, func(r *http.Request) (*http.Response, error) {
		return st.attach(req.Context(), base, r, false)
	})))
}

// sent ends the request's time in flight for the pacer once its answer's
// headers are in (or none will come), and returns resp and err. A refusal
// stays in flight until [call.afterAttempt] has let the pacer learn from
// it, so that no request waiting for it goes before the pause.
func (st *call) sent(resp *http.Response, err error) (*http.Response, error) {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		st.refusedInFlight = true
	} else {
		st.pacer().done()
	}
	return resp, err
}

// withoutCredential removes from h, a copy of the headers of a request
// given to the transport, the headers that carry a credential: a redirect
// copies them from the request before. Only [call.attach] sets them.
func withoutCredential(h http.Header) http.Header {
	if h == nil {
		return make(http.Header, 1)
	}
	delete(h, "Authorization")
	delete(h, "X-Api-Key")
	return h
}

// attach sends req, as the middleware passed it on, on base, adding the
// API's credential when req goes to the API's own origin (scheme, host
// and port): never to another, redirects included. Unless owned, the
// credential goes on a copy, and the response points back to req: no
// middleware ever sees it. The credential is asked for anew each time and
// recorded as the call's secret and as the one the attempt sent.
func (st *call) attach(ctx context.Context, base http.RoundTripper, req *http.Request, owned bool) (*http.Response, error) {
	cfg := &st.c.apis[st.api]
	if cfg.Credential == nil || cfg.BaseURL == nil || !sameOrigin(req.URL, cfg.BaseURL) {
		return base.RoundTrip(req)
	}
	tok, err := cfg.Credential.Token(ctx)
	if err == nil {
		err = checkCredential(tok)
	}
	if err != nil {
		return nil, &credentialError{api: st.api, err: err}
	}
	st.token = tok
	st.secret.add(tok)
	if h, ok := cfg.Credential.(secretHolder); ok {
		for _, v := range h.secrets() {
			st.secret.add(v)
		}
	}
	out := req
	if !owned {
		out = req.Clone(req.Context())
	}
	key, value := cfg.credentialHeader(st.api, tok)
	out.Header[key] = value
	resp, err := base.RoundTrip(out)
	if resp != nil && !owned {
		resp.Request = req
	}
	return resp, err
}

// secretHolder is a Credential built from secrets other than the token it
// hands out (the Video SDK key and secret); they are redacted too.
type secretHolder interface {
	secrets() []string
}

// rateWaitError is returned when the client-side rate limiter's next turn
// comes after the context's deadline. It satisfies errors.Is(err,
// context.DeadlineExceeded) and is not retried. It has no "sessionkit:"
// prefix: it reaches the caller inside the call's error (see [call.fail]).
type rateWaitError struct {
	api API
	err error
}

func (e *rateWaitError) Error() string {
	return fmt.Sprintf("%s rate limit (WithRateLimit): %v", e.api, e.err)
}

func (e *rateWaitError) Unwrap() []error { return []error{context.DeadlineExceeded, e.err} }

func isRateWaitError(err error) bool {
	var re *rateWaitError
	return errors.As(err, &re)
}

// credentialHeader returns the header that carries tok to api: X-API-KEY:
// tok, or Authorization: Bearer tok. The value of the latest credential
// is kept, so that the attempts with the same credential share it (no
// one writes into a request's header values: they are replaced).
func (cfg *APIConfig) credentialHeader(api API, tok string) (key string, value []string) {
	key = "Authorization"
	if profiles[api].auth == authAPIKeyHeader {
		key = "X-Api-Key"
	}
	if cv := cfg.lastCredential.Load(); cv != nil && cv.token == tok {
		return key, cv.value
	}
	v := "Bearer " + tok
	if key == "X-Api-Key" {
		v = tok
	}
	cv := &credentialValue{token: tok, value: []string{v}}
	cfg.lastCredential.Store(cv)
	return key, cv.value
}

// credentialValue is the header value of a credential.
type credentialValue struct {
	token string
	value []string
}
