package engine

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"sync"
)

// Cursor is a position in a listing: a page number (page styles) or a page
// token (cursor style; "" is the first page).
type Cursor struct {
	Page  int
	Token string
}

// Page is one fetched page of a walk: its items and what the page's own
// answer says about the rest of the listing. Build it with the constructor
// of the listing's style ([TotalPagesPage], [CountPage], [HasNextPage] or
// [CursorPage]); the walk applies that style's rule to every page in walk
// order, so each page's answer decides whether more follow. A zero Page
// ends the walk after its items.
type Page[T any] struct {
	// Items are the page's items, in order.
	Items []T
	end   answer
}

// style names a pagination style; each has one end-of-walk rule (see
// walkState.decide).
type style uint8

const (
	styleNone style = iota
	styleTotalPages
	styleCount
	styleHasNext
	styleCursor
)

// answer is what one page said about the listing.
type answer struct {
	style style
	// size is the page size the rule assumes (see the constructors).
	size int
	// total is the number of rows over all pages (Ductape total, Arthur
	// count, MonoCloud total_count); totalPages is Ductape's totalPages.
	total, totalPages int
	// short is the size below which a page without totals is the last.
	short int
	// header reports that a has_next answer came; hasNext is its value;
	// pageSize is its page_size.
	header, hasNext bool
	pageSize        int
	token           string
}

// TotalPagesPage completes a page of a 1-based page-number listing whose
// answer may carry the number of pages and of rows (Ductape's totalPages
// and total). limit is the page size (the one requested, else the one the
// answer reports, else 0 when unknown); defaultLimit is the size the server
// uses when none is requested. Page p with n items is the last when n is
// 0; else when totalPages > 0, iff p >= totalPages; else when total > 0
// and limit is known, iff p*limit >= total; else iff n is below the limit
// (or defaultLimit).
func TotalPagesPage[T any](items []T, limit, defaultLimit, total, totalPages int) Page[T] {
	short := limit
	if short <= 0 {
		short = defaultLimit
	}
	return Page[T]{Items: items, end: answer{style: styleTotalPages, size: max(limit, 0), total: total, totalPages: totalPages, short: short}}
}

// CountPage completes a page of a 0-based page-number listing whose answer
// carries the number of rows over all pages (Arthur's count). size is the
// page size requested, or the server's default. Page p with n items is the
// last iff n is 0 or p*eff + n >= count, where eff starts at size; a
// non-empty page that is short (n < eff) yet not the last shows that the
// server caps the page size, and eff becomes n from then on, so no row is
// skipped.
func CountPage[T any](items []T, size, count int) Page[T] {
	return Page[T]{Items: items, end: answer{style: styleCount, size: max(size, 1), total: count}}
}

// HasNext is the part of a page's answer that says whether another page
// follows (MonoCloud's X-Pagination header).
type HasNext struct {
	// Next reports that another page follows (has_next).
	Next bool
	// TotalCount and PageSize are the answer's totals; they never end a
	// walk, they only bound how far prefetch fetches in parallel.
	TotalCount, PageSize int
}

// HasNextPage completes a page of a 1-based page-number listing whose
// answer may say whether another page follows. size is the page size
// requested, or the server's default; h is nil when the answer did not say
// (no header, or an unreadable one). Page p with n items is the last iff n
// is 0, or h says no page follows, or (with no h) n < size.
func HasNextPage[T any](items []T, size int, h *HasNext) Page[T] {
	a := answer{style: styleHasNext, short: size}
	if h != nil {
		a.header, a.hasNext, a.total, a.pageSize = true, h.Next, h.TotalCount, h.PageSize
	}
	return Page[T]{Items: items, end: a}
}

// CursorPage completes a page of a cursor listing: the walk ends on an
// empty next token, and continues past an empty page that still carries
// one. A token that comes back a second time ends the walk with an error
// wrapping [ErrPaginationLoop].
func CursorPage[T any](items []T, next string) Page[T] {
	return Page[T]{Items: items, end: answer{style: styleCursor, token: next}}
}

// Fetch fetches the page at a cursor.
type Fetch[T any] func(ctx context.Context, at Cursor) (Page[T], error)

// PageFetch fetches the page at a cursor: the page as the service's
// single-page call returns it (pub), and its items and answer, which
// decide the walk.
type PageFetch[P, T any] func(ctx context.Context, at Cursor) (pub P, page Page[T], err error)

