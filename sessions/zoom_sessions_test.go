package sessions_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sessionkit "github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/internal/testutil"
	"github.com/sessionkit/sessionkit-go/sessions"
)

const zoomSessionsRoute = testutil.Prefix + "/videosdk/sessions"

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// sessionsPage is a ListSessions body with one session per id.
func sessionsPage(next string, ids ...string) testutil.Reply {
	rows := make([]string, len(ids))
	for i, id := range ids {
		rows[i] = fmt.Sprintf(`{"id": %q, "session_name": "s %s", "start_time": "2026-07-02T14:59:07Z", "duration": "04:38"}`, id, id)
	}
	return testutil.JSON(http.StatusOK, fmt.Sprintf(`{"from": "2026-07-01", "to": "2026-07-31", "page_size": 2, "next_page_token": %q, "sessions": [%s]}`,
		next, strings.Join(rows, ",")))
}

func TestListSessionsQuery(t *testing.T) {
	newYork, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	tokyo := time.FixedZone("JST", 9*3600)
	tests := []struct {
		name string
		opts sessions.ListSessionsOptions
		want string
	}{
		{"dates only", sessions.ListSessionsOptions{From: day(2026, 7, 1), To: day(2026, 7, 31)}, "from=2026-07-01&to=2026-07-31"},
		{
			name: "each date in its own location",
			opts: sessions.ListSessionsOptions{
				From: time.Date(2026, 7, 1, 23, 30, 0, 0, newYork), // 2026-07-02 in UTC
				To:   time.Date(2026, 7, 31, 1, 0, 0, 0, tokyo),    // 2026-07-30 in UTC
			},
			want: "from=2026-07-01&to=2026-07-31",
		},
		{
			name: "every parameter",
			opts: sessions.ListSessionsOptions{
				From: day(2026, 7, 1), To: day(2026, 7, 1), Type: sessions.Past, PageSize: 300,
				NextPageToken: "suQA5L/vD+nH5==", SessionKey: "key 1&x", SessionName: "Zoom SDK Test",
			},
			want: "from=2026-07-01&next_page_token=suQA5L%2FvD%2BnH5%3D%3D&page_size=300&session_key=key+1%26x&session_name=Zoom+SDK+Test&to=2026-07-01&type=past",
		},
		{"live", sessions.ListSessionsOptions{From: day(2026, 1, 1), To: day(2026, 5, 1), Type: sessions.Live}, "from=2026-01-01&to=2026-05-01&type=live"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := testutil.NewRecorder(t, testutil.Always(sessionsPage("")))
			_, err := newClient(t, rec).Sessions.ListSessions(context.Background(), tt.opts)
			require.NoError(t, err)
			got := rec.Last()
			assert.Equal(t, http.MethodGet, got.Method)
			assert.Equal(t, zoomSessionsRoute, got.EscapedPath)
			assert.Equal(t, tt.want, got.RawQuery)
			assert.Equal(t, "Bearer "+testKey, got.Header.Get("Authorization"))
		})
	}
}

