package sessionkit_test

// Resume keeps a walk going through failures that outlast the client's
// retries, within a budget, and a Position saved from one run resumes the
// walk in another.

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/traces"
	"github.com/sessionkit/sessionkit-go/users"
)

// fastResume waits a millisecond between resumes.
var fastResume = sessionkit.ResumeBudget{Attempts: 5, Wait: time.Millisecond, MaxWait: 4 * time.Millisecond}

// resumable is one listing walked from a Position, reduced to item keys.
type resumable struct {
	name string
	api  string
	// page is the walk page (Match.Page) the tests break.
	page int
	walk func(c *sessionkit.Client, d *sessionkittest.Dataset) func(ctx context.Context, at sessionkit.Position) iter.Seq2[string, error]
}

func resumables() []resumable {
	return []resumable{
		{"Ductape", sessionkittest.Ductape, 3, func(c *sessionkit.Client, d *sessionkittest.Dataset) func(context.Context, sessionkit.Position) iter.Seq2[string, error] {
			return func(ctx context.Context, at sessionkit.Position) iter.Seq2[string, error] {
				o := sessions.FetchUsersOptions{Product: d.Product, Session: d.Session, Limit: 7, Page: at.Page}
				return mapIDs(c.Sessions.FetchUsersIter(ctx, o), func(u *sessions.User) string { return u.ID })
			}
		}},
		{"Zoom users", sessionkittest.Zoom, 3, func(c *sessionkit.Client, d *sessionkittest.Dataset) func(context.Context, sessionkit.Position) iter.Seq2[string, error] {
			return func(ctx context.Context, at sessionkit.Position) iter.Seq2[string, error] {
				o := sessions.ListUsersOptions{Type: sessions.Past, PageSize: 7, NextPageToken: at.PageToken}
				return mapIDs(c.Sessions.ListUsersIter(ctx, d.ZoomSessionIDs[0], o), func(u *sessions.VideoUser) string { return u.ParticipantUUID + u.JoinTime.String() })
			}
		}},
		{"Zoom sessions", sessionkittest.Zoom, 2, func(c *sessionkit.Client, d *sessionkittest.Dataset) func(context.Context, sessionkit.Position) iter.Seq2[string, error] {
			return func(ctx context.Context, at sessionkit.Position) iter.Seq2[string, error] {
				o := sessions.ListSessionsOptions{From: d.BaseTime.AddDate(0, -6, 0), To: d.BaseTime, Type: sessions.Past, PageSize: 2, NextPageToken: at.PageToken}
				if !at.Window.IsZero() {
					o.From = at.Window
				}
				return mapIDs(c.Sessions.ListSessionsIter(ctx, o), func(s *sessions.VideoSession) string { return s.ID })
			}
		}},
		{"Arthur", sessionkittest.Arthur, 3, func(c *sessionkit.Client, d *sessionkittest.Dataset) func(context.Context, sessionkit.Position) iter.Seq2[string, error] {
			return func(ctx context.Context, at sessionkit.Position) iter.Seq2[string, error] {
				o := traces.UsersOptions{TaskIDs: d.ArthurTaskIDs, PageSize: 7, Page: at.Page}
				return mapIDs(c.Traces.UsersIter(ctx, o), func(u *traces.UserMetadata) string { return u.UserID + "/" + u.TaskID })
			}
		}},
		{"MonoCloud", sessionkittest.MonoCloud, 3, func(c *sessionkit.Client, d *sessionkittest.Dataset) func(context.Context, sessionkit.Position) iter.Seq2[string, error] {
			return func(ctx context.Context, at sessionkit.Position) iter.Seq2[string, error] {
				o := users.SessionsOptions{Size: 7, Page: at.Page}
				return mapIDs(c.Users.SessionsIter(ctx, d.MonoCloudUserIDs[0], o), func(s *users.Session) string { return s.SessionID })
			}
		}},
	}
}

