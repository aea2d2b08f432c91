package sessionkit_test

// Requirement 9 of issue 3: one client shared by many goroutines stays
// correct and within its connection pool; sequential calls reuse
// connections on every path, retries and error bodies included.

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/internal/engine"
	"github.com/sessionkit/sessionkit-go/traces"
)

// loadServer counts the TCP connections it accepts.
type loadServer struct {
	*httptest.Server
	newConns atomic.Int64
}

func loadServe(t *testing.T, h http.HandlerFunc) *loadServer {
	t.Helper()
	s := &loadServer{}
	s.Server = httptest.NewUnstartedServer(h)
	s.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.newConns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// loadUserHandler answers Arthur's one-user call with the user ID it was
// asked for, after a short delay so that calls overlap.
func loadUserHandler(delay time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimPrefix(r.URL.Path, "/api/v1/traces/users/")
		if delay > 0 {
			time.Sleep(delay)
		}
		// Written as json.Encoder does, with a newline after the value:
		// the decoder stops before it, so the body must be drained for the
		// connection to be reused.
		relJSON(w, http.StatusOK, fmt.Sprintf(`{"user_id": %q, "task_id": %q, "span_count": %d}`+"\n", id, r.URL.Query().Get("task_ids"), len(id)))
	}
}

func TestLoadSharedClient(t *testing.T) {
	const goroutines, perGoroutine = 100, 20
	srv := loadServe(t, loadUserHandler(2*time.Millisecond))
	c := relClient(t, srv.URL)

	var wg sync.WaitGroup
	var wrong, failed atomic.Int64
	errs := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perGoroutine; i++ {
				id := fmt.Sprintf("user-%d-%d", g, i)
				task := fmt.Sprintf("task-%d", i)
				u, err := c.Traces.User(context.Background(), id, traces.UserOptions{TaskIDs: []string{task}})
				if err != nil {
					if failed.Add(1) == 1 {
						errs <- err
					}
					continue
				}
				if u.UserID != id || u.TaskID != task || u.SpanCount != len(id) {
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
	conns := srv.newConns.Load()
	t.Logf("%d calls from %d goroutines over %d connections", goroutines*perGoroutine, goroutines, conns)
	assert.Positive(t, conns)
	// A connection the transport had to drop (a keep-alive race on a busy
	// machine) is replaced by a new one, so allow two spares; without the
	// pool's cap the 100 goroutines open about 100.
	assert.LessOrEqual(t, conns, int64(engine.DefaultMaxConnsPerHost+2), "new connections beyond the pool's cap")
}

// TestLoadSequentialReuse: 1,000 calls one after another, a fifth of them
// retried after a 503 with a body, a seventh answered 404 with a body and
// some answered with 80 KiB of whitespace after the JSON value (more than
// any read-ahead buffer), run over a handful of connections.
func TestLoadSequentialReuse(t *testing.T) {
	const calls = 1000
	errorBody := `{"detail": "` + strings.Repeat("e", 8<<10) + `"}` // larger than retryablehttp's 4 KiB drain
	var mu sync.Mutex
	seen := map[string]int{}
	srv := loadServe(t, func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimPrefix(r.URL.Path, "/api/v1/traces/users/")
		mu.Lock()
		seen[id]++
		n := seen[id]
		mu.Unlock()
		var i int
		_, _ = fmt.Sscanf(id, "u%d", &i)
		switch {
		case i%5 == 0 && n == 1:
			relJSON(w, http.StatusServiceUnavailable, errorBody)
		case i%7 == 0:
			relJSON(w, http.StatusNotFound, errorBody)
		case i%3 == 0:
			// Valid JSON followed by whitespace that the decoder never
			// reads: only draining the body keeps the connection.
			relJSON(w, http.StatusOK, fmt.Sprintf(`{"user_id": %q, "task_id": "t"}`, id)+strings.Repeat(" \n", 40<<10))
		default:
			loadUserHandler(0)(w, r)
		}
	})
	c := relClient(t, srv.URL, sessionkit.WithRetryWait(time.Millisecond, time.Millisecond))
	retried, notFound := 0, 0
	for i := 0; i < calls; i++ {
		id := fmt.Sprintf("u%d", i)
		u, err := c.Traces.User(context.Background(), id, traces.UserOptions{TaskIDs: []string{"t"}})
		if i%7 == 0 {
			var ae *sessionkit.APIError
			require.ErrorAs(t, err, &ae, "call %d", i)
			require.Equal(t, http.StatusNotFound, ae.StatusCode)
			notFound++
			continue
		}
		require.NoError(t, err, "call %d", i)
		require.Equal(t, id, u.UserID)
		if i%5 == 0 {
			retried++
		}
	}
	conns := srv.newConns.Load()
	t.Logf("%d calls (%d retried after a 503, %d answered 404) over %d connections", calls, retried, notFound, conns)
	assert.LessOrEqual(t, conns, int64(2), "bodies are drained and closed on every path, so connections are reused")
}
