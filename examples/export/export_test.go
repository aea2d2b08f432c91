package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
)

// interrupted answers no request: it cancels the export's context, as
// Ctrl-C would, while the request is in flight, and waits for the client to
// give up.
func interrupted(cancel context.CancelFunc) http.HandlerFunc {
	return func(_ http.ResponseWriter, r *http.Request) {
		cancel()
		<-r.Context().Done()
	}
}

func clientFor(t *testing.T, srv *sessionkittest.Server, prefetch int) *sessionkit.Client {
	t.Helper()
	c, err := srv.NewClient(
		sessionkit.WithMaxRetries(1),
		sessionkit.WithRetryWait(time.Millisecond, 5*time.Millisecond),
		sessionkit.WithPrefetch(prefetch),
	)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func jobFor(api, format string, d *sessionkittest.Dataset) (Job, int, int) {
	const pageSize = 10
	job := Job{API: api, Format: format, PageSize: pageSize}
	var want int
	switch api {
	case apiDuctape:
		job.Product, job.Session = d.Product, d.Session
		want = len(d.DuctapeUsers)
	case apiZoom:
		job.ZoomSessionID, job.ZoomType = d.ZoomSessionIDs[1], sessions.Past
		want = len(d.ZoomUsers[d.ZoomSessionIDs[1]])
	case apiArthur:
		job.TaskIDs = d.ArthurTaskIDs
		want = len(d.ArthurUsers)
	case apiMonoCloud:
		job.UserID = d.MonoCloudUserIDs[1]
		want = len(d.MonoCloudSessions[d.MonoCloudUserIDs[1]])
	}
	return job, want, pageSize
}

// rowKeys parses an export and returns the key column of every row.
func rowKeys(t *testing.T, format string, out []byte) []string {
	t.Helper()
	var keys []string
	if format == formatCSV {
		recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
		require.NoError(t, err)
		require.NotEmpty(t, recs, "no header")
		for _, r := range recs[1:] {
			keys = append(keys, r[0]+"/"+r[1])
		}
		return keys
	}
	for _, line := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), line)
		var k []string
		for _, f := range []string{"_id", "id", "participant_uuid", "user_id", "task_id", "session_id"} {
			if v, ok := m[f].(string); ok {
				k = append(k, v)
			}
		}
		keys = append(keys, strings.Join(k, "/"))
	}
	return keys
}

