package sessionkittest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/traces"
	"github.com/sessionkit/sessionkit-go/users"
)

// fastRetries keeps the client's retry waits short, as a test wants.
var fastRetries = sessionkit.WithRetryWait(time.Millisecond, 10*time.Millisecond)

// A walk of a Zoom session's users survives a 429 on its third page, twice: the SDK retries it.
func ExampleServer_Fault() {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	client, _ := srv.NewClient(fastRetries)

	srv.Fault(sessionkittest.Match{API: sessionkittest.Zoom, Page: 3},
		sessionkittest.Status(429).RetryAfter("0"), sessionkittest.Times(2))

	id := srv.Data().ZoomSessionIDs[0]
	n := 0
	for _, err := range client.Sessions.ListUsersIter(context.Background(), id, sessions.ListUsersOptions{Type: sessions.Past, PageSize: 10}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		n++
	}
	fmt.Println(n == len(srv.Data().ZoomUsers[id]), srv.Count(sessionkittest.Match{API: sessionkittest.Zoom, Page: 3}))
	// Output: true 3
}

// Status answers with the vendor's own error body: Arthur's {"detail": "..."}.
func ExampleStatus() {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	client, _ := srv.NewClient(sessionkit.WithMaxRetries(0))

	srv.Fault(sessionkittest.Match{API: sessionkittest.Arthur, Route: "/api/v1/traces/users"}, sessionkittest.Status(500))
	_, err := client.Traces.Users(context.Background(), traces.UsersOptions{TaskIDs: srv.Data().ArthurTaskIDs})
	var apiErr *sessionkit.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Message)
	}
	// Output: 500 Something went wrong.
}

// A Retry-After beyond the client's longest wait makes the SDK return at once, with the wait the
// server asked for; RetryAfterDate and RetryAfterISO send it as a date instead of seconds.
func ExampleFault_RetryAfter() {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	client, _ := srv.NewClient(fastRetries)
	ctx := context.Background()
	id := srv.Data().ZoomSessionIDs[0]

	for _, f := range []sessionkittest.Fault{
		sessionkittest.Status(429).RetryAfter("3600"),
		sessionkittest.Status(429).RetryAfterDate(2 * time.Hour),
		sessionkittest.Status(503).RetryAfterISO(3 * time.Hour),
	} {
		rule := srv.Fault(sessionkittest.Match{API: sessionkittest.Zoom}, f)
		_, err := client.Sessions.ListUsers(ctx, id, sessions.ListUsersOptions{Type: sessions.Past})
		var apiErr *sessionkit.APIError
		if errors.As(err, &apiErr) {
			fmt.Println(apiErr.StatusCode, apiErr.RetryAfter.Round(time.Minute), apiErr.Attempts)
		}
		rule.Remove()
	}
	// Output:
	// 429 1h0m0s 1
	// 429 2h0m0s 1
	// 503 3h0m0s 1
}

// Zoom's daily limit is not cured by waiting a second: the SDK does not retry it.
func ExampleFault_ZoomRateLimit() {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	client, _ := srv.NewClient(fastRetries)

	srv.Fault(sessionkittest.Match{API: sessionkittest.Zoom},
		sessionkittest.Status(429).ZoomRateLimit("Daily-limit", "Heavy", 30000, 0))
	_, err := client.Sessions.ListUsers(context.Background(), srv.Data().ZoomSessionIDs[0], sessions.ListUsersOptions{})
	var apiErr *sessionkit.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Header.Get("X-RateLimit-Type"), apiErr.Attempts)
	}
	// Output: 429 Daily-limit 1
}

// A gateway's HTML error page is an error with the status, never a decoding panic.
func ExampleHTML() {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	client, _ := srv.NewClient(fastRetries, sessionkit.WithMaxRetries(1))

	srv.Fault(sessionkittest.Match{API: sessionkittest.Arthur}, sessionkittest.HTML(502))
	_, err := client.Traces.Users(context.Background(), traces.UsersOptions{TaskIDs: srv.Data().ArthurTaskIDs})
	var apiErr *sessionkit.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Header.Get("Content-Type"), apiErr.Attempts)
	}
	// Output: 502 text/html; charset=utf-8 2
}

