package sessionkit_test

// FanOut: inner walks run in parallel up to the limit, their items come in
// order, and an error, a break, a cancel or a panic ends everything
// cleanly.

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/sessionkit/sessionkit-go"
)

// seqOf yields xs, then err when it is not nil.
func seqOf[T any](xs []T, err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, x := range xs {
			if !yield(x, nil) {
				return
			}
		}
		if err != nil {
			var zero T
			yield(zero, err)
		}
	}
}

// fanItems collects a FanOut walk: items, then errors.
func fanItems[T any](seq iter.Seq2[T, error]) ([]T, []error) {
	var items []T
	var errs []error
	for v, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if len(errs) > 0 {
			panic("an item after an error")
		}
		items = append(items, v)
	}
	return items, errs
}

// numbered is an inner walk of n items o*1000+k that honours ctx, pausing
// up to maxPause before about one item in four (rng drives the pauses).
func numbered(n func(o int) int, maxPause time.Duration, seed uint64) func(context.Context, int) iter.Seq2[int, error] {
	return func(ctx context.Context, o int) iter.Seq2[int, error] {
		return func(yield func(int, error) bool) {
			rng := rand.New(rand.NewPCG(seed, uint64(o)))
			for k := range n(o) {
				if maxPause > 0 && rng.IntN(4) == 0 {
					select {
					case <-time.After(time.Duration(rng.Int64N(int64(maxPause)))):
					case <-ctx.Done():
						yield(0, &sessionkit.PageError{Page: k, Yielded: k, Err: ctx.Err()})
						return
					}
				}
				if !yield(o*1000+k, nil) {
					return
				}
			}
		}
	}
}

func ints(n int) []int {
	xs := make([]int, n)
	for i := range xs {
		xs[i] = i
	}
	return xs
}

func TestFanOutOrder(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	lengths := make([]int, 25)
	for i := range lengths {
		lengths[i] = rng.IntN(3 * sessionkit.FanOutBuffer) // some empty, some longer than the buffer
	}
	var want []int
	for o, n := range lengths {
		for k := range n {
			want = append(want, o*1000+k)
		}
	}
	length := func(o int) int { return lengths[o] }
	for _, parallel := range []int{1, 2, 5, 8, 100} {
		t.Run(fmt.Sprint("parallel ", parallel), func(t *testing.T) {
			got, errs := fanItems(sessionkit.FanOut(context.Background(), seqOf(ints(len(lengths)), nil), parallel, numbered(length, 200*time.Microsecond, seed)))
			require.Empty(t, errs, "seed %d", seed)
			assert.Equal(t, want, got, "seed %d: items in outer order, each walk in its order", seed)
		})
	}
	t.Run("an empty outer walk", func(t *testing.T) {
		got, errs := fanItems(sessionkit.FanOut(context.Background(), seqOf[int](nil, nil), 3, numbered(length, 0, seed)))
		assert.Empty(t, got)
		assert.Empty(t, errs)
	})
}

func TestFanOutRunsWalksInParallel(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	const parallel = 4
	var running, peak atomic.Int32
	var started sync.WaitGroup
	started.Add(parallel)
	inner := func(ctx context.Context, o int) iter.Seq2[int, error] {
		return func(yield func(int, error) bool) {
			peak.Store(max(peak.Load(), running.Add(1)))
			defer running.Add(-1)
			if o < parallel {
				started.Done()
				started.Wait() // deadlocks unless the first walks run at once
			}
			yield(o, nil)
		}
	}
	done := make(chan []int)
	go func() {
		got, _ := fanItems(sessionkit.FanOut(context.Background(), seqOf(ints(12), nil), parallel, inner))
		done <- got
	}()
	select {
	case got := <-done:
		assert.Equal(t, ints(12), got)
	case <-time.After(10 * time.Second):
		t.Fatal("the first walks did not run at once")
	}
	assert.LessOrEqual(t, peak.Load(), int32(parallel), "never more than parallel walks")
}