func TestResumeOutlastsAFailureLongerThanTheRetries(t *testing.T) {
	defer goleak.VerifyNone(t, serverGoroutines...)
	for _, r := range resumables() {
		for _, prefetch := range []int{0, 2} {
			t.Run(r.name, func(t *testing.T) {
				srv := sessionkittest.NewServer(sessionkittest.WithUsers(40))
				defer srv.Close()
				c, err := srv.NewClient(sessionkit.WithPrefetch(prefetch), sessionkit.WithMaxRetries(1),
					sessionkit.WithRetryWait(time.Millisecond, time.Millisecond))
				require.NoError(t, err)
				defer c.CloseIdleConnections()
				ctx := context.Background()
				walk := r.walk(c, srv.Data())
				want, err := sessionkit.Collect(walk(ctx, sessionkit.Position{}))
				require.NoError(t, err)

				// Two attempts per walk: the first two walks fail at page 3.
				srv.Fault(sessionkittest.Match{API: r.api, Page: r.page}, sessionkittest.Status(503), sessionkittest.Times(5))
				_, err = sessionkit.Collect(walk(ctx, sessionkit.Position{}))
				require.Error(t, err, "the failure outlasts the client's retries")
				srv.Fault(sessionkittest.Match{API: r.api, Page: r.page}, sessionkittest.Status(503), sessionkittest.Times(3))

				got, err := sessionkit.Collect(sessionkit.Resume(ctx, sessionkit.Position{}, walk, fastResume))
				require.NoError(t, err)
				assert.Equal(t, want, got, "every row once, in order")
			})
		}
	}
}

func TestResumeEndsWhenTheBudgetIsSpent(t *testing.T) {
	defer goleak.VerifyNone(t, serverGoroutines...)
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(40))
	defer srv.Close()
	c, err := srv.NewClient(sessionkit.WithMaxRetries(0))
	require.NoError(t, err)
	walk := resumables()[0].walk(c, srv.Data())
	ctx := context.Background()
	want, err := sessionkit.Collect(walk(ctx, sessionkit.Position{}))
	require.NoError(t, err)

	for name, budget := range map[string]sessionkit.ResumeBudget{
		"attempts": {Attempts: 2, Wait: time.Millisecond},
		"time":     {Time: time.Millisecond, Wait: time.Hour}, // the first wait would end after it
		"never":    {Attempts: -1},
	} {
		t.Run(name, func(t *testing.T) {
			match := sessionkittest.Match{API: sessionkittest.Ductape, Page: 3}
			rule := srv.Fault(match, sessionkittest.Status(503))
			defer rule.Remove()
			before := srv.Count(match)
			var got []string
			var errs []error
			for v, err := range sessionkit.Resume(ctx, sessionkit.Position{}, walk, budget) {
				if err != nil {
					errs = append(errs, err)
					continue
				}
				got = append(got, v)
			}
			require.Len(t, errs, 1)
			assert.Equal(t, want[:14], got, "the rows before the page that kept failing")
			var re *sessionkit.ResumeError
			require.ErrorAs(t, errs[0], &re)
			assert.Equal(t, name != "never", re.Spent)
			if re.Spent {
				assert.ErrorIs(t, errs[0], sessionkit.ErrResumeBudgetSpent)
				assert.Contains(t, errs[0].Error(), "budget spent")
			}
			var apiErr *sessionkit.APIError
			require.ErrorAs(t, errs[0], &apiErr, "it wraps the last failure")
			assert.Equal(t, 503, apiErr.StatusCode)
			assert.Equal(t, 14, re.Yielded)
			at, ok := sessionkit.PositionOf(errs[0])
			require.True(t, ok)
			assert.Equal(t, sessionkit.Position{Page: 3, Offset: 14}, at)
			if name == "attempts" {
				assert.Equal(t, 3, srv.Count(match)-before, "one walk and two resumes")
			} else {
				assert.Equal(t, 1, srv.Count(match)-before, "no wait beyond the time")
			}
		})
	}
}

func TestResumeStopsAtAFailureThatIsNotRetryable(t *testing.T) {
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(40))
	defer srv.Close()
	c, err := srv.NewClient(sessionkit.WithMaxRetries(0))
	require.NoError(t, err)
	walk := resumables()[3].walk(c, srv.Data()) // Arthur: 0-based pages
	match := sessionkittest.Match{API: sessionkittest.Arthur, Page: 2}
	srv.Fault(match, sessionkittest.Status(404))

	got, err := sessionkit.Collect(sessionkit.Resume(context.Background(), sessionkit.Position{}, walk, fastResume))
	assert.Len(t, got, 7)
	var re *sessionkit.ResumeError
	require.ErrorAs(t, err, &re)
	assert.False(t, re.Spent)
	assert.NotErrorIs(t, err, sessionkit.ErrResumeBudgetSpent)
	assert.Equal(t, sessionkit.Position{Page: 1, Offset: 7}, re.Position)
	assert.Equal(t, 1, srv.Count(match), "not resumed")
}

