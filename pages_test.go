package sessionkit_test

// The Pages twins: each walks the same pages as its item iterator, under
// the same rules and prefetch, and yields them whole.

import (
	"context"
	"iter"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/traces"
	"github.com/sessionkit/sessionkit-go/users"
)

// twin is one iterator and its Pages twin, both reduced to item keys.
type twin struct {
	name string
	api  string
	// failPage is the walk page (Match.Page) a failure test breaks;
	// failAt is the PageError position it must report.
	failPage int
	failAt   sessionkit.PageError
	items    func(ctx context.Context, c *sessionkit.Client, d *sessionkittest.Dataset) iter.Seq2[string, error]
	pages    func(ctx context.Context, c *sessionkit.Client, d *sessionkittest.Dataset) iter.Seq2[[]string, error]
}

// pageKeysOf maps a pages iterator to the keys of each page's items.
func pageKeysOf[P any, T any](seq iter.Seq2[P, error], items func(P) []T, key func(*T) string) iter.Seq2[[]string, error] {
	return func(yield func([]string, error) bool) {
		for p, err := range seq {
			var ks []string
			if err == nil {
				its := items(p)
				for i := range its {
					ks = append(ks, key(&its[i]))
				}
			}
			if !yield(ks, err) {
				return
			}
		}
	}
}

