package sessionkittest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDiscoveryData(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	d := srv.Data()
	require.Len(t, d.ZoomSessions, len(d.ZoomSessionIDs)+len(d.ZoomLiveSessionIDs)+ZoomPastSessions)
	months := map[time.Month]bool{}
	var prev string
	for _, s := range d.ZoomSessions {
		users, ok := d.ZoomUsers[s.ID]
		require.True(t, ok, "session %s has users", s.ID)
		seen := map[string]bool{}
		for _, u := range users {
			seen[u.ID] = true
			if s.EndTime != "" {
				require.NotEmpty(t, u.LeaveTime, "everyone has left an ended session")
			}
		}
		assert.Equal(t, len(seen), s.UserCount)
		assert.LessOrEqual(t, prev, s.StartTime, "listed by start time")
		prev = s.StartTime
		start, err := time.Parse(time.RFC3339, s.StartTime)
		require.NoError(t, err)
		months[start.Month()] = true
		assert.True(t, start.Before(d.BaseTime) && start.After(d.BaseTime.AddDate(0, -6, -1)))
	}
	assert.GreaterOrEqual(t, len(months), 6)
	require.Len(t, d.MonoCloudUsers, len(d.MonoCloudUserIDs))
	for i, u := range d.MonoCloudUsers {
		assert.Equal(t, d.MonoCloudUserIDs[i], u.UserID)
		assert.Len(t, d.MonoCloudSessions[u.UserID], 47)
	}
	require.Len(t, d.ArthurTasks, len(d.ArthurTaskIDs)+1)
	for i, id := range d.ArthurTaskIDs {
		assert.Equal(t, id, d.ArthurTasks[i].ID)
		assert.False(t, d.ArthurTasks[i].IsArchived)
	}
	assert.True(t, d.ArthurTasks[len(d.ArthurTaskIDs)].IsArchived)
}

func TestZoomSessionsEndpoint(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	base := srv.ZoomURL() + "/videosdk/sessions"
	for _, tc := range []struct{ query, field string }{
		{"to=2026-11-01", "from"},
		{"from=2026-11-01", "to"},
		{"from=2026/11/01&to=2026-11-02", "from"},
		{"from=2026-11-02&to=2026-11-01", "to"},
		{"from=2026-11-01&to=2026-11-02&type=ended", "type"},
		{"from=2026-11-01&to=2026-11-02&page_size=301", "page_size"},
	} {
		var e zoomError
		get(t, base+"?"+tc.query, bearerKey, 400, &e)
		require.Len(t, e.Errors, 1, tc.query)
		assert.Equal(t, tc.field, e.Errors[0].Field, tc.query)
	}
	var e zoomError
	get(t, base+"?from=2026-10-01&to=2026-11-02", bearerKey, 400, &e)
	assert.Contains(t, e.Message, "one month")
	get(t, base+"?from=2026-10-01&to=2026-11-01", bearerKey, 200, nil) // exactly one month is accepted

	var page zoomSessionsPage
	get(t, base+"?from=2026-06-01&to=2026-06-30&type=past&page_size=1", bearerKey, 200, &page)
	require.Len(t, page.Sessions, 1)
	require.NotEmpty(t, page.NextPageToken)
	get(t, base+"?from=2026-06-01&to=2026-06-29&type=past&page_size=1&next_page_token="+page.NextPageToken, bearerKey, 400, nil)
	assert.Equal(t, http.StatusMethodNotAllowed, call(t, http.MethodPost, base+"?from=2026-06-01&to=2026-06-30", bearerKey).status)
}

func postJSON(t *testing.T, rawURL, body string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, rawURL, strings.NewReader(body))
	require.NoError(t, err)
	req.Header = bearerKey.Clone()
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return response{res.StatusCode, res.Header, b}
}

func TestArthurTasksEndpoint(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	d := srv.Data()
	url := srv.ArthurURL() + "/api/v2/tasks/search"
	for _, tc := range []struct {
		query, body string
		status      int
		count       int
	}{
		{"", `{}`, 200, 2},
		{"", ``, 400, 0},
		{"", `{"task_ids": 5}`, 400, 0},
		{"?page_size=0", `{}`, 400, 0},
		{"?page_size=5001", `{}`, 400, 0},
		{"?sort=up", `{}`, 400, 0},
		{"?page_size=5000&page=9", `{}`, 200, 2},
		{"", `{"include_archived": true}`, 200, 3},
		{"", `{"only_archived": true, "include_archived": false}`, 200, 1},
		{"", `{"task_ids": ["` + d.ArthurTaskIDs[1] + `", "nope"]}`, 200, 1},
		{"", `{"task_name": "BOT"}`, 200, 1},
		{"", `{"is_agentic": false, "task_ids": null}`, 200, 1},
	} {
		res := postJSON(t, url+tc.query, tc.body)
		require.Equal(t, tc.status, res.status, "%s %s: %s", tc.query, tc.body, res.body)
		if tc.status != 200 {
			var e arthurDetail
			require.NoError(t, json.Unmarshal(res.body, &e))
			assert.NotEmpty(t, e.Detail)
			continue
		}
		var page arthurTasksPage
		require.NoError(t, json.Unmarshal(res.body, &page))
		assert.Equal(t, tc.count, page.Count, "%s %s", tc.query, tc.body)
	}
	assert.Equal(t, http.StatusMethodNotAllowed, call(t, http.MethodGet, url, bearerKey).status)
}

func TestMonoCloudUsersEndpoint(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	url := srv.MonoCloudURL() + "/api/users"
	var all []MonoCloudUser
	res := get(t, url+"?size=100", monoKey, 200, &all)
	assert.Len(t, all, len(srv.Data().MonoCloudUserIDs))
	assert.Contains(t, res.header.Get("X-Pagination"), `"has_next":false`)
	get(t, url+"?sort=session_id:1", monoKey, 422, nil)
	get(t, url+"?size=0", monoKey, 422, nil)
	var sorted []MonoCloudUser
	get(t, url+"?size=100&sort=sign_in_success_count:-1", monoKey, 200, &sorted)
	for i := 1; i < len(sorted); i++ {
		assert.GreaterOrEqual(t, sorted[i-1].SignInSuccessCount, sorted[i].SignInSuccessCount)
	}
}