func TestListSessionsDecode(t *testing.T) {
	body := `{"from": "2024-02-01", "to": "2024-03-01", "page_size": 30, "next_page_token": "tok", "total_records": 3,
	 "sessions": [
	  {"id": "KkMHZ4y8QhSUWAHi5sWvfg==", "session_name": "Zoom SDK Test", "start_time": "2024-02-02T14:59:07Z",
	   "end_time": "2024-02-02T15:03:45Z", "duration": "04:38", "user_count": 2, "has_voip": true,
	   "has_video": false, "has_screen_share": true, "has_recording": true, "has_pstn": true,
	   "session_key": "1234567890", "new_field": [1]},
	  {"id": "/Ab==", "start_time": "2024-02-03T10:00:00Z", "end_time": "2024-02-03T11:30:05Z", "duration": "01:30:05",
	   "has_session_summary": false},
	  {"id": "live", "start_time": "2024-02-04T10:00:00+01:00", "duration": "", "has_session_summary": true, "end_time": null}]}`
	rec := testutil.NewRecorder(t, testutil.Always(testutil.JSON(http.StatusOK, body)))
	page, err := newClient(t, rec).Sessions.ListSessions(context.Background(), sessions.ListSessionsOptions{From: day(2024, 2, 1), To: day(2024, 3, 1)})
	require.NoError(t, err)
	no, yes := false, true
	start3 := page.Sessions[2].StartTime
	assert.True(t, start3.Equal(time.Date(2024, 2, 4, 9, 0, 0, 0, time.UTC)), "start_time %v", start3)
	page.Sessions[2].StartTime = time.Time{}
	assert.Equal(t, &sessions.ListSessionsPage{
		From: "2024-02-01", To: "2024-03-01", PageSize: 30, NextPageToken: "tok",
		Sessions: []sessions.VideoSession{
			{
				ID: "KkMHZ4y8QhSUWAHi5sWvfg==", SessionName: "Zoom SDK Test", SessionKey: "1234567890",
				StartTime: time.Date(2024, 2, 2, 14, 59, 7, 0, time.UTC), EndTime: time.Date(2024, 2, 2, 15, 3, 45, 0, time.UTC),
				Duration: 4*time.Minute + 38*time.Second, UserCount: 2,
				HasVoIP: true, HasScreenShare: true, HasRecording: true, HasPSTN: true,
			},
			{
				ID: "/Ab==", StartTime: time.Date(2024, 2, 3, 10, 0, 0, 0, time.UTC), EndTime: time.Date(2024, 2, 3, 11, 30, 5, 0, time.UTC),
				Duration: time.Hour + 30*time.Minute + 5*time.Second, HasSessionSummary: &no,
			},
			{ID: "live", HasSessionSummary: &yes},
		},
	}, page)
	assert.Nil(t, page.Sessions[0].HasSessionSummary, "an absent has_session_summary is unknown, not false")
}

func TestListSessionsDuration(t *testing.T) {
	tests := []struct {
		wire string
		want time.Duration
		ok   bool
	}{
		{`"04:38"`, 4*time.Minute + 38*time.Second, true},
		{`"00:00"`, 0, true},
		{`"75:10"`, 75*time.Minute + 10*time.Second, true},
		{`"01:30:05"`, time.Hour + 30*time.Minute + 5*time.Second, true},
		{`"125:00:00"`, 125 * time.Hour, true},
		{`""`, 0, true},
		{`null`, 0, true},
		{`278`, 278 * time.Second, true},
		{`"4:38"`, 4*time.Minute + 38*time.Second, true},
		{`"04"`, 0, false},
		{`"1:2:3:4"`, 0, false},
		{`"-1:00"`, 0, false},
		{`"+1:00"`, 0, false},
		{`"aa:bb"`, 0, false},
		{`"04:"`, 0, false},
		{`"99999999999:00"`, 0, false},
		{`-5`, 0, false},
		{`1e300`, 0, false},
		{`true`, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.wire, func(t *testing.T) {
			body := `{"page_size": 1, "sessions": [{"id": "s", "duration": ` + tt.wire + `}]}`
			rec := testutil.NewRecorder(t, testutil.Always(testutil.JSON(http.StatusOK, body)))
			page, err := newClient(t, rec).Sessions.ListSessions(context.Background(), sessions.ListSessionsOptions{From: day(2024, 2, 1), To: day(2024, 3, 1)})
			if !tt.ok {
				require.ErrorIs(t, err, sessionkit.ErrMalformedResponse)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, page.Sessions[0].Duration)
		})
	}
}

