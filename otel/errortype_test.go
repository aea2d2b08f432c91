package skotel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"

	sessionkit "github.com/sessionkit/sessionkit-go"
)

func TestErrorTypeNamesTheFailureNeverItsText(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("sessionkit: GET /x?token=secret: %w", err) }
	tests := []struct {
		err  error
		want string
	}{
		{&sessionkit.APIError{StatusCode: 503, Message: "secret"}, "503"},
		{wrap(&sessionkit.APIError{StatusCode: 401}), "401"},
		{wrap(sessionkit.ErrAttemptTimeout), "attempt_timeout"},
		{wrap(context.DeadlineExceeded), "timeout"},
		{wrap(context.Canceled), "canceled"},
		{wrap(&sessionkit.MalformedError{Err: errors.New("secret")}), "malformed_response"},
		{wrap(io.ErrUnexpectedEOF), "connection_closed"},
		{wrap(&url.Error{Op: "Get", URL: "http://h/?token=secret", Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}), "connection_refused"},
		{wrap(&net.OpError{Op: "read", Err: syscall.ECONNRESET}), "connection_reset"},
		{wrap(&net.DNSError{Err: "no such host", Name: "secret.example"}), "*net.DNSError"},
		{wrap(errors.New("secret")), "*errors.errorString"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			got := errorType(tt.err)
			assert.Equal(t, tt.want, got)
			assert.NotContains(t, got, "secret")
		})
	}
}
