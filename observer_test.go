package sessionkit_test

// WithObserver: the observer sees every page, call, retry and wait of a
// walk, with the reason for each wait and the items a walk yielded, and
// never a credential or a page token.

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sessionkit "github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
)

type obsPageKey struct{}

// obsRecorder is an Observer that writes one line per event; safe for
// concurrent use.
type obsRecorder struct {
	mu     sync.Mutex
	events []string
	waits  []sessionkit.WaitInfo
	errs   []error
}

func (r *obsRecorder) add(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, fmt.Sprintf(format, args...))
}

func (r *obsRecorder) CallStart(ctx context.Context, info sessionkit.CallInfo) (context.Context, func(sessionkit.CallResult)) {
	page, _ := ctx.Value(obsPageKey{}).(string)
	r.add("call %s %s %s in=%q", info.API, info.Method, info.Route, page)
	return ctx, func(res sessionkit.CallResult) {
		r.add("end call attempts=%d status=%d err=%v", res.Attempts, res.StatusCode, res.Err != nil)
		if res.Err != nil {
			r.mu.Lock()
			r.errs = append(r.errs, res.Err)
			r.mu.Unlock()
		}
	}
}

func (r *obsRecorder) Wait(_ context.Context, info sessionkit.WaitInfo) {
	r.add("wait %s attempt=%d status=%d err=%v", info.Reason, info.Attempt, info.StatusCode, info.Err != nil)
	r.mu.Lock()
	r.waits = append(r.waits, info)
	r.mu.Unlock()
}

func (r *obsRecorder) PageStart(ctx context.Context, info sessionkit.PageInfo) (context.Context, func(sessionkit.PageResult)) {
	name := fmt.Sprintf("%s page=%d token=%v", info.Route, info.Page, info.HasToken)
	r.add("page %s %s", info.API, name)
	return context.WithValue(ctx, obsPageKey{}, name), func(res sessionkit.PageResult) {
		r.add("end page items=%d token=%v err=%v", res.Items, res.ByToken, res.Err != nil)
	}
}

func (r *obsRecorder) Walk(_ context.Context, info sessionkit.WalkInfo) {
	if info.Err != nil {
		r.mu.Lock()
		r.errs = append(r.errs, info.Err)
		r.mu.Unlock()
	}
	r.add("walk %s %s items=%d err=%v", info.API, info.Route, info.Items, info.Err != nil)
}

func (r *obsRecorder) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.events...)
}

// threePages returns a Zoom session of the kit and the page size that
// lists its users on three pages.
func threePages(t *testing.T, d *sessionkittest.Dataset) (id string, size, n int) {
	t.Helper()
	for _, id := range d.ZoomSessionIDs {
		if n := len(d.ZoomUsers[id]); n >= 7 {
			return id, (n + 2) / 3, n
		}
	}
	t.Fatal("no Zoom session with 7 users or more")
	return "", 0, 0
}

func TestObserverSeesEveryPageCallAndRetryOfAWalk(t *testing.T) {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	rec := &obsRecorder{}
	client, err := srv.NewClient(sessionkit.WithObserver(rec), mwFastRetries)
	require.NoError(t, err)
	srv.Fault(sessionkittest.Match{API: sessionkittest.Zoom, Page: 2}, sessionkittest.Status(503), sessionkittest.Times(1))

	id, size, n := threePages(t, srv.Data())
	got, err := sessionkit.Collect(client.Sessions.ListUsersIter(context.Background(), id, sessions.ListUsersOptions{Type: sessions.Past, PageSize: size}))
	require.NoError(t, err)
	require.Len(t, got, n)

	const route = "GET /videosdk/sessions/{sessionId}/users"
	in := func(token bool) string { return fmt.Sprintf("in=%q", fmt.Sprintf("%s page=0 token=%v", route, token)) }
	assert.Equal(t, []string{
		"page zoom " + route + " page=0 token=false",
		"call zoom GET " + route + " " + in(false),
		"end call attempts=1 status=200 err=false",
		fmt.Sprintf("end page items=%d token=true err=false", size),
		"page zoom " + route + " page=0 token=true",
		"call zoom GET " + route + " " + in(true),
		"wait backoff attempt=1 status=503 err=false",
		"end call attempts=2 status=200 err=false",
		fmt.Sprintf("end page items=%d token=true err=false", size),
		"page zoom " + route + " page=0 token=true",
		"call zoom GET " + route + " " + in(true),
		"end call attempts=1 status=200 err=false",
		fmt.Sprintf("end page items=%d token=true err=false", n-2*size),
		fmt.Sprintf("walk zoom %s items=%d err=false", route, n),
	}, rec.all())
}

