package sessionkittest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
)

func TestAdvanceExpiresZoomCursorMidWalk(t *testing.T) {
	for _, tc := range []struct {
		name    string
		advance time.Duration
		expired bool
	}{
		{"just before 15 minutes", 15*time.Minute - time.Second, false},
		{"at 15 minutes", 15 * time.Minute, true},
		{"an hour", time.Hour, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := sessionkittest.NewServer(sessionkittest.WithUsers(25))
			defer srv.Close()
			c, err := srv.NewClient(fastRetries)
			require.NoError(t, err)
			id := srv.Data().ZoomSessionIDs[0]
			n := 0
			var walkErr error
			for _, err := range c.Sessions.ListUsersIter(context.Background(), id, sessions.ListUsersOptions{Type: sessions.Past, PageSize: 10}) {
				if err != nil {
					walkErr = err
					break
				}
				if n++; n == 10 { // the first page is consumed; the second is not fetched yet
					srv.Advance(tc.advance)
				}
			}
			if !tc.expired {
				require.NoError(t, walkErr)
				require.Equal(t, 25, n)
				return
			}
			require.ErrorIs(t, walkErr, sessionkit.ErrPageTokenExpired)
			var pe *sessionkit.PageError
			require.ErrorAs(t, walkErr, &pe)
			require.Equal(t, 10, pe.Yielded)
			require.NotEmpty(t, pe.PageToken)
			var apiErr *sessionkit.APIError
			require.ErrorAs(t, walkErr, &apiErr)
			require.Equal(t, 400, apiErr.StatusCode)
			require.Equal(t, "300", apiErr.Code)
			require.Equal(t, 1, apiErr.Attempts, "a rejected token is not retried")
		})
	}
}

func TestClockDecidesVideoSDKJWTExpiry(t *testing.T) {
	const key, secret = "video-sdk-key", "video-sdk-secret"
	mint := func(iat, exp time.Time) string {
		s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iss": key, "iat": iat.Unix(), "exp": exp.Unix()}).SignedString([]byte(secret))
		require.NoError(t, err)
		return s
	}
	at := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		advance  time.Duration
		iat, exp time.Time
		ok       bool
	}{
		{"valid at the server's time", 0, at, at.Add(time.Hour), true},
		{"expired once the clock passes exp", time.Hour + time.Second, at, at.Add(time.Hour), false},
		{"issued in the server's future", 0, at.Add(2 * time.Minute), at.Add(time.Hour), false},
		{"valid by the server's clock, not the wall clock", 0, at.Add(-time.Minute), at.Add(time.Minute), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := sessionkittest.NewServer(sessionkittest.WithVideoSDKCredentials(key, secret),
				sessionkittest.WithClock(func() time.Time { return at }))
			defer srv.Close()
			srv.Advance(tc.advance)
			tok := mint(tc.iat, tc.exp)
			c, err := srv.NewClient(sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithTokenFunc(func(context.Context) (string, error) { return tok, nil })))
			require.NoError(t, err)
			_, err = c.Sessions.ListUsers(context.Background(), srv.Data().ZoomSessionIDs[0], sessions.ListUsersOptions{Type: sessions.Past})
			if tc.ok {
				require.NoError(t, err)
				return
			}
			var apiErr *sessionkit.APIError
			require.True(t, errors.As(err, &apiErr), "%v", err)
			require.Equal(t, 401, apiErr.StatusCode)
			require.Equal(t, "124", apiErr.Code)
		})
	}
	srv := sessionkittest.NewServer(sessionkittest.WithClock(func() time.Time { return at }))
	defer srv.Close()
	srv.Advance(90 * time.Second)
	require.Equal(t, at.Add(90*time.Second), srv.Now())
}

func TestRequestsCarryTheServersTime(t *testing.T) {
	at := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	srv := sessionkittest.NewServer(sessionkittest.WithClock(func() time.Time { return at }))
	defer srv.Close()
	c, err := srv.NewClient()
	require.NoError(t, err)
	ctx, id := context.Background(), srv.Data().ZoomSessionIDs[0]
	_, err = c.Sessions.ListUsers(ctx, id, sessions.ListUsersOptions{Type: sessions.Past})
	require.NoError(t, err)
	srv.Advance(time.Minute)
	_, err = c.Sessions.ListUsers(ctx, id, sessions.ListUsersOptions{Type: sessions.Past})
	require.NoError(t, err)
	reqs := srv.Requests()
	require.Len(t, reqs, 2)
	require.Equal(t, at, reqs[0].At)
	require.Equal(t, at.Add(time.Minute), reqs[1].At)
}