func TestResumeFromASavedPositionInALaterRun(t *testing.T) {
	defer goleak.VerifyNone(t, serverGoroutines...)
	for _, r := range resumables() {
		t.Run(r.name, func(t *testing.T) {
			srv := sessionkittest.NewServer(sessionkittest.WithUsers(40))
			defer srv.Close()
			c, err := srv.NewClient(sessionkit.WithMaxRetries(0))
			require.NoError(t, err)
			ctx := context.Background()
			walk := r.walk(c, srv.Data())
			want, err := sessionkit.Collect(walk(ctx, sessionkit.Position{}))
			require.NoError(t, err)

			// The first run stops at a page that is forbidden (a 403 is
			// not retried).
			rule := srv.Fault(sessionkittest.Match{API: r.api, Page: r.page}, sessionkittest.Status(403))
			first, err := sessionkit.Collect(sessionkit.Resume(ctx, sessionkit.Position{}, walk, fastResume))
			require.Error(t, err)
			rule.Remove()
			at, ok := sessionkit.PositionOf(err)
			require.True(t, ok)
			saved, err := json.Marshal(at)
			require.NoError(t, err)

			// A later run reads it back and walks the rest.
			var restored sessionkit.Position
			require.NoError(t, json.Unmarshal(saved, &restored))
			assert.Equal(t, at, restored)
			rest, err := sessionkit.Collect(sessionkit.Resume(ctx, restored, walk, fastResume))
			require.NoError(t, err)
			assert.Equal(t, want, append(first, rest...), "neither a row skipped nor one repeated")
			assert.Equal(t, len(first), restored.Offset)
			assert.NotEmpty(t, first)
		})
	}
}

func TestResumeRestartsAnExpiredZoomCursorAndSkipsByCount(t *testing.T) {
	for _, prefetch := range []int{0, 2} {
		srv := sessionkittest.NewServer(sessionkittest.WithUsers(40))
		c, err := srv.NewClient(sessionkit.WithPrefetch(prefetch))
		require.NoError(t, err)
		ctx := context.Background()
		walk := resumables()[1].walk(c, srv.Data())
		want, err := sessionkit.Collect(walk(ctx, sessionkit.Position{}))
		require.NoError(t, err)
		require.Greater(t, len(want), 21)

		var got []string
		advanced := false
		for v, err := range sessionkit.Resume(ctx, sessionkit.Position{}, walk, fastResume) {
			require.NoError(t, err)
			got = append(got, v)
			if len(got) == 14 && !advanced {
				advanced = true
				srv.Advance(16 * time.Minute) // every token issued so far expires
			}
		}
		assert.Equal(t, want, got, "prefetch %d: every row once, in order", prefetch)
		if prefetch == 0 {
			assert.Equal(t, 2, srv.Count(sessionkittest.Match{API: sessionkittest.Zoom, Page: 1})-1, "restarted from the first page once")
		}
		srv.Close()
	}
}

func TestResumeEndsAWaitWhenTheContextEnds(t *testing.T) {
	defer goleak.VerifyNone(t, serverGoroutines...)
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(40))
	defer srv.Close()
	c, err := srv.NewClient(sessionkit.WithMaxRetries(0))
	require.NoError(t, err)
	srv.Fault(sessionkittest.Match{API: sessionkittest.MonoCloud, Page: 2}, sessionkittest.Status(503))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	walk := resumables()[4].walk(c, srv.Data())

	began := time.Now()
	n := 0
	var last error
	for _, err := range sessionkit.Resume(ctx, sessionkit.Position{}, walk, sessionkit.ResumeBudget{Wait: time.Hour}) {
		if err != nil {
			last = err
			break
		}
		n++
		if n == 7 {
			go func() { time.Sleep(20 * time.Millisecond); cancel() }()
		}
	}
	assert.ErrorIs(t, last, context.Canceled)
	assert.Less(t, time.Since(began), 30*time.Second, "the hour's wait ended with the context")
	at, ok := sessionkit.PositionOf(last)
	require.True(t, ok)
	assert.Equal(t, sessionkit.Position{Page: 2, Offset: 7}, at)
}

