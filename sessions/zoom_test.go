package sessions_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sessionkit "github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/internal/testutil"
	"github.com/sessionkit/sessionkit-go/sessions"
)

const zoomRoute = testutil.Prefix + "/videosdk/sessions/"

// zoomPage is a ListUsers body with one user per id.
func zoomPage(next string, ids ...string) testutil.Reply {
	users := make([]string, len(ids))
	for i, id := range ids {
		users[i] = fmt.Sprintf(`{"id": %q, "name": "user %s", "join_time": "2021-12-07T05:42:28Z"}`, id, id)
	}
	return testutil.JSON(http.StatusOK, fmt.Sprintf(`{"page_size": 2, "next_page_token": %q, "users": [%s]}`,
		next, strings.Join(users, ",")))
}

func TestListUsersPath(t *testing.T) {
	tests := []struct {
		sessionID string
		wantSeg   string
	}{
		{"KkMHZ4y8QhSUWAHi5sWvfg==", "KkMHZ4y8QhSUWAHi5sWvfg%3D%3D"},
		{"/Ab==", "%252FAb%253D%253D"},
		{"Ab//cd==", "Ab%252F%252Fcd%253D%253D"},
		{"//", "%252F%252F"},
		{"a/b", "a%2Fb"},
		{"a/b/", "a%2Fb%2F"},
		{"abc+/=", "abc%2B%2F%3D"},
		{"AZaz09-_.!~*'()", "AZaz09-_.!~*'()"},
		{"x y%z", "x%20y%25z"},
		{"...", "..."},
		{"é", "%C3%A9"},
	}
	for _, tt := range tests {
		t.Run(tt.sessionID, func(t *testing.T) {
			rec := testutil.NewRecorder(t, testutil.Always(zoomPage("")))
			_, err := newClient(t, rec).Sessions.ListUsers(context.Background(), tt.sessionID, sessions.ListUsersOptions{})
			require.NoError(t, err)
			got := rec.Last()
			want := zoomRoute + tt.wantSeg + "/users"
			assert.Equal(t, want, got.EscapedPath, "raw path as received")
			assert.Equal(t, want, got.RequestURI, "request target sent verbatim, no query")
			assert.Equal(t, "Bearer "+testKey, got.Header.Get("Authorization"))
		})
	}
}

func TestListUsersQuery(t *testing.T) {
	tests := []struct {
		name string
		opts sessions.ListUsersOptions
		want string
	}{
		{"zero options send nothing", sessions.ListUsersOptions{}, ""},
		{"live", sessions.ListUsersOptions{Type: sessions.Live}, "type=live"},
		{"past with size", sessions.ListUsersOptions{Type: sessions.Past, PageSize: 300}, "page_size=300&type=past"},
		{"token escaped", sessions.ListUsersOptions{PageSize: 1, NextPageToken: "suQA5L/vD+nH5=="}, "next_page_token=suQA5L%2FvD%2BnH5%3D%3D&page_size=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := testutil.NewRecorder(t, testutil.Always(zoomPage("")))
			_, err := newClient(t, rec).Sessions.ListUsers(context.Background(), "s1", tt.opts)
			require.NoError(t, err)
			assert.Equal(t, tt.want, rec.Last().RawQuery)
		})
	}
}

