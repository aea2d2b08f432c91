package users

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"time"

	"github.com/sessionkit/sessionkit-go/internal/engine"
)

// The sort keys of List (SortByLastUpdated serves both List and Sessions).
const (
	SortByCreationTime        SortKey = "creation_time"
	SortByLastActivity        SortKey = "last_activity"
	SortByLastSignInSuccess   SortKey = "last_sign_in_success"
	SortByLastSignInAttempt   SortKey = "last_sign_in_attempt"
	SortByFailureCount        SortKey = "failure_count"
	SortBySignInAttemptsCount SortKey = "sign_in_attempts_count"
	SortBySignInSuccessCount  SortKey = "sign_in_success_count"
	SortByBlockUntil          SortKey = "block_until"
)

// listSortKeys are the keys List accepts, in the order errors name them.
var listSortKeys = []SortKey{
	SortByCreationTime, SortByLastUpdated, SortByLastActivity, SortByLastSignInSuccess,
	SortByLastSignInAttempt, SortByFailureCount, SortBySignInAttemptsCount, SortBySignInSuccessCount,
	SortByBlockUntil,
}

// ListOptions selects MonoCloud users. Zero fields are not sent
// (MonoCloud's defaults: page 1, 10 per page).
type ListOptions struct {
	// Page is the 1-based page number.
	Page int
	// Size is the number of users per page.
	Size int
	// Filter is a Lucene-style filter expression (a bare term such as
	// "bob" searches the users' attributes). It is sent verbatim,
	// percent-encoded.
	Filter string
	// Sort orders the users; its Key must be one of List's keys
	// (SortByCreationTime, SortByLastUpdated, SortByLastActivity, ...).
	Sort Sort
}

// ListPage is one page of MonoCloud users.
type ListPage struct {
	// Users are the page's users.
	Users []User `json:"users,omitzero"`
	// Pagination is the X-Pagination header, nil when the server sent none
	// (the totals are then unknown, not zero).
	Pagination *Pagination `json:"pagination,omitzero"`
}

// User is one MonoCloud user (the management API's UserSummary). Missing
// arrays are empty and unknown fields are ignored; enumerated values (such
// as a connection's IDP) are plain strings, so values MonoCloud adds later
// decode too. Its JSON form uses MonoCloud's field names, with times as
// RFC 3339.
type User struct {
	// UserID identifies the user: give it to Sessions and SessionsIter.
	UserID string `json:"user_id,omitzero"`
	// Disabled reports a disabled account.
	Disabled bool `json:"disabled,omitzero"`
	// ForcePasswordReset and HasPassword describe the password.
	ForcePasswordReset bool `json:"force_password_reset,omitzero"`
	HasPassword        bool `json:"has_password,omitzero"`
	// Emails and PhoneNumbers are the user's addresses and numbers.
	Emails       []Email       `json:"emails,omitzero"`
	PhoneNumbers []PhoneNumber `json:"phone_numbers,omitzero"`
	// Username is the user's username, "" when there is none.
	Username string `json:"username,omitzero"`
	// Claims holds the user's profile claims, names among them ("name",
	// "given_name", "family_name").
	Claims map[string]any `json:"claims,omitzero"`
	// Connections are the identity providers the user signs in with;
	// ExternalProviders the user's accounts there.
	Connections       []Connection       `json:"connections,omitzero"`
	ExternalProviders []ExternalProvider `json:"external_providers,omitzero"`
	// The times come from Unix seconds; zero when absent.
	CreationTime      time.Time `json:"creation_time,omitzero"`
	LastUpdated       time.Time `json:"last_updated,omitzero"`
	LastActivity      time.Time `json:"last_activity,omitzero"`
	LastSignInSuccess time.Time `json:"last_sign_in_success,omitzero"`
	LastSignInAttempt time.Time `json:"last_sign_in_attempt,omitzero"`
	PasswordUpdatedAt time.Time `json:"password_updated_at,omitzero"`
	BlockUntil        time.Time `json:"block_until,omitzero"`
	// FailureCount, SignInAttemptsCount and SignInSuccessCount count
	// sign-ins.
	FailureCount        int `json:"failure_count,omitzero"`
	SignInAttemptsCount int `json:"sign_in_attempts_count,omitzero"`
	SignInSuccessCount  int `json:"sign_in_success_count,omitzero"`
	// Where the user signed in from last; "" when unknown.
	LastSignInAttemptIP string `json:"last_sign_in_attempt_ip,omitzero"`
	LastSignInSuccessIP string `json:"last_sign_in_success_ip,omitzero"`
	LastKnownCity       string `json:"last_known_city,omitzero"`
	LastKnownCountry    string `json:"last_known_country,omitzero"`
	LastKnownRegion     string `json:"last_known_region,omitzero"`
}

