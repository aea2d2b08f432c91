package traces_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/internal/testutil"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/traces"
)

func jsonUserMetadata() traces.UserMetadata {
	return traces.UserMetadata{
		UserID: "u-42", TaskID: "t-1", SessionIDs: []string{"s1", "s2"}, TraceIDs: []string{"tr1", "tr2", "tr3"},
		SessionCount: 2, TraceCount: 3, SpanCount: 17,
		EarliestStartTime: time.Date(2026, 11, 20, 9, 30, 0, 250_000_000, time.UTC),
		LatestEndTime:     time.Date(2026, 11, 20, 10, 2, 11, 4_000_000, time.UTC),
		PromptTokenCount:  ptr(1200), CompletionTokenCount: ptr(300), TotalTokenCount: ptr(1500),
		PromptTokenCost: ptr(0.0012), CompletionTokenCost: ptr(0.0009), TotalTokenCost: ptr(0.0021),
	}
}

const jsonUserMetadataText = `{"user_id": "u-42", "task_id": "t-1", "session_ids": ["s1", "s2"], "trace_ids": ["tr1", "tr2", "tr3"],
	"session_count": 2, "trace_count": 3, "span_count": 17,
	"earliest_start_time": "2026-11-20T09:30:00.25Z", "latest_end_time": "2026-11-20T10:02:11.004Z",
	"prompt_token_count": 1200, "completion_token_count": 300, "total_token_count": 1500,
	"prompt_token_cost": 0.0012, "completion_token_cost": 0.0009, "total_token_cost": 0.0021}`

func TestPublicTypesMarshalToArthurNames(t *testing.T) {
	t.Run("UserMetadata", func(t *testing.T) {
		testutil.AllFieldsSet(t, jsonUserMetadata())
		testutil.JSONRoundTrip(t, jsonUserMetadata(), jsonUserMetadataText)
		testutil.JSONRoundTrip(t, traces.UserMetadata{}, `{"session_count": 0, "trace_count": 0, "span_count": 0}`)
	})
	t.Run("UserMetadata: unknown and zero counts differ", func(t *testing.T) {
		zero := traces.UserMetadata{
			UserID: "u-1", TaskID: "t-1", SessionIDs: []string{},
			PromptTokenCount: ptr(0), CompletionTokenCount: ptr(0), TotalTokenCount: ptr(0),
			PromptTokenCost: ptr(0.0), CompletionTokenCost: ptr(0.0), TotalTokenCost: ptr(0.0),
		}
		back := traces.UserMetadata{}
		b := testutil.JSONRoundTrip(t, zero, `{"user_id": "u-1", "task_id": "t-1", "session_ids": [],
			"session_count": 0, "trace_count": 0, "span_count": 0,
			"prompt_token_count": 0, "completion_token_count": 0, "total_token_count": 0,
			"prompt_token_cost": 0, "completion_token_cost": 0, "total_token_cost": 0}`)
		require.NoError(t, json.Unmarshal(b, &back))
		require.NotNil(t, back.PromptTokenCount, "a known zero stays a pointer to 0")
		assert.Zero(t, *back.PromptTokenCount)
		require.NotNil(t, back.TotalTokenCost)
		assert.Zero(t, *back.TotalTokenCost)

		unknown := traces.UserMetadata{UserID: "u-1", TaskID: "t-1"}
		b = testutil.JSONRoundTrip(t, unknown, `{"user_id": "u-1", "task_id": "t-1", "session_count": 0, "trace_count": 0, "span_count": 0}`)
		back = traces.UserMetadata{}
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Nil(t, back.PromptTokenCount, "unknown stays nil")
		assert.Nil(t, back.TotalTokenCost, "unknown stays nil")
	})
	t.Run("UsersPage", func(t *testing.T) {
		page := traces.UsersPage{Count: 1234, Users: []traces.UserMetadata{jsonUserMetadata()}, DisplayCurrency: "USD"}
		testutil.AllFieldsSet(t, page)
		testutil.JSONRoundTrip(t, page, `{"count": 1234, "users": [`+jsonUserMetadataText+`], "display_currency": "USD"}`)
		testutil.JSONRoundTrip(t, traces.UsersPage{Users: []traces.UserMetadata{}}, `{"count": 0, "users": []}`)
		testutil.JSONRoundTrip(t, traces.UsersPage{}, `{"count": 0, "users": null}`)
	})
}

// TestDecodedValuesRoundTrip marshals what the SDK decoded from the test
// kit (rows with and without token counts), unmarshals it, and gets the
// same values, under the names the server used.
func TestDecodedValuesRoundTrip(t *testing.T) {
	srv := sessionkittest.NewServer()
	t.Cleanup(srv.Close)
	d := srv.Data()
	client, err := sessionkit.NewClient(sessionkit.WithBaseURL(srv.ArthurURL()), sessionkit.WithAPIKey("test-key"))
	require.NoError(t, err)
	t.Cleanup(client.CloseIdleConnections)

	page, err := client.Traces.Users(context.Background(), traces.UsersOptions{TaskIDs: d.ArthurTaskIDs, PageSize: traces.MaxPageSize})
	require.NoError(t, err)
	require.Len(t, page.Users, len(d.ArthurUsers))
	testutil.JSONRoundTrip(t, *page, "")
	wire := map[[2]string]sessionkittest.ArthurUser{}
	for _, w := range d.ArthurUsers {
		wire[[2]string{w.UserID, w.TaskID}] = w
	}
	unknown := 0
	for _, u := range page.Users {
		if u.TotalTokenCount == nil {
			unknown++
		}
		w, ok := wire[[2]string{u.UserID, u.TaskID}]
		require.True(t, ok, "row %s/%s is not in the test kit", u.UserID, u.TaskID)
		testutil.AssertWireNames(t, u, w)
	}
	assert.Positive(t, unknown, "the test kit has rows without token counts")
}
