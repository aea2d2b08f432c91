package sessionkit_test

// NewClient and ForAPI validate their options: a bad value is
// ErrInvalidOptions naming the option (and never echoing a secret), the
// boundary values are accepted.

import (
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sessionkit "github.com/sessionkit/sessionkit-go"
)

func TestNewClientRejectsBadOptions(t *testing.T) {
	tests := []struct {
		name   string
		opt    sessionkit.Option
		option string // the option the error must name
		hidden string // a secret the error must not echo
	}{
		{"negative retries", sessionkit.WithMaxRetries(-1), "WithMaxRetries", ""},
		{"negative min wait", sessionkit.WithRetryWait(-time.Millisecond, time.Second), "WithRetryWait", ""},
		{"negative max wait", sessionkit.WithRetryWait(0, -time.Second), "WithRetryWait", ""},
		{"min greater than max", sessionkit.WithRetryWait(2*time.Second, time.Second), "WithRetryWait", ""},
		{"negative prefetch", sessionkit.WithPrefetch(-1), "WithPrefetch", ""},
		{"prefetch over the maximum", sessionkit.WithPrefetch(sessionkit.MaxPrefetch + 1), "WithPrefetch", ""},
		{"negative attempt timeout", sessionkit.WithAttemptTimeout(-time.Second), "WithAttemptTimeout", ""},
		{"base URL without scheme", sessionkit.WithBaseURL("api.example.com"), "WithBaseURL", ""},
		{"relative base URL", sessionkit.WithBaseURL("/v2"), "WithBaseURL", ""},
		{"empty base URL", sessionkit.WithBaseURL(""), "WithBaseURL", ""},
		{"ftp base URL", sessionkit.WithBaseURL("ftp://files.example.com"), "WithBaseURL", ""},
		{"mailto base URL", sessionkit.WithBaseURL("mailto:ops@example.com"), "WithBaseURL", ""},
		{"base URL without host", sessionkit.WithBaseURL("https://"), "WithBaseURL", ""},
		{"unparsable base URL", sessionkit.WithBaseURL("http://exa mple.com/%zz"), "WithBaseURL", ""},
		{"base URL with user info", sessionkit.WithBaseURL("https://admin:hunter2@api.example.com"), "WithBaseURL", "hunter2"},
		{"base URL with query", sessionkit.WithBaseURL("https://api.example.com/?key=hunter2"), "WithBaseURL", "hunter2"},
		{"base URL with fragment", sessionkit.WithBaseURL("https://api.example.com/#x"), "WithBaseURL", ""},
		{"scoped bad base URL", sessionkit.ForAPI(sessionkit.Arthur, sessionkit.WithBaseURL("arthur.local")), "WithBaseURL", ""},
		{"workspace dot", sessionkit.WithWorkspaceID("."), "WithWorkspaceID", ""},
		{"workspace dot-dot", sessionkit.WithWorkspaceID(".."), "WithWorkspaceID", ""},
		{"workspace with slash", sessionkit.WithWorkspaceID("ws/1"), "WithWorkspaceID", ""},
		{"workspace that is a slash", sessionkit.WithWorkspaceID("/"), "WithWorkspaceID", ""},
		{"empty API key", sessionkit.WithAPIKey(""), "WithAPIKey", ""},
		{"nil HTTP client", sessionkit.WithHTTPClient(nil), "WithHTTPClient", ""},
		{"user agent with a line break", sessionkit.WithUserAgent("x\r\nX-Evil: 1"), "WithUserAgent", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := sessionkit.NewClient(tt.opt)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.ErrorIs(t, err, sessionkit.ErrInvalidOptions)
			assert.Contains(t, err.Error(), tt.option)
			if tt.hidden != "" {
				assert.NotContains(t, err.Error(), tt.hidden)
			}
		})
	}
}

