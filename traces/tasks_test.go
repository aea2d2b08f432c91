package traces_test

import (
	"context"
	"encoding/json"
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

const tasksRoute = testutil.Prefix + "/api/v2/tasks/search"

// tasksPage is a task search body with count and one task per ID.
func tasksPage(count int, ids ...string) testutil.Reply {
	rows := make([]string, len(ids))
	for i, id := range ids {
		rows[i] = fmt.Sprintf(`{"id": %q, "name": "task %s", "created_at": 1767225600000, "updated_at": 1767225600000, "rules": []}`, id, id)
	}
	return testutil.JSON(http.StatusOK, fmt.Sprintf(`{"count": %d, "tasks": [%s]}`, count, strings.Join(rows, ",")))
}

func TestTasksWire(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		name      string
		opts      traces.TasksOptions
		wantQuery string
		wantBody  string
	}{
		{"zero options: no query, an empty filter", traces.TasksOptions{}, "", `{}`},
		{
			name:      "paging in the query",
			opts:      traces.TasksOptions{Sort: traces.Asc, PageSize: 5000, Page: 3},
			wantQuery: "page=3&page_size=5000&sort=asc", wantBody: `{}`,
		},
		{
			name:      "every filter in the body",
			opts:      traces.TasksOptions{TaskIDs: []string{"b", "a"}, Name: `Support "bot"`, IsAgentic: &yes, IncludeArchived: true, OnlyArchived: true},
			wantQuery: "", wantBody: `{"task_ids":["b","a"],"task_name":"Support \"bot\"","is_agentic":true,"include_archived":true,"only_archived":true}`,
		},
		{"IsAgentic false is sent", traces.TasksOptions{IsAgentic: &no}, "", `{"is_agentic":false}`},
		{"an empty TaskIDs list is no filter", traces.TasksOptions{TaskIDs: []string{}, Sort: traces.Desc}, "sort=desc", `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := testutil.NewRecorder(t, testutil.Always(tasksPage(0)))
			_, err := newClient(t, rec).Traces.Tasks(context.Background(), tt.opts)
			require.NoError(t, err)
			got := rec.Last()
			assert.Equal(t, http.MethodPost, got.Method)
			assert.Equal(t, tasksRoute, got.EscapedPath)
			assert.Equal(t, tt.wantQuery, got.RawQuery)
			assert.Equal(t, tt.wantBody, got.Body)
			assert.Equal(t, "application/json", got.Header.Get("Content-Type"))
			assert.Equal(t, "Bearer "+testKey, got.Header.Get("Authorization"))
		})
	}
}

func TestTasksDecode(t *testing.T) {
	body := `{"count": 42, "extra": [1], "tasks": [
	 {"id": "t-1", "name": "support-bot", "created_at": 1767225600123, "updated_at": 1767312000000,
	  "is_agentic": true, "is_system_task": false, "is_autocreated": true, "is_archived": null,
	  "agent_metadata": {"provider": "gcp", "service_names": ["a"]}, "metrics": null,
	  "rules": [{"id": "r", "name": "pii", "type": "PIIDataRule", "apply_to_prompt": true, "scope": "task",
	            "created_at": 1767225600000, "updated_at": 1767225600000, "config": {"x": 1}}]},
	 {"id": "t-2", "name": "old", "created_at": "2026-01-01T00:00:00Z", "updated_at": null, "is_agentic": null, "rules": []}]}`
	rec := testutil.NewRecorder(t, testutil.Always(testutil.JSON(200, body)))
	page, err := newClient(t, rec).Traces.Tasks(context.Background(), traces.TasksOptions{})
	require.NoError(t, err)
	assert.Equal(t, &traces.TasksPage{Count: 42, Tasks: []traces.Task{
		{
			ID: "t-1", Name: "support-bot",
			CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 123e6, time.UTC), UpdatedAt: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC),
			IsAgentic: true, IsAutocreated: true,
		},
		{ID: "t-2", Name: "old", CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
	}}, page)

	t.Run("no tasks array is an empty page", func(t *testing.T) {
		rec := testutil.NewRecorder(t, testutil.Always(testutil.JSON(200, `{"count": 0}`)))
		page, err := newClient(t, rec).Traces.Tasks(context.Background(), traces.TasksOptions{})
		require.NoError(t, err)
		assert.Equal(t, &traces.TasksPage{Tasks: []traces.Task{}}, page)
	})
}

func TestTaskJSON(t *testing.T) {
	task := traces.Task{ID: "t-1", Name: "bot", CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 123e6, time.UTC), IsArchived: true}
	b, err := json.Marshal(task)
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"t-1","name":"bot","created_at":"2026-01-01T00:00:00.123Z","is_archived":true}`, string(b))
	var back traces.Task
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, task, back)
}

