package sessionkit_test

// Pagination faults: a Zoom cursor that repeats or is rejected, totals
// that overstate the listing, and a walk resumed from its PageError. An
// expired Zoom cursor is the kit's own (its clock expires it); the pager
// (fakeListing) stays where a test needs what no vendor does on purpose: a
// cursor that repeats, totals that lie.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
)

func TestZoomRepeatedTokenIsALoop(t *testing.T) {
	tests := []struct {
		name string
		next func(page int) string // the token a page hands out
	}{
		{"same token again", func(int) string { return "tok-2" }},
		{"ping-pong", func(page int) string { return map[int]string{1: "tok-2", 2: "tok-3", 3: "tok-2"}[page] }},
		{"back to the start token", func(page int) string { return map[int]string{1: "tok-2", 2: "tok-1"}[page] }},
	}
	for _, tt := range tests {
		for _, prefetch := range []int{0, 4} {
			t.Run(fmt.Sprintf("%s/prefetch=%d", tt.name, prefetch), func(t *testing.T) {
				p := newFakeListing(t, sessionkit.Zoom, 30)
				p.nextToken = tt.next
				p.fault = func(_ string, hit int) (int, string) {
					if hit >= 3 { // a client that loops fails here instead of hanging
						return http.StatusGone, `{"code": 410, "message": "looping"}`
					}
					return 0, ""
				}
				c := newTestClient(t, p.URL, sessionkit.WithPrefetch(prefetch))
				start := startPos{}
				if tt.name == "back to the start token" {
					start.token = "tok-1"
				}
				n, err := drain(walkIDs(context.Background(), c, sessionkit.Zoom, start, 3))
				require.ErrorIs(t, err, sessionkit.ErrPaginationLoop)
				assert.LessOrEqual(t, p.count(), 3, "requests")
				assert.Positive(t, n)
				var pe *sessionkit.PageError
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, n, pe.Yielded)
			})
		}
	}
}

func TestZoomRejectedTokenIsExpired(t *testing.T) {
	t.Run("iterator", func(t *testing.T) {
		// The kit's clock jumps 16 minutes once the second Zoom request has
		// arrived: the token page 1 handed out has expired by then, and
		// the kit answers as Zoom does (400, code 300).
		var kit atomic.Pointer[sessionkittest.Server]
		clock := func() time.Time {
			if srv := kit.Load(); srv != nil && srv.Count(sessionkittest.Match{API: sessionkittest.Zoom}) >= 2 {
				return time.Now().Add(16 * time.Minute)
			}
			return time.Now()
		}
		srv := kitServer(t, sessionkittest.WithUsers(9), sessionkittest.WithClock(clock))
		kit.Store(srv)
		c := kitClient(t, srv)
		n, err := drain(kitWalk(context.Background(), c, srv, sessionkit.Zoom, startPos{}, 3))
		assert.Equal(t, 3, n)
		require.ErrorIs(t, err, sessionkit.ErrPageTokenExpired)
		var pe *sessionkit.PageError
		require.ErrorAs(t, err, &pe)
		second := srv.RequestsMatching(sessionkittest.Match{API: sessionkittest.Zoom, Request: 2})
		require.Len(t, second, 1)
		q, perr := url.ParseQuery(second[0].RawQuery)
		require.NoError(t, perr)
		require.NotEmpty(t, q.Get("next_page_token"))
		assert.Equal(t, q.Get("next_page_token"), pe.PageToken)
		assert.Equal(t, 3, pe.Yielded)
		var ae *sessionkit.APIError
		require.ErrorAs(t, err, &ae, "the API error stays reachable")
		assert.Equal(t, http.StatusBadRequest, ae.StatusCode)
		assert.Equal(t, "300", ae.Code)
		assert.Equal(t, 2, srv.Count(sessionkittest.Match{API: sessionkittest.Zoom}), "a 400 is not retried")
	})
	t.Run("ListUsers", func(t *testing.T) {
		// A token the kit never issued: Zoom's 400, code 300.
		srv := kitServer(t)
		c := kitClient(t, srv)
		id := srv.Data().ZoomSessionIDs[0]
		_, err := c.Sessions.ListUsers(context.Background(), id, sessions.ListUsersOptions{Type: sessions.Past, NextPageToken: "stale"})
		require.ErrorIs(t, err, sessionkit.ErrPageTokenExpired)
		var ae *sessionkit.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "300", ae.Code)
		// Another 400 with code 300 but no token sent is not an expired token.
		srv.Fault(sessionkittest.Match{API: sessionkittest.Zoom}, sessionkittest.Status(http.StatusBadRequest).
			Body("application/json", `{"code": 300, "message": "The next page token is invalid or expired."}`))
		_, err = c.Sessions.ListUsers(context.Background(), id, sessions.ListUsersOptions{Type: sessions.Past})
		var ae2 *sessionkit.APIError
		require.ErrorAs(t, err, &ae2)
		assert.NotErrorIs(t, err, sessionkit.ErrPageTokenExpired, "no token was sent")
	})
}

