package traces

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"net/http"
	"strings"
	"time"

	"github.com/sessionkit/sessionkit-go/internal/engine"
)

// Sort orders users by their earliest start time.
type Sort string

// The sort orders Arthur knows. The zero value is not sent (Arthur then
// sorts descending).
const (
	// Asc sorts oldest first.
	Asc Sort = "asc"
	// Desc sorts newest first.
	Desc Sort = "desc"
)

// MaxPageSize is the largest page size Arthur accepts.
const MaxPageSize = 5000

// DefaultPageSize is the page size Arthur uses when none is sent.
const DefaultPageSize = 10

// UsersOptions selects trace users. TaskIDs is required; zero fields are
// not sent.
type UsersOptions struct {
	// TaskIDs are the tasks to list; at least one, none empty. Sent as
	// repeated task_ids keys.
	TaskIDs []string
	// StartTime (inclusive) and EndTime (exclusive) bound the users'
	// earliest start time. They are sent as RFC 3339 with their own offset
	// and fractional seconds; the zero time is not sent.
	StartTime, EndTime time.Time
	// Sort orders by earliest start time.
	Sort Sort
	// PageSize is the number of users per page, at most 5000.
	PageSize int
	// Page is the 0-based page number.
	Page int
}

// UsersPage is one page of trace users. It marshals with encoding/json
// to Arthur's field names (an empty DisplayCurrency is left out).
type UsersPage struct {
	// Count is the number of rows over all pages.
	Count int `json:"count"`
	// Users are the page's rows, one per user and task.
	Users []UserMetadata `json:"users"`
	// DisplayCurrency is the currency of the cost fields.
	DisplayCurrency string `json:"display_currency,omitzero"`
}

// UserMetadata aggregates one user's sessions and traces within one task.
// Token counts and costs are nil when Arthur does not know them, so
// "unknown" and zero differ. It marshals with encoding/json to Arthur's
// field names, leaving out empty strings, zero times, missing lists and
// unknown (nil) counts and costs, so a known zero stays a zero; times
// are RFC 3339.
type UserMetadata struct {
	UserID               string    `json:"user_id,omitzero"`
	TaskID               string    `json:"task_id,omitzero"`
	SessionIDs           []string  `json:"session_ids,omitzero"`
	TraceIDs             []string  `json:"trace_ids,omitzero"`
	SessionCount         int       `json:"session_count"`
	TraceCount           int       `json:"trace_count"`
	SpanCount            int       `json:"span_count"`
	EarliestStartTime    time.Time `json:"earliest_start_time,omitzero"`
	LatestEndTime        time.Time `json:"latest_end_time,omitzero"`
	PromptTokenCount     *int      `json:"prompt_token_count,omitzero"`
	CompletionTokenCount *int      `json:"completion_token_count,omitzero"`
	TotalTokenCount      *int      `json:"total_token_count,omitzero"`
	PromptTokenCost      *float64  `json:"prompt_token_cost,omitzero"`
	CompletionTokenCost  *float64  `json:"completion_token_cost,omitzero"`
	TotalTokenCost       *float64  `json:"total_token_cost,omitzero"`
}

// UserOptions selects the tasks for one user's details. TaskIDs is
// required.
type UserOptions struct {
	// TaskIDs are the tasks to look in; at least one, none empty.
	TaskIDs []string
}

type usersQuery struct {
	TaskIDs   []string         `url:"task_ids"`
	StartTime engine.QueryTime `url:"start_time,omitempty"`
	EndTime   engine.QueryTime `url:"end_time,omitempty"`
	Sort      Sort             `url:"sort,omitempty"`
	PageSize  int              `url:"page_size,omitempty"`
	Page      int              `url:"page,omitempty"`
}

type userQuery struct {
	TaskIDs []string `url:"task_ids"`
}

const usersRoute = "api/v1/traces/users"

// usersEndpoint is GET /api/v1/traces/users: the users of some tasks, by
// 0-based page, with the count of rows over all pages.
var usersEndpoint = engine.Endpoint[UsersOptions, *wireUsersPage, *UsersPage, UserMetadata]{
	API: engine.Arthur, Method: http.MethodGet, Route: "/api/v1/traces/users",
	Path:   func(_ *engine.Client, o UsersOptions) (string, error) { return usersRoute, o.validate() },
	Cursor: func(o UsersOptions) engine.Cursor { return engine.Cursor{Page: o.Page} },
	Query: func(o UsersOptions, at engine.Cursor) any {
		return usersQuery{
			TaskIDs: o.TaskIDs, StartTime: engine.QueryTime(o.StartTime), EndTime: engine.QueryTime(o.EndTime),
			Sort: o.Sort, PageSize: o.PageSize, Page: at.Page,
		}
	},
	Wire: func(o UsersOptions) *wireUsersPage { return &wireUsersPage{sizeHint: o.PageSize} },
	Result: func(_ UsersOptions, w *wireUsersPage, _ *engine.Response) *UsersPage {
		if w.Users == nil {
			w.Users = []UserMetadata{}
		}
		return &w.UsersPage
	},
	Next: func(o UsersOptions, p *UsersPage) engine.Page[UserMetadata] {
		return engine.CountPage(p.Users, pageSizeOrDefault(o.PageSize), p.Count)
	},
}