func TestFanOutInnerError(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	cause := errors.New("page 2 failed")
	var startedAfter atomic.Int32
	inner := func(_ context.Context, o int) iter.Seq2[int, error] {
		if o > 2 {
			startedAfter.Add(1)
		}
		if o == 2 {
			return seqOf([]int{20, 21, 22}, &sessionkit.PageError{Page: 2, Yielded: 3, Err: cause})
		}
		return seqOf([]int{o * 10, o*10 + 1}, nil)
	}
	for _, parallel := range []int{1, 3} {
		t.Run(fmt.Sprint("parallel ", parallel), func(t *testing.T) {
			got, errs := fanItems(sessionkit.FanOut(context.Background(), seqOf(ints(6), nil), parallel, inner))
			assert.Equal(t, []int{0, 1, 10, 11, 20, 21, 22}, got, "every item before the error, nothing after")
			require.Len(t, errs, 1)
			var fe *sessionkit.FanOutError
			require.ErrorAs(t, errs[0], &fe)
			assert.Equal(t, 2, fe.Index)
			assert.Equal(t, 3, fe.Yielded)
			var pe *sessionkit.PageError
			require.ErrorAs(t, errs[0], &pe, "the inner PageError stays reachable")
			assert.Equal(t, 2, pe.Page)
			assert.ErrorIs(t, errs[0], cause)
		})
	}
	assert.LessOrEqual(t, startedAfter.Load(), int32(2), "no walk starts beyond the parallel window")
}

func TestFanOutOuterError(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	outerErr := &sessionkit.PageError{PageToken: "tok", Yielded: 3, Err: errors.New("outer page failed")}
	for _, parallel := range []int{1, 2, 8} {
		t.Run(fmt.Sprint("parallel ", parallel), func(t *testing.T) {
			got, errs := fanItems(sessionkit.FanOut(context.Background(), seqOf([]int{0, 1, 2}, outerErr), parallel,
				numbered(func(int) int { return 3 }, 100*time.Microsecond, 1)))
			assert.Equal(t, []int{0, 1, 2, 1000, 1001, 1002, 2000, 2001, 2002}, got, "every item before the outer error")
			require.Len(t, errs, 1)
			assert.Same(t, outerErr, errs[0], "the outer error as outer yielded it")
			var fe *sessionkit.FanOutError
			assert.False(t, errors.As(errs[0], &fe))
		})
	}
}

func TestFanOutBreakStopsEverything(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	var produced atomic.Int64
	endless := func(ctx context.Context, o int) iter.Seq2[int, error] {
		return func(yield func(int, error) bool) {
			for k := 0; ctx.Err() == nil; k++ {
				produced.Add(1)
				if !yield(o*1000+k, nil) {
					return
				}
			}
		}
	}
	endlessOuter := func(yield func(int, error) bool) {
		for o := 0; ; o++ {
			if !yield(o, nil) {
				return
			}
		}
	}
	const parallel = 4
	n := 0
	for v, err := range sessionkit.FanOut(context.Background(), endlessOuter, parallel, endless) {
		require.NoError(t, err)
		require.Equal(t, n, v)
		if n++; n == 10 {
			break
		}
	}
	// Each running walk holds at most its buffer plus the item it is
	// trying to hand over.
	assert.LessOrEqual(t, produced.Load(), int64(10+parallel*(sessionkit.FanOutBuffer+1)), "memory bounded by the running walks")
}

func TestFanOutContextCancel(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	t.Run("mid-walk", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var errs []error
		n := 0
		for _, err := range sessionkit.FanOut(ctx, seqOf(ints(50), nil), 3, numbered(func(int) int { return 100 }, 50*time.Microsecond, 2)) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if n++; n == 150 {
				cancel()
			}
		}
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], context.Canceled)
		var fe *sessionkit.FanOutError
		require.ErrorAs(t, errs[0], &fe)
		assert.GreaterOrEqual(t, fe.Index, 1)
		assert.Less(t, n, 50*100, "never a silent full-length end")
	})
	t.Run("already cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		got, errs := fanItems(sessionkit.FanOut(ctx, seqOf(ints(3), nil), 2, numbered(func(int) int { return 3 }, 0, 3)))
		assert.Empty(t, got)
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], context.Canceled)
	})
	t.Run("a walk that ends silently on cancel is not a clean end", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		// A careless inner walk: 3 items, then the cancel (as if from
		// elsewhere), and it ends without an error.
		for run := range 40 {
			outer := 1 + run%2*9
			ctx, cancel := context.WithCancel(ctx)
			quitter := func(ctx context.Context, o int) iter.Seq2[int, error] {
				return func(yield func(int, error) bool) {
					for k := range 3 {
						if !yield(o*1000+k, nil) {
							return
						}
					}
					cancel()
				}
			}
			var errs []error
			n := 0
			for _, err := range sessionkit.FanOut(ctx, seqOf(ints(outer), nil), 2, quitter) {
				if err != nil {
					errs = append(errs, err)
					continue
				}
				if n++; n == 1 {
					<-ctx.Done()
					time.Sleep(time.Millisecond) // the walk has ended by now
				}
			}
			cancel()
			require.Len(t, errs, 1, "%d outer items", outer)
			assert.ErrorIs(t, errs[0], context.Canceled)
		}
	})
}

