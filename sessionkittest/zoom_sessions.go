package sessionkittest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// ZoomSession is one Zoom Video SDK session as GET /videosdk/sessions lists it, with the wire
// contract's JSON keys. A live session has no EndTime and no Duration; HasSessionSummary is absent
// (nil) for some sessions, as on Zoom's 2024 servers.
type ZoomSession struct {
	ID                string `json:"id"`
	SessionName       string `json:"session_name"`
	StartTime         string `json:"start_time"`         // RFC 3339
	EndTime           string `json:"end_time,omitempty"` // RFC 3339; absent while live
	Duration          string `json:"duration,omitempty"` // "mm:ss" or "hh:mm:ss"; absent while live
	UserCount         int    `json:"user_count"`
	HasVoIP           bool   `json:"has_voip"`
	HasVideo          bool   `json:"has_video"`
	HasScreenShare    bool   `json:"has_screen_share"`
	HasRecording      bool   `json:"has_recording"`
	HasPSTN           bool   `json:"has_pstn"`
	HasSessionSummary *bool  `json:"has_session_summary,omitempty"`
	SessionKey        string `json:"session_key,omitempty"`
}

// ZoomPastSessions is how many ended sessions the server lists, spread over the six months before
// Dataset.BaseTime.
const ZoomPastSessions = 20

var sessionNames = []string{"Weekly sync", "Support call", "Office hours", "Onboarding", "Design review", "Zoom SDK Test"}

// genZoomSessions adds the ended sessions (with their users) and lists every session.
func genZoomSessions(d *Dataset, g *gen, n int) {
	const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for si, sid := range d.ZoomSessionIDs { // ended at BaseTime (see genZoom)
		start := baseTime.Add(-time.Duration(3+si*2) * time.Hour)
		d.ZoomSessions = append(d.ZoomSessions, zoomSession(g, sid, start, baseTime, d.ZoomUsers[sid]))
	}
	for _, sid := range d.ZoomLiveSessionIDs {
		d.ZoomSessions = append(d.ZoomSessions, zoomSession(g, sid, baseTime.Add(-time.Hour), time.Time{}, d.ZoomUsers[sid]))
	}
	first := baseTime.AddDate(0, -6, 0)
	step := baseTime.Sub(first) / ZoomPastSessions
	for i := range ZoomPastSessions {
		id := g.chars(22, b64) + "=="
		switch i {
		case 3:
			id = "/" + id[1:] // needs Zoom's double encoding in ListUsers
		case 7:
			id = id[:5] + "//" + id[7:]
		}
		start := first.Add(step * time.Duration(i)).Add(g.dur(0, step/2)).Truncate(time.Second)
		end := start.Add(g.dur(5*time.Minute, 3*time.Hour)).Truncate(time.Second)
		users := zoomJoins(g, start, end, n)
		for k := range users {
			if users[k].LeaveTime == "" { // the session is over: everyone has left
				users[k].LeaveTime = end.Format(time.RFC3339)
			}
		}
		d.ZoomUsers[id] = users
		d.ZoomSessions = append(d.ZoomSessions, zoomSession(g, id, start, end, users))
	}
	slices.SortStableFunc(d.ZoomSessions, func(a, b ZoomSession) int { return strings.Compare(a.StartTime, b.StartTime) })
}

// zoomSession describes a session from its users; a zero end means it is live.
func zoomSession(g *gen, id string, start, end time.Time, users []ZoomUser) ZoomSession {
	s := ZoomSession{
		ID: id, SessionName: g.pick(sessionNames), StartTime: start.Format(time.RFC3339),
		HasVoIP: true, HasVideo: g.chance(0.7), HasScreenShare: g.chance(0.4), HasRecording: g.chance(0.2),
	}
	if g.chance(0.5) {
		s.SessionKey = "key-" + g.hex(8)
	}
	if !g.chance(0.3) {
		s.HasSessionSummary = ptr(g.chance(0.5))
	}
	seen := map[string]bool{}
	for _, u := range users {
		seen[u.ID] = true
		s.HasPSTN = s.HasPSTN || len(u.AudioCall) > 0
	}
	s.UserCount = len(seen)
	if !end.IsZero() {
		s.EndTime = end.Format(time.RFC3339)
		s.Duration = zoomClock(end.Sub(start))
	}
	return s
}

