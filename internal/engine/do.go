package engine

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// Response describes a successful answer.
type Response struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Header is the response header.
	Header http.Header
	// Attempts is the number of requests made, retries included.
	Attempts int
}

// Checker is implemented by wire bodies that can report a failure inside a
// 2xx answer (Ductape's envelope) or a body that decoded but is unusable.
// Check returns nil when the body is good, an *APIError (the engine fills in
// the request details) when the API marked the answer as failed, or any
// other error when the body is malformed.
type Checker interface {
	Check() error
}

// drainLimit is how much of an unread body is read to keep the connection
// reusable; larger remainders close the connection instead.
const drainLimit = 256 << 10

// headSize is how much of a 2xx body's start is kept while decoding: enough
// for a whole failure envelope, and for the snippet of a malformed body.
const headSize = 4 << 10

// Get sends GET {base}/{path}?{query} to api and decodes a 2xx JSON body into
// out. route is the endpoint's template, path the same with its arguments
// filled in, already escaped (see Segment); query is a go-querystring
// struct (or nil).
func (c *Client) Get(ctx context.Context, api API, route Route, path string, q any, out any) (*Response, error) {
	u, err := c.url(api, path, q)
	if err != nil {
		return nil, err
	}
	st := &call{c: c, api: api, method: http.MethodGet, path: u.EscapedPath(), route: routeOf(http.MethodGet, route)}
	st.secret.addQuery(u)
	return st.exchange(ctx, u, out)
}

// url builds the request URL for api.
func (c *Client) url(api API, path string, q any) (*url.URL, error) {
	if !api.Valid() {
		return nil, Invalidf("unknown API %v", api)
	}
	base := c.apis[api].BaseURL
	if base == nil {
		return nil, Invalidf("%s base URL is not set: use WithBaseURL (inside ForAPI(%s, ...) to set it for this API only)", api, api)
	}
	u := *base
	u.RawPath = joinPath(base.EscapedPath(), path)
	p, err := url.PathUnescape(u.RawPath)
	if err != nil {
		return nil, Invalidf("path %q: %v", path, err)
	}
	u.Path = p
	u.RawQuery, u.Fragment, u.RawFragment = "", "", ""
	if q != nil {
		raw, err := encodeQuery(q)
		if err != nil {
			return nil, Invalidf("query: %v", err)
		}
		u.RawQuery = raw
	}
	return &u, nil
}

// readAPIError reads up to MaxErrorBody bytes of a failed answer's body
// into a new APIError, stores it as the call's last failure and closes the
// body.
func (st *call) readAPIError(resp *http.Response) *APIError {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, MaxErrorBody))
	closeBody(resp)
	resp.Body = http.NoBody
	e := &APIError{
		API:        st.api,
		Method:     st.method,
		Path:       st.path,
		StatusCode: resp.StatusCode,
		Attempts:   st.attempts,
		Header:     resp.Header,
		Body:       body,
	}
	if wait, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), st.c.now()); ok {
		e.RetryAfter = wait
	}
	fillFromBody(e, &st.secret, len(body) >= MaxErrorBody)
	st.redact(e)
	st.last = e
	return e
}

// decode stream-decodes a 2xx body into out and closes it.
func (st *call) decode(resp *http.Response, out any) (*Response, error) {
	defer closeBody(resp)
	r := &Response{StatusCode: resp.StatusCode, Header: resp.Header, Attempts: st.attempts}
	if out == nil {
		return r, nil
	}
	bs := getBodyState(resp.Body)
	defer putBodyState(bs)
	if err := checkContentType(resp.Header.Get("Content-Type")); err != nil {
		_, _ = io.Copy(&bs.head, io.LimitReader(resp.Body, headSize))
		return nil, st.malformed(resp, &bs.head, err)
	}
	handled, err := decodeTokens(bs.br, out) // a TokenDecoder, on Go 1.27
	if !handled {
		dec := json.NewDecoder(bs.br)
		if sd, ok := out.(StreamDecoder); ok {
			err = sd.DecodeStream(dec)
		} else {
			err = dec.Decode(out)
		}
	}
	if err != nil && bs.rec.err != nil {
		return nil, &bodyReadError{status: resp.StatusCode, err: bs.rec.err}
	}
	if err != nil {
		return nil, st.malformed(resp, &bs.head, err)
	}
	if ch, ok := out.(Checker); ok {
		if err := ch.Check(); err != nil {
			return nil, st.checkFailed(resp, &bs.head, err)
		}
	}
	return r, nil
}