// Email is one of a user's email addresses.
type Email struct {
	ID                 string `json:"id,omitzero"`
	Email              string `json:"email,omitzero"`
	Primary            bool   `json:"primary,omitzero"`
	Verified           bool   `json:"verified,omitzero"`
	Source             string `json:"source,omitzero"`
	VerificationSource string `json:"verification_source,omitzero"`
}

// PhoneNumber is one of a user's phone numbers.
type PhoneNumber struct {
	ID                 string `json:"id,omitzero"`
	Phone              string `json:"phone,omitzero"`
	Primary            bool   `json:"primary,omitzero"`
	Verified           bool   `json:"verified,omitzero"`
	Source             string `json:"source,omitzero"`
	VerificationSource string `json:"verification_source,omitzero"`
}

// Connection is an identity provider a user signs in with ("monocloud",
// "google", "github", ...).
type Connection struct {
	IDP          string `json:"idp,omitzero"`
	ConnectionID string `json:"connection_id,omitzero"`
}

// ExternalProvider is a user's account at an outside identity provider.
type ExternalProvider struct {
	Authenticator  string `json:"authenticator,omitzero"`
	ProviderUserID string `json:"provider_user_id,omitzero"`
}

type listQuery struct {
	Page   int       `url:"page,omitempty"`
	Size   int       `url:"size,omitempty"`
	Filter string    `url:"filter,omitempty"`
	Sort   sortParam `url:"sort,omitempty"`
}

// listEndpoint is GET /api/users: the tenant's users, as a bare array,
// the totals in X-Pagination.
var listEndpoint = engine.Endpoint[ListOptions, *wireUsers, *ListPage, User]{
	API: engine.MonoCloud, Method: http.MethodGet, Route: "/api/users",
	Path:   func(_ *engine.Client, o ListOptions) (string, error) { return "api/users", o.validate() },
	Cursor: func(o ListOptions) engine.Cursor { return engine.Cursor{Page: o.Page} }, FirstPage: 1,
	Query: func(o ListOptions, at engine.Cursor) any {
		return listQuery{Page: at.Page, Size: o.Size, Filter: o.Filter, Sort: sortParam(o.Sort)}
	},
	Wire: func(o ListOptions) *wireUsers { return &wireUsers{sizeHint: o.Size} },
	Result: func(_ ListOptions, w *wireUsers, r *engine.Response) *ListPage {
		return &ListPage{Users: w.users, Pagination: parsePagination(r.Header.Get("X-Pagination"))}
	},
	Next: func(o ListOptions, p *ListPage) engine.Page[User] { return headerPage(p.Users, p.Pagination, o.Size) },
}

// List returns one page of MonoCloud users.
func (s *Service) List(ctx context.Context, opts ListOptions) (*ListPage, error) {
	return listEndpoint.Get(ctx, s.engine(), opts)
}

// ListIter walks MonoCloud users from opts.Page (else page 1) to the last
// page, lazily, under the same rules as [Service.SessionsIter].
func (s *Service) ListIter(ctx context.Context, opts ListOptions) iter.Seq2[User, error] {
	return listEndpoint.Items(ctx, s.engine(), opts)
}

// ListPages walks the same pages as [Service.ListIter], under the same
// rules and prefetch, and yields each page whole, with its Pagination, as
// [Service.List] returns it. It ends with exactly one
// *[sessionkit.PageError] after every page before it, whose Page is the
// page that failed and whose Yielded counts the users of the pages
// yielded before it.
func (s *Service) ListPages(ctx context.Context, opts ListOptions) iter.Seq2[*ListPage, error] {
	return listEndpoint.Pages(ctx, s.engine(), opts)
}

// headerPage completes a page of a MonoCloud walk (see [engine.HasNextPage]):
// X-Pagination's has_next ends it; without the header, a short or empty
// page does. size is the requested page size (0: MonoCloud's default).
func headerPage[T any](items []T, pg *Pagination, size int) engine.Page[T] {
	var h *engine.HasNext
	if pg != nil {
		h = &engine.HasNext{Next: pg.HasNext, TotalCount: pg.TotalCount, PageSize: pg.PageSize}
	}
	return engine.HasNextPage(items, sizeOrDefault(size), h)
}

func (o *ListOptions) validate() error {
	switch {
	case o.Page < 0:
		return engine.Invalidf("ListOptions.Page must not be negative, got %d", o.Page)
	case o.Size < 0:
		return engine.Invalidf("ListOptions.Size must not be negative, got %d", o.Size)
	}
	return o.Sort.validate("ListOptions", listSortKeys)
}

