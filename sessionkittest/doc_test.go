package sessionkittest_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
)

// The three tests of the package documentation, as written there, so that they keep compiling
// and passing.

var ctx = context.Background()

// export stands for the user's code under test: it walks a Ductape session's users.
func export(ctx context.Context, client *sessionkit.Client, product, session string) (int, error) {
	n := 0
	for _, err := range client.Sessions.FetchUsersIter(ctx, sessions.FetchUsersOptions{Product: product, Session: session, Limit: 20}) {
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func TestExportAllUsers(t *testing.T) {
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(120))
	defer srv.Close()
	client, err := srv.NewClient()
	require.NoError(t, err)

	d := srv.Data()
	n, err := export(ctx, client, d.Product, d.Session) // the code under test
	require.NoError(t, err)
	require.Equal(t, len(d.DuctapeUsers), n)
}

func TestExportSurvivesRateLimit(t *testing.T) {
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(120))
	defer srv.Close()
	client, err := srv.NewClient(sessionkit.WithRetryWait(time.Millisecond, time.Second))
	require.NoError(t, err)
	srv.Fault(sessionkittest.Match{API: sessionkittest.Ductape, Page: 3},
		sessionkittest.Status(429).RetryAfter("0"), sessionkittest.Times(1))

	n, err := export(ctx, client, srv.Data().Product, srv.Data().Session)
	require.NoError(t, err)
	require.Equal(t, 120, n)
	require.Equal(t, 2, srv.Count(sessionkittest.Match{API: sessionkittest.Ductape, Page: 3}))
}

func TestExportKeepsToZoomLimit(t *testing.T) {
	srv := sessionkittest.NewServer(sessionkittest.WithRateLimit(sessionkittest.Zoom, 10))
	defer srv.Close()
	client, err := srv.NewClient(sessionkit.WithMaxRetries(0),
		sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithRateLimit(10, 1)))
	require.NoError(t, err)

	id := srv.Data().ZoomSessionIDs[0]
	for _, err := range client.Sessions.ListUsersIter(ctx, id, sessions.ListUsersOptions{Type: sessions.Past, PageSize: 5}) {
		require.NoError(t, err) // never a 429
	}
}
