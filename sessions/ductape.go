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

// FetchUsersOptions selects the users of one Ductape session. Product and
// Session are required; a zero Env, Page or Limit is not sent (the server
// defaults are page 1 and 20 users per page).
type FetchUsersOptions struct {
	// Product is the product tag (sent as product_tag).
	Product string
	// Session is the session tag (sent as session_tag).
	Session string
	// Env filters by environment, e.g. "production".
	Env string
	// Page is the 1-based page number.
	Page int
	// Limit is the number of users per page.
	Limit int
}

// UsersPage is one page of Ductape session users. It marshals with
// encoding/json to the names of Ductape's "data" object.
type UsersPage struct {
	// Users are the page's users.
	Users []User `json:"users"`
	// Total is the number of users over all pages.
	Total int `json:"total"`
	// Page is the 1-based page number.
	Page int `json:"page"`
	// Limit is the page size the server used.
	Limit int `json:"limit"`
	// TotalPages is ceil(Total/Limit).
	TotalPages int `json:"totalPages"`
}

// User is a user seen in a Ductape session. It marshals with encoding/json
// to Ductape's field names, leaving out empty strings and zero times;
// times are RFC 3339.
type User struct {
	// ID is the record's document ID (_id).
	ID string `json:"_id,omitzero"`
	// DuctapeUserID is Ductape's own user identifier.
	DuctapeUserID string `json:"ductape_user_id,omitzero"`
	// ProductTag and SessionTag name the product and session.
	ProductTag string `json:"product_tag,omitzero"`
	SessionTag string `json:"session_tag,omitzero"`
	// Identifier is the app's identifier for the user (an e-mail, say).
	Identifier string `json:"identifier,omitzero"`
	// Env is the environment.
	Env string `json:"env,omitzero"`
	// FirstSeen and LastSeen bound the user's activity.
	FirstSeen time.Time `json:"first_seen,omitzero"`
	LastSeen  time.Time `json:"last_seen,omitzero"`
	// CreatedAt and UpdatedAt are the record's timestamps.
	CreatedAt time.Time `json:"createdAt,omitzero"`
	UpdatedAt time.Time `json:"updatedAt,omitzero"`
}

// FetchUserDetailsOptions selects one user of a Ductape session. Product,
// Session and Identifier are required.
type FetchUserDetailsOptions struct {
	// Product is the product tag (sent as product_tag).
	Product string
	// Session is the session tag (sent as session_tag).
	Session string
	// Identifier is the user's identifier, sent as one path segment.
	Identifier string
	// Env filters by environment.
	Env string
}

// UserDetails is a Ductape user with their session history. It marshals
// with encoding/json as Ductape sends it: the User's fields and the
// history side by side in one object.
type UserDetails struct {
	User
	// Sessions is the user's session history.
	Sessions []SessionInfo `json:"sessions"`
	// TotalSessions counts the user's sessions.
	TotalSessions int `json:"totalSessions"`
	// ActiveSessionsCount counts the sessions still active.
	ActiveSessionsCount int `json:"activeSessionsCount"`
}

// SessionInfo is one session in a user's history. It marshals with
// encoding/json to Ductape's field names, leaving out zero times.
type SessionInfo struct {
	// SessionID identifies the session.
	SessionID string `json:"session_id,omitzero"`
	// StartAt and EndAt bound the session (EndAt is its expiry).
	StartAt time.Time `json:"start_at,omitzero"`
	EndAt   time.Time `json:"end_at,omitzero"`
	// Active reports whether the session is still active.
	Active bool `json:"active"`
}

type ductapeQuery struct {
	Product string `url:"product_tag"`
	Session string `url:"session_tag"`
	Env     string `url:"env,omitempty"`
	Page    int    `url:"page,omitempty"`
	Limit   int    `url:"limit,omitempty"`
}

const usersRoute = "integrations/v1/session/users/"

// defaultLimit is Ductape's page size when no limit is sent.
const defaultLimit = 20

