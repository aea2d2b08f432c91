package engine

import (
	"context"
	"errors"
)

// pacer returns the pacer of the call's API.
func (st *call) pacer() *pacer { return st.c.apis[st.api].pacer }

// waitTurn waits for the attempt's turn: the client's own rate limiter
// (WithRateLimit), then the pacer. A pause spends the limiter's turn, so
// an attempt that waited one takes a new turn: the attempts released
// together stay within the client's limit. On success the attempt is in
// flight until it calls the pacer's done.
func (st *call) waitTurn(ctx context.Context) error {
	lim := st.c.apis[st.api].Limiter
	for {
		if lim != nil {
			if err := st.limiterWait(ctx, lim); err != nil {
				if ctxErr := ctx.Err(); ctxErr != nil {
					return ctxErr
				}
				// The turn would come after the context's deadline.
				return &rateWaitError{api: st.api, err: err}
			}
		}
		paused, err := st.pacer().wait(ctx, lim != nil)
		if err != nil {
			return asPaceError(err)
		}
		if !paused || lim == nil {
			return nil
		}
	}
}

// asPaceError returns err, the pacer's, as a *paceError when it is the
// daily limit in force.
func asPaceError(err error) error {
	var d *DailyLimitError
	if errors.As(err, &d) {
		return &paceError{err: d}
	}
	return err
}

// paceError carries a daily limit through net/http's *url.Error; the call
// returns the *DailyLimitError itself, and it is not retried.
type paceError struct{ err *DailyLimitError }

func (e *paceError) Error() string { return e.err.Error() }
func (e *paceError) Unwrap() error { return e.err }

func isPaceError(err error) bool {
	var pe *paceError
	return errors.As(err, &pe)
}
