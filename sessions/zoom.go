package sessions

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"net/http"
	"strings"
	"time"

	"github.com/sessionkit/sessionkit-go/internal/engine"
)

// SessionType selects live or past Video SDK sessions.
type SessionType string

// The session types Zoom knows. The zero value is not sent (Zoom then
// defaults to Live).
const (
	// Live selects the users of a session in progress.
	Live SessionType = "live"
	// Past selects the users of an ended session.
	Past SessionType = "past"
)

// MaxZoomPageSize is the largest page size Zoom accepts.
const MaxZoomPageSize = 300

// ListUsersOptions selects the users of one Zoom Video SDK session. Zero
// fields are not sent (Zoom's defaults: live, 30 per page).
type ListUsersOptions struct {
	// Type selects live or past sessions.
	Type SessionType
	// PageSize is the number of users per page, at most 300.
	PageSize int
	// NextPageToken continues a listing; it expires 15 minutes after Zoom
	// issued it.
	NextPageToken string
}

// ListUsersPage is one page of Video SDK session users. There is no
// total: the last page has an empty NextPageToken. It marshals with
// encoding/json to Zoom's field names (an empty token is left out).
type ListUsersPage struct {
	// PageSize is the page size Zoom used.
	PageSize int `json:"page_size"`
	// NextPageToken continues the listing; "" on the last page.
	NextPageToken string `json:"next_page_token,omitzero"`
	// Users are the page's users; a user who rejoined appears once per
	// join.
	Users []VideoUser `json:"users"`
}

// VideoUser is one join of a user to a Video SDK session. Enumerated
// fields (Device, NetworkType, the qualities) are plain strings, so values
// Zoom adds later decode too. It marshals with encoding/json to Zoom's
// field names, leaving out empty strings, zero times and a missing
// AudioCall; times are RFC 3339.
type VideoUser struct {
	ID                 string `json:"id,omitzero"`
	Name               string `json:"name,omitzero"`
	Device             string `json:"device,omitzero"`
	IPAddress          string `json:"ip_address,omitzero"`
	Location           string `json:"location,omitzero"`
	NetworkType        string `json:"network_type,omitzero"`
	Microphone         string `json:"microphone,omitzero"`
	Speaker            string `json:"speaker,omitzero"`
	Camera             string `json:"camera,omitzero"`
	DataCenter         string `json:"data_center,omitzero"`
	ConnectionType     string `json:"connection_type,omitzero"`
	UserKey            string `json:"user_key,omitzero"`
	ParticipantUUID    string `json:"participant_uuid,omitzero"`
	Client             string `json:"client,omitzero"`
	OS                 string `json:"os,omitzero"`
	OSVersion          string `json:"os_version,omitzero"`
	BrowserName        string `json:"browser_name,omitzero"`
	BrowserVersion     string `json:"browser_version,omitzero"`
	AudioQuality       string `json:"audio_quality,omitzero"`
	VideoQuality       string `json:"video_quality,omitzero"`
	ScreenShareQuality string `json:"screen_share_quality,omitzero"`
	// IsOriginalHost reports whether the user started the session.
	IsOriginalHost bool `json:"is_original_host"`
	// AudioCall lists the user's phone legs.
	AudioCall []AudioCall `json:"audio_call,omitzero"`
	// JoinTime is when the user joined; LeaveTime when they left, zero
	// when they have not left yet.
	JoinTime  time.Time `json:"join_time,omitzero"`
	LeaveTime time.Time `json:"leave_time,omitzero"`
}

// AudioCall is one phone leg of a Video SDK user. It marshals with
// encoding/json to Zoom's field names.
type AudioCall struct {
	CallNumber string `json:"call_number,omitzero"`
	CallType   string `json:"call_type,omitzero"`
	ZoomNumber string `json:"zoom_number,omitzero"`
}

type zoomQuery struct {
	Type          SessionType `url:"type,omitempty"`
	PageSize      int         `url:"page_size,omitempty"`
	NextPageToken string      `url:"next_page_token,omitempty"`
}

// listUsersArgs are the arguments of a ListUsers call.
type listUsersArgs struct {
	sessionID string
	opts      ListUsersOptions
}

// listUsersEndpoint is GET /videosdk/sessions/{sessionId}/users: the users
// of a session, by next_page_token.
var listUsersEndpoint = engine.Endpoint[listUsersArgs, *wireListUsers, *ListUsersPage, VideoUser]{
	API: engine.Zoom, Method: http.MethodGet, Route: "/videosdk/sessions/{sessionId}/users",
	Path:   func(_ *engine.Client, a listUsersArgs) (string, error) { return zoomUsersPath(a.sessionID, a.opts) },
	Cursor: func(a listUsersArgs) engine.Cursor { return engine.Cursor{Token: a.opts.NextPageToken} },
	Query: func(a listUsersArgs, at engine.Cursor) any {
		return zoomQuery{Type: a.opts.Type, PageSize: a.opts.PageSize, NextPageToken: at.Token}
	},
	Err:  pageTokenErr,
	Wire: func(a listUsersArgs) *wireListUsers { return &wireListUsers{sizeHint: a.opts.PageSize} },
	Result: func(_ listUsersArgs, w *wireListUsers, _ *engine.Response) *ListUsersPage {
		if w.Users == nil {
			w.Users = []VideoUser{}
		}
		return &w.ListUsersPage
	},
	Next: func(_ listUsersArgs, p *ListUsersPage) engine.Page[VideoUser] {
		return engine.CursorPage(p.Users, p.NextPageToken)
	},
}

