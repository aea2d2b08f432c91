package traces

// Fuzz target for the Arthur task-search decoder (see fuzz_test.go):
//
//	go test -run XXX -fuzz FuzzTasks -fuzztime 2m ./traces

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit-go/internal/testutil"
)

// refTask is Arthur's TaskResponse as the contract types it: times are
// integer Unix milliseconds, flags bool or null.
type refTask struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	CreatedAt     *int64 `json:"created_at"`
	UpdatedAt     *int64 `json:"updated_at"`
	IsAgentic     *bool  `json:"is_agentic"`
	IsSystemTask  *bool  `json:"is_system_task"`
	IsAutocreated *bool  `json:"is_autocreated"`
	IsArchived    *bool  `json:"is_archived"`
}

func fzTrue(b *bool) bool { return b != nil && *b }

// fzMilli is the time of optional Unix milliseconds (zero when absent).
func fzMilli(ms *int64) time.Time {
	if ms == nil {
		return time.Time{}
	}
	return time.UnixMilli(*ms)
}

func FuzzTasks(f *testing.F) {
	for _, s := range []string{
		`{"count": 42, "tasks": [{"id": "t-1", "name": "support-bot", "created_at": 1767225600000, "updated_at": 1767225600000, "is_agentic": true, "is_system_task": false, "is_autocreated": false, "is_archived": false, "agent_metadata": null, "rules": [], "metrics": null}]}`,
		`{"count": 0, "tasks": []}`, `{"count": 1, "tasks": [{"id": "a", "is_agentic": null, "rules": [{"id": "r", "created_at": 1}], "metrics": [{"created_at": "2026-01-01T00:00:00"}]}]}`,
		`{"count": 1, "tasks": [{"created_at": "2026-01-01T00:00:00Z"}]}`, `{"count": 1, "tasks": [{"created_at": 1e30}]}`, `{"count": null}`,
		`{"detail": "task_ids include items outside the caller's org"}`, `{"detail": [{"loc": ["body"], "msg": "Field required", "type": "missing"}]}`,
		``, `null`, `{}`, `[]`, `"x"`, `{"count": 1, "tasks": [null, 1]}`, `{"count": 1, "tasks": [{"id": 5}]}`,
		`<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>`, `{"detail": "Bearer ` + testutil.FuzzKey + `"}`,
	} {
		f.Add(uint8(0), uint8(0), []byte(s))
	}
	f.Fuzz(func(t *testing.T, status, ct uint8, body []byte) {
		testutil.DecodersAgree(t, body, func() any { return &wireTasksPage{sizeHint: 3} })
		svc, code, ctype := fzService(status, ct, body)
		page, err := svc.Tasks(context.Background(), TasksOptions{Name: "bot", PageSize: 3})
		if err != nil {
			testutil.CheckTypedError(t, code, err)
		} else if page == nil {
			t.Fatal("nil page without an error")
		}
		if !testutil.ReferenceApplies(code, ctype, body) {
			return
		}
		var ref struct {
			Count *int      `json:"count"`
			Tasks []refTask `json:"tasks"`
		}
		if json.Unmarshal(body, &ref) != nil || ref.Count == nil {
			return
		}
		if err != nil {
			t.Fatalf("encoding/json accepts the body but Tasks failed: %v", err)
		}
		if page.Count != *ref.Count || len(page.Tasks) != len(ref.Tasks) {
			t.Fatalf("Tasks gave count %d, %d tasks; encoding/json %d, %d", page.Count, len(page.Tasks), *ref.Count, len(ref.Tasks))
		}
		for i, w := range ref.Tasks {
			got := page.Tasks[i]
			if got.ID != w.ID || got.Name != w.Name || !got.CreatedAt.Equal(fzMilli(w.CreatedAt)) || !got.UpdatedAt.Equal(fzMilli(w.UpdatedAt)) ||
				got.IsAgentic != fzTrue(w.IsAgentic) || got.IsSystemTask != fzTrue(w.IsSystemTask) ||
				got.IsAutocreated != fzTrue(w.IsAutocreated) || got.IsArchived != fzTrue(w.IsArchived) {
				t.Fatalf("task %d: got %+v, encoding/json %+v", i, got, w)
			}
		}
	})
}
