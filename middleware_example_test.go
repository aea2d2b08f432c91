package sessionkit_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/traces"
)

// A logging middleware: one line per attempt, named by the endpoint's
// route template rather than its raw path, with the attempt number. The
// server fails the first attempt with 503; the retry passes through the
// middleware again.
func ExampleWithMiddleware() {
	srv := sessionkittest.NewServer()
	defer srv.Close()

	logAttempt := func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		ctx := req.Context()
		api, _ := sessionkit.APIFromContext(ctx)
		resp, err := next(req)
		if err != nil {
			fmt.Printf("%s %s attempt %d: %v\n", api, sessionkit.RouteFromContext(ctx), sessionkit.AttemptFromContext(ctx), err)
			return nil, err
		}
		fmt.Printf("%s %s attempt %d: %d\n", api, sessionkit.RouteFromContext(ctx), sessionkit.AttemptFromContext(ctx), resp.StatusCode)
		return resp, nil
	}
	client, err := srv.NewClient(
		sessionkit.WithRetryWait(time.Millisecond, 10*time.Millisecond),
		sessionkit.WithMiddleware(logAttempt),
	)
	if err != nil {
		log.Fatal(err)
	}

	srv.Fault(sessionkittest.Match{API: sessionkittest.Arthur}, sessionkittest.Status(503), sessionkittest.Times(1))
	if _, err := client.Traces.User(context.Background(), srv.Data().ArthurUsers[0].UserID,
		traces.UserOptions{TaskIDs: srv.Data().ArthurTaskIDs}); err != nil {
		log.Fatal(err)
	}
	// Output:
	// arthur GET /api/v1/traces/users/{user_id} attempt 1: 503
	// arthur GET /api/v1/traces/users/{user_id} attempt 2: 200
}

// routeMetrics counts requests by route and status, as a metrics library's
// labelled counter would; the route template keeps the label set small.
type routeMetrics struct {
	mu     sync.Mutex
	counts map[string]int
}

func (m *routeMetrics) middleware(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
	resp, err := next(req)
	label := "error"
	if err == nil {
		label = fmt.Sprint(resp.StatusCode)
	}
	m.mu.Lock()
	m.counts[sessionkit.RouteFromContext(req.Context())+" "+label]++
	m.mu.Unlock()
	return resp, err
}

func (m *routeMetrics) print() {
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := make([]string, 0, len(m.counts))
	for k := range m.counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Println(k, m.counts[k])
	}
}

// A metrics middleware scoped to one API with ForAPI: it counts the
// requests of a walk over Zoom session users (each user ID a different
// path, one route) and sees no request to the other APIs.
func ExampleWithMiddleware_metrics() {
	srv := sessionkittest.NewServer()
	defer srv.Close()

	metrics := &routeMetrics{counts: map[string]int{}}
	client, err := srv.NewClient(
		sessionkit.WithPrefetch(1),
		sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithMiddleware(metrics.middleware)),
	)
	if err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	d := srv.Data()
	for _, id := range d.ZoomSessionIDs[:2] {
		for _, err := range client.Sessions.ListUsersIter(ctx, id, sessions.ListUsersOptions{Type: sessions.Past, PageSize: 300}) {
			if err != nil {
				log.Fatal(err)
			}
		}
	}
	if _, err := client.Traces.Users(ctx, traces.UsersOptions{TaskIDs: d.ArthurTaskIDs}); err != nil {
		log.Fatal(err)
	}
	metrics.print()
	// Output:
	// GET /videosdk/sessions/{sessionId}/users 200 2
}

// A batch job derives a client with more patience and its own metrics from
// the application's client: both share connections, rate limits and
// credentials, and the application's client is not changed.
func ExampleClient_With() {
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(120))
	defer srv.Close()

	app, err := srv.NewClient(sessionkit.WithMaxRetries(0), sessionkit.WithRateLimit(50, 5))
	if err != nil {
		log.Fatal(err)
	}
	metrics := &routeMetrics{counts: map[string]int{}}
	batch, err := app.With(
		sessionkit.WithMaxRetries(5),
		sessionkit.WithRetryWait(time.Millisecond, 10*time.Millisecond),
		sessionkit.WithPrefetch(4),
		sessionkit.WithMiddleware(metrics.middleware),
	)
	if err != nil {
		log.Fatal(err)
	}

	srv.Fault(sessionkittest.Match{API: sessionkittest.Ductape, Page: 2}, sessionkittest.Status(502), sessionkittest.Times(2))
	d := srv.Data()
	users, err := sessionkit.Collect(batch.Sessions.FetchUsersIter(context.Background(),
		sessions.FetchUsersOptions{Product: d.Product, Session: d.Session, Limit: 50}))
	fmt.Println(len(users) == len(d.DuctapeUsers), err)
	metrics.print()

	_, err = app.With(sessionkit.WithBaseURL("https://elsewhere.example.com"))
	fmt.Println(err)
	// Output:
	// true <nil>
	// GET /integrations/v1/session/users/{workspace_id} 200 3
	// GET /integrations/v1/session/users/{workspace_id} 502 2
	// sessionkit: invalid options: WithBaseURL: cannot be changed by Client.With: the derived client shares the original's base URLs, credentials, workspace, HTTP client and rate limits; build another client with NewClient
}
