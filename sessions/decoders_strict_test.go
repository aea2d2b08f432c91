//go:build go1.27 && goexperiment.jsonv2

package sessions

// The token decoders validate what they read as encoding/json does: a
// malformed value is refused wherever it stands (a field decoded, a
// member skipped, the envelope), and so are missing, doubled and
// trailing separators, and a body cut at any byte.

import (
	"strings"
	"testing"

	"github.com/sessionkit/sessionkit-go/internal/testutil"
)

func TestDuctapeDecodersAgreeOnMalformedJSON(t *testing.T) {
	var bodies []string
	for _, template := range []string{
		`{"status":true,"data":{"users":[{"_id":%v}]}}`,
		`{"status":true,"data":{"users":[{"_id":"a","unknown":%v,"env":"e"}]}}`,
		`{"status":true,"data":{"users":[{"first_seen":%v}]}}`,
		`{"status":true,"data":{"users":[%v]}}`,
		`{"status":true,"data":{"users":[],"total":%v}}`,
		`{"status":%v,"data":{"users":[]}}`,
		`{"status":true,"skipped":%v,"data":{"users":[]}}`,
		`{"status":true,"data":{"users":[]},"after":%v}`,
		`%v`,
	} {
		bodies = append(bodies, testutil.Probe(template)...)
	}
	bodies = append(bodies,
		`{"status":true,"data":{"users":[{"_id":"a" "env":"e"}]}}`,
		`{"status":true,"data":{"users":[{"_id":"a"}{"_id":"b"}]}}`,
		`{"status":true,"data":{"users":[{"_id":"a"}:{"_id":"b"}]}}`,
		`{"status":true,"data":{"users":[{"_id":"a"},,{"_id":"b"}]}}`,
		`{"status":true,"data":{"users":[{"_id"::"a"}]}}`,
		`{"status":true,"data":{"users":[{"_id":"a":"b"}]}}`,
		`{"status":true,"data":{"users":[{"_id","a"}]}}`,
		`{"status":true,"data":{"users":[{,"_id":"a"}]}}`,
		`{"status":true "data":{"users":[]}}`,
		`{"status":true,,"data":{"users":[]}}`,
		`{"status":true,"data":{"users" []}}`,
		`{"status":true,"data":{"users":[],}}`,
		`{"status":true,"data":{"users":[]:}}`,
		`{"status":true,"data":{"users":[{"_id":"a"}],"total":1,"page":1 "limit":20}}`,
	)
	bodies = append(bodies, testutil.Prefixes(`{"status":true,"data":{"users":[{"_id":"a","first_seen":"2026-10-01T09:12:44Z","x":[1,{"y":null}]},{"env":"e\u00e9"}],"total":2}}`)...)
	for _, body := range bodies {
		testutil.DecodersAgree(t, []byte(body), func() any { return &envelope[usersData]{Data: &usersData{sizeHint: 2}} })
	}
	for _, template := range []string{
		`{"status":true,"data":{"_id":%v}}`,
		`{"status":true,"data":{"sessions":[{"active":%v}]}}`,
		`{"status":true,"data":{"sessions":[%v]}}`,
		`{"status":true,"data":{"totalsessions":%v,"x":%v}}`,
	} {
		for _, body := range testutil.Probe(template) {
			testutil.DecodersAgree(t, []byte(body), func() any { return &envelope[userDetails]{} })
		}
	}
}

func TestZoomDecodersAgreeOnMalformedJSON(t *testing.T) {
	var bodies []string
	for _, template := range []string{
		`{"users":[{"id":%v}]}`,
		`{"users":[{"id":"a","unknown":%v,"name":"n"}]}`,
		`{"users":[{"join_time":%v}]}`,
		`{"users":[{"is_original_host":%v}]}`,
		`{"users":[{"audio_call":[{"call_number":%v}]}]}`,
		`{"users":[{"audio_call":%v}]}`,
		`{"users":[%v,{"id":"b"}]}`,
		`{"page_size":%v,"users":[]}`,
		`{"other":%v,"users":[]}`,
		`{"users":%v}`,
	} {
		bodies = append(bodies, testutil.Probe(template)...)
	}
	bodies = append(bodies,
		`{"users":[{"id":"a" "name":"b"}]}`, `{"users":[{"id":"a"}{"id":"b"}]}`, `{"users":[{"id":"a"}:{"id":"b"}]}`,
		`{"users":[{"id":"a"},,{"id":"b"}]}`, `{"users":[{"id"::"a"}]}`, `{"users":[{"id":"a":"b"}]}`,
		`{"users":[{"id","a"}]}`, `{"users" []}`, `{"users":[],}`, `{"users":[] "page_size":1}`, `{"users":[],,"page_size":1}`,
		`{"users":[{"audio_call":[{"call_number":"1"} {"call_number":"2"}]}]}`,
		`{"users":[{"audio_call":[{"call_number":"1"},]}]}`,
	)
	bodies = append(bodies, testutil.Prefixes(`{"page_size":2,"next_page_token":"t","users":[{"id":"a","name":"n\"q","join_time":"2021-12-07T05:42:28Z","is_original_host":true,"audio_call":[{"call_number":"1"}],"x":{"y":[1.5e3,null]}},{"id":"b"}]}`)...)
	for _, body := range bodies {
		testutil.DecodersAgree(t, []byte(body), func() any { return &wireListUsers{sizeHint: 2} })
	}
}

func TestZoomSessionsDecodersAgreeOnMalformedJSON(t *testing.T) {
	var bodies []string
	for _, template := range []string{
		`{"sessions":[{"id":%v}]}`,
		`{"sessions":[{"duration":%v}]}`,
		`{"sessions":[{"user_count":%v}]}`,
		`{"sessions":[{"has_session_summary":%v}]}`,
		`{"sessions":[{"start_time":%v,"unknown":%v}]}`,
		`{"from":%v,"sessions":[]}`,
	} {
		bodies = append(bodies, testutil.Probe(template)...)
	}
	bodies = append(bodies, testutil.Prefixes(`{"from":"2024-02-01","page_size":30,"sessions":[{"id":"K==","duration":"04:38","user_count":2,"has_voip":true,"has_session_summary":null,"end_time":1706886225}]}`)...)
	for _, body := range bodies {
		testutil.DecodersAgree(t, []byte(body), func() any { return &wireListSessions{sizeHint: 2} })
	}
}

// TestDecodersAgreeOnNestingDepth: encoding/json refuses objects and
// arrays nested more than 10000 deep, counted (on Go 1.27) from the top
// of the body, through the items and the members it skips.
func TestDecodersAgreeOnNestingDepth(t *testing.T) {
	nest := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	for _, n := range []int{9996, 9997, 9998, 9999, 10000} {
		for _, body := range []string{
			`{"users":[{"x":` + nest(n) + `}]}`,
			`{"x":` + nest(n) + `,"users":[]}`,
			`{"users":[{"audio_call":[{"x":` + nest(n) + `}]}]}`,
		} {
			testutil.DecodersAgree(t, []byte(body), func() any { return &wireListUsers{sizeHint: 2} })
		}
	}
}
