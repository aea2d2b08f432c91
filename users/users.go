package users

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sessionkit/sessionkit-go/internal/engine"
)

// SortKey is a field MonoCloud can sort sessions by.
type SortKey string

// The sort keys MonoCloud knows.
const (
	SortBySessionID   SortKey = "session_id"
	SortByInitiatedAt SortKey = "initiated_at"
	SortByExpiresAt   SortKey = "expires_at"
	SortByLastUpdated SortKey = "last_updated"
)

// SortOrder is a sort direction.
type SortOrder int

// The sort orders, as MonoCloud spells them.
const (
	Ascending  SortOrder = 1
	Descending SortOrder = -1
)

// Sort orders sessions; it is sent as sort=key:order. The zero value is
// not sent; setting only one of Key and Order is an error.
type Sort struct {
	Key   SortKey
	Order SortOrder
}

// sortParam encodes a Sort for go-querystring as key:order.
type sortParam Sort

// EncodeValues implements go-querystring's Encoder.
func (s sortParam) EncodeValues(key string, v *url.Values) error {
	if s != (sortParam{}) {
		v.Set(key, string(s.Key)+":"+strconv.Itoa(int(s.Order)))
	}
	return nil
}

// SessionsOptions selects a user's sessions. Zero fields are not sent
// (MonoCloud's defaults: page 1, 10 per page).
type SessionsOptions struct {
	// Page is the 1-based page number.
	Page int
	// Size is the number of sessions per page.
	Size int
	// ClientID filters by client (sent as client_id).
	ClientID string
	// Sort orders the sessions.
	Sort Sort
}

// SessionsPage is one page of a user's sessions. MonoCloud sends the
// sessions as a bare array and the totals in a header; SessionsPage
// marshals with encoding/json as {"sessions": [...], "pagination": {...}},
// without "pagination" when it is nil.
type SessionsPage struct {
	// Sessions are the page's sessions.
	Sessions []Session `json:"sessions"`
	// Pagination is the X-Pagination header, nil when the server sent none
	// (the totals are then unknown, not zero).
	Pagination *Pagination `json:"pagination,omitzero"`
}

// Pagination is MonoCloud's X-Pagination header.
type Pagination struct {
	TotalCount  int  `json:"total_count"`
	PageSize    int  `json:"page_size"`
	CurrentPage int  `json:"current_page"`
	HasNext     bool `json:"has_next"`
	HasPrevious bool `json:"has_previous"`
}

// Session is one of a user's sessions. It marshals with encoding/json to
// MonoCloud's field names, leaving out empty strings, zero times and
// missing lists; times are RFC 3339, not the Unix seconds MonoCloud sends.
type Session struct {
	// SessionID identifies the session.
	SessionID string `json:"session_id,omitzero"`
	// SessionKey is the session's key; "" when MonoCloud omits it.
	SessionKey string `json:"session_key,omitzero"`
	// ClientIDs lists the clients the session was used with.
	ClientIDs []string `json:"client_ids,omitzero"`
	// InitiatedAt, ExpiresAt and LastUpdated come from Unix seconds.
	InitiatedAt time.Time `json:"initiated_at,omitzero"`
	ExpiresAt   time.Time `json:"expires_at,omitzero"`
	LastUpdated time.Time `json:"last_updated,omitzero"`
	// LastMetadata describes the session's last request.
	LastMetadata Metadata `json:"last_metadata,omitzero"`
}

// Metadata describes where a session was last used. Fields MonoCloud sends
// as null are "". It marshals with encoding/json to MonoCloud's field
// names, leaving out empty strings.
type Metadata struct {
	Country   string `json:"country,omitzero"`
	City      string `json:"city,omitzero"`
	Region    string `json:"region,omitzero"`
	Latitude  string `json:"latitude,omitzero"`
	Longitude string `json:"longitude,omitzero"`
	IPAddress string `json:"ip_address,omitzero"`
	UserAgent string `json:"user_agent,omitzero"`
}

type sessionsQuery struct {
	Page     int       `url:"page,omitempty"`
	Size     int       `url:"size,omitempty"`
	ClientID string    `url:"client_id,omitempty"`
	Sort     sortParam `url:"sort,omitempty"`
}

// sessionsArgs are the arguments of a Sessions call.
type sessionsArgs struct {
	userID string
	opts   SessionsOptions
}