// fetchUsersEndpoint is GET /integrations/v1/session/users/{workspace_id}:
// the users of a session, by 1-based page, the totals in the envelope.
var fetchUsersEndpoint = engine.Endpoint[FetchUsersOptions, *envelope[usersData], *UsersPage, User]{
	API: engine.Ductape, Method: http.MethodGet, Route: "/integrations/v1/session/users/{workspace_id}",
	Path: func(c *engine.Client, o FetchUsersOptions) (string, error) {
		path, err := ductapeUsersPath(c, "FetchUsersOptions", o.Product, o.Session)
		if err != nil {
			return "", err
		}
		return path, checkPaging("FetchUsersOptions", o.Page, o.Limit)
	},
	Cursor: func(o FetchUsersOptions) engine.Cursor { return engine.Cursor{Page: o.Page} }, FirstPage: 1,
	Query: func(o FetchUsersOptions, at engine.Cursor) any {
		o.Page = at.Page
		return ductapeQuery(o)
	},
	Wire: func(o FetchUsersOptions) *envelope[usersData] {
		return &envelope[usersData]{Data: &usersData{sizeHint: o.Limit}}
	},
	Result: func(_ FetchUsersOptions, w *envelope[usersData], _ *engine.Response) *UsersPage {
		p := &w.Data.UsersPage
		if p.Users == nil {
			p.Users = []User{}
		}
		return p
	},
	Next: func(o FetchUsersOptions, p *UsersPage) engine.Page[User] {
		limit := o.Limit
		if limit == 0 {
			limit = p.Limit
		}
		return engine.TotalPagesPage(p.Users, limit, defaultLimit, p.Total, p.TotalPages)
	},
}

// FetchUsers returns one page of the users of a Ductape session.
func (s *Service) FetchUsers(ctx context.Context, opts FetchUsersOptions) (*UsersPage, error) {
	return fetchUsersEndpoint.Get(ctx, s.engine(), opts)
}

// FetchUsersIter walks the users of a Ductape session from opts.Page (else
// page 1) to the last page, lazily. Each page's own answer says whether
// more follow: totalPages, else total and the page size, else a page
// shorter than the limit; an empty page ends the walk. It yields every
// user through the last page, in order and once each, or ends with
// exactly one *[sessionkit.PageError] after every user before it, never
// early in silence, whatever WithPrefetch says (see the package
// documentation).
func (s *Service) FetchUsersIter(ctx context.Context, opts FetchUsersOptions) iter.Seq2[User, error] {
	return fetchUsersEndpoint.Items(ctx, s.engine(), opts)
}

// FetchUsersPages walks the same pages as [Service.FetchUsersIter], under
// the same rules and prefetch, and yields each page whole, with its
// totals, as [Service.FetchUsers] returns it. It ends with exactly one
// *[sessionkit.PageError] after every page before it, whose Page is the
// page that failed and whose Yielded counts the users of the pages
// yielded before it.
func (s *Service) FetchUsersPages(ctx context.Context, opts FetchUsersOptions) iter.Seq2[*UsersPage, error] {
	return fetchUsersEndpoint.Pages(ctx, s.engine(), opts)
}

// userDetailsEndpoint is GET
// /integrations/v1/session/users/{workspace_id}/{identifier}: one user
// with their session history.
var userDetailsEndpoint = engine.Endpoint[FetchUserDetailsOptions, *envelope[userDetails], *UserDetails, struct{}]{
	API: engine.Ductape, Method: http.MethodGet, Route: "/integrations/v1/session/users/{workspace_id}/{identifier}",
	Path: func(c *engine.Client, o FetchUserDetailsOptions) (string, error) {
		path, err := ductapeUsersPath(c, "FetchUserDetailsOptions", o.Product, o.Session)
		if err != nil {
			return "", err
		}
		id, err := engine.Segment("FetchUserDetailsOptions.Identifier", o.Identifier)
		return path + "/" + id, err
	},
	Query: func(o FetchUserDetailsOptions, _ engine.Cursor) any {
		return ductapeQuery{Product: o.Product, Session: o.Session, Env: o.Env}
	},
	Wire: func(FetchUserDetailsOptions) *envelope[userDetails] { return new(envelope[userDetails]) },
	Result: func(_ FetchUserDetailsOptions, w *envelope[userDetails], _ *engine.Response) *UserDetails {
		return w.Data.details()
	},
}

