package sessionkit_test

// The hand-written raw client: what a careful engineer writes with
// net/http and encoding/json, decoding into equivalent typed structs,
// times included. It shares nothing with the SDK's decoders: it is the
// oracle the SDK's pages are checked against (TestRawLoopMatchesSDK) and
// the baseline the benchmarks compare the SDK with.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/traces"
	"github.com/sessionkit/sessionkit-go/users"
)

type rawClient struct {
	hc   *http.Client
	base string
}

func newRawClient(tb testing.TB, base string) *rawClient {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	tb.Cleanup(tr.CloseIdleConnections)
	return &rawClient{hc: &http.Client{Transport: tr}, base: base}
}

// rawPage fetches page idx (0-based position) of size items of the
// fixture the raw way and returns the decoded page and its number of
// items.
func (rc *rawClient) rawPage(ctx context.Context, api sessionkit.API, idx, size int) (any, int, error) {
	return apis[api].rawPage(ctx, rc, fixtureArgs, idx, size)
}

// get sends GET base+path?q and stream-decodes a 200 body into out.
func (rc *rawClient) get(ctx context.Context, path string, q url.Values, apiKeyHeader bool, out any) (http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rc.base+path+"?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if apiKeyHeader {
		req.Header.Set("X-API-KEY", testKey)
	} else {
		req.Header.Set("Authorization", "Bearer "+testKey)
	}
	resp, err := rc.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil, fmt.Errorf("GET %s: status %d", path, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return nil, fmt.Errorf("GET %s: %w", path, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body) // keep the connection reusable
	return resp.Header, nil
}

// ---------------------------------------------------------------------------
// Ductape.