// Users returns one page of trace users.
func (s *Service) Users(ctx context.Context, opts UsersOptions) (*UsersPage, error) {
	return usersEndpoint.Get(ctx, s.engine(), opts)
}

// UsersIter walks trace users from opts.Page (0-based) to the last page,
// lazily: page p with n rows is the last when p*size + n reaches the
// page's Count, or when it is empty; a server that serves fewer rows per
// page than asked is followed to the end. It yields every row through the
// last page, in order and once each, or ends with exactly one
// *[sessionkit.PageError] after every row before it, never early in
// silence, whatever WithPrefetch says (see the package documentation).
func (s *Service) UsersIter(ctx context.Context, opts UsersOptions) iter.Seq2[UserMetadata, error] {
	return usersEndpoint.Items(ctx, s.engine(), opts)
}

// UsersPages walks the same pages as [Service.UsersIter], under the same
// rules and prefetch, and yields each page whole, with its Count, as
// [Service.Users] returns it. It ends with exactly one
// *[sessionkit.PageError] after every page before it, whose Page is the
// (0-based) page that failed and whose Yielded counts the rows of the
// pages yielded before it.
func (s *Service) UsersPages(ctx context.Context, opts UsersOptions) iter.Seq2[*UsersPage, error] {
	return usersEndpoint.Pages(ctx, s.engine(), opts)
}

// pageSizeOrDefault is the page size Arthur uses for a requested one.
func pageSizeOrDefault(size int) int {
	if size == 0 {
		return DefaultPageSize
	}
	return size
}

// userArgs are the arguments of a User call.
type userArgs struct {
	userID string
	opts   UserOptions
}

// userEndpoint is GET /api/v1/traces/users/{user_id}: one user's
// metadata.
var userEndpoint = engine.Endpoint[userArgs, *wireUser, *UserMetadata, struct{}]{
	API: engine.Arthur, Method: http.MethodGet, Route: "/api/v1/traces/users/{user_id}",
	Path: func(_ *engine.Client, a userArgs) (string, error) {
		seg, err := engine.Segment("userID", a.userID)
		if err != nil {
			return "", err
		}
		return usersRoute + "/" + seg, checkTaskIDs("UserOptions", a.opts.TaskIDs)
	},
	Query: func(a userArgs, _ engine.Cursor) any { return userQuery(a.opts) },
	Wire:  func(userArgs) *wireUser { return new(wireUser) },
	Result: func(_ userArgs, w *wireUser, _ *engine.Response) *UserMetadata {
		u := w.metadata()
		return &u
	},
}

// User returns one user's metadata.
func (s *Service) User(ctx context.Context, userID string, opts UserOptions) (*UserMetadata, error) {
	return userEndpoint.Get(ctx, s.engine(), userArgs{userID, opts})
}

func (o *UsersOptions) validate() error {
	if err := checkTaskIDs("UsersOptions", o.TaskIDs); err != nil {
		return err
	}
	switch o.Sort {
	case "", Asc, Desc:
	default:
		return engine.Invalidf("UsersOptions.Sort must be %q or %q, got %q", Asc, Desc, o.Sort)
	}
	if o.PageSize < 0 || o.PageSize > MaxPageSize {
		return engine.Invalidf("UsersOptions.PageSize must be between 0 and %d, got %d", MaxPageSize, o.PageSize)
	}
	if o.Page < 0 {
		return engine.Invalidf("UsersOptions.Page must not be negative, got %d", o.Page)
	}
	return nil
}

func checkTaskIDs(typeName string, ids []string) error {
	if len(ids) == 0 {
		return engine.Invalidf("%s.TaskIDs is required: give at least one task ID", typeName)
	}
	for i, id := range ids {
		if id == "" {
			return engine.Invalidf("%s.TaskIDs[%d] is empty", typeName, i)
		}
	}
	return nil
}

