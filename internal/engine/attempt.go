package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// attempt bounds one attempt (one request; each redirect is its own) with
// the configured attempt timeout, from after the rate limiter's wait
// until its body is closed.
type attempt struct {
	parent  context.Context // the caller's
	ctx     context.Context
	cancel  context.CancelFunc
	timeout time.Duration
}

// startAttempt starts an attempt under parent; without an attempt timeout
// it runs under parent alone.
func (c *Client) startAttempt(parent context.Context) *attempt {
	a := &attempt{parent: parent, ctx: parent, cancel: func() {}, timeout: c.cfg.AttemptTimeout}
	if a.timeout > 0 {
		a.ctx, a.cancel = context.WithTimeout(parent, a.timeout)
	}
	return a
}

// roundTrip sends req (made with a.ctx) on base; the attempt ends when the
// response body is closed, or at once on failure.
func (a *attempt) roundTrip(base http.RoundTripper, req *http.Request) (*http.Response, error) {
	resp, err := base.RoundTrip(req)
	if err != nil {
		err = a.explain(err)
		a.cancel()
		return nil, err
	}
	resp.Body = &attemptBody{body: resp.Body, a: a}
	return resp, nil
}

// explain returns err as an attempt timeout when the attempt's own
// deadline, not the caller's context, ended it.
func (a *attempt) explain(err error) error {
	if a.timeout > 0 && a.parent.Err() == nil && errors.Is(a.ctx.Err(), context.DeadlineExceeded) {
		return &attemptTimeoutError{timeout: a.timeout, err: err}
	}
	return err
}

// attemptBody ends the attempt when it is closed, and reports a read that
// the attempt timeout cut short as such.
type attemptBody struct {
	body io.ReadCloser
	a    *attempt
}

func (b *attemptBody) Read(p []byte) (int, error) {
	n, err := b.body.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		err = b.a.explain(err)
	}
	return n, err
}

func (b *attemptBody) Close() error {
	err := b.body.Close()
	b.a.cancel()
	return err
}

// attemptTimeoutError is an attempt that WithAttemptTimeout ended. It
// satisfies errors.Is(err, ErrAttemptTimeout), not
// context.DeadlineExceeded (that one is the caller's deadline), and is
// retried.
type attemptTimeoutError struct {
	timeout time.Duration
	err     error
}

func (e *attemptTimeoutError) Error() string {
	return fmt.Sprintf("attempt timeout (WithAttemptTimeout %s): %v", e.timeout, e.err)
}

func (e *attemptTimeoutError) Unwrap() error { return ErrAttemptTimeout }
