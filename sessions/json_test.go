package sessions_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/internal/testutil"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
)

var (
	jsonT1 = time.Date(2026, 10, 1, 9, 12, 44, 120_000_000, time.UTC)
	jsonT2 = time.Date(2026, 11, 20, 17, 3, 10, 0, time.UTC)
)

func jsonUser() sessions.User {
	return sessions.User{
		ID: "665f0c", DuctapeUserID: "du_8f2a", ProductTag: "my-product", SessionTag: "user-session",
		Identifier: "ada@example.com", Env: "production",
		FirstSeen: jsonT1, LastSeen: jsonT2, CreatedAt: jsonT1, UpdatedAt: jsonT2,
	}
}

const jsonUserFields = `"_id": "665f0c", "ductape_user_id": "du_8f2a", "product_tag": "my-product",
	"session_tag": "user-session", "identifier": "ada@example.com", "env": "production",
	"first_seen": "2026-10-01T09:12:44.12Z", "last_seen": "2026-11-20T17:03:10Z",
	"createdAt": "2026-10-01T09:12:44.12Z", "updatedAt": "2026-11-20T17:03:10Z"`

func jsonVideoUser() sessions.VideoUser {
	return sessions.VideoUser{
		ID: "32dsfsd4g5gd", Name: "exampleuser", Device: "Windows", IPAddress: "127.0.0.1", Location: "New York",
		NetworkType: "Wifi", Microphone: "Plantronics BT600", Speaker: "Plantronics BT601", Camera: "FaceTime HD Camera",
		DataCenter: "SC", ConnectionType: "P2P", UserKey: "myUserKey", ParticipantUUID: "p-uuid",
		Client: "Video SDK", OS: "Windows", OSVersion: "11", BrowserName: "Chrome", BrowserVersion: "131",
		AudioQuality: "good", VideoQuality: "fair", ScreenShareQuality: "poor", IsOriginalHost: true,
		AudioCall: []sessions.AudioCall{{CallNumber: "+14155550100", CallType: "call_out", ZoomNumber: "+16465588656"}},
		JoinTime:  jsonT1, LeaveTime: jsonT2,
	}
}

func TestPublicTypesMarshalToDuctapeNames(t *testing.T) {
	t.Run("User", func(t *testing.T) {
		testutil.AllFieldsSet(t, jsonUser())
		testutil.JSONRoundTrip(t, jsonUser(), `{`+jsonUserFields+`}`)
		testutil.JSONRoundTrip(t, sessions.User{}, `{}`)
	})
	t.Run("UsersPage", func(t *testing.T) {
		page := sessions.UsersPage{Users: []sessions.User{jsonUser()}, Total: 47, Page: 3, Limit: 20, TotalPages: 3}
		testutil.AllFieldsSet(t, page)
		testutil.JSONRoundTrip(t, page, `{"users": [{`+jsonUserFields+`}], "total": 47, "page": 3, "limit": 20, "totalPages": 3}`)
		testutil.JSONRoundTrip(t, sessions.UsersPage{Users: []sessions.User{}}, `{"users": [], "total": 0, "page": 0, "limit": 0, "totalPages": 0}`)
		testutil.JSONRoundTrip(t, sessions.UsersPage{}, `{"users": null, "total": 0, "page": 0, "limit": 0, "totalPages": 0}`)
	})
	t.Run("SessionInfo", func(t *testing.T) {
		s := sessions.SessionInfo{SessionID: "s_01", StartAt: jsonT1, EndAt: jsonT2, Active: true}
		testutil.AllFieldsSet(t, s)
		testutil.JSONRoundTrip(t, s, `{"session_id": "s_01", "start_at": "2026-10-01T09:12:44.12Z", "end_at": "2026-11-20T17:03:10Z", "active": true}`)
		testutil.JSONRoundTrip(t, sessions.SessionInfo{}, `{"active": false}`)
	})
	t.Run("UserDetails", func(t *testing.T) {
		d := sessions.UserDetails{
			User:          jsonUser(),
			Sessions:      []sessions.SessionInfo{{SessionID: "s_01", StartAt: jsonT1, Active: true}, {SessionID: "s_02"}},
			TotalSessions: 12, ActiveSessionsCount: 1,
		}
		testutil.AllFieldsSet(t, d)
		// The embedded User's fields sit beside the history, as Ductape
		// sends them.
		testutil.JSONRoundTrip(t, d, `{`+jsonUserFields+`,
			"sessions": [{"session_id": "s_01", "start_at": "2026-10-01T09:12:44.12Z", "active": true}, {"session_id": "s_02", "active": false}],
			"totalSessions": 12, "activeSessionsCount": 1}`)
		testutil.JSONRoundTrip(t, sessions.UserDetails{}, `{"sessions": null, "totalSessions": 0, "activeSessionsCount": 0}`)
	})
}

