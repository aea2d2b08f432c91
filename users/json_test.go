package users_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/internal/testutil"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/users"
)

func jsonSession() users.Session {
	return users.Session{
		SessionID: "96484D319ACC21380CCE026E54807B4D", SessionKey: "CF13F822", ClientIDs: []string{"eCOGRJYpnNwwAAuCeReEW"},
		InitiatedAt: time.Unix(1640975400, 0).UTC(), ExpiresAt: time.Unix(1640983490, 0).UTC(), LastUpdated: time.Unix(1640975401, 0).UTC(),
		LastMetadata: users.Metadata{
			Country: "United States of America", City: "Los Angeles", Region: "North America",
			Latitude: "34.043238", Longitude: "-118.250918", IPAddress: "1.1.1.1", UserAgent: "The User Agent",
		},
	}
}

// Times are RFC 3339, not MonoCloud's Unix seconds.
const jsonSessionText = `{"session_id": "96484D319ACC21380CCE026E54807B4D", "session_key": "CF13F822",
	"client_ids": ["eCOGRJYpnNwwAAuCeReEW"],
	"initiated_at": "2021-12-31T18:30:00Z", "expires_at": "2021-12-31T20:44:50Z", "last_updated": "2021-12-31T18:30:01Z",
	"last_metadata": {"country": "United States of America", "city": "Los Angeles", "region": "North America",
		"latitude": "34.043238", "longitude": "-118.250918", "ip_address": "1.1.1.1", "user_agent": "The User Agent"}}`

func TestPublicTypesMarshalToMonoCloudNames(t *testing.T) {
	t.Run("Session", func(t *testing.T) {
		testutil.AllFieldsSet(t, jsonSession())
		testutil.AllFieldsSet(t, jsonSession().LastMetadata)
		testutil.JSONRoundTrip(t, jsonSession(), jsonSessionText)
		testutil.JSONRoundTrip(t, users.Session{}, `{}`)
		// No session key, metadata partly null on the wire.
		s := jsonSession()
		s.SessionKey, s.LastMetadata.City, s.LastMetadata.UserAgent = "", "", ""
		b := testutil.JSONRoundTrip(t, s, "")
		assert.NotContains(t, string(b), "session_key")
		assert.NotContains(t, string(b), "city")
	})
	t.Run("Metadata", func(t *testing.T) {
		testutil.JSONRoundTrip(t, users.Metadata{Country: "Kenya", IPAddress: "10.0.0.1"}, `{"country": "Kenya", "ip_address": "10.0.0.1"}`)
		testutil.JSONRoundTrip(t, users.Metadata{}, `{}`)
	})
	t.Run("Pagination", func(t *testing.T) {
		p := users.Pagination{TotalCount: 20, PageSize: 2, CurrentPage: 3, HasNext: true, HasPrevious: true}
		testutil.AllFieldsSet(t, p)
		testutil.JSONRoundTrip(t, p, `{"total_count": 20, "page_size": 2, "current_page": 3, "has_next": true, "has_previous": true}`)
		testutil.JSONRoundTrip(t, users.Pagination{}, `{"total_count": 0, "page_size": 0, "current_page": 0, "has_next": false, "has_previous": false}`)
	})
	t.Run("SessionsPage", func(t *testing.T) {
		page := users.SessionsPage{Sessions: []users.Session{jsonSession()}, Pagination: &users.Pagination{TotalCount: 1, PageSize: 10, CurrentPage: 1}}
		testutil.AllFieldsSet(t, page)
		testutil.JSONRoundTrip(t, page, `{"sessions": [`+jsonSessionText+`],
			"pagination": {"total_count": 1, "page_size": 10, "current_page": 1, "has_next": false, "has_previous": false}}`)
		// Without the header the totals are unknown: no "pagination", and
		// nil again after the round trip.
		testutil.JSONRoundTrip(t, users.SessionsPage{Sessions: []users.Session{}}, `{"sessions": []}`)
		testutil.JSONRoundTrip(t, users.SessionsPage{}, `{"sessions": null}`)
		// A zero Pagination is known totals of zero: it stays.
		testutil.JSONRoundTrip(t, users.SessionsPage{Sessions: []users.Session{}, Pagination: &users.Pagination{}},
			`{"sessions": [], "pagination": {"total_count": 0, "page_size": 0, "current_page": 0, "has_next": false, "has_previous": false}}`)
	})
}

// TestDecodedValuesRoundTrip marshals what the SDK decoded from the test
// kit, unmarshals it, and gets the same values, under the names the server
// used.
func TestDecodedValuesRoundTrip(t *testing.T) {
	srv := sessionkittest.NewServer()
	t.Cleanup(srv.Close)
	d := srv.Data()
	client, err := sessionkit.NewClient(sessionkit.WithBaseURL(srv.MonoCloudURL()), sessionkit.WithAPIKey("test-key"))
	require.NoError(t, err)
	t.Cleanup(client.CloseIdleConnections)

	for _, id := range d.MonoCloudUserIDs {
		page, err := client.Users.Sessions(context.Background(), id, users.SessionsOptions{Size: 1000})
		require.NoError(t, err)
		require.NotNil(t, page.Pagination)
		require.Len(t, page.Sessions, len(d.MonoCloudSessions[id]))
		testutil.JSONRoundTrip(t, *page, "")
		for i, s := range page.Sessions {
			w := d.MonoCloudSessions[id][i]
			testutil.AssertWireNames(t, s, w)
			testutil.AssertWireNames(t, s.LastMetadata, w.LastMetadata)
		}
	}
}
