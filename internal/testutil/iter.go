package testutil

import (
	"iter"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// IterErr ranges seq, checks that it yields exactly one pair, carrying the
// zero value, and returns that pair's error: how an iterator reports a
// validation error.
func IterErr[T any](t *testing.T, seq iter.Seq2[T, error]) error {
	t.Helper()
	var errs []error
	for v, err := range seq {
		var zero T
		assert.Equal(t, zero, v, "the failing pair carries the zero value")
		errs = append(errs, err)
	}
	require.Len(t, errs, 1, "an iterator yields a validation error once")
	return errs[0]
}