// sessionsEndpoint is GET /api/users/{user_id}/sessions: a user's sessions,
// as a bare array, the totals in X-Pagination.
var sessionsEndpoint = engine.Endpoint[sessionsArgs, *wireSessions, *SessionsPage, Session]{
	API: engine.MonoCloud, Method: http.MethodGet, Route: "/api/users/{user_id}/sessions",
	Path:   func(_ *engine.Client, a sessionsArgs) (string, error) { return sessionsPath(a.userID, a.opts) },
	Cursor: func(a sessionsArgs) engine.Cursor { return engine.Cursor{Page: a.opts.Page} }, FirstPage: 1,
	Query: func(a sessionsArgs, at engine.Cursor) any {
		return sessionsQuery{Page: at.Page, Size: a.opts.Size, ClientID: a.opts.ClientID, Sort: sortParam(a.opts.Sort)}
	},
	Wire: func(a sessionsArgs) *wireSessions { return &wireSessions{sizeHint: a.opts.Size} },
	Result: func(_ sessionsArgs, w *wireSessions, r *engine.Response) *SessionsPage {
		return &SessionsPage{Sessions: w.sessions, Pagination: parsePagination(r.Header.Get("X-Pagination"))}
	},
	Next: func(a sessionsArgs, p *SessionsPage) engine.Page[Session] {
		return headerPage(p.Sessions, p.Pagination, a.opts.Size)
	},
}

// Sessions returns one page of a user's sessions.
func (s *Service) Sessions(ctx context.Context, userID string, opts SessionsOptions) (*SessionsPage, error) {
	return sessionsEndpoint.Get(ctx, s.engine(), sessionsArgs{userID, opts})
}

// SessionsIter walks a user's sessions from opts.Page (else page 1) to the
// last page, lazily: X-Pagination's has_next ends it without an extra
// request (total_count and page_size never end it); without the header, a
// page shorter than Size (default 10) or an empty page ends it. It yields
// every session through the last page, in order and once each, or ends
// with exactly one *[sessionkit.PageError] after every session before it,
// never early in silence, whatever WithPrefetch says (see the package
// documentation).
func (s *Service) SessionsIter(ctx context.Context, userID string, opts SessionsOptions) iter.Seq2[Session, error] {
	return sessionsEndpoint.Items(ctx, s.engine(), sessionsArgs{userID, opts})
}

// SessionsPages walks the same pages as [Service.SessionsIter], under the
// same rules and prefetch, and yields each page whole, with its
// Pagination, as [Service.Sessions] returns it. It ends with exactly one
// *[sessionkit.PageError] after every page before it, whose Page is the
// page that failed and whose Yielded counts the sessions of the pages
// yielded before it.
func (s *Service) SessionsPages(ctx context.Context, userID string, opts SessionsOptions) iter.Seq2[*SessionsPage, error] {
	return sessionsEndpoint.Pages(ctx, s.engine(), sessionsArgs{userID, opts})
}

// sessionsPath validates the arguments of a Sessions call and returns
// its path.
func sessionsPath(userID string, opts SessionsOptions) (string, error) {
	seg, err := engine.Segment("userID", userID)
	if err != nil {
		return "", err
	}
	switch {
	case opts.Page < 0:
		return "", engine.Invalidf("SessionsOptions.Page must not be negative, got %d", opts.Page)
	case opts.Size < 0:
		return "", engine.Invalidf("SessionsOptions.Size must not be negative, got %d", opts.Size)
	}
	if err := opts.Sort.validate("SessionsOptions", sessionSortKeys); err != nil {
		return "", err
	}
	return "api/users/" + seg + "/sessions", nil
}

// sessionSortKeys are the keys Sessions accepts.
var sessionSortKeys = []SortKey{SortBySessionID, SortByInitiatedAt, SortByExpiresAt, SortByLastUpdated}

// validate checks s against the sort keys of one call; typeName names its
// options type in the error.
func (s Sort) validate(typeName string, keys []SortKey) error {
	if s == (Sort{}) {
		return nil
	}
	switch {
	case s.Key == "":
		return engine.Invalidf("%s.Sort.Key is required when Sort.Order is set", typeName)
	case !slices.Contains(keys, s.Key):
		names := make([]string, len(keys))
		for i, k := range keys {
			names[i] = string(k)
		}
		return engine.Invalidf("%s.Sort.Key %q is not one of %s", typeName, s.Key, strings.Join(names, ", "))
	}
	switch s.Order {
	case Ascending, Descending:
	case 0:
		return engine.Invalidf("%s.Sort.Order is required when Sort.Key is set", typeName)
	default:
		return engine.Invalidf("%s.Sort.Order must be Ascending (1) or Descending (-1), got %d", typeName, s.Order)
	}
	return nil
}

