//go:build go1.27 && goexperiment.jsonv2

package sessions

// The token decoders (Go 1.27) against the encoding/json ones on bodies
// that probe encoding/json's lenient corners: names matched
// case-insensitively (Unicode folding included) or through escapes,
// duplicate members (a null first unbinds a pointer field; arrays decode
// into the elements already there), invalid UTF-8 and lone surrogates,
// numbers of the wrong form, values of the wrong kind and trailing data.
// The fuzz targets run the same comparison on their corpora.

import (
	"strings"
	"testing"

	"github.com/sessionkit/sessionkit-go/internal/testutil"
)

func TestDuctapeDecodersAgree(t *testing.T) {
	pages := []string{
		`{"status":true,"data":{"users":[{"_id":"a","_id":null,"_id":"b"}]}}`,
		`{"status":true,"data":{"users":[{"_id":null,"_id":"b","first_seen":null,"first_seen":"2026-10-01T09:12:44Z"}]}}`,
		`{"status":true,"data":{"users":[{"_ID":"a","Identifier":"x","IDENTIFIER":"y","createdat":1700000000,"UPDATEDAT":"2026-10-01 09:12:44"}]}}`,
		`{"status":true,"data":{"users":[{"\u005fid":"a","ſession_tag":"s","product_taK":"p","ſeſsion_tag":"t"}]}}`,
		`{"status":true,"data":{"users":[{"identifier":"a\xffb\xe2\x82","env":"\ud800x\udc00","_id":"caf\u00e9 \"q\" \/"}]}}`,
		`{"status":true,"data":{"users":[null,{"_id":"x"}]}}`,
		`{"status":true,"data":{"users":[1]}}`,
		`{"status":true,"data":{"users":[{"_id":1}]}}`,
		`{"status":true,"data":{"users":[{"first_seen":true}]}}`,
		`{"status":true,"data":{"users":[{"first_seen":{"a":1}}]}}`,
		`{"status":true,"data":{"users":[{"first_seen":"2026-10-01T09:12:44.5+02:00","last_seen":1.5e9}]}}`,
		`{"status":true,"data":{"users":[],"total":1.0}}`,
		`{"status":true,"data":{"users":[],"total":1e2}}`,
		`{"status":true,"data":{"users":[],"total":-0,"page":99999999999999999999}}`,
		`{"status":true,"data":{"users":[],"total":"3"}}`,
		`{"status":true,"data":{"users":[],"total":null,"page":null}}`,
		`{"status":true,"data":{"users":[{"_id":"a"}],"users":null}}`,
		`{"status":true,"data":{"users":[{"_id":"a"}]},"data":null}`,
		`{"status":true,"data":null,"data":{"users":[{"_id":"a"}]}}`,
		`{"data":{"total":5,"page":2},"data":{"users":[]}}`,
		`{"status":null,"success":true,"data":{"users":[]}}`,
		`{"status":"true","data":{"users":[]}}`,
		`{"Status":false,"data":{"users":[]}}`,
		`{"ſtatus":false,"data":{"users":[]}}`,
		`{"\u0053TATUS":true,"DATA":{"USERS":[],"TOTALPAGES":4}}`,
		`{"status":true,"data":{"users":[]}} trailing`,
		`{"status":true,"data":{"users":[]}}}`,
		`{"status":true,"data":{"users":[]},}`,
		`{"status":true,"data":[]}`,
		`{"status":true,"data":5}`,
		`{"status":true,"data":{"users":{}}}`,
		`{"status":true,"data":{"users":[[]]}}`,
		` 	{ "status" : true , "data" : { "users" : [ { "_id" : "a" } ] } } `,
		`{"status":true,"data":{"users":[{"x":[1,{"y":[null,true,"z"]}],"_id":"a","__v":0}]}}`,
	}
	for _, body := range pages {
		testutil.DecodersAgree(t, rawBytes(body), func() any { return &envelope[usersData]{Data: &usersData{sizeHint: 2}} })
	}
	details := []string{
		`{"status":true,"data":{"_id":"a","sessions":[{"session_id":"s","active":true,"start_at":"2026-11-20T16:00:00Z"}],"sessions":[{"session_id":"t"}]}}`,
		`{"status":true,"data":{"sessions":[{"session_id":"s"},{"session_id":"u"}],"sessions":[],"sessions":[null]}}`,
		`{"status":true,"data":{"sessions":[{"session_id":"s"},{"session_id":"u"}],"sessions":[null]}}`,
		`{"status":true,"data":{"sessions":null}}`,
		`{"status":true,"data":{"sessions":[null,1]}}`,
		`{"status":true,"data":{"sessions":[{"active":"yes"}]}}`,
		`{"status":true,"data":{"sessions":[{"active":null,"ACTIVE":true}]}}`,
		`{"status":true,"data":{"first_seen":"2026-10-01T09:12:44Z","first_seen":null,"_id":null,"TotalSessions":3,"activeſessionscount":1}}`,
		`{"status":true,"data":{"identifier":"x"},"data":{"env":"y"}}`,
		`{"status":true,"data":null}`,
		`{"status":true,"data":[]}`,
		`{"status":true,"data":"x"}`,
		`{"status":true,"data":{"totalSessions":1.5}}`,
	}
	for _, body := range details {
		testutil.DecodersAgree(t, rawBytes(body), func() any { return &envelope[userDetails]{} })
	}
}

