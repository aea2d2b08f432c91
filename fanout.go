package sessionkit

import (
	"context"
	"fmt"
	"iter"
	"sync"
	"sync/atomic"

	"github.com/sessionkit/sessionkit-go/internal/engine"
)

// FanOutBuffer is how many items each running inner walk of [FanOut] may
// hold ready ahead of the consumer: about one page. With it, a walk
// fetches while the walks before it are consumed, yet memory stays bounded
// by the running walks, not by their lengths.
const FanOutBuffer = 64

// FanOutError is the error [FanOut] yields when an inner walk fails. Index
// is the position, in outer order (from 0), of the outer item whose walk
// failed; Yielded counts that walk's items yielded before the failure; Err
// is the inner walk's error, usually a *[PageError] that says where that
// walk stopped.
//
// To resume exactly, skip the first Index outer items and start that item's
// walk at the PageError's position (its Page or PageToken).
type FanOutError struct {
	Index   int
	Yielded int
	Err     error
}

// Error names the outer position and the cause.
func (e *FanOutError) Error() string {
	return fmt.Sprintf("sessionkit: fan-out walk of item %d stopped after %d items: %v", e.Index, e.Yielded, e.Err)
}

// Unwrap returns the inner walk's error.
func (e *FanOutError) Unwrap() error { return e.Err }

// FanOut walks inner(ctx, o) for every o of outer, running up to parallel
// inner walks at once, and yields their items in outer order: every item
// of the first outer item's walk, then of the second's, and so on, each
// walk in its own order. Running walks fetch ahead of the consumer while
// the walks before them are consumed, each holding at most [FanOutBuffer]
// items besides its own page, so memory is bounded by parallel walks'
// pages. Every request goes through the client, inside its rate limits.
//
// The walk yields every item or ends with exactly one error, after every
// item before it:
//   - an inner walk's error, wrapped in a *[FanOutError];
//   - an outer error, as outer yielded it (not wrapped);
//   - the context's error, wrapped in a [*FanOutError], when ctx ends first;
//   - an error satisfying errors.Is(err, [ErrInvalidOptions]) when parallel
//     is less than 1 (nothing is walked).
//
// break stops every walk; no goroutine outlives the loop. inner runs on
// goroutines of its own, so it must be safe to call concurrently (the
// SDK's iterators are); a panic in an inner walk is raised again on the
// loop's goroutine once every walk has stopped.
func FanOut[O, I any](ctx context.Context, outer iter.Seq2[O, error], parallel int,
	inner func(ctx context.Context, o O) iter.Seq2[I, error]) iter.Seq2[I, error] {
	return func(yield func(I, error) bool) {
		var zero I
		if parallel < 1 {
			yield(zero, engine.Invalidf("FanOut parallel must be at least 1, got %d", parallel))
			return
		}
		f := &fanOut[O, I]{inner: inner}
		f.ctx, f.cancel = context.WithCancel(ctx)
		next, stop := iter.Pull2(outer)
		defer func() {
			stop()
			f.cancel()
			f.wg.Wait()
			if p := f.panicked.Load(); p != nil && !f.raised {
				panic(p.value)
			}
		}()
		f.run(next, parallel, yield)
	}
}

// fanOut is the state of one FanOut loop.
type fanOut[O, I any] struct {
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	inner    func(ctx context.Context, o O) iter.Seq2[I, error]
	panicked atomic.Pointer[fanPanic] // the first inner walk's panic, raised at the end if the loop did not reach it
	raised   bool                     // the loop's goroutine raised a walk's panic already
}

// fanPanic is a panic caught in an inner walk's goroutine.
type fanPanic struct{ value any }

// fanItem is one pair an inner walk yielded.
type fanItem[I any] struct {
	v   I
	err error
}

// fanWalk is one running inner walk, or an outer error waiting its turn.
type fanWalk[I any] struct {
	index    int
	items    chan fanItem[I] // closed when the walk's goroutine ends
	complete bool            // set before items closes, when the walk ended by itself
	panicked *fanPanic       // set before items closes, when the walk panicked
	outerErr error
}

func (f *fanOut[O, I]) run(next func() (O, error, bool), parallel int, yield func(I, error) bool) {
	var zero I
	queue := make([]*fanWalk[I], 0, min(parallel, 64))
	outerDone := false
	for index := 0; ; {
		for !outerDone && len(queue) < parallel {
			if err := f.ctx.Err(); err != nil {
				first := index // the first outer item not yielded whole
				if len(queue) > 0 {
					first = queue[0].index
				}
				yield(zero, &FanOutError{Index: first, Err: context.Cause(f.ctx)})
				return
			}
			o, err, ok := next()
			switch {
			case !ok:
				outerDone = true
			case err != nil:
				outerDone = true
				queue = append(queue, &fanWalk[I]{index: index, outerErr: err})
			default:
				queue = append(queue, f.start(index, o))
				index++
			}
		}
		if len(queue) == 0 {
			return
		}
		w := queue[0]
		queue = queue[1:]
		if w.outerErr != nil {
			yield(zero, w.outerErr)
			return
		}
		if !f.drain(w, yield) {
			return
		}
	}
}

// start runs the inner walk of o on a goroutine of its own.
func (f *fanOut[O, I]) start(index int, o O) *fanWalk[I] {
	w := &fanWalk[I]{index: index, items: make(chan fanItem[I], FanOutBuffer)}
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		defer close(w.items)
		defer func() {
			if r := recover(); r != nil {
				w.panicked = &fanPanic{r} // raised when the loop reaches this walk
				f.panicked.CompareAndSwap(nil, w.panicked)
			}
		}()
		for v, err := range f.inner(f.ctx, o) {
			select {
			case w.items <- fanItem[I]{v, err}:
			case <-f.ctx.Done():
				return
			}
			if err != nil {
				break
			}
		}
		w.complete = true
	}()
	return w
}

// drain yields the items of w; it reports whether the loop goes on.
func (f *fanOut[O, I]) drain(w *fanWalk[I], yield func(I, error) bool) bool {
	var zero I
	n := 0
	for {
		select {
		case it, ok := <-w.items:
			if !ok && w.panicked != nil {
				f.raised = true
				panic(w.panicked.value)
			}
			switch {
			case !ok && w.complete && f.ctx.Err() == nil:
				return true
			case !ok: // cut short by the context, or maybe ended early because of it
				yield(zero, &FanOutError{Index: w.index, Yielded: n, Err: context.Cause(f.ctx)})
				return false
			case it.err != nil:
				yield(zero, &FanOutError{Index: w.index, Yielded: n, Err: it.err})
				return false
			}
			if !yield(it.v, nil) {
				return false
			}
			n++
		case <-f.ctx.Done():
			yield(zero, &FanOutError{Index: w.index, Yielded: n, Err: context.Cause(f.ctx)})
			return false
		}
	}
}
