package sessionkittest

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestArthurAcceptsOffsetWithoutColon: the vendor's generated Python client sends
// datetime.isoformat()-like values whose offset may lack the colon; the real server's parser takes
// them, and the bound means the same instant as the RFC 3339 form.
func TestArthurAcceptsOffsetWithoutColon(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	base := srv.ArthurURL() + "/api/v1/traces/users?page_size=5000&task_ids=" + srv.Data().ArthurTaskIDs[0] + "&task_ids=" + srv.Data().ArthurTaskIDs[1]
	count := func(start string) int {
		var r arthurResp
		get(t, base+"&start_time="+url.QueryEscape(start), bearerKey, 200, &r)
		return r.Count
	}
	for _, tc := range []struct{ withoutColon, rfc3339 string }{
		{"2026-11-10T09:30:00.250000+0100", "2026-11-10T09:30:00.25+01:00"},
		{"2026-11-10T09:30:00-0530", "2026-11-10T09:30:00-05:30"},
		{"2026-11-10T09:30:00+0000", "2026-11-10T09:30:00Z"},
	} {
		n := count(tc.rfc3339)
		require.Equal(t, n, count(tc.withoutColon), tc.withoutColon)
		require.Positive(t, n)
		require.Less(t, n, len(srv.Data().ArthurUsers), "the bound filters")
	}
}

func TestZoomListsSessionsByWhetherTheyEnded(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	d := srv.Data()
	for _, id := range d.ZoomSessionIDs {
		got, _ := zoomWalk(t, srv, id, "type=past&page_size=300", bearerKey)
		require.Len(t, got, len(d.ZoomUsers[id]))
		for _, u := range got {
			require.NotEmpty(t, u.LeaveTime, "a past listing has no user without leave_time")
		}
	}
	live := d.ZoomLiveSessionIDs[0]
	var e zoomErr
	get(t, zoomURL(srv, live)+"?type=past", bearerKey, 404, &e)
	require.Equal(t, zoomErr{Code: 3001, Message: "Session ID is invalid or has not ended."}, e)
	got, _ := zoomWalk(t, srv, live, "type=live&page_size=300", bearerKey)
	require.Equal(t, d.ZoomUsers[live], got)
	left, in := 0, 0
	for _, u := range got {
		if u.LeaveTime == "" {
			in++
		} else {
			left++
		}
	}
	require.Positive(t, in, "users still in the session")
	require.Positive(t, left, "a live listing keeps the users who left, with leave_time")
}

func TestZoomUnknownRouteAnswersZoomError(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	for _, path := range []string{"/videosdk/sessions/x/people", "/meetings/1", "/videosdk/sessions//users"} {
		t.Run(path, func(t *testing.T) {
			var e zoomErr
			get(t, srv.ZoomURL()+path, nil, http.StatusUnauthorized, &e)
			require.Equal(t, 124, e.Code, "the credential is checked first")
			res := get(t, srv.ZoomURL()+path, bearerKey, http.StatusNotFound, &e)
			require.Equal(t, "application/json", res.header.Get("Content-Type"))
			require.Equal(t, zoomErr{Code: 404, Message: "The requested resource does not exist."}, e)
		})
	}
}