func twins() []twin {
	fetch := func(d *sessionkittest.Dataset) sessions.FetchUsersOptions {
		return sessions.FetchUsersOptions{Product: d.Product, Session: d.Session, Limit: 7}
	}
	zoomUser := func(u *sessions.VideoUser) string { return u.ParticipantUUID + u.JoinTime.String() }
	zoomOpts := sessions.ListUsersOptions{Type: sessions.Past, PageSize: 7}
	sessOpts := func(d *sessionkittest.Dataset) sessions.ListSessionsOptions {
		return sessions.ListSessionsOptions{From: d.BaseTime.AddDate(0, -6, 0), To: d.BaseTime, Type: sessions.Past, PageSize: 3}
	}
	arthur := func(d *sessionkittest.Dataset) traces.UsersOptions {
		return traces.UsersOptions{TaskIDs: d.ArthurTaskIDs, PageSize: 7}
	}
	return []twin{
		{
			name: "Ductape FetchUsers", api: sessionkittest.Ductape, failPage: 3, failAt: sessionkit.PageError{Page: 3, Yielded: 14},
			items: func(ctx context.Context, c *sessionkit.Client, d *sessionkittest.Dataset) iter.Seq2[string, error] {
				return mapIDs(c.Sessions.FetchUsersIter(ctx, fetch(d)), func(u *sessions.User) string { return u.ID })
			},
			pages: func(ctx context.Context, c *sessionkit.Client, d *sessionkittest.Dataset) iter.Seq2[[]string, error] {
				return pageKeysOf(c.Sessions.FetchUsersPages(ctx, fetch(d)), func(p *sessions.UsersPage) []sessions.User { return p.Users }, func(u *sessions.User) string { return u.ID })
			},
		},
		{
			name: "Zoom ListUsers", api: sessionkittest.Zoom, failPage: 3, failAt: sessionkit.PageError{PageToken: "?", Yielded: 14},
			items: func(ctx context.Context, c *sessionkit.Client, d *sessionkittest.Dataset) iter.Seq2[string, error] {
				return mapIDs(c.Sessions.ListUsersIter(ctx, d.ZoomSessionIDs[0], zoomOpts), zoomUser)
			},
			pages: func(ctx context.Context, c *sessionkit.Client, d *sessionkittest.Dataset) iter.Seq2[[]string, error] {
				return pageKeysOf(c.Sessions.ListUsersPages(ctx, d.ZoomSessionIDs[0], zoomOpts), func(p *sessions.ListUsersPage) []sessions.VideoUser { return p.Users }, zoomUser)
			},
		},
		{
			name: "Zoom ListSessions", api: sessionkittest.Zoom, failPage: 2, failAt: sessionkit.PageError{PageToken: "?", Yielded: -1},
			items: func(ctx context.Context, c *sessionkit.Client, d *sessionkittest.Dataset) iter.Seq2[string, error] {
				return mapIDs(c.Sessions.ListSessionsIter(ctx, sessOpts(d)), func(s *sessions.VideoSession) string { return s.ID })
			},
			pages: func(ctx context.Context, c *sessionkit.Client, d *sessionkittest.Dataset) iter.Seq2[[]string, error] {
				return pageKeysOf(c.Sessions.ListSessionsPages(ctx, sessOpts(d)), func(p *sessions.ListSessionsPage) []sessions.VideoSession { return p.Sessions }, func(s *sessions.VideoSession) string { return s.ID })
			},
		},
		{
			name: "Arthur Users", api: sessionkittest.Arthur, failPage: 3, failAt: sessionkit.PageError{Page: 2, Yielded: 14},
			items: func(ctx context.Context, c *sessionkit.Client, d *sessionkittest.Dataset) iter.Seq2[string, error] {
				return mapIDs(c.Traces.UsersIter(ctx, arthur(d)), func(u *traces.UserMetadata) string { return u.UserID + "/" + u.TaskID })
			},
			pages: func(ctx context.Context, c *sessionkit.Client, d *sessionkittest.Dataset) iter.Seq2[[]string, error] {
				return pageKeysOf(c.Traces.UsersPages(ctx, arthur(d)), func(p *traces.UsersPage) []traces.UserMetadata { return p.Users }, func(u *traces.UserMetadata) string { return u.UserID + "/" + u.TaskID })
			},
		},
		{
			name: "Arthur Tasks", api: sessionkittest.Arthur, failPage: 2, failAt: sessionkit.PageError{Page: 1, Yielded: 2},
			items: func(ctx context.Context, c *sessionkit.Client, _ *sessionkittest.Dataset) iter.Seq2[string, error] {
				return mapIDs(c.Traces.TasksIter(ctx, traces.TasksOptions{PageSize: 2, IncludeArchived: true}), func(t *traces.Task) string { return t.ID })
			},
			pages: func(ctx context.Context, c *sessionkit.Client, _ *sessionkittest.Dataset) iter.Seq2[[]string, error] {
				return pageKeysOf(c.Traces.TasksPages(ctx, traces.TasksOptions{PageSize: 2, IncludeArchived: true}), func(p *traces.TasksPage) []traces.Task { return p.Tasks }, func(t *traces.Task) string { return t.ID })
			},
		},
		{
			name: "MonoCloud Sessions", api: sessionkittest.MonoCloud, failPage: 3, failAt: sessionkit.PageError{Page: 3, Yielded: 14},
			items: func(ctx context.Context, c *sessionkit.Client, d *sessionkittest.Dataset) iter.Seq2[string, error] {
				return mapIDs(c.Users.SessionsIter(ctx, d.MonoCloudUserIDs[0], users.SessionsOptions{Size: 7}), func(s *users.Session) string { return s.SessionID })
			},
			pages: func(ctx context.Context, c *sessionkit.Client, d *sessionkittest.Dataset) iter.Seq2[[]string, error] {
				return pageKeysOf(c.Users.SessionsPages(ctx, d.MonoCloudUserIDs[0], users.SessionsOptions{Size: 7}), func(p *users.SessionsPage) []users.Session { return p.Sessions }, func(s *users.Session) string { return s.SessionID })
			},
		},
		{
			name: "MonoCloud List", api: sessionkittest.MonoCloud, failPage: 2, failAt: sessionkit.PageError{Page: 2, Yielded: 2},
			items: func(ctx context.Context, c *sessionkit.Client, _ *sessionkittest.Dataset) iter.Seq2[string, error] {
				return mapIDs(c.Users.ListIter(ctx, users.ListOptions{Size: 2}), func(u *users.User) string { return u.UserID })
			},
			pages: func(ctx context.Context, c *sessionkit.Client, _ *sessionkittest.Dataset) iter.Seq2[[]string, error] {
				return pageKeysOf(c.Users.ListPages(ctx, users.ListOptions{Size: 2}), func(p *users.ListPage) []users.User { return p.Users }, func(u *users.User) string { return u.UserID })
			},
		},
	}
}

func TestPagesYieldTheItemsOfTheirIterator(t *testing.T) {
	defer goleak.VerifyNone(t, serverGoroutines...)
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(40))
	defer srv.Close()
	d := srv.Data()
	for _, tw := range twins() {
		for _, prefetch := range []int{0, 2} {
			t.Run(tw.name, func(t *testing.T) {
				c, err := srv.NewClient(sessionkit.WithPrefetch(prefetch))
				require.NoError(t, err)
				defer c.CloseIdleConnections()
				ctx := context.Background()
				want, err := sessionkit.Collect(tw.items(ctx, c, d))
				require.NoError(t, err)
				require.NotEmpty(t, want)
				var got []string
				pages := 0
				for ks, err := range tw.pages(ctx, c, d) {
					require.NoError(t, err)
					got = append(got, ks...)
					pages++
				}
				assert.Equal(t, want, got, "prefetch %d", prefetch)
				assert.Greater(t, pages, 1, "the walk has several pages")
			})
		}
	}
}

