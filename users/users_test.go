package users_test

import (
	"context"
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

const (
	testKey = "mc-secret-key"
	route   = testutil.Prefix + "/api/users/usr_1/sessions"
)

func newClient(t *testing.T, rec *testutil.Recorder, opts ...sessionkit.Option) *sessionkit.Client {
	t.Helper()
	all := append([]sessionkit.Option{
		sessionkit.WithBaseURL(rec.URL),
		sessionkit.WithAPIKey(testKey),
		sessionkit.WithMaxRetries(0),
	}, opts...)
	c, err := sessionkit.NewClient(all...)
	require.NoError(t, err)
	return c
}

// page is a Sessions body with one session per ID and, when pagination
// is not "", that X-Pagination header.
func page(pagination string, ids ...string) testutil.Reply {
	items := make([]string, len(ids))
	for i, id := range ids {
		items[i] = fmt.Sprintf(`{"session_id": %q, "initiated_at": 1640975400}`, id)
	}
	var hdr []string
	if pagination != "" {
		hdr = []string{"X-Pagination", pagination}
	}
	return testutil.JSON(http.StatusOK, "["+strings.Join(items, ",")+"]", hdr...)
}

func pagination(total, size, current int, hasNext bool) string {
	return fmt.Sprintf(`{"total_count": %d, "page_size": %d, "current_page": %d, "has_next": %t, "has_previous": %t}`,
		total, size, current, hasNext, current > 1)
}

func TestSessionsWire(t *testing.T) {
	tests := []struct {
		name, userID string
		opts         users.SessionsOptions
		wantPath     string
		wantQuery    string
	}{
		{"zero options send nothing", "usr_1", users.SessionsOptions{}, route, ""},
		{
			"every field", "usr_1",
			users.SessionsOptions{Page: 2, Size: 50, ClientID: "eCOGRJYpnNwwAAuCeReEW", Sort: users.Sort{Key: users.SortByInitiatedAt, Order: users.Descending}},
			route, "client_id=eCOGRJYpnNwwAAuCeReEW&page=2&size=50&sort=initiated_at%3A-1",
		},
		{"sort session_id ascending", "usr_1", users.SessionsOptions{Sort: users.Sort{Key: users.SortBySessionID, Order: users.Ascending}}, route, "sort=session_id%3A1"},
		{"sort expires_at descending", "usr_1", users.SessionsOptions{Sort: users.Sort{Key: users.SortByExpiresAt, Order: users.Descending}}, route, "sort=expires_at%3A-1"},
		{"sort last_updated ascending", "usr_1", users.SessionsOptions{Sort: users.Sort{Key: users.SortByLastUpdated, Order: users.Ascending}}, route, "sort=last_updated%3A1"},
		{"client_id escaped", "usr_1", users.SessionsOptions{ClientID: "a b&c"}, route, "client_id=a+b%26c"},
		{"page 1 size 1", "usr_1", users.SessionsOptions{Page: 1, Size: 1}, route, "page=1&size=1"},
		{"user ID with a slash", "a/b", users.SessionsOptions{}, testutil.Prefix + "/api/users/a%2Fb/sessions", ""},
		{"user ID with a pipe", "auth0|123", users.SessionsOptions{}, testutil.Prefix + "/api/users/auth0%7C123/sessions", ""},
		{"user ID escaped dots", "%2e%2e", users.SessionsOptions{}, testutil.Prefix + "/api/users/%252e%252e/sessions", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := testutil.NewRecorder(t, testutil.Always(page("")))
			_, err := newClient(t, rec).Users.Sessions(context.Background(), tt.userID, tt.opts)
			require.NoError(t, err)
			got := rec.Last()
			assert.Equal(t, tt.wantPath, got.EscapedPath)
			assert.Equal(t, tt.wantQuery, got.RawQuery)
			assert.Equal(t, "/api/users/"+tt.userID+"/sessions", got.Path)
			assert.Equal(t, testKey, got.Header.Get("X-API-KEY"))
			assert.Empty(t, got.Header.Values("Authorization"), "MonoCloud gets no Authorization header")
			assert.Equal(t, "application/json", got.Header.Get("Accept"))
		})
	}
}

