//go:build go1.27 && goexperiment.jsonv2

package testutil

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"testing"
	"testing/iotest"

	"github.com/sessionkit/sessionkit-go/internal/engine"
)

// DecodersAgree decodes body into two new wire values, one with the
// encoding/json path (the value's DecodeStream, else json.Decoder.Decode)
// and one with its DecodeTokens, and fails unless both fail or both give
// equal values: the token decoders must accept exactly what the
// encoding/json path accepts, into the same values. The token decoder
// reads the body whole, then one byte per read and in reads of 5 and of 13
// bytes (so that every token, value and item is cut by the end of the
// bytes read so far, and items are cut after some of their members), and
// must decode it the same each time; and a body whose read fails after
// its first half must not decode as if it had ended there.
func DecodersAgree(t testing.TB, body []byte, newWire func() any) {
	t.Helper()
	v1 := newWire()
	dec := json.NewDecoder(bytes.NewReader(body))
	var err1 error
	if sd, ok := v1.(engine.StreamDecoder); ok {
		err1 = sd.DecodeStream(dec)
	} else {
		err1 = dec.Decode(v1)
	}
	for _, r := range []struct {
		name string
		r    io.Reader
	}{
		{"whole", bytes.NewReader(body)},
		{"one byte per read", iotest.OneByteReader(bytes.NewReader(body))},
		{"5 bytes per read", &chunkReader{r: bytes.NewReader(body), n: 5}},
		{"13 bytes per read", &chunkReader{r: bytes.NewReader(body), n: 13}},
	} {
		tok := newWire()
		td, ok := tok.(engine.TokenDecoder)
		if !ok {
			t.Fatalf("%T has no DecodeTokens", tok)
		}
		err2 := td.DecodeTokens(engine.NewTokens(r.r))
		switch {
		case (err1 == nil) != (err2 == nil):
			t.Fatalf("body %q (%s): encoding/json says %v, the token decoder %v", clip(body), r.name, err1, err2)
		case err1 == nil && !reflect.DeepEqual(v1, tok):
			t.Fatalf("body %q (%s):\nencoding/json gives %+v\nthe token decoder %+v", clip(body), r.name, v1, tok)
		}
	}
	readFailureSurfaces(t, body, newWire)
}

// errBodyRead is the read error of a body cut mid-way.
var errBodyRead = errors.New("connection reset")

// readFailureSurfaces fails when the token decoder, reading a body whose
// read fails after its first half, succeeds where it needed the rest: it
// may succeed only as it does on that half alone, into the same value.
// (The call reports the read error of a decoding that failed on it.)
func readFailureSurfaces(t testing.TB, body []byte, newWire func() any) {
	t.Helper()
	half := body[:len(body)/2]
	cut, whole := newWire(), newWire()
	r := &failingReader{r: bytes.NewReader(half)}
	if err := cut.(engine.TokenDecoder).DecodeTokens(engine.NewTokens(r)); err != nil || !r.failed {
		return
	}
	if err := whole.(engine.TokenDecoder).DecodeTokens(engine.NewTokens(bytes.NewReader(half))); err != nil {
		t.Fatalf("body %q cut at %d by a read error: the token decoder succeeds, but not on the bytes before the cut (%v)", clip(body), len(half), err)
	}
	if !reflect.DeepEqual(cut, whole) {
		t.Fatalf("body %q cut at %d by a read error: the token decoder gives %+v, but %+v from the bytes before the cut", clip(body), len(half), cut, whole)
	}
}

// chunkReader reads r at most n bytes at a time.
type chunkReader struct {
	r io.Reader
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) { return c.r.Read(p[:min(len(p), c.n)]) }

// failingReader reads r, then fails with errBodyRead.
type failingReader struct {
	r      io.Reader
	failed bool
}

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if errors.Is(err, io.EOF) {
		f.failed = true
		return n, errBodyRead
	}
	return n, err
}

func clip(b []byte) []byte { return b[:min(len(b), 2000)] }
