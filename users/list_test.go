package users_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sessionkit "github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/internal/testutil"
	"github.com/sessionkit/sessionkit-go/users"
)

const listRoute = testutil.Prefix + "/api/users"

// usersPage is a List body with one user per ID and, when pagination is
// not "", that X-Pagination header.
func usersPage(pagination string, ids ...string) testutil.Reply {
	items := make([]string, len(ids))
	for i, id := range ids {
		items[i] = fmt.Sprintf(`{"user_id": %q, "creation_time": 1640975400}`, id)
	}
	var hdr []string
	if pagination != "" {
		hdr = []string{"X-Pagination", pagination}
	}
	return testutil.JSON(http.StatusOK, "["+strings.Join(items, ",")+"]", hdr...)
}

func TestListWire(t *testing.T) {
	tests := []struct {
		name string
		opts users.ListOptions
		want string
	}{
		{"zero options send no query", users.ListOptions{}, ""},
		{"page and size", users.ListOptions{Page: 2, Size: 50}, "page=2&size=50"},
		{"a bare filter term", users.ListOptions{Filter: "bob"}, "filter=bob"},
		{"a Lucene filter, verbatim and encoded", users.ListOptions{Filter: `email:"ada@example.com" AND NOT disabled:true`}, "filter=email%3A%22ada%40example.com%22+AND+NOT+disabled%3Atrue"},
		{"sort descending", users.ListOptions{Sort: users.Sort{Key: users.SortByCreationTime, Order: users.Descending}}, "sort=creation_time%3A-1"},
		{"sort by a key both calls share", users.ListOptions{Sort: users.Sort{Key: users.SortByLastUpdated, Order: users.Ascending}}, "sort=last_updated%3A1"},
		{"sort by a counter", users.ListOptions{Page: 1, Sort: users.Sort{Key: users.SortBySignInAttemptsCount, Order: users.Ascending}}, "page=1&sort=sign_in_attempts_count%3A1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := testutil.NewRecorder(t, testutil.Always(usersPage("")))
			_, err := newClient(t, rec).Users.List(context.Background(), tt.opts)
			require.NoError(t, err)
			got := rec.Last()
			assert.Equal(t, http.MethodGet, got.Method)
			assert.Equal(t, listRoute, got.EscapedPath)
			assert.Equal(t, tt.want, got.RawQuery)
			assert.Equal(t, testKey, got.Header.Get("X-API-KEY"))
			assert.Empty(t, got.Header.Get("Authorization"))
		})
	}
}

func TestListDecode(t *testing.T) {
	body := `[{"user_id": "usr_1", "disabled": false, "force_password_reset": true, "has_password": true,
	  "claims": {"name": "Ada Lovelace", "given_name": "Ada", "age": 36, "tags": ["a"]},
	  "emails": [{"id": "em_1", "primary": true, "verified": true, "source": "monocloud", "verification_source": null, "email": "ada@example.com",
	              "authenticators": ["password"], "idps": []}],
	  "phone_numbers": [{"id": "ph_1", "primary": false, "verified": false, "phone": "+14155550100"}],
	  "username": {"id": "un_1", "username": "ada", "source": "monocloud"},
	  "connections": [{"idp": "google", "connection_id": "c1"}, {"idp": "someday-idp", "connection_id": "c2"}],
	  "external_providers": [{"authenticator": "github", "provider_user_id": "42"}],
	  "passkeys": [{"passkey_id": "pk", "public_key": "x", "backup_state": true}],
	  "creation_time": 1640975400, "last_updated": 1640975460, "password_updated_at": null, "block_until": null,
	  "last_sign_in_attempt": 1640975500, "last_sign_in_success": 1640975500, "last_activity": 1640975600,
	  "failure_count": 1, "sign_in_attempts_count": 7, "sign_in_success_count": 6,
	  "last_sign_in_attempt_ip": "192.0.2.1", "last_sign_in_success_ip": null, "last_known_city": "London",
	  "last_known_country": "United Kingdom", "last_known_region": "Europe", "new_field": {"x": 1}},
	 {"user_id": "usr_2", "username": "legacy-name", "emails": null}]`
	rec := testutil.NewRecorder(t, testutil.Always(testutil.JSON(200, body, "X-Pagination", pagination(2, 10, 1, false))))
	page, err := newClient(t, rec).Users.List(context.Background(), users.ListOptions{})
	require.NoError(t, err)
	unix := func(s int64) time.Time { return time.Unix(s, 0).UTC() }
	assert.Equal(t, &users.ListPage{
		Users: []users.User{
			{
				UserID: "usr_1", ForcePasswordReset: true, HasPassword: true,
				Claims:            map[string]any{"name": "Ada Lovelace", "given_name": "Ada", "age": 36.0, "tags": []any{"a"}},
				Emails:            []users.Email{{ID: "em_1", Primary: true, Verified: true, Source: "monocloud", Email: "ada@example.com"}},
				PhoneNumbers:      []users.PhoneNumber{{ID: "ph_1", Phone: "+14155550100"}},
				Username:          "ada",
				Connections:       []users.Connection{{IDP: "google", ConnectionID: "c1"}, {IDP: "someday-idp", ConnectionID: "c2"}},
				ExternalProviders: []users.ExternalProvider{{Authenticator: "github", ProviderUserID: "42"}},
				CreationTime:      unix(1640975400), LastUpdated: unix(1640975460), LastActivity: unix(1640975600),
				LastSignInSuccess: unix(1640975500), LastSignInAttempt: unix(1640975500),
				FailureCount: 1, SignInAttemptsCount: 7, SignInSuccessCount: 6,
				LastSignInAttemptIP: "192.0.2.1", LastKnownCity: "London", LastKnownCountry: "United Kingdom", LastKnownRegion: "Europe",
			},
			{UserID: "usr_2", Username: "legacy-name"},
		},
		Pagination: &users.Pagination{TotalCount: 2, PageSize: 10, CurrentPage: 1},
	}, page)
	assert.Empty(t, page.Users[1].Emails, "a missing array is empty")

	t.Run("an empty array without a header", func(t *testing.T) {
		rec := testutil.NewRecorder(t, testutil.Always(testutil.JSON(200, `[]`)))
		page, err := newClient(t, rec).Users.List(context.Background(), users.ListOptions{})
		require.NoError(t, err)
		assert.Equal(t, &users.ListPage{Users: []users.User{}}, page)
	})
}

