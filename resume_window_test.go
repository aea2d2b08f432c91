package sessionkit_test

// Resume restarts a ListSessionsIter walk whose Zoom page token expired
// inside a later month window at that window's first page, passing over
// the window's rows already yielded, in the same run or from a Position
// saved in an earlier one.

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
)

// windowPageHook is a client middleware that watches the requests of
// ListSessionsIter walks: it counts, per window (its from), the requests
// for the window's first page, and runs do once, just before the request
// for the page-th page (from 1) of the window-th window (from 0) goes
// out, with that request's page token.
type windowPageHook struct {
	window, page int
	do           func(token string)

	mu     sync.Mutex
	froms  []string       // the windows asked for, in order
	firsts map[string]int // the requests for each window's first page
	pages  int            // the requests for the hooked window's pages
	fired  bool
}

func (h *windowPageHook) option() sessionkit.Option {
	return sessionkit.WithMiddleware(func(r *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		h.see(r.URL.Query().Get("from"), r.URL.Query().Get("next_page_token"))
		return next(r)
	})
}

func (h *windowPageHook) see(from, token string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.firsts == nil {
		h.firsts = map[string]int{}
	}
	if _, seen := h.firsts[from]; !seen {
		h.froms = append(h.froms, from)
		h.firsts[from] = 0
	}
	if token == "" {
		h.firsts[from]++
	}
	if len(h.froms) <= h.window || h.froms[h.window] != from || h.fired {
		return
	}
	if h.pages++; h.pages == h.page {
		h.fired = true
		h.do(token)
	}
}

// firstPages returns how often the first page of the i-th window was
// asked for.
func (h *windowPageHook) firstPages(i int) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	if i >= len(h.froms) {
		return 0
	}
	return h.firsts[h.froms[i]]
}

// windowedWalk walks the six months of Zoom sessions before the data's
// BaseTime, one session a page: seven windows, the second with three
// sessions.
func windowedWalk(c *sessionkit.Client, d *sessionkittest.Dataset) func(ctx context.Context, at sessionkit.Position) iter.Seq2[string, error] {
	return func(ctx context.Context, at sessionkit.Position) iter.Seq2[string, error] {
		o := sessions.ListSessionsOptions{From: d.BaseTime.AddDate(0, -6, 0), To: d.BaseTime, Type: sessions.Past, PageSize: 1, NextPageToken: at.PageToken}
		if !at.Window.IsZero() {
			o.From = at.Window
		}
		return mapIDs(c.Sessions.ListSessionsIter(ctx, o), func(s *sessions.VideoSession) string { return s.ID })
	}
}

// secondWindow is the first day of windowedWalk's second window.
func secondWindow(d *sessionkittest.Dataset) time.Time {
	y, m, day := d.BaseTime.AddDate(0, -5, 0).Date()
	return time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
}

// allSessions is every session windowedWalk yields, by a client of its
// own.
func allSessions(t *testing.T, srv *sessionkittest.Server) []string {
	t.Helper()
	c, err := srv.NewClient()
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	want, err := sessionkit.Collect(windowedWalk(c, srv.Data())(context.Background(), sessionkit.Position{}))
	require.NoError(t, err)
	require.Len(t, want, 23, "the data: 20 past sessions over six months, 3 ended at BaseTime")
	return want
}

func TestResumeRestartsAWindowWhoseZoomCursorExpired(t *testing.T) {
	defer goleak.VerifyNone(t, serverGoroutines...)
	for _, prefetch := range []int{0, 2} {
		t.Run(map[int]string{0: "no prefetch", 2: "prefetch 2"}[prefetch], func(t *testing.T) {
			srv := sessionkittest.NewServer()
			defer srv.Close()
			want := allSessions(t, srv)
			// The third page of the second window is asked for with a
			// token issued more than 15 minutes before: two of the
			// window's three sessions and the four of the first window
			// were yielded.
			hook := &windowPageHook{window: 1, page: 3, do: func(string) { srv.Advance(16 * time.Minute) }}
			c, err := srv.NewClient(sessionkit.WithPrefetch(prefetch), hook.option())
			require.NoError(t, err)
			defer c.CloseIdleConnections()

			got, err := sessionkit.Collect(sessionkit.Resume(context.Background(), sessionkit.Position{}, windowedWalk(c, srv.Data()), fastResume))
			require.NoError(t, err)
			assert.Equal(t, want, got, "every session once, in order")
			assert.True(t, hook.fired)
			assert.Equal(t, 1, hook.firstPages(0), "the first window is not walked again")
			assert.Equal(t, 2, hook.firstPages(1), "the second window restarted at its first page, once")
			assert.Equal(t, 1, hook.firstPages(2))
		})
	}
}

