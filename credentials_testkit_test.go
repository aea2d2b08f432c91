package sessionkit_test

import (
	"context"
	"net/http"
	"strings"
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
