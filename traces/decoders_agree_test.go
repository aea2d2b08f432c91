//go:build go1.27 && goexperiment.jsonv2

package traces

// The token decoders (Go 1.27) against the encoding/json ones on bodies
// that probe encoding/json's lenient corners; see the sessions package's
// test of the same name. The fuzz targets run the same comparison on
// their corpora.

import (
	"testing"

	"github.com/sessionkit/sessionkit-go/internal/testutil"
)

// rows are members of one row, shared by the page and the single user.
var rows = []string{
	`"user_id":"u","user_id":null,"task_id":null,"task_id":"t"`,
	`"session_ids":["a","b","c"],"session_ids":[],"session_ids":[null,null]`,
	`"session_ids":["a","b"],"session_ids":[null]`,
	`"session_ids":null,"session_ids":["a"]`,
	`"session_ids":["a"],"session_ids":null`,
	`"session_ids":[1]`, `"session_ids":"a"`, `"trace_ids":[null,"x"]`,
	`"prompt_token_count":1,"prompt_token_count":null`,
	`"prompt_token_count":null,"prompt_token_count":2`,
	`"prompt_token_count":1.5`, `"prompt_token_count":"1"`, `"total_token_count":1e3`,
	`"prompt_token_cost":1e400`, `"prompt_token_cost":1e-400`, `"prompt_token_cost":-0.0`, `"total_token_cost":"0.1"`,
	`"completion_token_cost":0.000123,"completion_token_cost":null,"completion_token_cost":2`,
	`"session_count":null,"trace_count":-3,"span_count":9223372036854775807`,
	`"span_count":9223372036854775808`,
	`"earliest_start_time":"2026-10-01T09:12:44.123456","latest_end_time":"2026-10-01 09:12:44"`,
	`"earliest_start_time":null,"earliest_start_time":"2026-10-01T09:12:44Z"`,
	`"earliest_start_time":"2026-10-01T09:12:44Z","earliest_start_time":null`,
	`"earliest_start_time":false`,
	`"USER_ID":"U","Task_Id":"T","ſpan_count":3,"\u0074race_count":4`,
	`"x":{"y":[1,2,{"z":null}]},"user_id":"u"`,
}

func TestArthurDecodersAgree(t *testing.T) {
	pages := []string{
		`{"count":null,"users":[]}`, `{"count":null,"count":3,"users":[]}`, `{"count":3,"count":null,"users":[]}`,
		`{"count":1.0,"users":[]}`, `{"count":"1","users":[]}`, `{"COUNT":1,"Users":[],"DISPLAY_CURRENCY":"EUR"}`,
		`{"count":1,"users":null}`, `{"count":1,"users":[null,{}]}`, `{"count":1,"users":[1]}`,
		`{"count":1,"users":[],"display_currency":null}`, `{"count":1,"users":[],"display_currency":1}`,
		`{"count":1,"users":[]} x`, `null`, `[]`, `{}`,
	}
	for _, body := range pages {
		testutil.DecodersAgree(t, []byte(body), func() any { return &wireUsersPage{sizeHint: 2} })
	}
	for _, row := range rows {
		body := `{"count":1,"users":[{` + row + `}]}`
		testutil.DecodersAgree(t, []byte(body), func() any { return &wireUsersPage{sizeHint: 2} })
	}
}

func TestArthurUserDecodersAgree(t *testing.T) {
	for _, body := range []string{`null`, `[]`, `{}`, `"x"`, `{"user_id":"u"} x`, `{"user_id":"u"`} {
		testutil.DecodersAgree(t, []byte(body), func() any { return &wireUser{} })
	}
	for _, row := range rows {
		testutil.DecodersAgree(t, []byte(`{`+row+`}`), func() any { return &wireUser{} })
	}
}

func TestArthurTasksDecodersAgree(t *testing.T) {
	tasks := []string{
		`{"id":"t-1","name":"bot","created_at":1767225600000,"updated_at":1767225600123,"is_agentic":true,"is_system_task":false,"is_autocreated":true,"is_archived":false,"agent_metadata":null,"rules":[{"id":"r"}],"metrics":null}`,
		`{"id":null,"id":"a","name":"n","name":null}`, `{"ID":"a","Name":"n","IS_AGENTIC":true,"iſ_archived":true,"created_\u0061t":5}`,
		`{"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00"}`, `{"created_at":1e30}`, `{"created_at":1.5}`,
		`{"created_at":null,"created_at":1000}`, `{"created_at":1000,"created_at":null}`, `{"created_at":"soon"}`, `{"created_at":true}`,
		`{"updated_at":[]}`, `{"is_agentic":null,"is_agentic":true}`, `{"is_agentic":true,"is_agentic":null}`,
		`{"is_agentic":"true"}`, `{"is_archived":1}`, `{"is_system_task":{}}`, `{"id":5}`, `{"name":["x"]}`,
		`{"id":"a\u00e9\"b","x":{"y":[null,{"z":"]"}]}}`,
		`null`, `1`, `[]`, `"x"`, `{}`,
	}
	for _, task := range tasks {
		testutil.DecodersAgree(t, []byte(`{"count":1,"tasks":[`+task+`]}`), func() any { return &wireTasksPage{sizeHint: 2} })
	}
	for _, body := range []string{
		`{"count":null,"tasks":[]}`, `{"count":null,"count":3}`, `{"count":3,"count":null}`, `{"count":1.0}`, `{"count":"1"}`,
		`{"COUNT":2,"Tasks":[{"id":"a"}],"tasks":null}`, `{"count":1,"tasks":null,"tasks":[{"id":"a"}]}`, `{"count":1,"tasks":{}}`,
		`{"count":1,"tasks":[null,{}]}`, `{"count":1,"tasks":[]} x`, `{"count":1,"tasks":[{"id":"a"},]}`,
		`null`, `[]`, `{}`, ``, `{"count":1`,
	} {
		testutil.DecodersAgree(t, []byte(body), func() any { return &wireTasksPage{sizeHint: 2} })
	}
}