// TestExportResumesWithoutLossOrDuplicates stops every listing at its third
// page, by a server failure or by an interrupt, saves the checkpoint, resumes
// from it, and checks that the two outputs together are exactly the output of
// an export that never stopped.
func TestExportResumesWithoutLossOrDuplicates(t *testing.T) {
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(47))
	t.Cleanup(srv.Close)
	d := srv.Data()

	tests := []struct {
		api, format string
		prefetch    int
		interrupt   bool
	}{
		{apiDuctape, formatCSV, 0, false},
		{apiDuctape, formatJSONL, 2, true},
		{apiZoom, formatCSV, 2, false},
		{apiZoom, formatJSONL, 0, true},
		{apiArthur, formatJSONL, 0, false},
		{apiArthur, formatCSV, 3, true},
		{apiMonoCloud, formatJSONL, 3, false},
		{apiMonoCloud, formatCSV, 0, true},
	}
	for _, tt := range tests {
		name := tt.api + "/" + tt.format
		if tt.interrupt {
			name += "/interrupt"
		} else {
			name += "/failure"
		}
		t.Run(name, func(t *testing.T) {
			job, want, pageSize := jobFor(tt.api, tt.format, d)

			var full bytes.Buffer
			res, err := Export(context.Background(), clientFor(t, srv, tt.prefetch), job, nil, &full, nil)
			require.NoError(t, err)
			require.Equal(t, want, res.Written)
			keys := rowKeys(t, tt.format, full.Bytes())
			require.Len(t, keys, want)
			assertUnique(t, keys)

			client := clientFor(t, srv, tt.prefetch)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			fault := sessionkittest.Status(http.StatusServiceUnavailable)
			if tt.interrupt {
				fault = sessionkittest.Handle(interrupted(cancel))
			}
			rule := srv.Fault(sessionkittest.Match{API: tt.api, Page: 3}, fault)
			t.Cleanup(rule.Remove)

			var first bytes.Buffer
			res, err = Export(ctx, client, job, nil, &first, nil)
			require.Error(t, err)
			var pe *sessionkit.PageError
			require.ErrorAs(t, err, &pe)
			if tt.interrupt {
				require.ErrorIs(t, err, context.Canceled)
			} else {
				var apiErr *sessionkit.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, http.StatusServiceUnavailable, apiErr.StatusCode)
			}
			require.NotNil(t, res.Stopped)
			if tt.interrupt {
				// Ctrl-C also cancels pages prefetched alongside the third:
				// the walk stops at the first page that did not arrive.
				assert.LessOrEqual(t, res.Written, 2*pageSize)
				assert.Zero(t, res.Written%pageSize, "the stop is on a page boundary")
			} else {
				assert.Equal(t, 2*pageSize, res.Written, "the first two pages are written before the failure")
			}
			assert.Equal(t, res.Written, res.Stopped.Written)
			pagesDone := res.Written / pageSize
			switch tt.api {
			case apiZoom:
				assert.Equal(t, pagesDone > 0, res.Stopped.PageToken != "")
			case apiArthur:
				assert.Equal(t, pagesDone, res.Stopped.Page, "Arthur pages are 0-based")
			default:
				assert.Equal(t, 1+pagesDone, res.Stopped.Page)
			}

			path := filepath.Join(t.TempDir(), "cp.json")
			require.NoError(t, res.Stopped.Save(path))
			cp, err := LoadCheckpoint(path)
			require.NoError(t, err)
			require.Equal(t, res.Stopped, cp)

			rule.Remove()
			var second bytes.Buffer
			res, err = Export(context.Background(), client, job, cp, &second, nil)
			require.NoError(t, err)
			assert.Equal(t, want, res.Total)
			assert.Equal(t, want-cp.Written, res.Written)
			assert.Nil(t, res.Stopped)

			joined := append(append([]byte{}, first.Bytes()...), second.Bytes()...)
			assert.Equal(t, full.String(), string(joined), "stopped + resumed output differs from an uninterrupted export")
			assert.Equal(t, keys, rowKeys(t, tt.format, joined))
		})
	}
}

func assertUnique(t *testing.T, keys []string) {
	t.Helper()
	seen := map[string]bool{}
	for _, k := range keys {
		assert.False(t, seen[k], "duplicate row %q", k)
		seen[k] = true
	}
}

func TestExportRejectsForeignCheckpoint(t *testing.T) {
	srv := sessionkittest.NewServer()
	t.Cleanup(srv.Close)
	job, _, _ := jobFor(apiDuctape, formatCSV, srv.Data())
	other := job
	other.Env = "staging"
	_, err := Export(context.Background(), clientFor(t, srv, 0), job, &Checkpoint{Job: other.key(), Position: Position{Page: 2}}, &bytes.Buffer{}, nil)
	require.ErrorContains(t, err, "belongs to another export")
}

