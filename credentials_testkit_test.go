package sessionkit_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
)

const (
	credVSDKKey    = "vsdk-key-1f2e"
	credVSDKSecret = "vsdk-secret-77aa-do-not-leak"
)

func TestVideoSDKCredentialsWithTestKit(t *testing.T) {
	srv := sessionkittest.NewServer(sessionkittest.WithVideoSDKCredentials(credVSDKKey, credVSDKSecret))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	id := srv.Data().ZoomSessionIDs[0]
	want := srv.Data().ZoomUsers[id]
	require.NotEmpty(t, want)

	c, err := sessionkit.NewClient(
		sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithBaseURL(srv.ZoomURL()), sessionkit.WithVideoSDKCredentials(credVSDKKey, credVSDKSecret)),
		sessionkit.WithRetryWait(time.Millisecond, 5*time.Millisecond),
	)
	require.NoError(t, err)
	var got int
	for u, err := range c.Sessions.ListUsersIter(ctx, id, sessions.ListUsersOptions{Type: sessions.Past, PageSize: 10}) {
		require.NoError(t, err)
		require.NotEmpty(t, u.ID)
		got++
	}
	require.Equal(t, len(want), got)
	reqs := srv.Requests()
	require.Equal(t, (len(want)+9)/10, len(reqs))
	for _, r := range reqs {
		require.Equal(t, reqs[0].Header.Get("Authorization"), r.Header.Get("Authorization"), "one JWT for the whole walk")
	}
	sessionkit.VerifyVideoSDKJWT(t, strings.TrimPrefix(reqs[0].Header.Get("Authorization"), "Bearer "), credVSDKKey, credVSDKSecret, time.Now())

	// A wrong secret: rejected, re-minted once, rejected again.
	bad, err := sessionkit.NewClient(sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithBaseURL(srv.ZoomURL()), sessionkit.WithVideoSDKCredentials(credVSDKKey, "wrong-secret-0000")))
	require.NoError(t, err)
	_, err = bad.Sessions.ListUsers(ctx, id, sessions.ListUsersOptions{})
	var apiErr *sessionkit.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode)
	assert.Equal(t, "124", apiErr.Code)
	assert.Equal(t, 2, apiErr.Attempts)
	assert.Len(t, srv.Requests(), len(reqs)+2)
	assert.NotContains(t, err.Error(), "wrong-secret-0000")
}

// TestVideoSDKJWTRenewedOnTheKitsClock shares one clock between the client and the kit: after
// the clock passes the JWT's lifetime, the next request carries a new JWT that the kit accepts,
// with no 401 in between.
func TestVideoSDKJWTRenewedOnTheKitsClock(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }

	srv := sessionkittest.NewServer(sessionkittest.WithVideoSDKCredentials(credVSDKKey, credVSDKSecret), sessionkittest.WithClock(clock))
	t.Cleanup(srv.Close)
	c, err := srv.NewClient(sessionkit.WithTestClock(clock), sessionkit.WithVideoSDKTokenLifetime(30*time.Minute))
	require.NoError(t, err)
	ctx, id := context.Background(), srv.Data().ZoomSessionIDs[0]
	list := func() string {
		t.Helper()
		_, err := c.Sessions.ListUsers(ctx, id, sessions.ListUsersOptions{Type: sessions.Past})
		require.NoError(t, err)
		reqs := srv.Requests()
		return reqs[len(reqs)-1].Header.Get("Authorization")
	}
	first := list()
	advance(10 * time.Minute)
	require.Equal(t, first, list(), "reused while valid")
	advance(25 * time.Minute) // 35 minutes after minting: expired by the kit's clock
	renewed := list()
	require.NotEqual(t, first, renewed)
	claims := sessionkit.VerifyVideoSDKJWT(t, strings.TrimPrefix(renewed, "Bearer "), credVSDKKey, credVSDKSecret, clock())
	require.True(t, claims.ExpiresAt.After(clock().Add(25*time.Minute)), "minted on the shared clock")
	require.Equal(t, 3, srv.RequestCount(), "no request was refused")
}
