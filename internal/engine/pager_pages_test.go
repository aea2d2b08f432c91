package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/sessionkit/sessionkit-go/internal/engine"
)

// pageFetch turns a fakeListing into a PageFetch whose public page is the
// page's items joined ("a,b,c").
func pageFetch(f *fakeListing) engine.PageFetch[string, string] {
	return func(ctx context.Context, at engine.Cursor) (string, engine.Page[string], error) {
		p, err := f.fetch(ctx, at)
		if err != nil {
			return "", p, err
		}
		return strings.Join(p.Items, ","), p, nil
	}
}

func TestWalkPagesAndItemsShareOneWalk(t *testing.T) {
	defer goleak.VerifyNone(t)
	boom := errors.New("boom")
	for _, prefetch := range []int{0, 1, 3} {
		t.Run("every page, then the items of every page", func(t *testing.T) {
			got, errs := drain(engine.WalkPages(context.Background(), prefetch, engine.Cursor{Page: 1}, pageFetch(numbered())))
			assert.Empty(t, errs)
			assert.Equal(t, []string{"a,b,c", "d,e,f", "g"}, got)
			items, errs := drain(engine.WalkItems(context.Background(), prefetch, engine.Cursor{Page: 1}, pageFetch(numbered())))
			assert.Empty(t, errs)
			assert.Equal(t, []string{"a", "b", "c", "d", "e", "f", "g"}, items)
		})
		t.Run("a cursor walk goes past an empty page", func(t *testing.T) {
			got, errs := drain(engine.WalkPages(context.Background(), prefetch, engine.Cursor{}, pageFetch(cursor())))
			assert.Empty(t, errs)
			assert.Equal(t, []string{"a,b", "", "c"}, got)
		})
		t.Run("one error after the pages before it, Yielded counting items", func(t *testing.T) {
			f := numbered()
			f.fail = map[engine.Cursor]error{{Page: 3}: boom}
			got, errs := drain(engine.WalkPages(context.Background(), prefetch, engine.Cursor{Page: 1}, pageFetch(f)))
			assert.Equal(t, []string{"a,b,c", "d,e,f"}, got)
			require.Len(t, errs, 1)
			var pe *engine.PageError
			require.ErrorAs(t, errs[0], &pe)
			assert.ErrorIs(t, errs[0], boom)
			assert.Equal(t, 3, pe.Page)
			assert.Equal(t, 6, pe.Yielded, "the items of the two pages, not the pages")
		})
		t.Run("break stops", func(t *testing.T) {
			f := numbered()
			n := 0
			for _, err := range engine.WalkPages(context.Background(), prefetch, engine.Cursor{Page: 1}, pageFetch(f)) {
				require.NoError(t, err)
				n++
				break //nolint:staticcheck // the test is the break
			}
			assert.Equal(t, 1, n)
			assert.LessOrEqual(t, len(f.called()), 1+prefetch)
		})
	}
}
