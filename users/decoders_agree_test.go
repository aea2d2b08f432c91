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
