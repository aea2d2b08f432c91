package traces_test

import (
	"context"
	"fmt"
	"log"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/traces"
)

// One page of Arthur's tasks, archived ones included. The search is a POST
// that only reads: it is retried like a GET.
func ExampleService_Tasks() {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	client, err := sessionkit.NewClient(
		sessionkit.WithBaseURL(srv.ArthurURL()),
		sessionkit.WithAPIKey("test-key"),
	)
	if err != nil {
		log.Fatal(err)
	}

	page, err := client.Traces.Tasks(context.Background(), traces.TasksOptions{
		IncludeArchived: true, Sort: traces.Asc, PageSize: 10,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(page.Count, "tasks")
	for _, t := range page.Tasks {
		fmt.Printf("%s created %s agentic=%v archived=%v\n", t.Name, t.CreatedAt.Format("2006-01-02"), t.IsAgentic, t.IsArchived)
	}
	// Output:
	// 3 tasks
	// sales-agent created 2026-05-15 agentic=true archived=false
	// legacy-summarizer created 2026-05-16 agentic=false archived=true
	// support-bot created 2026-07-16 agentic=false archived=false
}

// Walk every active task, then the users of each.
func ExampleService_TasksIter() {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	client, err := sessionkit.NewClient(
		sessionkit.WithBaseURL(srv.ArthurURL()),
		sessionkit.WithAPIKey("test-key"),
	)
	if err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	for t, err := range client.Traces.TasksIter(ctx, traces.TasksOptions{Sort: traces.Asc}) {
		if err != nil {
			log.Fatal(err)
		}
		n := 0
		for _, err := range client.Traces.UsersIter(ctx, traces.UsersOptions{TaskIDs: []string{t.ID}, PageSize: 100}) {
			if err != nil {
				log.Fatal(err)
			}
			n++
		}
		fmt.Printf("%s: %d users\n", t.Name, n)
	}
	// Output:
	// sales-agent: 23 users
	// support-bot: 24 users
}
