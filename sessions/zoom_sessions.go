package sessions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sessionkit/sessionkit-go/internal/engine"
)

// ListSessionsOptions selects Zoom Video SDK sessions by date. From and To
// are required; other zero fields are not sent (Zoom's defaults: live
// sessions, 30 per page).
type ListSessionsOptions struct {
	// From and To bound the sessions' dates, both days included. Each is
	// sent as yyyy-mm-dd: the calendar date of the value in its own
	// location (time.Date(2026, 11, 1, 0, 0, 0, 0, loc) is sent as
	// 2026-11-01 whatever loc is). Zoom accepts at most one month, within
	// the last six months; ListSessionsIter splits longer ranges.
	From, To time.Time
	// Type selects live (Zoom's default) or past sessions: a walk of
	// ended sessions must ask for Past.
	Type SessionType
	// PageSize is the number of sessions per page, at most 300.
	PageSize int
	// NextPageToken continues a listing; it expires 15 minutes after Zoom
	// issued it. It must be sent with the same other options.
	NextPageToken string
	// SessionKey and SessionName filter by the session's custom key and
	// name. Zoom's filter has been seen to miss sessions it lists
	// unfiltered: to be sure, walk without it and compare yourself.
	SessionKey, SessionName string
}

// ListSessionsPage is one page of Video SDK sessions. There is no total:
// the last page has an empty NextPageToken.
type ListSessionsPage struct {
	// From and To are the date range Zoom used, as yyyy-mm-dd.
	From string `json:"from,omitzero"`
	To   string `json:"to,omitzero"`
	// PageSize is the page size Zoom used.
	PageSize int `json:"page_size,omitzero"`
	// NextPageToken continues the listing; "" on the last page.
	NextPageToken string `json:"next_page_token,omitzero"`
	// Sessions are the page's sessions.
	Sessions []VideoSession `json:"sessions,omitzero"`
}

// VideoSession is one Zoom Video SDK session. Its JSON form uses Zoom's
// field names, with Duration as "mm:ss" or "hh:mm:ss".
type VideoSession struct {
	// ID is the session ID: give it, unchanged, to ListUsers and
	// ListUsersIter.
	ID string `json:"id,omitzero"`
	// SessionName is the session's name; SessionKey its custom key
	// ("" when the app set none).
	SessionName string `json:"session_name,omitzero"`
	SessionKey  string `json:"session_key,omitzero"`
	// StartTime is when the session started; EndTime when it ended, zero
	// while it is live.
	StartTime time.Time `json:"start_time,omitzero"`
	EndTime   time.Time `json:"end_time,omitzero"`
	// Duration is the session's length, 0 when Zoom omits it.
	Duration time.Duration `json:"duration,omitzero"`
	// UserCount is the number of users Zoom counted.
	UserCount int `json:"user_count,omitzero"`
	// The Has fields report what the session used.
	HasVoIP        bool `json:"has_voip,omitzero"`
	HasVideo       bool `json:"has_video,omitzero"`
	HasScreenShare bool `json:"has_screen_share,omitzero"`
	HasRecording   bool `json:"has_recording,omitzero"`
	HasPSTN        bool `json:"has_pstn,omitzero"`
	// HasSessionSummary is nil when Zoom does not say (its 2024 servers
	// omit it).
	HasSessionSummary *bool `json:"has_session_summary,omitzero"`
}

// MarshalJSON encodes s with Zoom's field names, Duration as Zoom writes
// it.
func (s VideoSession) MarshalJSON() ([]byte, error) {
	type plain VideoSession
	return json.Marshal(struct {
		plain
		Duration clock `json:"duration,omitzero"`
	}{plain(s), clock(s.Duration)})
}