// FetchUserDetails returns one Ductape user with their session history.
func (s *Service) FetchUserDetails(ctx context.Context, opts FetchUserDetailsOptions) (*UserDetails, error) {
	return userDetailsEndpoint.Get(ctx, s.engine(), opts)
}

// ductapeUsersPath validates the fields every Ductape call needs and
// returns the users route of c's workspace.
func ductapeUsersPath(c *engine.Client, typeName, product, session string) (string, error) {
	if product == "" {
		return "", engine.Invalidf("%s.Product is required", typeName)
	}
	if session == "" {
		return "", engine.Invalidf("%s.Session is required", typeName)
	}
	ws, err := engine.Segment("workspace ID (WithWorkspaceID)", c.WorkspaceID())
	if err != nil {
		return "", err
	}
	return usersRoute + ws, nil
}

func checkPaging(typeName string, page, limit int) error {
	if page < 0 {
		return engine.Invalidf("%s.Page must not be negative, got %d", typeName, page)
	}
	if limit < 0 {
		return engine.Invalidf("%s.Limit must not be negative, got %d", typeName, limit)
	}
	return nil
}

// envelope is Ductape's {status|success, data} wrapper. A Data set before
// decoding is the value "data" decodes into; it is nil afterwards when the
// body has no "data" (or a null one).
type envelope[T any] struct {
	Status  *bool `json:"status"`
	Success *bool `json:"success"`
	Data    *T    `json:"data"`
	// target is the Data set before the first decode, kept for Reset.
	target *T
}

// streamer is a payload that decodes itself from the token stream; present
// is false for a JSON null.
type streamer interface {
	decodeStream(dec *json.Decoder) (present bool, err error)
}

// DecodeStream implements engine.StreamDecoder: a payload that is a
// streamer is decoded element by element, any other with dec.Decode.
func (e *envelope[T]) DecodeStream(dec *json.Decoder) error {
	target := e.begin()
	_, err := engine.StreamObject(dec, func(key string) error {
		switch strings.ToLower(key) {
		case "status":
			return dec.Decode(&e.Status)
		case "success":
			return dec.Decode(&e.Success)
		case "data":
			d := target
			if d == nil {
				d = new(T)
			}
			st, ok := any(d).(streamer)
			if !ok {
				e.Data = d
				return dec.Decode(&e.Data)
			}
			present, err := st.decodeStream(dec)
			e.Data = nil
			if present {
				e.Data = d
			}
			return err
		}
		return engine.SkipValue(dec)
	})
	return err
}

// begin starts a decode: it returns the value "data" decodes into (nil:
// a new T), the Data set before the first decode, and clears Data, which
// only a present "data" sets.
func (e *envelope[T]) begin() *T {
	if e.target == nil {
		e.target = e.Data
	}
	e.Data = nil
	return e.target
}

// Reset implements engine.Resetter: it drops what was decoded and keeps a
// payload's settings (its size hint).
func (e *envelope[T]) Reset() {
	t := e.target
	*e = envelope[T]{}
	if r, ok := any(t).(interface{ reset() }); ok && t != nil {
		r.reset()
		e.Data, e.target = t, t
	}
}

var errNoData = errors.New(`envelope has no "data"`)

// Check reports a failed envelope as an API error and a missing payload as
// malformed.
func (e *envelope[T]) Check() error {
	if (e.Status != nil && !*e.Status) || (e.Success != nil && !*e.Success) {
		return &engine.APIError{}
	}
	if e.Data == nil {
		return errNoData
	}
	return nil
}

type wireUser struct {
	ID            string      `json:"_id"`
	DuctapeUserID string      `json:"ductape_user_id"`
	ProductTag    string      `json:"product_tag"`
	SessionTag    string      `json:"session_tag"`
	Identifier    string      `json:"identifier"`
	Env           string      `json:"env"`
	FirstSeen     engine.Time `json:"first_seen"`
	LastSeen      engine.Time `json:"last_seen"`
	CreatedAt     engine.Time `json:"createdAt"`
	UpdatedAt     engine.Time `json:"updatedAt"`
}