func TestPagesEndWithOneErrorAfterThePagesBeforeIt(t *testing.T) {
	defer goleak.VerifyNone(t, serverGoroutines...)
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(40))
	defer srv.Close()
	d := srv.Data()
	for _, tw := range twins() {
		for _, prefetch := range []int{0, 2} {
			t.Run(tw.name, func(t *testing.T) {
				c, err := srv.NewClient(sessionkit.WithPrefetch(prefetch), sessionkit.WithMaxRetries(0))
				require.NoError(t, err)
				defer c.CloseIdleConnections()
				ctx := context.Background()
				all, err := sessionkit.Collect(tw.pages(ctx, c, d))
				require.NoError(t, err)

				rule := srv.Fault(sessionkittest.Match{API: tw.api, Page: tw.failPage}, sessionkittest.Status(500))
				defer rule.Remove()
				var got [][]string
				var errs []error
				for ks, err := range tw.pages(ctx, c, d) {
					if err != nil {
						errs = append(errs, err)
						continue
					}
					got = append(got, ks)
				}
				require.Len(t, errs, 1)
				var pe *sessionkit.PageError
				require.ErrorAs(t, errs[0], &pe)
				var apiErr *sessionkit.APIError
				require.ErrorAs(t, errs[0], &apiErr)
				assert.Equal(t, 500, apiErr.StatusCode)
				require.Len(t, got, tw.failPage-1, "the pages before the failed one")
				assert.Equal(t, all[:tw.failPage-1], got)
				if tw.failAt.PageToken == "" {
					assert.Equal(t, tw.failAt.Page, pe.Page)
				} else {
					assert.NotEmpty(t, pe.PageToken)
				}
				n := 0
				for _, ks := range got {
					n += len(ks)
				}
				assert.Equal(t, n, pe.Yielded, "Yielded counts the items of the pages before")
				if tw.failAt.Yielded >= 0 {
					assert.Equal(t, tw.failAt.Yielded, pe.Yielded)
				}
			})
		}
	}
}

func TestPagesStopOnBreak(t *testing.T) {
	defer goleak.VerifyNone(t, serverGoroutines...)
	for _, tw := range twins() {
		for _, prefetch := range []int{0, 2} {
			t.Run(tw.name, func(t *testing.T) {
				// A server of its own: another walk's requests in flight
				// must not count.
				srv := sessionkittest.NewServer(sessionkittest.WithUsers(40))
				defer srv.Close()
				d := srv.Data()
				c, err := srv.NewClient(sessionkit.WithPrefetch(prefetch))
				require.NoError(t, err)
				defer c.CloseIdleConnections()
				n := 0
				for _, err := range tw.pages(context.Background(), c, d) {
					require.NoError(t, err)
					n++
					break //nolint:staticcheck // the test is the break
				}
				assert.Equal(t, 1, n)
				assert.LessOrEqual(t, srv.Count(sessionkittest.Match{API: tw.api}), 1+prefetch, "no page fetched beyond the prefetch")
			})
		}
	}
}

func TestPagesRejectBadOptionsBeforeAnyRequest(t *testing.T) {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	c, err := srv.NewClient()
	require.NoError(t, err)
	ctx := context.Background()
	for name, seq := range map[string]iter.Seq2[struct{}, error]{
		"FetchUsersPages":   drop(c.Sessions.FetchUsersPages(ctx, sessions.FetchUsersOptions{})),
		"ListUsersPages":    drop(c.Sessions.ListUsersPages(ctx, "", sessions.ListUsersOptions{})),
		"ListSessionsPages": drop(c.Sessions.ListSessionsPages(ctx, sessions.ListSessionsOptions{})),
		"UsersPages":        drop(c.Traces.UsersPages(ctx, traces.UsersOptions{})),
		"TasksPages":        drop(c.Traces.TasksPages(ctx, traces.TasksOptions{TaskIDs: []string{""}})),
		"SessionsPages":     drop(c.Users.SessionsPages(ctx, "", users.SessionsOptions{})),
		"ListPages":         drop(c.Users.ListPages(ctx, users.ListOptions{Page: -1})),
	} {
		_, err := sessionkit.Collect(seq)
		assert.ErrorIs(t, err, sessionkit.ErrInvalidOptions, name)
	}
	assert.Zero(t, srv.Count(sessionkittest.Match{}))
}

func drop[V any](seq iter.Seq2[V, error]) iter.Seq2[struct{}, error] {
	return func(yield func(struct{}, error) bool) {
		for _, err := range seq {
			if !yield(struct{}{}, err) {
				return
			}
		}
	}
}