// zoomClock formats d as Zoom does: "mm:ss" under an hour, else "hh:mm:ss".
func zoomClock(d time.Duration) string {
	secs := int(d / time.Second)
	if secs < 3600 {
		return fmt.Sprintf("%02d:%02d", secs/60, secs%60)
	}
	return fmt.Sprintf("%02d:%02d:%02d", secs/3600, secs/60%60, secs%60)
}

type zoomSessionsPage struct {
	From          string        `json:"from"`
	To            string        `json:"to"`
	PageSize      int           `json:"page_size"`
	NextPageToken string        `json:"next_page_token"`
	Sessions      []ZoomSession `json:"sessions"`
}

// zoomSessions serves GET /videosdk/sessions: the sessions whose start date (UTC) lies in from..to,
// both included, at most one month apart; live by default, past on request.
func (s *Server) zoomSessions(w http.ResponseWriter, r *http.Request, _ []string) {
	q := r.URL.Query()
	var dates [2]time.Time
	for i, key := range []string{"from", "to"} {
		v := q.Get(key)
		if v == "" {
			zoomInvalid(w, key, key+" is required.")
			return
		}
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			zoomInvalid(w, key, fmt.Sprintf("Invalid date %q: expected yyyy-mm-dd.", v))
			return
		}
		dates[i] = t
	}
	from, to := dates[0], dates[1]
	switch {
	case to.Before(from):
		zoomInvalid(w, "to", "to must not be before from.")
		return
	case to.After(from.AddDate(0, 1, 0)):
		writeJSON(w, http.StatusBadRequest, zoomError{Code: 300, Message: "The date range between from and to must not exceed one month."})
		return
	}
	typ := q.Get("type")
	if typ == "" {
		typ = "live"
	}
	if typ != "live" && typ != "past" {
		zoomInvalid(w, "type", fmt.Sprintf("Invalid value %q: must be one of [past, live].", typ))
		return
	}
	pageSize, err := intParam(q, "page_size", 30)
	if err != nil || pageSize < 1 || pageSize > 300 {
		zoomInvalid(w, "page_size", "page_size must be an integer between 1 and 300.")
		return
	}
	key, name := q.Get("session_key"), q.Get("session_name")
	listing := "\x00sessions " + strings.Join([]string{q.Get("from"), q.Get("to"), typ, key, name}, "\x00")
	offset := 0
	if tok := q.Get("next_page_token"); tok != "" {
		cur, ok := s.zoomCursor(tok)
		if !ok || cur.session != listing || cur.pageSize != pageSize {
			writeJSON(w, http.StatusBadRequest, zoomError{Code: 300, Message: "The next page token is invalid or expired."})
			return
		}
		offset = cur.offset
	}
	var matched []ZoomSession
	for _, zs := range s.data.ZoomSessions {
		start, _ := time.Parse(time.RFC3339, zs.StartTime)
		day := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC)
		if day.Before(from) || day.After(to) || (typ == "live") != (zs.EndTime == "") ||
			(key != "" && zs.SessionKey != key) || (name != "" && zs.SessionName != name) {
			continue
		}
		matched = append(matched, zs)
	}
	end := min(offset+pageSize, len(matched))
	page := zoomSessionsPage{From: q.Get("from"), To: q.Get("to"), PageSize: pageSize, Sessions: append([]ZoomSession{}, matched[min(offset, end):end]...)}
	if end < len(matched) {
		page.NextPageToken = s.issueZoomToken(zoomCursor{session: listing, typ: typ, pageSize: pageSize, offset: end})
	}
	writeJSON(w, http.StatusOK, page)
}
