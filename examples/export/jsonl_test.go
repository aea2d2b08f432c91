package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"iter"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/traces"
	"github.com/sessionkit/sessionkit-go/users"
)

// decodeLines unmarshals every JSON Lines row of out into a T.
func decodeLines[T any](t *testing.T, out []byte) []T {
	t.Helper()
	var rows []T
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var v T
		require.NoError(t, json.Unmarshal(sc.Bytes(), &v), sc.Text())
		rows = append(rows, v)
	}
	require.NoError(t, sc.Err())
	return rows
}

// assertRowsAreItems exports job as JSON Lines and checks that the rows
// unmarshal back into exactly the items the SDK's iterator yields (after
// scrub, when set).
func assertRowsAreItems[T any](t *testing.T, client *sessionkit.Client, job Job, seq iter.Seq2[T, error], scrub func(T) T) []byte {
	t.Helper()
	want, err := sessionkit.Collect(seq)
	require.NoError(t, err)
	if scrub != nil {
		for i := range want {
			want[i] = scrub(want[i])
		}
	}
	var out bytes.Buffer
	_, err = Export(context.Background(), client, job, nil, &out, nil)
	require.NoError(t, err)
	assert.Equal(t, want, decodeLines[T](t, out.Bytes()))
	return out.Bytes()
}

// TestJSONLinesRowsAreThePublicTypes: a JSON Lines export is the public
// item types marshalled with encoding/json, one per line, except the
// MonoCloud session key, which is a credential.
func TestJSONLinesRowsAreThePublicTypes(t *testing.T) {
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(23))
	t.Cleanup(srv.Close)
	d := srv.Data()
	client := clientFor(t, srv, 0)
	ctx := context.Background()

	t.Run(apiDuctape, func(t *testing.T) {
		job, _, _ := jobFor(apiDuctape, formatJSONL, d)
		out := assertRowsAreItems(t, client, job, client.Sessions.FetchUsersIter(ctx, sessions.FetchUsersOptions{Product: d.Product, Session: d.Session}), nil)
		assert.Contains(t, string(out), `"_id":`)
	})
	t.Run(apiZoom, func(t *testing.T) {
		job, _, _ := jobFor(apiZoom, formatJSONL, d)
		out := assertRowsAreItems(t, client, job, client.Sessions.ListUsersIter(ctx, job.ZoomSessionID, sessions.ListUsersOptions{Type: job.ZoomType}), nil)
		assert.Contains(t, string(out), `"ip_address":`)
	})
	t.Run(apiArthur, func(t *testing.T) {
		job, _, _ := jobFor(apiArthur, formatJSONL, d)
		assertRowsAreItems(t, client, job, client.Traces.UsersIter(ctx, traces.UsersOptions{TaskIDs: d.ArthurTaskIDs, Sort: traces.Asc}), nil)
	})
	t.Run(apiMonoCloud, func(t *testing.T) {
		job, _, _ := jobFor(apiMonoCloud, formatJSONL, d)
		keys := 0
		for _, s := range d.MonoCloudSessions[job.UserID] {
			if s.SessionKey != "" {
				keys++
			}
		}
		require.Positive(t, keys, "the test kit's sessions have keys")
		opts := users.SessionsOptions{Sort: users.Sort{Key: users.SortByInitiatedAt, Order: users.Descending}}
		out := assertRowsAreItems(t, client, job, client.Users.SessionsIter(ctx, job.UserID, opts), func(s users.Session) users.Session {
			s.SessionKey = ""
			return s
		})
		assert.NotContains(t, string(out), "session_key")
		assert.Contains(t, string(out), `"last_metadata":`)
	})
}
