package sessionkit_test

// A 2xx answer whose body fails in transit (the connection drops, the
// attempt timeout fires after the headers) is a transport failure: it is
// retried like a connection error, decoded afresh, and reported as a
// transport error when the retries run out. A body that arrives whole and
// is not valid JSON stays ErrMalformedResponse; the caller's own context
// ending mid-body gives the context's error.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/traces"
	"github.com/sessionkit/sessionkit-go/users"
)

// bodyPage is a one-page answer of api with items relID(lo..hi-1).
func bodyPage(api sessionkit.API, lo, hi int) string {
	var items []string
	for i := lo; i < hi; i++ {
		items = append(items, relItem(api, i))
	}
	list := "[" + strings.Join(items, ",") + "]"
	switch api {
	case sessionkit.Ductape:
		return fmt.Sprintf(`{"status": true, "data": {"users": %s, "total": %d, "page": 1, "limit": 20, "totalPages": 1}}`, list, hi-lo)
	case sessionkit.Zoom:
		return fmt.Sprintf(`{"page_size": 30, "next_page_token": "", "users": %s}`, list)
	case sessionkit.Arthur:
		return fmt.Sprintf(`{"count": %d, "users": %s}`, hi-lo, list)
	}
	return list
}

// bodyPageIDs calls api's one-page method and returns the item IDs.
func bodyPageIDs(ctx context.Context, c *sessionkit.Client, api sessionkit.API) ([]string, error) {
	var ids []string
	switch api {
	case sessionkit.Ductape:
		p, err := c.Sessions.FetchUsers(ctx, sessions.FetchUsersOptions{Product: "p", Session: "s"})
		if err != nil {
			return nil, err
		}
		for _, u := range p.Users {
			ids = append(ids, u.Identifier)
		}
	case sessionkit.Zoom:
		p, err := c.Sessions.ListUsers(ctx, "sess-1", sessions.ListUsersOptions{})
		if err != nil {
			return nil, err
		}
		for _, u := range p.Users {
			ids = append(ids, u.ID)
		}
	case sessionkit.Arthur:
		p, err := c.Traces.Users(ctx, traces.UsersOptions{TaskIDs: []string{"t1"}})
		if err != nil {
			return nil, err
		}
		for _, u := range p.Users {
			ids = append(ids, u.UserID)
		}
	default:
		p, err := c.Users.Sessions(ctx, "u1", users.SessionsOptions{})
		if err != nil {
			return nil, err
		}
		for _, s := range p.Sessions {
			ids = append(ids, s.SessionID)
		}
	}
	return ids, nil
}

// bodyCut answers with the headers and the first half of body (announcing
// all of it), then drops the connection.
func bodyCut(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, body[:len(body)/2])
	w.(http.Flusher).Flush()
	relDropConn(w)
}

// bodyStall answers with the headers and the first half of body, then
// sends nothing more until the client gives up.
func bodyStall(w http.ResponseWriter, r *http.Request, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, body[:len(body)/2])
	w.(http.Flusher).Flush()
	select {
	case <-r.Context().Done():
	case <-time.After(10 * time.Second):
	}
}

func TestBodyReadFailuresAreRetried(t *testing.T) {
	for _, api := range relAPIs {
		t.Run(api.String()+"/connection drops mid-body, then a good answer", func(t *testing.T) {
			srv := relServe(t, func(n int, w http.ResponseWriter, _ *http.Request) {
				if n == 0 {
					bodyCut(w, bodyPage(api, 100, 110)) // other rows: none may leak
					return
				}
				relJSON(w, http.StatusOK, bodyPage(api, 0, 5))
			})
			c := relClient(t, srv.URL, sessionkit.WithMaxRetries(2))
			ids, err := bodyPageIDs(context.Background(), c, api)
			require.NoError(t, err)
			assert.Equal(t, relIDs(0, 5), ids, "the retried answer alone, decoded afresh")
			assert.Equal(t, 2, srv.count())
		})
		t.Run(api.String()+"/attempt timeout mid-body, then a good answer", func(t *testing.T) {
			srv := relServe(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if n == 0 {
					bodyStall(w, r, bodyPage(api, 100, 110))
					return
				}
				relJSON(w, http.StatusOK, bodyPage(api, 0, 5))
			})
			c := relClient(t, srv.URL, sessionkit.WithMaxRetries(2), sessionkit.WithAttemptTimeout(200*time.Millisecond))
			ids, err := bodyPageIDs(context.Background(), c, api)
			require.NoError(t, err)
			assert.Equal(t, relIDs(0, 5), ids)
			assert.Equal(t, 2, srv.count())
		})
		t.Run(api.String()+"/connection drops mid-body on every attempt", func(t *testing.T) {
			srv := relServe(t, func(_ int, w http.ResponseWriter, _ *http.Request) { bodyCut(w, bodyPage(api, 0, 5)) })
			c := relClient(t, srv.URL, sessionkit.WithMaxRetries(2))
			_, err := bodyPageIDs(context.Background(), c, api)
			require.Error(t, err)
			assert.NotErrorIs(t, err, sessionkit.ErrMalformedResponse, "a transport failure: %v", err)
			assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
			assert.Contains(t, err.Error(), "after 3 attempt(s)")
			assert.Equal(t, 3, srv.count(), "the MaxRetries budget")
		})
	}
	t.Run("a body that arrives whole and is not JSON is malformed, not retried", func(t *testing.T) {
		srv := relServe(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
			relJSON(w, http.StatusOK, `{"count": 1, "users": [{"user_id": "a"`)
		})
		c := relClient(t, srv.URL, sessionkit.WithMaxRetries(2))
		_, err := bodyPageIDs(context.Background(), c, sessionkit.Arthur)
		assert.ErrorIs(t, err, sessionkit.ErrMalformedResponse)
		assert.Equal(t, 1, srv.count())
	})
	t.Run("the caller's deadline mid-body is the context's error", func(t *testing.T) {
		srv := relServe(t, func(_ int, w http.ResponseWriter, r *http.Request) { bodyStall(w, r, bodyPage(sessionkit.Zoom, 0, 5)) })
		c := relClient(t, srv.URL, sessionkit.WithMaxRetries(2))
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		_, err := bodyPageIDs(ctx, c, sessionkit.Zoom)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.NotErrorIs(t, err, sessionkit.ErrMalformedResponse)
		assert.Equal(t, 1, srv.count())
	})
	t.Run("the caller's cancel mid-body is the context's error", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		srv := relServe(t, func(_ int, w http.ResponseWriter, r *http.Request) {
			time.AfterFunc(50*time.Millisecond, cancel)
			bodyStall(w, r, bodyPage(sessionkit.MonoCloud, 0, 5))
		})
		c := relClient(t, srv.URL, sessionkit.WithMaxRetries(2))
		_, err := bodyPageIDs(ctx, c, sessionkit.MonoCloud)
		assert.True(t, errors.Is(err, context.Canceled), "%v", err)
		assert.NotErrorIs(t, err, sessionkit.ErrMalformedResponse)
	})
}
