package sessionkit

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/sessionkit/sessionkit-go/internal/engine"
)

// The waits of a [ResumeBudget] whose Wait or MaxWait is zero.
const (
	DefaultResumeWait    = time.Second
	DefaultResumeMaxWait = time.Minute
	// DefaultResumeAttempts is the Attempts of a [ResumeBudget] whose
	// Attempts and Time are both zero.
	DefaultResumeAttempts = 5
)

// ResumeBudget bounds how long [Resume] keeps a walk going through
// failures that outlast the client's own retries ([WithMaxRetries]). It
// counts per position: once the walk gets past the page that failed (a
// new row is yielded), the next failure starts a fresh budget.
type ResumeBudget struct {
	// Attempts is how many times the walk is resumed at one position
	// before [Resume] gives up. 0 means no limit by count when Time is set,
	// else [DefaultResumeAttempts]. A negative Attempts resumes never: the
	// walk then ends at its first failure, and Resume only passes over
	// the start's Skip items and says where to resume, so that one loop
	// serves a script with and without resumes.
	Attempts int
	// Time is the longest [Resume] keeps resuming at one position, counted
	// from the first failure there, waits included; 0 means no limit by
	// time. A wait that would end after it is not begun.
	Time time.Duration
	// Wait is the wait before the first resume; each next one doubles, up
	// to MaxWait. A server's Retry-After (APIError.RetryAfter) is waited
	// instead when it is longer. 0 means [DefaultResumeWait] and
	// [DefaultResumeMaxWait].
	Wait, MaxWait time.Duration
}

func (b ResumeBudget) validate() error {
	switch {
	case b.Time < 0:
		return engine.Invalidf("ResumeBudget.Time must not be negative, got %s", b.Time)
	case b.Wait < 0 || b.MaxWait < 0:
		return engine.Invalidf("ResumeBudget.Wait and MaxWait must not be negative, got %s and %s", b.Wait, b.MaxWait)
	}
	return nil
}

// wait is the wait before the n-th resume (from 1) at one position after
// err.
func (b ResumeBudget) wait(n int, err error) time.Duration {
	first, most := b.Wait, b.MaxWait
	if first == 0 {
		first = DefaultResumeWait
	}
	if most == 0 {
		most = max(DefaultResumeMaxWait, first)
	}
	d := first
	for i := 1; i < n && d < most; i++ {
		d *= 2
	}
	d = min(d, most)
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.RetryAfter > d {
		d = apiErr.RetryAfter
	}
	return d
}

// ErrResumeBudgetSpent is wrapped by the *[ResumeError] of a walk that
// [Resume] stopped because its [ResumeBudget] was spent.
var ErrResumeBudgetSpent = errors.New("sessionkit: resume budget spent")

// ResumeError is the error [Resume] ends with. Position is where to
// resume the walk (save it, and give it to Resume in a later run);
// Attempts counts the walks made at that position; Yielded counts the
// rows Resume yielded; Err is the last failure, usually a *[PageError]
// (whose own Page and Yielded are those of the last walk only). Spent
// reports that the [ResumeBudget] was spent; then the error also wraps
// [ErrResumeBudgetSpent].
type ResumeError struct {
	Position Position
	Attempts int
	Yielded  int
	Spent    bool
	Err      error
}

// Error is the last failure's text, after "resume budget spent after N
// attempts at one page" when the budget was spent.
func (e *ResumeError) Error() string {
	cause := "<nil>"
	if e.Err != nil {
		cause = e.Err.Error()
	}
	if !e.Spent {
		return cause
	}
	return fmt.Sprintf("sessionkit: resume budget spent after %d attempts at one page: %s", e.Attempts, strings.TrimPrefix(cause, "sessionkit: "))
}

// Unwrap returns the last failure, and [ErrResumeBudgetSpent] when the
// budget was spent.
func (e *ResumeError) Unwrap() []error {
	if e.Spent {
		return []error{ErrResumeBudgetSpent, e.Err}
	}
	return []error{e.Err}
}