func TestObserverWaitReasons(t *testing.T) {
	tests := []struct {
		name   string
		opts   []sessionkit.Option
		fault  sessionkittest.Fault
		reason sessionkit.WaitReason
		status int
		check  func(t *testing.T, err error)
	}{
		{name: "backoff after a 503", opts: []sessionkit.Option{mwFastRetries}, fault: sessionkittest.Status(503),
			reason: sessionkit.WaitBackoff, status: 503},
		{name: "Retry-After of a 429", opts: []sessionkit.Option{sessionkit.WithRetryWait(time.Millisecond, 5*time.Second)},
			fault: sessionkittest.Status(429).RetryAfter("1"), reason: sessionkit.WaitRetryAfter, status: 429},
		{name: "backoff after an attempt timeout",
			opts:  []sessionkit.Option{mwFastRetries, sessionkit.WithAttemptTimeout(50 * time.Millisecond)},
			fault: sessionkittest.Delay(2 * time.Second), reason: sessionkit.WaitBackoff,
			check: func(t *testing.T, err error) { assert.ErrorIs(t, err, sessionkit.ErrAttemptTimeout) }},
		{name: "backoff after a dropped connection", opts: []sessionkit.Option{mwFastRetries},
			fault: sessionkittest.Drop(), reason: sessionkit.WaitBackoff,
			check: func(t *testing.T, err error) { assert.Error(t, err) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := sessionkittest.NewServer()
			defer srv.Close()
			rec := &obsRecorder{}
			client, err := srv.NewClient(append(tt.opts, sessionkit.WithObserver(rec))...)
			require.NoError(t, err)
			srv.Fault(sessionkittest.Match{API: sessionkittest.Zoom}, tt.fault, sessionkittest.Times(1))
			d := srv.Data()
			_, err = client.Sessions.ListUsers(context.Background(), d.ZoomSessionIDs[0], sessions.ListUsersOptions{Type: sessions.Past})
			require.NoError(t, err)
			require.Len(t, rec.waits, 1, "%v", rec.all())
			w := rec.waits[0]
			assert.Equal(t, tt.reason, w.Reason)
			assert.Equal(t, sessionkit.Zoom, w.API)
			assert.Equal(t, "GET /videosdk/sessions/{sessionId}/users", w.Route)
			assert.Equal(t, 1, w.Attempt)
			assert.Equal(t, tt.status, w.StatusCode)
			assert.Positive(t, w.Duration)
			if tt.reason == sessionkit.WaitRetryAfter {
				assert.Equal(t, time.Second, w.Duration)
			}
			if tt.check != nil {
				tt.check(t, w.Err)
			} else {
				assert.NoError(t, w.Err)
			}
		})
	}
}

func TestObserverSeesRateLimiterWaits(t *testing.T) {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	rec := &obsRecorder{}
	client, err := srv.NewClient(sessionkit.WithObserver(rec), sessionkit.WithRateLimit(20, 1))
	require.NoError(t, err)
	d := srv.Data()
	for range 3 {
		_, err := client.Sessions.ListUsers(context.Background(), d.ZoomSessionIDs[0], sessions.ListUsersOptions{Type: sessions.Past})
		require.NoError(t, err)
	}
	require.NotEmpty(t, rec.waits, "two of three calls wait ~50ms for their turn")
	for _, w := range rec.waits {
		assert.Equal(t, sessionkit.WaitRateLimit, w.Reason)
		assert.GreaterOrEqual(t, w.Duration, time.Millisecond)
		assert.Equal(t, 1, w.Attempt)
	}
}