func TestResumeRejectsABadBudgetBeforeAnyRequest(t *testing.T) {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	c, err := srv.NewClient()
	require.NoError(t, err)
	walk := resumables()[0].walk(c, srv.Data())
	for _, b := range []sessionkit.ResumeBudget{{Time: -time.Second}, {Wait: -1}, {MaxWait: -1}} {
		got, err := sessionkit.Collect(sessionkit.Resume(context.Background(), sessionkit.Position{}, walk, b))
		assert.Empty(t, got)
		assert.ErrorIs(t, err, sessionkit.ErrInvalidOptions)
	}
	assert.Zero(t, srv.Count(sessionkittest.Match{}))
}

func TestResumeBreakStops(t *testing.T) {
	defer goleak.VerifyNone(t, serverGoroutines...)
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(40))
	defer srv.Close()
	c, err := srv.NewClient(sessionkit.WithPrefetch(2))
	require.NoError(t, err)
	n := 0
	for _, err := range sessionkit.Resume(context.Background(), sessionkit.Position{}, resumables()[0].walk(c, srv.Data()), fastResume) {
		require.NoError(t, err)
		n++
		if n == 3 {
			break
		}
	}
	assert.Equal(t, 3, n)
}

func TestResumePassesAnErrorWithoutAPositionThrough(t *testing.T) {
	own := errors.New("not a walk's error")
	walk := func(context.Context, sessionkit.Position) iter.Seq2[int, error] {
		return func(yield func(int, error) bool) {
			if yield(1, nil) {
				yield(0, own)
			}
		}
	}
	got, err := sessionkit.Collect(sessionkit.Resume(context.Background(), sessionkit.Position{}, walk, fastResume))
	assert.Equal(t, []int{1}, got)
	assert.Same(t, own, err)
	_, ok := sessionkit.PositionOf(err)
	assert.False(t, ok)
}

func TestPositionAfter(t *testing.T) {
	window := &sessions.WindowError{From: "2026-10-01", To: "2026-10-31", Err: errors.New("503")}
	oct := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name  string
		start sessionkit.Position
		err   error
		want  sessionkit.Position
		ok    bool
	}{
		{"from the start", sessionkit.Position{}, &sessionkit.PageError{Page: 4, Yielded: 30}, sessionkit.Position{Page: 4, Offset: 30}, true},
		{"rows move to Offset", sessionkit.Position{Page: 4, Offset: 30}, &sessionkit.PageError{Page: 6, Yielded: 20}, sessionkit.Position{Page: 6, Offset: 50}, true},
		{"a skip not reached stays", sessionkit.Position{Page: 4, Skip: 3, Offset: 30}, &sessionkit.PageError{Page: 4}, sessionkit.Position{Page: 4, Skip: 3, Offset: 30}, true},
		{"a skip passed is gone", sessionkit.Position{Page: 4, Skip: 3, Offset: 30}, &sessionkit.PageError{Page: 5, Yielded: 10}, sessionkit.Position{Page: 5, Offset: 40}, true},
		{"a cursor", sessionkit.Position{}, &sessionkit.PageError{PageToken: "t", Yielded: 9}, sessionkit.Position{PageToken: "t", Offset: 9}, true},
		{"a window", sessionkit.Position{}, &sessionkit.PageError{PageToken: "t", Yielded: 9, Err: window},
			sessionkit.Position{PageToken: "t", Offset: 9, Window: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)}, true},
		{"a later window: its rows move to WindowOffset too", sessionkit.Position{},
			&sessionkit.PageError{PageToken: "t", Yielded: 9, Err: &sessions.WindowError{From: "2026-10-01", Yielded: 4}},
			sessionkit.Position{PageToken: "t", Offset: 9, Window: oct, WindowOffset: 4}, true},
		{"again in the window it began in", sessionkit.Position{Window: oct, PageToken: "s", Offset: 9, WindowOffset: 4},
			&sessionkit.PageError{PageToken: "t", Yielded: 3, Err: &sessions.WindowError{From: "2026-10-01", Yielded: 3}},
			sessionkit.Position{PageToken: "t", Offset: 12, Window: oct, WindowOffset: 7}, true},
		{"in a later window than it began in", sessionkit.Position{Window: oct.AddDate(0, -1, 0), Offset: 5, WindowOffset: 5},
			&sessionkit.PageError{PageToken: "t", Yielded: 6, Err: &sessions.WindowError{From: "2026-10-01", Yielded: 2}},
			sessionkit.Position{PageToken: "t", Offset: 11, Window: oct, WindowOffset: 2}, true},
		{"a resume error", sessionkit.Position{Page: 9}, &sessionkit.ResumeError{Position: sessionkit.Position{Page: 2}}, sessionkit.Position{Page: 2}, true},
		{"a fan-out error", sessionkit.Position{}, &sessionkit.FanOutError{Index: 2, Err: &sessionkit.PageError{Page: 3}}, sessionkit.Position{}, false},
		{"a fan-out error around a resume error", sessionkit.Position{}, &sessionkit.FanOutError{Index: 2, Err: &sessionkit.ResumeError{Position: sessionkit.Position{Page: 3}}}, sessionkit.Position{}, false},
		{"another error", sessionkit.Position{}, errors.New("x"), sessionkit.Position{}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.start.After(tt.err)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestPositionJSON(t *testing.T) {
	for _, p := range []sessionkit.Position{
		{},
		{Page: 4, Offset: 300},
		{PageToken: "tok", Skip: 2, Offset: 60},
		{Window: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), PageToken: "tok", Offset: 12},
		{Window: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), PageToken: "tok", Offset: 12, WindowOffset: 4},
	} {
		b, err := json.Marshal(p)
		require.NoError(t, err)
		var back sessionkit.Position
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, p, back, string(b))
	}
	b, _ := json.Marshal(sessionkit.Position{Page: 4, Offset: 300})
	assert.JSONEq(t, `{"page": 4, "offset": 300}`, string(b))
	b, _ = json.Marshal(sessionkit.Position{Window: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), PageToken: "tok", Offset: 12, WindowOffset: 4})
	assert.JSONEq(t, `{"window": "2026-10-01T00:00:00Z", "page_token": "tok", "offset": 12, "window_offset": 4}`, string(b))
}

