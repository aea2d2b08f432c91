package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/users"
)

// matchProxy stands between the SDK and sessionkittest and, while armed,
// answers the n-th request that match selects, and every retry of it, with
// 503 (or, in interrupt mode, cancels the export's context and leaves it
// unanswered).
type matchProxy struct {
	*httptest.Server
	mu        sync.Mutex
	armed     bool
	seen      int
	failing   string // the request that fails, by its URI
	interrupt context.CancelFunc
}

func newMatchProxy(t *testing.T, target string, n int, match func(*http.Request) bool) *matchProxy {
	t.Helper()
	u, err := url.Parse(target)
	require.NoError(t, err)
	p := &matchProxy{armed: true}
	rp := httputil.NewSingleHostReverseProxy(u)
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		hit := p.armed && (r.RequestURI == p.failing || match(r))
		if hit && r.RequestURI != p.failing {
			p.seen++
			if hit = p.seen == n; hit {
				p.failing = r.RequestURI
			}
		}
		interrupt := p.interrupt
		p.mu.Unlock()
		switch {
		case hit && interrupt != nil:
			interrupt()
			<-r.Context().Done()
			return
		case hit:
			http.Error(w, "injected failure", http.StatusServiceUnavailable)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *matchProxy) disarm() {
	p.mu.Lock()
	p.armed = false
	p.mu.Unlock()
}

// inner matches the per-item listings, outer the discovery calls.
func inner(r *http.Request) bool {
	return strings.HasSuffix(r.URL.Path, "/users") && strings.Contains(r.URL.Path, "/videosdk/sessions/") ||
		strings.HasSuffix(r.URL.Path, "/sessions") && strings.Contains(r.URL.Path, "/api/users/") ||
		strings.HasSuffix(r.URL.Path, "/api/v1/traces/users")
}

func outer(r *http.Request) bool {
	return strings.HasSuffix(r.URL.Path, "/videosdk/sessions") || strings.HasSuffix(r.URL.Path, "/api/users") ||
		strings.HasSuffix(r.URL.Path, "/api/v2/tasks/search")
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
		match     func(*http.Request) bool
		interrupt bool
	}
	stops := []stop{
		{"inner failure", 3, inner, false},
		{"inner interrupt", 3, inner, true},
		{"outer failure", 2, outer, false},
		{"outer interrupt", 2, outer, true},
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
					res, err := Export(context.Background(), clientFor(t, srv.URL, 0), job, nil, &full, nil)
					require.NoError(t, err)
					require.Equal(t, want, res.Written)

					proxy := newMatchProxy(t, srv.URL, st.n, st.match)
					client := clientFor(t, proxy.URL, 0)
					ctx, cancel := context.WithCancel(context.Background())
					defer cancel()
					if st.interrupt {
						proxy.interrupt = cancel
					}
					var first bytes.Buffer
					res, err = Export(ctx, client, job, nil, &first, nil)
					if api == apiArthur && st.match(&http.Request{URL: &url.URL{Path: "/api/v2/tasks/search"}}) {
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

					proxy.disarm()
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