// Fail returns an iterator that yields err, found before the walk began
// (a bad argument), once, wrapped in a PageError at the start position
// whose text is err's own. V is the iterator's value: an item, or a page
// for the pages twin.
func Fail[V any](start Cursor, err error) iter.Seq2[V, error] {
	return func(yield func(V, error) bool) {
		var zero V
		yield(zero, &PageError{Page: start.Page, PageToken: start.Token, Err: err, unstarted: true})
	}
}

// Walk returns a lazy iterator over every item from start on.
//
// The walk either yields every item the server lists from start through
// the page that is the last by its own answer (see [Page]), in order and
// once each, or it ends with exactly one error, a *[PageError] at the page
// that failed, after every item before it. It never ends early without an
// error: when ctx ends before the last page was yielded, the error
// satisfies errors.Is(err, ctx.Err()). Stopping the loop (break) is not an
// error.
//
// With prefetch > 0, up to prefetch pages are fetched ahead of the loop
// body: in parallel as far as the latest page's totals say rows exist,
// else one after another. Prefetch changes how fast a walk goes, never
// which items it yields: pages fetched past the last one are never
// yielded, and their errors never reported. No goroutine outlives the
// loop.
//
// The services walk their listings through [Endpoint.Items] and
// [Endpoint.Pages], which apply these rules with the client's prefetch.
func Walk[T any](ctx context.Context, prefetch int, start Cursor, fetch Fetch[T]) iter.Seq2[T, error] {
	return WalkItems(ctx, prefetch, start, func(ctx context.Context, at Cursor) (struct{}, Page[T], error) {
		page, err := fetch(ctx, at)
		return struct{}{}, page, err
	})
}

// WalkItems is [Walk] over a [PageFetch]: the items of the pages
// [WalkPages] would yield, one by one. An endpoint's item iterator and
// its pages twin share the fetch, and so the walk.
func WalkItems[P, T any](ctx context.Context, prefetch int, start Cursor, fetch PageFetch[P, T]) iter.Seq2[T, error] {
	return itemSeq(ctx, func(ctx context.Context, emit emitFunc[P, T]) {
		walkPages(ctx, prefetch, start, fetch, emit)
	})
}

// WalkPages returns a lazy iterator over the pages from start on, each as
// fetch returned it, under the rules and prefetch of [Walk]: every page
// through the last one by its own answer, in order and once each, or
// exactly one *[PageError] after every page before it. The PageError's
// Page or PageToken is the page that failed, and its Yielded counts the
// items of the pages yielded before it (not the pages), as it does for
// [Walk], so that a resume skips by the same count whichever iterator
// was ranged.
func WalkPages[P, T any](ctx context.Context, prefetch int, start Cursor, fetch PageFetch[P, T]) iter.Seq2[P, error] {
	return pageSeq(ctx, func(ctx context.Context, emit emitFunc[P, T]) {
		walkPages(ctx, prefetch, start, fetch, emit)
	})
}

// runFunc runs one walk under ctx, handing its pages and its one error to
// emit.
type runFunc[P, T any] func(ctx context.Context, emit emitFunc[P, T])

// itemSeq returns the observed iterator over the items of run's pages.
func itemSeq[P, T any](ctx context.Context, run runFunc[P, T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		ctx, yield, done := observeWalk(ctx, yield)
		defer done()
		var zero T
		run(ctx, func(_ P, items []T, err error) (int, bool) {
			if err != nil {
				yield(zero, err)
				return 0, false
			}
			for i, it := range items {
				if !yield(it, nil) {
					return i, false
				}
			}
			return len(items), true
		})
	}
}

// pageSeq returns the observed iterator over run's pages.
func pageSeq[P, T any](ctx context.Context, run runFunc[P, T]) iter.Seq2[P, error] {
	return func(yield func(P, error) bool) {
		ctx, probe, done := startWalk(ctx)
		defer done()
		var zero P
		run(ctx, func(pub P, items []T, err error) (int, bool) {
			if err != nil {
				probe.fail(err)
				yield(zero, err)
				return 0, false
			}
			probe.items += len(items)
			return len(items), yield(pub, nil)
		})
	}
}

// emitFunc hands one page (or, with err set, the walk's one error) to the
// loop. It returns how many of the page's items the loop took and whether
// the walk goes on.
type emitFunc[P, T any] func(pub P, items []T, err error) (taken int, more bool)

