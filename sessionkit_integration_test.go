package sessionkit_test

// The whole SDK against the sessionkittest kit: every call and walk of the
// four APIs, with ForAPI-configured clients, and the errors the kit answers
// with.

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sessionkit "github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/traces"
	"github.com/sessionkit/sessionkit-go/users"
)

func integSameTime(t *testing.T, want string, got time.Time, what string) {
	t.Helper()
	assert.True(t, kitTime(t, want).Equal(got), "%s: wire %q, decoded %v", what, want, got)
}

func integStr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func TestIntegrationWithTestKit(t *testing.T) {
	ctx := context.Background()
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(23), sessionkittest.WithSeed(7))
	t.Cleanup(srv.Close)
	data := srv.Data()
	c := forAPIKitClient(t, srv, "test-key")
	requestsSince := func(f func()) int {
		before := srv.RequestCount()
		f()
		return srv.RequestCount() - before
	}

	t.Run("Ductape FetchUsers and FetchUsersIter", func(t *testing.T) {
		opts := sessions.FetchUsersOptions{Product: data.Product, Session: data.Session, Limit: 10}
		page, err := c.Sessions.FetchUsers(ctx, opts)
		require.NoError(t, err)
		assert.Equal(t, len(data.DuctapeUsers), page.Total)
		assert.Equal(t, 3, page.TotalPages)
		assert.Equal(t, 1, page.Page)
		assert.Equal(t, 10, page.Limit)
		require.Len(t, page.Users, 10)

		var got []sessions.User
		n := requestsSince(func() {
			for u, err := range c.Sessions.FetchUsersIter(ctx, opts) {
				require.NoError(t, err)
				got = append(got, u)
			}
		})
		assert.Equal(t, 3, n, "one request per page, none past the last")
		require.Len(t, got, len(data.DuctapeUsers))
		for i, w := range data.DuctapeUsers {
			g := got[i]
			assert.Equal(t, w.ID, g.ID)
			assert.Equal(t, w.DuctapeUserID, g.DuctapeUserID)
			assert.Equal(t, w.Identifier, g.Identifier)
			assert.Equal(t, w.ProductTag, g.ProductTag)
			assert.Equal(t, w.SessionTag, g.SessionTag)
			assert.Equal(t, w.Env, g.Env)
			integSameTime(t, w.FirstSeen, g.FirstSeen, "first_seen")
			integSameTime(t, w.LastSeen, g.LastSeen, "last_seen")
			integSameTime(t, w.CreatedAt, g.CreatedAt, "createdAt")
			integSameTime(t, w.UpdatedAt, g.UpdatedAt, "updatedAt")
		}
	})

	t.Run("Ductape FetchUserDetails", func(t *testing.T) {
		for _, w := range data.DuctapeUsers[:5] {
			d, err := c.Sessions.FetchUserDetails(ctx, sessions.FetchUserDetailsOptions{
				Product: data.Product, Session: data.Session, Identifier: w.Identifier, Env: data.Env})
			require.NoError(t, err, w.Identifier)
			assert.Equal(t, w.Identifier, d.Identifier)
			assert.Equal(t, len(w.Sessions), d.TotalSessions)
			require.Len(t, d.Sessions, len(w.Sessions))
			active := 0
			for i, s := range w.Sessions {
				assert.Equal(t, s.SessionID, d.Sessions[i].SessionID)
				assert.Equal(t, s.Active, d.Sessions[i].Active)
				integSameTime(t, s.StartAt, d.Sessions[i].StartAt, "start_at")
				integSameTime(t, s.EndAt, d.Sessions[i].EndAt, "end_at")
				if s.Active {
					active++
				}
			}
			assert.Equal(t, active, d.ActiveSessionsCount)
		}
	})

	t.Run("Zoom ListUsers and ListUsersIter", func(t *testing.T) {
		require.GreaterOrEqual(t, len(data.ZoomSessionIDs), 3)
		for _, id := range data.ZoomSessionIDs {
			all := data.ZoomUsers[id]
			for _, typ := range []sessions.SessionType{sessions.Past, sessions.Live, ""} {
				want := all
				if typ != sessions.Past {
					want = nil
					for _, u := range all {
						if u.LeaveTime == "" {
							want = append(want, u)
						}
					}
				}
				opts := sessions.ListUsersOptions{Type: typ, PageSize: 4}
				first, err := c.Sessions.ListUsers(ctx, id, opts)
				require.NoError(t, err, "session %q", id)
				assert.Equal(t, 4, first.PageSize)
				assert.Equal(t, len(want) > 4, first.NextPageToken != "")

				var got []sessions.VideoUser
				n := requestsSince(func() {
					for u, err := range c.Sessions.ListUsersIter(ctx, id, opts) {
						require.NoError(t, err, "session %q", id)
						got = append(got, u)
					}
				})
				assert.Equal(t, max(1, (len(want)+3)/4), n, "session %q type %q", id, typ)
				require.Len(t, got, len(want), "session %q type %q", id, typ)
				for i, w := range want {
					g := got[i]
					assert.Equal(t, w.ID, g.ID)
					assert.Equal(t, w.Name, g.Name)
					assert.Equal(t, w.Device, g.Device)
					assert.Equal(t, w.NetworkType, g.NetworkType)
					assert.Equal(t, w.AudioQuality, g.AudioQuality)
					assert.Equal(t, w.IsOriginalHost, g.IsOriginalHost)
					assert.Equal(t, len(w.AudioCall), len(g.AudioCall))
					integSameTime(t, w.JoinTime, g.JoinTime, "join_time")
					integSameTime(t, w.LeaveTime, g.LeaveTime, "leave_time")
				}
			}
		}
	})

	t.Run("Arthur Users, UsersIter and User", func(t *testing.T) {
		tasks := data.ArthurTaskIDs
		page, err := c.Traces.Users(ctx, traces.UsersOptions{TaskIDs: tasks, PageSize: 5})
		require.NoError(t, err)
		assert.Equal(t, len(data.ArthurUsers), page.Count)
		assert.Len(t, page.Users, 5)
		assert.Equal(t, "USD", page.DisplayCurrency)

		var got []traces.UserMetadata
		n := requestsSince(func() {
			for u, err := range c.Traces.UsersIter(ctx, traces.UsersOptions{TaskIDs: tasks, PageSize: 5, Sort: traces.Asc}) {
				require.NoError(t, err)
				got = append(got, u)
			}
		})
		assert.Equal(t, (len(data.ArthurUsers)+4)/5, n)
		require.Len(t, got, len(data.ArthurUsers))
		for i := 1; i < len(got); i++ {
			assert.False(t, got[i].EarliestStartTime.Before(got[i-1].EarliestStartTime), "ascending order")
		}

		byKey := map[string]sessionkittest.ArthurUser{}
		for _, w := range data.ArthurUsers {
			byKey[w.UserID+"|"+w.TaskID] = w
		}
		sawNil, sawSet := false, false
		for _, g := range got {
			w, ok := byKey[g.UserID+"|"+g.TaskID]
			require.True(t, ok, "unknown row %s/%s", g.UserID, g.TaskID)
			assert.Equal(t, w.SessionIDs, g.SessionIDs)
			assert.Equal(t, w.TraceIDs, g.TraceIDs)
			assert.Equal(t, w.SessionCount, g.SessionCount)
			assert.Equal(t, w.TraceCount, g.TraceCount)
			assert.Equal(t, w.SpanCount, g.SpanCount)
			integSameTime(t, w.EarliestStartTime, g.EarliestStartTime, "earliest_start_time")
			integSameTime(t, w.LatestEndTime, g.LatestEndTime, "latest_end_time")
			assert.Equal(t, w.PromptTokenCount, g.PromptTokenCount)
			assert.Equal(t, w.CompletionTokenCount, g.CompletionTokenCount)
			assert.Equal(t, w.TotalTokenCount, g.TotalTokenCount)
			assert.Equal(t, w.TotalTokenCost, g.TotalTokenCost)
			if g.TotalTokenCount == nil {
				sawNil = true
			} else {
				sawSet = true
			}
		}
		assert.True(t, sawNil && sawSet, "the test kit has rows with and without token counts")

		w := data.ArthurUsers[0]
		one, err := c.Traces.User(ctx, w.UserID, traces.UserOptions{TaskIDs: []string{w.TaskID}})
		require.NoError(t, err)
		assert.Equal(t, w.UserID, one.UserID)
		assert.Equal(t, w.TaskID, one.TaskID)
		assert.Equal(t, w.SpanCount, one.SpanCount)

		// A time window: start inclusive, end exclusive, with fractions.
		start := kitTime(t, w.EarliestStartTime)
		win, err := c.Traces.Users(ctx, traces.UsersOptions{TaskIDs: tasks, StartTime: start.In(time.FixedZone("", 3600)),
			EndTime: start.Add(time.Microsecond), PageSize: 5000})
		require.NoError(t, err)
		require.NotEmpty(t, win.Users)
		for _, u := range win.Users {
			assert.True(t, u.EarliestStartTime.Equal(start), "only rows starting exactly at %v", start)
		}
	})

	t.Run("MonoCloud Sessions and SessionsIter", func(t *testing.T) {
		for _, uid := range data.MonoCloudUserIDs {
			want := data.MonoCloudSessions[uid]
			page, err := c.Users.Sessions(ctx, uid, users.SessionsOptions{Size: 4})
			require.NoError(t, err)
			require.NotNil(t, page.Pagination)
			assert.Equal(t, len(want), page.Pagination.TotalCount)
			assert.Equal(t, 4, page.Pagination.PageSize)
			assert.Equal(t, 1, page.Pagination.CurrentPage)
			assert.Equal(t, len(want) > 4, page.Pagination.HasNext)

			var got []users.Session
			n := requestsSince(func() {
				for s, err := range c.Users.SessionsIter(ctx, uid, users.SessionsOptions{Size: 4}) {
					require.NoError(t, err)
					got = append(got, s)
				}
			})
			assert.Equal(t, max(1, (len(want)+3)/4), n, "has_next ends the walk without an extra request")
			require.Len(t, got, len(want))
			for i, w := range want {
				g := got[i]
				assert.Equal(t, w.SessionID, g.SessionID)
				assert.Equal(t, w.SessionKey, g.SessionKey)
				assert.Equal(t, w.ClientIDs, g.ClientIDs)
				assert.Equal(t, time.Unix(w.InitiatedAt, 0).UTC(), g.InitiatedAt)
				assert.Equal(t, time.Unix(w.ExpiresAt, 0).UTC(), g.ExpiresAt)
				assert.Equal(t, time.Unix(w.LastUpdated, 0).UTC(), g.LastUpdated)
				m := w.LastMetadata
				assert.Equal(t, users.Metadata{
					Country: integStr(m.Country), City: integStr(m.City), Region: integStr(m.Region),
					Latitude: integStr(m.Latitude), Longitude: integStr(m.Longitude),
					IPAddress: integStr(m.IPAddress), UserAgent: integStr(m.UserAgent),
				}, g.LastMetadata)
			}
		}

		uid := data.MonoCloudUserIDs[0]
		sorted, err := c.Users.Sessions(ctx, uid, users.SessionsOptions{Size: 100,
			Sort: users.Sort{Key: users.SortByInitiatedAt, Order: users.Ascending}})
		require.NoError(t, err)
		for i := 1; i < len(sorted.Sessions); i++ {
			assert.False(t, sorted.Sessions[i].InitiatedAt.Before(sorted.Sessions[i-1].InitiatedAt))
		}
	})

	t.Run("every request carried the right credential", func(t *testing.T) {
		for _, r := range srv.Requests() {
			switch r.API {
			case "monocloud":
				assert.Equal(t, "test-key", r.Header.Get("X-API-KEY"))
				assert.Empty(t, r.Header.Get("Authorization"))
			default:
				assert.Equal(t, "Bearer test-key", r.Header.Get("Authorization"), r.API)
				assert.Empty(t, r.Header.Get("X-API-KEY"), r.API)
			}
			assert.NotContains(t, r.RawPath, "//", "no empty segments from prefix joining")
		}
	})
}

