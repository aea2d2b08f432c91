package sessionkit_test

// Benchmarks of a prefetching walk against a server that enforces a rate
// limit the client was not told about. docs/rate-limits.md gives the
// figures and the command:
//
//	go test -run '^$' -bench BenchmarkRateLimitedWalk -benchtime 1x .

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/internal/testutil/limits"
	"github.com/sessionkit/sessionkit-go/sessions"
)

const (
	paceBenchPages = 200 // pages of one user each
	paceBenchRate  = 50  // requests per second the server allows
)

// paceServer is a Ductape users endpoint of paceBenchPages one-user pages
// behind the rate limit a vendor applies, modelled by limit; a refused
// request is answered 429 with "Retry-After: 1" and Ductape's error
// envelope, and does not count against the limit.
type paceServer struct {
	mu      sync.Mutex
	limit   limits.Model
	refused atomic.Int64
	served  atomic.Int64
}

func newPaceServer(tb testing.TB, limit limits.Model) (*paceServer, string) {
	tb.Helper()
	s := &paceServer{limit: limit}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(srv.Close)
	return s, srv.URL
}

func (s *paceServer) take() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limit.Take(time.Now())
}

func (s *paceServer) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if !s.take() {
		s.refused.Add(1)
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprintf(w, `{"status": false, "code": "RATE_LIMITED", "message": "Rate limit of %d requests per second exceeded."}`, paceBenchRate)
		return
	}
	s.served.Add(1)
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	fmt.Fprintf(w, `{"status": true, "data": {"users": [{"_id": "d%d", "identifier": "u%d"}], "total": %d, "page": %d, "limit": 1, "totalPages": %d}}`,
		page, page, paceBenchPages, page, paceBenchPages)
}

// BenchmarkRateLimitedWalk walks paceBenchPages pages with WithPrefetch(8)
// against a server allowing paceBenchRate requests per second, enforced
// as a token bucket (with bursts of 10, or of a full second's 50), a fixed
// window per wall-clock second or a sliding log over any rolling second,
// without a client-side limit and with WithRateLimit matching the
// server's. It reports the refused requests per walk and the walk's time
// over the ideal (pages / rate).
func BenchmarkRateLimitedWalk(b *testing.B) {
	if testing.Short() {
		b.Skip("each walk takes at least 4 s")
	}
	limited := []sessionkit.Option{sessionkit.WithRateLimit(paceBenchRate, 10)}
	cases := []struct {
		name  string
		model func() limits.Model
		opts  []sessionkit.Option
	}{
		{"server_burst_50/no_client_limit", func() limits.Model { return limits.NewBucket(paceBenchRate, 50) }, nil},
		{"server_burst_50/WithRateLimit_50_10", func() limits.Model { return limits.NewBucket(paceBenchRate, 50) }, limited},
		{"server_burst_10/no_client_limit", func() limits.Model { return limits.NewBucket(paceBenchRate, 10) }, nil},
		{"server_burst_10/WithRateLimit_50_10", func() limits.Model { return limits.NewBucket(paceBenchRate, 10) }, limited},
		{"server_fixed_window/no_client_limit", func() limits.Model { return limits.NewFixedWindow(paceBenchRate, time.Second) }, nil},
		{"server_fixed_window/WithRateLimit_50_10", func() limits.Model { return limits.NewFixedWindow(paceBenchRate, time.Second) }, limited},
		{"server_sliding_log/no_client_limit", func() limits.Model { return limits.NewSlidingLog(paceBenchRate, time.Second) }, nil},
		{"server_sliding_log/WithRateLimit_50_10", func() limits.Model { return limits.NewSlidingLog(paceBenchRate, time.Second) }, limited},
	}
	ideal := time.Duration(paceBenchPages) * time.Second / paceBenchRate
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			var elapsed time.Duration
			var refused int64
			for range b.N {
				b.StopTimer()
				s, base := newPaceServer(b, tc.model())
				opts := append([]sessionkit.Option{
					sessionkit.WithBaseURL(base),
					sessionkit.WithAPIKey("bench-key"),
					sessionkit.WithWorkspaceID("ws_bench"),
					sessionkit.WithPrefetch(8),
					sessionkit.WithMaxRetries(10),
				}, tc.opts...)
				c, err := sessionkit.NewClient(opts...)
				require.NoError(b, err)
				b.StartTimer()
				start := time.Now()
				n := 0
				for _, err := range c.Sessions.FetchUsersIter(context.Background(), sessions.FetchUsersOptions{Product: "p", Session: "s", Limit: 1}) {
					require.NoError(b, err)
					n++
				}
				elapsed += time.Since(start)
				b.StopTimer()
				require.Equal(b, paceBenchPages, n)
				refused += s.refused.Load()
				c.CloseIdleConnections()
			}
			b.ReportMetric(float64(refused)/float64(b.N), "refused/walk")
			b.ReportMetric(float64(refused)/float64(int64(b.N)*paceBenchPages+refused)*100, "%refused")
			b.ReportMetric(elapsed.Seconds()/float64(b.N)/ideal.Seconds(), "x-ideal")
		})
	}
}
