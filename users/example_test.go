package users_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/users"
)

// One page of a user's sessions, sorted, with the totals from MonoCloud's
// X-Pagination header. MonoCloud lives on each tenant's own domain: the
// base URL is required, and the key goes in X-API-KEY.
func ExampleService_Sessions() {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	client, err := sessionkit.NewClient(
		sessionkit.ForAPI(sessionkit.MonoCloud,
			sessionkit.WithBaseURL(srv.MonoCloudURL()), // https://<tenant>.monocloud.com
			sessionkit.WithAPIKey("test-key")),
	)
	if err != nil {
		log.Fatal(err)
	}
	userID := srv.Data().MonoCloudUserIDs[0]

	page, err := client.Users.Sessions(context.Background(), userID, users.SessionsOptions{
		Size: 3, Sort: users.Sort{Key: users.SortByInitiatedAt, Order: users.Ascending},
	})
	if err != nil {
		log.Fatal(err)
	}
	if p := page.Pagination; p != nil { // nil when the server sends no header
		fmt.Printf("page %d: %d of %d sessions, more: %v\n", p.CurrentPage, len(page.Sessions), p.TotalCount, p.HasNext)
	}
	for _, s := range page.Sessions {
		fmt.Println(s.InitiatedAt.UTC().Format(time.DateTime), s.LastMetadata.Country)
	}
	// Output:
	// page 1: 3 of 47 sessions, more: true
	// 2026-10-30 10:36:26 France
	// 2026-10-30 17:49:24 United States of America
	// 2026-10-31 07:25:25 Canada
}

// Walk all of a user's sessions. With the X-Pagination header the walk
// stops on has_next == false without an extra request.
func ExampleService_SessionsIter() {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	client, err := sessionkit.NewClient(
		sessionkit.ForAPI(sessionkit.MonoCloud,
			sessionkit.WithBaseURL(srv.MonoCloudURL()),
			sessionkit.WithAPIKey("test-key")),
	)
	if err != nil {
		log.Fatal(err)
	}

	byCountry := map[string]int{}
	n := 0
	for s, err := range client.Users.SessionsIter(context.Background(), srv.Data().MonoCloudUserIDs[0], users.SessionsOptions{Size: 10}) {
		if err != nil {
			log.Fatal(err)
		}
		n++
		byCountry[s.LastMetadata.Country]++
	}
	fmt.Printf("%d sessions, %d from Brazil, in %d requests\n", n, byCountry["Brazil"], srv.RequestCount())
	// Output:
	// 47 sessions, 7 from Brazil, in 5 requests
}
