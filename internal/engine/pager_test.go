package engine_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go/internal/engine"
)

// fakeListing serves pages of a page-number or cursor listing and records
// the cursors it was asked for.
type fakeListing struct {
	mu    sync.Mutex
	calls []engine.Cursor
	pages map[engine.Cursor]engine.Page[string]
	fail  map[engine.Cursor]error
}

func (f *fakeListing) fetch(_ context.Context, at engine.Cursor) (engine.Page[string], error) {
	f.mu.Lock()
	f.calls = append(f.calls, at)
	n := len(f.calls)
	f.mu.Unlock()
	if n > 50 {
		return engine.Page[string]{}, errors.New("runaway walk")
	}
	if err := f.fail[at]; err != nil {
		return engine.Page[string]{}, err
	}
	p, ok := f.pages[at]
	if !ok {
		return engine.Page[string]{}, fmt.Errorf("no page at %+v", at)
	}
	return p, nil
}

func (f *fakeListing) called() []engine.Cursor {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]engine.Cursor(nil), f.calls...)
}

// numbered is a 1-based listing of three known pages: a b c | d e f | g.
func numbered() *fakeListing {
	f := &fakeListing{pages: map[engine.Cursor]engine.Page[string]{}}
	data := [][]string{{"a", "b", "c"}, {"d", "e", "f"}, {"g"}}
	for i, items := range data {
		f.pages[engine.Cursor{Page: i + 1}] = engine.TotalPagesPage(items, 3, 3, 7, 3)
	}
	return f
}

// cursor is a cursor listing: "" → a b (t1) → empty (t2) → c (end).
func cursor() *fakeListing {
	return &fakeListing{pages: map[engine.Cursor]engine.Page[string]{
		{Token: ""}:   engine.CursorPage([]string{"a", "b"}, "t1"),
		{Token: "t1"}: engine.CursorPage([]string{}, "t2"),
		{Token: "t2"}: engine.CursorPage([]string{"c"}, ""),
	}}
}

func drain(seq func(func(string, error) bool)) ([]string, []error) {
	var items []string
	var errs []error
	for v, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		items = append(items, v)
	}
	return items, errs
}

func pages(ns ...int) []engine.Cursor {
	out := make([]engine.Cursor, len(ns))
	for i, n := range ns {
		out[i] = engine.Cursor{Page: n}
	}
	return out
}

func tokens(ts ...string) []engine.Cursor {
	out := make([]engine.Cursor, len(ts))
	for i, tok := range ts {
		out[i] = engine.Cursor{Token: tok}
	}
	return out
}

