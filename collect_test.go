package sessionkit_test

// Collect gathers a walk's items until its first error, and stops the
// walk there.

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
)

// countingSeq yields items, then err when it is not nil, then (if the
// consumer keeps going) a sentinel item that must never be collected. It
// counts the yields the consumer accepted.
func countingSeq(items []int, err error, accepted *int) iter.Seq2[int, error] {
	return func(yield func(int, error) bool) {
		for _, it := range items {
			if !yield(it, nil) {
				return
			}
			*accepted++
		}
		if err == nil {
			return
		}
		if !yield(0, err) {
			return
		}
		*accepted++
		yield(-1, nil)
	}
}

func TestCollectGathersItemsUntilTheFirstError(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name      string
		items     []int
		err       error
		want      []int
		accepted  int // yields the iterator saw accepted
		wantError bool
	}{
		{name: "every item, in order", items: []int{3, 1, 2}, want: []int{3, 1, 2}, accepted: 3},
		{name: "no items is an empty slice", items: nil, want: []int{}, accepted: 0},
		{name: "items before the error", items: []int{1, 2}, err: boom, want: []int{1, 2}, accepted: 2, wantError: true},
		{name: "error first", items: nil, err: boom, want: []int{}, accepted: 0, wantError: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			accepted := 0
			got, err := sessionkit.Collect(countingSeq(tt.items, tt.err, &accepted))
			if tt.wantError {
				require.ErrorIs(t, err, boom)
			} else {
				require.NoError(t, err)
			}
			require.NotNil(t, got)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.accepted, accepted, "Collect stops the iterator at the error")
		})
	}
}

// TestCollectWalksAWholeListing collects every Ductape user of the test
// kit, then the same listing with the third page failing (a 503, not
// retried): the first two pages come back with the *PageError.
func TestCollectWalksAWholeListing(t *testing.T) {
	srv := sessionkittest.NewServer()
	t.Cleanup(srv.Close)
	d := srv.Data()
	opts := sessions.FetchUsersOptions{Product: d.Product, Session: d.Session, Limit: 10}
	c, err := srv.NewClient(sessionkit.WithMaxRetries(0))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)

	all, err := sessionkit.Collect(c.Sessions.FetchUsersIter(context.Background(), opts))
	require.NoError(t, err)
	require.Len(t, all, len(d.DuctapeUsers))
	for i, u := range all {
		assert.Equal(t, d.DuctapeUsers[i].Identifier, u.Identifier, "item %d", i)
	}

	srv.Fault(sessionkittest.Match{API: sessionkittest.Ductape, Page: 3}, sessionkittest.Status(http.StatusServiceUnavailable))
	some, err := sessionkit.Collect(c.Sessions.FetchUsersIter(context.Background(), opts))
	var pe *sessionkit.PageError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 3, pe.Page)
	assert.Equal(t, 20, pe.Yielded)
	assert.Equal(t, all[:20], some)
}