func TestListUsersDecode(t *testing.T) {
	body := `{"page_size": 30, "next_page_token": "suQA5LvDBnH5No5OYD7mqpJuFzJqUOHK8U2", "total_records": 99,
	 "users": [
	  {"id": "32dsfsd4g5gd", "name": "exampleuser", "device": "Quest 3", "ip_address": "127.0.0.1",
	   "location": "New York", "network_type": "Satellite", "microphone": "Plantronics BT600",
	   "speaker": "Plantronics BT600", "camera": "FaceTime HD Camera", "data_center": "SC",
	   "connection_type": "P2P", "join_time": "2021-12-07T05:42:28Z", "leave_time": "2021-12-07T06:42:28.5+01:00",
	   "user_key": "myUserKey", "participant_uuid": "uuid-1", "client": "web", "os": "Windows", "os_version": "11",
	   "browser_name": "Chrome", "browser_version": "120", "audio_quality": "good", "video_quality": "superb",
	   "screen_share_quality": "poor", "is_original_host": true, "new_field": {"a": 1},
	   "audio_call": [{"call_number": "+1 555", "call_type": "call-in", "zoom_number": "+1 666", "extra": 1}]},
	  {"id": "live1", "name": "still here", "device": "Mac", "join_time": "2021-12-07T05:50:00Z"}]}`
	rec := testutil.NewRecorder(t, testutil.Always(testutil.JSON(http.StatusOK, body)))
	page, err := newClient(t, rec).Sessions.ListUsers(context.Background(), "s1", sessions.ListUsersOptions{})
	require.NoError(t, err)
	require.Len(t, page.Users, 2)
	leave := page.Users[0].LeaveTime
	assert.True(t, leave.Equal(time.Date(2021, 12, 7, 5, 42, 28, 500e6, time.UTC)), "leave_time %v", leave)
	page.Users[0].LeaveTime = time.Time{}
	want := &sessions.ListUsersPage{
		PageSize: 30, NextPageToken: "suQA5LvDBnH5No5OYD7mqpJuFzJqUOHK8U2",
		Users: []sessions.VideoUser{
			{
				ID: "32dsfsd4g5gd", Name: "exampleuser", Device: "Quest 3", IPAddress: "127.0.0.1",
				Location: "New York", NetworkType: "Satellite", Microphone: "Plantronics BT600",
				Speaker: "Plantronics BT600", Camera: "FaceTime HD Camera", DataCenter: "SC",
				ConnectionType: "P2P", UserKey: "myUserKey", ParticipantUUID: "uuid-1", Client: "web",
				OS: "Windows", OSVersion: "11", BrowserName: "Chrome", BrowserVersion: "120",
				AudioQuality: "good", VideoQuality: "superb", ScreenShareQuality: "poor", IsOriginalHost: true,
				AudioCall: []sessions.AudioCall{{CallNumber: "+1 555", CallType: "call-in", ZoomNumber: "+1 666"}},
				JoinTime:  time.Date(2021, 12, 7, 5, 42, 28, 0, time.UTC),
			},
			{ID: "live1", Name: "still here", Device: "Mac", JoinTime: time.Date(2021, 12, 7, 5, 50, 0, 0, time.UTC)},
		},
	}
	assert.Equal(t, want, page)
	assert.True(t, page.Users[1].LeaveTime.IsZero(), "absent leave_time decodes as the zero time")
}

