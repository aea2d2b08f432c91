package engine

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// brScript is a RoundTripper that answers attempt i with script[i]: a
// status with a whole body, or (cut) a 200 whose body fails half way.
type brScript struct {
	mu     sync.Mutex
	script []brAnswer
	n      int
}

type brAnswer struct {
	status int
	body   string
	cut    bool
}

// brFailingBody yields its text, then fails like a dropped connection.
type brFailingBody struct{ r io.Reader }

func (b *brFailingBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		return n, io.ErrUnexpectedEOF
	}
	return n, err
}

func (b *brFailingBody) Close() error { return nil }

func (s *brScript) RoundTrip(req *http.Request) (*http.Response, error) {
	s.mu.Lock()
	a := s.script[min(s.n, len(s.script)-1)]
	s.n++
	s.mu.Unlock()
	body := io.NopCloser(strings.NewReader(a.body))
	if a.cut {
		body = &brFailingBody{r: strings.NewReader(a.body[:len(a.body)/2])}
	}
	return &http.Response{StatusCode: a.status, Header: http.Header{"Content-Type": {"application/json"}}, Body: body, Request: req}, nil
}

func brClient(t *testing.T, rt http.RoundTripper, maxRetries int) *Client {
	t.Helper()
	base, err := url.Parse("https://api.example.test")
	require.NoError(t, err)
	var cfg Config
	cfg.APIs[Arthur] = APIConfig{BaseURL: base}
	cfg.HTTPClient = &http.Client{Transport: rt}
	cfg.MaxRetries = maxRetries
	cfg.RetryWaitMin, cfg.RetryWaitMax = time.Millisecond, 2*time.Millisecond
	return New(cfg)
}

type brPage struct {
	Count int      `json:"count"`
	Users []string `json:"users"`
}

func TestBodyReadRetriesShareTheBudget(t *testing.T) {
	good := brAnswer{status: 200, body: `{"count": 2, "users": ["a", "b"]}`}
	cut := brAnswer{status: 200, body: `{"count": 9, "users": ["x", "y", "z", "w", "v"]}`, cut: true}
	busy := brAnswer{status: 503, body: `{"detail": "busy"}`}
	tests := []struct {
		name       string
		script     []brAnswer
		maxRetries int
		wantErr    bool
		attempts   int
	}{
		{"cut then good", []brAnswer{cut, good}, 2, false, 2},
		{"503, cut, good", []brAnswer{busy, cut, good}, 2, false, 3},
		{"cut, 503, good", []brAnswer{cut, busy, good}, 2, false, 3},
		{"503, cut, good over a budget of one retry", []brAnswer{busy, cut, good}, 1, true, 2},
		{"cut, cut, good over a budget of one retry", []brAnswer{cut, cut, good}, 1, true, 2},
		{"no retries", []brAnswer{cut, good}, 0, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := &brScript{script: tt.script}
			c := brClient(t, rt, tt.maxRetries)
			out := brPage{Users: []string{"left over"}}
			resp, err := c.Get(context.Background(), Arthur, "/users", "users", nil, &out)
			assert.Equal(t, tt.attempts, rt.n, "requests sent")
			if tt.wantErr {
				require.Error(t, err)
				assert.NotErrorIs(t, err, ErrMalformedResponse)
				assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.attempts, resp.Attempts, "Attempts counts every request")
			assert.Equal(t, brPage{Count: 2, Users: []string{"a", "b"}}, out, "nothing of the failed attempt is kept")
		})
	}
}

func TestBodyReadErrorIsTold(t *testing.T) {
	r := &readRecorder{r: &brFailingBody{r: strings.NewReader("{")}}
	_, err := io.ReadAll(r)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.ErrorIs(t, r.err, io.ErrUnexpectedEOF)

	whole := &readRecorder{r: strings.NewReader("{")}
	_, err = io.ReadAll(whole)
	require.NoError(t, err)
	assert.NoError(t, whole.err, "io.EOF is the end of a whole body")
	assert.False(t, errors.Is(whole.err, io.EOF))
}