func TestUserJSON(t *testing.T) {
	u := users.User{
		UserID: "usr_1", Emails: []users.Email{{ID: "em_1", Email: "ada@example.com", Primary: true}},
		Username: "ada", Claims: map[string]any{"name": "Ada"}, CreationTime: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC),
		SignInSuccessCount: 3,
	}
	b, err := json.Marshal(u)
	require.NoError(t, err)
	assert.JSONEq(t, `{"user_id":"usr_1","emails":[{"id":"em_1","email":"ada@example.com","primary":true}],"username":"ada",
		"claims":{"name":"Ada"},"creation_time":"2022-01-01T00:00:00Z","sign_in_success_count":3}`, string(b))
	var back users.User
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, u, back)
}

func TestListMalformed(t *testing.T) {
	for _, body := range []string{`null`, `{}`, `{"users": []}`, `[{"user_id": 5}]`, `[{"disabled": "no"}]`, `[{"emails": {}}]`, `[{"creation_time": "soon"}]`, `[{"username": 5}]`, `[`} {
		t.Run(body, func(t *testing.T) {
			rec := testutil.NewRecorder(t, testutil.Always(testutil.JSON(200, body)))
			_, err := newClient(t, rec).Users.List(context.Background(), users.ListOptions{})
			require.ErrorIs(t, err, sessionkit.ErrMalformedResponse)
			assert.Contains(t, err.Error(), "GET "+listRoute+":")
		})
	}
}

func TestListErrors(t *testing.T) {
	rec := testutil.NewRecorder(t, testutil.Always(testutil.Typed(422, "application/problem+json",
		`{"type": "https://httpstatuses.io/422#validation-error", "title": "Unprocessable Entity", "status": 422,
		  "errors": {"sort": ["'sort' must be 'key:order'"]}}`)))
	_, err := newClient(t, rec).Users.List(context.Background(), users.ListOptions{Filter: "secret-filter"})
	var ae *sessionkit.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 422, ae.StatusCode)
	assert.Equal(t, "https://httpstatuses.io/422#validation-error", ae.Code)
	assert.Equal(t, []sessionkit.FieldError{{Field: "sort", Message: "'sort' must be 'key:order'"}}, ae.Fields)
	assert.Contains(t, ae.Error(), "GET "+listRoute)
	assert.NotContains(t, ae.Error(), "secret-filter")
}