func TestWalk(t *testing.T) {
	ctx := context.Background()
	for _, prefetch := range []int{0, 1, 4} {
		t.Run(fmt.Sprint("prefetch ", prefetch), func(t *testing.T) {
			t.Run("numbered: all items in order, no fetch past the last page", func(t *testing.T) {
				f := numbered()
				items, errs := drain(engine.Walk(ctx, prefetch, engine.Cursor{Page: 1}, f.fetch))
				require.Empty(t, errs)
				assert.Equal(t, []string{"a", "b", "c", "d", "e", "f", "g"}, items)
				assert.ElementsMatch(t, pages(1, 2, 3), f.called())
			})
			t.Run("cursor: continues past an empty page with a token", func(t *testing.T) {
				f := cursor()
				items, errs := drain(engine.Walk(ctx, prefetch, engine.Cursor{}, f.fetch))
				require.Empty(t, errs)
				assert.Equal(t, []string{"a", "b", "c"}, items)
				assert.Equal(t, tokens("", "t1", "t2"), f.called())
			})
			t.Run("lazy and re-rangeable from the start position", func(t *testing.T) {
				f := numbered()
				seq := engine.Walk(ctx, prefetch, engine.Cursor{Page: 2}, f.fetch)
				assert.Empty(t, f.called(), "nothing is fetched before ranging")
				first, _ := drain(seq)
				second, errs := drain(seq)
				require.Empty(t, errs)
				assert.Equal(t, []string{"d", "e", "f", "g"}, first)
				assert.Equal(t, first, second)
				assert.ElementsMatch(t, pages(2, 3, 2, 3), f.called())
			})
			t.Run("an error comes after every item before it, once", func(t *testing.T) {
				f := numbered()
				boom := errors.New("boom")
				f.fail = map[engine.Cursor]error{{Page: 3}: boom}
				var got []string
				var errs []error
				for v, err := range engine.Walk(ctx, prefetch, engine.Cursor{Page: 1}, f.fetch) {
					if err != nil {
						errs = append(errs, err)
						continue
					}
					require.Empty(t, errs, "nothing is yielded after an error")
					got = append(got, v)
				}
				assert.Equal(t, []string{"a", "b", "c", "d", "e", "f"}, got)
				require.Len(t, errs, 1)
				assert.ErrorIs(t, errs[0], boom)
				var pe *engine.PageError
				require.ErrorAs(t, errs[0], &pe)
				assert.Equal(t, 3, pe.Page)
				assert.Equal(t, 6, pe.Yielded)
			})
			t.Run("repeated token fails instead of looping", func(t *testing.T) {
				f := &fakeListing{pages: map[engine.Cursor]engine.Page[string]{
					{Token: ""}:   engine.CursorPage([]string{"a"}, "t1"),
					{Token: "t1"}: engine.CursorPage([]string{"b"}, "t2"),
					{Token: "t2"}: engine.CursorPage([]string{}, "t1"),
				}}
				items, errs := drain(engine.Walk(ctx, prefetch, engine.Cursor{}, f.fetch))
				assert.Equal(t, []string{"a", "b"}, items)
				require.Len(t, errs, 1)
				assert.ErrorIs(t, errs[0], engine.ErrPaginationLoop)
				var pe *engine.PageError
				require.ErrorAs(t, errs[0], &pe)
				assert.Equal(t, "t1", pe.PageToken)
				assert.Equal(t, 2, pe.Yielded)
				assert.Equal(t, tokens("", "t1", "t2"), f.called())
			})
		})
	}

	t.Run("break stops fetching (no prefetch)", func(t *testing.T) {
		f := numbered()
		for v, err := range engine.Walk(ctx, 0, engine.Cursor{Page: 1}, f.fetch) {
			require.NoError(t, err)
			if v == "b" {
				break
			}
		}
		assert.Equal(t, pages(1), f.called())
	})

	t.Run("the start token counts as seen", func(t *testing.T) {
		f := &fakeListing{pages: map[engine.Cursor]engine.Page[string]{
			{Token: "t1"}: engine.CursorPage([]string{"x"}, "t1"),
		}}
		items, errs := drain(engine.Walk(ctx, 0, engine.Cursor{Token: "t1"}, f.fetch))
		assert.Equal(t, []string{"x"}, items)
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], engine.ErrPaginationLoop)
	})

	t.Run("first page failing", func(t *testing.T) {
		f := numbered()
		f.fail = map[engine.Cursor]error{{Page: 2}: errors.New("down")}
		items, errs := drain(engine.Walk(ctx, 0, engine.Cursor{Page: 2}, f.fetch))
		assert.Empty(t, items)
		require.Len(t, errs, 1)
		var pe *engine.PageError
		require.ErrorAs(t, errs[0], &pe)
		assert.Equal(t, 2, pe.Page)
		assert.Zero(t, pe.Yielded)
	})
}

func TestFail(t *testing.T) {
	bad := engine.Invalidf("userID is required")
	seq := engine.Fail[string](engine.Cursor{Page: 4}, bad)
	for range 2 { // re-rangeable too
		var n int
		for v, err := range seq {
			n++
			assert.Empty(t, v)
			assert.ErrorIs(t, err, engine.ErrInvalidOptions)
			var pe *engine.PageError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, 4, pe.Page)
		}
		assert.Equal(t, 1, n)
	}
}

// rows returns items lo..hi-1 (clamped to n) of a listing of n rows.
func rows(n, lo, hi int) []string {
	lo, hi = max(min(lo, n), 0), max(min(hi, n), 0)
	out := make([]string, 0, hi-lo)
	for i := lo; i < hi; i++ {
		out = append(out, fmt.Sprintf("r%03d", i))
	}
	return out
}

// listing answers a cursor with a page; it stands for a server.
type listing func(at engine.Cursor) (engine.Page[string], error)

func (l listing) fetch(ctx context.Context, at engine.Cursor) (engine.Page[string], error) {
	if err := ctx.Err(); err != nil {
		return engine.Page[string]{}, err
	}
	if at.Page > 1000 {
		return engine.Page[string]{}, errors.New("runaway walk")
	}
	return l(at)
}

