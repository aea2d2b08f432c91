// Package testutil holds helpers shared by the SDK's tests: a Recorder
// server that records every request and answers with canned replies.
package testutil

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// Prefix is the path prefix every Recorder mounts its routes under, so a
// request built from an absolute path instead of the base URL misses it.
const Prefix = "/prefix"

// Request is one request a Recorder received, as it arrived on the wire.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the decoded path below the prefix (r.URL.Path).
	Path string
	// EscapedPath is the full path exactly as escaped on the wire,
	// prefix included.
	EscapedPath string
	// RequestURI is the request target as sent.
	RequestURI string
	// RawQuery is the encoded query without "?".
	RawQuery string
	// Query is RawQuery parsed.
	Query url.Values
	// Header is a copy of the request header.
	Header http.Header
	// Host is the Host the request was sent to.
	Host string
	// Body is the request body (its first MiB).
	Body string
}

// Reply is a canned answer.
type Reply struct {
	// Status is the HTTP status; 0 means 200.
	Status int
	// Header holds extra response headers.
	Header http.Header
	// Body is written as is.
	Body string
}

// JSON returns a Reply with status, a JSON body and Content-Type
// application/json. headers are key, value pairs.
func JSON(status int, body string, headers ...string) Reply {
	return typed(status, "application/json", body, headers...)
}

// Text returns a Reply with status and a text/plain body. headers are key,
// value pairs.
func Text(status int, body string, headers ...string) Reply {
	return typed(status, "text/plain; charset=utf-8", body, headers...)
}

// Typed returns a Reply with the given content type. headers are key,
// value pairs.
func Typed(status int, contentType, body string, headers ...string) Reply {
	return typed(status, contentType, body, headers...)
}

func typed(status int, contentType, body string, headers ...string) Reply {
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		h.Add(headers[i], headers[i+1])
	}
	return Reply{Status: status, Header: h, Body: body}
}

// Responder chooses the reply to a request; n counts the requests the
// Recorder received before this one (0 for the first).
type Responder func(n int, r *http.Request) Reply

// Recorder is an httptest server that records every request and answers
// with the Responder. Routes live under Prefix: any request outside it
// fails the test.
type Recorder struct {
	// Server is the underlying server.
	Server *httptest.Server
	// URL is the base URL to give the SDK: the server's URL plus Prefix.
	URL string

	t       testing.TB
	mu      sync.Mutex
	reqs    []Request
	respond Responder
}

// NewRecorder starts a Recorder that answers with respond (nil answers
// 200 with "{}"). The server is closed when the test ends.
func NewRecorder(t testing.TB, respond Responder) *Recorder {
	t.Helper()
	rec := &Recorder{t: t, respond: respond}
	rec.Server = httptest.NewServer(http.HandlerFunc(rec.serve))
	rec.URL = rec.Server.URL + Prefix
	t.Cleanup(rec.Server.Close)
	return rec
}

// Always returns a Responder that gives every request the same reply.
func Always(r Reply) Responder {
	return func(int, *http.Request) Reply { return r }
}

// Sequence returns a Responder that gives the n-th request replies[n], and
// the last reply to every request after the list.
func Sequence(replies ...Reply) Responder {
	return func(n int, _ *http.Request) Reply {
		if n >= len(replies) {
			n = len(replies) - 1
		}
		return replies[n]
	}
}

// ByQuery returns a Responder that picks the reply by the value of one
// query parameter ("" when it is absent); unknown values get a 404 text
// reply naming the value.
func ByQuery(key string, replies map[string]Reply) Responder {
	return func(_ int, r *http.Request) Reply {
		if rep, ok := replies[r.URL.Query().Get(key)]; ok {
			return rep
		}
		return Text(http.StatusNotFound, "testutil: no reply for "+key+"="+r.URL.Query().Get(key))
	}
}

// ByPath returns a Responder that picks the reply by the escaped path
// below Prefix (such as "/api/users/u1/sessions"); unknown paths get a 404
// text reply.
func ByPath(replies map[string]Responder) Responder {
	return func(n int, r *http.Request) Reply {
		p := strings.TrimPrefix(r.URL.EscapedPath(), Prefix)
		if rep, ok := replies[p]; ok {
			return rep(n, r)
		}
		return Text(http.StatusNotFound, "testutil: no route for "+p)
	}
}

func (rec *Recorder) serve(w http.ResponseWriter, r *http.Request) {
	escaped := r.URL.EscapedPath()
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	r.Body = io.NopCloser(bytes.NewReader(body))
	req := Request{
		Body:        string(body),
		Method:      r.Method,
		Path:        strings.TrimPrefix(r.URL.Path, Prefix),
		EscapedPath: escaped,
		RequestURI:  r.RequestURI,
		RawQuery:    r.URL.RawQuery,
		Query:       r.URL.Query(),
		Header:      r.Header.Clone(),
		Host:        r.Host,
	}
	rec.mu.Lock()
	n := len(rec.reqs)
	rec.reqs = append(rec.reqs, req)
	rec.mu.Unlock()
	if escaped != Prefix && !strings.HasPrefix(escaped, Prefix+"/") {
		rec.t.Errorf("testutil: request outside the base URL's prefix %q: %s %s", Prefix, r.Method, r.RequestURI)
		http.Error(w, "outside the prefix", http.StatusTeapot)
		return
	}
	reply := Reply{Status: http.StatusOK, Body: "{}"}
	if rec.respond != nil {
		reply = rec.respond(n, r)
	}
	for k, vs := range reply.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	status := reply.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(reply.Body))
}

// Requests returns a copy of the requests received so far, in order.
func (rec *Recorder) Requests() []Request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]Request(nil), rec.reqs...)
}

// Count returns the number of requests received so far.
func (rec *Recorder) Count() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return len(rec.reqs)
}

// Last returns the last request received; the test fails when there is
// none.
func (rec *Recorder) Last() Request {
	rec.t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.reqs) == 0 {
		rec.t.Fatalf("testutil: no request received")
		return Request{}
	}
	return rec.reqs[len(rec.reqs)-1]
}

// Queries returns the RawQuery of every request received so far, in
// order.
func (rec *Recorder) Queries() []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	out := make([]string, len(rec.reqs))
	for i, r := range rec.reqs {
		out[i] = r.RawQuery
	}
	return out
}

// RoundTripFunc is an http.RoundTripper made of a function.
type RoundTripFunc func(*http.Request) (*http.Response, error)

// RoundTrip calls f.
func (f RoundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