// checkFailed returns the error of a 2xx answer whose body decoded but that
// its Checker refused: the *APIError it reported, filled in with the
// request's details and the start of the body, or a malformed answer.
func (st *call) checkFailed(resp *http.Response, head *headBuffer, err error) error {
	var ae *APIError
	if !errors.As(err, &ae) {
		return st.malformed(resp, head, err)
	}
	ae.API, ae.Method, ae.Path = st.api, st.method, st.path
	ae.StatusCode, ae.Header, ae.Attempts = resp.StatusCode, resp.Header, st.attempts
	ae.Body = bytes.Clone(head.Bytes()) // the head goes back to the pool
	if ae.Code == "" && ae.Message == "" {
		fillFromBody(ae, &st.secret, len(ae.Body) >= headSize)
	}
	st.redact(ae)
	return ae
}

func (st *call) malformed(resp *http.Response, head *headBuffer, err error) error {
	st.secret.addBodyTokens(head.Bytes())
	return &MalformedError{
		API:         st.api,
		Method:      st.method,
		Path:        st.path,
		StatusCode:  resp.StatusCode,
		ContentType: st.secret.redact(resp.Header.Get("Content-Type"), false),
		Snippet:     st.secret.text(head.Bytes(), len(head.Bytes()) >= headSize),
		Err:         st.secret.err(err),
	}
}

// checkContentType rejects 2xx bodies that declare themselves as HTML or
// XML (a proxy's error page, say). Other types are decoded: many servers
// label JSON as text/plain. A type that does not parse is decoded too.
func checkContentType(ct string) error {
	if ct == "" || !rejectedType(ct) {
		return nil // the common case, without parsing the parameters
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || !rejectedType(mt) {
		return nil
	}
	return fmt.Errorf("unexpected content type %q", mt)
}

// rejectedType reports whether the media type of ct, its part before any
// parameters, is HTML or XML.
func rejectedType(ct string) bool {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	ct = strings.TrimSpace(ct)
	for _, t := range [...]string{"text/html", "application/xhtml+xml", "application/xml", "text/xml"} {
		if strings.EqualFold(ct, t) {
			return true
		}
	}
	return false
}

// bodyBufferSize is the read buffer in front of a success body.
// json.Decoder reads in pieces of a few hundred bytes when pages are
// decoded element by element; the buffer turns them into few large reads
// of the connection.
const bodyBufferSize = 32 << 10

// bodyState is what decoding a success body takes: the read buffer in
// front of it, which reads through a recorder of its failure and a copy of
// its start into head. Decoding takes one from the pool and gives it back.
type bodyState struct {
	br   *bufio.Reader
	rec  readRecorder
	tee  teeReader
	head headBuffer
}

var bodyStates = sync.Pool{New: func() any { return &bodyState{br: bufio.NewReaderSize(nil, bodyBufferSize)} }}

// getBodyState returns a bodyState that reads body.
func getBodyState(body io.Reader) *bodyState {
	bs, ok := bodyStates.Get().(*bodyState)
	if !ok {
		bs = &bodyState{br: bufio.NewReaderSize(nil, bodyBufferSize)}
	}
	bs.rec = readRecorder{r: body}
	bs.tee = teeReader{r: &bs.rec, w: &bs.head}
	bs.br.Reset(&bs.tee)
	return bs
}

// putBodyState drops the body and gives bs back to the pool.
func putBodyState(bs *bodyState) {
	bs.br.Reset(nil)
	bs.rec, bs.tee = readRecorder{}, teeReader{}
	bs.head.b = bs.head.b[:0]
	bodyStates.Put(bs)
}

// teeReader is io.TeeReader into a headBuffer.
type teeReader struct {
	r io.Reader
	w *headBuffer
}

func (t *teeReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	_, _ = t.w.Write(p[:n])
	return n, err
}

// headBuffer keeps the first headSize bytes written to it.
type headBuffer struct{ b []byte }

func (h *headBuffer) Write(p []byte) (int, error) {
	if room := headSize - len(h.b); room > 0 {
		h.b = append(h.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (h *headBuffer) Bytes() []byte { return h.b }

// closeBody drains a bounded remainder (so the connection can be reused)
// and closes the body.
func closeBody(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, drainLimit))
	_ = resp.Body.Close()
}
