package engine

import (
	"context"
	"math"
	"net/http"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// newSender returns the one retryablehttp.Client that sends every call of
// a Client: hc (the caller's client settings on the SDK's transport) with
// [authTransport] in front of its transport. Its callbacks are thin
// adapters onto the call the request's context carries (see [withCall]),
// which keeps the attempts' tally and decides:
//
//   - RequestLogHook counts each attempt ([countAttempt]);
//   - CheckRetry is [call.afterAttempt], which reads a failed answer,
//     decides whether to retry and waits before it does;
//   - Backoff is 0, since the wait was made in CheckRetry (Backoff gets no
//     context when the attempt got no answer);
//   - RetryMax never binds: the call's own budget does (see [call.decide]),
//     since it spans the rounds of attempts after a 401 renewal or a
//     broken body;
//   - ErrorHandler returns the error without a response ([giveUp]).
//
// retryablehttp closes the idle connections of its HTTPClient when a
// request fails; authTransport has no CloseIdleConnections, so a failed
// call does not close the connections other calls are using.
func newSender(hc http.Client) *retryablehttp.Client {
	hc.Transport = &authTransport{base: hc.Transport}
	return &retryablehttp.Client{
		HTTPClient:     &hc,
		RetryMax:       math.MaxInt,
		CheckRetry:     checkRetry,
		Backoff:        noBackoff,
		ErrorHandler:   giveUp,
		RequestLogHook: countAttempt,
	}
}

// countAttempt is the RequestLogHook: one more attempt of the request's
// call begins.
func countAttempt(_ retryablehttp.Logger, req *http.Request, _ int) {
	if st := callOf(req.Context()); st != nil {
		st.attempts++
	}
}

// checkRetry is the CheckRetry: the call's [call.afterAttempt].
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st := callOf(ctx)
	if st == nil {
		return false, err
	}
	return st.afterAttempt(ctx, resp, err)
}

// noBackoff is the Backoff: the call has waited already.
func noBackoff(_, _ time.Duration, _ int, _ *http.Response) time.Duration { return 0 }

// giveUp is the ErrorHandler: it closes the last answer, if any, and
// returns the error alone.
func giveUp(resp *http.Response, err error, _ int) (*http.Response, error) {
	closeBody(resp)
	return nil, err
}
