package engine

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// authTransport paces attempts with the API's rate limiter, starts the
// attempt timeout once the limiter's turn has come (waiting for the
// client's own limiter is not part of an attempt; only the caller's
// context ends that wait), runs the API's middleware (WithMiddleware) with
// the call's API, route and attempt number in the request's context, and
// then attaches the API's credential, only when the request goes to the
// API's own origin (scheme, host and port), redirects included.
type authTransport struct {
	base http.RoundTripper
	st   *call
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	st := t.st
	cfg := &st.c.apis[st.api]
	if cfg.Limiter != nil {
		if err := st.limiterWait(req.Context(), cfg.Limiter); err != nil {
			if ctxErr := req.Context().Err(); ctxErr != nil {
				return nil, ctxErr
			}
			// The turn would come after the context's deadline.
			return nil, &rateWaitError{api: st.api, err: err}
		}
	}
	a := st.c.startAttempt(req.Context())
	out := req.Clone(st.withAttemptInfo(a.ctx))
	out.Header.Del("Authorization")
	out.Header.Del("X-Api-Key")
	owned := len(cfg.Middleware) == 0 // out reaches attach unseen by any middleware
	return a.roundTrip(roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return runMiddleware(cfg.Middleware, r, func(r *http.Request) (*http.Response, error) {
			return t.attach(req.Context(), r, owned)
		})
	}), out)
}

// attach sends req, as the middleware passed it on, adding the API's
// credential when req goes to the API's own origin. Unless owned, the
// credential goes on a copy, and the response points back to req: no
// middleware ever sees it.
func (t *authTransport) attach(ctx context.Context, req *http.Request, owned bool) (*http.Response, error) {
	st := t.st
	cfg := &st.c.apis[st.api]
	if cfg.Credential == nil || cfg.BaseURL == nil || !sameOrigin(req.URL, cfg.BaseURL) {
		return t.base.RoundTrip(req)
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
	switch profiles[st.api].auth {
	case authAPIKeyHeader:
		out.Header.Set("X-API-KEY", tok)
	default:
		out.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := t.base.RoundTrip(out)
	if resp != nil && !owned {
		resp.Request = req
	}
	return resp, err
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// secretHolder is a Credential built from secrets other than the token it
// hands out (the Video SDK key and secret); they are redacted too.
type secretHolder interface {
	secrets() []string
}

// rateWaitError is returned when the client-side rate limiter's next turn
// comes after the context's deadline. It satisfies errors.Is(err,
// context.DeadlineExceeded) and is not retried.
type rateWaitError struct {
	api API
	err error
}

func (e *rateWaitError) Error() string {
	return fmt.Sprintf("sessionkit: %s rate limit (WithRateLimit): %v", e.api, e.err)
}

func (e *rateWaitError) Unwrap() []error { return []error{context.DeadlineExceeded, e.err} }

func isRateWaitError(err error) bool {
	var re *rateWaitError
	return errors.As(err, &re)
}