func (w *wireUser) user() User {
	return User{
		ID: w.ID, DuctapeUserID: w.DuctapeUserID, ProductTag: w.ProductTag, SessionTag: w.SessionTag,
		Identifier: w.Identifier, Env: w.Env,
		FirstSeen: w.FirstSeen.Std(), LastSeen: w.LastSeen.Std(),
		CreatedAt: w.CreatedAt.Std(), UpdatedAt: w.UpdatedAt.Std(),
	}
}

// userFields decodes one element of "users" straight into a User: each
// field points at its destination (rebound per element).
type userFields struct {
	ID            *string      `json:"_id"`
	DuctapeUserID *string      `json:"ductape_user_id"`
	ProductTag    *string      `json:"product_tag"`
	SessionTag    *string      `json:"session_tag"`
	Identifier    *string      `json:"identifier"`
	Env           *string      `json:"env"`
	FirstSeen     *engine.Time `json:"first_seen"`
	LastSeen      *engine.Time `json:"last_seen"`
	CreatedAt     *engine.Time `json:"createdAt"`
	UpdatedAt     *engine.Time `json:"updatedAt"`
}

func (f *userFields) bind(u *User) {
	*f = userFields{
		ID: &u.ID, DuctapeUserID: &u.DuctapeUserID, ProductTag: &u.ProductTag, SessionTag: &u.SessionTag,
		Identifier: &u.Identifier, Env: &u.Env,
		FirstSeen: (*engine.Time)(&u.FirstSeen), LastSeen: (*engine.Time)(&u.LastSeen),
		CreatedAt: (*engine.Time)(&u.CreatedAt), UpdatedAt: (*engine.Time)(&u.UpdatedAt),
	}
}

// usersData is the payload of a users page, stream-decoded into its public
// form.
type usersData struct {
	UsersPage
	// sizeHint is the expected number of users (the requested limit).
	sizeHint int
}

func (d *usersData) reset() { *d = usersData{sizeHint: d.sizeHint} }

func (d *usersData) decodeStream(dec *json.Decoder) (bool, error) {
	return engine.StreamObject(dec, func(key string) error {
		switch strings.ToLower(key) {
		case "users":
			return d.decodeUsers(dec)
		case "total":
			return dec.Decode(&d.Total)
		case "page":
			return dec.Decode(&d.Page)
		case "limit":
			return dec.Decode(&d.Limit)
		case "totalpages":
			return dec.Decode(&d.TotalPages)
		}
		return engine.SkipValue(dec)
	})
}

// maxUsers bounds a page: the requested limit, at least
// engine.MaxPageItems.
func (d *usersData) maxUsers() int { return max(d.sizeHint, engine.MaxPageItems) }

func (d *usersData) decodeUsers(dec *json.Decoder) error {
	var f userFields
	var err error
	d.Users, _, err = engine.StreamItems(dec, max(d.sizeHint, d.Limit), d.maxUsers(), func(u *User) error {
		f.bind(u)
		return dec.Decode(&f)
	})
	return err
}

type wireSessionInfo struct {
	SessionID string      `json:"session_id"`
	StartAt   engine.Time `json:"start_at"`
	EndAt     engine.Time `json:"end_at"`
	Active    bool        `json:"active"`
}

type userDetails struct {
	wireUser
	Sessions            []wireSessionInfo `json:"sessions"`
	TotalSessions       int               `json:"totalSessions"`
	ActiveSessionsCount int               `json:"activeSessionsCount"`
}

func (d *userDetails) details() *UserDetails {
	u := &UserDetails{User: d.user(), TotalSessions: d.TotalSessions, ActiveSessionsCount: d.ActiveSessionsCount}
	u.Sessions = make([]SessionInfo, len(d.Sessions))
	for i, s := range d.Sessions {
		u.Sessions[i] = SessionInfo{SessionID: s.SessionID, StartAt: s.StartAt.Std(), EndAt: s.EndAt.Std(), Active: s.Active}
	}
	return u
}
