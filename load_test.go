package sessionkit_test

// Connection pooling under load: one client shared by many goroutines stays
// correct and within its connection pool; sequential calls reuse
// connections on every path, retries and error bodies included. The server
// is sessionkittest's, which counts the TCP connections it accepts.

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/internal/engine"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/traces"
)

// loadKit starts a kit server and a client for it with 1 ms retry waits.
func loadKit(t *testing.T, opts ...sessionkittest.Option) (*sessionkittest.Server, *sessionkit.Client) {
	t.Helper()
	srv := kitServer(t, opts...)
	return srv, kitClient(t, srv, sessionkit.WithRetryWait(time.Millisecond, time.Millisecond))
}

func TestLoadSharedClient(t *testing.T) {
	const goroutines, perGoroutine = 100, 20
	// A short latency on every answer, so that calls overlap.
	srv, c := loadKit(t, sessionkittest.WithUsers(500), sessionkittest.WithLatency(2*time.Millisecond))
	users := srv.Data().ArthurUsers

	var wg sync.WaitGroup
	var wrong, failed atomic.Int64
	errs := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perGoroutine; i++ {
				want := users[(g*perGoroutine+i)%len(users)]
				u, err := c.Traces.User(context.Background(), want.UserID, traces.UserOptions{TaskIDs: []string{want.TaskID}})
				if err != nil {
					if failed.Add(1) == 1 {
						errs <- err
					}
					continue
				}
				if u.UserID != want.UserID || u.TaskID != want.TaskID || u.SpanCount != want.SpanCount {
					wrong.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("first failure: %v", err)
	}
	assert.Zero(t, failed.Load(), "failed calls")
	assert.Zero(t, wrong.Load(), "calls that got another call's answer")
	conns := srv.Connections()
	t.Logf("%d calls from %d goroutines over %d connections", goroutines*perGoroutine, goroutines, conns)
	assert.Positive(t, conns)
	// A connection the transport had to drop (a keep-alive race on a busy
	// machine) is replaced by a new one, so allow two spares; without the
	// pool's cap the 100 goroutines open about 100.
	assert.LessOrEqual(t, conns, engine.DefaultMaxConnsPerHost+2, "new connections beyond the pool's cap")
}

// TestLoadSequentialReuse: 1,000 calls one after another, a fifth of them
// retried after a 503 with a body, a seventh answered 404 with a body and
// some answered with 80 KiB of whitespace after the JSON value (more than
// any read-ahead buffer), run over a handful of connections. The kit's own
// answers end with a newline after the JSON value, as json.Encoder writes
// them: the decoder stops before it, so every body must be drained for its
// connection to be reused.
func TestLoadSequentialReuse(t *testing.T) {
	const calls = 1000
	errorBody := `{"detail": "` + strings.Repeat("e", 8<<10) + `"}` // larger than retryablehttp's 4 KiB drain
	srv, c := loadKit(t)
	users := srv.Data().ArthurUsers
	retried, notFound := 0, 0
	for i := 0; i < calls; i++ {
		want := users[i%len(users)]
		// This call's faults, tried in order, each answering once.
		if i%5 == 0 {
			srv.Fault(sessionkittest.Match{}, sessionkittest.Status(http.StatusServiceUnavailable).Body("application/json", errorBody), sessionkittest.Times(1))
		}
		switch {
		case i%7 == 0:
			srv.Fault(sessionkittest.Match{}, sessionkittest.Status(http.StatusNotFound).Body("application/json", errorBody), sessionkittest.Times(1))
		case i%3 == 0:
			// Valid JSON followed by whitespace that the decoder never
			// reads: only draining the body keeps the connection.
			body := fmt.Sprintf(`{"user_id": %q, "task_id": %q}`, want.UserID, want.TaskID) + strings.Repeat(" \n", 40<<10)
			srv.Fault(sessionkittest.Match{}, sessionkittest.Status(http.StatusOK).Body("application/json", body), sessionkittest.Times(1))
		}
		u, err := c.Traces.User(context.Background(), want.UserID, traces.UserOptions{TaskIDs: []string{want.TaskID}})
		if i%7 == 0 {
			var ae *sessionkit.APIError
			require.ErrorAs(t, err, &ae, "call %d", i)
			require.Equal(t, http.StatusNotFound, ae.StatusCode)
			notFound++
			continue
		}
		require.NoError(t, err, "call %d", i)
		require.Equal(t, want.UserID, u.UserID)
		if i%5 == 0 {
			retried++
		}
	}
	conns := srv.Connections()
	t.Logf("%d calls (%d retried after a 503, %d answered 404) over %d connections", calls, retried, notFound, conns)
	assert.LessOrEqual(t, conns, 2, "bodies are drained and closed on every path, so connections are reused")
}