type wireUser struct {
	UserID               string      `json:"user_id"`
	TaskID               string      `json:"task_id"`
	SessionIDs           []string    `json:"session_ids"`
	SessionCount         int         `json:"session_count"`
	TraceIDs             []string    `json:"trace_ids"`
	TraceCount           int         `json:"trace_count"`
	SpanCount            int         `json:"span_count"`
	EarliestStartTime    engine.Time `json:"earliest_start_time"`
	LatestEndTime        engine.Time `json:"latest_end_time"`
	PromptTokenCount     *int        `json:"prompt_token_count"`
	CompletionTokenCount *int        `json:"completion_token_count"`
	TotalTokenCount      *int        `json:"total_token_count"`
	PromptTokenCost      *float64    `json:"prompt_token_cost"`
	CompletionTokenCost  *float64    `json:"completion_token_cost"`
	TotalTokenCost       *float64    `json:"total_token_cost"`
}

var errNoUser = errors.New(`body has no "user_id"`)

// Check rejects a body that is not a user object (such as a JSON null).
func (w *wireUser) Check() error {
	if w.UserID == "" {
		return errNoUser
	}
	return nil
}

func (w *wireUser) metadata() UserMetadata {
	return UserMetadata{
		UserID: w.UserID, TaskID: w.TaskID, SessionIDs: w.SessionIDs, TraceIDs: w.TraceIDs,
		SessionCount: w.SessionCount, TraceCount: w.TraceCount, SpanCount: w.SpanCount,
		EarliestStartTime: w.EarliestStartTime.Std(), LatestEndTime: w.LatestEndTime.Std(),
		PromptTokenCount: w.PromptTokenCount, CompletionTokenCount: w.CompletionTokenCount,
		TotalTokenCount: w.TotalTokenCount, PromptTokenCost: w.PromptTokenCost,
		CompletionTokenCost: w.CompletionTokenCost, TotalTokenCost: w.TotalTokenCost,
	}
}

// userMetadataFields decodes one element of "users" straight into a
// UserMetadata: each field points at its destination (rebound per
// element).
type userMetadataFields struct {
	UserID               *string      `json:"user_id"`
	TaskID               *string      `json:"task_id"`
	SessionIDs           *[]string    `json:"session_ids"`
	SessionCount         *int         `json:"session_count"`
	TraceIDs             *[]string    `json:"trace_ids"`
	TraceCount           *int         `json:"trace_count"`
	SpanCount            *int         `json:"span_count"`
	EarliestStartTime    *engine.Time `json:"earliest_start_time"`
	LatestEndTime        *engine.Time `json:"latest_end_time"`
	PromptTokenCount     **int        `json:"prompt_token_count"`
	CompletionTokenCount **int        `json:"completion_token_count"`
	TotalTokenCount      **int        `json:"total_token_count"`
	PromptTokenCost      **float64    `json:"prompt_token_cost"`
	CompletionTokenCost  **float64    `json:"completion_token_cost"`
	TotalTokenCost       **float64    `json:"total_token_cost"`
}

func (f *userMetadataFields) bind(u *UserMetadata) {
	*f = userMetadataFields{
		UserID: &u.UserID, TaskID: &u.TaskID, SessionIDs: &u.SessionIDs, SessionCount: &u.SessionCount,
		TraceIDs: &u.TraceIDs, TraceCount: &u.TraceCount, SpanCount: &u.SpanCount,
		EarliestStartTime: (*engine.Time)(&u.EarliestStartTime), LatestEndTime: (*engine.Time)(&u.LatestEndTime),
		PromptTokenCount: &u.PromptTokenCount, CompletionTokenCount: &u.CompletionTokenCount,
		TotalTokenCount: &u.TotalTokenCount, PromptTokenCost: &u.PromptTokenCost,
		CompletionTokenCost: &u.CompletionTokenCost, TotalTokenCost: &u.TotalTokenCost,
	}
}

// wireUsersPage is a page of trace users, stream-decoded into its public
// form.
type wireUsersPage struct {
	UsersPage
	hasCount bool
	// sizeHint is the expected number of users (the requested page size).
	sizeHint int
}

// Reset implements engine.Resetter.
func (w *wireUsersPage) Reset() { *w = wireUsersPage{sizeHint: w.sizeHint} }

var errNoCount = errors.New(`body has no "count"`)

// Check rejects a body without the required count (such as a JSON null).
func (w *wireUsersPage) Check() error {
	if !w.hasCount {
		return errNoCount
	}
	return nil
}

// DecodeStream implements engine.StreamDecoder.
func (w *wireUsersPage) DecodeStream(dec *json.Decoder) error {
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
		case "users":
			return w.decodeUsers(dec)
		case "display_currency":
			return dec.Decode(&w.DisplayCurrency)
		}
		return engine.SkipValue(dec)
	})
	return err
}

func (w *wireUsersPage) decodeUsers(dec *json.Decoder) error {
	var f userMetadataFields
	var err error
	w.Users, _, err = engine.StreamItems(dec, pageSizeOrDefault(w.sizeHint), MaxPageSize, func(u *UserMetadata) error {
		f.bind(u)
		return dec.Decode(&f)
	})
	return err
}