// ListUsers returns one page of the users of a Zoom Video SDK session. A
// rejected or expired NextPageToken gives an error that satisfies
// errors.Is(err, [sessionkit.ErrPageTokenExpired]) and still holds the
// *APIError.
func (s *Service) ListUsers(ctx context.Context, sessionID string, opts ListUsersOptions) (*ListUsersPage, error) {
	return listUsersEndpoint.Get(ctx, s.engine(), listUsersArgs{sessionID, opts})
}

// ListUsersIter walks the users of a Zoom Video SDK session from
// opts.NextPageToken (else the first page) to the page with an empty
// token, lazily. A token that comes back twice ends the walk with an error
// satisfying errors.Is(err, [sessionkit.ErrPaginationLoop]). It yields
// every user through the last page, in order and once each, or ends with
// exactly one *[sessionkit.PageError] after every user before it, never
// early in silence, whatever WithPrefetch says (see the package
// documentation).
func (s *Service) ListUsersIter(ctx context.Context, sessionID string, opts ListUsersOptions) iter.Seq2[VideoUser, error] {
	return listUsersEndpoint.Items(ctx, s.engine(), listUsersArgs{sessionID, opts})
}

// ListUsersPages walks the same pages as [Service.ListUsersIter], under
// the same rules and prefetch, and yields each page whole, as
// [Service.ListUsers] returns it. It ends with exactly one
// *[sessionkit.PageError] after every page before it, whose PageToken is
// the cursor of the page that failed and whose Yielded counts the users
// of the pages yielded before it.
func (s *Service) ListUsersPages(ctx context.Context, sessionID string, opts ListUsersOptions) iter.Seq2[*ListUsersPage, error] {
	return listUsersEndpoint.Pages(ctx, s.engine(), listUsersArgs{sessionID, opts})
}

// zoomUsersPath validates the arguments of a ListUsers call and returns
// its path.
func zoomUsersPath(sessionID string, opts ListUsersOptions) (string, error) {
	if err := engine.CheckSegment("sessionID", sessionID); err != nil {
		return "", err
	}
	if err := checkZoomPaging("ListUsersOptions", opts.Type, opts.PageSize); err != nil {
		return "", err
	}
	return "videosdk/sessions/" + zoomSessionSegment(sessionID) + "/users", nil
}

// pageTokenErr marks the error of a request for the page at at as
// ErrPageTokenExpired when the request carried a page token and Zoom's
// answer means it was not accepted (see tokenRejected).
func pageTokenErr(at engine.Cursor, err error) error {
	if at.Token != "" && tokenRejected(err) {
		return engine.Wrap(engine.ErrPageTokenExpired, err)
	}
	return err
}

// checkZoomPaging validates the type and page size of a Zoom listing;
// typeName names the options type in the error.
func checkZoomPaging(typeName string, typ SessionType, pageSize int) error {
	switch typ {
	case "", Live, Past:
	default:
		return engine.Invalidf("%s.Type must be %q or %q, got %q", typeName, Live, Past, typ)
	}
	if pageSize < 0 || pageSize > MaxZoomPageSize {
		return engine.Invalidf("%s.PageSize must be between 0 and %d, got %d", typeName, MaxZoomPageSize, pageSize)
	}
	return nil
}

// zoomSessionSegment escapes a Video SDK session ID as Zoom requires:
// encodeURIComponent once, and a second time when the ID begins with "/" or
// contains "//". The result goes into the path verbatim.
func zoomSessionSegment(id string) string {
	seg := engine.EscapeComponent(id)
	if strings.HasPrefix(id, "/") || strings.Contains(id, "//") {
		seg = engine.EscapeComponent(seg)
	}
	return seg
}

// tokenRejected reports whether Zoom's answer to a request that carried a
// next_page_token means the token was not accepted.
func tokenRejected(err error) bool {
	var ae *engine.APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.Code {
	case "200", "12702", "3001": // not a Video SDK account, session too old, unknown session
		return false
	}
	switch ae.StatusCode {
	case http.StatusBadRequest, http.StatusGone:
		return true
	case http.StatusNotFound, http.StatusUnprocessableEntity:
		return strings.Contains(strings.ToLower(ae.Message), "token")
	}
	return false
}

type wireAudioCall struct {
	CallNumber string `json:"call_number"`
	CallType   string `json:"call_type"`
	ZoomNumber string `json:"zoom_number"`
}

