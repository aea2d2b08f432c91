package sessionkit_test

import (
	"context"
	"fmt"
	"iter"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
)

// BenchmarkFanOutZoom walks every user of the test kit's 20 ended Zoom
// sessions (30 joins each: 3 pages of 10) through FanOut, with 20 ms of
// server latency per request, at parallel 1, 4 and 8. It reports the time
// of one whole walk and its ratio to parallel 1 (run parallel 1 first:
// go test -run XXX -bench FanOutZoom -benchtime 1x).
func BenchmarkFanOutZoom(b *testing.B) {
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(30), sessionkittest.WithLatency(20*time.Millisecond))
	defer srv.Close()
	now := srv.Data().BaseTime
	opts := sessions.ListSessionsOptions{From: now.AddDate(0, -6, 0), To: now, Type: sessions.Past}
	for _, prefetch := range []int{0, 1} {
		var base time.Duration
		for _, parallel := range []int{1, 4, 8} {
			b.Run(fmt.Sprintf("prefetch=%d/parallel=%d", prefetch, parallel), func(b *testing.B) {
				c, err := sessionkit.NewClient(sessionkit.WithBaseURL(srv.ZoomURL()), sessionkit.WithAPIKey("test-key"), sessionkit.WithPrefetch(prefetch))
				if err != nil {
					b.Fatal(err)
				}
				ctx := context.Background()
				usersOf := func(ctx context.Context, s sessions.VideoSession) iter.Seq2[sessions.VideoUser, error] {
					return c.Sessions.ListUsersIter(ctx, s.ID, sessions.ListUsersOptions{Type: sessions.Past, PageSize: 10})
				}
				start := time.Now()
				for range b.N {
					n := 0
					for _, err := range sessionkit.FanOut(ctx, c.Sessions.ListSessionsIter(ctx, opts), parallel, usersOf) {
						if err != nil {
							b.Fatal(err)
						}
						n++
					}
					if n != sessionkittest.ZoomPastSessions*30 {
						b.Fatalf("%d joins, want %d", n, sessionkittest.ZoomPastSessions*30)
					}
				}
				per := time.Since(start) / time.Duration(b.N)
				if parallel == 1 {
					base = per
				}
				b.ReportMetric(float64(per.Milliseconds()), "ms/walk")
				if base > 0 {
					b.ReportMetric(float64(per)/float64(base), "ratio")
				}
			})
		}
	}
}
