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

// Error names the method, the path as sent and the status, then the
// message, the code, the field messages, the wait the server asked for and,
// when there were retries, the number of attempts.
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
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
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

	// unstarted marks an error found before the walk began (a bad
	// argument): its text is Err's own.
	unstarted bool
}

// Error describes the failure and the resume point: "the first page"
// (page 0 of a 0-based walk or the first page of a cursor walk), "page N",
// or "a page token" (never the token itself: it is a secret of the walk,
// read PageToken). An error found before the walk began reads as that
// error.
func (e *PageError) Error() string {
	cause := "<nil>"
	if e.Err != nil {
		cause = e.Err.Error()
	}
	if e.unstarted {
		return cause
	}
	var b strings.Builder
	b.WriteString("sessionkit: walk stopped at ")
	switch {
	case e.PageToken != "":
		b.WriteString("a page token (see PageError.PageToken)")
	case e.Page == 0:
		b.WriteString("the first page")
	default:
		b.WriteString("page " + strconv.Itoa(e.Page))
	}
	switch e.Yielded {
	case 0:
	case 1:
		b.WriteString(" after 1 item")
	default:
		b.WriteString(" after " + strconv.Itoa(e.Yielded) + " items")
	}
	b.WriteString(": ")
	b.WriteString(strings.TrimPrefix(cause, "sessionkit: "))
	return b.String()
}

// Unwrap returns the underlying error.
func (e *PageError) Unwrap() error { return e.Err }

// Wrap returns an error that wraps both sentinel and err and reads
// "<sentinel>: <err>", with err's own "sessionkit: " prefix dropped so that
// the prefix appears once.
func Wrap(sentinel, err error) error {
	return &wrapped{sentinel: sentinel, err: err}
}

type wrapped struct{ sentinel, err error }

func (e *wrapped) Error() string {
	return e.sentinel.Error() + ": " + strings.TrimPrefix(e.err.Error(), "sessionkit: ")
}

func (e *wrapped) Unwrap() []error { return []error{e.sentinel, e.err} }

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
