package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/users"
)

// The routes of the per-item listings (inner) and of the discovery calls
// (outer), by API.
var (
	innerRoute = map[string]string{apiZoom: "/videosdk/sessions/*/users", apiMonoCloud: "/api/users/*/sessions", apiArthur: "/api/v1/traces/users"}
	outerRoute = map[string]string{apiZoom: "/videosdk/sessions", apiMonoCloud: "/api/users", apiArthur: "/api/v2/tasks/search"}
)

// failNth makes srv answer the n-th request to route of api, and every
// later request for the same page (its retries), with fail, until the
// faults are cleared.
func failNth(srv *sessionkittest.Server, api, route string, n int, fail http.HandlerFunc) {
	srv.Fault(sessionkittest.Match{API: api, Route: route, Request: n}, sessionkittest.Handle(func(w http.ResponseWriter, r *http.Request) {
		srv.Fault(samePage(srv, api, r), sessionkittest.Handle(fail))
		fail(w, r)
	}))
}

// samePage selects the requests for the page r asks for, of the listing at
// r's path: r and its retries. Arthur's per-task listing and Zoom's
// discovery call take their task or month in the query, which a Match does
// not see: there it also selects that page of the other tasks or months.
func samePage(srv *sessionkittest.Server, api string, r *http.Request) sessionkittest.Match {
	base := map[string]string{apiZoom: srv.ZoomURL(), apiArthur: srv.ArthurURL(), apiMonoCloud: srv.MonoCloudURL()}[api]
	m := sessionkittest.Match{API: api, Route: strings.TrimPrefix(r.URL.EscapedPath(), strings.TrimPrefix(base, srv.URL))}
	for _, rec := range slices.Backward(srv.RequestsMatching(m)) {
		if rec.RawQuery == r.URL.RawQuery { // r, as the server recorded it
			m.Page = rec.Page
			break
		}
	}
	return m
}

func discoveryJob(api, format string, d *sessionkittest.Dataset, parallel int) (Job, int) {
	job := Job{API: api, Format: format, PageSize: 4, Parallel: parallel}
	want := 0
	switch api {
	case apiZoom:
		job.ZoomType, job.From, job.To = sessions.Past, d.BaseTime.AddDate(0, -6, 0), d.BaseTime
		for _, s := range d.ZoomSessions {
			if s.EndTime != "" {
				want += len(d.ZoomUsers[s.ID])
			}
		}
	case apiArthur:
		want = len(d.ArthurUsers)
	case apiMonoCloud:
		for _, ss := range d.MonoCloudSessions {
			want += len(ss)
		}
	}
	return job, want
}

// TestDiscoveryExportResumesWithoutLossOrDuplicates stops an export of
// every item of a discovery listing, by a failure or an interrupt, in an
// inner walk or in the discovery walk, resumes from the checkpoint, and
// checks that both outputs together are an uninterrupted export's.
func TestDiscoveryExportResumesWithoutLossOrDuplicates(t *testing.T) {
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(9))
	t.Cleanup(srv.Close)
	d := srv.Data()
	type stop struct {
		name      string
		n         int
		outer     bool // the n-th discovery call fails, else the n-th per-item listing
		interrupt bool
	}
	stops := []stop{
		{"inner failure", 3, false, false},
		{"inner interrupt", 3, false, true},
		{"outer failure", 2, true, false},
		{"outer interrupt", 2, true, true},
	}
	for _, api := range []string{apiZoom, apiMonoCloud, apiArthur} {
		for _, parallel := range []int{1, 3} {
			for _, st := range stops {
				format := formatCSV
				if parallel == 3 {
					format = formatJSONL
				}
				t.Run(strings.Join([]string{api, format, st.name, map[int]string{1: "serial", 3: "parallel"}[parallel]}, "/"), func(t *testing.T) {
					job, want := discoveryJob(api, format, d, parallel)
					var full bytes.Buffer
					res, err := Export(context.Background(), clientFor(t, srv, 0), job, nil, &full, nil)
					require.NoError(t, err)
					require.Equal(t, want, res.Written)

					client := clientFor(t, srv, 0)
					ctx, cancel := context.WithCancel(context.Background())
					defer cancel()
					route := innerRoute[api]
					if st.outer {
						route = outerRoute[api]
					}
					fail := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
						http.Error(w, "injected failure", http.StatusServiceUnavailable)
					})
					if st.interrupt {
						fail = interrupted(cancel)
					}
					failNth(srv, api, route, st.n, fail)
					t.Cleanup(srv.ClearFaults)
					var first bytes.Buffer
					res, err = Export(ctx, client, job, nil, &first, nil)
					if api == apiArthur && st.outer {
						// Arthur lists its tasks on one page: there is no second.
						require.NoError(t, err)
						return
					}
					require.Error(t, err)
					if st.interrupt {
						require.ErrorIs(t, err, context.Canceled)
					}
					require.NotNil(t, res.Stopped, "%v", err)
					assert.Equal(t, res.Written, res.Stopped.Written)

					path := filepath.Join(t.TempDir(), "cp.json")
					require.NoError(t, res.Stopped.Save(path))
					cp, err := LoadCheckpoint(path)
					require.NoError(t, err)
					require.Equal(t, res.Stopped, cp)

					srv.ClearFaults()
					var second bytes.Buffer
					res, err = Export(context.Background(), client, job, cp, &second, nil)
					require.NoError(t, err)
					assert.Equal(t, want, res.Total)
					joined := append(append([]byte{}, first.Bytes()...), second.Bytes()...)
					assert.Equal(t, full.String(), string(joined), "stopped + resumed output differs from an uninterrupted export (checkpoint %+v)", cp.Position)
				})
			}
		}
	}
}

