package traces_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/traces"
)

// One page of the users seen in a task's traces, newest first. Arthur is
// self-hosted: the base URL is required.
func ExampleService_Users() {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	client, err := sessionkit.NewClient(
		sessionkit.WithBaseURL(srv.ArthurURL()),
		sessionkit.WithAPIKey("test-key"),
	)
	if err != nil {
		log.Fatal(err)
	}
	taskIDs := srv.Data().ArthurTaskIDs

	page, err := client.Traces.Users(context.Background(), traces.UsersOptions{
		TaskIDs: taskIDs, Sort: traces.Desc, PageSize: 4,
		StartTime: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), // sent as RFC 3339
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d rows since November 1 (costs in %s)\n", page.Count, page.DisplayCurrency)
	for _, u := range page.Users {
		tokens := "unknown" // nil: the API did not say, unlike a known 0
		if u.TotalTokenCount != nil {
			tokens = fmt.Sprint(*u.TotalTokenCount)
		}
		fmt.Printf("%s: %d traces, %s tokens, started %s\n", u.UserID, u.TraceCount, tokens, u.EarliestStartTime.Format(time.DateTime))
	}
	// Output:
	// 46 rows since November 1 (costs in USD)
	// u-9: 3 traces, 2825 tokens, started 2026-11-19 21:12:10
	// u-9: 3 traces, 12568 tokens, started 2026-11-19 15:40:34
	// u-15: 7 traces, 6565 tokens, started 2026-11-18 18:04:19
	// u-17: 2 traces, 3048 tokens, started 2026-11-18 03:48:15
}

// Walk every row of two tasks; pages are 0-based and the walk ends on the
// last page that the count implies.
func ExampleService_UsersIter() {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	client, err := sessionkit.NewClient(
		sessionkit.WithBaseURL(srv.ArthurURL()),
		sessionkit.WithAPIKey("test-key"),
	)
	if err != nil {
		log.Fatal(err)
	}

	rows, spans := 0, 0
	var cost float64
	for u, err := range client.Traces.UsersIter(context.Background(), traces.UsersOptions{
		TaskIDs: srv.Data().ArthurTaskIDs, PageSize: 10,
	}) {
		if err != nil {
			log.Fatal(err)
		}
		rows++
		spans += u.SpanCount
		if u.TotalTokenCost != nil {
			cost += *u.TotalTokenCost
		}
	}
	fmt.Printf("%d rows, %d spans, %.2f USD\n", rows, spans, cost)
	// Output:
	// 47 rows, 1708 spans, 1.54 USD
}

// One user's trace metadata. The user ID travels as one path segment, even
// when it contains a slash.
func ExampleService_User() {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	client, err := sessionkit.NewClient(
		sessionkit.WithBaseURL(srv.ArthurURL()),
		sessionkit.WithAPIKey("test-key"),
	)
	if err != nil {
		log.Fatal(err)
	}

	u, err := client.Traces.User(context.Background(), "svc/batch-runner", traces.UserOptions{
		TaskIDs: srv.Data().ArthurTaskIDs,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d sessions, %d traces, %d spans\n", u.UserID, u.SessionCount, u.TraceCount, u.SpanCount)
	fmt.Println("from", u.EarliestStartTime.Format(time.RFC3339Nano), "to", u.LatestEndTime.Format(time.RFC3339Nano))
	// Output:
	// svc/batch-runner: 3 sessions, 3 traces, 23 spans
	// from 2026-11-13T21:56:50.35373Z to 2026-11-14T21:15:06.485585Z
}
