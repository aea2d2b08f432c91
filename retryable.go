package sessionkit

import (
	"context"
	"errors"
	"net/url"

	"github.com/sessionkit/sessionkit-go/internal/engine"
)

// IsRetryable reports whether the call that returned err may succeed if it
// is made again later, unchanged. It looks through wrapping ([*PageError],
// [fmt.Errorf] with %w, [errors.Join]), so an iterator's error can be passed as
// it is.
//
// It is true for:
//   - an [*APIError] with a retryable status: 429 (unless it is a daily
//     limit), 500, 502, 503 or 504. The SDK has already retried these
//     ([WithMaxRetries]); when the server asked for a wait longer than
//     [WithRetryWait] allows, wait [APIError].RetryAfter before trying again;
//   - a transport failure: the connection refused, reset or dropped before
//     an answer or in the middle of a 2xx body, an unexpected EOF, a dial
//     or TLS handshake timeout;
//   - an attempt timeout ([ErrAttemptTimeout] from [WithAttemptTimeout], or
//     the Timeout of the [http.Client] given to [WithHTTPClient]), while the
//     caller's context is still live.
//
// It is false for nil and for:
//   - any other status (400, 401, 403, 404, 409, 422, ...), and a 2xx
//     Ductape envelope that says "status": false;
//   - a daily limit ([ErrDailyLimit]): a 429 with Zoom's X-RateLimit-Type:
//     Daily-limit, or whose message names the daily limit, and every call
//     to that API refused at once until it resets (try again at
//     [DailyLimitError].ResetAt, not soon);
//   - [ErrInvalidOptions]: the same arguments fail the same way;
//   - [ErrMalformedResponse]: a 2xx body that arrived whole and does not
//     decode (a body cut off in transit is a transport failure instead);
//   - [ErrPaginationLoop];
//   - [ErrPageTokenExpired]: the walk must restart from the first page
//     rather than retry the same token;
//   - the caller's own cancel or deadline ([context.Canceled],
//     [context.DeadlineExceeded]), also when it ended a wait between
//     retries, and a [WithRateLimit] turn that would come after the deadline;
//   - a failure to obtain a credential, too many redirects, an untrusted
//     certificate: the SDK does not retry these either.
func IsRetryable(err error) bool {
	switch {
	case err == nil:
		return false
	case isAttemptTimeout(err): // before the context test: net/http's timeout may wrap context.DeadlineExceeded
		return true
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, ErrInvalidOptions), errors.Is(err, ErrMalformedResponse),
		errors.Is(err, ErrPaginationLoop), errors.Is(err, ErrPageTokenExpired),
		errors.Is(err, ErrDailyLimit):
		return false
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return engine.IsRetryableStatus(apiErr.StatusCode) && !engine.IsDailyLimit(apiErr)
	}
	return engine.IsRetryableExchange(err)
}

// isAttemptTimeout reports whether err is an attempt that ran out of its
// own time, rather than of the caller's context: [ErrAttemptTimeout]
// (WithAttemptTimeout), or the Timeout of the http.Client given to
// WithHTTPClient, which net/http reports as a *url.Error whose Timeout() is
// true (a dial or TLS handshake timeout has the same shape and is
// retryable too). The engine never hands the caller's own cancel or
// deadline back inside a *url.Error: once the caller's context is done it
// returns the context's own error.
func isAttemptTimeout(err error) bool {
	var ue *url.Error
	return errors.Is(err, ErrAttemptTimeout) || errors.As(err, &ue) && ue.Timeout()
}