func walkPages[P, T any](ctx context.Context, prefetch int, start Cursor, fetch PageFetch[P, T], emit emitFunc[P, T]) {
	w := &walker[P, T]{fetch: fetch, out: emit, state: walkState{guard: newLoopGuard(start)}}
	if prefetch > 0 {
		w.runAhead(ctx, prefetch, start)
		return
	}
	w.run(ctx, start)
}

type walker[P, T any] struct {
	fetch   PageFetch[P, T]
	out     emitFunc[P, T]
	state   walkState // used by one goroutine: the loop's, or the producer's
	yielded int
}

// emit yields a page; it reports false when the loop stopped.
func (w *walker[P, T]) emit(pub P, items []T) bool {
	n, more := w.out(pub, items, nil)
	w.yielded += n
	return more
}

func (w *walker[P, T]) fail(at Cursor, err error) {
	var zero P
	w.out(zero, nil, &PageError{Page: at.Page, PageToken: at.Token, Yielded: w.yielded, Err: err})
}

// run walks one page at a time.
func (w *walker[P, T]) run(ctx context.Context, at Cursor) {
	for {
		pub, page, err := fetchObserved(ctx, at, w.fetch)
		if err != nil {
			w.fail(at, err)
			return
		}
		st := w.state.decide(at, &page.end, len(page.Items))
		if !w.emit(pub, page.Items) || st.last {
			return
		}
		if st.err != nil {
			w.fail(st.next, st.err)
			return
		}
		at = st.next
	}
}

// step is the walk's decision about one page.
type step struct {
	// last reports that no page follows.
	last bool
	// next is the following page; err, when set, is why it cannot be
	// fetched (a repeated token).
	next Cursor
	err  error
	// bound is the highest page number that may hold rows by this
	// page's totals, or noBound.
	bound int
}

const noBound = -1

// walkState is what the rules remember across the pages of one walk.
type walkState struct {
	guard loopGuard
	// eff is the page size the count rule assumes; 0 before its first
	// page.
	eff int
}

// decide applies the page's style rule to the page at at with n items.
// It must see the pages in walk order.
func (s *walkState) decide(at Cursor, a *answer, n int) step {
	st := step{next: Cursor{Page: at.Page + 1}, bound: noBound}
	if a.style != styleCursor && at.Page == math.MaxInt {
		st.last = true // no page number follows
		return st
	}
	p := max(at.Page, 0)
	switch a.style {
	case styleCursor:
		st.next = Cursor{Token: a.token}
		st.last = a.token == ""
		if !st.last {
			st.next, st.err = s.guard.next(st.next)
		}
	case styleTotalPages:
		switch {
		case n == 0:
			st.last = true
		case a.totalPages > 0:
			st.last, st.bound = p >= a.totalPages, a.totalPages
		case a.total > 0 && a.size > 0:
			st.last, st.bound = mulSat(p, a.size) >= a.total, ceilDiv(a.total, a.size)
		default:
			st.last = n < a.short
		}
	case styleCount:
		if s.eff <= 0 {
			s.eff = a.size
		}
		st.last = n == 0 || addSat(mulSat(p, s.eff), n) >= a.total
		if !st.last && n < s.eff {
			s.eff = n // the server caps the page size
		}
		if !st.last {
			st.bound = ceilDiv(a.total, s.eff) - 1
		}
	case styleHasNext:
		if !a.header {
			st.last = n == 0 || n < a.short
			break
		}
		st.last = n == 0 || !a.hasNext
		if a.total > 0 && a.pageSize > 0 {
			st.bound = ceilDiv(a.total, a.pageSize)
		}
	default:
		st.last = true
	}
	return st
}

// mulSat returns a*b for a, b >= 0, saturating at math.MaxInt.
func mulSat(a, b int) int {
	if a != 0 && b > math.MaxInt/a {
		return math.MaxInt
	}
	return a * b
}

// addSat returns a+b for a, b >= 0, saturating at math.MaxInt.
func addSat(a, b int) int {
	if a > math.MaxInt-b {
		return math.MaxInt
	}
	return a + b
}

// ceilDiv returns ⌈a/b⌉ for a > 0, b > 0 without overflow.
func ceilDiv(a, b int) int { return (a-1)/b + 1 }