// A 200 whose body ends mid-JSON is a malformed response.
func ExampleTruncated() {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	client, _ := srv.NewClient()

	srv.Fault(sessionkittest.Match{API: sessionkittest.Arthur}, sessionkittest.Truncated(), sessionkittest.Times(1))
	_, err := client.Traces.Users(context.Background(), traces.UsersOptions{TaskIDs: srv.Data().ArthurTaskIDs})
	fmt.Println(errors.Is(err, sessionkit.ErrMalformedResponse))
	// Output: true
}

// A 200 whose body is not JSON is a malformed response.
func ExampleMalformed() {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	client, _ := srv.NewClient()

	srv.Fault(sessionkittest.Match{API: sessionkittest.Ductape}, sessionkittest.Malformed(), sessionkittest.Times(1))
	d := srv.Data()
	_, err := client.Sessions.FetchUsers(context.Background(), sessions.FetchUsersOptions{Product: d.Product, Session: d.Session})
	fmt.Println(errors.Is(err, sessionkit.ErrMalformedResponse))
	// Output: true
}

// Drop announces a full answer, sends 100 bytes of it and hangs up.
func ExampleDrop() {
	srv := sessionkittest.NewServer()
	defer srv.Close()

	srv.Fault(sessionkittest.Match{Request: 1}, sessionkittest.Drop().CutAt(100))
	req, _ := http.NewRequest(http.MethodGet, srv.ArthurURL()+"/api/v1/traces/users?task_ids="+srv.Data().ArthurTaskIDs[0], nil)
	req.Header.Set("Authorization", "Bearer test-key")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	fmt.Println(res.StatusCode, len(body), err)
	// Output: 200 100 unexpected EOF
}

// Delay holds the answer back; a client that gives up first gets none.
func ExampleDelay() {
	srv := sessionkittest.NewServer()
	defer srv.Close()

	srv.Fault(sessionkittest.Match{API: sessionkittest.MonoCloud}, sessionkittest.Delay(time.Minute))
	hc := &http.Client{Timeout: 20 * time.Millisecond}
	_, err := hc.Get(srv.MonoCloudURL() + "/api/users/u/sessions")
	var timeout interface{ Timeout() bool }
	fmt.Println(errors.As(err, &timeout) && timeout.Timeout())
	// Output: true
}

// A fixed clock makes the per-second limit exact: two requests pass, the third is refused as Zoom
// refuses it, and a second later the bucket is full again.
func ExampleWithRateLimit() {
	clock := func() time.Time { return time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC) }
	srv := sessionkittest.NewServer(sessionkittest.WithRateLimit(sessionkittest.Zoom, 2), sessionkittest.WithClock(clock))
	defer srv.Close()
	client, _ := srv.NewClient(sessionkit.WithMaxRetries(0))
	ctx, id := context.Background(), srv.Data().ZoomSessionIDs[0]

	for i := range 4 {
		if i == 3 {
			srv.Advance(time.Second)
		}
		_, err := client.Sessions.ListUsers(ctx, id, sessions.ListUsersOptions{})
		var apiErr *sessionkit.APIError
		if errors.As(err, &apiErr) {
			fmt.Println(apiErr.StatusCode, apiErr.Code, apiErr.Header.Get("X-RateLimit-Type"))
			continue
		}
		fmt.Println(err)
	}
	// Output:
	// <nil>
	// <nil>
	// 429 429 QPS
	// <nil>
}

// Past Zoom's daily limit the answer names the daily limit, and the SDK does not retry it.
func ExampleWithDailyLimit() {
	clock := func() time.Time { return time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC) }
	srv := sessionkittest.NewServer(sessionkittest.WithDailyLimit(sessionkittest.Zoom, 1), sessionkittest.WithClock(clock))
	defer srv.Close()
	client, _ := srv.NewClient()
	ctx, id := context.Background(), srv.Data().ZoomSessionIDs[0]

	_, err := client.Sessions.ListUsers(ctx, id, sessions.ListUsersOptions{})
	fmt.Println(err)
	_, err = client.Sessions.ListUsers(ctx, id, sessions.ListUsersOptions{})
	var apiErr *sessionkit.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Header.Get("X-RateLimit-Type"), apiErr.Header.Get("Retry-After"), apiErr.Attempts)
	}
	// Output:
	// <nil>
	// 429 Daily-limit 2026-11-21T00:00:00Z 1
}

