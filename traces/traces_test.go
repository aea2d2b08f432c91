package traces_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sessionkit "github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/internal/testutil"
	"github.com/sessionkit/sessionkit-go/traces"
)

const (
	testKey     = "arthur-secret-key"
	arthurRoute = testutil.Prefix + "/api/v1/traces/users"
)

func newClient(t *testing.T, rec *testutil.Recorder, opts ...sessionkit.Option) *sessionkit.Client {
	t.Helper()
	all := append([]sessionkit.Option{
		sessionkit.WithBaseURL(rec.URL),
		sessionkit.WithAPIKey(testKey),
		sessionkit.WithMaxRetries(0),
	}, opts...)
	c, err := sessionkit.NewClient(all...)
	require.NoError(t, err)
	return c
}

// usersPage is a Users body with count and one row per user ID.
func usersPage(count int, ids ...string) testutil.Reply {
	rows := make([]string, len(ids))
	for i, id := range ids {
		rows[i] = fmt.Sprintf(`{"user_id": %q, "task_id": "t", "earliest_start_time": "2026-11-20T09:30:00"}`, id)
	}
	return testutil.JSON(http.StatusOK, fmt.Sprintf(`{"count": %d, "users": [%s], "display_currency": "USD"}`, count, strings.Join(rows, ",")))
}

func TestUsersQuery(t *testing.T) {
	plusOne := time.FixedZone("", 3600)
	india := time.FixedZone("IST", 5*3600+30*60)
	west := time.FixedZone("", -(3*3600 + 30*60))
	tests := []struct {
		name string
		opts traces.UsersOptions
		want string
	}{
		{
			name: "one task, nothing else sent (page 0 is the server default)",
			opts: traces.UsersOptions{TaskIDs: []string{"t-1"}},
			want: "task_ids=t-1",
		},
		{
			name: "repeated task_ids keys in order",
			opts: traces.UsersOptions{TaskIDs: []string{"b", "a", "b"}},
			want: "task_ids=b&task_ids=a&task_ids=b",
		},
		{
			name: "task IDs escaped",
			opts: traces.UsersOptions{TaskIDs: []string{"a b", "x&y=z", "ü"}},
			want: "task_ids=a+b&task_ids=x%26y%3Dz&task_ids=%C3%BC",
		},
		{
			name: "times keep their own offset and milliseconds",
			opts: traces.UsersOptions{
				TaskIDs:   []string{"t-1"},
				StartTime: time.Date(2026, 11, 20, 9, 30, 0, 250e6, plusOne),
				EndTime:   time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC),
			},
			want: "end_time=2026-11-20T10%3A00%3A00Z&start_time=2026-11-20T09%3A30%3A00.250%2B01%3A00&task_ids=t-1",
		},
		{
			name: "microseconds, nanoseconds, named and negative offsets",
			opts: traces.UsersOptions{
				TaskIDs:   []string{"t-1"},
				StartTime: time.Date(2026, 1, 2, 3, 4, 5, 123456e3, india),
				EndTime:   time.Date(2026, 1, 2, 3, 4, 5, 1, west),
			},
			want: "end_time=2026-01-02T03%3A04%3A05.000000001-03%3A30&start_time=2026-01-02T03%3A04%3A05.123456%2B05%3A30&task_ids=t-1",
		},
		{
			name: "every field",
			opts: traces.UsersOptions{
				TaskIDs: []string{"t-1", "t-2"}, StartTime: time.Date(2026, 11, 20, 9, 30, 0, 250e6, plusOne),
				Sort: traces.Asc, PageSize: 5000, Page: 3,
			},
			want: "page=3&page_size=5000&sort=asc&start_time=2026-11-20T09%3A30%3A00.250%2B01%3A00&task_ids=t-1&task_ids=t-2",
		},
		{
			name: "desc, page 1, page size 1",
			opts: traces.UsersOptions{TaskIDs: []string{"t"}, Sort: traces.Desc, PageSize: 1, Page: 1},
			want: "page=1&page_size=1&sort=desc&task_ids=t",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := testutil.NewRecorder(t, testutil.Always(usersPage(0)))
			_, err := newClient(t, rec).Traces.Users(context.Background(), tt.opts)
			require.NoError(t, err)
			got := rec.Last()
			assert.Equal(t, arthurRoute, got.EscapedPath)
			assert.Equal(t, tt.want, got.RawQuery)
			assert.Equal(t, "Bearer "+testKey, got.Header.Get("Authorization"))
			assert.Empty(t, got.Header.Get("X-Api-Key"))
		})
	}
}