func TestListUsersErrors(t *testing.T) {
	tests := []struct {
		name       string
		opts       sessions.ListUsersOptions
		reply      testutil.Reply
		status     int
		code       string
		message    string
		fields     []sessionkit.FieldError
		retryAfter time.Duration
		expired    bool
	}{
		{
			name:   "404 code 3001",
			reply:  testutil.JSON(404, `{"code": 3001, "message": "Session does not exist."}`),
			status: 404, code: "3001", message: "Session does not exist.",
		},
		{
			name: "400 validation with fields",
			reply: testutil.JSON(400, `{"code": 300, "message": "Validation Failed.",
				"errors": [{"field": "page_size", "message": "must be at most 300"}, {"field": "type", "message": "bad"}]}`),
			status: 400, code: "300", message: "Validation Failed.",
			fields: []sessionkit.FieldError{{Field: "page_size", Message: "must be at most 300"}, {Field: "type", Message: "bad"}},
		},
		{
			name:   "400 code 12702",
			reply:  testutil.JSON(400, `{"code": 12702, "message": "Can not access a session older than 1 year."}`),
			status: 400, code: "12702", message: "Can not access a session older than 1 year.",
		},
		{
			name:   "401 plain text",
			reply:  testutil.Text(401, "Unauthorized\n"),
			status: 401, message: "Unauthorized",
		},
		{
			name:   "429 asking for more than the maximum wait",
			reply:  testutil.JSON(429, `{"code": 429, "message": "You have reached the maximum per-second rate limit."}`, "Retry-After", "120"),
			status: 429, code: "429", message: "You have reached the maximum per-second rate limit.",
			retryAfter: 120 * time.Second,
		},
		{
			name:   "rejected page token",
			opts:   sessions.ListUsersOptions{NextPageToken: "stale"},
			reply:  testutil.JSON(400, `{"code": 300, "message": "The next page token is invalid or expired."}`),
			status: 400, code: "300", message: "The next page token is invalid or expired.",
			expired: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := testutil.NewRecorder(t, testutil.Always(tt.reply))
			c := newClient(t, rec, sessionkit.WithMaxRetries(3), sessionkit.WithRetryWait(time.Millisecond, time.Second))
			_, err := c.Sessions.ListUsers(context.Background(), "/Ab==", tt.opts)
			ae := requireAPIError(t, err, tt.status, tt.code, tt.message)
			assert.Equal(t, tt.fields, ae.Fields)
			assert.Equal(t, tt.retryAfter, ae.RetryAfter)
			assert.Equal(t, 1, ae.Attempts)
			assert.Equal(t, 1, rec.Count())
			assert.Equal(t, tt.reply.Body, string(ae.Body))
			assert.Equal(t, zoomRoute+"%252FAb%253D%253D/users", ae.Path)
			assert.Contains(t, ae.Error(), "GET "+zoomRoute+"%252FAb%253D%253D/users")
			assert.NotContains(t, ae.Error(), "stale", "no query in the error text")
			assert.Equal(t, tt.expired, errors.Is(err, sessionkit.ErrPageTokenExpired))
			if tt.retryAfter > 0 {
				assert.Equal(t, "120", ae.Header.Get("Retry-After"))
			}
		})
	}
}

func TestListUsersMalformed(t *testing.T) {
	for _, body := range []string{`null`, `{"users": [{"id": 5}]}`, `[]`, `{"users": [`, `{"users": [{"join_time": "noon"}]}`} {
		t.Run(body, func(t *testing.T) {
			rec := testutil.NewRecorder(t, testutil.Always(testutil.JSON(http.StatusOK, body)))
			_, err := newClient(t, rec).Sessions.ListUsers(context.Background(), "s1", sessions.ListUsersOptions{})
			require.ErrorIs(t, err, sessionkit.ErrMalformedResponse)
			assert.Contains(t, err.Error(), "GET "+zoomRoute+"s1/users")
			assert.Contains(t, err.Error(), "200")
		})
	}
}

func TestZoomValidation(t *testing.T) {
	list := func(id string, o sessions.ListUsersOptions) func(context.Context, *sessionkit.Client) error {
		return func(ctx context.Context, c *sessionkit.Client) error {
			_, err := c.Sessions.ListUsers(ctx, id, o)
			return err
		}
	}
	listIter := func(id string, o sessions.ListUsersOptions) func(context.Context, *sessionkit.Client) error {
		return func(ctx context.Context, c *sessionkit.Client) error {
			return testutil.IterErr(t, c.Sessions.ListUsersIter(ctx, id, o))
		}
	}
	runValidation(t, []validationCase{
		{"empty sessionID", "sessionID", list("", sessions.ListUsersOptions{})},
		{"sessionID dot", "sessionID", list(".", sessions.ListUsersOptions{})},
		{"sessionID dot-dot", "sessionID", list("..", sessions.ListUsersOptions{})},
		{"negative PageSize", "PageSize", list("s", sessions.ListUsersOptions{PageSize: -1})},
		{"PageSize over 300", "PageSize", list("s", sessions.ListUsersOptions{PageSize: 301})},
		{"unknown Type", "Type", list("s", sessions.ListUsersOptions{Type: "upcoming"})},
		{"upper-case Type", "Type", list("s", sessions.ListUsersOptions{Type: "LIVE"})},
		{"iter empty sessionID", "sessionID", listIter("", sessions.ListUsersOptions{})},
		{"iter sessionID dot-dot", "sessionID", listIter("..", sessions.ListUsersOptions{})},
		{"iter PageSize over 300", "PageSize", listIter("s", sessions.ListUsersOptions{PageSize: 1000})},
		{"iter negative PageSize", "PageSize", listIter("s", sessions.ListUsersOptions{PageSize: -3})},
		{"iter unknown Type", "Type", listIter("s", sessions.ListUsersOptions{Type: "future"})},
	})
}

