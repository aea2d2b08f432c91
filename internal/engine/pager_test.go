package engine_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go/internal/engine"
)

func TestNumberedPage(t *testing.T) {
	tests := []struct {
		name       string
		items      int
		at, last   int
		known      bool
		size       int
		wantLast   bool
		wantNextPg int
	}{
		{"known, before the last page", 3, 1, 3, true, 3, false, 2},
		{"known, on the last page", 1, 3, 3, true, 3, true, 4},
		{"known, past the last page", 3, 4, 3, true, 3, true, 5},
		{"known 0-based single page", 5, 0, 0, true, 10, true, 1},
		{"empty page ends even when totals say more", 0, 1, 9, true, 3, true, 2},
		{"unknown, full page", 3, 1, 0, false, 3, false, 2},
		{"unknown, short page with size", 2, 1, 0, false, 3, true, 2},
		{"unknown, short page without size", 2, 1, 0, false, 0, false, 2},
		{"unknown, empty page", 0, 5, 0, false, 0, true, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := engine.NumberedPage(make([]int, tt.items), tt.at, tt.last, tt.known, tt.size)
			assert.Equal(t, tt.wantLast, p.Last)
			assert.Equal(t, tt.wantNextPg, p.Next.Page)
			assert.Len(t, p.Items, tt.items)
		})
	}
}

func TestCursorPage(t *testing.T) {
	assert.True(t, engine.CursorPage([]int{1}, "").Last, "an empty token ends the walk")
	p := engine.CursorPage([]int{}, "t2")
	assert.False(t, p.Last, "an empty page with a token continues")
	assert.Equal(t, "t2", p.Next.Token)
}

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
		f.pages[engine.Cursor{Page: i + 1}] = engine.NumberedPage(items, i+1, 3, true, 3)
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