type rawDuctapeUser struct {
	ID            string    `json:"_id"`
	DuctapeUserID string    `json:"ductape_user_id"`
	ProductTag    string    `json:"product_tag"`
	SessionTag    string    `json:"session_tag"`
	Identifier    string    `json:"identifier"`
	Env           string    `json:"env"`
	FirstSeen     time.Time `json:"first_seen"`
	LastSeen      time.Time `json:"last_seen"`
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`
}

type rawDuctapePage struct {
	Status bool `json:"status"`
	Data   struct {
		Users      []rawDuctapeUser `json:"users"`
		Total      int              `json:"total"`
		Page       int              `json:"page"`
		Limit      int              `json:"limit"`
		TotalPages int              `json:"totalPages"`
	} `json:"data"`
}

func rawDuctapePageAt(ctx context.Context, rc *rawClient, a listArgs, idx, size int) (any, int, error) {
	var p rawDuctapePage
	q := url.Values{"product_tag": {a.product}, "session_tag": {a.session},
		"page": {strconv.Itoa(idx + 1)}, "limit": {strconv.Itoa(size)}}
	if _, err := rc.get(ctx, "/integrations/v1/session/users/"+testWorkspace, q, false, &p); err != nil {
		return nil, 0, err
	}
	if !p.Status {
		return nil, 0, fmt.Errorf("status false")
	}
	return &p, len(p.Data.Users), nil
}

func rawDuctapeEveryQuery(ctx context.Context, rc *rawClient, a listArgs) error {
	var p rawDuctapePage
	_, err := rc.get(ctx, "/integrations/v1/session/users/"+testWorkspace, url.Values{
		"product_tag": {a.product}, "session_tag": {a.session}, "env": {"production"},
		"page": {"3"}, "limit": {"100"}}, false, &p)
	return err
}

func rawDuctapeMatches(t *testing.T, raw, page any) {
	rp, p := raw.(*rawDuctapePage), page.(*sessions.UsersPage)
	conv := make([]sessions.User, len(rp.Data.Users))
	for i, u := range rp.Data.Users {
		conv[i] = sessions.User{ID: u.ID, DuctapeUserID: u.DuctapeUserID, ProductTag: u.ProductTag,
			SessionTag: u.SessionTag, Identifier: u.Identifier, Env: u.Env, FirstSeen: u.FirstSeen,
			LastSeen: u.LastSeen, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
	}
	require.Equal(t, conv, p.Users)
}

// ---------------------------------------------------------------------------
// Zoom.

type rawAudioCall struct {
	CallNumber string `json:"call_number"`
	CallType   string `json:"call_type"`
	ZoomNumber string `json:"zoom_number"`
}

type rawZoomUser struct {
	ID                 string         `json:"id"`
	Name               string         `json:"name"`
	Device             string         `json:"device"`
	IPAddress          string         `json:"ip_address"`
	Location           string         `json:"location"`
	NetworkType        string         `json:"network_type"`
	Microphone         string         `json:"microphone"`
	Speaker            string         `json:"speaker"`
	Camera             string         `json:"camera"`
	DataCenter         string         `json:"data_center"`
	ConnectionType     string         `json:"connection_type"`
	JoinTime           time.Time      `json:"join_time"`
	LeaveTime          time.Time      `json:"leave_time"`
	UserKey            string         `json:"user_key"`
	ParticipantUUID    string         `json:"participant_uuid"`
	Client             string         `json:"client"`
	OS                 string         `json:"os"`
	OSVersion          string         `json:"os_version"`
	BrowserName        string         `json:"browser_name"`
	BrowserVersion     string         `json:"browser_version"`
	AudioQuality       string         `json:"audio_quality"`
	VideoQuality       string         `json:"video_quality"`
	ScreenShareQuality string         `json:"screen_share_quality"`
	IsOriginalHost     bool           `json:"is_original_host"`
	AudioCall          []rawAudioCall `json:"audio_call"`
}

type rawZoomPage struct {
	PageSize      int           `json:"page_size"`
	NextPageToken string        `json:"next_page_token"`
	Users         []rawZoomUser `json:"users"`
}

func rawZoomPageAt(ctx context.Context, rc *rawClient, a listArgs, idx, _ int) (any, int, error) {
	var p rawZoomPage
	q := url.Values{}
	if idx > 0 {
		q.Set("next_page_token", zoomToken(idx))
	}
	if _, err := rc.get(ctx, "/videosdk/sessions/"+url.PathEscape(a.zoomSession)+"/users", q, false, &p); err != nil {
		return nil, 0, err
	}
	return &p, len(p.Users), nil
}

func rawZoomEveryQuery(ctx context.Context, rc *rawClient, a listArgs) error {
	var p rawZoomPage
	_, err := rc.get(ctx, "/videosdk/sessions/"+url.PathEscape(a.zoomSession)+"/users", url.Values{
		"type": {"past"}, "page_size": {"300"}, "next_page_token": {"tok-7"}}, false, &p)
	return err
}

func rawZoomMatches(t *testing.T, raw, page any) {
	rp, p := raw.(*rawZoomPage), page.(*sessions.ListUsersPage)
	conv := make([]sessions.VideoUser, len(rp.Users))
	for i, u := range rp.Users {
		v := sessions.VideoUser{ID: u.ID, Name: u.Name, Device: u.Device, IPAddress: u.IPAddress,
			Location: u.Location, NetworkType: u.NetworkType, Microphone: u.Microphone, Speaker: u.Speaker,
			Camera: u.Camera, DataCenter: u.DataCenter, ConnectionType: u.ConnectionType, UserKey: u.UserKey,
			ParticipantUUID: u.ParticipantUUID, Client: u.Client, OS: u.OS, OSVersion: u.OSVersion,
			BrowserName: u.BrowserName, BrowserVersion: u.BrowserVersion, AudioQuality: u.AudioQuality,
			VideoQuality: u.VideoQuality, ScreenShareQuality: u.ScreenShareQuality,
			IsOriginalHost: u.IsOriginalHost, JoinTime: u.JoinTime, LeaveTime: u.LeaveTime}
		for _, a := range u.AudioCall {
			v.AudioCall = append(v.AudioCall, sessions.AudioCall(a))
		}
		conv[i] = v
	}
	require.Equal(t, conv, p.Users)
}

// ---------------------------------------------------------------------------
// Arthur.

// rawNaiveTime is an ISO 8601 date-time without a zone, taken as UTC.
type rawNaiveTime time.Time

func (t *rawNaiveTime) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("naive time: not a string: %s", b)
	}
	v, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", string(b[1:len(b)-1]), time.UTC)
	if err != nil {
		return err
	}
	*t = rawNaiveTime(v)
	return nil
}

type rawArthurUser struct {
	UserID               string       `json:"user_id"`
	TaskID               string       `json:"task_id"`
	SessionIDs           []string     `json:"session_ids"`
	SessionCount         int          `json:"session_count"`
	TraceIDs             []string     `json:"trace_ids"`
	TraceCount           int          `json:"trace_count"`
	SpanCount            int          `json:"span_count"`
	EarliestStartTime    rawNaiveTime `json:"earliest_start_time"`
	LatestEndTime        rawNaiveTime `json:"latest_end_time"`
	PromptTokenCount     *int         `json:"prompt_token_count"`
	CompletionTokenCount *int         `json:"completion_token_count"`
	TotalTokenCount      *int         `json:"total_token_count"`
	PromptTokenCost      *float64     `json:"prompt_token_cost"`
	CompletionTokenCost  *float64     `json:"completion_token_cost"`
	TotalTokenCost       *float64     `json:"total_token_cost"`
}

type rawArthurPage struct {
	Count           int             `json:"count"`
	Users           []rawArthurUser `json:"users"`
	DisplayCurrency string          `json:"display_currency"`
}

func rawArthurPageAt(ctx context.Context, rc *rawClient, a listArgs, idx, size int) (any, int, error) {
	var p rawArthurPage
	q := url.Values{"task_ids": a.tasks, "page_size": {strconv.Itoa(size)}, "page": {strconv.Itoa(idx)}}
	if _, err := rc.get(ctx, "/api/v1/traces/users", q, false, &p); err != nil {
		return nil, 0, err
	}
	return &p, len(p.Users), nil
}

func rawArthurEveryQuery(ctx context.Context, rc *rawClient, a listArgs) error {
	var p rawArthurPage
	_, err := rc.get(ctx, "/api/v1/traces/users", url.Values{
		"task_ids": {a.tasks[0], "t-2"}, "start_time": {fixtureBaseTime.Format(time.RFC3339Nano)},
		"end_time": {fixtureBaseTime.Add(time.Hour).Format(time.RFC3339Nano)}, "sort": {"asc"},
		"page_size": {"100"}, "page": {"2"}}, false, &p)
	return err
}

func rawArthurMatches(t *testing.T, raw, page any) {
	rp, p := raw.(*rawArthurPage), page.(*traces.UsersPage)
	conv := make([]traces.UserMetadata, len(rp.Users))
	for i, u := range rp.Users {
		conv[i] = traces.UserMetadata{UserID: u.UserID, TaskID: u.TaskID, SessionIDs: u.SessionIDs,
			TraceIDs: u.TraceIDs, SessionCount: u.SessionCount, TraceCount: u.TraceCount, SpanCount: u.SpanCount,
			EarliestStartTime: time.Time(u.EarliestStartTime), LatestEndTime: time.Time(u.LatestEndTime),
			PromptTokenCount: u.PromptTokenCount, CompletionTokenCount: u.CompletionTokenCount,
			TotalTokenCount: u.TotalTokenCount, PromptTokenCost: u.PromptTokenCost,
			CompletionTokenCost: u.CompletionTokenCost, TotalTokenCost: u.TotalTokenCost}
	}
	require.Equal(t, conv, p.Users)
	require.Equal(t, rp.Count, p.Count)
}

// ---------------------------------------------------------------------------
// MonoCloud.

// rawUnixTime is Unix epoch seconds.
type rawUnixTime time.Time

func (t *rawUnixTime) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return err
	}
	*t = rawUnixTime(time.Unix(n, 0).UTC())
	return nil
}

type rawMetadata struct {
	Country   string `json:"country"`
	City      string `json:"city"`
	Region    string `json:"region"`
	Latitude  string `json:"latitude"`
	Longitude string `json:"longitude"`
	IPAddress string `json:"ip_address"`
	UserAgent string `json:"user_agent"`
}

type rawSession struct {
	SessionID    string      `json:"session_id"`
	SessionKey   string      `json:"session_key"`
	ClientIDs    []string    `json:"client_ids"`
	InitiatedAt  rawUnixTime `json:"initiated_at"`
	ExpiresAt    rawUnixTime `json:"expires_at"`
	LastUpdated  rawUnixTime `json:"last_updated"`
	LastMetadata rawMetadata `json:"last_metadata"`
}

type rawPagination struct {
	TotalCount  int  `json:"total_count"`
	PageSize    int  `json:"page_size"`
	CurrentPage int  `json:"current_page"`
	HasNext     bool `json:"has_next"`
	HasPrevious bool `json:"has_previous"`
}

func rawMonoCloudPageAt(ctx context.Context, rc *rawClient, a listArgs, idx, size int) (any, int, error) {
	var p struct {
		sessions   []rawSession
		pagination *rawPagination
	}
	q := url.Values{"page": {strconv.Itoa(idx + 1)}, "size": {strconv.Itoa(size)}}
	h, err := rc.get(ctx, "/api/users/"+a.monoUser+"/sessions", q, true, &p.sessions)
	if err != nil {
		return nil, 0, err
	}
	if v := h.Get("X-Pagination"); v != "" {
		p.pagination = new(rawPagination)
		if err := json.Unmarshal([]byte(v), p.pagination); err != nil {
			p.pagination = nil
		}
	}
	return p.sessions, len(p.sessions), nil
}

func rawMonoCloudEveryQuery(ctx context.Context, rc *rawClient, a listArgs) error {
	var p []rawSession
	_, err := rc.get(ctx, "/api/users/"+a.monoUser+"/sessions", url.Values{
		"page": {"2"}, "size": {"100"}, "client_id": {"eCOGRJYpnNwwAAuCeReEW"},
		"sort": {"initiated_at:-1"}}, true, &p)
	return err
}

func rawMonoCloudMatches(t *testing.T, raw, page any) {
	rp, p := raw.([]rawSession), page.(*users.SessionsPage)
	conv := make([]users.Session, len(rp))
	for i, s := range rp {
		conv[i] = users.Session{SessionID: s.SessionID, SessionKey: s.SessionKey, ClientIDs: s.ClientIDs,
			InitiatedAt: time.Time(s.InitiatedAt), ExpiresAt: time.Time(s.ExpiresAt),
			LastUpdated: time.Time(s.LastUpdated), LastMetadata: users.Metadata(s.LastMetadata)}
	}
	require.Equal(t, conv, p.Sessions)
	require.NotNil(t, p.Pagination)
}
