package sessionkittest

import (
	"cmp"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// ArthurTask is one Arthur task as POST /api/v2/tasks/search lists it (TaskResponse), with the wire
// contract's JSON keys. Times are Unix milliseconds; Rules is always an empty array, AgentMetadata
// and Metrics null.
type ArthurTask struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	CreatedAt     int64  `json:"created_at"`
	UpdatedAt     int64  `json:"updated_at"`
	IsAgentic     *bool  `json:"is_agentic"`
	IsSystemTask  bool   `json:"is_system_task"`
	IsAutocreated bool   `json:"is_autocreated"`
	IsArchived    bool   `json:"is_archived"`
	AgentMetadata any    `json:"agent_metadata"`
	Rules         []any  `json:"rules"`
	Metrics       any    `json:"metrics"`
}

// genArthurTasks describes the tasks of ArthurTaskIDs and adds one archived task without users.
func genArthurTasks(d *Dataset, g *gen) {
	names := []string{"support-bot", "sales-agent"}
	ids := append(slices.Clone(d.ArthurTaskIDs), g.uuid())
	for i, id := range ids {
		created := baseTime.Add(-g.dur(40*24*time.Hour, 200*24*time.Hour)).UnixMilli()
		t := ArthurTask{ID: id, CreatedAt: created, UpdatedAt: created + g.r.Int64N(30*24*3600*1000), Rules: []any{}}
		switch {
		case i < len(names):
			t.Name = names[i]
			t.IsAgentic = ptr(i == 1)
		default:
			t.Name, t.IsArchived = "legacy-summarizer", true
		}
		d.ArthurTasks = append(d.ArthurTasks, t)
	}
}

// arthurSearch is Arthur's SearchTasksRequest.
type arthurSearch struct {
	TaskIDs         []string `json:"task_ids"`
	TaskName        *string  `json:"task_name"`
	IsAgentic       *bool    `json:"is_agentic"`
	IncludeArchived *bool    `json:"include_archived"`
	OnlyArchived    *bool    `json:"only_archived"`
}

type arthurTasksPage struct {
	Count int          `json:"count"`
	Tasks []ArthurTask `json:"tasks"`
}

// arthurSearchTasks serves POST /api/v2/tasks/search: paging in the query, filters in the JSON
// body, active tasks only unless the body asks for archived ones.
func (s *Server) arthurSearchTasks(w http.ResponseWriter, r *http.Request, _ []string) {
	q := r.URL.Query()
	sortOrder := q.Get("sort")
	if sortOrder == "" {
		sortOrder = "desc"
	}
	pageSize, errSize := intParam(q, "page_size", 10)
	page, errPage := intParam(q, "page", 0)
	var body arthurSearch
	errBody := decodeSearch(r.Body, &body)
	switch {
	case sortOrder != "asc" && sortOrder != "desc":
		writeJSON(w, http.StatusBadRequest, arthurDetail{Detail: "1 validation error for sort: Input should be 'asc' or 'desc'"})
		return
	case errSize != nil || errPage != nil:
		writeJSON(w, http.StatusBadRequest, arthurDetail{Detail: "1 validation error: Input should be a valid integer, unable to parse string as an integer"})
		return
	case errBody != nil:
		writeJSON(w, http.StatusBadRequest, arthurDetail{Detail: errBody.Error()})
		return
	case pageSize <= 0 || pageSize > 5000:
		writeJSON(w, http.StatusBadRequest, arthurDetail{Detail: "Invalid page size, must be greater than 0 and less than 5000"})
		return
	}
	var tasks []ArthurTask
	for _, t := range s.data.ArthurTasks {
		if body.keeps(&t) {
			tasks = append(tasks, t)
		}
	}
	slices.SortStableFunc(tasks, func(a, b ArthurTask) int {
		if sortOrder == "desc" {
			return cmp.Compare(b.CreatedAt, a.CreatedAt)
		}
		return cmp.Compare(a.CreatedAt, b.CreatedAt)
	})
	out := arthurTasksPage{Count: len(tasks), Tasks: []ArthurTask{}}
	if page >= 0 {
		out.Tasks = append(out.Tasks, window(tasks, page, pageSize)...)
	}
	writeJSON(w, http.StatusOK, out)
}

// decodeSearch reads the required JSON object body.
func decodeSearch(r io.Reader, into *arthurSearch) error {
	b, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil || len(strings.TrimSpace(string(b))) == 0 {
		return errors.New("1 validation error for SearchTasksRequest: Field required")
	}
	if err := json.Unmarshal(b, into); err != nil {
		return errors.New("1 validation error for SearchTasksRequest: " + err.Error())
	}
	return nil
}

// keeps reports whether t matches the search's filters.
func (b *arthurSearch) keeps(t *ArthurTask) bool {
	switch {
	case b.OnlyArchived != nil && *b.OnlyArchived:
		if !t.IsArchived {
			return false
		}
	case b.IncludeArchived == nil || !*b.IncludeArchived:
		if t.IsArchived {
			return false
		}
	}
	if len(b.TaskIDs) > 0 && !slices.Contains(b.TaskIDs, t.ID) {
		return false
	}
	if b.TaskName != nil && !strings.Contains(strings.ToLower(t.Name), strings.ToLower(*b.TaskName)) {
		return false
	}
	agentic := t.IsAgentic != nil && *t.IsAgentic
	return b.IsAgentic == nil || *b.IsAgentic == agentic
}