func TestResumeWaitsARetryAfterWithinTheBudgetOnly(t *testing.T) {
	defer goleak.VerifyNone(t, serverGoroutines...)
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(40))
	defer srv.Close()
	// The client gives up at once on a Retry-After beyond its longest wait.
	c, err := srv.NewClient(sessionkit.WithRetryWait(time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	match := sessionkittest.Match{API: sessionkittest.Ductape, Page: 2}
	srv.Fault(match, sessionkittest.Status(503).RetryAfter("3600"))
	walk := resumables()[0].walk(c, srv.Data())

	began := time.Now()
	got, err := sessionkit.Collect(sessionkit.Resume(context.Background(), sessionkit.Position{}, walk,
		sessionkit.ResumeBudget{Time: time.Minute, Wait: time.Millisecond}))
	assert.Less(t, time.Since(began), 30*time.Second, "an hour's Retry-After is beyond a minute's budget: no wait")
	assert.Len(t, got, 7)
	assert.ErrorIs(t, err, sessionkit.ErrResumeBudgetSpent)
	var apiErr *sessionkit.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, time.Hour, apiErr.RetryAfter)
	assert.Equal(t, 1, srv.Count(match))
}

func TestResumeInsideFanOutKeepsEachInnerWalkGoing(t *testing.T) {
	defer goleak.VerifyNone(t, serverGoroutines...)
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(20))
	defer srv.Close()
	c, err := srv.NewClient(sessionkit.WithMaxRetries(1), sessionkit.WithRetryWait(time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	ctx := context.Background()
	d := srv.Data()
	outer := func() iter.Seq2[string, error] {
		return func(yield func(string, error) bool) {
			for _, id := range d.MonoCloudUserIDs[:3] {
				if !yield(id, nil) {
					return
				}
			}
		}
	}
	inner := func(resume bool) func(ctx context.Context, id string) iter.Seq2[string, error] {
		return func(ctx context.Context, id string) iter.Seq2[string, error] {
			walk := func(ctx context.Context, at sessionkit.Position) iter.Seq2[string, error] {
				return mapIDs(c.Users.SessionsIter(ctx, id, users.SessionsOptions{Size: 3, Page: at.Page}), func(s *users.Session) string { return id + "/" + s.SessionID })
			}
			if !resume {
				return walk(ctx, sessionkit.Position{})
			}
			return sessionkit.Resume(ctx, sessionkit.Position{}, walk, fastResume)
		}
	}
	want, err := sessionkit.Collect(sessionkit.FanOut(ctx, outer(), 2, inner(false)))
	require.NoError(t, err)

	srv.Fault(sessionkittest.Match{API: sessionkittest.MonoCloud, Page: 2}, sessionkittest.Status(503), sessionkittest.Times(5))
	got, err := sessionkit.Collect(sessionkit.FanOut(ctx, outer(), 2, inner(true)))
	require.NoError(t, err)
	assert.Equal(t, want, got)
}