func TestListValidation(t *testing.T) {
	type call = func(context.Context, *sessionkit.Client) error
	list := func(o users.ListOptions) call {
		return func(ctx context.Context, c *sessionkit.Client) error {
			_, err := c.Users.List(ctx, o)
			return err
		}
	}
	listIter := func(o users.ListOptions) call {
		return func(ctx context.Context, c *sessionkit.Client) error {
			return testutil.IterErr(t, c.Users.ListIter(ctx, o))
		}
	}
	sess := func(o users.SessionsOptions) call {
		return func(ctx context.Context, c *sessionkit.Client) error {
			_, err := c.Users.Sessions(ctx, "u", o)
			return err
		}
	}
	cases := []struct {
		name, field string
		call        call
	}{
		{"negative Page", "ListOptions.Page", list(users.ListOptions{Page: -1})},
		{"negative Size", "ListOptions.Size", list(users.ListOptions{Size: -1})},
		{"a Sessions key is not a List key", "ListOptions.Sort.Key \"session_id\" is not one of creation_time", list(users.ListOptions{Sort: users.Sort{Key: users.SortBySessionID, Order: users.Ascending}})},
		{"an unknown key", "Key", list(users.ListOptions{Sort: users.Sort{Key: "name", Order: users.Ascending}})},
		{"an unknown order", "Order", list(users.ListOptions{Sort: users.Sort{Key: users.SortByCreationTime, Order: 0x7f}})},
		{"only a Key", "Order", list(users.ListOptions{Sort: users.Sort{Key: users.SortByBlockUntil}})},
		{"only an Order", "Key", list(users.ListOptions{Sort: users.Sort{Order: users.Descending}})},
		{"a List key is not a Sessions key", "SessionsOptions.Sort.Key \"creation_time\" is not one of session_id", sess(users.SessionsOptions{Sort: users.Sort{Key: users.SortByCreationTime, Order: users.Ascending}})},
		{"iter negative Page", "Page", listIter(users.ListOptions{Page: -1})},
		{"iter negative Size", "Size", listIter(users.ListOptions{Size: -5})},
		{"iter unknown key", "Key", listIter(users.ListOptions{Sort: users.Sort{Key: users.SortByExpiresAt, Order: users.Descending}})},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			rec := testutil.NewRecorder(t, nil)
			err := tt.call(context.Background(), newClient(t, rec))
			require.ErrorIs(t, err, sessionkit.ErrInvalidOptions)
			assert.Contains(t, err.Error(), tt.field)
			assert.Zero(t, rec.Count(), "no request may be sent")
		})
	}
	t.Run("every List key is accepted", func(t *testing.T) {
		for _, k := range []users.SortKey{users.SortByCreationTime, users.SortByLastUpdated, users.SortByLastActivity,
			users.SortByLastSignInSuccess, users.SortByLastSignInAttempt, users.SortByFailureCount,
			users.SortBySignInAttemptsCount, users.SortBySignInSuccessCount, users.SortByBlockUntil} {
			rec := testutil.NewRecorder(t, testutil.Always(usersPage("")))
			_, err := newClient(t, rec).Users.List(context.Background(), users.ListOptions{Sort: users.Sort{Key: k, Order: users.Descending}})
			require.NoError(t, err, k)
			assert.Equal(t, "sort="+string(k)+"%3A-1", rec.Last().RawQuery)
		}
	})
}

func userIDs(us []users.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.UserID
	}
	return out
}

func TestListIter(t *testing.T) {
	ctx := context.Background()
	withHeader := func() testutil.Responder {
		return testutil.ByQuery("page", map[string]testutil.Reply{
			"1": usersPage(pagination(5, 2, 1, true), "a", "b"),
			"2": usersPage(pagination(5, 2, 2, true), "c", "d"),
			"3": usersPage(pagination(5, 2, 3, false), "e"),
		})
	}
	opts := users.ListOptions{Size: 2, Filter: "x", Sort: users.Sort{Key: users.SortByCreationTime, Order: users.Ascending}}

	t.Run("has_next ends the walk without an extra request", func(t *testing.T) {
		rec := testutil.NewRecorder(t, withHeader())
		items, errs := collect(newClient(t, rec).Users.ListIter(ctx, opts))
		require.Empty(t, errs)
		assert.Equal(t, []string{"a", "b", "c", "d", "e"}, userIDs(items))
		assert.Equal(t, []string{
			"filter=x&page=1&size=2&sort=creation_time%3A1",
			"filter=x&page=2&size=2&sort=creation_time%3A1",
			"filter=x&page=3&size=2&sort=creation_time%3A1",
		}, rec.Queries())
	})

	t.Run("without the header a short page ends it", func(t *testing.T) {
		rec := testutil.NewRecorder(t, testutil.ByQuery("page", map[string]testutil.Reply{
			"1": usersPage("", "a", "b"),
			"2": usersPage("", "c"),
		}))
		items, errs := collect(newClient(t, rec).Users.ListIter(ctx, opts))
		require.Empty(t, errs)
		assert.Equal(t, []string{"a", "b", "c"}, userIDs(items))
		assert.Equal(t, 2, rec.Count())
	})

	t.Run("starts at opts.Page, re-rangeable, options untouched", func(t *testing.T) {
		rec := testutil.NewRecorder(t, withHeader())
		o := opts
		o.Page = 2
		seq := newClient(t, rec).Users.ListIter(ctx, o)
		assert.Zero(t, rec.Count())
		first, _ := collect(seq)
		second, errs := collect(seq)
		require.Empty(t, errs)
		assert.Equal(t, []string{"c", "d", "e"}, userIDs(first))
		assert.Equal(t, userIDs(first), userIDs(second))
		assert.Equal(t, 2, o.Page)
	})

	t.Run("a failed page says where to resume", func(t *testing.T) {
		rec := testutil.NewRecorder(t, testutil.ByQuery("page", map[string]testutil.Reply{
			"1": usersPage(pagination(5, 2, 1, true), "a", "b"),
			"2": testutil.Text(403, "forbidden"),
		}))
		items, errs := collect(newClient(t, rec).Users.ListIter(ctx, opts))
		assert.Equal(t, []string{"a", "b"}, userIDs(items))
		require.Len(t, errs, 1)
		var pe *sessionkit.PageError
		require.ErrorAs(t, errs[0], &pe)
		assert.Equal(t, 2, pe.Page)
		assert.Equal(t, 2, pe.Yielded)
	})
}
