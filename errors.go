package sessionkit

import "github.com/sessionkit/sessionkit-go/internal/engine"

// APIError is returned for every answer an API marked as failed: any
// non-2xx status, and a Ductape 200 whose envelope says "status": false.
// Inspect it with [errors.As], and ask [IsRetryable] whether the call may
// succeed later:
//
//	var apiErr *sessionkit.APIError
//	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound { ... }
//
// It is this struct (declared in the SDK's engine, so that every service
// returns the same type):
//
//	type APIError struct {
//		// API is the API that answered.
//		API API
//		// Method and Path are the request's method and URL path as sent
//		// (escaped; no scheme, host, query or credentials).
//		Method, Path string
//		// StatusCode is the HTTP status of the last attempt (200 for a
//		// Ductape envelope that says "status": false).
//		StatusCode int
//		// Code is the API's own error code (Ductape "code", Zoom "code" as
//		// decimal text, MonoCloud problem "type"); empty when there is none.
//		Code string
//		// Message is the API's human-readable explanation.
//		Message string
//		// Fields lists field-level validation messages, when the API gave any.
//		Fields []FieldError
//		// RetryAfter is the wait the server asked for (Retry-After), 0 if none.
//		RetryAfter time.Duration
//		// Attempts is the number of requests made, retries included.
//		Attempts int
//		// Header is the response header of the last attempt.
//		Header http.Header
//		// Body holds the start of the response body as received, up to
//		// 1 MiB.
//		Body []byte
//	}
//
// Its one method, Error() string, names the method, the path as sent and
// the status, then the message, the code, the field messages and the
// Retry-After wait. The credential sent is removed from every text it
// prints, in case the server echoed it; Body keeps the raw bytes.
type APIError = engine.APIError

// FieldError is one field-level message inside an [APIError]'s Fields:
//
//	type FieldError struct {
//		// Field names the offending input, as the API spelt it (for
//		// Arthur, the loc path joined with ".").
//		Field string
//		// Message is the API's text about that field.
//		Message string
//	}
type FieldError = engine.FieldError

// PageError is what an iterator's error is: it wraps the cause and says
// where the walk stopped, so a script can resume: set the options' Page
// (or, for Zoom, NextPageToken) to it and range again. [errors.Is] and
// [errors.As] see through it to the cause ([*APIError], [ErrInvalidOptions],
// [context.Canceled], ...), and so does [IsRetryable].
//
// It is this struct:
//
//	type PageError struct {
//		// Page is the page number whose fetch failed, in the API's own
//		// numbering (1-based for Ductape and MonoCloud, 0-based for
//		// Arthur), for page-number walks.
//		Page int
//		// PageToken is the cursor whose fetch failed, for cursor walks
//		// (Zoom); "" for the first page.
//		PageToken string
//		// Yielded counts the items the iterator yielded before the failure.
//		Yielded int
//		// Err is the underlying error.
//		Err error
//	}
//
// Its methods: Error() string describes the failure and the resume point
// (a page token is not printed, since logs must not hold it: read
// PageToken), and Unwrap() error returns Err.
type PageError = engine.PageError

// MalformedError is the error for a 2xx answer whose body cannot be
// decoded (malformed or truncated JSON, an HTML page, a body of the wrong
// shape). It wraps [ErrMalformedResponse] and the decoder's error.
//
// It is this struct:
//
//	type MalformedError struct {
//		// API is the API that answered.
//		API API
//		// Method and Path are the request's method and escaped path.
//		Method, Path string
//		// StatusCode is the HTTP status of the answer.
//		StatusCode int
//		// ContentType is the answer's Content-Type header.
//		ContentType string
//		// Snippet is the start of the body, for diagnosis (the credential
//		// sent is removed from it).
//		Snippet string
//		// Err is the decoder's error.
//		Err error
//	}
//
// Its methods: Error() string names the status, method and path and shows
// the snippet, and Unwrap() []error returns ErrMalformedResponse and Err.
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
	// [WithAttemptTimeout] allows (after its turn of the rate limiter, body
	// included). Such attempts are retried. It is not
	// [context.DeadlineExceeded], which stays the caller's own deadline.
	ErrAttemptTimeout = engine.ErrAttemptTimeout
	// ErrPageTokenExpired is wrapped when a server rejects a page token
	// (Zoom's expire after 15 minutes); restart the walk from the
	// beginning.
	ErrPageTokenExpired = engine.ErrPageTokenExpired
	// ErrInvalidCredential is wrapped when [WithTokenFunc]'s function or
	// [WithTokenSource]'s source gives an empty credential or one shorter
	// than [MinCredentialLength]; nothing is sent and the call is not
	// retried.
	ErrInvalidCredential = engine.ErrInvalidCredential
)

// MinCredentialLength is the shortest credential, in bytes, that the SDK
// sends. Every credential sent is removed from error texts and log
// records, whatever form the server echoes it in; a shorter one could not
// be told apart from ordinary text. [WithAPIKey] refuses a shorter key at
// [NewClient]; a shorter token from [WithTokenFunc] or [WithTokenSource] fails
// the attempt with [ErrInvalidCredential].
const MinCredentialLength = engine.MinCredentialLen

// ErrDailyLimit is wrapped by the error of a call that a daily rate limit
// refused: a 429 with Zoom's X-RateLimit-Type: Daily-limit, or whose
// message names the daily limit. Until the limit resets, every further
// call to the same API fails at once with it, without a request. Such
// calls are not retried, and [IsRetryable] is false for them. [errors.As]
// finds a [*DailyLimitError], with the reset time, and through it the
// [*APIError] of the answer that reported the limit.
var ErrDailyLimit = engine.ErrDailyLimit

// DailyLimitError is the error of a call refused by a daily rate limit.
// It satisfies errors.Is(err, [ErrDailyLimit]).
//
// It is this struct:
//
//	type DailyLimitError struct {
//		// API is the API whose daily limit was reached.
//		API API
//		// ResetAt is when the limit resets: the answer's Retry-After
//		// (Zoom sends an ISO 8601 time), else the next midnight UTC.
//		// Until then every call to API fails at once with this error.
//		ResetAt time.Time
//		// Sent reports whether this call sent the request that got the
//		// answer; false when an earlier call's answer refused it.
//		Sent bool
//		// Err is the answer that reported the limit.
//		Err *APIError
//	}
//
// Its methods: Error() string names the API, the reset time and the
// answer, and Unwrap() []error returns ErrDailyLimit and Err.
type DailyLimitError = engine.DailyLimitError
