package sessionkit_test

// Benchmark of FanOut over many Zoom sessions at several parallel limits.

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

// BenchmarkFanOutZoom walks every user of the test kit's 23 ended Zoom
// sessions (3 pages of users each) through FanOut, with 20 ms of server
// latency per request, at parallel 1, 4 and 8. It reports the time of one
// whole walk and its ratio to parallel 1 (run parallel 1 first:
// go test -run XXX -bench FanOutZoom -benchtime 1x). With pages of 10 a
// session's walk fits FanOutBuffer; with pages of 50 it does not, and a
// walk waits for the consumer before its last page.
func BenchmarkFanOutZoom(b *testing.B) {
	for _, pageSize := range []int{10, 50} {
		srv := sessionkittest.NewServer(sessionkittest.WithUsers(3*pageSize), sessionkittest.WithLatency(20*time.Millisecond))
		for _, prefetch := range []int{0, 1} {
			benchFanOutZoom(b, srv, pageSize, prefetch)
		}
		srv.Close()
	}
}

func benchFanOutZoom(b *testing.B, srv *sessionkittest.Server, pageSize, prefetch int) {
	now := srv.Data().BaseTime
	opts := sessions.ListSessionsOptions{From: now.AddDate(0, -6, 0), To: now, Type: sessions.Past}
	want := 0 // every join of every ended session in the range, as the kit serves them
	for _, s := range srv.Data().ZoomSessions {
		if s.EndTime != "" {
			want += len(srv.Data().ZoomUsers[s.ID])
		}
	}
	var base time.Duration
	for _, parallel := range []int{1, 4, 8} {
		b.Run(fmt.Sprintf("pages=3x%d/prefetch=%d/parallel=%d", pageSize, prefetch, parallel), func(b *testing.B) {
			c, err := sessionkit.NewClient(sessionkit.WithBaseURL(srv.ZoomURL()), sessionkit.WithAPIKey("test-key"), sessionkit.WithPrefetch(prefetch))
			if err != nil {
				b.Fatal(err)
			}
			defer c.CloseIdleConnections()
			ctx := context.Background()
			usersOf := func(ctx context.Context, s sessions.VideoSession) iter.Seq2[sessions.VideoUser, error] {
				return c.Sessions.ListUsersIter(ctx, s.ID, sessions.ListUsersOptions{Type: sessions.Past, PageSize: pageSize})
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
				if n != want {
					b.Fatalf("%d joins, want %d", n, want)
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