func TestNewClientAcceptsBoundaryValues(t *testing.T) {
	tests := []struct {
		name string
		opts []sessionkit.Option
	}{
		{"no options", nil},
		{"nil option", []sessionkit.Option{nil}},
		{"zero retries", []sessionkit.Option{sessionkit.WithMaxRetries(0)}},
		{"zero waits", []sessionkit.Option{sessionkit.WithRetryWait(0, 0)}},
		{"equal waits", []sessionkit.Option{sessionkit.WithRetryWait(time.Second, time.Second)}},
		{"zero prefetch", []sessionkit.Option{sessionkit.WithPrefetch(0)}},
		{"maximum prefetch", []sessionkit.Option{sessionkit.WithPrefetch(sessionkit.MaxPrefetch)}},
		{"http base URL with port and prefix", []sessionkit.Option{sessionkit.WithBaseURL("http://127.0.0.1:8080/proxy/")}},
		{"https base URL", []sessionkit.Option{sessionkit.WithBaseURL("https://acme.monocloud.com")}},
		{"upper-case scheme", []sessionkit.Option{sessionkit.WithBaseURL("HTTPS://api.example.com")}},
		{"workspace with dots", []sessionkit.Option{sessionkit.WithWorkspaceID("...")}},
		{"workspace with a dot inside", []sessionkit.Option{sessionkit.WithWorkspaceID("ws.1")}},
		{"empty workspace", []sessionkit.Option{sessionkit.WithWorkspaceID("")}},
		{"nil logger", []sessionkit.Option{sessionkit.WithLogger(nil)}},
		{"every API scoped", []sessionkit.Option{
			sessionkit.ForAPI(sessionkit.Ductape, sessionkit.WithBaseURL("https://d.example"), sessionkit.WithAPIKey("d-key-1234")),
			sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithBaseURL("https://z.example/v2"), sessionkit.WithAPIKey("z-key-1234")),
			sessionkit.ForAPI(sessionkit.Arthur, sessionkit.WithBaseURL("http://arthur.local:3030"), sessionkit.WithAPIKey("a-key-1234")),
			sessionkit.ForAPI(sessionkit.MonoCloud, sessionkit.WithBaseURL("https://acme.monocloud.com"), sessionkit.WithAPIKey("m-key-1234")),
		}},
		{"empty ForAPI", []sessionkit.Option{sessionkit.ForAPI(sessionkit.Zoom)}},
		{"scoped rate limit", []sessionkit.Option{sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithRateLimit(10, 1))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := sessionkit.NewClient(tt.opts...)
			require.NoError(t, err)
			require.NotNil(t, c)
			assert.NotNil(t, c.Sessions)
			assert.NotNil(t, c.Traces)
			assert.NotNil(t, c.Users)
		})
	}
}

func TestForAPIRejectsUnscopableOptions(t *testing.T) {
	tests := []struct {
		name   string
		opt    sessionkit.Option
		option string
	}{
		{"logger", sessionkit.WithLogger(slog.Default()), "WithLogger"},
		{"workspace", sessionkit.WithWorkspaceID("ws"), "WithWorkspaceID"},
		{"HTTP client", sessionkit.WithHTTPClient(&http.Client{}), "WithHTTPClient"},
		{"retries", sessionkit.WithMaxRetries(1), "WithMaxRetries"},
		{"retry wait", sessionkit.WithRetryWait(time.Millisecond, time.Second), "WithRetryWait"},
		{"attempt timeout", sessionkit.WithAttemptTimeout(time.Second), "WithAttemptTimeout"},
		{"user agent", sessionkit.WithUserAgent("x"), "WithUserAgent"},
		{"prefetch", sessionkit.WithPrefetch(1), "WithPrefetch"},
		{"nested ForAPI", sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithAPIKey("test-key")), "ForAPI"},
	}
	for _, tt := range tests {
		for _, api := range []sessionkit.API{sessionkit.Ductape, sessionkit.MonoCloud} {
			t.Run(tt.name+" in "+api.String(), func(t *testing.T) {
				c, err := sessionkit.NewClient(sessionkit.ForAPI(api, sessionkit.WithAPIKey("test-key"), tt.opt))
				require.Error(t, err)
				assert.Nil(t, c)
				assert.ErrorIs(t, err, sessionkit.ErrInvalidOptions)
				assert.Contains(t, err.Error(), tt.option)
				assert.Contains(t, err.Error(), api.String())
			})
		}
	}
	t.Run("unknown API", func(t *testing.T) {
		_, err := sessionkit.NewClient(sessionkit.ForAPI(sessionkit.API(42), sessionkit.WithAPIKey("test-key")))
		require.ErrorIs(t, err, sessionkit.ErrInvalidOptions)
		assert.Contains(t, err.Error(), "ForAPI")
	})
	t.Run("the same option is fine globally after a ForAPI", func(t *testing.T) {
		_, err := sessionkit.NewClient(sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithAPIKey("test-key")), sessionkit.WithLogger(slog.Default()))
		require.NoError(t, err)
	})
}
