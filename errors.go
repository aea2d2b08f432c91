package sessionkit

import "github.com/sessionkit/sessionkit-go/internal/engine"

// APIError is returned for every answer an API marked as failed: any
// non-2xx status, and a Ductape 200 whose envelope says "status": false.
// Inspect it with errors.As:
//
//	var apiErr *sessionkit.APIError
//	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound { ... }
type APIError = engine.APIError

// FieldError is one field-level message inside an APIError.
type FieldError = engine.FieldError

// PageError is what an iterator's error is: it wraps the cause and says
// where the walk stopped (Page or PageToken) and how many items were
// yielded before, so a script can resume.
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
	// ErrPageTokenExpired is wrapped when a server rejects a page token
	// (Zoom's expire after 15 minutes); restart the walk from the
	// beginning.
	ErrPageTokenExpired = engine.ErrPageTokenExpired
)