// stopInSecondWindow walks until the third page of the second window,
// which is refused (a 403 is not resumed), and returns the sessions
// yielded and the Position saved as JSON.
func stopInSecondWindow(t *testing.T, srv *sessionkittest.Server) ([]string, []byte) {
	t.Helper()
	var rule *sessionkittest.Rule
	hook := &windowPageHook{window: 1, page: 3, do: func(token string) {
		rule = srv.Fault(sessionkittest.Match{API: sessionkittest.Zoom, PageToken: token}, sessionkittest.Status(403))
	}}
	c, err := srv.NewClient(hook.option())
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	first, err := sessionkit.Collect(sessionkit.Resume(context.Background(), sessionkit.Position{}, windowedWalk(c, srv.Data()), fastResume))
	require.Error(t, err)
	require.NotNil(t, rule)
	rule.Remove()
	at, ok := sessionkit.PositionOf(err)
	require.True(t, ok)
	assert.Equal(t, secondWindow(srv.Data()), at.Window)
	assert.NotEmpty(t, at.PageToken)
	assert.Equal(t, 6, at.Offset, "four sessions of the first window, two of the second")
	assert.Equal(t, 2, at.WindowOffset, "two sessions of the second window")
	assert.Len(t, first, 6)
	saved, err := json.Marshal(at)
	require.NoError(t, err)
	return first, saved
}

func TestResumeRestartsASavedWindowPositionWhoseZoomCursorExpired(t *testing.T) {
	defer goleak.VerifyNone(t, serverGoroutines...)
	for _, prefetch := range []int{0, 2} {
		t.Run(map[int]string{0: "no prefetch", 2: "prefetch 2"}[prefetch], func(t *testing.T) {
			srv := sessionkittest.NewServer()
			defer srv.Close()
			want := allSessions(t, srv)
			first, saved := stopInSecondWindow(t, srv)

			srv.Advance(16 * time.Minute) // the next run comes later: the saved token expired
			var at sessionkit.Position
			require.NoError(t, json.Unmarshal(saved, &at))
			c, err := srv.NewClient(sessionkit.WithPrefetch(prefetch))
			require.NoError(t, err)
			defer c.CloseIdleConnections()
			rest, err := sessionkit.Collect(sessionkit.Resume(context.Background(), at, windowedWalk(c, srv.Data()), fastResume))
			require.NoError(t, err)
			assert.Equal(t, want, append(first, rest...), "neither a session skipped nor one repeated")
		})
	}
}

func TestResumeTakesAWindowPositionSavedWithoutWindowOffset(t *testing.T) {
	defer goleak.VerifyNone(t, serverGoroutines...)
	srv := sessionkittest.NewServer()
	defer srv.Close()
	want := allSessions(t, srv)
	first, saved := stopInSecondWindow(t, srv)
	// The JSON a Position had before it held a WindowOffset.
	var fields map[string]any
	require.NoError(t, json.Unmarshal(saved, &fields))
	require.Contains(t, fields, "window_offset")
	delete(fields, "window_offset")
	old, err := json.Marshal(fields)
	require.NoError(t, err)
	var at sessionkit.Position
	require.NoError(t, json.Unmarshal(old, &at))
	require.Zero(t, at.WindowOffset)
	c, err := srv.NewClient()
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	walk := windowedWalk(c, srv.Data())

	t.Run("its token still good, it resumes", func(t *testing.T) {
		rest, err := sessionkit.Collect(sessionkit.Resume(context.Background(), at, walk, fastResume))
		require.NoError(t, err)
		assert.Equal(t, want, append(first, rest...), "neither a session skipped nor one repeated")
	})
	t.Run("its token expired, it ends with one error and is not restarted by a wrong count", func(t *testing.T) {
		srv.Advance(16 * time.Minute)
		before := srv.Count(sessionkittest.Match{API: sessionkittest.Zoom})
		var got []string
		var errs []error
		for v, err := range sessionkit.Resume(context.Background(), at, walk, fastResume) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			got = append(got, v)
		}
		assert.Empty(t, got)
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], sessionkit.ErrPageTokenExpired)
		var re *sessionkit.ResumeError
		require.ErrorAs(t, errs[0], &re)
		assert.Equal(t, at, re.Position, "resume there with a fresh token, or from the window's first day")
		assert.Equal(t, 1, srv.Count(sessionkittest.Match{API: sessionkittest.Zoom})-before, "one request, no restart")
	})
}
