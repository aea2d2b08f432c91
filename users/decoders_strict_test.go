//go:build go1.27 && goexperiment.jsonv2

package users

// The token decoders validate what they read as encoding/json does; see
// the sessions package's test of the same name. Claims and usernames are
// read whole and handed to encoding/json: garbage nested in them is
// refused before that, as encoding/json's scanner refuses it.

import (
	"testing"

	"github.com/sessionkit/sessionkit-go/internal/testutil"
)

func TestMonoCloudDecodersAgreeOnMalformedJSON(t *testing.T) {
	var bodies []string
	for _, template := range []string{
		`[{"session_id":%v}]`,
		`[{"session_id":"a","unknown":%v,"session_key":"k"}]`,
		`[{"client_ids":[%v,"b"]}]`,
		`[{"initiated_at":%v}]`,
		`[{"last_metadata":{"city":%v,"country":"US"}}]`,
		`[{"last_metadata":%v}]`,
		`[%v,{"session_id":"b"}]`,
		`%v`,
	} {
		bodies = append(bodies, testutil.Probe(template)...)
	}
	bodies = append(bodies,
		`[{"session_id":"a" "session_key":"k"}]`, `[{"session_id":"a"}{"session_id":"b"}]`, `[{"session_id":"a"}:{"session_id":"b"}]`,
		`[{"session_id":"a"},,{"session_id":"b"}]`, `[{"session_id"::"a"}]`, `[{"session_id","a"}]`, `[{"client_ids":["a" "b"]}]`,
		`[{"client_ids":["a",]}]`, `[{"last_metadata":{"city":"B",}}]`, `[,{"session_id":"a"}]`, `[{"session_id":"a"} ,]`,
	)
	bodies = append(bodies, testutil.Prefixes(`[{"session_id":"a","client_ids":["x","y"],"initiated_at":1640975400,"last_metadata":{"country":"US","latitude":"34.04"},"extra":{"k":[true,false,null]}},{"session_id":"b"}]`)...)
	for _, body := range bodies {
		testutil.DecodersAgree(t, []byte(body), func() any { return &wireSessions{sizeHint: 2} })
	}
}

func TestMonoCloudUserListDecodersAgreeOnMalformedJSON(t *testing.T) {
	var bodies []string
	for _, template := range []string{
		`[{"user_id":%v}]`,
		`[{"claims":%v}]`,
		`[{"claims":{"a":%v,"b":[1,{"c":%v}]}}]`,
		`[{"username":%v}]`,
		`[{"username":{"username":%v,"id":"u"}}]`,
		`[{"emails":[{"email":%v,"primary":true}]}]`,
		`[{"emails":[{"primary":%v}]}]`,
		`[{"failure_count":%v}]`,
		`[{"last_known_city":%v}]`,
		`[{"passkeys":%v,"user_id":"a"}]`,
		`[{"creation_time":%v}]`,
	} {
		bodies = append(bodies, testutil.Probe(template)...)
	}
	bodies = append(bodies,
		`[{"claims":{"a":1 "b":2}}]`, `[{"claims":{"a":1,}}]`, `[{"claims":{"a":[1,]}}]`, `[{"claims":{"a"::1}}]`,
		`[{"username":{"username":"a",}}]`, `[{"emails":[{"email":"a"},]}]`, `[{"emails":[{"email":"a"} {"email":"b"}]}]`,
	)
	bodies = append(bodies, testutil.Prefixes(`[{"user_id":"u","claims":{"n":"Ada","a":[1,"x",null],"o":{"p":true}},"username":{"username":"ada"},"emails":[{"email":"a@b","primary":true}],"creation_time":1640975400,"last_known_city":"B"}]`)...)
	for _, body := range bodies {
		testutil.DecodersAgree(t, []byte(body), func() any { return &wireUsers{sizeHint: 2} })
	}
}
