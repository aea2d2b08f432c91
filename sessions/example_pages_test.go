package sessions_test

import (
	"context"
	"fmt"

	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
)

// FetchUsersPages yields whole pages with their totals: enough for a
// progress line without a separate request.
func ExampleService_FetchUsersPages() {
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(25))
	defer srv.Close()
	client, _ := srv.NewClient()
	d := srv.Data()

	done := 0
	for page, err := range client.Sessions.FetchUsersPages(context.Background(), sessions.FetchUsersOptions{Product: d.Product, Session: d.Session, Limit: 10}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		done += len(page.Users)
		fmt.Printf("page %d/%d: %d/%d users\n", page.Page, page.TotalPages, done, page.Total)
	}
	// Output:
	// page 1/3: 10/25 users
	// page 2/3: 20/25 users
	// page 3/3: 25/25 users
}