// UnmarshalJSON decodes what MarshalJSON encodes.
func (s *VideoSession) UnmarshalJSON(b []byte) error {
	type plain VideoSession
	w := struct {
		*plain
		Duration clock `json:"duration"`
	}{plain: (*plain)(s)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	s.Duration = time.Duration(w.Duration)
	return nil
}

// clock is a duration Zoom sends as "mm:ss" or "hh:mm:ss" (leniently also
// as a number of seconds).
type clock time.Duration

// MarshalJSON writes "mm:ss" under an hour, else "hh:mm:ss".
func (c clock) MarshalJSON() ([]byte, error) {
	return strconv.AppendQuote(nil, formatClock(time.Duration(c))), nil
}

func formatClock(d time.Duration) string {
	secs := int64(d / time.Second)
	h, m, sec := secs/3600, secs/60%60, secs%60
	if h == 0 {
		return fmt.Sprintf("%02d:%02d", m, sec)
	}
	return fmt.Sprintf("%02d:%02d:%02d", h, m, sec)
}

// UnmarshalJSON reads "mm:ss", "hh:mm:ss", a number of seconds, "" or
// null.
func (c *clock) UnmarshalJSON(b []byte) error {
	s := string(b)
	switch {
	case s == "null":
		return nil
	case len(b) > 0 && b[0] != '"':
		secs, err := strconv.ParseFloat(s, 64)
		if err != nil || secs < 0 || secs > maxClockSeconds {
			return fmt.Errorf("duration: expected \"mm:ss\" or seconds, got %.32q", s)
		}
		*c = clock(time.Duration(secs * float64(time.Second)))
		return nil
	}
	var text string
	if err := json.Unmarshal(b, &text); err != nil {
		return err
	}
	d, err := parseClock(text)
	*c = clock(d)
	return err
}

// maxClockSeconds bounds a duration so that it fits a time.Duration.
const maxClockSeconds = 1 << 32

// parseClock parses "mm:ss" or "hh:mm:ss" ("" is 0). Fields are
// non-negative decimal numbers; the first may exceed 59.
func parseClock(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, fmt.Errorf("duration: expected \"mm:ss\" or \"hh:mm:ss\", got %.32q", s)
	}
	var secs int64
	for _, p := range parts {
		n, err := strconv.ParseInt(p, 10, 32)
		if err != nil || n < 0 || p[0] == '+' || p[0] == '-' {
			return 0, fmt.Errorf("duration: expected \"mm:ss\" or \"hh:mm:ss\", got %.32q", s)
		}
		secs = secs*60 + n
	}
	if secs > maxClockSeconds {
		return 0, fmt.Errorf("duration: %.32q is too long", s)
	}
	return time.Duration(secs) * time.Second, nil
}

// dateLayout is how Zoom writes dates.
const dateLayout = "2006-01-02"

type sessionsQuery struct {
	From          string      `url:"from"`
	To            string      `url:"to"`
	Type          SessionType `url:"type,omitempty"`
	PageSize      int         `url:"page_size,omitempty"`
	NextPageToken string      `url:"next_page_token,omitempty"`
	SessionKey    string      `url:"session_key,omitempty"`
	SessionName   string      `url:"session_name,omitempty"`
}

// listSessionsEndpoint is GET /videosdk/sessions: the sessions of a date
// range of at most a month, by next_page_token. A walk splits a longer
// range into month windows, each walked in turn.
var listSessionsEndpoint = engine.Endpoint[ListSessionsOptions, *wireListSessions, *ListSessionsPage, VideoSession]{
	API: engine.Zoom, Method: http.MethodGet, Route: "/videosdk/sessions",
	Path: func(_ *engine.Client, o ListSessionsOptions) (string, error) {
		return "videosdk/sessions", o.validate()
	},
	Cursor: func(o ListSessionsOptions) engine.Cursor { return engine.Cursor{Token: o.NextPageToken} },
	Query: func(o ListSessionsOptions, at engine.Cursor) any {
		return sessionsQuery{
			From: civilDate(o.From).Format(dateLayout), To: civilDate(o.To).Format(dateLayout),
			Type: o.Type, PageSize: o.PageSize, NextPageToken: at.Token,
			SessionKey: o.SessionKey, SessionName: o.SessionName,
		}
	},
	Err:  pageTokenErr,
	Wire: func(o ListSessionsOptions) *wireListSessions { return &wireListSessions{sizeHint: o.PageSize} },
	Result: func(_ ListSessionsOptions, w *wireListSessions, _ *engine.Response) *ListSessionsPage {
		if w.Sessions == nil {
			w.Sessions = []VideoSession{}
		}
		return &w.ListSessionsPage
	},
	Next: func(_ ListSessionsOptions, p *ListSessionsPage) engine.Page[VideoSession] {
		return engine.CursorPage(p.Sessions, p.NextPageToken)
	},
	Split: monthWindows,
	PartErr: func(w ListSessionsOptions, yielded int, err error) error {
		return &WindowError{From: w.From.Format(dateLayout), To: w.To.Format(dateLayout), Yielded: yielded, Err: err}
	},
}

