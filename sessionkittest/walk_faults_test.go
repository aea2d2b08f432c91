package sessionkittest_test

import (
	"context"
	"iter"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/traces"
	"github.com/sessionkit/sessionkit-go/users"
)

// keys maps a walk to the keys of its rows, to compare with the seeded data.
func keys[T any](seq iter.Seq2[T, error], key func(T) string) ([]string, error) {
	var out []string
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, key(v))
	}
	return out, nil
}

// TestWalkSurvivesRateLimitAndDroppedConnection is the test a user writes for an export job: a 429
// on page 3 and a connection dropped mid-body on page 5 must cost two retries, not a row; and when
// the drops outlast the retries, the job resumes where the *PageError says and loses nothing.
func TestWalkSurvivesRateLimitAndDroppedConnection(t *testing.T) {
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(60))
	defer srv.Close()
	d := srv.Data()
	ctx := context.Background()
	c, err := srv.NewClient(sessionkit.WithRetryWait(time.Millisecond, 20*time.Millisecond))
	require.NoError(t, err)

	var zoomWant, ductapeWant, arthurWant, monoWant []string
	for _, u := range d.ZoomUsers[d.ZoomSessionIDs[0]] {
		zoomWant = append(zoomWant, u.ParticipantUUID)
	}
	for _, u := range d.DuctapeUsers {
		ductapeWant = append(ductapeWant, u.Identifier)
	}
	for _, u := range d.ArthurUsers {
		arthurWant = append(arthurWant, u.UserID+"/"+u.TaskID)
	}
	for _, m := range d.MonoCloudSessions[d.MonoCloudUserIDs[0]] {
		monoWant = append(monoWant, m.SessionID)
	}

	// Each walk starts where a *PageError says it stopped (nil: at the start), as an export job that
	// resumes does.
	for _, tc := range []struct {
		api  string
		walk func(from *sessionkit.PageError) ([]string, error)
		want []string
	}{
		{sessionkittest.Zoom, func(from *sessionkit.PageError) ([]string, error) {
			o := sessions.ListUsersOptions{Type: sessions.Past, PageSize: 6}
			if from != nil {
				o.NextPageToken = from.PageToken
			}
			return keys(c.Sessions.ListUsersIter(ctx, d.ZoomSessionIDs[0], o), func(u sessions.VideoUser) string { return u.ParticipantUUID })
		}, zoomWant},
		{sessionkittest.Ductape, func(from *sessionkit.PageError) ([]string, error) {
			o := sessions.FetchUsersOptions{Product: d.Product, Session: d.Session, Limit: 6}
			if from != nil {
				o.Page = from.Page
			}
			return keys(c.Sessions.FetchUsersIter(ctx, o), func(u sessions.User) string { return u.Identifier })
		}, ductapeWant},
		{sessionkittest.Arthur, func(from *sessionkit.PageError) ([]string, error) {
			// asc, as the walk of a long listing should be (see the Arthur contract).
			o := traces.UsersOptions{TaskIDs: d.ArthurTaskIDs, PageSize: 6, Sort: traces.Asc}
			if from != nil {
				o.Page = from.Page
			}
			return keys(c.Traces.UsersIter(ctx, o), func(u traces.UserMetadata) string { return u.UserID + "/" + u.TaskID })
		}, nil},
		{sessionkittest.MonoCloud, func(from *sessionkit.PageError) ([]string, error) {
			o := users.SessionsOptions{Size: 6}
			if from != nil {
				o.Page = from.Page
			}
			return keys(c.Users.SessionsIter(ctx, d.MonoCloudUserIDs[0], o), func(s users.Session) string { return s.SessionID })
		}, monoWant},
	} {
		t.Run(tc.api, func(t *testing.T) {
			check := func(got []string) {
				t.Helper()
				if tc.want == nil { // Arthur: every row once, in the server's ascending order
					require.ElementsMatch(t, arthurWant, got)
				} else {
					require.Equal(t, tc.want, got)
				}
			}

			page := func(n int) int { return srv.Count(sessionkittest.Match{API: tc.api, Page: n}) }

			// Faults the retries absorb: the walk never sees them.
			p3, p4, p5 := page(3), page(4), page(5)
			rateLimit := srv.Fault(sessionkittest.Match{API: tc.api, Page: 3}, sessionkittest.Status(429), sessionkittest.Times(1))
			drop := srv.Fault(sessionkittest.Match{API: tc.api, Page: 5}, sessionkittest.Drop(), sessionkittest.Times(1))
			got, err := tc.walk(nil)
			require.NoError(t, err)
			check(got)
			require.Equal(t, 1, rateLimit.Hits())
			require.Equal(t, 1, drop.Hits())
			require.Equal(t, 2, page(3)-p3, "page 3 asked twice")
			require.Equal(t, 2, page(5)-p5, "page 5 asked twice")
			require.Equal(t, 1, page(4)-p4, "page 4 asked once")
			srv.ClearFaults()

			// A drop that outlasts the retries (1 + 3 attempts): the walk ends with one error that
			// says where to resume, and the resumed walk yields exactly the rest.
			p5 = page(5)
			srv.Fault(sessionkittest.Match{API: tc.api, Page: 3}, sessionkittest.Status(429), sessionkittest.Times(1))
			srv.Fault(sessionkittest.Match{API: tc.api, Page: 5}, sessionkittest.Drop(), sessionkittest.Times(4))
			defer srv.ClearFaults()
			got, err = tc.walk(nil)
			var pe *sessionkit.PageError
			require.ErrorAs(t, err, &pe)
			require.Equal(t, len(got), pe.Yielded)
			require.Equal(t, 24, pe.Yielded, "stopped at page 5 of 6 rows")
			rest, err := tc.walk(pe)
			require.NoError(t, err)
			check(append(got, rest...))
			require.Equal(t, 5, page(5)-p5, "page 5: four attempts, then the resumed walk's one")
		})
	}
}
