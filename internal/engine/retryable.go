package engine

import (
	"context"
	"errors"
	"net/url"

	"github.com/hashicorp/go-retryablehttp"
)

// IsRetryableStatus reports whether an answer with this status may succeed
// on a later try (429, 500, 502, 503, 504): the retry policy's own test,
// exported for sessionkit.IsRetryable.
func IsRetryableStatus(code int) bool { return isRetryableStatus(code) }

// IsDailyLimit reports whether e is a 429 that a short wait cannot cure
// (Zoom's X-RateLimit-Type: Daily-limit, or a message naming the daily
// limit): the retry policy's own test, exported for sessionkit.IsRetryable.
func IsDailyLimit(e *APIError) bool { return isDailyLimit(e) }

// IsRetryableExchange reports whether err, as a call returns it, is an
// exchange that failed in transit and that the retry policy would try
// again: a 2xx body cut off while it was read, or an exchange that got no
// answer (it holds net/http's *url.Error) that was not a failure to obtain
// the credential, a rate-limiter turn past the deadline, too many
// redirects, a bad scheme or header, or an untrusted certificate.
func IsRetryableExchange(err error) bool {
	var failed *bodyReadError
	if errors.As(err, &failed) {
		return true
	}
	var ue *url.Error
	return errors.As(err, &ue) && retryableExchange(ue)
}

// retryableExchange is the retry policy for an attempt that got no answer;
// err is what the HTTP client returned.
func retryableExchange(err error) bool {
	if isCredentialError(err) || isRateWaitError(err) || isPaceError(err) {
		return false
	}
	ok, _ := retryablehttp.DefaultRetryPolicy(context.Background(), nil, err)
	return ok
}