func TestVideoSessionJSON(t *testing.T) {
	no := false
	for _, tt := range []struct {
		name string
		in   sessions.VideoSession
		want string
	}{
		{"zero values omitted", sessions.VideoSession{ID: "s1"}, `{"id":"s1"}`},
		{
			"wire names, RFC 3339, duration as Zoom writes it",
			sessions.VideoSession{
				ID: "s1", SessionName: "n", SessionKey: "k", StartTime: time.Date(2024, 2, 2, 14, 59, 7, 0, time.UTC),
				Duration: 4*time.Minute + 38*time.Second, UserCount: 2, HasVoIP: true, HasPSTN: true, HasSessionSummary: &no,
			},
			`{"id":"s1","session_name":"n","session_key":"k","start_time":"2024-02-02T14:59:07Z","duration":"04:38","user_count":2,"has_voip":true,"has_pstn":true,"has_session_summary":false}`,
		},
		{"hours", sessions.VideoSession{Duration: 26*time.Hour + 5*time.Second}, `{"duration":"26:00:05"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.in)
			require.NoError(t, err)
			assert.JSONEq(t, tt.want, string(b))
			var back sessions.VideoSession
			require.NoError(t, json.Unmarshal(b, &back))
			assert.Equal(t, tt.in, back)
		})
	}
}

func TestListSessionsErrors(t *testing.T) {
	opts := sessions.ListSessionsOptions{From: day(2026, 7, 1), To: day(2026, 7, 31)}
	t.Run("a Zoom error body", func(t *testing.T) {
		rec := testutil.NewRecorder(t, testutil.Always(testutil.JSON(400, `{"code": 300, "message": "The date range must be within one month.",
			"errors": [{"field": "to", "message": "too far"}]}`, "x-zm-trackingid", "v=2.0;clid=us06")))
		_, err := newClient(t, rec).Sessions.ListSessions(context.Background(), opts)
		ae := requireAPIError(t, err, 400, "300", "The date range must be within one month.")
		assert.Equal(t, []sessionkit.FieldError{{Field: "to", Message: "too far"}}, ae.Fields)
		assert.Equal(t, "v=2.0;clid=us06", ae.Header.Get("x-zm-trackingid"))
		assert.Equal(t, zoomSessionsRoute, ae.Path)
		assert.False(t, errors.Is(err, sessionkit.ErrPageTokenExpired))
	})
	t.Run("a rejected token", func(t *testing.T) {
		rec := testutil.NewRecorder(t, testutil.Always(testutil.JSON(400, `{"code": 300, "message": "Invalid next page token."}`)))
		o := opts
		o.NextPageToken = "stale-token"
		_, err := newClient(t, rec).Sessions.ListSessions(context.Background(), o)
		require.ErrorIs(t, err, sessionkit.ErrPageTokenExpired)
		assert.NotContains(t, err.Error(), "stale-token")
		assert.Equal(t, 1, strings.Count(err.Error(), "sessionkit: "), "one prefix, as ListUsers reads: %s", err)
	})
	t.Run("429 retried", func(t *testing.T) {
		rec := testutil.NewRecorder(t, testutil.Sequence(testutil.JSON(429, `{"code": 429, "message": "slow down"}`), sessionsPage("", "a")))
		c := newClient(t, rec, sessionkit.WithMaxRetries(2), sessionkit.WithRetryWait(time.Millisecond, time.Millisecond))
		page, err := c.Sessions.ListSessions(context.Background(), opts)
		require.NoError(t, err)
		assert.Len(t, page.Sessions, 1)
		assert.Equal(t, 2, rec.Count())
	})
}

func TestListSessionsMalformed(t *testing.T) {
	for _, body := range []string{`null`, `{}`, `[]`, `{"sessions": [{"id": 5}]}`, `{"sessions": [`, `{"sessions": [{"start_time": "noon"}]}`, `{"page_size": 1, "sessions": [{"has_voip": "yes"}]}`} {
		t.Run(body, func(t *testing.T) {
			rec := testutil.NewRecorder(t, testutil.Always(testutil.JSON(http.StatusOK, body)))
			_, err := newClient(t, rec).Sessions.ListSessions(context.Background(), sessions.ListSessionsOptions{From: day(2026, 7, 1), To: day(2026, 7, 2)})
			require.ErrorIs(t, err, sessionkit.ErrMalformedResponse)
			assert.Contains(t, err.Error(), "GET "+zoomSessionsRoute+":")
		})
	}
}

func TestListSessionsValidation(t *testing.T) {
	list := func(o sessions.ListSessionsOptions) func(context.Context, *sessionkit.Client) error {
		return func(ctx context.Context, c *sessionkit.Client) error {
			_, err := c.Sessions.ListSessions(ctx, o)
			return err
		}
	}
	listIter := func(o sessions.ListSessionsOptions) func(context.Context, *sessionkit.Client) error {
		return func(ctx context.Context, c *sessionkit.Client) error {
			return testutil.IterErr(t, c.Sessions.ListSessionsIter(ctx, o))
		}
	}
	from, to := day(2026, 7, 1), day(2026, 7, 31)
	late := time.Date(2026, 7, 1, 23, 0, 0, 0, time.FixedZone("", -5*3600)) // 2026-07-02 04:00 UTC
	runValidation(t, []validationCase{
		{"zero From", "From", list(sessions.ListSessionsOptions{To: to})},
		{"zero To", "To", list(sessions.ListSessionsOptions{From: from})},
		{"To before From", "To (2026-06-30) is before From (2026-07-01)", list(sessions.ListSessionsOptions{From: from, To: day(2026, 6, 30)})},
		{"dates compared in their own locations", "is before", list(sessions.ListSessionsOptions{From: day(2026, 7, 2), To: late})},
		{"negative PageSize", "PageSize", list(sessions.ListSessionsOptions{From: from, To: to, PageSize: -1})},
		{"PageSize over 300", "PageSize", list(sessions.ListSessionsOptions{From: from, To: to, PageSize: 301})},
		{"unknown Type", "Type", list(sessions.ListSessionsOptions{From: from, To: to, Type: "ended"})},
		{"year 10000", "years", list(sessions.ListSessionsOptions{From: from, To: day(10000, 1, 1)})},
		{"iter zero From", "From", listIter(sessions.ListSessionsOptions{To: to})},
		{"iter To before From", "before", listIter(sessions.ListSessionsOptions{From: to, To: from})},
		{"iter PageSize over 300", "PageSize", listIter(sessions.ListSessionsOptions{From: from, To: to, PageSize: 500})},
		{"iter unknown Type", "Type", listIter(sessions.ListSessionsOptions{From: from, To: to, Type: "PAST"})},
	})
}

// byWindow answers ListSessions by from date and next_page_token; a
// runaway walk gets an error after 50 requests.
func byWindow(pages map[string]testutil.Reply) testutil.Responder {
	return func(n int, r *http.Request) testutil.Reply {
		if n >= 50 {
			return testutil.Text(http.StatusTeapot, "runaway walk")
		}
		q := r.URL.Query()
		key := q.Get("from") + ".." + q.Get("to") + " " + q.Get("next_page_token")
		if rep, ok := pages[key]; ok {
			return rep
		}
		return testutil.Text(http.StatusNotFound, "no reply for "+key)
	}
}

func sessionIDs(ss []sessions.VideoSession) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.ID
	}
	return out
}

func TestListSessionsIterWindows(t *testing.T) {
	tests := []struct {
		name     string
		from, to time.Time
		want     []string // from..to of each window
	}{
		{"one day", day(2026, 7, 1), day(2026, 7, 1), []string{"2026-07-01..2026-07-01"}},
		{"exactly one month", day(2026, 7, 1), day(2026, 7, 31), []string{"2026-07-01..2026-07-31"}},
		{"one month and a day", day(2026, 7, 1), day(2026, 8, 1), []string{"2026-07-01..2026-07-31", "2026-08-01..2026-08-01"}},
		{"mid-month start", day(2026, 6, 15), day(2026, 8, 20), []string{"2026-06-15..2026-07-14", "2026-07-15..2026-08-14", "2026-08-15..2026-08-20"}},
		{"the 31st clamps to a short month", day(2026, 1, 31), day(2026, 3, 31), []string{"2026-01-31..2026-02-27", "2026-02-28..2026-03-27", "2026-03-28..2026-03-31"}},
		{"leap February", day(2028, 1, 30), day(2028, 2, 29), []string{"2028-01-30..2028-02-28", "2028-02-29..2028-02-29"}},
		{"across a year", day(2025, 12, 10), day(2026, 1, 20), []string{"2025-12-10..2026-01-09", "2026-01-10..2026-01-20"}},
		{
			"six months", day(2026, 5, 20), day(2026, 11, 20),
			[]string{"2026-05-20..2026-06-19", "2026-06-20..2026-07-19", "2026-07-20..2026-08-19", "2026-08-20..2026-09-19", "2026-09-20..2026-10-19", "2026-10-20..2026-11-19", "2026-11-20..2026-11-20"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			rec := testutil.NewRecorder(t, func(_ int, r *http.Request) testutil.Reply {
				got = append(got, r.URL.Query().Get("from")+".."+r.URL.Query().Get("to"))
				return sessionsPage("")
			})
			_, errs := collect(newClient(t, rec).Sessions.ListSessionsIter(context.Background(), sessions.ListSessionsOptions{From: tt.from, To: tt.to, Type: sessions.Past}))
			require.Empty(t, errs)
			assert.Equal(t, tt.want, got)
			for _, q := range rec.Queries() {
				assert.Contains(t, q, "type=past", "every window repeats the other options")
			}
		})
	}
}

func TestListSessionsIter(t *testing.T) {
	ctx := context.Background()
	opts := sessions.ListSessionsOptions{From: day(2026, 6, 1), To: day(2026, 8, 15), Type: sessions.Past, PageSize: 2}
	pages := func() map[string]testutil.Reply {
		return map[string]testutil.Reply{
			"2026-06-01..2026-06-30 ":   sessionsPage("j1", "a", "b"),
			"2026-06-01..2026-06-30 j1": sessionsPage("", "c"),
			"2026-07-01..2026-07-31 ":   sessionsPage("k1"), // empty, with a token: keep going
			"2026-07-01..2026-07-31 k1": sessionsPage("", "d", "e"),
			"2026-08-01..2026-08-15 ":   sessionsPage("", "f"),
		}
	}

	t.Run("windows in date order, each a cursor walk", func(t *testing.T) {
		rec := testutil.NewRecorder(t, byWindow(pages()))
		items, errs := collect(newClient(t, rec).Sessions.ListSessionsIter(ctx, opts))
		require.Empty(t, errs)
		assert.Equal(t, []string{"a", "b", "c", "d", "e", "f"}, sessionIDs(items))
		assert.Equal(t, []string{
			"from=2026-06-01&page_size=2&to=2026-06-30&type=past",
			"from=2026-06-01&next_page_token=j1&page_size=2&to=2026-06-30&type=past",
			"from=2026-07-01&page_size=2&to=2026-07-31&type=past",
			"from=2026-07-01&next_page_token=k1&page_size=2&to=2026-07-31&type=past",
			"from=2026-08-01&page_size=2&to=2026-08-15&type=past",
		}, rec.Queries())
	})

	t.Run("every window is in one walk, for an observer", func(t *testing.T) {
		for name, walk := range map[string]func(c *sessionkit.Client) []error{
			"iter": func(c *sessionkit.Client) []error {
				_, errs := collect(c.Sessions.ListSessionsIter(ctx, opts))
				return errs
			},
			"pages": func(c *sessionkit.Client) []error {
				_, errs := collect(c.Sessions.ListSessionsPages(ctx, opts))
				return errs
			},
		} {
			obs := &walkObserver{}
			require.Empty(t, walk(newClient(t, testutil.NewRecorder(t, byWindow(pages())), sessionkit.WithObserver(obs))), name)
			require.Len(t, obs.walks, 1, name)
			assert.Equal(t, 6, obs.walks[0].Items, "%s: the sessions of every window", name)
			assert.Equal(t, "GET /videosdk/sessions", obs.walks[0].Route, name)
		}
	})

	t.Run("lazy, re-rangeable, options untouched", func(t *testing.T) {
		rec := testutil.NewRecorder(t, byWindow(pages()))
		o := opts
		seq := newClient(t, rec).Sessions.ListSessionsIter(ctx, o)
		assert.Zero(t, rec.Count())
		first, _ := collect(seq)
		second, errs := collect(seq)
		require.Empty(t, errs)
		assert.Equal(t, sessionIDs(first), sessionIDs(second))
		assert.Equal(t, opts, o)
		assert.Equal(t, 10, rec.Count())
	})

	t.Run("break stops fetching", func(t *testing.T) {
		rec := testutil.NewRecorder(t, byWindow(pages()))
		for _, err := range newClient(t, rec).Sessions.ListSessionsIter(ctx, opts) {
			require.NoError(t, err)
			break
		}
		assert.Equal(t, 1, rec.Count())
	})

	t.Run("a failure names the window and token; resuming yields exactly the rest", func(t *testing.T) {
		p := pages()
		p["2026-07-01..2026-07-31 k1"] = testutil.JSON(500, `{"code": 500, "message": "boom"}`)
		rec := testutil.NewRecorder(t, byWindow(p))
		c := newClient(t, rec)
		items, errs := collect(c.Sessions.ListSessionsIter(ctx, opts))
		assert.Equal(t, []string{"a", "b", "c"}, sessionIDs(items))
		require.Len(t, errs, 1)
		var pe *sessionkit.PageError
		require.ErrorAs(t, errs[0], &pe)
		assert.Equal(t, "k1", pe.PageToken)
		assert.Equal(t, 3, pe.Yielded)
		var we *sessions.WindowError
		require.ErrorAs(t, errs[0], &we)
		assert.Equal(t, sessions.WindowError{From: "2026-07-01", To: "2026-07-31", Err: we.Err}, *we)
		requireAPIError(t, errs[0], 500, "500", "boom")
		assert.NotContains(t, errs[0].Error(), "k1", "no page token in the error text")

		p["2026-07-01..2026-07-31 k1"] = sessionsPage("", "d", "e")
		from, err := time.Parse("2006-01-02", we.From)
		require.NoError(t, err)
		o := opts
		o.From, o.NextPageToken = from, pe.PageToken
		rest, errs := collect(c.Sessions.ListSessionsIter(ctx, o))
		require.Empty(t, errs)
		assert.Equal(t, []string{"d", "e", "f"}, sessionIDs(rest))
	})

	t.Run("a failure counts the sessions of its window apart", func(t *testing.T) {
		for _, tt := range []struct {
			fail           string
			yielded, inWin int
		}{
			{"2026-06-01..2026-06-30 j1", 2, 2},
			{"2026-07-01..2026-07-31 k1", 4, 1},
			{"2026-08-01..2026-08-15 ", 6, 0},
		} {
			p := pages()
			p["2026-07-01..2026-07-31 "] = sessionsPage("k1", "x")
			p[tt.fail] = testutil.JSON(500, `{"code": 500, "message": "boom"}`)
			rec := testutil.NewRecorder(t, byWindow(p))
			_, errs := collect(newClient(t, rec).Sessions.ListSessionsIter(ctx, opts))
			require.Len(t, errs, 1, tt.fail)
			var pe *sessionkit.PageError
			require.ErrorAs(t, errs[0], &pe, tt.fail)
			assert.Equal(t, tt.yielded, pe.Yielded, "%s: the sessions of every window before", tt.fail)
			var we *sessions.WindowError
			require.ErrorAs(t, errs[0], &we, tt.fail)
			assert.Equal(t, tt.inWin, we.Yielded, "%s: the sessions of the failed window before", tt.fail)
		}
	})

	t.Run("a token that comes back is a loop", func(t *testing.T) {
		p := pages()
		p["2026-06-01..2026-06-30 j1"] = sessionsPage("j1", "c")
		rec := testutil.NewRecorder(t, byWindow(p))
		items, errs := collect(newClient(t, rec).Sessions.ListSessionsIter(ctx, opts))
		assert.Equal(t, []string{"a", "b", "c"}, sessionIDs(items))
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], sessionkit.ErrPaginationLoop)
	})

	t.Run("a cancelled context ends the walk with its error", func(t *testing.T) {
		rec := testutil.NewRecorder(t, byWindow(pages()))
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		var errs []error
		n := 0
		for _, err := range newClient(t, rec).Sessions.ListSessionsIter(ctx, opts) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if n++; n == 3 {
				cancel()
			}
		}
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], context.Canceled)
	})
}

func TestListSessionsIDsGoStraightIntoListUsers(t *testing.T) {
	rec := testutil.NewRecorder(t, testutil.ByPath(map[string]testutil.Responder{
		"/videosdk/sessions":                         testutil.Always(testutil.JSON(200, `{"sessions": [{"id": "/Ab=="}, {"id": "Qx7//tL2"}, {"id": "a/b"}]}`)),
		"/videosdk/sessions/%252FAb%253D%253D/users": testutil.Always(zoomPage("", "u1")),
		"/videosdk/sessions/Qx7%252F%252FtL2/users":  testutil.Always(zoomPage("", "u2")),
		"/videosdk/sessions/a%2Fb/users":             testutil.Always(zoomPage("", "u3")),
	}))
	c := newClient(t, rec)
	ctx := context.Background()
	var got []string
	for s, err := range c.Sessions.ListSessionsIter(ctx, sessions.ListSessionsOptions{From: day(2026, 7, 1), To: day(2026, 7, 2), Type: sessions.Past}) {
		require.NoError(t, err)
		for u, err := range c.Sessions.ListUsersIter(ctx, s.ID, sessions.ListUsersOptions{Type: sessions.Past}) {
			require.NoError(t, err)
			got = append(got, u.ID)
		}
	}
	assert.Equal(t, []string{"u1", "u2", "u3"}, got)
}

// walkObserver records the walks that ended.
type walkObserver struct {
	mu    sync.Mutex
	walks []sessionkit.WalkInfo
}

func (o *walkObserver) CallStart(ctx context.Context, _ sessionkit.CallInfo) (context.Context, func(sessionkit.CallResult)) {
	return ctx, func(sessionkit.CallResult) {}
}

func (o *walkObserver) Wait(context.Context, sessionkit.WaitInfo) {}

func (o *walkObserver) PageStart(ctx context.Context, _ sessionkit.PageInfo) (context.Context, func(sessionkit.PageResult)) {
	return ctx, func(sessionkit.PageResult) {}
}

func (o *walkObserver) Walk(_ context.Context, info sessionkit.WalkInfo) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.walks = append(o.walks, info)
}
