package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
)

// Credential supplies the secret sent to one API. Token is asked before
// every attempt (and every redirect hop to the API's own origin), so a
// source that rotates keys is always current.
type Credential interface {
	Token(ctx context.Context) (string, error)
}

// Renewer is a Credential that can fetch a new secret after the API
// rejected the current one with 401. The engine then retries once.
type Renewer interface {
	Credential
	// Renew drops the rejected secret so that the next Token call returns
	// a fresh one.
	Renew(rejected string)
}

// StaticKey is a fixed API key or token. It is never renewed, so a 401 is
// returned at once.
type StaticKey string

// Token returns the key.
func (k StaticKey) Token(context.Context) (string, error) { return string(k), nil }

// String hides the key, so that printing a configuration does not show it.
func (k StaticKey) String() string { return "[REDACTED]" }

// GoString hides the key from %#v.
func (k StaticKey) GoString() string { return "engine.StaticKey([REDACTED])" }

// LogValue hides the key from slog.
func (k StaticKey) LogValue() slog.Value { return slog.StringValue("[REDACTED]") }

// TokenFunc asks a function for the secret before every attempt. A 401 is
// retried once, asking the function again.
type TokenFunc func(ctx context.Context) (string, error)

// Token calls f.
func (f TokenFunc) Token(ctx context.Context) (string, error) { return f(ctx) }

// Renew does nothing: the function is asked again on the next attempt.
func (f TokenFunc) Renew(string) {}

// MinCredentialLen is the shortest credential the SDK sends, in bytes.
// Every credential sent is removed from the texts of errors and log
// records; a shorter one could not be told apart from ordinary words, so
// static keys this short are refused by NewClient and a token function
// that returns one fails the attempt with ErrInvalidCredential.
const MinCredentialLen = 8

// ErrInvalidCredential is wrapped when a credential function or token
// source returns an empty credential or one shorter than MinCredentialLen.
// Nothing is sent and the attempt is not retried.
var ErrInvalidCredential = errors.New("sessionkit: invalid credential")

// checkCredential rejects a credential that must not be sent.
func checkCredential(tok string) error {
	switch {
	case tok == "":
		return fmt.Errorf("%w: the credential is empty", ErrInvalidCredential)
	case len(tok) < MinCredentialLen:
		return fmt.Errorf("%w: the credential is %s long, shorter than the minimum of %d", ErrInvalidCredential, ByteCount(len(tok)), MinCredentialLen)
	}
	return nil
}

// credentialError marks a failure to obtain a credential; it is not retried.
type credentialError struct {
	api API
	err error
}

// Error names the API; the "sessionkit:" prefix of the cause is dropped,
// since the error is always wrapped in a call's error that carries it.
func (e *credentialError) Error() string {
	return fmt.Sprintf("%s credential: %s", e.api, strings.TrimPrefix(e.err.Error(), "sessionkit: "))
}

func (e *credentialError) Unwrap() error { return e.err }

func isCredentialError(err error) bool {
	var ce *credentialError
	return errors.As(err, &ce)
}

// ByteCount says n bytes in words: "1 byte", "7 bytes".
func ByteCount(n int) string {
	if n == 1 {
		return "1 byte"
	}
	return strconv.Itoa(n) + " bytes"
}