func TestSessionsDecode(t *testing.T) {
	body := `[
	 {"session_id": "96484D319ACC21380CCE026E54807B4D",
	  "session_key": "CF13F82261B1FCE312E5651500620295BEDBF32207446BA5C1D9B61129F05A22",
	  "client_ids": ["eCOGRJYpnNwwAAuCeReEW"], "unknown": {"a": 1},
	  "initiated_at": 1640975400, "expires_at": 1640983490, "last_updated": 1640975400,
	  "last_metadata": {"country": "United States of America", "city": "Los Angeles", "region": "North America",
	                    "latitude": "34.043238", "longitude": "-118.250918", "ip_address": "1.1.1.1",
	                    "user_agent": "The User Agent", "asn": 13335}},
	 {"session_id": "S2", "client_ids": [], "initiated_at": 0, "expires_at": 1640983490, "last_updated": 1640983490,
	  "last_metadata": {"country": null, "city": null, "region": null, "latitude": null, "longitude": null,
	                    "ip_address": null, "user_agent": null}},
	 {"session_id": "S3", "initiated_at": 1640975400, "expires_at": 1640983490, "last_updated": 1640975400,
	  "last_metadata": null}]`
	rec := testutil.NewRecorder(t, testutil.Always(testutil.JSON(200, body,
		"X-Pagination", `{"total_count": 20, "page_size": 3, "current_page": 3, "has_next": true, "has_previous": true, "extra": 1}`)))
	got, err := newClient(t, rec).Users.Sessions(context.Background(), "usr_1", users.SessionsOptions{})
	require.NoError(t, err)
	assert.Equal(t, &users.Pagination{TotalCount: 20, PageSize: 3, CurrentPage: 3, HasNext: true, HasPrevious: true}, got.Pagination)
	require.Len(t, got.Sessions, 3)
	assert.Equal(t, users.Session{
		SessionID:   "96484D319ACC21380CCE026E54807B4D",
		SessionKey:  "CF13F82261B1FCE312E5651500620295BEDBF32207446BA5C1D9B61129F05A22",
		ClientIDs:   []string{"eCOGRJYpnNwwAAuCeReEW"},
		InitiatedAt: time.Date(2021, 12, 31, 18, 30, 0, 0, time.UTC),
		ExpiresAt:   time.Date(2021, 12, 31, 20, 44, 50, 0, time.UTC),
		LastUpdated: time.Date(2021, 12, 31, 18, 30, 0, 0, time.UTC),
		LastMetadata: users.Metadata{
			Country: "United States of America", City: "Los Angeles", Region: "North America",
			Latitude: "34.043238", Longitude: "-118.250918", IPAddress: "1.1.1.1", UserAgent: "The User Agent",
		},
	}, got.Sessions[0])
	assert.True(t, got.Sessions[0].InitiatedAt.Equal(time.Unix(1640975400, 0)))
	assert.Equal(t, users.Metadata{}, got.Sessions[1].LastMetadata, "null metadata fields are empty strings")
	assert.Empty(t, got.Sessions[1].SessionKey)
	assert.Equal(t, time.Unix(0, 0).UTC(), got.Sessions[1].InitiatedAt)
	assert.Equal(t, users.Metadata{}, got.Sessions[2].LastMetadata)
	assert.Empty(t, got.Sessions[2].SessionKey, "an absent session_key is empty")
}

func TestSessionsPaginationHeader(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		want   *users.Pagination
	}{
		{"absent", nil, nil},
		{"not JSON", []string{"X-Pagination", "page 1 of 3"}, nil},
		{"first page", []string{"X-Pagination", `{"total_count": 20, "page_size": 10, "current_page": 1, "has_next": true, "has_previous": false}`},
			&users.Pagination{TotalCount: 20, PageSize: 10, CurrentPage: 1, HasNext: true}},
		{"zero totals are not nil", []string{"X-Pagination", `{"total_count": 0, "page_size": 10, "current_page": 1, "has_next": false, "has_previous": false}`},
			&users.Pagination{PageSize: 10, CurrentPage: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := testutil.NewRecorder(t, testutil.Always(testutil.JSON(200, `[]`, tt.header...)))
			got, err := newClient(t, rec).Users.Sessions(context.Background(), "usr_1", users.SessionsOptions{})
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.Pagination)
			assert.NotNil(t, got.Sessions)
		})
	}
}

