package traces

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sessionkit/sessionkit-go/internal/engine"
)

// TasksOptions selects Arthur tasks. Zero fields are not sent: the body
// then carries no filter and Arthur lists every active task, newest first,
// 10 per page.
type TasksOptions struct {
	// TaskIDs keeps only these tasks; none may be empty. Nil or empty
	// means no ID filter.
	TaskIDs []string
	// Name keeps the tasks whose name contains it, ignoring case
	// (task_name).
	Name string
	// IsAgentic keeps agentic tasks (true) or the others (false); nil
	// keeps both kinds.
	IsAgentic *bool
	// IncludeArchived lists archived tasks beside the active ones;
	// OnlyArchived lists archived tasks only, and wins over
	// IncludeArchived.
	IncludeArchived, OnlyArchived bool
	// Sort orders by creation time; Arthur's default is Desc.
	Sort Sort
	// PageSize is the number of tasks per page, at most 5000.
	PageSize int
	// Page is the 0-based page number.
	Page int
}

// TasksPage is one page of Arthur tasks.
type TasksPage struct {
	// Count is the number of matching tasks over all pages.
	Count int `json:"count,omitzero"`
	// Tasks are the page's tasks.
	Tasks []Task `json:"tasks,omitzero"`
}

// Task is one Arthur task: what UsersOptions.TaskIDs takes. Its rules,
// metrics and agent metadata are not decoded.
type Task struct {
	// ID is the task ID.
	ID string `json:"id,omitzero"`
	// Name is the task's name.
	Name string `json:"name,omitzero"`
	// CreatedAt and UpdatedAt come from Unix milliseconds.
	CreatedAt time.Time `json:"created_at,omitzero"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	// IsAgentic, IsSystemTask, IsAutocreated and IsArchived are the task's
	// flags; a null or absent flag is false.
	IsAgentic     bool `json:"is_agentic,omitzero"`
	IsSystemTask  bool `json:"is_system_task,omitzero"`
	IsAutocreated bool `json:"is_autocreated,omitzero"`
	IsArchived    bool `json:"is_archived,omitzero"`
}

const tasksRoute = "api/v2/tasks/search"

// tasksQuery is the paging of a task search; the filters go in the body.
type tasksQuery struct {
	Sort     Sort `url:"sort,omitempty"`
	PageSize int  `url:"page_size,omitempty"`
	Page     int  `url:"page,omitempty"`
}

// tasksBody is Arthur's SearchTasksRequest with only the filters that are
// set.
type tasksBody struct {
	TaskIDs         []string `json:"task_ids,omitempty"`
	TaskName        string   `json:"task_name,omitempty"`
	IsAgentic       *bool    `json:"is_agentic,omitempty"`
	IncludeArchived bool     `json:"include_archived,omitempty"`
	OnlyArchived    bool     `json:"only_archived,omitempty"`
}

// tasksEndpoint is POST /api/v2/tasks/search: Arthur's tasks, by 0-based
// page, the filters in the body, with the count of tasks over all pages.
// It only reads, so it is retried like a GET.
var tasksEndpoint = engine.Endpoint[TasksOptions, *wireTasksPage, *TasksPage, Task]{
	API: engine.Arthur, Method: http.MethodPost, Route: "/api/v2/tasks/search", Retry: engine.RetryAsRead,
	Path:   func(_ *engine.Client, o TasksOptions) (string, error) { return tasksRoute, o.validate() },
	Cursor: func(o TasksOptions) engine.Cursor { return engine.Cursor{Page: o.Page} },
	Query: func(o TasksOptions, at engine.Cursor) any {
		return tasksQuery{Sort: o.Sort, PageSize: o.PageSize, Page: at.Page}
	},
	Body: func(o TasksOptions) any {
		return tasksBody{
			TaskIDs: o.TaskIDs, TaskName: o.Name, IsAgentic: o.IsAgentic,
			IncludeArchived: o.IncludeArchived, OnlyArchived: o.OnlyArchived,
		}
	},
	Wire: func(o TasksOptions) *wireTasksPage { return &wireTasksPage{sizeHint: o.PageSize} },
	Result: func(_ TasksOptions, w *wireTasksPage, _ *engine.Response) *TasksPage {
		if w.Tasks == nil {
			w.Tasks = []Task{}
		}
		return &w.TasksPage
	},
	Next: func(o TasksOptions, p *TasksPage) engine.Page[Task] {
		return engine.CountPage(p.Tasks, pageSizeOrDefault(o.PageSize), p.Count)
	},
}

// Tasks returns one page of Arthur tasks. It is a POST that only reads
// (the filters travel in the JSON body), so it is retried like a GET; it
// is the one non-GET call the retry policy repeats.
func (s *Service) Tasks(ctx context.Context, opts TasksOptions) (*TasksPage, error) {
	return tasksEndpoint.Get(ctx, s.engine(), opts)
}

// TasksIter walks Arthur tasks from opts.Page (0-based) through the last
// page, lazily, under the same rules as [Service.UsersIter]: a page ends
// the walk when the rows through it reach its Count, or when it is empty.
// It yields every task through the last page, in order and once each, or
// ends with exactly one *[sessionkit.PageError] after every task before
// it, never early in silence, whatever WithPrefetch says.
func (s *Service) TasksIter(ctx context.Context, opts TasksOptions) iter.Seq2[Task, error] {
	return tasksEndpoint.Items(ctx, s.engine(), opts)
}

// TasksPages walks the same pages as [Service.TasksIter], under the same
// rules and prefetch, and yields each page whole, with its Count, as
// [Service.Tasks] returns it. It ends with exactly one
// *[sessionkit.PageError] after every page before it, whose Page is the
// (0-based) page that failed and whose Yielded counts the tasks of the
// pages yielded before it.
func (s *Service) TasksPages(ctx context.Context, opts TasksOptions) iter.Seq2[*TasksPage, error] {
	return tasksEndpoint.Pages(ctx, s.engine(), opts)
}

func (o *TasksOptions) validate() error {
	for i, id := range o.TaskIDs {
		if id == "" {
			return engine.Invalidf("TasksOptions.TaskIDs[%d] is empty", i)
		}
	}
	switch o.Sort {
	case "", Asc, Desc:
	default:
		return engine.Invalidf("TasksOptions.Sort must be %q or %q, got %q", Asc, Desc, o.Sort)
	}
	if o.PageSize < 0 || o.PageSize > MaxPageSize {
		return engine.Invalidf("TasksOptions.PageSize must be between 0 and %d, got %d", MaxPageSize, o.PageSize)
	}
	if o.Page < 0 {
		return engine.Invalidf("TasksOptions.Page must not be negative, got %d", o.Page)
	}
	return nil
}

// unixMilli decodes Arthur's task times: Unix milliseconds as a JSON
// number; leniently also a date-time string (as Arthur's metrics send) or
// null.
type unixMilli time.Time

func (t *unixMilli) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] != '"' && string(b) != "null" {
		ms, err := strconv.ParseFloat(string(b), 64)
		if err != nil {
			return errors.New("time: expected Unix milliseconds, got " + strconv.Quote(string(b[:min(len(b), 32)])))
		}
		*t = unixMilli(time.UnixMilli(int64(ms)).UTC())
		return nil
	}
	return (*engine.Time)(t).UnmarshalJSON(b)
}

// nullBool decodes a bool that may be null (false).
type nullBool bool

func (v *nullBool) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	return json.Unmarshal(b, (*bool)(v))
}

// taskFields decodes one element of "tasks" straight into a Task.
type taskFields struct {
	ID            *string    `json:"id"`
	Name          *string    `json:"name"`
	CreatedAt     *unixMilli `json:"created_at"`
	UpdatedAt     *unixMilli `json:"updated_at"`
	IsAgentic     *nullBool  `json:"is_agentic"`
	IsSystemTask  *nullBool  `json:"is_system_task"`
	IsAutocreated *nullBool  `json:"is_autocreated"`
	IsArchived    *nullBool  `json:"is_archived"`
}

func (f *taskFields) bind(t *Task) {
	*f = taskFields{
		ID: &t.ID, Name: &t.Name,
		CreatedAt: (*unixMilli)(&t.CreatedAt), UpdatedAt: (*unixMilli)(&t.UpdatedAt),
		IsAgentic: (*nullBool)(&t.IsAgentic), IsSystemTask: (*nullBool)(&t.IsSystemTask),
		IsAutocreated: (*nullBool)(&t.IsAutocreated), IsArchived: (*nullBool)(&t.IsArchived),
	}
}

// wireTasksPage is Arthur's SearchTasksResponse, stream-decoded into its
// public form.
type wireTasksPage struct {
	TasksPage
	hasCount bool
	// sizeHint is the expected number of tasks (the requested page size).
	sizeHint int
}

// Reset implements engine.Resetter.
func (w *wireTasksPage) Reset() { *w = wireTasksPage{sizeHint: w.sizeHint} }

// Check rejects a body without the required count (such as a JSON null).
func (w *wireTasksPage) Check() error {
	if !w.hasCount {
		return errNoCount
	}
	return nil
}

// DecodeStream implements engine.StreamDecoder.
func (w *wireTasksPage) DecodeStream(dec *json.Decoder) error {
	_, err := engine.StreamObject(dec, func(key string) error {
		switch strings.ToLower(key) {
		case "count":
			var n *int
			if err := dec.Decode(&n); err != nil {
				return err
			}
			w.hasCount = n != nil
			if n != nil {
				w.Count = *n
			}
			return nil
		case "tasks":
			var f taskFields
			var err error
			w.Tasks, _, err = engine.StreamItems(dec, pageSizeOrDefault(w.sizeHint), MaxPageSize, func(t *Task) error {
				f.bind(t)
				return dec.Decode(&f)
			})
			return err
		}
		return engine.SkipValue(dec)
	})
	return err
}
