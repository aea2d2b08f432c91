package sessionkit_test

// Hostile bodies are bounded and typed: huge bodies (with or without a
// Content-Length), bodies that are not the API's JSON, non-UTF-8 error
// pages. These servers are hand-written on purpose: the kit answers with
// the vendors' JSON, and these bodies are what no vendor sends.

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
)

func TestHugeBodiesAreBounded(t *testing.T) {
	const size = 50 << 20
	tests := []struct {
		name        string
		status      int
		contentType string
		length      bool
	}{
		{"error body with Content-Length", http.StatusBadRequest, "text/plain", true},
		{"chunked error body", http.StatusInternalServerError, "application/json", false},
		{"HTML page on a 200", http.StatusOK, "text/html", true},
		{"garbage on a 200", http.StatusOK, "application/json", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chunk := bytes.Repeat([]byte("x"), 64<<10)
			if tt.status == http.StatusOK && tt.contentType == "text/html" {
				copy(chunk, "<html><body>")
			}
			srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				if tt.length {
					w.Header().Set("Content-Length", strconv.Itoa(size))
				}
				w.WriteHeader(tt.status)
				for n := 0; n < size; n += len(chunk) {
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			})
			c := newTestClient(t, srv.URL, sessionkit.WithMaxRetries(0))
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()

			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			err := callPage(ctx, c, sessionkit.Arthur)
			took := time.Since(start)
			runtime.ReadMemStats(&after)

			require.Error(t, err)
			assert.NotErrorIs(t, err, context.DeadlineExceeded, "did not hang")
			assert.Less(t, took, 10*time.Second)
			allocated := after.TotalAlloc - before.TotalAlloc
			assert.Less(t, allocated, uint64(16<<20), "allocated %d MiB for a 50 MiB body", allocated>>20)
			assert.Less(t, len(err.Error()), 2048, "a short snippet")
			var ae *sessionkit.APIError
			if tt.status != http.StatusOK {
				require.ErrorAs(t, err, &ae)
				assert.Len(t, ae.Body, 1<<20, "error bodies are read up to 1 MiB")
				assert.LessOrEqual(t, len(ae.Message), 512)
			} else {
				assert.ErrorIs(t, err, sessionkit.ErrMalformedResponse)
			}
			runtime.KeepAlive(err)
		})
	}
}

