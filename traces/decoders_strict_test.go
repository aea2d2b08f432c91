//go:build go1.27 && goexperiment.jsonv2

package traces

// The token decoders validate what they read as encoding/json does; see
// the sessions package's test of the same name.

import (
	"testing"

	"github.com/sessionkit/sessionkit-go/internal/testutil"
)

func TestArthurDecodersAgreeOnMalformedJSON(t *testing.T) {
	var bodies []string
	for _, template := range []string{
		`{"count":1,"users":[{"user_id":%v}]}`,
		`{"count":1,"users":[{"user_id":"a","unknown":%v,"task_id":"t"}]}`,
		`{"count":1,"users":[{"session_ids":[%v]}]}`,
		`{"count":1,"users":[{"span_count":%v}]}`,
		`{"count":1,"users":[{"total_token_cost":%v}]}`,
		`{"count":1,"users":[{"earliest_start_time":%v}]}`,
		`{"count":%v,"users":[]}`,
		`{"count":1,"display_currency":%v,"users":[]}`,
		`{"count":1,"users":[%v]}`,
	} {
		bodies = append(bodies, testutil.Probe(template)...)
	}
	bodies = append(bodies,
		`{"count":1,"users":[{"user_id":"a" "task_id":"t"}]}`, `{"count":1,"users":[{"user_id":"a"}{"user_id":"b"}]}`,
		`{"count":1,"users":[{"session_ids":["a" "b"]}]}`, `{"count":1,"users":[{"session_ids":["a",]}]}`,
		`{"count":1 "users":[]}`, `{"count":1,"users":[],}`, `{"count":1,,"users":[]}`, `{"count"::1,"users":[]}`,
	)
	bodies = append(bodies, testutil.Prefixes(`{"count":2,"users":[{"user_id":"a","session_ids":["s1","s2"],"span_count":3,"total_token_cost":0.25,"earliest_start_time":"2026-01-01T00:00:00Z"},{"user_id":"b"}]}`)...)
	for _, body := range bodies {
		testutil.DecodersAgree(t, []byte(body), func() any { return &wireUsersPage{sizeHint: 2} })
	}
	for _, template := range []string{`{"user_id":%v}`, `{"session_ids":%v}`, `{"x":%v,"span_count":%v}`, `%v`} {
		for _, body := range testutil.Probe(template) {
			testutil.DecodersAgree(t, []byte(body), func() any { return &wireUser{} })
		}
	}
}

func TestArthurTasksDecodersAgreeOnMalformedJSON(t *testing.T) {
	var bodies []string
	for _, template := range []string{
		`{"count":1,"tasks":[{"id":%v}]}`,
		`{"count":1,"tasks":[{"created_at":%v}]}`,
		`{"count":1,"tasks":[{"is_agentic":%v,"extra":%v}]}`,
		`{"count":1,"tasks":%v}`,
	} {
		bodies = append(bodies, testutil.Probe(template)...)
	}
	bodies = append(bodies, testutil.Prefixes(`{"count":1,"tasks":[{"id":"t","name":"n","created_at":1700000000000,"is_agentic":true,"rules":[{"a":1}]}]}`)...)
	for _, body := range bodies {
		testutil.DecodersAgree(t, []byte(body), func() any { return &wireTasksPage{sizeHint: 2} })
	}
}
