package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// attempt is one attempt (one request; each redirect is its own) and the
// context its request carries: the caller's, bounded by the attempt
// timeout (WithAttemptTimeout) from after the waits for the attempt's turn
// until its body is closed, and carrying the attempt's [attemptInfo] for
// middleware (see [AttemptFromContext]).
type attempt struct {
	context.Context // parent, or parent with the attempt timeout

	parent  context.Context // the caller's
	cancel  context.CancelFunc
	timeout time.Duration
	info    attemptInfo
	body    attemptBody // the answer's body, with an attempt timeout
}

// startAttempt starts an attempt under parent; without an attempt timeout
// it runs under parent alone.
func (c *Client) startAttempt(parent context.Context, info attemptInfo) *attempt {
	a := &attempt{Context: parent, parent: parent, cancel: func() {}, timeout: c.cfg.AttemptTimeout, info: info}
	if a.timeout > 0 {
		a.Context, a.cancel = context.WithTimeout(parent, a.timeout)
	}
	return a
}

// Value returns the attempt's info for [attemptInfoKey], else the value
// of the context it runs under.
func (a *attempt) Value(key any) any {
	if key == (attemptInfoKey{}) {
		return &a.info
	}
	return a.Context.Value(key)
}

// end ends the attempt that got resp or err: on failure at once, err
// told as the attempt timeout when it was that; else when resp's body is
// closed.
func (a *attempt) end(resp *http.Response, err error) (*http.Response, error) {
	if err != nil {
		err = a.explain(err)
		a.cancel()
		return nil, err
	}
	if a.timeout > 0 {
		a.body = attemptBody{body: resp.Body, a: a}
		resp.Body = &a.body
	}
	return resp, nil
}

// explain returns err as an attempt timeout when the attempt's own
// deadline, not the caller's context, ended it.
func (a *attempt) explain(err error) error {
	if a.timeout > 0 && a.parent.Err() == nil && errors.Is(a.Err(), context.DeadlineExceeded) {
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
