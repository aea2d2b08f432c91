//go:build go1.27 && goexperiment.jsonv2

package users

// The token decoders (Go 1.27) against the encoding/json ones on bodies
// that probe encoding/json's lenient corners; see the sessions package's
// test of the same name. The fuzz targets run the same comparison on
// their corpora.

import (
	"testing"

	"github.com/sessionkit/sessionkit-go/internal/testutil"
)

func TestMonoCloudDecodersAgree(t *testing.T) {
	sessions := []string{
		`{"session_id":"a","session_id":null,"session_key":null,"session_key":"k"}`,
		`{"client_ids":["a","b"],"client_ids":[null]}`,
		`{"client_ids":null,"client_ids":["a"]}`,
		`{"client_ids":[],"CLIENT_IDS":[null]}`,
		`{"initiated_at":1700000000,"expires_at":1.7e9,"last_updated":"2026-10-01T09:12:44Z"}`,
		`{"initiated_at":null,"initiated_at":1700000000}`,
		`{"initiated_at":"soon"}`, `{"expires_at":[]}`,
		`{"last_metadata":null}`, `{"last_metadata":"x"}`, `{"last_metadata":[]}`, `{"last_metadata":1}`,
		`{"last_metadata":{"country":"US"},"last_metadata":{"city":"B"}}`,
		`{"last_metadata":{"country":null,"country":"US"}}`,
		`{"last_metadata":{"country":"US","country":null}}`,
		`{"last_metadata":{"country":null},"last_metadata":{"country":"US"}}`,
		`{"last_metadata":{"latitude":34.04,"longitude":-118,"city":1e400}}`,
		`{"last_metadata":{"latitude":1e21,"longitude":0.0000001,"region":-0}}`,
		`{"last_metadata":{"country":true}}`, `{"last_metadata":{"country":{"a":1}}}`, `{"last_metadata":{"country":[]}}`,
		"{\"last_metadata\":{\"user_agent\":\"Mozilla \\\"q\\\" caf\\u00e9 \xff \\ud800 S\u00e3o\"}}",
		`{"Last_Metadata":{"COUNTRY":"US","ip_addreſs":"1.1.1.1","\u0063ity":"B"}}`,
		`{"SESSION_ID":"a","ſession_key":"k","x":{"y":[null]}}`,
		`null`, `1`, `[]`, `"x"`,
	}
	for _, s := range sessions {
		testutil.DecodersAgree(t, []byte(`[`+s+`]`), func() any { return &wireSessions{sizeHint: 2} })
	}
	for _, body := range []string{`null`, `{}`, `"x"`, `[] x`, `[]]`, `[`, ``, `[null,null]`, `[{"session_id":"a"},{"session_id":"b"}]`} {
		testutil.DecodersAgree(t, []byte(body), func() any { return &wireSessions{sizeHint: 2} })
	}
}

func TestMonoCloudUserListDecodersAgree(t *testing.T) {
	users := []string{
		`{"user_id":"usr_1","disabled":false,"force_password_reset":true,"has_password":true,"claims":{"name":"Ada","n":1,"a":[1,"x",null],"o":{"p":true}},"emails":[{"id":"e","primary":true,"verified":true,"source":"monocloud","verification_source":null,"email":"ada@example.com"}],"phone_numbers":[{"id":"p","phone":"+1","primary":false,"verified":true}],"username":{"id":"u","username":"ada"},"connections":[{"idp":"google","connection_id":"c"}],"external_providers":[{"authenticator":"a","provider_user_id":"p"}],"creation_time":1640975400,"last_updated":"2026-11-20T10:00:00Z","last_activity":null,"last_sign_in_success":1.5e9,"last_sign_in_attempt":"2026-11-20T10:00:00.5+01:00","password_updated_at":"","block_until":"2026-11-20T10:00:00","failure_count":0,"sign_in_attempts_count":1,"sign_in_success_count":2,"last_sign_in_attempt_ip":"1.1.1.1","last_sign_in_success_ip":null,"last_known_city":"Berlin","last_known_country":5,"last_known_region":-0.5}`,
		`{"username":"legacy"}`, `{"username":{"username":null}}`, `{"username":null,"username":"a"}`, `{"username":"a","username":null}`,
		`{"username":5}`, `{"username":[]}`, `{"username":{"username":5}}`, `{"username":"caf\u00e9"}`,
		`{"claims":{"a":1},"claims":{"b":2}}`, `{"claims":{"a":1},"claims":null}`, `{"claims":null,"claims":{"a":1}}`,
		`{"claims":{"a":1,"a":{"x":2}}}`, `{"claims":[]}`, `{"claims":"x"}`, `{"claims":{"k":1e400}}`, `{"claims":{}}`,
		`{"emails":[{"email":"a","primary":true},{"email":"b"}],"emails":[{"verified":true}]}`,
		`{"emails":[{"email":"a"}],"emails":[null]}`, `{"emails":[{"email":"a"}],"emails":[]}`, `{"emails":null,"emails":[{"email":"a"}]}`,
		`{"emails":[{"email":5}]}`, `{"emails":[{"primary":"yes"}]}`, `{"emails":{}}`, `{"emails":[1]}`,
		`{"EMAILS":[{"EMAIL":"a","Verification_Source":"s","ſource":"t"}],"Phone_Numbers":[{"PHONE":"1"}]}`,
		`{"phone_numbers":[{"phone":null,"phone":"1"},null],"connections":[{"idp":"g"},{"connection_id":"c"}],"connections":[{}]}`,
		`{"external_providers":[{"authenticator":"a"}],"external_providers":null}`, `{"connections":[{"idp":[]}]}`,
		`{"disabled":null,"disabled":true,"has_password":true,"has_password":null}`, `{"disabled":"true"}`,
		`{"failure_count":1.5}`, `{"failure_count":null,"failure_count":3}`, `{"sign_in_success_count":"3"}`,
		`{"creation_time":"soon"}`, `{"creation_time":null,"creation_time":1640975400}`, `{"block_until":true}`,
		`{"last_known_city":null,"last_known_city":"B"}`, `{"last_known_city":"B","last_known_city":null}`,
		`{"last_known_city":true}`, `{"last_known_city":{}}`, `{"last_known_city":1e21}`,
		"{\"user_id\":\"a\xffb \\ud800 \\\"q\\\"\"}",
		`{"USER_ID":"a","uſer_id":"b","x":{"y":[null,{"z":"}"}]}}`, `{"user_id":42}`,
		`null`, `1`, `[]`, `"x"`, `{}`,
	}
	for _, u := range users {
		testutil.DecodersAgree(t, []byte(`[`+u+`]`), func() any { return &wireUsers{sizeHint: 2} })
	}
	for _, body := range []string{`null`, `{}`, `"x"`, `[] x`, `[]]`, `[`, ``, `[null,null]`, `[{"user_id":"a"},{"user_id":"b"}]`, `[{"user_id":"a"},]`} {
		testutil.DecodersAgree(t, []byte(body), func() any { return &wireUsers{sizeHint: 2} })
	}
}
