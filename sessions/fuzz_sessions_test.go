package sessions

// Fuzz target for the Zoom session-list decoder (see fuzz_test.go):
//
//	go test -run XXX -fuzz FuzzListSessions -fuzztime 2m ./sessions

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit-go/internal/engine"
	"github.com/sessionkit/sessionkit-go/internal/testutil"
)

// refVideoSession is the wire contract of a listed session, for reference
// decoding with encoding/json (the duration stays text).
type refVideoSession struct {
	ID                string      `json:"id"`
	SessionName       string      `json:"session_name"`
	SessionKey        string      `json:"session_key"`
	StartTime         engine.Time `json:"start_time"`
	EndTime           engine.Time `json:"end_time"`
	Duration          *string     `json:"duration"`
	UserCount         int         `json:"user_count"`
	HasVoIP           bool        `json:"has_voip"`
	HasPSTN           bool        `json:"has_pstn"`
	HasSessionSummary *bool       `json:"has_session_summary"`
}

func FuzzListSessions(f *testing.F) {
	for _, s := range append([]string{
		`{"from": "2024-02-01", "to": "2024-03-01", "page_size": 30, "next_page_token": "", "sessions": [{"id": "KkMHZ4y8QhSUWAHi5sWvfg==", "session_name": "Zoom SDK Test", "start_time": "2024-02-02T14:59:07Z", "end_time": "2024-02-02T15:03:45Z", "duration": "04:38", "user_count": 2, "has_voip": true, "has_video": false, "has_screen_share": false, "has_recording": false, "has_pstn": false, "session_key": "1234567890"}]}`,
		`{"page_size": 2, "next_page_token": "t", "sessions": [{"id": "/a", "duration": "01:02:03", "has_session_summary": false}, {"id": "b", "duration": 75}, {"id": "c", "duration": null, "end_time": ""}]}`,
		`{"sessions": [{"duration": "99:99"}, {"duration": "1:2:3:4"}]}`, `{"sessions": [{"duration": "-1:00"}]}`, `{"sessions": [{"duration": "4294967296:00"}]}`,
		`{"from": "x", "sessions": null}`, `{"code": 300, "message": "The date range must be within one month."}`,
	}, fzCommonSeeds...) {
		f.Add(uint8(0), uint8(0), []byte(s))
	}
	opts := ListSessionsOptions{From: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), Type: Past, PageSize: 3}
	f.Fuzz(func(t *testing.T, status, ct uint8, body []byte) {
		testutil.DecodersAgree(t, body, func() any { return &wireListSessions{sizeHint: 3} })
		svc, code, ctype := fzService(engine.Zoom, status, ct, body)
		page, err := svc.ListSessions(context.Background(), opts)
		if err != nil {
			testutil.CheckTypedError(t, code, err)
		} else if page == nil {
			t.Fatal("nil page without an error")
		}
		if !testutil.ReferenceApplies(code, ctype, body) {
			return
		}
		var ref struct {
			From          string            `json:"from"`
			To            string            `json:"to"`
			PageSize      int               `json:"page_size"`
			NextPageToken string            `json:"next_page_token"`
			Sessions      []refVideoSession `json:"sessions"`
		}
		if json.Unmarshal(body, &ref) != nil || (ref.Sessions == nil && ref.PageSize == 0 && ref.NextPageToken == "" && ref.From == "" && ref.To == "") {
			return
		}
		durations := make([]time.Duration, len(ref.Sessions))
		for i, s := range ref.Sessions {
			if s.Duration != nil {
				d, err := parseClock(*s.Duration)
				if err != nil {
					return // a duration text the contract does not allow
				}
				durations[i] = d
			}
		}
		if err != nil {
			t.Fatalf("encoding/json accepts the body but ListSessions failed: %v", err)
		}
		if page.From != ref.From || page.To != ref.To || page.PageSize != ref.PageSize || page.NextPageToken != ref.NextPageToken || len(page.Sessions) != len(ref.Sessions) {
			t.Fatalf("ListSessions gave %+v; encoding/json %+v", page, ref)
		}
		for i, s := range ref.Sessions {
			got := page.Sessions[i]
			if got.ID != s.ID || got.SessionName != s.SessionName || got.SessionKey != s.SessionKey || got.UserCount != s.UserCount ||
				got.HasVoIP != s.HasVoIP || got.HasPSTN != s.HasPSTN || !got.StartTime.Equal(s.StartTime.Std()) || !got.EndTime.Equal(s.EndTime.Std()) ||
				got.Duration != durations[i] || (got.HasSessionSummary == nil) != (s.HasSessionSummary == nil) ||
				(s.HasSessionSummary != nil && *got.HasSessionSummary != *s.HasSessionSummary) {
				t.Fatalf("session %d: got %+v, encoding/json %+v", i, got, s)
			}
		}
	})
}
