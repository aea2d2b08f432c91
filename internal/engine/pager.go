package engine

import (
	"context"
	"fmt"
	"iter"
	"sync"
)

// Cursor is a position in a listing: a page number (page styles) or a page
// token (cursor style; "" is the first page).
type Cursor struct {
	Page  int
	Token string
}

// Page is one fetched page of a walk.
type Page[T any] struct {
	// Items are the page's items, in order.
	Items []T
	// Next is where the following page starts; unused when Last is set.
	Next Cursor
	// Last reports that no page follows this one.
	Last bool
	// LastPage is the number of the final page, valid when KnownLast is
	// set; it lets prefetch fetch the remaining pages in parallel.
	LastPage  int
	KnownLast bool
}

// Fetch fetches the page at a cursor.
type Fetch[T any] func(ctx context.Context, at Cursor) (Page[T], error)

// NumberedPage completes a page of a page-number walk: items fetched at page
// number at; lastPage is the final page number when known; size is the
// requested page size (0 when the server's default applies). An empty page
// always ends the walk, so totals that overstate the data end it cleanly.
func NumberedPage[T any](items []T, at, lastPage int, known bool, size int) Page[T] {
	p := Page[T]{Items: items, Next: Cursor{Page: at + 1}, LastPage: lastPage, KnownLast: known}
	switch {
	case len(items) == 0:
		p.Last = true
	case known:
		p.Last = at >= lastPage
	case size > 0 && len(items) < size:
		p.Last = true
	}
	return p
}

// CursorPage completes a page of a cursor walk: the walk ends on an empty
// next token, and continues past an empty page that still carries one.
func CursorPage[T any](items []T, next string) Page[T] {
	return Page[T]{Items: items, Next: Cursor{Token: next}, Last: next == ""}
}

// Fail returns an iterator that yields err, found before the walk began
// (a bad argument), once, wrapped in a PageError at the start position
// whose text is err's own.
func Fail[T any](start Cursor, err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, &PageError{Page: start.Page, PageToken: start.Token, Err: err, unstarted: true})
	}
}

// Walk returns a lazy iterator over every item from start on. With
// prefetch > 0, up to prefetch pages are fetched ahead of the consumer: in
// parallel when the first page tells the last page number, else one after
// another. Items always come out in order, an error only after every item
// before it, and no goroutine outlives the loop.
func Walk[T any](ctx context.Context, prefetch int, start Cursor, fetch Fetch[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		w := &walker[T]{fetch: fetch, yield: yield, guard: newLoopGuard(start)}
		w.run(ctx, prefetch, start)
	}
}

type walker[T any] struct {
	fetch   Fetch[T]
	yield   func(T, error) bool
	guard   loopGuard
	yielded int
}

// emit yields a page's items; it reports false when the loop stopped.
func (w *walker[T]) emit(items []T) bool {
	for _, it := range items {
		if !w.yield(it, nil) {
			return false
		}
		w.yielded++
	}
	return true
}

func (w *walker[T]) fail(at Cursor, err error) {
	var zero T
	w.yield(zero, &PageError{Page: at.Page, PageToken: at.Token, Yielded: w.yielded, Err: err})
}

func (w *walker[T]) run(ctx context.Context, prefetch int, at Cursor) {
	page, err := w.fetch(ctx, at)
	if err != nil {
		w.fail(at, err)
		return
	}
	if prefetch > 0 && !page.Last {
		w.runAhead(ctx, prefetch, page)
		return
	}
	for {
		if !w.emit(page.Items) || page.Last {
			return
		}
		next, err := w.guard.next(page.Next)
		if err != nil {
			w.fail(next, err)
			return
		}
		page = Page[T]{} // let the consumed page go while the next one loads
		if page, err = w.fetch(ctx, next); err != nil {
			w.fail(next, err)
			return
		}
	}
}

// future is a page being fetched ahead.
type future[T any] struct {
	at   Cursor
	page Page[T]
	err  error
	done chan struct{}
}

func (w *walker[T]) runAhead(parent context.Context, prefetch int, first Page[T]) {
	ctx, cancel := context.WithCancel(parent)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	queue := make(chan *future[T], prefetch)
	slots := make(chan struct{}, prefetch)
	wg.Add(1)
	go func(known bool, lastPage int, after Cursor) { // not first: its items would stay held
		defer wg.Done()
		defer close(queue)
		w.produce(ctx, known, lastPage, after, queue, slots, &wg)
	}(first.KnownLast, first.LastPage, first.Next)
	if !w.emit(first.Items) {
		return
	}
	first = Page[T]{}
	for f := range queue {
		<-f.done
		<-slots
		if f.err != nil {
			w.fail(f.at, f.err)
			return
		}
		if !w.emit(f.page.Items) || f.page.Last {
			return
		}
	}
}

// produce starts fetches ahead of the consumer from the cursor after,
// holding a slot for each page that is in flight or waiting to be
// consumed: in parallel when the last page number is known, else one after
// another. It keeps cursors only, never a page's items, so at most
// prefetch pages plus the one being consumed are held.
func (w *walker[T]) produce(ctx context.Context, known bool, lastPage int, after Cursor, queue chan<- *future[T], slots chan struct{}, wg *sync.WaitGroup) {
	for {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		next, loopErr := w.guard.next(after)
		f := &future[T]{at: next, done: make(chan struct{})}
		queue <- f
		if loopErr != nil {
			f.err = loopErr
			close(f.done)
			return
		}
		if known {
			wg.Add(1)
			go func() {
				defer wg.Done()
				f.page, f.err = w.fetch(ctx, f.at)
				close(f.done)
			}()
			if next.Page >= lastPage {
				return
			}
			after = Cursor{Page: next.Page + 1}
			continue
		}
		f.page, f.err = w.fetch(ctx, f.at)
		stop := f.err != nil || f.page.Last
		after = f.page.Next
		close(f.done)
		if stop {
			return
		}
	}
}

// loopGuard remembers the page tokens a walk has followed.
type loopGuard struct {
	seen map[string]struct{}
}

func newLoopGuard(start Cursor) loopGuard {
	g := loopGuard{}
	if start.Token != "" {
		g.seen = map[string]struct{}{start.Token: {}}
	}
	return g
}

// next returns next unchanged, or an error wrapping ErrPaginationLoop when
// it is a token the walk already followed.
func (g *loopGuard) next(next Cursor) (Cursor, error) {
	if next.Token == "" {
		return next, nil
	}
	if _, dup := g.seen[next.Token]; dup {
		return next, fmt.Errorf("%w: a token came back a second time", ErrPaginationLoop)
	}
	if g.seen == nil {
		g.seen = make(map[string]struct{})
	}
	g.seen[next.Token] = struct{}{}
	return next, nil
}