func TestMonoCloudErrors(t *testing.T) {
	const problem = "application/problem+json"
	long := strings.Repeat("x", 2000)
	tests := []struct {
		name     string
		reply    testutil.Reply
		status   int
		code     string
		message  string
		fields   []sessionkit.FieldError
		attempts int
	}{
		{
			name:   "404 problem with detail",
			reply:  testutil.Typed(404, problem, `{"type": "https://httpstatuses.io/404", "title": "Not Found", "status": 404, "detail": "User not found", "instance": "/api/users/usr_1/sessions", "traceId": "00-abc"}`),
			status: 404, code: "https://httpstatuses.io/404", message: "User not found", attempts: 1,
		},
		{
			name:   "402 problem with title only",
			reply:  testutil.Typed(402, problem+"; charset=utf-8", `{"type": "https://httpstatuses.io/402", "title": "Payment Required", "status": 402}`),
			status: 402, code: "https://httpstatuses.io/402", message: "Payment Required", attempts: 1,
		},
		{
			name: "422 validation-error map",
			reply: testutil.Typed(422, problem, `{"type": "https://httpstatuses.io/422#validation-error", "title": "One or more validation errors occurred.", "status": 422,
				"errors": {"size": ["'size' must be greater than 0", "'size' must be at most 100"], "page": ["'page' must be greater than 0"]}}`),
			status: 422, code: "https://httpstatuses.io/422#validation-error", message: "One or more validation errors occurred.",
			fields: []sessionkit.FieldError{
				{Field: "page", Message: "'page' must be greater than 0"},
				{Field: "size", Message: "'size' must be greater than 0"},
				{Field: "size", Message: "'size' must be at most 100"},
			},
			attempts: 1,
		},
		{
			name: "422 identity-validation-error list",
			reply: testutil.Typed(422, problem, `{"type": "https://httpstatuses.io/422#identity-validation-error", "title": "Identity error", "status": 422,
				"errors": [{"code": "DuplicateUserName", "description": "Username is taken."}, {"code": "PasswordTooShort", "description": "Too short."}]}`),
			status: 422, code: "https://httpstatuses.io/422#identity-validation-error", message: "Identity error",
			fields: []sessionkit.FieldError{
				{Field: "DuplicateUserName", Message: "Username is taken."},
				{Field: "PasswordTooShort", Message: "Too short."},
			},
			attempts: 1,
		},
		{
			name:   "401 plain text trimmed",
			reply:  testutil.Text(401, "\n  Invalid API key  \n"),
			status: 401, message: "Invalid API key", attempts: 1,
		},
		{
			name:   "plain text capped at 512 bytes",
			reply:  testutil.Text(400, long),
			status: 400, message: long[:512], attempts: 1,
		},
		{
			name:   "JSON-looking body labelled text/plain is text",
			reply:  testutil.Text(409, `{"detail": "x"}`),
			status: 409, message: `{"detail": "x"}`, attempts: 1,
		},
		{
			name:   "500 problem, retried",
			reply:  testutil.Typed(500, problem, `{"type": "about:blank", "title": "Internal Server Error", "status": 500}`),
			status: 500, code: "about:blank", message: "Internal Server Error", attempts: 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := testutil.NewRecorder(t, testutil.Always(tt.reply))
			c := newClient(t, rec, sessionkit.WithMaxRetries(2), sessionkit.WithRetryWait(time.Millisecond, time.Millisecond))
			_, err := c.Users.Sessions(context.Background(), "usr_1", users.SessionsOptions{ClientID: "secret-client"})
			var ae *sessionkit.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.status, ae.StatusCode)
			assert.Equal(t, tt.code, ae.Code)
			assert.Equal(t, tt.message, ae.Message)
			assert.Equal(t, tt.fields, ae.Fields)
			assert.Equal(t, tt.attempts, ae.Attempts)
			assert.Equal(t, tt.attempts, rec.Count())
			assert.Equal(t, tt.reply.Body, string(ae.Body))
			assert.Equal(t, tt.reply.Header.Get("Content-Type"), ae.Header.Get("Content-Type"))
			assert.Equal(t, route, ae.Path)
			text := ae.Error()
			assert.Contains(t, text, "GET "+route)
			assert.Contains(t, text, fmt.Sprint(tt.status))
			assert.Contains(t, text, tt.message)
			for _, bad := range []string{"secret-client", "client_id", "127.0.0.1", testKey} {
				assert.NotContains(t, text, bad)
			}
		})
	}
}