func TestFanOutInvalidParallel(t *testing.T) {
	for _, p := range []int{0, -1} {
		called := false
		got, errs := fanItems(sessionkit.FanOut(context.Background(), seqOf(ints(3), nil), p, func(context.Context, int) iter.Seq2[int, error] {
			called = true
			return seqOf([]int{1}, nil)
		}))
		assert.Empty(t, got)
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], sessionkit.ErrInvalidOptions)
		assert.Contains(t, errs[0].Error(), "parallel")
		assert.False(t, called)
	}
}

func TestFanOutInnerPanic(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	boom := func(ctx context.Context, o int) iter.Seq2[int, error] {
		return func(yield func(int, error) bool) {
			if o == 2 {
				panic(fmt.Sprintf("walk %d broke", o))
			}
			numbered(func(int) int { return 3 }, 0, 0)(ctx, o)(yield)
		}
	}
	for _, stopAt := range []int{-1, 1} {
		var got []int
		func() {
			defer func() {
				assert.Equal(t, "walk 2 broke", recover(), "the panic reaches the loop's goroutine")
			}()
			for v, err := range sessionkit.FanOut(context.Background(), seqOf(ints(5), nil), 3, boom) {
				require.NoError(t, err)
				got = append(got, v)
				if len(got) == stopAt {
					break // the walk that panicked is never reached: raised after the loop
				}
			}
		}()
		if stopAt < 0 {
			assert.Equal(t, []int{0, 1, 2, 1000, 1001, 1002}, got, "the items before the walk that panicked")
		}
	}
}

// TestFanOutRandomFailures fails a random inner walk at a random item, or
// the outer walk after a random item, and checks the rows before it, the
// single error and its resume point, at random parallelism.
func TestFanOutRandomFailures(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 1))
	for run := range 300 {
		outerLen := 1 + rng.IntN(12)
		lengths := make([]int, outerLen)
		for i := range lengths {
			lengths[i] = rng.IntN(2 * sessionkit.FanOutBuffer)
		}
		failWalk, failAt := rng.IntN(outerLen), 0
		if lengths[failWalk] > 0 {
			failAt = rng.IntN(lengths[failWalk] + 1)
		}
		outerFail := rng.IntN(4) == 0 // else an inner walk fails
		cause := errors.New("injected")
		inner := func(_ context.Context, o int) iter.Seq2[int, error] {
			return func(yield func(int, error) bool) {
				for k := range lengths[o] {
					if !outerFail && o == failWalk && k == failAt {
						yield(0, &sessionkit.PageError{Page: k, Yielded: k, Err: cause})
						return
					}
					if !yield(o*1000+k, nil) {
						return
					}
				}
				if !outerFail && o == failWalk && failAt == lengths[o] {
					yield(0, &sessionkit.PageError{Page: failAt, Yielded: failAt, Err: cause})
				}
			}
		}
		outer := seqOf(ints(outerLen), nil)
		if outerFail {
			outer = seqOf(ints(failWalk), &sessionkit.PageError{Page: failWalk, Err: cause})
		}
		var want []int
		for o := range failWalk + 1 {
			n := lengths[o]
			if o == failWalk {
				if outerFail {
					break
				}
				n = failAt
			}
			for k := range n {
				want = append(want, o*1000+k)
			}
		}
		parallel := 1 + rng.IntN(6)
		got, errs := fanItems(sessionkit.FanOut(context.Background(), outer, parallel, inner))
		require.Equal(t, want, got, "seed %d run %d", seed, run)
		require.Len(t, errs, 1, "seed %d run %d", seed, run)
		require.ErrorIs(t, errs[0], cause)
		var fe *sessionkit.FanOutError
		if outerFail {
			require.False(t, errors.As(errs[0], &fe), "seed %d run %d: an outer error is not wrapped", seed, run)
			continue
		}
		require.ErrorAs(t, errs[0], &fe, "seed %d run %d", seed, run)
		assert.Equal(t, failWalk, fe.Index, "seed %d run %d", seed, run)
		assert.Equal(t, failAt, fe.Yielded, "seed %d run %d", seed, run)
	}
}
