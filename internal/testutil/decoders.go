//go:build go1.27 && goexperiment.jsonv2

package testutil

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/sessionkit/sessionkit-go/internal/engine"
)

// DecodersAgree decodes body into two new wire values, one with the
// encoding/json path (the value's DecodeStream, else json.Decoder.Decode)
// and one with its DecodeTokens, and fails unless both fail or both give
// equal values: the token decoders must accept exactly what the
// encoding/json path accepts, into the same values.
func DecodersAgree(t testing.TB, body []byte, newWire func() any) {
	t.Helper()
	v1, tok := newWire(), newWire()
	td, ok := tok.(engine.TokenDecoder)
	if !ok {
		t.Fatalf("%T has no DecodeTokens", tok)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var err1 error
	if sd, ok := v1.(engine.StreamDecoder); ok {
		err1 = sd.DecodeStream(dec)
	} else {
		err1 = dec.Decode(v1)
	}
	err2 := td.DecodeTokens(engine.NewTokens(bytes.NewReader(body)))
	switch {
	case (err1 == nil) != (err2 == nil):
		t.Fatalf("body %q: encoding/json says %v, the token decoder %v", clip(body), err1, err2)
	case err1 == nil && !reflect.DeepEqual(v1, tok):
		t.Fatalf("body %q:\nencoding/json gives %+v\nthe token decoder %+v", clip(body), v1, tok)
	}
}

func clip(b []byte) []byte { return b[:min(len(b), 2000)] }