func TestOverstatedTotalsEndCleanly(t *testing.T) {
	for _, prefetch := range []int{0, 4} {
		t.Run(fmt.Sprintf("prefetch=%d", prefetch), func(t *testing.T) {
			p := newFakeListing(t, sessionkit.Ductape, 30)
			p.totalPages = 5
			p.emptyFrom = 3
			c := newTestClient(t, p.URL, sessionkit.WithPrefetch(prefetch))
			var got []string
			for id, err := range walkIDs(context.Background(), c, sessionkit.Ductape, startPos{}, 3) {
				require.NoError(t, err)
				got = append(got, id)
			}
			assert.Equal(t, itemIDs(0, 6), got, "pages 1 and 2, then the empty page 3 ends the walk")
			if prefetch == 0 {
				assert.Equal(t, 3, p.count())
			}
		})
	}
}

// TestPageErrorResume: an iterator's error is a *PageError that says where
// to resume and how many items came before; a fresh iterator started there
// finishes the walk.
func TestPageErrorResume(t *testing.T) {
	tests := []struct {
		api      sessionkit.API
		wantPage int  // PageError.Page of the failing third page (Arthur's is 0-based)
		token    bool // PageError.PageToken is the third page's cursor, and Page 0
	}{
		{sessionkit.Ductape, 3, false},
		{sessionkit.Zoom, 0, true},
		{sessionkit.Arthur, 2, false},
		{sessionkit.MonoCloud, 3, false},
	}
	for _, tt := range tests {
		for _, prefetch := range []int{0, 4} {
			t.Run(fmt.Sprintf("%s/prefetch=%d", tt.api, prefetch), func(t *testing.T) {
				srv := kitServer(t, sessionkittest.WithUsers(10)) // pages of 3, 3, 3, 1
				c := kitClient(t, srv, sessionkit.WithPrefetch(prefetch), sessionkit.WithMaxRetries(0))
				// A walk without faults gives the listing's order: every
				// row the kit holds, once each.
				var all []string
				for id, err := range kitWalk(context.Background(), c, srv, tt.api, startPos{}, 3) {
					require.NoError(t, err)
					all = append(all, id)
				}
				require.ElementsMatch(t, kitIDs(srv, tt.api), all)
				require.Len(t, all, 10)
				third := sessionkittest.Match{API: apis[tt.api].kit, Page: 3}
				srv.Fault(third, sessionkittest.Status(http.StatusInternalServerError), sessionkittest.Times(1))

				var got []string
				var walkErr error
				for id, err := range kitWalk(context.Background(), c, srv, tt.api, startPos{}, 3) {
					if err != nil {
						walkErr = err
						continue // nothing more may come
					}
					require.NoError(t, walkErr, "an item after the error")
					got = append(got, id)
				}
				require.Error(t, walkErr)
				pe, ok := walkErr.(*sessionkit.PageError)
				require.True(t, ok, "the iterator's error is a *PageError, got %T", walkErr)
				wantToken := ""
				if tt.token {
					// The second request for page 3: the first was the
					// walk without faults.
					reqs := srv.RequestsMatching(sessionkittest.Match{API: apis[tt.api].kit, Page: 3, Request: 2})
					require.Len(t, reqs, 1)
					q, err := url.ParseQuery(reqs[0].RawQuery)
					require.NoError(t, err)
					wantToken = q.Get("next_page_token")
					require.NotEmpty(t, wantToken)
				}
				assert.Equal(t, tt.wantPage, pe.Page, "Page")
				assert.Equal(t, wantToken, pe.PageToken, "PageToken")
				assert.Equal(t, 6, pe.Yielded, "Yielded")
				assert.Equal(t, all[:6], got)
				var ae *sessionkit.APIError
				require.ErrorAs(t, walkErr, &ae)
				assert.Equal(t, http.StatusInternalServerError, ae.StatusCode)

				start := startPos{page: pe.Page, token: pe.PageToken}
				for id, err := range kitWalk(context.Background(), c, srv, tt.api, start, 3) {
					require.NoError(t, err)
					got = append(got, id)
				}
				assert.Equal(t, all, got, "the resumed walk continues where the first stopped")
			})
		}
	}
}
