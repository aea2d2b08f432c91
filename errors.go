package sessionkit

import "github.com/sessionkit/sessionkit-go/internal/engine"

// APIError is returned for every answer an API marked as failed: any
// non-2xx status, and a Ductape 200 whose envelope says "status": false.
// Its fields: StatusCode, Code (the API's own error code as text), Message,
// Fields (field-level messages), RetryAfter (0 when none), Attempts
// (requests made, retries included), Header, Body (the first 1 MiB), and
// API, Method and Path (as sent: no host, query or credentials).
// Inspect it with errors.As:
//
//	var apiErr *sessionkit.APIError
//	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound { ... }
type APIError = engine.APIError

// FieldError is one field-level message inside an APIError.
type FieldError = engine.FieldError

// PageError is what an iterator's error is: it wraps the cause (Err, also
// returned by Unwrap) and says where the walk stopped, Page (page-number
// listings, in the API's own numbering) or PageToken (Zoom's cursor), and
// how many items were yielded before (Yielded), so a script can resume:
// set the options' Page or NextPageToken to it and range again.
type PageError = engine.PageError

// MalformedError is the error for a 2xx answer whose body cannot be
// decoded; it wraps ErrMalformedResponse.
type MalformedError = engine.MalformedError

var (
	// ErrInvalidOptions is wrapped by every error about a bad option or
	// argument; no request is sent.
	ErrInvalidOptions = engine.ErrInvalidOptions
	// ErrMalformedResponse is wrapped when a 2xx body cannot be decoded.
	ErrMalformedResponse = engine.ErrMalformedResponse
	// ErrPaginationLoop is wrapped when a server repeats a page token.
	ErrPaginationLoop = engine.ErrPaginationLoop
	// ErrAttemptTimeout is wrapped when one attempt ran longer than
	// WithAttemptTimeout allows (after its turn of the rate limiter, body
	// included). Such attempts are retried. It is not
	// context.DeadlineExceeded, which stays the caller's own deadline.
	ErrAttemptTimeout = engine.ErrAttemptTimeout
	// ErrPageTokenExpired is wrapped when a server rejects a page token
	// (Zoom's expire after 15 minutes); restart the walk from the
	// beginning.
	ErrPageTokenExpired = engine.ErrPageTokenExpired
)
