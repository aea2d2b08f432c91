package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"time"
)

// A 2xx answer whose body fails while it is read (the connection drops,
// the attempt timeout fires) is a transport failure, not a malformed
// answer: the call retries it like a connection error, within the same
// MaxRetries budget and backoff, and reports it as a transport error when
// the retries run out. A body that arrives whole and does not decode stays
// ErrMalformedResponse.

// readRecorder passes reads through and keeps the first read error other
// than io.EOF: it tells a body that failed in transit from one that
// arrived whole but does not decode.
type readRecorder struct {
	r   io.Reader
	err error
}

func (r *readRecorder) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && r.err == nil {
		r.err = err
	}
	return n, err
}

// bodyReadError is a 2xx body that failed while it was read.
type bodyReadError struct {
	status int
	err    error
}

func (e *bodyReadError) Error() string {
	return fmt.Sprintf("reading the body of a %d answer: %v", e.status, e.err)
}

func (e *bodyReadError) Unwrap() error { return e.err }

// asBodyReadError returns the *bodyReadError in err, or nil.
func asBodyReadError(err error) *bodyReadError {
	var broken *bodyReadError
	if errors.As(err, &broken) {
		return broken
	}
	return nil
}

// sleepCtx waits d and reports true, or false as soon as ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// Resetter is implemented by wire bodies that hold settings made before
// decoding (size hints, page bounds). Get calls Reset before it decodes a
// retried answer into the same value: Reset must drop everything decoded
// and keep those settings.
type Resetter interface {
	Reset()
}

// resetValue resets out (see [Resetter]), else sets *out to its zero
// value, so that an answer decoded again keeps nothing of a failed
// attempt.
func resetValue(out any) {
	if r, ok := out.(Resetter); ok {
		r.Reset()
		return
	}
	if v := reflect.ValueOf(out); v.Kind() == reflect.Pointer && !v.IsNil() {
		v.Elem().SetZero()
	}
}
