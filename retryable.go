package sessionkit

import (
	"context"
	"errors"
	"net/url"

	"github.com/sessionkit/sessionkit-go/internal/engine"
)

// IsRetryable reports whether the call that returned err may succeed if it
// is made again later, unchanged. It looks through wrapping ([*PageError],
// fmt.Errorf with %w, errors.Join), so an iterator's error can be passed as
// it is.
//
// It is true for:
//   - an [*APIError] with a retryable status: 429 (unless it is a daily
//     limit), 500, 502, 503 or 504. The SDK has already retried these
//     (WithMaxRetries); when the server asked for a wait longer than
//     WithRetryWait allows, wait APIError.RetryAfter before trying again;
//   - a transport failure: the connection refused, reset or dropped before
//     an answer, an unexpected EOF, a dial or TLS handshake timeout;
//   - an attempt timeout (WithAttemptTimeout, or the Timeout of the
//     http.Client given to WithHTTPClient), while the caller's context is
//     still live.
//
// It is false for nil and for:
//   - any other status (400, 401, 403, 404, 409, 422, ...), and a 2xx
//     Ductape envelope that says "status": false;
//   - a daily limit: a 429 with Zoom's X-RateLimit-Type: Daily-limit, or
//     whose message names the daily limit (try again tomorrow, not soon);
//   - [ErrInvalidOptions]: the same arguments fail the same way;
//   - [ErrMalformedResponse], including a 2xx body cut short mid-way by a
//     dropped connection or an attempt timeout (the SDK cannot tell these
//     from a truncated document, and does not retry them either);
//   - [ErrPaginationLoop];
//   - [ErrPageTokenExpired]: the walk must restart from the first page
//     rather than retry the same token;
//   - the caller's own cancel or deadline (context.Canceled,
//     context.DeadlineExceeded), also when it ended a wait between
//     retries, and a WithRateLimit turn that would come after the deadline;
//   - a failure to obtain a credential, too many redirects, an untrusted
//     certificate: the SDK does not retry these either.
func IsRetryable(err error) bool {
	switch {
	case err == nil:
		return false
	case isAttemptTimeout(err): // before the context test: it matches context.DeadlineExceeded too
		return true
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, ErrInvalidOptions), errors.Is(err, ErrMalformedResponse),
		errors.Is(err, ErrPaginationLoop), errors.Is(err, ErrPageTokenExpired):
		return false
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return engine.IsRetryableStatus(apiErr.StatusCode) && !engine.IsDailyLimit(apiErr)
	}
	return engine.IsRetryableExchange(err)
}

// isAttemptTimeout reports whether err is an attempt that ran out of its
// own time, rather than of the caller's context.
//
// Today the attempt timeout is http.Client.Timeout: net/http reports it
// as a *url.Error whose Timeout() is true, holding either its own timeout
// error or context.DeadlineExceeded (which of the two is a race inside
// net/http), so errors.Is(err, context.DeadlineExceeded) holds for it as
// for the caller's deadline. What tells them apart is that the engine never
// hands the caller's cancel or deadline back inside a *url.Error: once the
// caller's context is done it returns the context's own error. A dial or
// TLS handshake timeout has the same shape and is retryable too. When the
// engine gets a sentinel for the attempt timeout, this is the one place to
// test for it.
func isAttemptTimeout(err error) bool {
	var ue *url.Error
	return errors.As(err, &ue) && ue.Timeout()
}