func videoIDs(us []sessions.VideoUser) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	return out
}

// zoomTokens answers by next_page_token; a runaway walk gets an error
// after 50 requests instead of hanging the test.
func zoomTokens(pages map[string]testutil.Reply) testutil.Responder {
	byToken := testutil.ByQuery("next_page_token", pages)
	return func(n int, r *http.Request) testutil.Reply {
		if n >= 50 {
			return testutil.Text(http.StatusTeapot, "runaway walk")
		}
		return byToken(n, r)
	}
}

func TestListUsersIter(t *testing.T) {
	ctx := context.Background()
	opts := sessions.ListUsersOptions{Type: sessions.Past, PageSize: 2}
	threePages := func() testutil.Responder {
		return zoomTokens(map[string]testutil.Reply{
			"":   zoomPage("t1", "a", "b"),
			"t1": zoomPage("t2"), // empty, but carries a token: keep going
			"t2": zoomPage("", "c"),
		})
	}

	t.Run("continues past an empty page with a token, ends on an empty token", func(t *testing.T) {
		rec := testutil.NewRecorder(t, threePages())
		items, errs := collect(newClient(t, rec).Sessions.ListUsersIter(ctx, "/Ab==", opts))
		require.Empty(t, errs)
		assert.Equal(t, []string{"a", "b", "c"}, videoIDs(items))
		assert.Equal(t, []string{
			"page_size=2&type=past",
			"next_page_token=t1&page_size=2&type=past",
			"next_page_token=t2&page_size=2&type=past",
		}, rec.Queries(), "every follow-up repeats type and page_size")
		for _, r := range rec.Requests() {
			assert.Equal(t, zoomRoute+"%252FAb%253D%253D/users", r.EscapedPath)
		}
	})

	t.Run("an absent token ends the walk", func(t *testing.T) {
		rec := testutil.NewRecorder(t, testutil.Always(testutil.JSON(200, `{"page_size": 2, "users": [{"id": "x"}]}`)))
		items, errs := collect(newClient(t, rec).Sessions.ListUsersIter(ctx, "s", opts))
		require.Empty(t, errs)
		assert.Equal(t, []string{"x"}, videoIDs(items))
		assert.Equal(t, 1, rec.Count())
	})

	t.Run("lazy, re-rangeable, options untouched", func(t *testing.T) {
		rec := testutil.NewRecorder(t, threePages())
		o := opts
		seq := newClient(t, rec).Sessions.ListUsersIter(ctx, "s", o)
		assert.Zero(t, rec.Count())
		first, _ := collect(seq)
		second, errs := collect(seq)
		require.Empty(t, errs)
		assert.Equal(t, videoIDs(first), videoIDs(second))
		q := rec.Queries()
		require.Len(t, q, 6)
		assert.Equal(t, q[:3], q[3:])
		assert.Equal(t, opts, o)
	})

	t.Run("starts at opts.NextPageToken", func(t *testing.T) {
		rec := testutil.NewRecorder(t, threePages())
		o := opts
		o.NextPageToken = "t1"
		seq := newClient(t, rec).Sessions.ListUsersIter(ctx, "s", o)
		items, errs := collect(seq)
		require.Empty(t, errs)
		assert.Equal(t, []string{"c"}, videoIDs(items))
		items, _ = collect(seq)
		assert.Equal(t, []string{"c"}, videoIDs(items))
		assert.Equal(t, []string{
			"next_page_token=t1&page_size=2&type=past",
			"next_page_token=t2&page_size=2&type=past",
			"next_page_token=t1&page_size=2&type=past",
			"next_page_token=t2&page_size=2&type=past",
		}, rec.Queries())
		assert.Equal(t, "t1", o.NextPageToken)
	})

	t.Run("break stops fetching", func(t *testing.T) {
		rec := testutil.NewRecorder(t, threePages())
		for _, err := range newClient(t, rec).Sessions.ListUsersIter(ctx, "s", opts) {
			require.NoError(t, err)
			break
		}
		assert.Equal(t, 1, rec.Count())
	})

	loops := []struct {
		name  string
		pages map[string]testutil.Reply
		want  []string
		token string
		reqs  int
	}{
		{"the same token twice", map[string]testutil.Reply{"": zoomPage("t1", "a"), "t1": zoomPage("t1", "b")}, []string{"a", "b"}, "t1", 2},
		{"back to an earlier token", map[string]testutil.Reply{"": zoomPage("t1", "a"), "t1": zoomPage("t2", "b"), "t2": zoomPage("t1")}, []string{"a", "b"}, "t1", 3},
		{"empty pages forever", map[string]testutil.Reply{"": zoomPage("t1"), "t1": zoomPage("t1")}, []string{}, "t1", 2},
	}
	for _, tt := range loops {
		t.Run("pagination loop: "+tt.name, func(t *testing.T) {
			rec := testutil.NewRecorder(t, zoomTokens(tt.pages))
			items, errs := collect(newClient(t, rec).Sessions.ListUsersIter(ctx, "s", opts))
			assert.Equal(t, tt.want, videoIDs(items))
			require.Len(t, errs, 1)
			require.ErrorIs(t, errs[0], sessionkit.ErrPaginationLoop)
			var pe *sessionkit.PageError
			require.ErrorAs(t, errs[0], &pe)
			assert.Equal(t, tt.token, pe.PageToken)
			assert.Equal(t, len(tt.want), pe.Yielded)
			assert.Equal(t, tt.reqs, rec.Count(), "the repeated token is not fetched again")
		})
	}

	t.Run("a rejected token mid-walk says where to resume", func(t *testing.T) {
		rec := testutil.NewRecorder(t, zoomTokens(map[string]testutil.Reply{
			"":   zoomPage("t1", "a", "b"),
			"t1": testutil.JSON(400, `{"code": 300, "message": "Invalid next page token."}`),
		}))
		items, errs := collect(newClient(t, rec).Sessions.ListUsersIter(ctx, "s", opts))
		assert.Equal(t, []string{"a", "b"}, videoIDs(items))
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], sessionkit.ErrPageTokenExpired)
		var pe *sessionkit.PageError
		require.ErrorAs(t, errs[0], &pe)
		assert.Equal(t, "t1", pe.PageToken)
		assert.Equal(t, 2, pe.Yielded)
		requireAPIError(t, errs[0], 400, "300", "Invalid next page token.")
	})

	t.Run("a start token that comes back is a loop", func(t *testing.T) {
		rec := testutil.NewRecorder(t, zoomTokens(map[string]testutil.Reply{"t1": zoomPage("t1", "a")}))
		o := opts
		o.NextPageToken = "t1"
		items, errs := collect(newClient(t, rec).Sessions.ListUsersIter(ctx, "s", o))
		assert.Equal(t, []string{"a"}, videoIDs(items))
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], sessionkit.ErrPaginationLoop)
		assert.Equal(t, 1, rec.Count())
	})
}
