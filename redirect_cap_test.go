package sessionkit_test

// Redirects are capped per attempt, whatever http.Client the caller brings.

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
)

// TestRedirectsAreCappedWhateverTheClient: one attempt makes at most 10
// requests (the first and 9 redirects, as net/http's default policy), also when WithHTTPClient brings a CheckRedirect that always
// allows; the caller's policy is still asked at every hop, and its verdict
// is kept when it stops earlier.
func TestRedirectsAreCappedWhateverTheClient(t *testing.T) {
	var asked atomic.Int32
	allowAll := func(*http.Request, []*http.Request) error { asked.Add(1); return nil }
	useLast := func(*http.Request, []*http.Request) error { asked.Add(1); return http.ErrUseLastResponse }
	tests := []struct {
		name      string
		client    *http.Client
		requests  int
		wantAsked int32
	}{
		{"SDK transport", nil, 10, 0},
		{"caller policy that always allows", &http.Client{CheckRedirect: allowAll}, 10, 10},
		{"caller policy that stops at once", &http.Client{CheckRedirect: useLast}, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			asked.Store(0)
			srv := newRecordingServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if n >= 100 { // an uncapped client ends here instead of looping
					writeJSON(w, http.StatusOK, apis[sessionkit.Arthur].emptyBody)
					return
				}
				http.Redirect(w, r, r.URL.Path, http.StatusFound)
			})
			opts := []sessionkit.Option{sessionkit.WithMaxRetries(0)}
			if tt.client != nil {
				opts = append(opts, sessionkit.WithHTTPClient(tt.client))
			}
			c := newTestClient(t, srv.URL, opts...)
			err := callPage(context.Background(), c, sessionkit.Arthur)
			require.Error(t, err)
			assert.Equal(t, tt.requests, srv.count(), "requests for one attempt")
			assert.Equal(t, tt.wantAsked, asked.Load(), "the caller's policy was asked")
		})
	}
}