// ductape serves n rows, size per 1-based page, with the totals totals
// returns for a page number.
func ductape(n, size int, totals func(p int) (total, totalPages int)) listing {
	return func(at engine.Cursor) (engine.Page[string], error) {
		total, totalPages := totals(at.Page)
		return engine.TotalPagesPage(rows(n, (at.Page-1)*size, at.Page*size), size, 20, total, totalPages), nil
	}
}

// arthur serves n rows in 0-based pages of served rows each (a server
// that caps the requested size), with count(p) as the page's count.
func arthur(n, requested, served int, count func(p int) int) listing {
	return func(at engine.Cursor) (engine.Page[string], error) {
		return engine.CountPage(rows(n, at.Page*served, (at.Page+1)*served), requested, count(at.Page)), nil
	}
}

// monocloud serves n rows, size per 1-based page, with the X-Pagination
// answer h(p) (nil: no header).
func monocloud(n, size int, h func(p int) *engine.HasNext) listing {
	return func(at engine.Cursor) (engine.Page[string], error) {
		return engine.HasNextPage(rows(n, (at.Page-1)*size, at.Page*size), size, h(at.Page)), nil
	}
}

func hasNext(n, size int, total, pageSize func(p int) int) func(p int) *engine.HasNext {
	return func(p int) *engine.HasNext {
		return &engine.HasNext{Next: p*size < n, TotalCount: total(p), PageSize: pageSize(p)}
	}
}

func always(v int) func(int) int { return func(int) int { return v } }

// TestWalkRules: each page's own answer decides whether more follow, the
// same way with and without prefetch; totals of any size, growing totals,
// capped page sizes and has_next that disagrees with the totals neither
// cut the walk short nor run it past the end.
func TestWalkRules(t *testing.T) {
	const maxInt = int(^uint(0) >> 1)
	tests := []struct {
		name  string
		start engine.Cursor
		l     listing
		want  int // rows r000..
	}{
		{"ductape: totalPages grows from 3 to 5", engine.Cursor{Page: 1}, ductape(50, 10, func(p int) (int, int) {
			if p == 1 {
				return 30, 3
			}
			return 50, 5
		}), 50},
		{"ductape: total only, the last page is short", engine.Cursor{Page: 1}, ductape(25, 10, func(int) (int, int) { return 25, 0 }), 25},
		{"ductape: total grows, no totalPages", engine.Cursor{Page: 1}, ductape(50, 10, func(p int) (int, int) { return min(30+10*(p-1), 50), 0 }), 50},
		{"ductape: total 2^63-1 ends on the empty page", engine.Cursor{Page: 1}, ductape(35, 10, func(int) (int, int) { return maxInt, 0 }), 35},
		{"ductape: totalPages 2^63-1 ends on the empty page", engine.Cursor{Page: 1}, ductape(35, 10, func(int) (int, int) { return maxInt, maxInt }), 35},
		{"ductape: no totals, a short page ends", engine.Cursor{Page: 1}, ductape(25, 10, func(int) (int, int) { return 0, 0 }), 25},
		{"ductape: negative totals count as absent", engine.Cursor{Page: 1}, ductape(25, 10, func(int) (int, int) { return -1, -1 }), 25},
		{"ductape: totals shrink, later pages are not yielded", engine.Cursor{Page: 1}, ductape(50, 10, func(p int) (int, int) {
			if p == 1 {
				return 50, 5
			}
			return 30, 3
		}), 30},
		{"arthur: count grows", engine.Cursor{Page: 0}, arthur(50, 10, 10, func(p int) int { return min(30+10*p, 50) }), 50},
		{"arthur: count 2^63-1", engine.Cursor{Page: 0}, arthur(35, 10, 10, always(maxInt)), 35},
		{"arthur: count exact", engine.Cursor{Page: 0}, arthur(30, 10, 10, always(30)), 30},
		{"arthur: the server caps 10 to 3", engine.Cursor{Page: 0}, arthur(60, 10, 3, always(60)), 60},
		{"arthur: the server caps 10 to 7, last page short", engine.Cursor{Page: 0}, arthur(60, 10, 7, always(60)), 60},
		{"arthur: count smaller than the rows ends the walk", engine.Cursor{Page: 0}, arthur(60, 10, 10, always(25)), 30},
		{"monocloud: total_count grows", engine.Cursor{Page: 1}, monocloud(50, 10, hasNext(50, 10, func(p int) int { return min(30+10*(p-1), 50) }, always(10))), 50},
		{"monocloud: has_next with a smaller total_count", engine.Cursor{Page: 1}, monocloud(50, 10, hasNext(50, 10, always(20), always(10))), 50},
		{"monocloud: has_next with total_count 0", engine.Cursor{Page: 1}, monocloud(50, 10, hasNext(50, 10, always(0), always(10))), 50},
		{"monocloud: has_next with a negative total_count", engine.Cursor{Page: 1}, monocloud(50, 10, hasNext(50, 10, always(-7), always(10))), 50},
		{"monocloud: page_size larger than the pages", engine.Cursor{Page: 1}, monocloud(50, 10, hasNext(50, 10, always(50), always(25))), 50},
		{"monocloud: total_count 2^63-1", engine.Cursor{Page: 1}, monocloud(50, 10, hasNext(50, 10, always(maxInt), always(10))), 50},
		{"monocloud: has_next false ends despite total_count", engine.Cursor{Page: 1}, monocloud(50, 10, func(p int) *engine.HasNext {
			return &engine.HasNext{Next: p < 2, TotalCount: 50, PageSize: 10}
		}), 20},
		{"monocloud: no header, a short page ends", engine.Cursor{Page: 1}, monocloud(25, 10, func(int) *engine.HasNext { return nil }), 25},
		{"monocloud: no header, an empty page ends", engine.Cursor{Page: 1}, monocloud(30, 10, func(int) *engine.HasNext { return nil }), 30},
	}
	for _, tt := range tests {
		for _, prefetch := range []int{0, 1, 3, 8} {
			t.Run(fmt.Sprintf("%s/prefetch=%d", tt.name, prefetch), func(t *testing.T) {
				items, errs := drain(engine.Walk(context.Background(), prefetch, tt.start, tt.l.fetch))
				require.Empty(t, errs)
				assert.Equal(t, rows(tt.want, 0, tt.want), items)
			})
		}
	}
}