// Advance moves the server's clock: a Zoom page token 16 minutes old has expired.
func ExampleServer_Advance() {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	client, _ := srv.NewClient()
	ctx, id := context.Background(), srv.Data().ZoomSessionIDs[0]

	opts := sessions.ListUsersOptions{Type: sessions.Past, PageSize: 10}
	page, _ := client.Sessions.ListUsers(ctx, id, opts)
	srv.Advance(16 * time.Minute)
	opts.NextPageToken = page.NextPageToken
	_, err := client.Sessions.ListUsers(ctx, id, opts)
	fmt.Println(errors.Is(err, sessionkit.ErrPageTokenExpired))
	// Output: true
}

// Count tells how many requests of a kind the server received: here one per page of an Arthur
// walk (0-based page=0..4 are Pages 1..5).
func ExampleServer_Count() {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	client, _ := srv.NewClient()

	for _, err := range client.Traces.UsersIter(context.Background(), traces.UsersOptions{TaskIDs: srv.Data().ArthurTaskIDs, PageSize: 10}) {
		if err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Println(srv.Count(sessionkittest.Match{API: sessionkittest.Arthur}), srv.Count(sessionkittest.Match{API: sessionkittest.Arthur, Page: 5}))
	// Output: 5 1
}

// NewClient points every API of a client at the server, with its key and workspace.
func ExampleServer_NewClient() {
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(25))
	defer srv.Close()
	client, err := srv.NewClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	d := srv.Data()
	page, err := client.Sessions.FetchUsers(context.Background(), sessions.FetchUsersOptions{Product: d.Product, Session: d.Session})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(page.Total, page.TotalPages)
	// Output: 25 2
}

// Handle answers with any handler: here the test's own context is cancelled while page 2 is in
// flight, as Ctrl-C would, and the walk ends with the context's error.
func ExampleHandle() {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	client, _ := srv.NewClient()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	srv.Fault(sessionkittest.Match{API: sessionkittest.MonoCloud, Page: 2}, sessionkittest.Handle(func(_ http.ResponseWriter, r *http.Request) {
		cancel()
		<-r.Context().Done() // the client went away; never answer
	}))
	n := 0
	var err error
	for _, err = range client.Users.SessionsIter(ctx, srv.Data().MonoCloudUserIDs[0], users.SessionsOptions{Size: 10}) {
		if err != nil {
			break
		}
		n++
	}
	fmt.Println(n, errors.Is(err, context.Canceled))
	// Output: 10 true
}

// A Match selects requests by API, route, page, page token or position; here the 2nd Arthur
// request, and any Zoom request that carries one given cursor.
func ExampleMatch() {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	client, _ := srv.NewClient(sessionkit.WithMaxRetries(0))
	ctx, d := context.Background(), srv.Data()

	srv.Fault(sessionkittest.Match{API: sessionkittest.Arthur, Request: 2}, sessionkittest.Status(503))
	for range 3 {
		_, err := client.Traces.Users(ctx, traces.UsersOptions{TaskIDs: d.ArthurTaskIDs})
		fmt.Println("arthur:", err == nil)
	}

	opts := sessions.ListUsersOptions{Type: sessions.Past, PageSize: 10}
	first, _ := client.Sessions.ListUsers(ctx, d.ZoomSessionIDs[0], opts)
	srv.Fault(sessionkittest.Match{PageToken: first.NextPageToken}, sessionkittest.Status(500))
	opts.NextPageToken = first.NextPageToken
	_, err := client.Sessions.ListUsers(ctx, d.ZoomSessionIDs[0], opts)
	var apiErr *sessionkit.APIError
	fmt.Println("zoom page 2:", errors.As(err, &apiErr) && apiErr.StatusCode == 500)
	// Output:
	// arthur: true
	// arthur: false
	// arthur: true
	// zoom page 2: true
}
