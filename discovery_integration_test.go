package sessionkit_test

// Discovery calls against the sessionkittest kit, end to end: every
// listing walked whole, fanned out into per-item listings, with and without
// MonoCloud's pagination header.

import (
	"context"
	"iter"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	sessionkit "github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/traces"
	"github.com/sessionkit/sessionkit-go/users"
)

// TestDiscoveryAgainstTheKit walks every discovery call against the test
// kit and fans out into the per-item listings: what a batch job does.
func TestDiscoveryAgainstTheKit(t *testing.T) {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	data := srv.Data()
	ctx := context.Background()
	for _, prefetch := range []int{0, 2} {
		c := forAPIKitClient(t, srv, "test-key", sessionkit.WithPrefetch(prefetch))

		t.Run("Zoom: every past session of six months, then every user of each", func(t *testing.T) {
			var want []sessionkittest.ZoomSession
			months := map[time.Month]bool{}
			for _, s := range data.ZoomSessions {
				if s.EndTime != "" {
					want = append(want, s)
					months[kitTime(t, s.StartTime).Month()] = true
				}
			}
			require.Len(t, want, len(data.ZoomSessionIDs)+sessionkittest.ZoomPastSessions)
			require.GreaterOrEqual(t, len(months), 5, "the sessions span several months")

			opts := sessions.ListSessionsOptions{From: data.BaseTime.AddDate(0, -6, 0), To: data.BaseTime, Type: sessions.Past, PageSize: 3}
			got, err := collectAll(c.Sessions.ListSessionsIter(ctx, opts))
			require.NoError(t, err)
			require.Len(t, got, len(want))
			for i, s := range got {
				w := want[i]
				assert.Equal(t, w.ID, s.ID)
				assert.Equal(t, w.SessionName, s.SessionName)
				assert.Equal(t, w.SessionKey, s.SessionKey)
				assert.True(t, kitTime(t, w.StartTime).Equal(s.StartTime))
				assert.True(t, kitTime(t, w.EndTime).Equal(s.EndTime))
				assert.Equal(t, s.EndTime.Sub(s.StartTime), s.Duration, "duration %s", w.Duration)
				assert.Equal(t, w.UserCount, s.UserCount)
				assert.Equal(t, w.HasSessionSummary, s.HasSessionSummary)
			}

			var wantUsers []string
			for _, s := range want {
				for _, u := range data.ZoomUsers[s.ID] {
					wantUsers = append(wantUsers, s.ID+" "+u.ID)
				}
			}
			type join struct{ session, user string }
			joins := sessionkit.FanOut(ctx, c.Sessions.ListSessionsIter(ctx, opts), 4,
				func(ctx context.Context, s sessions.VideoSession) iter.Seq2[join, error] {
					return func(yield func(join, error) bool) {
						for u, err := range c.Sessions.ListUsersIter(ctx, s.ID, sessions.ListUsersOptions{Type: sessions.Past, PageSize: 20}) {
							if !yield(join{s.ID, u.ID}, err) {
								return
							}
						}
					}
				})
			var gotUsers []string
			for j, err := range joins {
				require.NoError(t, err)
				gotUsers = append(gotUsers, j.session+" "+j.user)
			}
			assert.Equal(t, wantUsers, gotUsers)
		})

		t.Run("Zoom: the live sessions are the default", func(t *testing.T) {
			got, err := collectAll(c.Sessions.ListSessionsIter(ctx, sessions.ListSessionsOptions{From: data.BaseTime.AddDate(0, 0, -1), To: data.BaseTime}))
			require.NoError(t, err)
			var ids []string
			for _, s := range got {
				ids = append(ids, s.ID)
				assert.True(t, s.EndTime.IsZero())
				assert.Zero(t, s.Duration)
			}
			assert.ElementsMatch(t, data.ZoomLiveSessionIDs, ids)
		})

		t.Run("MonoCloud: every user, then every session of each", func(t *testing.T) {
			got, err := collectAll(c.Users.ListIter(ctx, users.ListOptions{Size: 4}))
			require.NoError(t, err)
			require.Len(t, got, len(data.MonoCloudUserIDs))
			want := 0
			for i, u := range got {
				assert.Equal(t, data.MonoCloudUserIDs[i], u.UserID)
				assert.Equal(t, data.MonoCloudUsers[i].Claims["name"], u.Claims["name"])
				assert.Equal(t, data.MonoCloudUsers[i].Emails[0].Email, u.Emails[0].Email)
				assert.Equal(t, time.Unix(data.MonoCloudUsers[i].CreationTime, 0).UTC(), u.CreationTime)
				want += len(data.MonoCloudSessions[u.UserID])
			}
			n := 0
			for _, err := range sessionkit.FanOut(ctx, c.Users.ListIter(ctx, users.ListOptions{Size: 4}), 3,
				func(ctx context.Context, u users.User) iter.Seq2[users.Session, error] {
					return c.Users.SessionsIter(ctx, u.UserID, users.SessionsOptions{Size: 20})
				}) {
				require.NoError(t, err)
				n++
			}
			assert.Equal(t, want, n)

			sorted, err := collectAll(c.Users.ListIter(ctx, users.ListOptions{Size: 5, Sort: users.Sort{Key: users.SortByCreationTime, Order: users.Descending}}))
			require.NoError(t, err)
			assert.True(t, slices.IsSortedFunc(sorted, func(a, b users.User) int { return b.CreationTime.Compare(a.CreationTime) }))

			name, ok := data.MonoCloudUsers[2].Claims["family_name"].(string)
			require.True(t, ok)
			filtered, err := collectAll(c.Users.ListIter(ctx, users.ListOptions{Filter: name}))
			require.NoError(t, err)
			require.NotEmpty(t, filtered)
			assert.Contains(t, filtered[0].Claims["name"], name)
		})

		t.Run("Arthur: every task, then every user of each", func(t *testing.T) {
			got, err := collectAll(c.Traces.TasksIter(ctx, traces.TasksOptions{PageSize: 1, Sort: traces.Asc}))
			require.NoError(t, err)
			var ids []string
			for _, task := range got {
				ids = append(ids, task.ID)
				assert.False(t, task.IsArchived)
				assert.False(t, task.CreatedAt.IsZero())
			}
			assert.ElementsMatch(t, data.ArthurTaskIDs, ids, "the active tasks are the ones the trace users belong to")
			assert.True(t, slices.IsSortedFunc(got, func(a, b traces.Task) int { return a.CreatedAt.Compare(b.CreatedAt) }))

			all, err := collectAll(c.Traces.TasksIter(ctx, traces.TasksOptions{IncludeArchived: true}))
			require.NoError(t, err)
			assert.Len(t, all, len(data.ArthurTasks))
			archived, err := c.Traces.Tasks(ctx, traces.TasksOptions{OnlyArchived: true})
			require.NoError(t, err)
			require.Len(t, archived.Tasks, 1)
			assert.True(t, archived.Tasks[0].IsArchived)
			yes := true
			agentic, err := c.Traces.Tasks(ctx, traces.TasksOptions{IsAgentic: &yes, Name: "SALES"})
			require.NoError(t, err)
			require.Len(t, agentic.Tasks, 1)
			assert.Equal(t, "sales-agent", agentic.Tasks[0].Name)

			n := 0
			for _, err := range sessionkit.FanOut(ctx, c.Traces.TasksIter(ctx, traces.TasksOptions{}), 2,
				func(ctx context.Context, task traces.Task) iter.Seq2[traces.UserMetadata, error] {
					return c.Traces.UsersIter(ctx, traces.UsersOptions{TaskIDs: []string{task.ID}, PageSize: 7})
				}) {
				require.NoError(t, err)
				n++
			}
			assert.Equal(t, len(data.ArthurUsers), n)
		})
	}
}