func TestObserverNeverSeesCredentialsOrPageTokens(t *testing.T) {
	const key = "test-key"
	srv := sessionkittest.NewServer()
	defer srv.Close()
	rec := &obsRecorder{}
	client, err := srv.NewClient(sessionkit.WithObserver(rec), mwFastRetries)
	require.NoError(t, err)
	// The server echoes the credential and the page token in its error
	// bodies.
	srv.Fault(sessionkittest.Match{API: sessionkittest.Zoom, Page: 2}, sessionkittest.Status(503).Body("application/json",
		`{"code":503,"message":"Bearer `+key+` is overloaded"}`), sessionkittest.Times(1))
	srv.Fault(sessionkittest.Match{API: sessionkittest.Zoom, Page: 3}, sessionkittest.Status(401).Body("application/json",
		`{"code":124,"message":"invalid token `+key+`"}`))

	id, size, _ := threePages(t, srv.Data())
	_, err = sessionkit.Collect(client.Sessions.ListUsersIter(context.Background(), id, sessions.ListUsersOptions{Type: sessions.Past, PageSize: size}))
	require.Error(t, err)

	var secrets []string
	secrets = append(secrets, key)
	for _, r := range srv.Requests() {
		q, err := url.ParseQuery(r.RawQuery)
		require.NoError(t, err)
		if tok := q.Get("next_page_token"); tok != "" {
			secrets = append(secrets, tok)
		}
	}
	require.Greater(t, len(secrets), 1, "the walk sent page tokens")
	var seen strings.Builder
	for _, e := range rec.all() {
		seen.WriteString(e + "\n")
	}
	rec.mu.Lock()
	for _, e := range rec.errs {
		fmt.Fprintf(&seen, "%v %+v\n", e, e)
		var pe *sessionkit.PageError
		if errors.As(e, &pe) {
			fmt.Fprintf(&seen, "page error %+v\n", *pe)
		}
		var ae *sessionkit.APIError
		if errors.As(e, &ae) {
			fmt.Fprintf(&seen, "%s %v\n", ae.Message, ae.Header) // Body is the raw answer, for the caller alone
		}
	}
	for _, w := range rec.waits {
		fmt.Fprintf(&seen, "%+v\n", w)
	}
	rec.mu.Unlock()
	require.Contains(t, seen.String(), "status=401", "the observer saw the failing page")
	for _, s := range secrets {
		assert.NotContains(t, seen.String(), s)
	}
}

func TestWithObserverRejectsNilAndScope(t *testing.T) {
	_, err := sessionkit.NewClient(sessionkit.WithObserver(nil))
	assert.ErrorIs(t, err, sessionkit.ErrInvalidOptions)
	assert.ErrorContains(t, err, "WithObserver")
	_, err = sessionkit.NewClient(sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithObserver(&obsRecorder{})))
	assert.ErrorIs(t, err, sessionkit.ErrInvalidOptions)
	assert.ErrorContains(t, err, "WithObserver")
}

func TestClientWithKeepsOrReplacesTheObserver(t *testing.T) {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	first, second := &obsRecorder{}, &obsRecorder{}
	client, err := srv.NewClient(sessionkit.WithObserver(first))
	require.NoError(t, err)
	kept, err := client.With(sessionkit.WithMaxRetries(1))
	require.NoError(t, err)
	replaced, err := client.With(sessionkit.WithObserver(second))
	require.NoError(t, err)
	d := srv.Data()
	for _, c := range []*sessionkit.Client{kept, replaced} {
		_, err := c.Sessions.ListUsers(context.Background(), d.ZoomSessionIDs[0], sessions.ListUsersOptions{Type: sessions.Past})
		require.NoError(t, err)
	}
	assert.Len(t, first.all(), 2, "the derived client keeps the observer")
	assert.Len(t, second.all(), 2, "WithObserver in With replaces it")
}

// nopObserver observes nothing.
type nopObserver struct{}

func (nopObserver) CallStart(ctx context.Context, _ sessionkit.CallInfo) (context.Context, func(sessionkit.CallResult)) {
	return ctx, func(sessionkit.CallResult) {}
}

func (nopObserver) Wait(context.Context, sessionkit.WaitInfo) {}

func (nopObserver) Walk(context.Context, sessionkit.WalkInfo) {}

func (nopObserver) PageStart(ctx context.Context, _ sessionkit.PageInfo) (context.Context, func(sessionkit.PageResult)) {
	return ctx, func(sessionkit.PageResult) {}
}

func TestObserverCountsTheItemsAWalkYielded(t *testing.T) {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	rec := &obsRecorder{}
	client, err := srv.NewClient(sessionkit.WithObserver(rec), sessionkit.WithPrefetch(2))
	require.NoError(t, err)
	id, size, _ := threePages(t, srv.Data())
	n := 0
	for _, err := range client.Sessions.ListUsersIter(context.Background(), id, sessions.ListUsersOptions{Type: sessions.Past, PageSize: size}) {
		require.NoError(t, err)
		if n++; n == size+2 {
			break
		}
	}
	events := rec.all()
	require.NotEmpty(t, events)
	assert.Equal(t, fmt.Sprintf("walk zoom GET /videosdk/sessions/{sessionId}/users items=%d err=false", size+2), events[len(events)-1])

	// A walk refused before its first call is not reported.
	before := len(rec.all())
	_, err = sessionkit.Collect(client.Sessions.ListUsersIter(context.Background(), "", sessions.ListUsersOptions{}))
	require.Error(t, err)
	assert.Len(t, rec.all(), before)
}