// TestWalkSpeculativePagesAreDiscarded: pages prefetched past the page
// that is the last by its own answer are never yielded, and their errors
// never reported.
func TestWalkSpeculativePagesAreDiscarded(t *testing.T) {
	var mu sync.Mutex
	fetched := map[int]bool{}
	l := listing(func(at engine.Cursor) (engine.Page[string], error) {
		mu.Lock()
		fetched[at.Page] = true
		mu.Unlock()
		if at.Page > 3 {
			return engine.Page[string]{}, errors.New("page past the end")
		}
		if at.Page > 1 {
			time.Sleep(5 * time.Millisecond) // so that prefetch starts the pages past the end
		}
		totalPages := 8
		if at.Page == 3 {
			totalPages = 3
		}
		return engine.TotalPagesPage(rows(80, (at.Page-1)*10, at.Page*10), 10, 20, 0, totalPages), nil
	})
	for _, prefetch := range []int{0, 1, 4, 8} {
		items, errs := drain(engine.Walk(context.Background(), prefetch, engine.Cursor{Page: 1}, l.fetch))
		assert.Empty(t, errs, "prefetch %d", prefetch)
		assert.Equal(t, rows(30, 0, 30), items, "prefetch %d", prefetch)
	}
	assert.True(t, fetched[4], "prefetch fetched past the end, so the test shows those pages are dropped")
}

