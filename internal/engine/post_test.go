package engine

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// postServer answers every request with status, recording each body.
func postServer(t *testing.T, status int, reply string) (*Client, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, r.Method+" "+string(b))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, reply)
	}))
	t.Cleanup(srv.Close)
	base, err := url.Parse(srv.URL)
	require.NoError(t, err)
	var cfg Config
	cfg.APIs[Arthur] = APIConfig{BaseURL: base}
	cfg.MaxRetries, cfg.RetryWaitMin, cfg.RetryWaitMax = 3, time.Millisecond, time.Millisecond
	return New(cfg), func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), bodies...)
	}
}

func TestPostRetryPolicy(t *testing.T) {
	in := map[string]any{"task_name": "bot"}
	for _, tt := range []struct {
		name     string
		retry    Retry
		status   int
		attempts int
	}{
		{"a write is sent once on 503", SendOnce, 503, 1},
		{"a write is sent once on 429", SendOnce, 429, 1},
		{"a read is retried on 503", RetryAsRead, 503, 4},
		{"a read is not retried on 400", RetryAsRead, 400, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, bodies := postServer(t, tt.status, `{"detail": "x"}`)
			_, err := c.Post(context.Background(), Arthur, "/search", "search", nil, in, tt.retry, &struct{}{})
			var ae *APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.attempts, ae.Attempts)
			got := bodies()
			require.Len(t, got, tt.attempts)
			for _, b := range got {
				assert.Equal(t, `POST {"task_name":"bot"}`, b, "the body is re-sent whole on every attempt")
			}
		})
	}
}

func TestPostTransportErrorRetryPolicy(t *testing.T) {
	for _, tt := range []struct {
		retry    Retry
		attempts int
	}{{SendOnce, 1}, {RetryAsRead, 3}} {
		var n int
		var cfg Config
		base, _ := url.Parse("http://post.example")
		cfg.APIs[Arthur] = APIConfig{BaseURL: base}
		cfg.MaxRetries, cfg.RetryWaitMin, cfg.RetryWaitMax = 2, time.Millisecond, time.Millisecond
		cfg.HTTPClient = &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
			n++
			return nil, errors.New("connection reset by peer")
		})}
		_, err := New(cfg).Post(context.Background(), Arthur, "/search", "search", nil, struct{}{}, tt.retry, nil)
		require.Error(t, err)
		assert.Equal(t, tt.attempts, n, "retry %v", tt.retry)
	}
}