// videoUserFields decodes one element of "users" straight into a
// VideoUser: each field points at its destination (rebound per element).
// Only audio_call goes through a scratch slice, reused across elements.
type videoUserFields struct {
	ID                 *string          `json:"id"`
	Name               *string          `json:"name"`
	Device             *string          `json:"device"`
	IPAddress          *string          `json:"ip_address"`
	Location           *string          `json:"location"`
	NetworkType        *string          `json:"network_type"`
	Microphone         *string          `json:"microphone"`
	Speaker            *string          `json:"speaker"`
	Camera             *string          `json:"camera"`
	DataCenter         *string          `json:"data_center"`
	ConnectionType     *string          `json:"connection_type"`
	JoinTime           *engine.Time     `json:"join_time"`
	LeaveTime          *engine.Time     `json:"leave_time"`
	UserKey            *string          `json:"user_key"`
	ParticipantUUID    *string          `json:"participant_uuid"`
	Client             *string          `json:"client"`
	OS                 *string          `json:"os"`
	OSVersion          *string          `json:"os_version"`
	BrowserName        *string          `json:"browser_name"`
	BrowserVersion     *string          `json:"browser_version"`
	AudioQuality       *string          `json:"audio_quality"`
	VideoQuality       *string          `json:"video_quality"`
	ScreenShareQuality *string          `json:"screen_share_quality"`
	IsOriginalHost     *bool            `json:"is_original_host"`
	AudioCall          *[]wireAudioCall `json:"audio_call"`
}

func (f *videoUserFields) bind(u *VideoUser, calls *[]wireAudioCall) {
	*f = videoUserFields{
		ID: &u.ID, Name: &u.Name, Device: &u.Device, IPAddress: &u.IPAddress, Location: &u.Location,
		NetworkType: &u.NetworkType, Microphone: &u.Microphone, Speaker: &u.Speaker, Camera: &u.Camera,
		DataCenter: &u.DataCenter, ConnectionType: &u.ConnectionType,
		JoinTime: (*engine.Time)(&u.JoinTime), LeaveTime: (*engine.Time)(&u.LeaveTime),
		UserKey: &u.UserKey, ParticipantUUID: &u.ParticipantUUID, Client: &u.Client, OS: &u.OS,
		OSVersion: &u.OSVersion, BrowserName: &u.BrowserName, BrowserVersion: &u.BrowserVersion,
		AudioQuality: &u.AudioQuality, VideoQuality: &u.VideoQuality, ScreenShareQuality: &u.ScreenShareQuality,
		IsOriginalHost: &u.IsOriginalHost, AudioCall: calls,
	}
}

// wireListUsers is a Zoom page, stream-decoded into its public form.
type wireListUsers struct {
	ListUsersPage
	// sizeHint is the expected number of users (the requested page size).
	sizeHint int
}

// Reset implements engine.Resetter.
func (w *wireListUsers) Reset() { *w = wireListUsers{sizeHint: w.sizeHint} }

var errNoUsers = errors.New(`body has no "users" array`)

// Check rejects a body without a users array (such as a JSON null).
func (w *wireListUsers) Check() error {
	if w.Users == nil && w.PageSize == 0 && w.NextPageToken == "" {
		return errNoUsers
	}
	return nil
}

// DecodeStream implements engine.StreamDecoder.
func (w *wireListUsers) DecodeStream(dec *json.Decoder) error {
	_, err := engine.StreamObject(dec, func(key string) error {
		switch strings.ToLower(key) {
		case "page_size":
			return dec.Decode(&w.PageSize)
		case "next_page_token":
			return dec.Decode(&w.NextPageToken)
		case "users":
			return w.decodeUsers(dec)
		}
		return engine.SkipValue(dec)
	})
	return err
}

func (w *wireListUsers) decodeUsers(dec *json.Decoder) error {
	var d videoUserDecoder
	users, _, err := engine.StreamItems(dec, w.usersHint(), MaxZoomPageSize, func(u *VideoUser) error {
		d.begin(u)
		if err := dec.Decode(&d.fields); err != nil {
			return err
		}
		d.end(u)
		return nil
	})
	w.Users = users
	return err
}

// usersHint is the number of users to expect: the requested page size,
// else the page's own.
func (w *wireListUsers) usersHint() int {
	hint := w.sizeHint
	if hint == 0 {
		hint = w.PageSize
	}
	return min(hint, MaxZoomPageSize)
}

// videoUserDecoder is the state of decoding a page's users: the field
// pointers and the phone legs' scratch slice, reused across elements.
type videoUserDecoder struct {
	fields videoUserFields
	calls  []wireAudioCall
}

// begin points the fields at u, with an empty scratch slice.
func (d *videoUserDecoder) begin(u *VideoUser) {
	clear(d.calls[:cap(d.calls)]) // json merges into elements it reuses
	d.calls = d.calls[:0]
	d.fields.bind(u, &d.calls)
}

// end copies the decoded phone legs into u.
func (d *videoUserDecoder) end(u *VideoUser) {
	if len(d.calls) > 0 {
		u.AudioCall = make([]AudioCall, len(d.calls))
		for i, c := range d.calls {
			u.AudioCall[i] = AudioCall(c)
		}
	}
}