func TestZoomDecodersAgree(t *testing.T) {
	bodies := []string{
		`{"users":[{"id":null,"id":"x"}]}`,
		`{"users":[{"id":"x","id":null}]}`,
		`{"users":[{"ID":"x","Name":"n","oſ":"mac","user_\u212aey":"k","İd":"no"}]}`,
		`{"USERS":[],"Page_Size":1,"next_page_to\u212aen":"t","ne\u0078t_page_token":"u"}`,
		`{"uſers":[{"id":"a"}],"page_size":1}`,
		`{"users":[{"name":"a\xffb","device":"\ud800x","location":"S\u00e3o \u0050aulo"}]}`,
		`{"users":[{"audio_call":[{"call_number":"1","call_type":"a"}],"audio_call":[{"zoom_number":"z"}]}]}`,
		`{"users":[{"audio_call":[{"call_number":"1"},{"call_number":"2"}],"audio_call":[],"audio_call":[null,null]}]}`,
		`{"users":[{"audio_call":[{"call_number":"1"},{"call_number":"2"}],"audio_call":[null]}]}`,
		`{"users":[{"audio_call":null,"audio_call":[{"call_number":"1"}]}]}`,
		`{"users":[{"audio_call":[{"call_number":"1"}],"audio_call":null}]}`,
		`{"users":[{"audio_call":[null,{"CALL_TYPE":"x"}]},{"audio_call":[]},{"audio_call":[{"zoom_number":"z"}]}]}`,
		`{"users":[{"audio_call":[1]}]}`,
		`{"users":[{"audio_call":{}}]}`,
		`{"users":[{"audio_call":[{"call_number":5}]}]}`,
		`{"users":[{"is_original_host":null,"is_original_host":true}]}`,
		`{"users":[{"is_original_host":true,"is_original_host":null}]}`,
		`{"users":[{"is_original_host":"true"}]}`,
		`{"users":[{"is_original_host":1}]}`,
		`{"users":[{"join_time":"2021-12-07T05:42:28","leave_time":1638855748}]}`,
		`{"users":[{"join_time":"","leave_time":null}]}`,
		`{"users":[{"join_time":null,"join_time":"2021-12-07T05:42:28Z"}]}`,
		`{"users":[{"join_time":"yesterday"}]}`,
		`{"users":[{"join_time":1e400}]}`,
		`{"users":[null,{},[]]}`,
		`{"users":[{"id":"a"}],"users":[{"id":"b"}]}`,
		`{"page_size":1.0,"users":[]}`,
		`{"page_size":"30","users":[]}`,
		`{"page_size":-1,"users":[]}`,
		`{"page_size":true,"users":[]}`,
		`{"next_page_token":null,"users":[]}`,
		`{"next_page_token":7,"users":[]}`,
		`{"users":"x"}`,
		`{"users":[]} {"users":[1]}`,
		`{"users":[]]`,
		`{"users":[],"users":null}`,
		`null`, `[]`, `"x"`, `{}`, ``, ` `, `{`, `{"users":[{"id":"a",}]}`, `{"users":[{"id":"a"},]}`,
		`{"a":{"b":{"c":[[[[[[[[[[]]]]]]]]]]}},"users":[]}`,
		"{\"users\":[{\"id\":\"tab\there\"}]}",
		"\xef\xbb\xbf{\"users\":[]}",
	}
	for _, body := range bodies {
		testutil.DecodersAgree(t, rawBytes(body), func() any { return &wireListUsers{sizeHint: 2} })
	}
}

