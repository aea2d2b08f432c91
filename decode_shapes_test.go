package sessionkit_test

// The SDK decodes listing pages element by element (not with one
// json.Decoder.Decode), so the shapes encoding/json accepts must still
// decode, and every malformed one must still be reported.

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
)

// TestStreamDecodeShapes: the SDK decodes listing pages element by element
// (not with one json.Decoder.Decode), so the shapes encoding/json accepts
// must still decode, and every malformed one must still be reported.
func TestStreamDecodeShapes(t *testing.T) {
	user := func(api sessionkit.API) string {
		return string(apis[api].appendFixtureItem(nil, 0, 1))
	}
	tests := []struct {
		api  sessionkit.API
		name string
		body string
		want int // items; -1: malformed
	}{
		{sessionkit.Ductape, "data first, unknown nested fields", `{"data":{"meta":{"a":[1,{"b":null}]},"users":[` + user(sessionkit.Ductape) + `],"totalPages":1},"status":true}`, 1},
		{sessionkit.Ductape, "keys in another case", `{"Status":true,"Data":{"Users":[` + user(sessionkit.Ductape) + `,` + user(sessionkit.Ductape) + `]}}`, 2},
		{sessionkit.Ductape, "users null", `{"status":true,"data":{"users":null,"total":0}}`, 0},
		{sessionkit.Ductape, "data is an array", `{"status":true,"data":[]}`, -1},
		{sessionkit.Ductape, "data is a string", `{"status":true,"data":"x"}`, -1},
		{sessionkit.Ductape, "users is an object", `{"status":true,"data":{"users":{"_id":"x"}}}`, -1},
		{sessionkit.Ductape, "bad time inside", `{"status":true,"data":{"users":[{"_id":"x","first_seen":"noon"}]}}`, -1},
		{sessionkit.Zoom, "null element", `{"page_size":2,"users":[null,` + user(sessionkit.Zoom) + `]}`, 2},
		{sessionkit.Zoom, "extra fields in items", `{"users":[{"id":"a","new_field":{"x":[1,2]}}],"next_page_token":""}`, 1},
		{sessionkit.Zoom, "array body", `[{"users":[]}]`, -1},
		{sessionkit.Zoom, "truncated", `{"users":[` + user(sessionkit.Zoom), -1},
		{sessionkit.Zoom, "missing comma", `{"users":[{"id":"a"} {"id":"b"}]}`, -1},
		{sessionkit.Zoom, "wrong type in item", `{"users":[{"id":5}]}`, -1},
		{sessionkit.Arthur, "count after users", `{"users":[` + user(sessionkit.Arthur) + `],"display_currency":"EUR","count":1}`, 1},
		{sessionkit.Arthur, "count null", `{"count":null,"users":[]}`, -1},
		{sessionkit.Arthur, "users is a string", `{"count":1,"users":"x"}`, -1},
		{sessionkit.Arthur, "token count not a number", `{"count":1,"users":[{"user_id":"u","prompt_token_count":"many"}]}`, -1},
		{sessionkit.MonoCloud, "empty array", `[]`, 0},
		{sessionkit.MonoCloud, "object body", `{"session_id":"x"}`, -1},
		{sessionkit.MonoCloud, "trailing comma", `[{"session_id":"x"},]`, -1},
		{sessionkit.MonoCloud, "metadata number and null", `[{"session_id":"x","last_metadata":{"latitude":34.5,"city":null}}]`, 1},
		{sessionkit.MonoCloud, "metadata array", `[{"session_id":"x","last_metadata":{"city":["a"]}}]`, -1},
	}
	for _, tt := range tests {
		t.Run(apis[tt.api].name+"/"+tt.name, func(t *testing.T) {
			srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { writeJSON(w, http.StatusOK, tt.body) })
			c := newClient(t, srv.URL, sessionkit.WithMaxRetries(0))
			n, err := fixturePage(context.Background(), c, tt.api, 0, 10)
			if tt.want < 0 {
				require.ErrorIs(t, err, sessionkit.ErrMalformedResponse)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, n)
		})
	}
}