func TestIntegrationWithoutPaginationHeader(t *testing.T) {
	ctx := context.Background()
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(9), sessionkittest.WithoutPaginationHeader())
	t.Cleanup(srv.Close)
	c := forAPIKitClient(t, srv, "test-key")
	uid := srv.Data().MonoCloudUserIDs[0]
	want := len(srv.Data().MonoCloudSessions[uid])

	page, err := c.Users.Sessions(ctx, uid, users.SessionsOptions{})
	require.NoError(t, err)
	assert.Nil(t, page.Pagination)

	for _, size := range []int{0, 2, 4} {
		var got int
		before := srv.RequestCount()
		for _, err := range c.Users.SessionsIter(ctx, uid, users.SessionsOptions{Size: size}) {
			require.NoError(t, err)
			got++
		}
		assert.Equal(t, want, got, "size %d", size)
		if size > 0 {
			// A short page ends the walk; an exact multiple needs one empty page.
			assert.Equal(t, want/size+1, srv.RequestCount()-before, "size %d", size)
		}
	}
}

func TestIntegrationErrorsWithTestKit(t *testing.T) {
	ctx := context.Background()
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(5))
	t.Cleanup(srv.Close)
	data := srv.Data()
	good := forAPIKitClient(t, srv, "test-key")
	bad := forAPIKitClient(t, srv, "wrong-key")

	tests := []struct {
		name    string
		call    func(c *sessionkit.Client) error
		status  int
		code    string
		message string
	}{
		{"Ductape unknown user", func(c *sessionkit.Client) error {
			_, err := c.Sessions.FetchUserDetails(ctx, sessions.FetchUserDetailsOptions{Product: data.Product, Session: data.Session, Identifier: "nobody@example.com"})
			return err
		}, 404, "USER_NOT_FOUND", "User not found"},
		{"Zoom unknown session", func(c *sessionkit.Client) error {
			_, err := c.Sessions.ListUsers(ctx, "no-such-session", sessions.ListUsersOptions{})
			return err
		}, 404, "3001", "Session ID is invalid or has not ended."},
		{"Arthur unknown user", func(c *sessionkit.Client) error {
			_, err := c.Traces.User(ctx, "u-nobody", traces.UserOptions{TaskIDs: data.ArthurTaskIDs})
			return err
		}, 404, "", "User u-nobody not found or has no data"},
		{"MonoCloud unknown user", func(c *sessionkit.Client) error {
			_, err := c.Users.Sessions(ctx, "usr_nobody", users.SessionsOptions{})
			return err
		}, 404, "https://httpstatuses.io/404", "User not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ae *sessionkit.APIError
			require.ErrorAs(t, tt.call(good), &ae)
			assert.Equal(t, tt.status, ae.StatusCode)
			assert.Equal(t, tt.code, ae.Code)
			assert.Equal(t, tt.message, ae.Message)
			assert.Equal(t, 1, ae.Attempts)
		})
	}

	for _, api := range allAPIs {
		t.Run("wrong key "+api.String(), func(t *testing.T) {
			err := kitCall(ctx, bad, srv, api)
			var ae *sessionkit.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, http.StatusUnauthorized, ae.StatusCode)
			assert.NotEmpty(t, ae.Message)
			assert.False(t, strings.Contains(ae.Error(), "wrong-key"), "no key in the error text")
		})
	}
}