func TestZoomSessionsDecodersAgree(t *testing.T) {
	bodies := []string{
		`{"from":"2024-02-01","to":"2024-03-01","page_size":30,"next_page_token":"","sessions":[{"id":"K==","session_name":"n","start_time":"2024-02-02T14:59:07Z","end_time":"2024-02-02T15:03:45Z","duration":"04:38","user_count":2,"has_voip":true,"has_video":false,"has_screen_share":true,"has_recording":false,"has_pstn":true,"session_key":"k","has_session_summary":true}]}`,
		`{"sessions":[{"duration":"01:02:03"},{"duration":75},{"duration":null,"end_time":""},{"duration":""}]}`,
		`{"sessions":[{"duration":"99:99"}]}`,
		`{"sessions":[{"duration":true}]}`,
		`{"sessions":[{"has_session_summary":null},{"has_session_summary":false},{"has_session_summary":null,"has_session_summary":true}]}`,
		`{"sessions":[{"has_session_summary":true,"has_session_summary":null}]}`,
		`{"sessions":[{"has_session_summary":"yes"}]}`,
		`{"sessions":[{"has_voip":null,"HAS_VOIP":true,"has_pstn":true,"has_pstn":null}]}`,
		`{"sessions":[{"user_count":1.5}]}`,
		`{"sessions":[{"user_count":null,"user_count":3,"ID":"x","Session_Name":"\u00e9","session_\u212aey":"k"}]}`,
		`{"sessions":[{"start_time":"2024-02-02T14:59:07.5+02:00","end_time":1706886225}]}`,
		`{"sessions":[{"start_time":"later"}]}`,
		`{"sessions":[null,{},{"id":null,"id":"b"}]}`,
		`{"sessions":[1]}`,
		`{"sessions":{}}`,
		`{"sessions":[{"id":"a"}],"sessions":null}`,
		`{"sessions":null,"sessions":[{"id":"a"}]}`,
		`{"FROM":"a","To":"b","fro\u006d":"c","page_size":"3"}`,
		`{"from":null,"to":5}`,
		`{"page_size":1e1,"sessions":[]}`,
		`{"ſessions":[{"id":"a"}]}`,
		`{"sessions":[{"x":[{"y":"}"}],"id":"a\"b"}]}`,
		`null`, `[]`, `{}`, ``, `{"sessions":[}`, `{"sessions":[{"id":"a"},]}`, `{"sessions":[]} x`,
	}
	for _, body := range bodies {
		testutil.DecodersAgree(t, rawBytes(body), func() any { return &wireListSessions{sizeHint: 2} })
	}
}

// rawBytes turns the \xNN escapes of a raw string literal into the bytes
// they name, so that a table of bodies can hold invalid UTF-8.
func rawBytes(body string) []byte {
	return []byte(strings.NewReplacer(`\xff`, "\xff", `\xe2`, "\xe2", `\x82`, "\x82", `\xc3`, "\xc3").Replace(body))
}