// TestFanOutAgainstTheKit checks the walk ends cleanly on break and on a
// failed inner walk, with nothing left running.
func TestFanOutAgainstTheKit(t *testing.T) {
	srv := sessionkittest.NewServer(sessionkittest.WithLatency(time.Millisecond))
	defer srv.Close()
	c := forAPIKitClient(t, srv, "test-key", sessionkit.WithPrefetch(1))
	data := srv.Data()
	ctx := context.Background()
	opts := sessions.ListSessionsOptions{From: data.BaseTime.AddDate(0, -6, 0), To: data.BaseTime, Type: sessions.Past}
	usersOf := func(pageSize int) func(ctx context.Context, s sessions.VideoSession) iter.Seq2[sessions.VideoUser, error] {
		return func(ctx context.Context, s sessions.VideoSession) iter.Seq2[sessions.VideoUser, error] {
			return c.Sessions.ListUsersIter(ctx, s.ID, sessions.ListUsersOptions{Type: sessions.Past, PageSize: pageSize})
		}
	}
	t.Run("break", func(t *testing.T) {
		defer verifyNoWalkLeft(t, c, goleak.IgnoreCurrent())
		n := 0
		for _, err := range sessionkit.FanOut(ctx, c.Sessions.ListSessionsIter(ctx, opts), 8, usersOf(5)) {
			require.NoError(t, err)
			if n++; n == 30 {
				break
			}
		}
		assert.Equal(t, 30, n)
	})
	t.Run("an inner failure names the outer item and the page", func(t *testing.T) {
		defer verifyNoWalkLeft(t, c, goleak.IgnoreCurrent())
		// PageSize 301 is refused before sending: every inner walk fails at once.
		items, err := collectAll(sessionkit.FanOut(ctx, c.Sessions.ListSessionsIter(ctx, opts), 4, usersOf(301)))
		assert.Empty(t, items)
		var fe *sessionkit.FanOutError
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, 0, fe.Index)
		var pe *sessionkit.PageError
		require.ErrorAs(t, err, &pe)
		assert.ErrorIs(t, err, sessionkit.ErrInvalidOptions)
	})
}

// collectAll gathers a walk: every item, or the items before the error
// and the error.
func collectAll[T any](seq func(func(T, error) bool)) ([]T, error) {
	var items []T
	for v, err := range seq {
		if err != nil {
			return items, err
		}
		items = append(items, v)
	}
	return items, nil
}

// verifyNoWalkLeft checks that no goroutine but the server's outlives a
// walk, once the client's idle connections are closed.
func verifyNoWalkLeft(t *testing.T, c *sessionkit.Client, baseline goleak.Option) {
	t.Helper()
	c.CloseIdleConnections()
	goleak.VerifyNone(t, append([]goleak.Option{baseline}, serverGoroutines...)...)
}

// TestUsersListWithoutPaginationHeader walks MonoCloud's users from a
// deployment that sends no X-Pagination: a short or empty page ends it.
func TestUsersListWithoutPaginationHeader(t *testing.T) {
	srv := sessionkittest.NewServer(sessionkittest.WithoutPaginationHeader())
	defer srv.Close()
	c := forAPIKitClient(t, srv, "test-key")
	for _, size := range []int{4, 11, 0} {
		got, err := collectAll(c.Users.ListIter(context.Background(), users.ListOptions{Size: size}))
		require.NoError(t, err)
		assert.Len(t, got, len(srv.Data().MonoCloudUserIDs), "size %d", size)
		page, err := c.Users.List(context.Background(), users.ListOptions{Size: size})
		require.NoError(t, err)
		assert.Nil(t, page.Pagination)
	}
}