func TestMonoCloudErrorBodyCapAndRetryAfter(t *testing.T) {
	t.Run("Body keeps the first MiB", func(t *testing.T) {
		big := strings.Repeat("e", 2<<20)
		rec := testutil.NewRecorder(t, testutil.Always(testutil.Text(400, big)))
		_, err := newClient(t, rec).Users.Sessions(context.Background(), "usr_1", users.SessionsOptions{})
		var ae *sessionkit.APIError
		require.ErrorAs(t, err, &ae)
		assert.Len(t, ae.Body, 1<<20)
		assert.Len(t, ae.Message, 512)
	})
	t.Run("429 asking for more than the maximum wait returns at once", func(t *testing.T) {
		rec := testutil.NewRecorder(t, testutil.Always(testutil.Text(429, "slow down", "Retry-After", "2")))
		c := newClient(t, rec, sessionkit.WithMaxRetries(3), sessionkit.WithRetryWait(time.Millisecond, time.Second))
		_, err := c.Users.Sessions(context.Background(), "usr_1", users.SessionsOptions{})
		var ae *sessionkit.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, 429, ae.StatusCode)
		assert.Equal(t, 2*time.Second, ae.RetryAfter)
		assert.Equal(t, 1, ae.Attempts)
		assert.Equal(t, 1, rec.Count())
		assert.Equal(t, "2", ae.Header.Get("Retry-After"))
	})
	t.Run("a short Retry-After is honoured and counted in Attempts", func(t *testing.T) {
		rec := testutil.NewRecorder(t, testutil.Always(testutil.Text(503, "busy", "Retry-After", "0")))
		c := newClient(t, rec, sessionkit.WithMaxRetries(1), sessionkit.WithRetryWait(time.Millisecond, time.Second))
		_, err := c.Users.Sessions(context.Background(), "usr_1", users.SessionsOptions{})
		var ae *sessionkit.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, 503, ae.StatusCode)
		assert.Equal(t, 2, ae.Attempts)
		assert.Equal(t, 2, rec.Count())
	})
}

func TestMonoCloudMalformed(t *testing.T) {
	for _, body := range []string{`null`, `{"session_id": "x"}`, `[{"initiated_at": "yesterday"}]`, `[{"last_metadata": {"city": ["a"]}}]`, `[`} {
		t.Run(body, func(t *testing.T) {
			rec := testutil.NewRecorder(t, testutil.Always(testutil.JSON(200, body)))
			_, err := newClient(t, rec).Users.Sessions(context.Background(), "usr_1", users.SessionsOptions{})
			require.ErrorIs(t, err, sessionkit.ErrMalformedResponse)
			assert.Contains(t, err.Error(), "GET "+route+":")
			assert.Contains(t, err.Error(), "200")
		})
	}
}