// TestWalkEndsWithTheContextError: when the caller's context ends before
// the last page was yielded, the walk yields a prefix of the rows and then
// exactly one error satisfying errors.Is(err, ctx.Err()), never a silent
// end.
func TestWalkEndsWithTheContextError(t *testing.T) {
	l := ductape(100, 3, func(int) (int, int) { return 100, 34 })
	for _, prefetch := range []int{0, 1, 2, 4} {
		t.Run(fmt.Sprint("cancel/prefetch=", prefetch), func(t *testing.T) {
			for range 50 {
				ctx, cancel := context.WithCancel(context.Background())
				var items []string
				var errs []error
				for v, err := range engine.Walk(ctx, prefetch, engine.Cursor{Page: 1}, l.fetch) {
					if err != nil {
						errs = append(errs, err)
						continue
					}
					require.Empty(t, errs, "nothing is yielded after the error")
					items = append(items, v)
					if len(items) == 2 {
						cancel()
					}
				}
				cancel()
				require.Len(t, errs, 1, "one error, after %d items", len(items))
				assert.ErrorIs(t, errs[0], context.Canceled)
				var pe *engine.PageError
				require.ErrorAs(t, errs[0], &pe)
				assert.Equal(t, len(items), pe.Yielded)
				assert.Equal(t, rows(100, 0, len(items)), items, "a prefix, in order")
				assert.Equal(t, 0, len(items)%3, "whole pages")
				assert.Equal(t, len(items)/3+1, pe.Page, "the error names the page after the last yielded")
			}
		})
	}
	t.Run("deadline with a slow loop body", func(t *testing.T) {
		for _, prefetch := range []int{0, 2} {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
			var n int
			var errs []error
			for _, err := range engine.Walk(ctx, prefetch, engine.Cursor{Page: 1}, l.fetch) {
				if err != nil {
					errs = append(errs, err)
					continue
				}
				n++
				time.Sleep(40 * time.Millisecond)
			}
			cancel()
			require.Len(t, errs, 1, "prefetch %d: one error after %d items", prefetch, n)
			assert.ErrorIs(t, errs[0], context.DeadlineExceeded)
		}
	})
	t.Run("a context that ends after the last page is not an error", func(t *testing.T) {
		short := ductape(3, 3, func(int) (int, int) { return 3, 1 })
		for _, prefetch := range []int{0, 2} {
			ctx, cancel := context.WithCancel(context.Background())
			items, errs := drain(func(yield func(string, error) bool) {
				for v, err := range engine.Walk(ctx, prefetch, engine.Cursor{Page: 1}, short.fetch) {
					if v == "r002" {
						cancel()
					}
					if !yield(v, err) {
						return
					}
				}
			})
			cancel()
			assert.Empty(t, errs)
			assert.Len(t, items, 3)
		}
	})
}

// TestWalkRulesAtHugePageNumbers: rows before a page number near the top
// of int saturate instead of wrapping to a negative count, so a page far
// past the count is the last one.
func TestWalkRulesAtHugePageNumbers(t *testing.T) {
	const maxInt = int(^uint(0) >> 1)
	three := []string{"a", "b", "c"}
	tests := []struct {
		name string
		page func(at engine.Cursor) engine.Page[string]
	}{
		{"count", func(engine.Cursor) engine.Page[string] { return engine.CountPage(three, 10, maxInt) }},
		{"total", func(engine.Cursor) engine.Page[string] { return engine.TotalPagesPage(three, 10, 20, maxInt, 0) }},
	}
	for _, tt := range tests {
		for _, prefetch := range []int{0, 2} {
			l := listing(func(at engine.Cursor) (engine.Page[string], error) { return tt.page(at), nil })
			var items []string
			var errs []error
			for v, err := range engine.Walk(context.Background(), prefetch, engine.Cursor{Page: 1 << 62}, func(ctx context.Context, at engine.Cursor) (engine.Page[string], error) {
				if at.Page > 1<<62+5 {
					return engine.Page[string]{}, errors.New("runaway walk")
				}
				if err := ctx.Err(); err != nil {
					return engine.Page[string]{}, err
				}
				return l(at)
			}) {
				if err != nil {
					errs = append(errs, err)
					continue
				}
				items = append(items, v)
			}
			assert.Empty(t, errs, "%s/prefetch=%d", tt.name, prefetch)
			assert.Equal(t, three, items, "%s/prefetch=%d", tt.name, prefetch)
		}
	}
	t.Run("the largest page number ends the walk", func(t *testing.T) {
		l := listing(func(engine.Cursor) (engine.Page[string], error) {
			return engine.HasNextPage(three, 3, &engine.HasNext{Next: true}), nil
		})
		items, errs := drain(engine.Walk(context.Background(), 0, engine.Cursor{Page: maxInt}, func(_ context.Context, at engine.Cursor) (engine.Page[string], error) {
			return l(at)
		}))
		assert.Empty(t, errs)
		assert.Equal(t, three, items)
	})
}
