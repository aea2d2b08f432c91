package engine

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ErrInvalidOptions is wrapped by every error about a bad option value or a
// bad call argument. Such errors are returned before any request is sent.
var ErrInvalidOptions = errors.New("sessionkit: invalid options")

// ErrMalformedResponse is wrapped when a 2xx answer cannot be decoded.
var ErrMalformedResponse = errors.New("sessionkit: malformed response")

// ErrPaginationLoop is wrapped when a server hands back a page cursor that
// the walk has already followed.
var ErrPaginationLoop = errors.New("sessionkit: pagination loop: the server repeated a page token")

// ErrAttemptTimeout is wrapped when one attempt ran longer than the
// attempt timeout (WithAttemptTimeout). Such an attempt is retried; the
// error does not satisfy errors.Is(err, context.DeadlineExceeded), which
// stays the caller's own deadline.
var ErrAttemptTimeout = errors.New("sessionkit: attempt timeout")

// ErrPageTokenExpired is wrapped when the server rejects a page cursor
// (Zoom's next_page_token expires 15 minutes after it was issued).
var ErrPageTokenExpired = errors.New("sessionkit: page token expired or rejected")

// Invalidf returns an error wrapping ErrInvalidOptions. The message should
// start with the name of the offending field.
func Invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidOptions}, args...)...)
}

// FieldError is one field-level complaint inside an APIError.
type FieldError struct {
	// Field names the offending input, as the API spelt it (for Arthur,
	// the loc path joined with ".").
	Field string
	// Message is the API's text about that field.
	Message string
}

// MaxErrorBody is how much of an error body is kept in APIError.Body.
const MaxErrorBody = 1 << 20

// APIError is returned for every answer the API marked as failed: a non-2xx
// status, or a Ductape 200 whose envelope says "status": false.
type APIError struct {
	// API is the API that answered.
	API API
	// Method and Path are the request's method and URL path as sent
	// (escaped; no scheme, host, query or credentials).
	Method, Path string
	// StatusCode is the HTTP status of the last attempt.
	StatusCode int
	// Code is the API's own error code (Ductape "code", Zoom "code" as
	// decimal text, MonoCloud problem "type"); empty when there is none.
	Code string
	// Message is the API's human-readable explanation.
	Message string
	// Fields lists field-level validation messages, when the API gave any.
	Fields []FieldError
	// RetryAfter is the wait the server asked for (Retry-After), 0 if none.
	RetryAfter time.Duration
	// Attempts is the number of requests made, retries included.
	Attempts int
	// Header is the response header of the last attempt.
	Header http.Header
	// Body holds the first MaxErrorBody bytes of the response body.
	Body []byte
}

// Error names the method, the path as sent and the status, then the message.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("sessionkit: ")
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.Path)
	b.WriteString(": ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteByte(' ')
		b.WriteString(t)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, " (code %s)", e.Code)
	}
	for i, f := range e.Fields {
		if i == 0 {
			b.WriteString(" [")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f.Field)
		b.WriteString(": ")
		b.WriteString(f.Message)
		if i == len(e.Fields)-1 {
			b.WriteByte(']')
		}
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	return b.String()
}

// PageError is the error an iterator yields. It says where the walk
// stopped, so that a script can resume there.
type PageError struct {
	// Page is the page number whose fetch failed, in the API's own
	// numbering (0-based for Arthur), for page-number walks.
	Page int
	// PageToken is the cursor whose fetch failed, for cursor walks ("" for
	// the first page).
	PageToken string
	// Yielded counts the items the iterator yielded before the failure.
	Yielded int
	// Err is the underlying error.
	Err error
}

// Error describes the failure and the resume point. A page token is not
// printed (it is a query value that logs must not hold): read PageToken.
func (e *PageError) Error() string {
	where := "page " + strconv.Itoa(e.Page)
	if e.PageToken != "" {
		where = "a page token (see PageError.PageToken)"
	}
	return fmt.Sprintf("sessionkit: walk stopped at %s after %d items: %v", where, e.Yielded, e.Err)
}

// Unwrap returns the underlying error.
func (e *PageError) Unwrap() error { return e.Err }

// canceledError keeps both the context error and the last API error of a
// call that was cancelled while waiting to retry.
type canceledError struct {
	ctxErr error
	last   *APIError
}

func (e *canceledError) Error() string {
	return fmt.Sprintf("%v (while waiting to retry after: %v)", e.ctxErr, e.last)
}

func (e *canceledError) Unwrap() []error { return []error{e.ctxErr, e.last} }

// MalformedError is the error for a 2xx answer that cannot be decoded. It
// wraps ErrMalformedResponse and the decoder's error.
type MalformedError struct {
	// API is the API that answered.
	API API
	// Method and Path are the request's method and escaped path.
	Method, Path string
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// ContentType is the answer's Content-Type header.
	ContentType string
	// Snippet is the start of the body, for diagnosis.
	Snippet string
	// Err is the decoder's error.
	Err error
}

// Error names the status, method and path, and shows a snippet of the body.
func (e *MalformedError) Error() string {
	return fmt.Sprintf("sessionkit: %s %s: %d %s: malformed response body (content type %q): %v; body starts %q",
		e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode), e.ContentType, e.Err, e.Snippet)
}

// Unwrap returns ErrMalformedResponse and the decoder's error.
func (e *MalformedError) Unwrap() []error { return []error{ErrMalformedResponse, e.Err} }