func TestUserWire(t *testing.T) {
	tests := []struct {
		userID, wantPath string
	}{
		{"u-42", arthurRoute + "/u-42"},
		{"a/b", arthurRoute + "/a%2Fb"},
		{"ada@example.com", arthurRoute + "/ada%40example.com"},
		{"%2E%2E", arthurRoute + "/%252E%252E"},
		{"x?y", arthurRoute + "/x%3Fy"},
	}
	for _, tt := range tests {
		t.Run(tt.userID, func(t *testing.T) {
			rec := testutil.NewRecorder(t, testutil.Always(testutil.JSON(200, `{"user_id": "u"}`)))
			_, err := newClient(t, rec).Traces.User(context.Background(), tt.userID, traces.UserOptions{TaskIDs: []string{"t1", "t 2"}})
			require.NoError(t, err)
			got := rec.Last()
			assert.Equal(t, tt.wantPath, got.EscapedPath)
			assert.Equal(t, "task_ids=t1&task_ids=t+2", got.RawQuery)
			assert.Equal(t, "/api/v1/traces/users/"+tt.userID, got.Path)
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestUsersDecode(t *testing.T) {
	body := `{"count": 1234, "display_currency": "USD", "extra": [1],
	 "users": [
	  {"user_id": "u-42", "task_id": "t-1", "session_ids": ["s1", "s2"], "session_count": 2,
	   "trace_ids": ["tr1", "tr2", "tr3"], "trace_count": 3, "span_count": 17,
	   "earliest_start_time": "2026-11-20T09:30:00.250000", "latest_end_time": "2026-11-20T10:02:11.004000",
	   "prompt_token_count": 1200, "completion_token_count": 300, "total_token_count": 1500,
	   "prompt_token_cost": 0.0012, "completion_token_cost": 0.0009, "total_token_cost": 0.0021, "new_metric": 5},
	  {"user_id": "u-zero", "task_id": "t-1", "session_ids": [], "session_count": 0, "trace_ids": [],
	   "trace_count": 0, "span_count": 0, "earliest_start_time": "2026-11-20T09:30:00+02:00",
	   "latest_end_time": "2026-11-20T09:30:00Z",
	   "prompt_token_count": 0, "completion_token_count": 0, "total_token_count": 0,
	   "prompt_token_cost": 0, "completion_token_cost": 0.0, "total_token_cost": 0},
	  {"user_id": "u-unknown", "task_id": "t-2", "earliest_start_time": "2026-11-20T09:30:00",
	   "latest_end_time": "2026-11-20T09:31:00"}]}`
	rec := testutil.NewRecorder(t, testutil.Always(testutil.JSON(200, body)))
	page, err := newClient(t, rec).Traces.Users(context.Background(), traces.UsersOptions{TaskIDs: []string{"t-1"}})
	require.NoError(t, err)
	require.Len(t, page.Users, 3)
	assert.Equal(t, 1234, page.Count)
	assert.Equal(t, "USD", page.DisplayCurrency)

	assert.Equal(t, traces.UserMetadata{
		UserID: "u-42", TaskID: "t-1", SessionIDs: []string{"s1", "s2"}, TraceIDs: []string{"tr1", "tr2", "tr3"},
		SessionCount: 2, TraceCount: 3, SpanCount: 17,
		EarliestStartTime: time.Date(2026, 11, 20, 9, 30, 0, 250e6, time.UTC),
		LatestEndTime:     time.Date(2026, 11, 20, 10, 2, 11, 4e6, time.UTC),
		PromptTokenCount:  ptr(1200), CompletionTokenCount: ptr(300), TotalTokenCount: ptr(1500),
		PromptTokenCost: ptr(0.0012), CompletionTokenCost: ptr(0.0009), TotalTokenCost: ptr(0.0021),
	}, page.Users[0])
	assert.Equal(t, time.UTC, page.Users[0].EarliestStartTime.Location(), "a zone-less time is UTC")

	zero := page.Users[1]
	assert.True(t, zero.EarliestStartTime.Equal(time.Date(2026, 11, 20, 7, 30, 0, 0, time.UTC)), "an explicit offset is kept")
	for name, p := range map[string]*int{"prompt": zero.PromptTokenCount, "completion": zero.CompletionTokenCount, "total": zero.TotalTokenCount} {
		require.NotNil(t, p, "%s token count 0 is present", name)
		assert.Equal(t, 0, *p)
	}
	for name, p := range map[string]*float64{"prompt": zero.PromptTokenCost, "completion": zero.CompletionTokenCost, "total": zero.TotalTokenCost} {
		require.NotNil(t, p, "%s token cost 0 is present", name)
		assert.Zero(t, *p)
	}

	unknown := page.Users[2]
	assert.Nil(t, unknown.PromptTokenCount)
	assert.Nil(t, unknown.CompletionTokenCount)
	assert.Nil(t, unknown.TotalTokenCount)
	assert.Nil(t, unknown.PromptTokenCost)
	assert.Nil(t, unknown.CompletionTokenCost)
	assert.Nil(t, unknown.TotalTokenCost)
	assert.Equal(t, time.Date(2026, 11, 20, 9, 31, 0, 0, time.UTC), unknown.LatestEndTime)
}

func TestUserDecode(t *testing.T) {
	body := `{"user_id": "u-9", "task_id": "t-1", "session_ids": ["s1"], "session_count": 1, "trace_ids": ["tr1"],
		"trace_count": 1, "span_count": 2, "earliest_start_time": "2026-11-20T09:30:00.5",
		"latest_end_time": "2026-11-20T09:30:01", "total_token_count": 7}`
	rec := testutil.NewRecorder(t, testutil.Always(testutil.JSON(200, body)))
	got, err := newClient(t, rec).Traces.User(context.Background(), "u-9", traces.UserOptions{TaskIDs: []string{"t-1"}})
	require.NoError(t, err)
	assert.Equal(t, &traces.UserMetadata{
		UserID: "u-9", TaskID: "t-1", SessionIDs: []string{"s1"}, TraceIDs: []string{"tr1"},
		SessionCount: 1, TraceCount: 1, SpanCount: 2,
		EarliestStartTime: time.Date(2026, 11, 20, 9, 30, 0, 500e6, time.UTC),
		LatestEndTime:     time.Date(2026, 11, 20, 9, 30, 1, 0, time.UTC),
		TotalTokenCount:   ptr(7),
	}, got)
}

func TestArthurErrors(t *testing.T) {
	tests := []struct {
		name     string
		reply    testutil.Reply
		status   int
		message  string
		fields   []sessionkit.FieldError
		attempts int
	}{
		{
			name:   "400 detail string",
			reply:  testutil.JSON(400, `{"detail": "Invalid page size, must be greater than 0 and less than 5000"}`),
			status: 400, message: "Invalid page size, must be greater than 0 and less than 5000", attempts: 1,
		},
		{
			name:   "404 detail string",
			reply:  testutil.JSON(404, `{"detail": "User u-9 not found or has no data"}`),
			status: 404, message: "User u-9 not found or has no data", attempts: 1,
		},
		{
			name: "422 detail list",
			reply: testutil.JSON(422, `{"detail": [
				{"loc": ["query", "task_ids"], "msg": "Field required", "type": "missing", "input": null},
				{"loc": ["query", "page_size"], "msg": "Input should be a valid integer", "type": "int_parsing", "ctx": {"x": 1}},
				{"loc": ["body", 0, "name"], "msg": "bad", "type": "value_error"}]}`),
			status:  422,
			message: "Field required; Input should be a valid integer; bad",
			fields: []sessionkit.FieldError{
				{Field: "query.task_ids", Message: "Field required"},
				{Field: "query.page_size", Message: "Input should be a valid integer"},
				{Field: "body.0.name", Message: "bad"},
			},
			attempts: 1,
		},
		{
			name:   "500 detail, retried",
			reply:  testutil.JSON(500, `{"detail": "Something went wrong."}`),
			status: 500, message: "Something went wrong.", attempts: 2,
		},
		{
			name:   "403 plain text",
			reply:  testutil.Text(403, "Forbidden"),
			status: 403, message: "Forbidden", attempts: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := testutil.NewRecorder(t, testutil.Always(tt.reply))
			c := newClient(t, rec, sessionkit.WithMaxRetries(1), sessionkit.WithRetryWait(time.Millisecond, time.Millisecond))
			_, err := c.Traces.Users(context.Background(), traces.UsersOptions{TaskIDs: []string{"secret-task"}})
			var ae *sessionkit.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.status, ae.StatusCode)
			assert.Empty(t, ae.Code)
			assert.Equal(t, tt.message, ae.Message)
			assert.Equal(t, tt.fields, ae.Fields)
			assert.Equal(t, tt.attempts, ae.Attempts)
			assert.Equal(t, tt.attempts, rec.Count())
			assert.Equal(t, tt.reply.Body, string(ae.Body))
			assert.Equal(t, tt.reply.Header.Get("Content-Type"), ae.Header.Get("Content-Type"))
			text := ae.Error()
			assert.Contains(t, text, "GET "+arthurRoute)
			assert.Contains(t, text, fmt.Sprint(tt.status))
			assert.Contains(t, text, tt.message)
			for _, bad := range []string{"secret-task", "task_ids=", "127.0.0.1", testKey} {
				assert.NotContains(t, text, bad)
			}
		})
	}
}

func TestArthurMalformed(t *testing.T) {
	for _, body := range []string{`null`, `{}`, `{"count": "many"}`, `{"count": 1, "users": [{"earliest_start_time": "soon"}]}`, `[`} {
		t.Run(body, func(t *testing.T) {
			rec := testutil.NewRecorder(t, testutil.Always(testutil.JSON(200, body)))
			_, err := newClient(t, rec).Traces.Users(context.Background(), traces.UsersOptions{TaskIDs: []string{"t"}})
			require.ErrorIs(t, err, sessionkit.ErrMalformedResponse)
			assert.Contains(t, err.Error(), "GET "+arthurRoute+":")
			assert.Contains(t, err.Error(), "200")
		})
	}
	t.Run("User null", func(t *testing.T) {
		rec := testutil.NewRecorder(t, testutil.Always(testutil.JSON(200, `null`)))
		_, err := newClient(t, rec).Traces.User(context.Background(), "u", traces.UserOptions{TaskIDs: []string{"t"}})
		require.ErrorIs(t, err, sessionkit.ErrMalformedResponse)
	})
}

type validationCase struct {
	name  string
	field string
	call  func(ctx context.Context, c *sessionkit.Client) error
}

func TestArthurValidation(t *testing.T) {
	users := func(o traces.UsersOptions) func(context.Context, *sessionkit.Client) error {
		return func(ctx context.Context, c *sessionkit.Client) error {
			_, err := c.Traces.Users(ctx, o)
			return err
		}
	}
	usersIter := func(o traces.UsersOptions) func(context.Context, *sessionkit.Client) error {
		return func(ctx context.Context, c *sessionkit.Client) error {
			return testutil.IterErr(t, c.Traces.UsersIter(ctx, o))
		}
	}
	user := func(id string, o traces.UserOptions) func(context.Context, *sessionkit.Client) error {
		return func(ctx context.Context, c *sessionkit.Client) error {
			_, err := c.Traces.User(ctx, id, o)
			return err
		}
	}
	ok := []string{"t"}
	cases := []validationCase{
		{"Users nil TaskIDs", "TaskIDs", users(traces.UsersOptions{})},
		{"Users empty TaskIDs", "TaskIDs", users(traces.UsersOptions{TaskIDs: []string{}})},
		{"Users empty TaskIDs element", "TaskIDs", users(traces.UsersOptions{TaskIDs: []string{"a", ""}})},
		{"Users negative PageSize", "PageSize", users(traces.UsersOptions{TaskIDs: ok, PageSize: -1})},
		{"Users PageSize over 5000", "PageSize", users(traces.UsersOptions{TaskIDs: ok, PageSize: 5001})},
		{"Users negative Page", "Page", users(traces.UsersOptions{TaskIDs: ok, Page: -1})},
		{"Users unknown Sort", "Sort", users(traces.UsersOptions{TaskIDs: ok, Sort: "ascending"})},
		{"Users upper-case Sort", "Sort", users(traces.UsersOptions{TaskIDs: ok, Sort: "ASC"})},
		{"UsersIter nil TaskIDs", "TaskIDs", usersIter(traces.UsersOptions{})},
		{"UsersIter empty TaskIDs element", "TaskIDs", usersIter(traces.UsersOptions{TaskIDs: []string{""}})},
		{"UsersIter PageSize over 5000", "PageSize", usersIter(traces.UsersOptions{TaskIDs: ok, PageSize: 10000})},
		{"UsersIter negative PageSize", "PageSize", usersIter(traces.UsersOptions{TaskIDs: ok, PageSize: -10})},
		{"UsersIter negative Page", "Page", usersIter(traces.UsersOptions{TaskIDs: ok, Page: -1})},
		{"UsersIter unknown Sort", "Sort", usersIter(traces.UsersOptions{TaskIDs: ok, Sort: "newest"})},
		{"User empty userID", "userID", user("", traces.UserOptions{TaskIDs: ok})},
		{"User userID dot", "userID", user(".", traces.UserOptions{TaskIDs: ok})},
		{"User userID dot-dot", "userID", user("..", traces.UserOptions{TaskIDs: ok})},
		{"User nil TaskIDs", "TaskIDs", user("u", traces.UserOptions{})},
		{"User empty TaskIDs", "TaskIDs", user("u", traces.UserOptions{TaskIDs: []string{}})},
		{"User empty TaskIDs element", "TaskIDs", user("u", traces.UserOptions{TaskIDs: []string{""}})},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			rec := testutil.NewRecorder(t, nil)
			err := tt.call(context.Background(), newClient(t, rec))
			require.ErrorIs(t, err, sessionkit.ErrInvalidOptions)
			assert.Contains(t, err.Error(), tt.field)
			assert.Zero(t, rec.Count(), "no request may be sent")
		})
	}

	// Arthur is self-hosted: no default base URL.
	noBase := []validationCase{
		{"Users", "base URL", users(traces.UsersOptions{TaskIDs: ok})},
		{"UsersIter", "base URL", usersIter(traces.UsersOptions{TaskIDs: ok})},
		{"User", "base URL", user("u", traces.UserOptions{TaskIDs: ok})},
	}
	for _, tt := range noBase {
		t.Run("no base URL "+tt.name, func(t *testing.T) {
			var sent int
			hc := &http.Client{Transport: testutil.RoundTripFunc(func(*http.Request) (*http.Response, error) {
				sent++
				return nil, fmt.Errorf("no request expected")
			})}
			c, err := sessionkit.NewClient(sessionkit.WithAPIKey(testKey), sessionkit.WithHTTPClient(hc))
			require.NoError(t, err)
			err = tt.call(context.Background(), c)
			require.ErrorIs(t, err, sessionkit.ErrInvalidOptions)
			assert.Contains(t, err.Error(), tt.field)
			assert.Contains(t, err.Error(), "arthur")
			assert.Zero(t, sent)
		})
	}
}

