package engine

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/hashicorp/go-retryablehttp"
)

// call is one [Client.Get] or [Client.Post], from its first attempt to its
// result. Its request's context carries it (see [withCall]): the one
// retryablehttp.Client and transport of its [Client], which serve every
// call, find the call of each attempt there. The attempts of a call run
// one after another on the caller's goroutine, so it needs no lock.
type call struct {
	c            *Client
	api          API
	method, path string    // path is the escaped path, as errors name it
	route        string    // method and path template, for middleware and observers
	body         []byte    // JSON request body, re-sent on every attempt; nil for none
	retry        Retry     // whether a non-GET may be retried
	secret       secretSet // every credential sent and page token queried

	// The tally of the attempts so far, which only the call's own steps
	// write: [countAttempt] counts, [call.attach] records the credential,
	// [call.afterAttempt] the failed answer, [call.renew] the renewal.
	attempts int       // requests sent: retries, the 401 renewal and body retries included
	free     int       // attempts not counted against MaxRetries: those up to a 401 renewal
	renewed  bool      // the credential was renewed after a 401
	token    string    // the credential the latest attempt sent; "" for none
	last     *APIError // the latest failed answer

	refusedInFlight bool // the latest attempt's 429 or 503 counts in flight until the pacer saw it
}

type callKey struct{}

// withCall returns ctx carrying st, for the Client's retryablehttp.Client
// and transport.
func withCall(ctx context.Context, st *call) context.Context {
	return context.WithValue(ctx, callKey{}, st)
}

// callOf returns the call whose request carries ctx, or nil.
func callOf(ctx context.Context) *call {
	st, _ := ctx.Value(callKey{}).(*call)
	return st
}

// exchangeRetrying is the call from its first attempt to its result. It
// sends the request, the Client's retryablehttp.Client running the
// retries (see [newSender]); renews the credential once on a 401 and sends
// again; decodes a 2xx answer into out; and sends again when the body
// broke off while it was read (see [bodyReadError]), within the same
// retry budget, after resetting out so that nothing of the failed attempt
// stays in it. Every error leaves through [call.fail].
func (st *call) exchangeRetrying(ctx context.Context, u *url.URL, out any) (*Response, error) {
	req, err := st.request(ctx, u)
	if err != nil {
		return nil, st.fail(ctx, err)
	}
	for {
		resp, err := st.send(req) //nolint:bodyclose // decode or renew closes it
		if err != nil {
			return nil, st.fail(ctx, err)
		}
		if st.renew(resp) {
			continue
		}
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return nil, st.fail(ctx, st.answerError())
		}
		r, err := st.decode(resp, out)
		if err == nil {
			return r, nil
		}
		broken := asBodyReadError(err)
		if broken == nil {
			return nil, st.fail(ctx, err)
		}
		if retry, ctxErr := st.retryAfter(ctx, outcome{err: broken}); !retry {
			return nil, st.fail(ctx, withCause(ctxErr, broken))
		}
		resetValue(out)
	}
}

// request returns the call's request, made once and sent by every
// attempt: its URL, the Accept and User-Agent headers, the JSON body
// (re-read for every attempt) and the call in its context.
func (st *call) request(ctx context.Context, u *url.URL) (*retryablehttp.Request, error) {
	if ctx == nil {
		return nil, errors.New("net/http: nil Context")
	}
	h := make(http.Header, 3)
	h["Accept"] = jsonHeader
	if ua := st.c.cfg.UserAgent; ua != "" {
		h["User-Agent"] = []string{ua}
	}
	hreq := &http.Request{
		Method:     st.method,
		URL:        u,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     h,
		Host:       strings.TrimSuffix(u.Host, ":"),
	}
	req := &retryablehttp.Request{Request: hreq.WithContext(withCall(ctx, st))}
	if st.body != nil {
		h["Content-Type"] = jsonHeader
		if err := req.SetBody(st.body); err != nil {
			return nil, err
		}
	}
	return req, nil
}