func TestHostileBodies(t *testing.T) {
	type body struct {
		name        string
		status      int
		contentType string
		body        map[sessionkit.API]string // per API; "*" style: same for all when len 1
		truncate    bool                      // announce more bytes than sent, then drop the connection: a transport error
		wantAPIErr  bool
		snippet     string
	}
	all := func(s string) map[sessionkit.API]string {
		return map[sessionkit.API]string{sessionkit.Ductape: s, sessionkit.Zoom: s, sessionkit.Arthur: s, sessionkit.MonoCloud: s}
	}
	const proxyPage = `<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>`
	tests := []body{
		{name: "malformed JSON", status: 200, contentType: "application/json", body: all(`{"users": [{"id": "a",, }`), snippet: `{"users": [{"id": "a",, }`},
		{name: "truncated JSON", status: 200, contentType: "application/json", body: all(`{"count": 3, "users": [{"user_id": "u1"`), snippet: `{"count": 3, "users": [{"user_id": "u1"`},
		{name: "connection dropped mid-body", status: 200, contentType: "application/json", truncate: true,
			body: map[sessionkit.API]string{
				sessionkit.Ductape: `{"status": true, "data": {"users": [{"identifier": "u1"`, sessionkit.Zoom: `{"page_size": 30, "users": [{"id": "u1"`,
				sessionkit.Arthur: `{"count": 3, "users": [{"user_id": "u1"`, sessionkit.MonoCloud: `[{"session_id": "u1"`,
			}},
		{name: "HTML proxy page on a 200", status: 200, contentType: "text/html", body: all(proxyPage), snippet: "502 Bad Gateway"},
		{name: "HTML labelled JSON on a 200", status: 200, contentType: "application/json", body: all(proxyPage), snippet: "502 Bad Gateway"},
		{name: "HTML proxy page on a 502", status: 502, contentType: "text/html", body: all(proxyPage), wantAPIErr: true, snippet: "502 Bad Gateway"},
		{name: "XML on a 200", status: 200, contentType: "application/xml", body: all(`<?xml version="1.0"?><error>nope</error>`), snippet: "<error>nope</error>"},
		{name: "JSON null", status: 200, contentType: "application/json", body: all(`null`), snippet: "null"},
		{name: "empty body", status: 200, contentType: "application/json", body: all(``)},
		{name: "number where a string belongs", status: 200, contentType: "application/json", body: map[sessionkit.API]string{
			sessionkit.Ductape:   `{"status": true, "data": {"users": [{"identifier": 42}], "total": 1, "page": 1, "limit": 20, "totalPages": 1}}`,
			sessionkit.Zoom:      `{"page_size": 30, "users": [{"id": 42}]}`,
			sessionkit.Arthur:    `{"count": 1, "users": [{"user_id": 42}]}`,
			sessionkit.MonoCloud: `[{"session_id": 42}]`,
		}, snippet: "42"},
		{name: "object where a list belongs", status: 200, contentType: "application/json", body: map[sessionkit.API]string{
			sessionkit.Ductape:   `{"status": true, "data": {"users": {"a": 1}}}`,
			sessionkit.Zoom:      `{"page_size": 30, "users": {"a": 1}}`,
			sessionkit.Arthur:    `{"count": 1, "users": {"a": 1}}`,
			sessionkit.MonoCloud: `{"sessions": []}`,
		}, snippet: `{"`},
		{name: "malformed JSON error body", status: 404, contentType: "application/json", body: all(`{"message": "User not fou`), wantAPIErr: true, snippet: `{"message": "User not fou`},
		{name: "JSON null error body", status: 400, contentType: "application/json", body: all(`null`), wantAPIErr: true, snippet: "null"},
		{name: "wrong types in error body", status: 422, contentType: "application/problem+json",
			body: all(`{"code": {"x": 1}, "message": [1, 2], "detail": {"y": 2}, "errors": 7, "type": [], "title": null}`), wantAPIErr: true, snippet: `{"code"`},
	}
	for _, tt := range tests {
		for _, api := range allAPIs {
			t.Run(tt.name+"/"+api.String(), func(t *testing.T) {
				b := tt.body[api]
				srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
					w.Header().Set("Content-Type", tt.contentType)
					if tt.truncate {
						w.Header().Set("Content-Length", strconv.Itoa(len(b)+100))
						w.WriteHeader(tt.status)
						_, _ = w.Write([]byte(b))
						w.(http.Flusher).Flush()
						panic(http.ErrAbortHandler)
					}
					w.WriteHeader(tt.status)
					_, _ = w.Write([]byte(b))
				})
				c := newTestClient(t, srv.URL, sessionkit.WithMaxRetries(0))
				var err error
				require.NotPanics(t, func() { err = callPage(context.Background(), c, api) })
				require.Error(t, err)
				text := err.Error()
				assert.Contains(t, text, strconv.Itoa(tt.status), "names the status")
				assert.Less(t, len(text), 2048)
				if tt.truncate {
					assert.NotErrorIs(t, err, sessionkit.ErrMalformedResponse, "a body cut in transit is a transport failure")
					assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
					return
				}
				if tt.wantAPIErr {
					var ae *sessionkit.APIError
					require.ErrorAs(t, err, &ae)
					assert.Equal(t, tt.status, ae.StatusCode)
					assert.Contains(t, ae.Message, tt.snippet, "shows a snippet")
					assert.Contains(t, text, tt.snippet, "shows a snippet")
					return
				}
				require.ErrorIs(t, err, sessionkit.ErrMalformedResponse)
				var me *sessionkit.MalformedError
				require.ErrorAs(t, err, &me)
				assert.Equal(t, tt.status, me.StatusCode)
				assert.Contains(t, me.Snippet, tt.snippet, "shows a snippet")
				assert.Contains(t, text, strings.Trim(strconv.Quote(tt.snippet), `"`), "shows a snippet")
				assert.LessOrEqual(t, len(me.Snippet), 512)
			})
		}
	}
}

// TestNonUTF8ErrorPageKeepsASnippet: a proxy page in Latin-1 (not UTF-8)
// still gives a readable, bounded message.
func TestNonUTF8ErrorPageKeepsASnippet(t *testing.T) {
	page := "<html><body><h1>\xc9chec : service indisponible</h1>" + strings.Repeat("<p>r\xe9essayez plus tard</p>", 60) + "</body></html>"
	srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=iso-8859-1")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(page))
	})
	c := newTestClient(t, srv.URL, sessionkit.WithMaxRetries(0))
	err := callPage(context.Background(), c, sessionkit.MonoCloud)
	var ae *sessionkit.APIError
	require.ErrorAs(t, err, &ae)
	assert.Contains(t, ae.Message, "chec : service indisponible")
	assert.Contains(t, ae.Message, "essayez plus tard")
	assert.LessOrEqual(t, len(ae.Message), 512)
	assert.Contains(t, err.Error(), "service indisponible")
}