// sizeOrDefault is the page size MonoCloud uses for a requested one.
func sizeOrDefault(size int) int {
	if size == 0 {
		return 10
	}
	return size
}

// parsePagination decodes an X-Pagination header value. It returns nil
// when the header is missing or is not a JSON object, since the totals are
// then unknown.
func parsePagination(header string) *Pagination {
	if header == "" {
		return nil
	}
	var p Pagination
	if err := json.Unmarshal([]byte(header), &p); err != nil {
		return nil
	}
	return &p
}

// nullableString is a string that may come as null (left empty) or, from
// lenient servers, as a number (kept as its decimal text).
type nullableString string

// UnmarshalJSON implements [json.Unmarshaler]. A string costs one
// allocation, its text ([engine.StringText]), escaped or not.
func (s *nullableString) UnmarshalJSON(b []byte) error {
	if text, ok := engine.StringText(b); ok {
		*s = nullableString(text)
		return nil
	}
	if string(b) == "null" {
		return nil
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	switch t := v.(type) {
	case string:
		*s = nullableString(t)
	case float64:
		*s = nullableString(strconv.FormatFloat(t, 'f', -1, 64))
	default:
		return fmt.Errorf("expected a string, got %s", b)
	}
	return nil
}

// metadataFields decodes last_metadata straight into a Metadata.
type metadataFields struct {
	Country   *nullableString `json:"country"`
	City      *nullableString `json:"city"`
	Region    *nullableString `json:"region"`
	Latitude  *nullableString `json:"latitude"`
	Longitude *nullableString `json:"longitude"`
	IPAddress *nullableString `json:"ip_address"`
	UserAgent *nullableString `json:"user_agent"`
}

// sessionFields decodes one session straight into a Session: each field
// points at its destination (rebound per element).
type sessionFields struct {
	SessionID    *string        `json:"session_id"`
	SessionKey   *string        `json:"session_key"`
	ClientIDs    *[]string      `json:"client_ids"`
	InitiatedAt  *engine.Time   `json:"initiated_at"`
	ExpiresAt    *engine.Time   `json:"expires_at"`
	LastUpdated  *engine.Time   `json:"last_updated"`
	LastMetadata metadataFields `json:"last_metadata"`
}

func (f *sessionFields) bind(s *Session) {
	m := &s.LastMetadata
	*f = sessionFields{
		SessionID: &s.SessionID, SessionKey: &s.SessionKey, ClientIDs: &s.ClientIDs,
		InitiatedAt: (*engine.Time)(&s.InitiatedAt), ExpiresAt: (*engine.Time)(&s.ExpiresAt),
		LastUpdated: (*engine.Time)(&s.LastUpdated),
		LastMetadata: metadataFields{
			Country: (*nullableString)(&m.Country), City: (*nullableString)(&m.City),
			Region: (*nullableString)(&m.Region), Latitude: (*nullableString)(&m.Latitude),
			Longitude: (*nullableString)(&m.Longitude), IPAddress: (*nullableString)(&m.IPAddress),
			UserAgent: (*nullableString)(&m.UserAgent),
		},
	}
}

// wireSessions is the bare JSON array of sessions, stream-decoded into its
// public form.
type wireSessions struct {
	sessions []Session
	present  bool
	// sizeHint is the expected number of sessions (the requested size).
	sizeHint int
}

// DecodeStream implements engine.StreamDecoder.
func (w *wireSessions) DecodeStream(dec *json.Decoder) error {
	var f sessionFields
	var err error
	w.sessions, w.present, err = engine.StreamItems(dec, sizeOrDefault(w.sizeHint), w.maxSessions(), func(s *Session) error {
		f.bind(s)
		return dec.Decode(&f)
	})
	return err
}

// maxSessions bounds a page: the requested size, at least
// engine.MaxPageItems.
func (w *wireSessions) maxSessions() int { return max(w.sizeHint, engine.MaxPageItems) }

// Reset implements engine.Resetter.
func (w *wireSessions) Reset() { *w = wireSessions{sizeHint: w.sizeHint} }

var (
	errNotArray     = errors.New("body is not a JSON array of sessions")
	errNotUserArray = errors.New("body is not a JSON array of users")
)

// Check rejects a body that is not an array (such as a JSON null).
func (w *wireSessions) Check() error {
	if !w.present {
		return errNotArray
	}
	return nil
}
