package sessions_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
)

// One page of the Zoom Video SDK sessions that ended in a month. Zoom's
// type defaults to live: ended sessions need Past.
func ExampleService_ListSessions() {
	srv := sessionkittest.NewServer() // in production: leave out WithBaseURL
	defer srv.Close()
	client, err := sessionkit.NewClient(
		sessionkit.WithBaseURL(srv.ZoomURL()),
		sessionkit.WithAPIKey("test-key"), // or WithVideoSDKCredentials(key, secret)
	)
	if err != nil {
		log.Fatal(err)
	}

	page, err := client.Sessions.ListSessions(context.Background(), sessions.ListSessionsOptions{
		From: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), // sent as 2026-09-01
		To:   time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC),
		Type: sessions.Past, PageSize: 2,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("from", page.From, "to", page.To)
	for _, s := range page.Sessions {
		fmt.Printf("%s %q: %d users, %s\n", s.StartTime.Format("Jan 2 15:04"), s.SessionName, s.UserCount, s.Duration)
	}
	fmt.Println("more pages:", page.NextPageToken != "")
	// Output:
	// from 2026-09-01 to 2026-09-30
	// Sep 12 01:16 "Zoom SDK Test": 47 users, 14m12s
	// Sep 19 03:27 "Zoom SDK Test": 44 users, 2h26m1s
	// more pages: true
}

// Walk every session that ended in the last six months. Zoom lists at most
// one month at a time; the iterator walks the range month by month.
func ExampleService_ListSessionsIter() {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	client, err := sessionkit.NewClient(
		sessionkit.WithBaseURL(srv.ZoomURL()),
		sessionkit.WithAPIKey("test-key"),
	)
	if err != nil {
		log.Fatal(err)
	}

	now := srv.Data().BaseTime // time.Now() in production
	perMonth := map[time.Month]int{}
	var long time.Duration
	for s, err := range client.Sessions.ListSessionsIter(context.Background(), sessions.ListSessionsOptions{
		From: now.AddDate(0, -6, 0), To: now, Type: sessions.Past,
	}) {
		if err != nil {
			log.Fatal(err) // a *sessionkit.PageError wrapping a *sessions.WindowError
		}
		perMonth[s.StartTime.Month()]++
		long = max(long, s.Duration)
	}
	for m := time.May; m <= time.November; m++ {
		fmt.Printf("%s: %d\n", m, perMonth[m])
	}
	fmt.Println("longest:", long)
	fmt.Println("requests:", srv.RequestCount())
	// Output:
	// May: 1
	// June: 4
	// July: 3
	// August: 4
	// September: 3
	// October: 3
	// November: 5
	// longest: 7h0m0s
	// requests: 7
}
