package engine

import (
	"bufio"
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
	head := &headBuffer{}
	if err := checkContentType(resp.Header.Get("Content-Type")); err != nil {
		_, _ = io.Copy(head, io.LimitReader(resp.Body, headSize))
		return nil, st.malformed(resp, head, err)
	}
	body := &readRecorder{r: resp.Body}
	br := getBodyReader(io.TeeReader(body, head))
	defer putBodyReader(br)
	handled, err := decodeTokens(br, out) // a TokenDecoder, on Go 1.27
	if !handled {
		dec := json.NewDecoder(br)
		if sd, ok := out.(StreamDecoder); ok {
			err = sd.DecodeStream(dec)
		} else {
			err = dec.Decode(out)
		}
	}
	if err != nil && body.err != nil {
		return nil, &bodyReadError{status: resp.StatusCode, err: body.err}
	}
	if err != nil {
		return nil, st.malformed(resp, head, err)
	}
	if ch, ok := out.(Checker); ok {
		if err := ch.Check(); err != nil {
			var ae *APIError
			if errors.As(err, &ae) {
				ae.API, ae.Method, ae.Path = st.api, st.method, st.path
				ae.StatusCode, ae.Header, ae.Attempts = resp.StatusCode, resp.Header, st.attempts
				ae.Body = head.Bytes()
				if ae.Code == "" && ae.Message == "" {
					fillFromBody(ae, &st.secret, len(ae.Body) >= headSize)
				}
				st.redact(ae)
				return nil, ae
			}
			return nil, st.malformed(resp, head, err)
		}
	}
	return r, nil
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

var bodyReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, bodyBufferSize) }}

func getBodyReader(r io.Reader) *bufio.Reader {
	br, ok := bodyReaders.Get().(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(nil, bodyBufferSize)
	}
	br.Reset(r)
	return br
}

func putBodyReader(br *bufio.Reader) {
	br.Reset(nil) // drop the body
	bodyReaders.Put(br)
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
