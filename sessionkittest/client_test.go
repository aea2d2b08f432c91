package sessionkittest_test

import (
	"context"
	"iter"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/traces"
	"github.com/sessionkit/sessionkit-go/users"
)

// collect walks seq to its end and returns its items, or fails the test.
func collect[T any](t *testing.T, seq iter.Seq2[T, error]) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		require.NoError(t, err)
		out = append(out, v)
	}
	return out
}

func TestNewClientReachesEveryAPI(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []sessionkittest.Option
	}{
		{"defaults", nil},
		{"own key and workspace", []sessionkittest.Option{sessionkittest.WithAPIKey("key-k-9-other"), sessionkittest.WithWorkspaceID("ws_other")}},
		{"Video SDK credentials", []sessionkittest.Option{sessionkittest.WithVideoSDKCredentials("video-sdk-key", "video-sdk-secret")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := sessionkittest.NewServer(append(tc.opts, sessionkittest.WithUsers(13))...)
			defer srv.Close()
			c, err := srv.NewClient()
			require.NoError(t, err)
			ctx, d := context.Background(), srv.Data()

			du := collect(t, c.Sessions.FetchUsersIter(ctx, sessions.FetchUsersOptions{Product: d.Product, Session: d.Session, Limit: 5}))
			require.Len(t, du, len(d.DuctapeUsers))
			zu := collect(t, c.Sessions.ListUsersIter(ctx, d.ZoomSessionIDs[1], sessions.ListUsersOptions{Type: sessions.Past, PageSize: 4}))
			require.NotEmpty(t, zu)
			au := collect(t, c.Traces.UsersIter(ctx, traces.UsersOptions{TaskIDs: d.ArthurTaskIDs, PageSize: 4}))
			require.Len(t, au, len(d.ArthurUsers))
			mu := collect(t, c.Users.SessionsIter(ctx, d.MonoCloudUserIDs[0], users.SessionsOptions{Size: 4}))
			require.Len(t, mu, len(d.MonoCloudSessions[d.MonoCloudUserIDs[0]]))
			for _, r := range srv.Requests() {
				require.NotEmpty(t, r.API, r.RawPath)
			}
		})
	}
}

func TestNewClientOptionsOverride(t *testing.T) {
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(3))
	defer srv.Close()
	c, err := srv.NewClient(sessionkit.WithAPIKey("wrong-key-0"), sessionkit.WithMaxRetries(0))
	require.NoError(t, err)
	_, err = c.Traces.Users(context.Background(), traces.UsersOptions{TaskIDs: srv.Data().ArthurTaskIDs})
	var apiErr *sessionkit.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, 401, apiErr.StatusCode)

	_, err = srv.NewClient(sessionkit.WithMaxRetries(-1))
	require.ErrorIs(t, err, sessionkit.ErrInvalidOptions)
}

// TestClientRateLimitKeepsToServerLimit is the pacing test a user writes: a client limited to the
// vendor's rate walks a long listing without one 429.
func TestClientRateLimitKeepsToServerLimit(t *testing.T) {
	srv := sessionkittest.NewServer(sessionkittest.WithRateLimit(sessionkittest.MonoCloud, 20))
	defer srv.Close()
	c, err := srv.NewClient(sessionkit.ForAPI(sessionkit.MonoCloud, sessionkit.WithRateLimit(20, 1)), sessionkit.WithMaxRetries(0))
	require.NoError(t, err)
	uid := srv.Data().MonoCloudUserIDs[0]
	got := collect(t, c.Users.SessionsIter(context.Background(), uid, users.SessionsOptions{Size: 2}))
	require.Len(t, got, len(srv.Data().MonoCloudSessions[uid]))
	require.Equal(t, 24, srv.Count(sessionkittest.Match{API: sessionkittest.MonoCloud}))
}