func TestTasksMalformed(t *testing.T) {
	for _, body := range []string{`null`, `{}`, `{"tasks": []}`, `{"count": "many"}`, `{"count": 1, "tasks": [{"created_at": "soon"}]}`, `{"count": 1, "tasks": [{"is_archived": "yes"}]}`, `[`} {
		t.Run(body, func(t *testing.T) {
			rec := testutil.NewRecorder(t, testutil.Always(testutil.JSON(200, body)))
			_, err := newClient(t, rec).Traces.Tasks(context.Background(), traces.TasksOptions{})
			require.ErrorIs(t, err, sessionkit.ErrMalformedResponse)
			assert.Contains(t, err.Error(), "POST "+tasksRoute+":")
		})
	}
}

func TestTasksErrors(t *testing.T) {
	tests := []struct {
		name     string
		reply    testutil.Reply
		message  string
		fields   []sessionkit.FieldError
		attempts int
	}{
		{"403 org scoping", testutil.JSON(403, `{"detail": "task_ids include items outside the caller's org"}`), "task_ids include items outside the caller's org", nil, 1},
		{"400 page size", testutil.JSON(400, `{"detail": "Invalid page size, must be greater than 0 and less than 5000"}`), "Invalid page size, must be greater than 0 and less than 5000", nil, 1},
		{
			"422 detail list", testutil.JSON(422, `{"detail": [{"loc": ["body", "task_ids", 0], "msg": "Input should be a valid string", "type": "string_type"}]}`),
			"Input should be a valid string", []sessionkit.FieldError{{Field: "body.task_ids.0", Message: "Input should be a valid string"}}, 1,
		},
		{"500 is retried: the search only reads", testutil.JSON(500, `{"detail": "Something went wrong."}`), "Something went wrong.", nil, 3},
		{"503 is retried", testutil.Text(503, "unavailable"), "unavailable", nil, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := testutil.NewRecorder(t, testutil.Always(tt.reply))
			c := newClient(t, rec, sessionkit.WithMaxRetries(2), sessionkit.WithRetryWait(time.Millisecond, time.Millisecond))
			_, err := c.Traces.Tasks(context.Background(), traces.TasksOptions{TaskIDs: []string{"secret-task"}})
			var ae *sessionkit.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.reply.Status, ae.StatusCode)
			assert.Equal(t, tt.message, ae.Message)
			assert.Equal(t, tt.fields, ae.Fields)
			assert.Equal(t, tt.attempts, ae.Attempts)
			require.Equal(t, tt.attempts, rec.Count())
			for _, r := range rec.Requests() {
				assert.Equal(t, `{"task_ids":["secret-task"]}`, r.Body, "every attempt re-sends the same body")
			}
			assert.Contains(t, ae.Error(), "POST "+tasksRoute)
			assert.NotContains(t, ae.Error(), "secret-task")
		})
	}
}

func TestTasksRetrySucceeds(t *testing.T) {
	rec := testutil.NewRecorder(t, testutil.Sequence(testutil.Text(502, "bad gateway"), tasksPage(1, "t-1")))
	c := newClient(t, rec, sessionkit.WithMaxRetries(3), sessionkit.WithRetryWait(time.Millisecond, time.Millisecond))
	page, err := c.Traces.Tasks(context.Background(), traces.TasksOptions{Name: "bot"})
	require.NoError(t, err)
	assert.Equal(t, []string{"t-1"}, taskIDs(page.Tasks))
	reqs := rec.Requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, reqs[0].Body, reqs[1].Body)
	assert.Equal(t, `{"task_name":"bot"}`, reqs[1].Body)
}

