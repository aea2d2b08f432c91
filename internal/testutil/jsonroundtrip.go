package testutil

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// JSONRoundTrip marshals v with encoding/json, checks the text against
// want (as JSON: key order and spacing do not matter) unless want is "",
// unmarshals it into a new T and checks that the result equals v. It
// returns the JSON.
func JSONRoundTrip[T any](t *testing.T, v T, want string) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	if want != "" {
		assert.JSONEq(t, want, string(b))
	}
	var back T
	require.NoError(t, json.Unmarshal(b, &back), "%s", b)
	assert.Equal(t, v, back, "round trip through %s", b)
	return b
}

// AllFieldsSet fails the test unless every field of the struct v is set
// (not its zero value), looking into embedded structs, so that a fixture
// meant to be fully populated covers a field added later.
func AllFieldsSet(t *testing.T, v any) {
	t.Helper()
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	require.Equal(t, reflect.Struct, rv.Kind(), "AllFieldsSet needs a struct")
	for i := range rv.NumField() {
		f, fv := rv.Type().Field(i), rv.Field(i)
		if f.Anonymous && fv.Kind() == reflect.Struct {
			AllFieldsSet(t, fv.Interface())
			continue
		}
		assert.False(t, fv.IsZero(), "%s.%s is not set in the fixture", rv.Type(), f.Name)
	}
}

// AssertWireNames checks that every key of sdk's JSON is a key of wire's
// JSON: that a public type marshals under the names the server sent for
// the same item (wire is the test kit's record of it).
func AssertWireNames(t *testing.T, sdk, wire any) {
	t.Helper()
	sb, err := json.Marshal(sdk)
	require.NoError(t, err)
	wb, err := json.Marshal(wire)
	require.NoError(t, err)
	var got, want map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(sb, &got))
	require.NoError(t, json.Unmarshal(wb, &want))
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%q is not a wire name (the server sent %s)", k, wb)
		}
	}
}
