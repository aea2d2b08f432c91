package sessionkit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"log"
	"os"
	"time"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
)

// A server fails page 3 five times in a row, longer than the client's one
// retry: Resume waits and walks on from page 3, and every user comes once.
func ExampleResume() {
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(40))
	defer srv.Close()
	client, _ := srv.NewClient(sessionkit.WithMaxRetries(1), sessionkit.WithRetryWait(time.Millisecond, time.Millisecond))
	srv.Fault(sessionkittest.Match{API: sessionkittest.Ductape, Page: 3}, sessionkittest.Status(503), sessionkittest.Times(5))

	d := srv.Data()
	walk := func(ctx context.Context, at sessionkit.Position) iter.Seq2[sessions.User, error] {
		return client.Sessions.FetchUsersIter(ctx, sessions.FetchUsersOptions{Product: d.Product, Session: d.Session, Limit: 10, Page: at.Page})
	}
	budget := sessionkit.ResumeBudget{Attempts: 5, Wait: time.Millisecond}
	seen := map[string]bool{}
	for u, err := range sessionkit.Resume(context.Background(), sessionkit.Position{}, walk, budget) {
		if err != nil {
			fmt.Println(err)
			return
		}
		seen[u.ID] = true
	}
	fmt.Println(len(seen), "users; page 3 asked", srv.Count(sessionkittest.Match{API: sessionkittest.Ductape, Page: 3}), "times")
	// Output: 40 users; page 3 asked 6 times
}

// A run stops at a page the server refuses; it saves where to resume as
// JSON, and a later run walks on from there.
func ExamplePositionOf() {
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(40))
	defer srv.Close()
	client, _ := srv.NewClient(sessionkit.WithMaxRetries(0))
	d := srv.Data()
	walk := func(ctx context.Context, at sessionkit.Position) iter.Seq2[sessions.User, error] {
		return client.Sessions.FetchUsersIter(ctx, sessions.FetchUsersOptions{Product: d.Product, Session: d.Session, Limit: 10, Page: at.Page})
	}
	ctx := context.Background()

	// The first run.
	rule := srv.Fault(sessionkittest.Match{API: sessionkittest.Ductape, Page: 3}, sessionkittest.Status(403))
	first, err := sessionkit.Collect(sessionkit.Resume(ctx, sessionkit.Position{}, walk, sessionkit.ResumeBudget{}))
	at, _ := sessionkit.PositionOf(err)
	saved, _ := json.Marshal(at) // to a file, say
	fmt.Println(len(first), "users, then:", string(saved))
	rule.Remove()

	// A later run.
	var from sessionkit.Position
	_ = json.Unmarshal(saved, &from)
	rest, err := sessionkit.Collect(sessionkit.Resume(ctx, from, walk, sessionkit.ResumeBudget{}))
	fmt.Println(len(rest), "more users,", err)
	// Output:
	// 20 users, then: {"page":3,"offset":20}
	// 20 more users, <nil>
}

// A batch script that survives a server failing a page for longer than the
// client's retries, and a restart of the process: it saves where it
// stopped and the next run walks on from there, neither skipping nor
// repeating a user. (Compiled, not run: it needs a real workspace.)
func ExampleResume_script() {
	client, err := sessionkit.NewClient(sessionkit.WithAPIKey(os.Getenv("DUCTAPE_KEY")), sessionkit.WithWorkspaceID("ws_123"))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	var at sessionkit.Position
	if b, err := os.ReadFile("users.pos"); err == nil {
		_ = json.Unmarshal(b, &at) // pick up where the last run stopped
	}
	walk := func(ctx context.Context, at sessionkit.Position) iter.Seq2[sessions.User, error] {
		return client.Sessions.FetchUsersIter(ctx, sessions.FetchUsersOptions{
			Product: "my-product", Session: "user-session", Limit: 100, Page: at.Page})
	}
	budget := sessionkit.ResumeBudget{Attempts: 10, Time: 15 * time.Minute}
	for u, err := range sessionkit.Resume(ctx, at, walk, budget) {
		if err != nil {
			at, _ := sessionkit.PositionOf(err)
			b, _ := json.Marshal(at)
			_ = os.WriteFile("users.pos", b, 0o600) // run again to resume
			log.Fatal(err)
		}
		fmt.Println(u.Identifier)
	}
	_ = os.Remove("users.pos")
}