// jsonHeader is the value of the Accept and Content-Type headers the call
// sets. Requests share it: nothing writes into a request's header values
// (the transport sends copies, see [call.roundTrip]).
var jsonHeader = []string{"application/json"}

// send runs one round of attempts, retryablehttp's loop (see [newSender]),
// unless a daily limit is in force, and returns the answer it ended with.
func (st *call) send(req *retryablehttp.Request) (*http.Response, error) {
	if d := st.pacer().dailyLimit(); d != nil {
		return nil, d
	}
	resp, err := st.c.rc.Do(req)
	if err != nil {
		return nil, dailyLimitOf(err)
	}
	return resp, nil
}

// dailyLimitOf returns the daily limit that an attempt found in force
// while it waited its turn (see [paceError]), or else err.
func dailyLimitOf(err error) error {
	var pe *paceError
	if errors.As(err, &pe) {
		return pe.err
	}
	return err
}

// renew reports whether the call sends its request again with a renewed
// credential after resp: resp is a 401 to a request that carried the
// API's credential (a 401 from another origin, after a redirect, is not
// cured by renewing it), the credential is a [Renewer] and the call has
// not renewed it yet. The attempts so far then no longer count against
// MaxRetries.
func (st *call) renew(resp *http.Response) bool {
	if resp.StatusCode != http.StatusUnauthorized || st.renewed || !st.sentCredential(resp) {
		return false
	}
	r, ok := st.c.apis[st.api].Credential.(Renewer)
	if !ok {
		return false
	}
	closeBody(resp)
	r.Renew(st.token)
	st.renewed, st.free = true, st.attempts
	return true
}

// sentCredential reports whether the request that got resp carried the
// API's credential.
func (st *call) sentCredential(resp *http.Response) bool {
	if st.token == "" {
		return false
	}
	base := st.c.apis[st.api].BaseURL
	return resp.Request == nil || resp.Request.URL == nil || base == nil || sameOrigin(resp.Request.URL, base)
}

// answerError is the error of the failed answer the attempts ended with:
// its *APIError, which [call.afterAttempt] read, or the daily limit it
// reports.
func (st *call) answerError() error {
	if isDailyLimit(st.last) {
		return newDailyLimit(st.last, st.c.now())
	}
	return st.last
}

// fail returns the error the call ends with when err ended it; it also
// gives the text of an attempt's failure to the log and the observer.
// The call's own results carry their own text: an answer's *APIError, a
// *DailyLimitError, a *MalformedError. A call cancelled while it waited
// to retry a failed answer keeps both errors (see [canceledError]).
// Everything else reads "sessionkit: METHOD PATH: after N attempt(s):
// err" (without the attempts when none was made), with the request URL
// in a net/http error stripped of its query: the one place the
// "sessionkit:" prefix of a call's error is written. No secret the call
// sent or queried is left in the text.
func (st *call) fail(ctx context.Context, err error) error {
	switch err.(type) { //nolint:errorlint // the call's own results, never wrapped
	case *APIError, *DailyLimitError, *MalformedError:
		return err
	}
	if ctxErr := ctx.Err(); ctxErr != nil && st.last != nil {
		st.last.Attempts = st.attempts
		return st.secret.err(&canceledError{ctxErr: ctxErr, last: st.last})
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		redacted := *ue
		if u, perr := url.Parse(ue.URL); perr == nil {
			redacted.URL = redactURL(u)
		} else {
			redacted.URL = st.path
		}
		err = &redacted
	}
	if st.attempts == 0 {
		return st.secret.err(fmt.Errorf("sessionkit: %s %s: %w", st.method, st.path, err))
	}
	return st.secret.err(fmt.Errorf("sessionkit: %s %s: after %d attempt(s): %w", st.method, st.path, st.attempts, err))
}

// withCause returns ctxErr, the context's error that stopped a retry,
// joined with err, the failure it would have retried; err alone when
// there is no ctxErr or err already holds it.
func withCause(ctxErr, err error) error {
	if ctxErr == nil || errors.Is(err, ctxErr) {
		return err
	}
	return fmt.Errorf("%w (%w)", ctxErr, err)
}
