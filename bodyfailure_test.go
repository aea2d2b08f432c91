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
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
)

// bodyCut answers with the headers and the first half of body (announcing
// all of it), then drops the connection.
func bodyCut(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, body[:len(body)/2])
	w.(http.Flusher).Flush()
	dropConn(w)
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
	for _, api := range allAPIs {
		t.Run(api.String()+"/connection drops mid-body, then a good answer", func(t *testing.T) {
			srv := newRecordingServer(t, func(n int, w http.ResponseWriter, _ *http.Request) {
				if n == 0 {
					bodyCut(w, singlePage(api, 100, 110)) // other rows: none may leak
					return
				}
				writeJSON(w, http.StatusOK, singlePage(api, 0, 5))
			})
			c := newTestClient(t, srv.URL, sessionkit.WithMaxRetries(2))
			ids, err := pageIDs(context.Background(), c, api)
			require.NoError(t, err)
			assert.Equal(t, itemIDs(0, 5), ids, "the retried answer alone, decoded afresh")
			assert.Equal(t, 2, srv.count())
		})
		t.Run(api.String()+"/attempt timeout mid-body, then a good answer", func(t *testing.T) {
			srv := newRecordingServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if n == 0 {
					bodyStall(w, r, singlePage(api, 100, 110))
					return
				}
				writeJSON(w, http.StatusOK, singlePage(api, 0, 5))
			})
			c := newTestClient(t, srv.URL, sessionkit.WithMaxRetries(2), sessionkit.WithAttemptTimeout(200*time.Millisecond))
			ids, err := pageIDs(context.Background(), c, api)
			require.NoError(t, err)
			assert.Equal(t, itemIDs(0, 5), ids)
			assert.Equal(t, 2, srv.count())
		})
		t.Run(api.String()+"/connection drops mid-body on every attempt", func(t *testing.T) {
			srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { bodyCut(w, singlePage(api, 0, 5)) })
			c := newTestClient(t, srv.URL, sessionkit.WithMaxRetries(2))
			_, err := pageIDs(context.Background(), c, api)
			require.Error(t, err)
			assert.NotErrorIs(t, err, sessionkit.ErrMalformedResponse, "a transport failure: %v", err)
			assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
			assert.Contains(t, err.Error(), "after 3 attempt(s)")
			assert.Equal(t, 3, srv.count(), "the MaxRetries budget")
		})
	}
	t.Run("a body that arrives whole and is not JSON is malformed, not retried", func(t *testing.T) {
		srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, http.StatusOK, `{"count": 1, "users": [{"user_id": "a"`)
		})
		c := newTestClient(t, srv.URL, sessionkit.WithMaxRetries(2))
		_, err := pageIDs(context.Background(), c, sessionkit.Arthur)
		assert.ErrorIs(t, err, sessionkit.ErrMalformedResponse)
		assert.Equal(t, 1, srv.count())
	})
	t.Run("the caller's deadline mid-body is the context's error", func(t *testing.T) {
		srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
			bodyStall(w, r, singlePage(sessionkit.Zoom, 0, 5))
		})
		c := newTestClient(t, srv.URL, sessionkit.WithMaxRetries(2))
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		_, err := pageIDs(ctx, c, sessionkit.Zoom)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.NotErrorIs(t, err, sessionkit.ErrMalformedResponse)
		assert.Equal(t, 1, srv.count())
	})
	t.Run("the caller's cancel mid-body is the context's error", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
			time.AfterFunc(50*time.Millisecond, cancel)
			bodyStall(w, r, singlePage(sessionkit.MonoCloud, 0, 5))
		})
		c := newTestClient(t, srv.URL, sessionkit.WithMaxRetries(2))
		_, err := pageIDs(ctx, c, sessionkit.MonoCloud)
		assert.True(t, errors.Is(err, context.Canceled), "%v", err)
		assert.NotErrorIs(t, err, sessionkit.ErrMalformedResponse)
	})
}
