package sessionkit_test

// The error texts a person reads, pinned: one "sessionkit:" line naming
// the request, the status and the API's own message, and base URL errors
// that say what is missing.

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/traces"
	"github.com/sessionkit/sessionkit-go/users"
)

// firstErr returns the first error an iterator yields.
func firstErr[T any](seq func(func(T, error) bool)) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

// TestErrorTextsGolden pins the texts a person reads: one "sessionkit:"
// prefix, where a walk stopped in the words of its style, the attempts
// made, an HTML page's title instead of its markup, and no secret.
func TestErrorTextsGolden(t *testing.T) {
	const token = "Tz4Q/m8Rb+Vx2Np=6Wk9Lc3H"
	nginx := `<!DOCTYPE html><html><head><style>body { width: 35em; margin: 0 auto; font-family: Tahoma, Verdana, Arial, sans-serif; }</style>` +
		`<title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.25.3</center></body></html>`
	tests := []struct {
		name  string
		serve func(n int, w http.ResponseWriter, r *http.Request)
		run   func(c *sessionkit.Client) error
		want  string
	}{
		{
			name: "an iterator's validation failure reads as the validation error",
			run: func(c *sessionkit.Client) error {
				return firstErr(c.Users.SessionsIter(context.Background(), "", users.SessionsOptions{}))
			},
			want: "sessionkit: invalid options: userID is required",
		},
		{
			name: "a cursor walk's first page",
			serve: func(_ int, w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 500, `{"code": 500, "message": "broken"}`)
			},
			run: func(c *sessionkit.Client) error {
				return firstErr(c.Sessions.ListUsersIter(context.Background(), "sess-1", sessions.ListUsersOptions{}))
			},
			want: "sessionkit: walk stopped at the first page: GET /videosdk/sessions/sess-1/users: 500 Internal Server Error: broken (code 500) (after 4 attempts)",
		},
		{
			name: "a cursor walk at a rejected page token",
			serve: func(_ int, w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 400, `{"code": 300, "message": "Invalid next_page_token: `+r.URL.Query().Get("next_page_token")+`"}`)
			},
			run: func(c *sessionkit.Client) error {
				return firstErr(c.Sessions.ListUsersIter(context.Background(), "sess-1", sessions.ListUsersOptions{NextPageToken: token}))
			},
			want: "sessionkit: walk stopped at a page token (see PageError.PageToken): page token expired or rejected: GET /videosdk/sessions/sess-1/users: 400 Bad Request: Invalid next_page_token: [REDACTED] (code 300)",
		},
		{
			name: "a page-number walk after some items",
			serve: func(n int, w http.ResponseWriter, _ *http.Request) {
				if n == 0 {
					writeJSON(w, 200, `{"count": 3, "users": [{"user_id": "u1"}, {"user_id": "u2"}]}`)
					return
				}
				writeJSON(w, 404, `{"detail": "Task not found"}`)
			},
			run: func(c *sessionkit.Client) error {
				return firstErr(c.Traces.UsersIter(context.Background(), traces.UsersOptions{TaskIDs: []string{"t1"}, PageSize: 2}))
			},
			want: "sessionkit: walk stopped at page 1 after 2 items: GET /api/v1/traces/users: 404 Not Found: Task not found",
		},
		{
			name: "an HTML error page shows its title",
			serve: func(_ int, w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(502)
				_, _ = w.Write([]byte(nginx))
			},
			run: func(c *sessionkit.Client) error {
				_, err := c.Users.Sessions(context.Background(), "u1", users.SessionsOptions{})
				return err
			},
			want: "sessionkit: GET /api/users/u1/sessions: 502 Bad Gateway: 502 Bad Gateway (after 4 attempts)",
		},
		{
			name: "an HTML page on a 200 shows its text",
			serve: func(_ int, w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				_, _ = w.Write([]byte("<html><body><script>var x = 1;</script><h1>Sign in</h1>\n\n<p>Your session &amp; key expired.</p></body></html>"))
			},
			run: func(c *sessionkit.Client) error {
				_, err := c.Sessions.FetchUsers(context.Background(), sessions.FetchUsersOptions{Product: "p", Session: "s"})
				return err
			},
			want: `sessionkit: GET /integrations/v1/session/users/ws_test: 200 OK: malformed response body (content type "text/html; charset=utf-8"): unexpected content type "text/html"; body starts "Sign in Your session & key expired."`,
		},
		{
			name: "one attempt says nothing of attempts",
			serve: func(_ int, w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 404, `{"status": false, "message": "User not found", "code": "USER_NOT_FOUND"}`)
			},
			run: func(c *sessionkit.Client) error {
				_, err := c.Sessions.FetchUsers(context.Background(), sessions.FetchUsersOptions{Product: "p", Session: "s"})
				return err
			},
			want: "sessionkit: GET /integrations/v1/session/users/ws_test: 404 Not Found: User not found (code USER_NOT_FOUND)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := "http://127.0.0.1:1" // never reached
			if tt.serve != nil {
				base = newRecordingServer(t, tt.serve).URL
			}
			c := newTestClient(t, base, sessionkit.WithRetryWait(time.Millisecond, 2*time.Millisecond))
			err := tt.run(c)
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
			assert.Equal(t, 1, strings.Count(err.Error(), "sessionkit:"), "one prefix")
			assert.NotContains(t, err.Error(), token)
			if strings.Contains(tt.name, "walk") || strings.Contains(tt.name, "iterator") {
				var pe *sessionkit.PageError
				assert.True(t, errors.As(err, &pe), "an iterator's error is a *PageError")
			}
		})
	}
}

// TestBaseURLErrorsSayWhatIsMissing: a bad base URL is echoed (without
// user info, query or fragment) with what is wrong and how to fix it.
func TestBaseURLErrorsSayWhatIsMissing(t *testing.T) {
	tests := []struct{ in, want string }{
		{"api.example.com", `WithBaseURL "api.example.com": missing scheme: use https://api.example.com`},
		{"localhost:8080/v2", `WithBaseURL "localhost:8080/v2": missing scheme: use https://localhost:8080/v2`},
		{"admin@api.example.com/v2?key=hunter2", `WithBaseURL "api.example.com/v2": missing scheme: use https://api.example.com/v2`},
		{"/v2", `WithBaseURL "/v2": missing scheme and host: give an absolute URL such as https://api.example.com/v2`},
		{"/v2?key=hunter2#x", `WithBaseURL "/v2": missing scheme and host: give an absolute URL such as https://api.example.com/v2`},
		{"", `WithBaseURL: the base URL is empty: give an absolute URL such as https://api.example.com`},
		{"ftp://files.example.com", `WithBaseURL "ftp://files.example.com": scheme "ftp" is not http or https`},
		{"mailto:ops@example.com", `WithBaseURL: scheme "mailto" is not http or https: give an absolute URL such as https://api.example.com`},
		{"https://", `WithBaseURL "https://": missing host: use https://<host>`},
		{"https://admin:hunter2@api.example.com", `WithBaseURL "https://api.example.com": must not carry user info: give the credential with WithAPIKey`},
		{"https://api.example.com/v2?key=hunter2", `WithBaseURL "https://api.example.com/v2": must not carry a query or fragment`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := sessionkit.NewClient(sessionkit.WithBaseURL(tt.in))
			require.ErrorIs(t, err, sessionkit.ErrInvalidOptions)
			assert.Equal(t, "sessionkit: invalid options: "+tt.want, err.Error())
			assert.NotContains(t, err.Error(), "hunter2")
		})
	}
}