func TestTasksValidation(t *testing.T) {
	tasks := func(o traces.TasksOptions) func(context.Context, *sessionkit.Client) error {
		return func(ctx context.Context, c *sessionkit.Client) error {
			_, err := c.Traces.Tasks(ctx, o)
			return err
		}
	}
	tasksIter := func(o traces.TasksOptions) func(context.Context, *sessionkit.Client) error {
		return func(ctx context.Context, c *sessionkit.Client) error {
			return testutil.IterErr(t, c.Traces.TasksIter(ctx, o))
		}
	}
	cases := []validationCase{
		{"Tasks empty TaskIDs element", "TaskIDs[1]", tasks(traces.TasksOptions{TaskIDs: []string{"a", ""}})},
		{"Tasks negative PageSize", "PageSize", tasks(traces.TasksOptions{PageSize: -1})},
		{"Tasks PageSize over 5000", "PageSize", tasks(traces.TasksOptions{PageSize: 5001})},
		{"Tasks negative Page", "Page", tasks(traces.TasksOptions{Page: -1})},
		{"Tasks unknown Sort", "Sort", tasks(traces.TasksOptions{Sort: "newest"})},
		{"TasksIter empty TaskIDs element", "TaskIDs[0]", tasksIter(traces.TasksOptions{TaskIDs: []string{""}})},
		{"TasksIter PageSize over 5000", "PageSize", tasksIter(traces.TasksOptions{PageSize: 9999})},
		{"TasksIter negative Page", "Page", tasksIter(traces.TasksOptions{Page: -2})},
		{"TasksIter unknown Sort", "Sort", tasksIter(traces.TasksOptions{Sort: "ASC"})},
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
}

func taskIDs(ts []traces.Task) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.ID
	}
	return out
}

func TestTasksIter(t *testing.T) {
	ctx := context.Background()
	threePages := func() testutil.Responder {
		return testutil.ByQuery("page", map[string]testutil.Reply{
			"":  tasksPage(7, "t0", "t1", "t2"),
			"1": tasksPage(7, "t3", "t4", "t5"),
			"2": tasksPage(7, "t6"),
			"3": tasksPage(7),
		})
	}
	yes := true
	opts := traces.TasksOptions{PageSize: 3, Sort: traces.Asc, IsAgentic: &yes}

	t.Run("0-based pages up to what count implies, the body repeated", func(t *testing.T) {
		rec := testutil.NewRecorder(t, threePages())
		items, errs := collect(newClient(t, rec).Traces.TasksIter(ctx, opts))
		require.Empty(t, errs)
		assert.Equal(t, []string{"t0", "t1", "t2", "t3", "t4", "t5", "t6"}, taskIDs(items))
		assert.Equal(t, []string{"page_size=3&sort=asc", "page=1&page_size=3&sort=asc", "page=2&page_size=3&sort=asc"}, rec.Queries())
		for _, r := range rec.Requests() {
			assert.Equal(t, `{"is_agentic":true}`, r.Body)
		}
	})

	t.Run("starts at opts.Page, re-rangeable, lazy", func(t *testing.T) {
		rec := testutil.NewRecorder(t, threePages())
		o := opts
		o.Page = 1
		seq := newClient(t, rec).Traces.TasksIter(ctx, o)
		assert.Zero(t, rec.Count())
		first, _ := collect(seq)
		second, errs := collect(seq)
		require.Empty(t, errs)
		assert.Equal(t, []string{"t3", "t4", "t5", "t6"}, taskIDs(first))
		assert.Equal(t, taskIDs(first), taskIDs(second))
		assert.Equal(t, 1, o.Page)
	})

	t.Run("the server default page size (10) ends a walk of 7 after one page", func(t *testing.T) {
		rec := testutil.NewRecorder(t, testutil.Always(tasksPage(7, "t0", "t1", "t2", "t3", "t4", "t5", "t6")))
		items, errs := collect(newClient(t, rec).Traces.TasksIter(ctx, traces.TasksOptions{}))
		require.Empty(t, errs)
		assert.Len(t, items, 7)
		assert.Equal(t, 1, rec.Count())
	})

	t.Run("a failed page says where to resume", func(t *testing.T) {
		rec := testutil.NewRecorder(t, testutil.ByQuery("page", map[string]testutil.Reply{
			"":  tasksPage(7, "t0", "t1", "t2"),
			"1": testutil.JSON(403, `{"detail": "no"}`),
		}))
		items, errs := collect(newClient(t, rec).Traces.TasksIter(ctx, opts))
		assert.Equal(t, []string{"t0", "t1", "t2"}, taskIDs(items))
		require.Len(t, errs, 1)
		var pe *sessionkit.PageError
		require.ErrorAs(t, errs[0], &pe)
		assert.Equal(t, 1, pe.Page)
		assert.Equal(t, 3, pe.Yielded)
	})
}