// ListSessions returns one page of Zoom Video SDK sessions. It sends the
// range it is given: Zoom refuses one longer than a month (use
// [Service.ListSessionsIter] for those). A rejected or expired
// NextPageToken gives an error that satisfies errors.Is(err,
// [sessionkit.ErrPageTokenExpired]).
func (s *Service) ListSessions(ctx context.Context, opts ListSessionsOptions) (*ListSessionsPage, error) {
	return listSessionsEndpoint.Get(ctx, s.engine(), opts)
}

// ListSessionsIter walks the Zoom Video SDK sessions from opts.From to
// opts.To, lazily. Zoom lists at most one month at a time, so the range is
// walked as consecutive windows of one month at most (From to the day
// before the same day a month later, and so on; the last ends at To), in
// date order, each its own walk of next_page_token; opts.NextPageToken
// continues the first window. A token that comes back twice ends the walk
// with an error satisfying errors.Is(err, [sessionkit.ErrPaginationLoop]).
//
// A failure is a *[sessionkit.PageError] that wraps a *[WindowError]: to
// resume, set From to the window's first day and NextPageToken to the
// PageError's PageToken, and range again. When that token has expired,
// restart the window from its first page (From alone) and pass over the
// window's Yielded sessions; [sessionkit.Resume] does both.
func (s *Service) ListSessionsIter(ctx context.Context, opts ListSessionsOptions) iter.Seq2[VideoSession, error] {
	return listSessionsEndpoint.Items(ctx, s.engine(), opts)
}

// ListSessionsPages walks the same pages as [Service.ListSessionsIter],
// window after window, under the same rules and prefetch, and yields each
// page whole, as [Service.ListSessions] returns it (its From and To are
// the window's). A failure is a *[sessionkit.PageError] that wraps a
// *[WindowError], after every page before it; its PageToken is the cursor
// of the page that failed and its Yielded counts the sessions of the
// pages yielded before it, over every window.
func (s *Service) ListSessionsPages(ctx context.Context, opts ListSessionsOptions) iter.Seq2[*ListSessionsPage, error] {
	return listSessionsEndpoint.Pages(ctx, s.engine(), opts)
}

// WindowError says which date window of a ListSessionsIter walk failed.
// It is wrapped by the walk's *[sessionkit.PageError] and wraps the cause.
type WindowError struct {
	// From and To are the window's first and last day, as sent
	// (yyyy-mm-dd).
	From, To string
	// Yielded counts the sessions of this window yielded before the page
	// that failed (the PageError's Yielded counts those of every window):
	// a walk that restarts the window from its first page passes over
	// them.
	Yielded int
	// Err is the cause.
	Err error
}

// Error names the window and the cause.
func (e *WindowError) Error() string {
	return fmt.Sprintf("sessions from %s to %s: %v", e.From, e.To, e.Err)
}

// Unwrap returns the cause.
func (e *WindowError) Unwrap() error { return e.Err }

// monthWindows splits the range of o (validated) into consecutive
// windows of at most one month, as the options of each: a window runs
// from its first day to the day before the same day of the next month
// (the month's last day when that day does not exist), the last one
// ending at To. Their From and To are UTC midnights; the first keeps o's
// NextPageToken, the others have none.
func monthWindows(o ListSessionsOptions) iter.Seq[ListSessionsOptions] {
	return func(yield func(ListSessionsOptions) bool) {
		to := civilDate(o.To)
		for d := civilDate(o.From); !d.After(to); {
			end := addMonth(d).AddDate(0, 0, -1)
			if end.After(to) {
				end = to
			}
			w := o
			w.From, w.To = d, end
			if !yield(w) {
				return
			}
			o.NextPageToken = ""
			d = end.AddDate(0, 0, 1)
		}
	}
}

// addMonth returns the same day of the next month, or that month's last
// day when it is shorter (January 31 gives February 28 or 29).
func addMonth(d time.Time) time.Time {
	y, m, day := d.Date()
	firstOfNext := time.Date(y, m+1, 1, 0, 0, 0, 0, time.UTC)
	last := firstOfNext.AddDate(0, 1, -1).Day()
	return time.Date(firstOfNext.Year(), firstOfNext.Month(), min(day, last), 0, 0, 0, 0, time.UTC)
}

