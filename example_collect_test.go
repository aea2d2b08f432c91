package sessionkit_test

import (
	"context"
	"fmt"
	"log"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
)

// Every user of a Ductape session in one slice. On a failure Collect
// returns the users before it and a *PageError saying where to resume.
func ExampleCollect() {
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

	all, err := sessionkit.Collect(client.Sessions.FetchUsersIter(context.Background(), sessions.FetchUsersOptions{
		Product: "my-product", Session: "user-session", Limit: 20,
	}))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d users; the first is %s\n", len(all), all[0].Identifier)
	fmt.Println("requests:", srv.RequestCount())
	// Output:
	// 47 users; the first is dmitri.okafor@example.com
	// requests: 3
}
