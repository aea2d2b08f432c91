package sessionkittest

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// arthurDetail is Arthur's string-form error body.
type arthurDetail struct {
	Detail string `json:"detail"`
}

// arthurInvalid answers a request validation failure as the real server does: 400 with the
// failures in one string detail ("<msg>: query.<field>", joined with "; "), not FastAPI's 422 list.
func arthurInvalid(w http.ResponseWriter, failures []string) {
	writeJSON(w, http.StatusBadRequest, arthurDetail{Detail: strings.Join(failures, "; ")})
}

type arthurList struct {
	Count           int          `json:"count"`
	Users           []ArthurUser `json:"users"`
	DisplayCurrency string       `json:"display_currency"`
}

func (s *Server) arthurAPI() apiDef {
	return apiDef{
		name:       "arthur",
		prefix:     []string{"api"},
		authorized: s.bearerKey,
		unauthorized: func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, http.StatusUnauthorized, arthurDetail{Detail: "Unauthorized"})
		},
		routes: []route{
			{pattern: []string{"v1", "traces", "users"}, handle: s.arthurUsers},
			{pattern: []string{"v1", "traces", "users", "*"}, handle: s.arthurUser},
			{pattern: []string{"v2", "tasks", "search"}, handle: s.arthurSearchTasks, method: http.MethodPost},
		},
	}
}

// arthurTasks returns the set of task_ids, or answers 400 when there is none.
func arthurTasks(w http.ResponseWriter, q url.Values) (map[string]bool, bool) {
	if len(q["task_ids"]) == 0 {
		arthurInvalid(w, []string{"Field required: query.task_ids"})
		return nil, false
	}
	set := map[string]bool{}
	for _, t := range q["task_ids"] {
		set[t] = true
	}
	return set, true
}

// parseISO parses an ISO 8601 date-time as Arthur's server (pydantic) does: with an offset, with or
// without its colon (+0100, as the vendor's generated Python client sends it), or zone-less (UTC),
// with or without a fraction, or a bare date.
func parseISO(v string) (time.Time, error) {
	var err error
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999-0700", "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		var t time.Time
		if t, err = time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}

func (s *Server) arthurUsers(w http.ResponseWriter, r *http.Request, _ []string) {
	q := r.URL.Query()
	tasks, ok := arthurTasks(w, q)
	if !ok {
		return
	}
	var errs []string
	bad := func(field, msg string) { errs = append(errs, msg+": query."+field) }
	bounds := [2]time.Time{}
	for i, field := range []string{"start_time", "end_time"} {
		if v := q.Get(field); v != "" {
			t, err := parseISO(v)
			if err != nil {
				bad(field, "Input should be a valid datetime")
			}
			bounds[i] = t
		}
	}
	sortOrder := q.Get("sort")
	switch sortOrder {
	case "":
		sortOrder = "desc"
	case "asc", "desc":
	default:
		bad("sort", "Input should be 'asc' or 'desc'")
	}
	pageSize, err := intParam(q, "page_size", 10)
	if err != nil {
		bad("page_size", "Input should be a valid integer, unable to parse string as an integer")
	}
	page, err := intParam(q, "page", 0)
	if err != nil {
		bad("page", "Input should be a valid integer, unable to parse string as an integer")
	}
	if len(errs) > 0 {
		arthurInvalid(w, errs)
		return
	}
	if pageSize <= 0 || pageSize > 5000 {
		writeJSON(w, http.StatusBadRequest, arthurDetail{Detail: "Invalid page size, must be greater than 0 and less than 5000"})
		return
	}
	if page < 0 {
		writeJSON(w, http.StatusBadRequest, arthurDetail{Detail: "Invalid page, must be greater than or equal to 0"})
		return
	}

	type row struct {
		start time.Time
		u     ArthurUser
	}
	var rows []row
	for _, u := range s.data.ArthurUsers {
		start, _ := parseISO(u.EarliestStartTime)
		if tasks[u.TaskID] && (bounds[0].IsZero() || !start.Before(bounds[0])) && (bounds[1].IsZero() || start.Before(bounds[1])) {
			rows = append(rows, row{start, u})
		}
	}
	slices.SortStableFunc(rows, func(a, b row) int {
		if sortOrder == "desc" {
			return b.start.Compare(a.start)
		}
		return a.start.Compare(b.start)
	})
	out := arthurList{Count: len(rows), Users: []ArthurUser{}, DisplayCurrency: "USD"}
	for _, rw := range window(rows, page, pageSize) {
		out.Users = append(out.Users, rw.u)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) arthurUser(w http.ResponseWriter, r *http.Request, args []string) {
	tasks, ok := arthurTasks(w, r.URL.Query())
	if !ok {
		return
	}
	id := unescape(args[0])
	for _, u := range s.data.ArthurUsers {
		if u.UserID == id && tasks[u.TaskID] {
			writeJSON(w, http.StatusOK, u)
			return
		}
	}
	writeJSON(w, http.StatusNotFound, arthurDetail{Detail: fmt.Sprintf("User %s not found or has no data", id)})
}
