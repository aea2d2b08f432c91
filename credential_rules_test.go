package sessionkit_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/sessionkit/sessionkit-go"
)

// TestShortAPIKeyIsRefused: a static key shorter than MinCredentialLength
// could not be redacted from error texts, so NewClient refuses it, naming
// the option and its scope.
func TestShortAPIKeyIsRefused(t *testing.T) {
	short := strings.Repeat("k", sessionkit.MinCredentialLength-1)
	tests := []struct {
		name string
		opt  sessionkit.Option
		want string
	}{
		{"global", sessionkit.WithAPIKey(short), "WithAPIKey: the key is 7 bytes long; at least 8"},
		{"scoped", sessionkit.ForAPI(sessionkit.Arthur, sessionkit.WithAPIKey(short)), "ForAPI(arthur, WithAPIKey): the key is 7 bytes long"},
		{"empty", sessionkit.WithAPIKey(""), "WithAPIKey: the key is 0 bytes long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := sessionkit.NewClient(tt.opt)
			require.ErrorIs(t, err, sessionkit.ErrInvalidOptions)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), short, "the key itself is not echoed")
		})
	}
	_, err := sessionkit.NewClient(sessionkit.WithAPIKey(strings.Repeat("k", sessionkit.MinCredentialLength)))
	require.NoError(t, err, "a key of exactly the minimum is accepted")
}

type credRulesSource struct{ tok *oauth2.Token }

func (s credRulesSource) Token() (*oauth2.Token, error) { return s.tok, nil }

// TestCredentialFromAFunctionMustBeSendable: a token function or token
// source that gives an empty credential, or one shorter than
// MinCredentialLength, fails the call with ErrInvalidCredential before
// anything is sent (no empty "Authorization: Bearer", no empty X-API-KEY),
// and the call is not retried.
func TestCredentialFromAFunctionMustBeSendable(t *testing.T) {
	short := strings.Repeat("t", sessionkit.MinCredentialLength-1)
	tests := []struct {
		name string
		opt  func(calls *atomic.Int32) sessionkit.Option
	}{
		{"WithTokenFunc empty", func(calls *atomic.Int32) sessionkit.Option {
			return sessionkit.WithTokenFunc(func(context.Context) (string, error) { calls.Add(1); return "", nil })
		}},
		{"WithTokenFunc short", func(calls *atomic.Int32) sessionkit.Option {
			return sessionkit.WithTokenFunc(func(context.Context) (string, error) { calls.Add(1); return short, nil })
		}},
		{"WithTokenSource empty", func(*atomic.Int32) sessionkit.Option {
			return sessionkit.WithTokenSource(credRulesSource{tok: &oauth2.Token{}})
		}},
		{"WithTokenSource nil token", func(*atomic.Int32) sessionkit.Option {
			return sessionkit.WithTokenSource(credRulesSource{})
		}},
		{"WithTokenSource short", func(*atomic.Int32) sessionkit.Option {
			return sessionkit.WithTokenSource(credRulesSource{tok: &oauth2.Token{AccessToken: short}})
		}},
	}
	for _, tt := range tests {
		for _, api := range allAPIs {
			t.Run(tt.name+"/"+api.String(), func(t *testing.T) {
				srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { writeJSON(w, 401, `{"message": "no"}`) })
				var calls atomic.Int32
				c := newTestClient(t, srv.URL, tt.opt(&calls), sessionkit.WithMaxRetries(3))
				err := callPage(context.Background(), c, api)
				require.ErrorIs(t, err, sessionkit.ErrInvalidCredential)
				assert.Equal(t, 0, srv.count(), "nothing was sent")
				assert.LessOrEqual(t, calls.Load(), int32(1), "not retried")
				assert.Contains(t, err.Error(), api.String()+" credential: invalid credential:")
				assert.NotContains(t, err.Error(), short)
				assert.Equal(t, 1, strings.Count(err.Error(), "sessionkit:"), "one prefix: %s", err)
			})
		}
	}
}