func TestPublicTypesMarshalToZoomNames(t *testing.T) {
	const userJSON = `{"id": "32dsfsd4g5gd", "name": "exampleuser", "device": "Windows", "ip_address": "127.0.0.1",
		"location": "New York", "network_type": "Wifi", "microphone": "Plantronics BT600", "speaker": "Plantronics BT601",
		"camera": "FaceTime HD Camera", "data_center": "SC", "connection_type": "P2P", "user_key": "myUserKey",
		"participant_uuid": "p-uuid", "client": "Video SDK", "os": "Windows", "os_version": "11",
		"browser_name": "Chrome", "browser_version": "131", "audio_quality": "good", "video_quality": "fair",
		"screen_share_quality": "poor", "is_original_host": true,
		"audio_call": [{"call_number": "+14155550100", "call_type": "call_out", "zoom_number": "+16465588656"}],
		"join_time": "2026-10-01T09:12:44.12Z", "leave_time": "2026-11-20T17:03:10Z"}`
	t.Run("VideoUser", func(t *testing.T) {
		testutil.AllFieldsSet(t, jsonVideoUser())
		testutil.JSONRoundTrip(t, jsonVideoUser(), userJSON)
		testutil.JSONRoundTrip(t, sessions.VideoUser{}, `{"is_original_host": false}`)
		// Still in the session, no phone legs: no leave_time, no audio_call.
		live := jsonVideoUser()
		live.LeaveTime, live.AudioCall = time.Time{}, nil
		b := testutil.JSONRoundTrip(t, live, "")
		assert.NotContains(t, string(b), "leave_time")
		assert.NotContains(t, string(b), "audio_call")
	})
	t.Run("AudioCall", func(t *testing.T) {
		a := jsonVideoUser().AudioCall[0]
		testutil.AllFieldsSet(t, a)
		testutil.JSONRoundTrip(t, a, `{"call_number": "+14155550100", "call_type": "call_out", "zoom_number": "+16465588656"}`)
		testutil.JSONRoundTrip(t, sessions.AudioCall{}, `{}`)
	})
	t.Run("ListUsersPage", func(t *testing.T) {
		page := sessions.ListUsersPage{PageSize: 30, NextPageToken: "suQA5Lv", Users: []sessions.VideoUser{jsonVideoUser()}}
		testutil.AllFieldsSet(t, page)
		testutil.JSONRoundTrip(t, page, `{"page_size": 30, "next_page_token": "suQA5Lv", "users": [`+userJSON+`]}`)
		testutil.JSONRoundTrip(t, sessions.ListUsersPage{PageSize: 30, Users: []sessions.VideoUser{}}, `{"page_size": 30, "users": []}`)
		testutil.JSONRoundTrip(t, sessions.ListUsersPage{}, `{"page_size": 0, "users": null}`)
	})
}

// TestDecodedValuesRoundTrip marshals what the SDK decoded from the test
// kit, unmarshals it, and gets the same values, under the names the server
// used.
func TestDecodedValuesRoundTrip(t *testing.T) {
	srv := sessionkittest.NewServer()
	t.Cleanup(srv.Close)
	d := srv.Data()
	client, err := sessionkit.NewClient(
		sessionkit.ForAPI(sessionkit.Ductape, sessionkit.WithBaseURL(srv.DuctapeURL())),
		sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithBaseURL(srv.ZoomURL())),
		sessionkit.WithAPIKey("test-key"), sessionkit.WithWorkspaceID("ws_test"))
	require.NoError(t, err)
	t.Cleanup(client.CloseIdleConnections)
	ctx := context.Background()

	page, err := client.Sessions.FetchUsers(ctx, sessions.FetchUsersOptions{Product: d.Product, Session: d.Session, Limit: 100})
	require.NoError(t, err)
	require.Len(t, page.Users, len(d.DuctapeUsers))
	testutil.JSONRoundTrip(t, *page, "")
	for i, u := range page.Users {
		testutil.AssertWireNames(t, u, d.DuctapeUsers[i])
	}

	du := d.DuctapeUsers[0]
	details, err := client.Sessions.FetchUserDetails(ctx, sessions.FetchUserDetailsOptions{Product: d.Product, Session: d.Session, Identifier: du.Identifier})
	require.NoError(t, err)
	require.NotEmpty(t, details.Sessions)
	testutil.JSONRoundTrip(t, *details, "")
	testutil.AssertWireNames(t, details.User, du)
	testutil.AssertWireNames(t, details.Sessions[0], du.Sessions[0])

	zid := d.ZoomSessionIDs[0]
	zpage, err := client.Sessions.ListUsers(ctx, zid, sessions.ListUsersOptions{Type: sessions.Past, PageSize: 300})
	require.NoError(t, err)
	require.Len(t, zpage.Users, len(d.ZoomUsers[zid]))
	testutil.JSONRoundTrip(t, *zpage, "")
	for i, u := range zpage.Users {
		testutil.AssertWireNames(t, u, d.ZoomUsers[zid][i])
	}
}