func TestMonoCloudValidation(t *testing.T) {
	type call = func(context.Context, *sessionkit.Client) error
	sess := func(id string, o users.SessionsOptions) call {
		return func(ctx context.Context, c *sessionkit.Client) error {
			_, err := c.Users.Sessions(ctx, id, o)
			return err
		}
	}
	sessIter := func(id string, o users.SessionsOptions) call {
		return func(ctx context.Context, c *sessionkit.Client) error {
			return testutil.IterErr(t, c.Users.SessionsIter(ctx, id, o))
		}
	}
	cases := []struct {
		name, field string
		call        call
	}{
		{"empty userID", "userID", sess("", users.SessionsOptions{})},
		{"userID dot", "userID", sess(".", users.SessionsOptions{})},
		{"userID dot-dot", "userID", sess("..", users.SessionsOptions{})},
		{"negative Page", "Page", sess("u", users.SessionsOptions{Page: -1})},
		{"negative Size", "Size", sess("u", users.SessionsOptions{Size: -1})},
		{"unknown SortKey", "Key", sess("u", users.SessionsOptions{Sort: users.Sort{Key: "created_at", Order: users.Ascending}})},
		{"unknown SortOrder", "Order", sess("u", users.SessionsOptions{Sort: users.Sort{Key: users.SortBySessionID, Order: 2}})},
		{"Sort with only Key", "Order", sess("u", users.SessionsOptions{Sort: users.Sort{Key: users.SortByExpiresAt}})},
		{"Sort with only Order", "Key", sess("u", users.SessionsOptions{Sort: users.Sort{Order: users.Descending}})},
		{"iter empty userID", "userID", sessIter("", users.SessionsOptions{})},
		{"iter userID dot-dot", "userID", sessIter("..", users.SessionsOptions{})},
		{"iter negative Page", "Page", sessIter("u", users.SessionsOptions{Page: -3})},
		{"iter negative Size", "Size", sessIter("u", users.SessionsOptions{Size: -3})},
		{"iter unknown SortKey", "Key", sessIter("u", users.SessionsOptions{Sort: users.Sort{Key: "x", Order: users.Ascending}})},
		{"iter Sort with only Order", "Key", sessIter("u", users.SessionsOptions{Sort: users.Sort{Order: users.Ascending}})},
		{"iter Sort with only Key", "Order", sessIter("u", users.SessionsOptions{Sort: users.Sort{Key: users.SortByLastUpdated}})},
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
	for _, tt := range []struct {
		name string
		call call
	}{
		{"Sessions", sess("u", users.SessionsOptions{})},
		{"SessionsIter", sessIter("u", users.SessionsOptions{})},
	} {
		t.Run("no base URL "+tt.name, func(t *testing.T) {
			var sent int
			hc := &http.Client{Transport: testutil.RoundTripFunc(func(*http.Request) (*http.Response, error) {
				sent++
				return nil, fmt.Errorf("no request expected")
			})}
			c, err := sessionkit.NewClient(sessionkit.WithAPIKey(testKey), sessionkit.WithHTTPClient(hc))
			require.NoError(t, err)
			err = tt.call(context.Background(), c)
			require.ErrorIs(t, err, sessionkit.ErrInvalidOptions)
			assert.Contains(t, err.Error(), "base URL")
			assert.Contains(t, err.Error(), "monocloud")
			assert.Zero(t, sent)
		})
	}
}

func sessionIDs(ss []users.Session) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.SessionID
	}
	return out
}

func collect[T any](seq func(func(T, error) bool)) ([]T, []error) {
	var items []T
	var errs []error
	for v, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		items = append(items, v)
	}
	return items, errs
}

