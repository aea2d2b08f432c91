package sessionkit_test

// Walk integrity end to end, per API: every walk yields every row the
// server lists through the page that is the last by its own answer, or
// ends with exactly one error after every row before it; whatever the
// prefetch, the totals the server claims, or the moment the caller's
// context ends.

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
)

const maxInt64 = "9223372036854775807"

// walkServer is a fake listing of n items of api whose pages hold served
// items (the requested size when 0) and say answer(page, size) about the
// listing; page is in the API's own numbering (Zoom: 1 for the first
// page, k for "tok-k").
func walkServer(t *testing.T, api sessionkit.API, n, served int, answer func(page, size int) pageMeta) *fakeListing {
	t.Helper()
	l := newFakeListing(t, api, n)
	l.served, l.answer = served, answer
	return l
}

func TestWalkFollowsEachPagesOwnAnswer(t *testing.T) {
	pagination := func(total, pageSize string) func(page, size int) pageMeta {
		return func(page, size int) pageMeta {
			return pageMeta{pagination: fmt.Sprintf(`{"total_count": %s, "page_size": %s, "current_page": %d, "has_next": %t}`, total, pageSize, page, page < 5)}
		}
	}
	tests := []struct {
		name   string
		api    sessionkit.API
		n      int // rows on the server
		served int // rows per page the server serves (0: as requested)
		answer func(page, size int) pageMeta
		want   int
	}{
		{"Ductape totalPages 3 on page 1, 5 later", sessionkit.Ductape, 50, 0, func(page, _ int) pageMeta {
			if page == 1 {
				return pageMeta{total: "30", totalPages: "3"}
			}
			return pageMeta{total: "50", totalPages: "5"}
		}, 50},
		{"Ductape total 2^63-1 without totalPages", sessionkit.Ductape, 35, 0, func(int, int) pageMeta {
			return pageMeta{total: maxInt64, totalPages: "0"}
		}, 35},
		{"Arthur count 30 on page 0, 50 later", sessionkit.Arthur, 50, 0, func(page, _ int) pageMeta {
			if page == 0 {
				return pageMeta{total: "30"}
			}
			return pageMeta{total: "50"}
		}, 50},
		{"Arthur count 2^63-1", sessionkit.Arthur, 35, 0, func(int, int) pageMeta { return pageMeta{total: maxInt64} }, 35},
		{"Arthur serves 3 per page when asked for 10", sessionkit.Arthur, 60, 3, func(int, int) pageMeta { return pageMeta{total: "60"} }, 60},
		{"MonoCloud total_count 30 on page 1, 50 later", sessionkit.MonoCloud, 50, 0, func(page, size int) pageMeta {
			total := 50
			if page == 1 {
				total = 30
			}
			return pageMeta{pagination: fmt.Sprintf(`{"total_count": %d, "page_size": %d, "current_page": %d, "has_next": %t}`, total, size, page, page < 5)}
		}, 50},
		{"MonoCloud has_next with a smaller total_count", sessionkit.MonoCloud, 50, 0, pagination("20", "10"), 50},
		{"MonoCloud has_next with total_count 0", sessionkit.MonoCloud, 50, 0, pagination("0", "10"), 50},
		{"MonoCloud has_next with a negative total_count", sessionkit.MonoCloud, 50, 0, pagination("-5", "10"), 50},
		{"MonoCloud has_next with page_size 25 for pages of 10", sessionkit.MonoCloud, 50, 0, pagination("50", "25"), 50},
		{"MonoCloud total_count 2^63-1", sessionkit.MonoCloud, 50, 0, pagination(maxInt64, "10"), 50},
		{"Zoom empty page with a token continues", sessionkit.Zoom, 20, 0, func(page, _ int) pageMeta {
			if page < 3 {
				return pageMeta{token: fmt.Sprintf("tok-%d", page+1)}
			}
			return pageMeta{}
		}, 20},
	}
	for _, tt := range tests {
		for _, prefetch := range []int{0, 1, 4, 8} {
			t.Run(fmt.Sprintf("%s/prefetch=%d", tt.name, prefetch), func(t *testing.T) {
				srv := walkServer(t, tt.api, tt.n, tt.served, tt.answer)
				c := newTestClient(t, srv.URL, sessionkit.WithPrefetch(prefetch))
				items, errs, _ := walkCollect(walkIDs(context.Background(), c, tt.api, startPos{}, 10), nil)
				require.Empty(t, errs)
				assert.Equal(t, itemIDs(0, tt.want), items)
			})
		}
	}
}

// TestWalkContextEndIsAnError: a walk whose context ends before its last
// page ends with one error satisfying the context's error, after a prefix
// of the rows, with and without prefetch; never in silence.
func TestWalkContextEndIsAnError(t *testing.T) {
	for _, api := range allAPIs {
		for _, prefetch := range []int{0, 1, 2} {
			t.Run(fmt.Sprintf("cancel/%s/prefetch=%d", api, prefetch), func(t *testing.T) {
				srv := newFakeListing(t, api, 60)
				c := newTestClient(t, srv.URL, sessionkit.WithPrefetch(prefetch))
				for range 10 {
					ctx, cancel := context.WithCancel(context.Background())
					items, errs, after := walkCollect(walkIDs(ctx, c, api, startPos{}, 3), func(n int) {
						if n == 2 {
							cancel()
						}
					})
					cancel()
					require.Len(t, errs, 1, "one error after %d items", len(items))
					assert.False(t, after, "nothing after the error")
					assert.ErrorIs(t, errs[0], context.Canceled)
					var pe *sessionkit.PageError
					require.ErrorAs(t, errs[0], &pe)
					assert.Equal(t, len(items), pe.Yielded)
					assert.Equal(t, itemIDs(0, len(items)), items)
				}
			})
		}
	}
	t.Run("deadline with slow loop body", func(t *testing.T) {
		for _, api := range allAPIs {
			srv := newFakeListing(t, api, 60)
			c := newTestClient(t, srv.URL, sessionkit.WithPrefetch(2))
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
			items, errs, _ := walkCollect(walkIDs(ctx, c, api, startPos{}, 3), func(int) { time.Sleep(40 * time.Millisecond) })
			cancel()
			require.Len(t, errs, 1, "%s: one error after %d items", api, len(items))
			assert.ErrorIs(t, errs[0], context.DeadlineExceeded, "%s", api)
			assert.Less(t, len(items), 60)
		}
	})
	t.Run("break is not an error", func(t *testing.T) {
		srv := newFakeListing(t, sessionkit.Ductape, 60)
		c := newTestClient(t, srv.URL, sessionkit.WithPrefetch(2))
		n := 0
		for _, err := range walkIDs(context.Background(), c, sessionkit.Ductape, startPos{}, 3) {
			require.NoError(t, err)
			if n++; n == 4 {
				break
			}
		}
		assert.Equal(t, 4, n)
	})
}
