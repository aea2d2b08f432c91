package sessions_test

import (
	"context"
	"fmt"
	"log"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
)

// One page of a Ductape session's users, with the totals.
func ExampleService_FetchUsers() {
	srv := sessionkittest.NewServer() // in production: leave out WithBaseURL
	defer srv.Close()
	client, err := sessionkit.NewClient(
		sessionkit.WithBaseURL(srv.DuctapeURL()),
		sessionkit.WithAPIKey("test-key"),
		sessionkit.WithWorkspaceID("ws_test"),
	)
	if err != nil {
		log.Fatal(err)
	}

	page, err := client.Sessions.FetchUsers(context.Background(), sessions.FetchUsersOptions{
		Product: "my-product", Session: "user-session", Page: 2, Limit: 4,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("page %d of %d (%d users in all)\n", page.Page, page.TotalPages, page.Total)
	for _, u := range page.Users {
		fmt.Println(u.Identifier, u.LastSeen.Format("2006-01-02"))
	}
	// Output:
	// page 2 of 12 (47 users in all)
	// +14155550104 2026-11-19
	// diego.mensah@example.org 2026-11-20
	// sofia.okafor@example.org 2026-11-04
	// hiroshi.johansson@mail.example.com 2026-11-20
}

// Walk every user of a Ductape session, page by page, lazily. WithPrefetch
// would fetch the following pages while the loop body runs.
func ExampleService_FetchUsersIter() {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	client, err := sessionkit.NewClient(
		sessionkit.WithBaseURL(srv.DuctapeURL()),
		sessionkit.WithAPIKey("test-key"),
		sessionkit.WithWorkspaceID("ws_test"),
	)
	if err != nil {
		log.Fatal(err)
	}

	n, phones := 0, 0
	for u, err := range client.Sessions.FetchUsersIter(context.Background(), sessions.FetchUsersOptions{
		Product: "my-product", Session: "user-session", Limit: 10,
	}) {
		if err != nil {
			log.Fatal(err) // a *sessionkit.PageError: it says where to resume
		}
		n++
		if u.Identifier[0] == '+' {
			phones++
		}
	}
	fmt.Printf("%d users, %d identified by phone number\n", n, phones)
	fmt.Println("requests:", srv.RequestCount())
	// Output:
	// 47 users, 5 identified by phone number
	// requests: 5
}

// One user's session history. The identifier travels as one path segment,
// even when it contains a slash.
func ExampleService_FetchUserDetails() {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	client, err := sessionkit.NewClient(
		sessionkit.WithBaseURL(srv.DuctapeURL()),
		sessionkit.WithAPIKey("test-key"),
		sessionkit.WithWorkspaceID("ws_test"),
	)
	if err != nil {
		log.Fatal(err)
	}

	d, err := client.Sessions.FetchUserDetails(context.Background(), sessions.FetchUserDetailsOptions{
		Product: "my-product", Session: "user-session", Identifier: "acme-corp/bruno.hamilton@example.net",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d session(s), %d active\n", d.Identifier, d.TotalSessions, d.ActiveSessionsCount)
	for _, s := range d.Sessions {
		fmt.Println(s.SessionID, s.StartAt.Format("2006-01-02 15:04"), "to", s.EndAt.Format("15:04"))
	}
	// Output:
	// acme-corp/bruno.hamilton@example.net: 1 session(s), 0 active
	// s_5de7fdcf33a8 2026-11-12 18:43 to 19:04
}

// One page of a Zoom Video SDK session's users. There is no total: a
// non-empty NextPageToken means more pages follow.
func ExampleService_ListUsers() {
	srv := sessionkittest.NewServer() // in production: leave out WithBaseURL
	defer srv.Close()
	client, err := sessionkit.NewClient(
		sessionkit.WithBaseURL(srv.ZoomURL()),
		sessionkit.WithAPIKey("test-key"), // or WithVideoSDKCredentials(key, secret)
	)
	if err != nil {
		log.Fatal(err)
	}

	page, err := client.Sessions.ListUsers(context.Background(), "KkMHZ4y8QhSUWAHi5sWvfg==", sessions.ListUsersOptions{
		Type: sessions.Past, PageSize: 3,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, u := range page.Users {
		fmt.Printf("%s (%s) joined %s\n", u.Name, u.Device, u.JoinTime.Format("15:04"))
	}
	fmt.Println("more pages:", page.NextPageToken != "")
	// Output:
	// Yusuf Ivanova (Windows) joined 09:02
	// Viktor Okafor (iOS) joined 09:07
	// Priya Hamilton (H.323/SIP) joined 09:09
	// more pages: true
}

// Walk every join of a Zoom Video SDK session, following next_page_token.
// A session ID that begins with "/" is double-encoded as Zoom requires.
func ExampleService_ListUsersIter() {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	client, err := sessionkit.NewClient(
		sessionkit.WithBaseURL(srv.ZoomURL()),
		sessionkit.WithAPIKey("test-key"),
	)
	if err != nil {
		log.Fatal(err)
	}

	for _, id := range []string{"KkMHZ4y8QhSUWAHi5sWvfg==", "/Ab+cd=="} {
		joins, live := 0, 0
		for u, err := range client.Sessions.ListUsersIter(context.Background(), id, sessions.ListUsersOptions{
			Type: sessions.Past, PageSize: 20,
		}) {
			if err != nil {
				log.Fatal(err)
			}
			joins++
			if u.LeaveTime.IsZero() {
				live++
			}
		}
		fmt.Printf("%s: %d joins, %d still in the session\n", id, joins, live)
	}
	// Output:
	// KkMHZ4y8QhSUWAHi5sWvfg==: 47 joins, 0 still in the session
	// /Ab+cd==: 47 joins, 0 still in the session
}