// future is a page being fetched ahead.
type future[P, T any] struct {
	at   Cursor
	pub  P
	page Page[T]
	err  error
	done chan struct{} // closed when the fetch returned
	// last is the walk's decision, valid once ready is closed.
	last  bool
	ready chan struct{}
	// slot reports that the future holds a prefetch slot.
	slot bool
}

// closedChan is ready at once, for futures that are decided when made.
var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// runAhead walks with a producer goroutine that fetches ahead and decides
// about each page in walk order; the loop's goroutine only yields.
func (w *walker[P, T]) runAhead(parent context.Context, prefetch int, start Cursor) {
	ctx, cancel := context.WithCancel(parent)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	p := &producer[P, T]{
		w: w, ctx: ctx, wg: &wg, next: start, bound: noBound,
		// prefetch pages hold slots; one more for the walk's final error.
		queue: make(chan *future[P, T], prefetch+1),
		slots: make(chan struct{}, prefetch),
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(p.queue)
		p.run()
	}()
	for f := range p.queue {
		<-f.ready
		if f.slot {
			<-p.slots
		}
		if f.err != nil {
			w.fail(f.at, f.err)
			return
		}
		if !w.emit(f.pub, f.page.Items) || f.last {
			return
		}
	}
	// The producer always ends the queue with a last page or an error.
	w.fail(Cursor{}, errWalkCut)
}

var errWalkCut = errors.New("sessionkit: walk ended before its last page")

// producer starts fetches ahead of the consumer, holding a slot for each
// page in flight or waiting to be consumed, and decides about the fetched
// pages in walk order. It keeps cursors only, never a consumed page's
// items, so at most prefetch pages plus the one being consumed are held.
type producer[P, T any] struct {
	w     *walker[P, T]
	ctx   context.Context
	wg    *sync.WaitGroup
	queue chan *future[P, T]
	slots chan struct{}
	// next is the cursor of the next page to fetch.
	next Cursor
	// bound is the latest decided page's bound (noBound when unknown):
	// pages up to it may be fetched in parallel.
	bound int
}

func (p *producer[P, T]) run() {
	var pending []*future[P, T] // fetched or in flight, not decided yet
	done := p.ctx.Done()
	stopped := false
	for {
		var slots chan<- struct{}
		if !stopped && p.mayLaunch(len(pending) == 0) {
			slots = p.slots
		}
		var fetched <-chan struct{}
		if len(pending) > 0 {
			fetched = pending[0].done
		}
		if slots == nil && fetched == nil {
			// The context ended and every page started was decided
			// without reaching the last: the walk ends with its error.
			p.queue <- &future[P, T]{at: p.next, err: p.ctx.Err(), ready: closedChan}
			return
		}
		select {
		case slots <- struct{}{}:
			pending = append(pending, p.launch())
		case <-fetched:
			f := pending[0]
			pending[0] = nil // the backing array must not keep the page alive
			pending = pending[1:]
			if p.settle(f, len(pending) == 0) {
				return
			}
		case <-done:
			stopped, done = true, nil
		}
	}
}

// mayLaunch reports whether the next page may be fetched now: when every
// page started was decided, its cursor is known; else only page numbers
// within the latest bound.
func (p *producer[P, T]) mayLaunch(idle bool) bool {
	return idle || (p.bound != noBound && p.next.Token == "" && p.next.Page <= p.bound && p.next.Page < math.MaxInt)
}

func (p *producer[P, T]) launch() *future[P, T] {
	f := &future[P, T]{at: p.next, done: make(chan struct{}), ready: make(chan struct{}), slot: true}
	p.queue <- f
	p.next = Cursor{Page: f.at.Page + 1} // replaced by the decision for cursor pages
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		f.pub, f.page, f.err = fetchObserved(p.ctx, f.at, p.w.fetch)
		close(f.done)
	}()
	return f
}

// settle decides about a fetched page, the oldest undecided one; idle
// reports that no later page was started. It reports whether the walk
// ends with this page.
func (p *producer[P, T]) settle(f *future[P, T], idle bool) (end bool) {
	defer close(f.ready)
	if f.err != nil {
		return true
	}
	st := p.w.state.decide(f.at, &f.page.end, len(f.page.Items))
	f.last = st.last
	if st.last {
		return true
	}
	if st.err != nil {
		p.queue <- &future[P, T]{at: st.next, err: st.err, ready: closedChan}
		return true
	}
	p.bound = st.bound
	if idle {
		p.next = st.next
	}
	return false
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