func TestCLIDiscoveryOffline(t *testing.T) {
	t.Setenv("SESSIONKIT_BASE_URL", "")
	t.Setenv("SESSIONKIT_API_KEY", "")
	for _, tc := range []struct {
		args []string
		rows int
	}{
		{[]string{"-api", "zoom", "-from", "2026-05-20", "-to", "2026-11-20"}, (3 + sessionkittest.ZoomPastSessions) * 6}, // the three seeded sessions have ended too
		{[]string{"-api", "monocloud", "-user-id="}, 11 * 6},
		{[]string{"-api", "arthur", "-task-ids="}, 6},
	} {
		args := append([]string{"-fake-users", "6", "-fake-latency", "0", "-page-size", "5", "-checkpoint", filepath.Join(t.TempDir(), "cp.json")}, tc.args...)
		var out, stderr bytes.Buffer
		require.Equal(t, 0, cli(context.Background(), args, &out, &stderr), stderr.String())
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		assert.Len(t, lines, 1+tc.rows, "%v: header and rows", tc.args)
	}
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 2, cli(context.Background(), []string{"-api", "zoom", "-from", "May 20"}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "-from must be yyyy-mm-dd")
}

func TestFanOutListingPositions(t *testing.T) {
	job := Job{Parallel: 2}
	newListing := func() listing[withParent[int]] {
		return fanOutListing(job, "parent", func(o string) string { return o },
			func(context.Context) iter.Seq2[string, error] {
				return func(yield func(string, error) bool) {
					for _, o := range []string{"a", "b", "c"} {
						if !yield(o, nil) {
							return
						}
					}
				}
			},
			func(_ context.Context, o string, at Position) iter.Seq2[int, error] {
				return func(yield func(int, error) bool) {
					for k := at.Page * 10; k < 30; k++ { // "pages" of ten
						if !yield(k, nil) {
							return
						}
					}
				}
			}, []column[int]{{"k", func(k int) any { return k }}}, nil)
	}

	t.Run("the walk skips written outer items, then Skip items after Page", func(t *testing.T) {
		var got []string
		for r, err := range newListing().walk(context.Background(), Position{Outer: 1, Page: 1, Skip: 3}) {
			require.NoError(t, err)
			got = append(got, fmt.Sprint(r.parent, r.item))
		}
		require.Len(t, got, 17+30)
		assert.Equal(t, "b13", got[0])
		assert.Equal(t, "c0", got[17])
	})

	t.Run("resume points", func(t *testing.T) {
		at := Position{Outer: 2, Page: 5, PageToken: "t", Skip: 1}
		for _, tc := range []struct {
			name string
			err  error
			want Position
		}{
			{"an inner PageError", &sessionkit.FanOutError{Index: 1, Yielded: 4, Err: &sessionkit.PageError{Page: 7, PageToken: "u", Yielded: 4}}, Position{Outer: 3, Page: 7, PageToken: "u"}},
			{"a cut inside the first walk", &sessionkit.FanOutError{Index: 0, Yielded: 3, Err: context.Canceled}, Position{Outer: 2, Page: 5, PageToken: "t", Skip: 4}},
			{"a cut inside a later walk", &sessionkit.FanOutError{Index: 2, Yielded: 3, Err: context.Canceled}, Position{Outer: 4, Skip: 3}},
			{"an outer error before any item", &sessionkit.PageError{Page: 1}, at},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := newListing().resume(at, 0, tc.err) // a walk that handed FanOut no item
				require.NoError(t, err)
				assert.Equal(t, tc.want, got)
			})
		}
	})
}

func TestFanOutRowsMarshalWithTheirParentFirst(t *testing.T) {
	for _, tc := range []struct {
		name string
		row  any
		want string
	}{
		{"item with members", withParent[users.Session]{"user_id", "u-1", users.Session{SessionID: "s-1"}}, `{"user_id":"u-1","session_id":"s-1"}`},
		{"empty item", withParent[struct{}]{"task_name", `a "quoted" name`, struct{}{}}, `{"task_name":"a \"quoted\" name"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.row)
			require.NoError(t, err)
			assert.JSONEq(t, tc.want, string(b))
			assert.True(t, strings.HasPrefix(string(b), tc.want[:12]), "the parent comes first: %s", b)
		})
	}
	_, err := json.Marshal(withParent[int]{"k", "p", 1})
	require.Error(t, err, "an item that is not an object cannot carry its parent")
}
