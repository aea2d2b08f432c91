package sessionkit_test

// Clients for the root tests: one pointed at a fake server's base URL
// (every API there), one for a sessionkittest server (from the kit's own
// options, or configured API by API with ForAPI), and a capture of the
// client's log records.

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
)

const (
	testKey       = "sk-test-SECRET-key-7f3a9c"
	testWorkspace = "ws_test"
)

// fastRetries makes retries wait milliseconds, not seconds.
var fastRetries = sessionkit.WithRetryWait(time.Millisecond, 20*time.Millisecond)

// newClient returns a client whose every API points at base, with the
// test key and workspace and the default retry waits; opts come after and
// win.
func newClient(tb testing.TB, base string, opts ...sessionkit.Option) *sessionkit.Client {
	tb.Helper()
	all := append([]sessionkit.Option{
		sessionkit.WithBaseURL(base),
		sessionkit.WithAPIKey(testKey),
		sessionkit.WithWorkspaceID(testWorkspace),
	}, opts...)
	c, err := sessionkit.NewClient(all...)
	require.NoError(tb, err)
	tb.Cleanup(c.CloseIdleConnections)
	return c
}

// newTestClient is newClient with fast retries.
func newTestClient(t testing.TB, base string, opts ...sessionkit.Option) *sessionkit.Client {
	t.Helper()
	return newClient(t, base, append([]sessionkit.Option{fastRetries}, opts...)...)
}

// kitServer starts a sessionkittest server, closed when the test ends.
func kitServer(t testing.TB, opts ...sessionkittest.Option) *sessionkittest.Server {
	t.Helper()
	srv := sessionkittest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// kitClient returns a client for every API of srv, with fast retries;
// opts come after and win.
func kitClient(t testing.TB, srv *sessionkittest.Server, opts ...sessionkit.Option) *sessionkit.Client {
	t.Helper()
	c, err := srv.NewClient(append([]sessionkit.Option{fastRetries}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// forAPIKitClient returns a client for every API of srv, each configured
// with ForAPI, authenticated with key.
func forAPIKitClient(t *testing.T, srv *sessionkittest.Server, key string, opts ...sessionkit.Option) *sessionkit.Client {
	t.Helper()
	c, err := sessionkit.NewClient(append([]sessionkit.Option{
		sessionkit.WithAPIKey(key),
		sessionkit.WithWorkspaceID(srv.Data().WorkspaceID),
		sessionkit.WithMaxRetries(0),
		sessionkit.ForAPI(sessionkit.Ductape, sessionkit.WithBaseURL(srv.DuctapeURL())),
		sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithBaseURL(srv.ZoomURL())),
		sessionkit.ForAPI(sessionkit.Arthur, sessionkit.WithBaseURL(srv.ArthurURL())),
		sessionkit.ForAPI(sessionkit.MonoCloud, sessionkit.WithBaseURL(srv.MonoCloudURL()+"/")),
	}, opts...)...)
	require.NoError(t, err)
	return c
}

// logCapture captures every slog record at Debug level, rendered as text
// with all attributes, one line per record.
type logCapture struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logCapture) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logCapture) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func (l *logCapture) records() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := strings.TrimSpace(l.buf.String())
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