func userIDs(us []traces.UserMetadata) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.UserID
	}
	return out
}

func collect[T any](seq func(func(T, error) bool)) ([]T, []error) {
	var items []T
	var errs []error
	for v, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		items = append(items, v)
	}
	return items, errs
}

// fivePerPage answers 0-based pages of a 12-row listing, 5 per page.
func fivePerPage() testutil.Responder {
	return testutil.ByQuery("page", map[string]testutil.Reply{
		"":  usersPage(12, "u0", "u1", "u2", "u3", "u4"),
		"1": usersPage(12, "u5", "u6", "u7", "u8", "u9"),
		"2": usersPage(12, "u10", "u11"),
		"3": usersPage(12),
	})
}

func TestUsersIter(t *testing.T) {
	ctx := context.Background()
	all := []string{"u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9", "u10", "u11"}

	t.Run("0-based pages up to what count implies", func(t *testing.T) {
		rec := testutil.NewRecorder(t, fivePerPage())
		items, errs := collect(newClient(t, rec).Traces.UsersIter(ctx, traces.UsersOptions{TaskIDs: []string{"t"}, PageSize: 5, Sort: traces.Asc}))
		require.Empty(t, errs)
		assert.Equal(t, all, userIDs(items))
		assert.Equal(t, []string{
			"page_size=5&sort=asc&task_ids=t",
			"page=1&page_size=5&sort=asc&task_ids=t",
			"page=2&page_size=5&sort=asc&task_ids=t",
		}, rec.Queries())
	})

	t.Run("count a multiple of the page size ends without an extra request", func(t *testing.T) {
		rec := testutil.NewRecorder(t, testutil.ByQuery("page", map[string]testutil.Reply{
			"":  usersPage(4, "a", "b"),
			"1": usersPage(4, "c", "d"),
		}))
		items, errs := collect(newClient(t, rec).Traces.UsersIter(ctx, traces.UsersOptions{TaskIDs: []string{"t"}, PageSize: 2}))
		require.Empty(t, errs)
		assert.Equal(t, []string{"a", "b", "c", "d"}, userIDs(items))
		assert.Equal(t, 2, rec.Count())
	})

	t.Run("default page size is Arthur's 10", func(t *testing.T) {
		ids := make([]string, 10)
		for i := range ids {
			ids[i] = fmt.Sprint("u", i)
		}
		rec := testutil.NewRecorder(t, testutil.ByQuery("page", map[string]testutil.Reply{
			"":  usersPage(11, ids...),
			"1": usersPage(11, "u10"),
		}))
		items, errs := collect(newClient(t, rec).Traces.UsersIter(ctx, traces.UsersOptions{TaskIDs: []string{"t"}}))
		require.Empty(t, errs)
		assert.Len(t, items, 11)
		assert.Equal(t, []string{"task_ids=t", "page=1&task_ids=t"}, rec.Queries())
	})

	t.Run("unknown task: count 0, one request", func(t *testing.T) {
		rec := testutil.NewRecorder(t, testutil.Always(usersPage(0)))
		items, errs := collect(newClient(t, rec).Traces.UsersIter(ctx, traces.UsersOptions{TaskIDs: []string{"nope"}}))
		require.Empty(t, errs)
		assert.Empty(t, items)
		assert.Equal(t, 1, rec.Count())
	})

	t.Run("an empty page ends the walk even when count says more", func(t *testing.T) {
		rec := testutil.NewRecorder(t, testutil.ByQuery("page", map[string]testutil.Reply{
			"":  usersPage(100, "a"),
			"1": usersPage(100),
		}))
		items, errs := collect(newClient(t, rec).Traces.UsersIter(ctx, traces.UsersOptions{TaskIDs: []string{"t"}, PageSize: 1}))
		require.Empty(t, errs)
		assert.Equal(t, []string{"a"}, userIDs(items))
		assert.Equal(t, 2, rec.Count())
	})

	t.Run("lazy, re-rangeable from opts.Page, options and TaskIDs untouched", func(t *testing.T) {
		rec := testutil.NewRecorder(t, fivePerPage())
		backing := []string{"b", "a", "sentinel-1", "sentinel-2"}
		opts := traces.UsersOptions{TaskIDs: backing[:2], PageSize: 5, Page: 1}
		before := opts
		seq := newClient(t, rec).Traces.UsersIter(ctx, opts)
		assert.Zero(t, rec.Count(), "nothing is fetched before the loop runs")
		first, errs := collect(seq)
		require.Empty(t, errs)
		second, errs := collect(seq)
		require.Empty(t, errs)
		assert.Equal(t, all[5:], userIDs(first))
		assert.Equal(t, userIDs(first), userIDs(second))
		assert.Equal(t, []string{
			"page=1&page_size=5&task_ids=b&task_ids=a",
			"page=2&page_size=5&task_ids=b&task_ids=a",
			"page=1&page_size=5&task_ids=b&task_ids=a",
			"page=2&page_size=5&task_ids=b&task_ids=a",
		}, rec.Queries())
		assert.Equal(t, before, opts)
		assert.Equal(t, []string{"b", "a", "sentinel-1", "sentinel-2"}, backing, "the TaskIDs backing array is untouched")
	})

	t.Run("break stops fetching", func(t *testing.T) {
		rec := testutil.NewRecorder(t, fivePerPage())
		for _, err := range newClient(t, rec).Traces.UsersIter(ctx, traces.UsersOptions{TaskIDs: []string{"t"}, PageSize: 5}) {
			require.NoError(t, err)
			break
		}
		assert.Equal(t, 1, rec.Count())
	})

	t.Run("a failing page is reported 0-based", func(t *testing.T) {
		rec := testutil.NewRecorder(t, testutil.ByQuery("page", map[string]testutil.Reply{
			"":  usersPage(12, "u0", "u1", "u2", "u3", "u4"),
			"1": testutil.JSON(400, `{"detail": "nope"}`),
		}))
		items, errs := collect(newClient(t, rec).Traces.UsersIter(ctx, traces.UsersOptions{TaskIDs: []string{"t"}, PageSize: 5}))
		assert.Len(t, items, 5)
		require.Len(t, errs, 1)
		var pe *sessionkit.PageError
		require.ErrorAs(t, errs[0], &pe)
		assert.Equal(t, 1, pe.Page)
		assert.Equal(t, 5, pe.Yielded)
		var ae *sessionkit.APIError
		require.ErrorAs(t, errs[0], &ae)
		assert.Equal(t, "nope", ae.Message)
	})
}

func TestUserDoesNotMutateTaskIDs(t *testing.T) {
	rec := testutil.NewRecorder(t, testutil.Always(testutil.JSON(200, `{"user_id": "u"}`)))
	backing := []string{"z", "a", "sentinel"}
	opts := traces.UserOptions{TaskIDs: backing[:2]}
	_, err := newClient(t, rec).Traces.User(context.Background(), "u", opts)
	require.NoError(t, err)
	assert.Equal(t, []string{"z", "a", "sentinel"}, backing)
	assert.Equal(t, "task_ids=z&task_ids=a", rec.Last().RawQuery)
}