// Resume walks walk(ctx, start) and keeps it going through failures: when
// it ends with a retryable error ([IsRetryable]) Resume waits, with
// backoff, and walks again from the failed page's position
// ([Position.After]), within budget. It passes over each position's Skip
// items, so every row is yielded once.
//
// walk must start its iterator at the position it is given: the
// iterator's options' Page set to at.Page, NextPageToken to at.PageToken,
// and for ListSessionsIter From to at.Window when it is not zero; it must
// not pass over at.Skip itself. A Zoom page token that expired ([errors.Is]
// [ErrPageTokenExpired]) restarts the walk from the first page, passing
// over the rows already yielded by count; a ListSessionsIter walk
// restarts from the first page of the window that failed, passing over
// the rows of that window already yielded ([Position.WindowOffset]). A
// count is only right when the listing did not change since, as for the
// users of an ended session.
//
// Resume yields every row, or ends with exactly one error after every row
// before it: a *[ResumeError] that says where to resume (see
// [PositionOf]) when the failure is not retryable (a 404, a bad option,
// the caller's own cancel) or the budget is spent; or the walk's own
// error, unwrapped, when it does not say where the walk stopped (it is
// not a [*PageError], or it is a *[FanOutError]). The context ends a wait at
// once. break stops the walk.
func Resume[T any](ctx context.Context, start Position, walk func(ctx context.Context, at Position) iter.Seq2[T, error], budget ResumeBudget) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if err := budget.validate(); err != nil {
			yield(zero, &ResumeError{Position: start, Err: err})
			return
		}
		r := resumer[T]{walk: walk, yield: yield, budget: budget}
		if err := r.run(ctx, start); err != nil {
			yield(zero, err)
		}
	}
}

// resumer is the state of one Resume loop.
type resumer[T any] struct {
	walk    func(ctx context.Context, at Position) iter.Seq2[T, error]
	yield   func(T, error) bool
	budget  ResumeBudget
	yielded int
	stopped bool
}

// run walks until the listing ends, the loop stops (nil) or the walk
// cannot go on (the error to yield).
func (r *resumer[T]) run(ctx context.Context, at Position) error {
	attempts := 0
	var since time.Time // the first failure at this position
	for {
		attempts++
		before := r.yielded
		failed := r.walkOnce(ctx, at)
		if failed == nil || r.stopped {
			return nil
		}
		next, ok := at.After(failed)
		retry := ok && IsRetryable(failed)
		if ok && errors.Is(failed, ErrPageTokenExpired) {
			again, can := next.restart()
			if can {
				next = again // else the error says where the walk stopped
			}
			retry = can
		}
		if r.budget.Attempts < 0 {
			retry = false // resumes never
		}
		if !ok {
			return failed // no position to resume at: the caller's own error, as it came
		}
		if !retry {
			return &ResumeError{Position: next, Attempts: attempts, Yielded: r.yielded, Err: failed}
		}
		if r.yielded > before || since.IsZero() {
			attempts, since = 1, time.Now() // a fresh budget past a page that failed
		}
		wait := r.budget.wait(attempts, failed)
		if r.spent(attempts, since, wait) {
			return &ResumeError{Position: next, Attempts: attempts, Yielded: r.yielded, Spent: true, Err: failed}
		}
		if err := sleep(ctx, wait); err != nil {
			return &ResumeError{Position: next, Attempts: attempts, Yielded: r.yielded,
				Err: &PageError{Page: next.Page, PageToken: next.PageToken, Err: err}}
		}
		at = next
	}
}

// spent reports whether another resume after attempts at one position,
// the first failing at since, and a wait, is beyond the budget.
func (r *resumer[T]) spent(attempts int, since time.Time, wait time.Duration) bool {
	limit := r.budget.Attempts
	if limit == 0 && r.budget.Time == 0 {
		limit = DefaultResumeAttempts
	}
	if limit > 0 && attempts > limit {
		return true
	}
	return r.budget.Time > 0 && time.Since(since)+wait > r.budget.Time
}

// walkOnce ranges over one walk from at, passing over at.Skip items; it
// returns the walk's error, nil when it ended or the loop stopped.
func (r *resumer[T]) walkOnce(ctx context.Context, at Position) error {
	skip := at.Skip
	for v, err := range r.walk(ctx, at) {
		if err != nil {
			return err
		}
		if skip > 0 {
			skip--
			continue
		}
		if !r.yield(v, nil) {
			r.stopped = true
			return nil
		}
		r.yielded++
	}
	return nil
}

// sleep waits d, or until ctx ends (its error).
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}