// civilDate returns t's calendar date in t's own location, as a UTC
// midnight.
func civilDate(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func (o *ListSessionsOptions) validate() error {
	switch {
	case o.From.IsZero():
		return engine.Invalidf("ListSessionsOptions.From is required")
	case o.To.IsZero():
		return engine.Invalidf("ListSessionsOptions.To is required")
	}
	from, to := civilDate(o.From), civilDate(o.To)
	if to.Before(from) {
		return engine.Invalidf("ListSessionsOptions.To (%s) is before From (%s)", to.Format(dateLayout), from.Format(dateLayout))
	}
	if y := to.Year(); from.Year() < 1 || y > 9999 {
		return engine.Invalidf("ListSessionsOptions.From and To must lie in the years 1 to 9999")
	}
	return checkZoomPaging("ListSessionsOptions", o.Type, o.PageSize)
}

// sessionFields decodes one element of "sessions" straight into a
// VideoSession: each field points at its destination (rebound per
// element).
type sessionFields struct {
	ID                *string      `json:"id"`
	SessionName       *string      `json:"session_name"`
	SessionKey        *string      `json:"session_key"`
	StartTime         *engine.Time `json:"start_time"`
	EndTime           *engine.Time `json:"end_time"`
	Duration          *clock       `json:"duration"`
	UserCount         *int         `json:"user_count"`
	HasVoIP           *bool        `json:"has_voip"`
	HasVideo          *bool        `json:"has_video"`
	HasScreenShare    *bool        `json:"has_screen_share"`
	HasRecording      *bool        `json:"has_recording"`
	HasPSTN           *bool        `json:"has_pstn"`
	HasSessionSummary **bool       `json:"has_session_summary"`
}

func (f *sessionFields) bind(v *VideoSession) {
	*f = sessionFields{
		ID: &v.ID, SessionName: &v.SessionName, SessionKey: &v.SessionKey,
		StartTime: (*engine.Time)(&v.StartTime), EndTime: (*engine.Time)(&v.EndTime),
		Duration: (*clock)(&v.Duration), UserCount: &v.UserCount,
		HasVoIP: &v.HasVoIP, HasVideo: &v.HasVideo, HasScreenShare: &v.HasScreenShare,
		HasRecording: &v.HasRecording, HasPSTN: &v.HasPSTN, HasSessionSummary: &v.HasSessionSummary,
	}
}

// wireListSessions is a Zoom page of sessions, stream-decoded into its
// public form.
type wireListSessions struct {
	ListSessionsPage
	// sizeHint is the expected number of sessions (the requested page
	// size).
	sizeHint int
}

var errNoSessions = errors.New(`body has no "sessions" array`)

// Reset implements engine.Resetter.
func (w *wireListSessions) Reset() { *w = wireListSessions{sizeHint: w.sizeHint} }

// Check rejects a body that carries nothing of a page (such as a JSON
// null).
func (w *wireListSessions) Check() error {
	p := &w.ListSessionsPage
	if p.Sessions == nil && p.PageSize == 0 && p.NextPageToken == "" && p.From == "" && p.To == "" {
		return errNoSessions
	}
	return nil
}

// DecodeStream implements engine.StreamDecoder.
func (w *wireListSessions) DecodeStream(dec *json.Decoder) error {
	_, err := engine.StreamObject(dec, func(key string) error {
		switch strings.ToLower(key) {
		case "from":
			return dec.Decode(&w.From)
		case "to":
			return dec.Decode(&w.To)
		case "page_size":
			return dec.Decode(&w.PageSize)
		case "next_page_token":
			return dec.Decode(&w.NextPageToken)
		case "sessions":
			hint := w.sizeHint
			if hint == 0 {
				hint = 30 // Zoom's default page size
			}
			var f sessionFields
			var err error
			w.Sessions, _, err = engine.StreamItems(dec, min(hint, MaxZoomPageSize), MaxZoomPageSize, func(v *VideoSession) error {
				f.bind(v)
				return dec.Decode(&f)
			})
			return err
		}
		return engine.SkipValue(dec)
	})
	return err
}