// usernameField decodes a username given as {"username": ...} (the SDKs)
// or as a bare string (older shapes).
type usernameField string

func (u *usernameField) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, (*string)(u))
	}
	var obj struct {
		Username *nullableString `json:"username"`
	}
	obj.Username = (*nullableString)(u)
	if err := json.Unmarshal(b, &obj); err != nil {
		return fmt.Errorf("username: %w", err)
	}
	return nil
}

// userFields decodes one user straight into a User: each field points at
// its destination (rebound per element).
type userFields struct {
	UserID              *string             `json:"user_id"`
	Disabled            *bool               `json:"disabled"`
	ForcePasswordReset  *bool               `json:"force_password_reset"`
	HasPassword         *bool               `json:"has_password"`
	Emails              *[]Email            `json:"emails"`
	PhoneNumbers        *[]PhoneNumber      `json:"phone_numbers"`
	Username            *usernameField      `json:"username"`
	Claims              *map[string]any     `json:"claims"`
	Connections         *[]Connection       `json:"connections"`
	ExternalProviders   *[]ExternalProvider `json:"external_providers"`
	CreationTime        *engine.Time        `json:"creation_time"`
	LastUpdated         *engine.Time        `json:"last_updated"`
	LastActivity        *engine.Time        `json:"last_activity"`
	LastSignInSuccess   *engine.Time        `json:"last_sign_in_success"`
	LastSignInAttempt   *engine.Time        `json:"last_sign_in_attempt"`
	PasswordUpdatedAt   *engine.Time        `json:"password_updated_at"`
	BlockUntil          *engine.Time        `json:"block_until"`
	FailureCount        *int                `json:"failure_count"`
	SignInAttemptsCount *int                `json:"sign_in_attempts_count"`
	SignInSuccessCount  *int                `json:"sign_in_success_count"`
	LastSignInAttemptIP *nullableString     `json:"last_sign_in_attempt_ip"`
	LastSignInSuccessIP *nullableString     `json:"last_sign_in_success_ip"`
	LastKnownCity       *nullableString     `json:"last_known_city"`
	LastKnownCountry    *nullableString     `json:"last_known_country"`
	LastKnownRegion     *nullableString     `json:"last_known_region"`
}

func (f *userFields) bind(u *User) {
	*f = userFields{
		UserID: &u.UserID, Disabled: &u.Disabled, ForcePasswordReset: &u.ForcePasswordReset,
		HasPassword: &u.HasPassword, Emails: &u.Emails, PhoneNumbers: &u.PhoneNumbers,
		Username: (*usernameField)(&u.Username), Claims: &u.Claims,
		Connections: &u.Connections, ExternalProviders: &u.ExternalProviders,
		CreationTime: (*engine.Time)(&u.CreationTime), LastUpdated: (*engine.Time)(&u.LastUpdated),
		LastActivity: (*engine.Time)(&u.LastActivity), LastSignInSuccess: (*engine.Time)(&u.LastSignInSuccess),
		LastSignInAttempt: (*engine.Time)(&u.LastSignInAttempt), PasswordUpdatedAt: (*engine.Time)(&u.PasswordUpdatedAt),
		BlockUntil: (*engine.Time)(&u.BlockUntil), FailureCount: &u.FailureCount,
		SignInAttemptsCount: &u.SignInAttemptsCount, SignInSuccessCount: &u.SignInSuccessCount,
		LastSignInAttemptIP: (*nullableString)(&u.LastSignInAttemptIP),
		LastSignInSuccessIP: (*nullableString)(&u.LastSignInSuccessIP),
		LastKnownCity:       (*nullableString)(&u.LastKnownCity),
		LastKnownCountry:    (*nullableString)(&u.LastKnownCountry),
		LastKnownRegion:     (*nullableString)(&u.LastKnownRegion),
	}
}

// wireUsers is the bare JSON array of users, stream-decoded into its
// public form.
type wireUsers struct {
	users   []User
	present bool
	// sizeHint is the expected number of users (the requested size).
	sizeHint int
}

// DecodeStream implements engine.StreamDecoder.
func (w *wireUsers) DecodeStream(dec *json.Decoder) error {
	var f userFields
	var err error
	w.users, w.present, err = engine.StreamItems(dec, sizeOrDefault(w.sizeHint), max(w.sizeHint, engine.MaxPageItems), func(u *User) error {
		f.bind(u)
		return dec.Decode(&f)
	})
	return err
}

// Reset implements engine.Resetter.
func (w *wireUsers) Reset() { *w = wireUsers{sizeHint: w.sizeHint} }

// Check rejects a body that is not an array (such as a JSON null).
func (w *wireUsers) Check() error {
	if !w.present {
		return errNotUserArray
	}
	return nil
}
