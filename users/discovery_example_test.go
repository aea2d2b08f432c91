package users_test

import (
	"context"
	"fmt"
	"log"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/users"
)

// One page of a tenant's users, newest first. Names are claims.
func ExampleService_List() {
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

	page, err := client.Users.List(context.Background(), users.ListOptions{
		Size: 3, Sort: users.Sort{Key: users.SortByCreationTime, Order: users.Descending},
	})
	if err != nil {
		log.Fatal(err)
	}
	if p := page.Pagination; p != nil {
		fmt.Printf("%d of %d users, more: %v\n", len(page.Users), p.TotalCount, p.HasNext)
	}
	for _, u := range page.Users {
		fmt.Println(u.CreationTime.Format("2006-01-02"), u.Claims["name"], u.Emails[0].Email)
	}
	// Output:
	// 3 of 11 users, more: true
	// 2026-09-28 Tomasz Rossi tomasz.rossi@example.net
	// 2026-08-31 Linus Lovelace linus.lovelace@example.com
	// 2026-07-25 Hiroshi Lovelace hiroshi.lovelace@example.org
}

// Walk every user of a tenant, then every session of each: the discovery
// call tells a batch job what to walk.
func ExampleService_ListIter() {
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

	ctx := context.Background()
	people, sessionCount := 0, 0
	for u, err := range client.Users.ListIter(ctx, users.ListOptions{Size: 5}) {
		if err != nil {
			log.Fatal(err)
		}
		people++
		for _, err := range client.Users.SessionsIter(ctx, u.UserID, users.SessionsOptions{Size: 50}) {
			if err != nil {
				log.Fatal(err)
			}
			sessionCount++
		}
	}
	fmt.Printf("%d users, %d sessions\n", people, sessionCount)
	// Output:
	// 11 users, 517 sessions
}
