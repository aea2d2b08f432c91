package sessionkit_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/traces"
	"github.com/sessionkit/sessionkit-go/users"
)

// A client for one API: here Ductape, served by the in-process test kit. In
// production leave out WithBaseURL (Ductape's default is
// https://api.ductape.app) and read the key from the environment.
func ExampleNewClient() {
	srv := sessionkittest.NewServer()
	defer srv.Close()

	client, err := sessionkit.NewClient(
		sessionkit.WithBaseURL(srv.DuctapeURL()),
		sessionkit.WithAPIKey("test-key"),
		sessionkit.WithWorkspaceID("ws_test"),
		sessionkit.WithMaxRetries(2),
	)
	if err != nil {
		log.Fatal(err)
	}
	page, err := client.Sessions.FetchUsers(context.Background(), sessions.FetchUsersOptions{
		Product: "my-product", Session: "user-session", Limit: 3,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d users on %d pages; the first three:\n", page.Total, page.TotalPages)
	for _, u := range page.Users {
		fmt.Println(u.Identifier)
	}
	// Output:
	// 47 users on 16 pages; the first three:
	// dmitri.okafor@example.com
	// acme-corp/bruno.hamilton@example.net
	// zoe.nakamura@example.net
}

// One client, four APIs on four hosts, each with its own key. Options
// inside ForAPI apply to that API only and win over the global ones.
func ExampleForAPI() {
	ductape := sessionkittest.NewServer(sessionkittest.WithAPIKey("ductape-key"))
	defer ductape.Close()
	others := sessionkittest.NewServer(sessionkittest.WithAPIKey("shared-key"))
	defer others.Close()

	client, err := sessionkit.NewClient(
		sessionkit.WithAPIKey("shared-key"), // Zoom, Arthur and MonoCloud
		sessionkit.WithWorkspaceID("ws_test"),
		sessionkit.ForAPI(sessionkit.Ductape,
			sessionkit.WithBaseURL(ductape.DuctapeURL()),
			sessionkit.WithAPIKey("ductape-key")), // Ductape only
		sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithBaseURL(others.ZoomURL())),
		sessionkit.ForAPI(sessionkit.Arthur, sessionkit.WithBaseURL(others.ArthurURL())),
		sessionkit.ForAPI(sessionkit.MonoCloud, sessionkit.WithBaseURL(others.MonoCloudURL())),
	)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	dp, err := client.Sessions.FetchUsers(ctx, sessions.FetchUsersOptions{Product: "my-product", Session: "user-session"})
	if err != nil {
		log.Fatal(err)
	}
	zp, err := client.Sessions.ListUsers(ctx, others.Data().ZoomSessionIDs[0], sessions.ListUsersOptions{Type: sessions.Past})
	if err != nil {
		log.Fatal(err)
	}
	ap, err := client.Traces.Users(ctx, traces.UsersOptions{TaskIDs: others.Data().ArthurTaskIDs})
	if err != nil {
		log.Fatal(err)
	}
	mp, err := client.Users.Sessions(ctx, others.Data().MonoCloudUserIDs[0], users.SessionsOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("ductape users:", dp.Total)
	fmt.Println("zoom users on the first page:", len(zp.Users))
	fmt.Println("arthur rows:", ap.Count)
	fmt.Println("monocloud sessions:", mp.Pagination.TotalCount)
	for _, r := range ductape.Requests() {
		fmt.Println("the Ductape host got:", r.Header.Get("Authorization"))
	}
	// Output:
	// ductape users: 47
	// zoom users on the first page: 30
	// arthur rows: 47
	// monocloud sessions: 47
	// the Ductape host got: Bearer ductape-key
}

// Every answer an API marked as failed is an *APIError; errors.As finds it
// also inside an iterator's *PageError.
func ExampleAPIError() {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	client, err := sessionkit.NewClient(
		sessionkit.WithAPIKey("test-key"),
		sessionkit.WithWorkspaceID("ws_test"),
		sessionkit.ForAPI(sessionkit.Ductape, sessionkit.WithBaseURL(srv.DuctapeURL())),
		sessionkit.ForAPI(sessionkit.MonoCloud, sessionkit.WithBaseURL(srv.MonoCloudURL())),
	)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	_, err = client.Sessions.FetchUserDetails(ctx, sessions.FetchUserDetailsOptions{
		Product: "my-product", Session: "user-session", Identifier: "nobody@example.com",
	})
	var apiErr *sessionkit.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound {
		fmt.Printf("Ductape: %d, code %s, %q, %d attempt(s)\n", apiErr.StatusCode, apiErr.Code, apiErr.Message, apiErr.Attempts)
	}

	for _, err := range client.Users.SessionsIter(ctx, "no-such-user", users.SessionsOptions{}) {
		var pageErr *sessionkit.PageError
		if errors.As(err, &pageErr) && errors.As(err, &apiErr) {
			fmt.Printf("MonoCloud: page %d after %d items: %d, %q\n", pageErr.Page, pageErr.Yielded, apiErr.StatusCode, apiErr.Message)
		}
	}
	// Output:
	// Ductape: 404, code USER_NOT_FOUND, "User not found", 1 attempt(s)
	// MonoCloud: page 1 after 0 items: 404, "User not found"
}

// Bad options and arguments are caught before any request is sent.
func ExampleErrInvalidOptions() {
	_, err := sessionkit.NewClient(sessionkit.WithRetryWait(time.Minute, time.Second))
	fmt.Println(errors.Is(err, sessionkit.ErrInvalidOptions))
	fmt.Println(err)

	client, err := sessionkit.NewClient(sessionkit.WithAPIKey("example-key"))
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.Traces.Users(context.Background(), traces.UsersOptions{}) // no TaskIDs, no base URL
	fmt.Println(errors.Is(err, sessionkit.ErrInvalidOptions))
	fmt.Println(err)
	// Output:
	// true
	// sessionkit: invalid options: WithRetryWait: min 1m0s is greater than max 1s
	// true
	// sessionkit: invalid options: UsersOptions.TaskIDs is required: give at least one task ID
}