func TestJobValidate(t *testing.T) {
	ok := Job{API: apiDuctape, Format: formatCSV, PageSize: 10, Product: "p", Session: "s"}
	tests := []struct {
		name   string
		change func(*Job)
		want   string
	}{
		{"valid", func(*Job) {}, ""},
		{"format", func(j *Job) { j.Format = "xml" }, "-format"},
		{"page size", func(j *Job) { j.PageSize = 0 }, "-page-size"},
		{"api", func(j *Job) { j.API = "slack" }, "-api must be"},
		{"ductape ids", func(j *Job) { j.Session = "" }, "-session"},
		{"zoom ids", func(j *Job) { j.API = apiZoom }, "-zoom-session"},
		{"arthur without task IDs walks every task", func(j *Job) { j.API, j.Parallel = apiArthur, 1 }, ""},
		{"monocloud without a user ID walks every user", func(j *Job) { j.API, j.Parallel = apiMonoCloud, 1 }, ""},
		{"every task needs a parallel", func(j *Job) { j.API = apiArthur }, "-parallel"},
		{"every user needs a parallel", func(j *Job) { j.API = apiMonoCloud }, "-parallel"},
		{"zoom range", func(j *Job) { j.API, j.From, j.To, j.Parallel = apiZoom, time.Now(), time.Now(), 2 }, ""},
		{"zoom range and session", func(j *Job) { j.API, j.From, j.To, j.ZoomSessionID = apiZoom, time.Now(), time.Now(), "s" }, "not both"},
		{"zoom range without an end", func(j *Job) { j.API, j.From = apiZoom, time.Now() }, "both -from and -to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := ok
			tt.change(&j)
			err := j.validate()
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.want)
		})
	}
}

func TestProgressLine(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var out bytes.Buffer
	p := NewProgress(&out, time.Second)
	p.now = func() time.Time { return now }
	p.begin(100, 500, true, 50)
	now = now.Add(2 * time.Second)
	p.add(100) // 100 items in 2 s: 50/s, 300 left: 6 s
	assert.Equal(t, "200/500 items (40.0%), page 4/10, 50 items/s, ETA 6s", p.Line())
	assert.Contains(t, out.String(), "resuming after 100 rows")
	assert.Contains(t, out.String(), "ETA 6s", "a line is printed once the interval has passed")

	u := NewProgress(&out, time.Hour)
	u.now = func() time.Time { return now }
	u.begin(0, 0, false, 30)
	now = now.Add(time.Second)
	u.add(45)
	assert.Equal(t, "45 items, page 2, 45 items/s", u.Line())
}

// TestCLIResumesFromCheckpointFile runs the command offline with a
// checkpoint file in place: it writes only the rows after the checkpoint,
// without a CSV header, and removes the file when it completes.
func TestCLIResumesFromCheckpointFile(t *testing.T) {
	t.Setenv("SESSIONKIT_BASE_URL", "")
	t.Setenv("SESSIONKIT_API_KEY", "")
	dir := t.TempDir()
	path := filepath.Join(dir, "cp.json")
	args := []string{"-api", "monocloud", "-page-size", "10", "-fake-users", "35", "-fake-latency", "0", "-checkpoint", path}

	var full, stderr bytes.Buffer
	require.Equal(t, 0, cli(context.Background(), args, &full, &stderr), stderr.String())
	lines := strings.Split(strings.TrimSuffix(full.String(), "\n"), "\n")
	require.Len(t, lines, 1+35, "header and 35 rows")
	assert.Contains(t, stderr.String(), "complete, 35 rows")
	assert.NoFileExists(t, path)

	// The job key of the same flags, as cli fills it in offline.
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(35))
	defer srv.Close()
	job := Job{API: apiMonoCloud, Format: formatCSV, PageSize: 10, ZoomType: sessions.Past}
	offlineOptions(srv, &job, nil)
	require.NoError(t, (&Checkpoint{Job: job.key(), Position: Position{Page: 3}, Written: 20}).Save(path))

	var rest bytes.Buffer
	stderr.Reset()
	require.Equal(t, 0, cli(context.Background(), args, &rest, &stderr), stderr.String())
	assert.Equal(t, strings.Join(lines[21:], "\n")+"\n", rest.String())
	assert.Contains(t, stderr.String(), "resuming after 20 rows")
	assert.NoFileExists(t, path)
}

func TestCLIBadFlags(t *testing.T) {
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 2, cli(context.Background(), []string{"-format", "xml"}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "-format")
	assert.Empty(t, stdout.String())
}

func TestLoadCheckpointMissingFile(t *testing.T) {
	cp, err := LoadCheckpoint(filepath.Join(t.TempDir(), "none.json"))
	require.NoError(t, err)
	assert.Nil(t, cp)

	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte("{"), 0o600))
	_, err = LoadCheckpoint(bad)
	require.Error(t, err)
	assert.False(t, errors.Is(err, os.ErrNotExist))
}