func TestSessionsIter(t *testing.T) {
	ctx := context.Background()
	withHeader := func() testutil.Responder {
		return testutil.ByQuery("page", map[string]testutil.Reply{
			"1": page(pagination(5, 2, 1, true), "a", "b"),
			"2": page(pagination(5, 2, 2, true), "c", "d"),
			"3": page(pagination(5, 2, 3, false), "e"),
			"4": page(pagination(5, 2, 4, false)),
		})
	}

	t.Run("has_next false ends without an extra request", func(t *testing.T) {
		rec := testutil.NewRecorder(t, withHeader())
		opts := users.SessionsOptions{Size: 2, Sort: users.Sort{Key: users.SortByInitiatedAt, Order: users.Descending}}
		items, errs := collect(newClient(t, rec).Users.SessionsIter(ctx, "usr_1", opts))
		require.Empty(t, errs)
		assert.Equal(t, []string{"a", "b", "c", "d", "e"}, sessionIDs(items))
		assert.Equal(t, []string{
			"page=1&size=2&sort=initiated_at%3A-1",
			"page=2&size=2&sort=initiated_at%3A-1",
			"page=3&size=2&sort=initiated_at%3A-1",
		}, rec.Queries())
	})

	t.Run("has_next false on a full page ends the walk", func(t *testing.T) {
		rec := testutil.NewRecorder(t, testutil.ByQuery("page", map[string]testutil.Reply{
			"1": page(pagination(2, 2, 1, false), "a", "b"),
		}))
		items, errs := collect(newClient(t, rec).Users.SessionsIter(ctx, "usr_1", users.SessionsOptions{Size: 2}))
		require.Empty(t, errs)
		assert.Equal(t, []string{"a", "b"}, sessionIDs(items))
		assert.Equal(t, 1, rec.Count())
	})

	t.Run("without the header and with Size, a short page ends the walk", func(t *testing.T) {
		rec := testutil.NewRecorder(t, testutil.ByQuery("page", map[string]testutil.Reply{
			"1": page("", "a", "b"),
			"2": page("", "c", "d"),
			"3": page("", "e"),
			"4": page(""),
		}))
		items, errs := collect(newClient(t, rec).Users.SessionsIter(ctx, "usr_1", users.SessionsOptions{Size: 2}))
		require.Empty(t, errs)
		assert.Equal(t, []string{"a", "b", "c", "d", "e"}, sessionIDs(items))
		assert.Equal(t, []string{"page=1&size=2", "page=2&size=2", "page=3&size=2"}, rec.Queries())
	})

	t.Run("without the header and without Size, a page shorter than the default 10 ends the walk", func(t *testing.T) {
		rec := testutil.NewRecorder(t, testutil.ByQuery("page", map[string]testutil.Reply{
			"1": page("", "a", "b"),
			"2": page("", "c"),
		}))
		items, errs := collect(newClient(t, rec).Users.SessionsIter(ctx, "usr_1", users.SessionsOptions{}))
		require.Empty(t, errs)
		assert.Equal(t, []string{"a", "b"}, sessionIDs(items))
		assert.Equal(t, []string{"page=1"}, rec.Queries())
	})

	t.Run("without the header, an empty page ends the walk", func(t *testing.T) {
		rec := testutil.NewRecorder(t, testutil.ByQuery("page", map[string]testutil.Reply{
			"1": page("", "a", "b"),
			"2": page(""),
		}))
		items, errs := collect(newClient(t, rec).Users.SessionsIter(ctx, "usr_1", users.SessionsOptions{Size: 2}))
		require.Empty(t, errs)
		assert.Equal(t, []string{"a", "b"}, sessionIDs(items))
		assert.Equal(t, []string{"page=1&size=2", "page=2&size=2"}, rec.Queries())
	})

	t.Run("an empty page ends the walk even when has_next says more", func(t *testing.T) {
		rec := testutil.NewRecorder(t, testutil.ByQuery("page", map[string]testutil.Reply{
			"1": page(pagination(10, 2, 1, true), "a", "b"),
			"2": page(pagination(10, 2, 2, true)),
		}))
		items, errs := collect(newClient(t, rec).Users.SessionsIter(ctx, "usr_1", users.SessionsOptions{Size: 2}))
		require.Empty(t, errs)
		assert.Equal(t, []string{"a", "b"}, sessionIDs(items))
		assert.Equal(t, 2, rec.Count())
	})

	t.Run("lazy, re-rangeable from opts.Page, options untouched", func(t *testing.T) {
		rec := testutil.NewRecorder(t, withHeader())
		opts := users.SessionsOptions{Page: 2, Size: 2, ClientID: "c1"}
		before := opts
		seq := newClient(t, rec).Users.SessionsIter(ctx, "usr_1", opts)
		assert.Zero(t, rec.Count(), "nothing is fetched before the loop runs")
		first, errs := collect(seq)
		require.Empty(t, errs)
		second, errs := collect(seq)
		require.Empty(t, errs)
		assert.Equal(t, []string{"c", "d", "e"}, sessionIDs(first))
		assert.Equal(t, sessionIDs(first), sessionIDs(second))
		assert.Equal(t, []string{
			"client_id=c1&page=2&size=2", "client_id=c1&page=3&size=2",
			"client_id=c1&page=2&size=2", "client_id=c1&page=3&size=2",
		}, rec.Queries())
		assert.Equal(t, before, opts)
	})

	t.Run("break stops fetching", func(t *testing.T) {
		rec := testutil.NewRecorder(t, withHeader())
		n := 0
		for _, err := range newClient(t, rec).Users.SessionsIter(ctx, "usr_1", users.SessionsOptions{Size: 2}) {
			require.NoError(t, err)
			if n++; n == 2 {
				break
			}
		}
		assert.Equal(t, 1, rec.Count())
	})

	t.Run("a failing page is reported with its number", func(t *testing.T) {
		rec := testutil.NewRecorder(t, testutil.ByQuery("page", map[string]testutil.Reply{
			"1": page(pagination(5, 2, 1, true), "a", "b"),
			"2": testutil.Typed(404, "application/problem+json", `{"type": "t", "title": "Not Found"}`),
		}))
		items, errs := collect(newClient(t, rec).Users.SessionsIter(ctx, "usr_1", users.SessionsOptions{Size: 2}))
		assert.Equal(t, []string{"a", "b"}, sessionIDs(items))
		require.Len(t, errs, 1)
		var pe *sessionkit.PageError
		require.ErrorAs(t, errs[0], &pe)
		assert.Equal(t, 2, pe.Page)
		assert.Equal(t, 2, pe.Yielded)
		var ae *sessionkit.APIError
		require.ErrorAs(t, errs[0], &ae)
		assert.Equal(t, 404, ae.StatusCode)
	})
}