// TestExportResumesInProcessThroughAFailingPage: a page failing longer
// than the client's retries does not stop an export with resume attempts
// left; every row comes once.
func TestExportResumesInProcessThroughAFailingPage(t *testing.T) {
	for _, api := range []string{apiDuctape, apiZoom, apiArthur, apiMonoCloud} {
		t.Run(api, func(t *testing.T) {
			srv := sessionkittest.NewServer(sessionkittest.WithUsers(47))
			t.Cleanup(srv.Close)
			job, want, _ := jobFor(api, formatJSONL, srv.Data())
			var full bytes.Buffer
			_, err := Export(context.Background(), clientFor(t, srv, 2), job, nil, &full, nil)
			require.NoError(t, err)

			// Two attempts per request: the first two walks fail at page 3.
			srv.Fault(sessionkittest.Match{API: api, Page: 3}, sessionkittest.Status(503), sessionkittest.Times(5))
			job.ResumeAttempts, job.ResumeWait = 3, time.Millisecond
			var out bytes.Buffer
			res, err := Export(context.Background(), clientFor(t, srv, 2), job, nil, &out, nil)
			require.NoError(t, err)
			assert.Equal(t, want, res.Written)
			assert.Equal(t, full.String(), out.String())
		})
	}
}

// TestExportRestartsAnExpiredZoomCheckpoint: a checkpoint whose Zoom page
// token the server no longer knows restarts the past session's users from
// the first page and skips the rows written by count.
func TestExportRestartsAnExpiredZoomCheckpoint(t *testing.T) {
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(47))
	t.Cleanup(srv.Close)
	job, want, _ := jobFor(apiZoom, formatCSV, srv.Data())
	var full bytes.Buffer
	_, err := Export(context.Background(), clientFor(t, srv, 0), job, nil, &full, nil)
	require.NoError(t, err)

	client := clientFor(t, srv, 0)
	rule := srv.Fault(sessionkittest.Match{API: sessionkittest.Zoom, Page: 3}, sessionkittest.Status(http.StatusServiceUnavailable))
	t.Cleanup(rule.Remove)
	var first bytes.Buffer
	res, err := Export(context.Background(), client, job, nil, &first, nil)
	require.Error(t, err)
	require.NotNil(t, res.Stopped)
	require.NotEmpty(t, res.Stopped.PageToken)
	assert.Equal(t, res.Written, res.Stopped.Offset)
	rule.Remove()

	srv.Advance(16 * time.Minute) // the checkpoint's token expires
	job.ResumeAttempts, job.ResumeWait = 1, time.Millisecond
	var second bytes.Buffer
	res2, err := Export(context.Background(), client, job, res.Stopped, &second, nil)
	require.NoError(t, err)
	assert.Equal(t, want, res2.Total)
	assert.Equal(t, full.String(), first.String()+second.String())
}

// TestExportProgressTakesTheTotalsFromThePages: the progress line knows
// the total without a request of its own.
func TestExportProgressTakesTheTotalsFromThePages(t *testing.T) {
	for _, api := range []string{apiDuctape, apiArthur, apiMonoCloud} {
		t.Run(api, func(t *testing.T) {
			srv := sessionkittest.NewServer(sessionkittest.WithUsers(47))
			t.Cleanup(srv.Close)
			job, want, pageSize := jobFor(api, formatCSV, srv.Data())
			var log bytes.Buffer
			_, err := Export(context.Background(), clientFor(t, srv, 0), job, nil, &bytes.Buffer{}, NewProgress(&log, time.Hour))
			require.NoError(t, err)
			pages := (want + pageSize - 1) / pageSize
			assert.Contains(t, log.String(), fmt.Sprintf("done: %d/%d items (100.0%%), page %d/%d", want, want, pages, pages))
			assert.Equal(t, pages, srv.Count(sessionkittest.Match{API: api}), "one request per page, none for the total")
		})
	}
}
