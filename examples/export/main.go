// Command export walks one of the four sessionkit listings to CSV or JSON
// Lines on stdout, with progress on stderr, and resumes from a checkpoint
// after a failure or Ctrl-C.
//
// By default it runs offline against sessionkittest (an in-process fake of
// the four APIs on 127.0.0.1, seeded with -fake-users rows per listing):
//
//	go run ./examples/export -api ductape -format csv > users.csv
//	go run ./examples/export -api zoom -format jsonl > joins.jsonl
//	go run ./examples/export -api arthur -page-size 50 > trace-users.csv
//	go run ./examples/export -api monocloud -format jsonl > sessions.jsonl
//
// The identifiers come from flags (-product, -session, -env, -zoom-session,
// -zoom-type, -task-ids, -user-id); offline, flags not given default to the
// fake's data. Without them an export walks everything a discovery call
// lists, -parallel walks at once, in the listing's order:
//
//	go run ./examples/export -api zoom -from 2026-05-20 -to 2026-11-20 > joins.csv # every user of every past session
//	go run ./examples/export -api monocloud -user-id= > sessions.csv           # every session of every user
//	go run ./examples/export -api arthur -task-ids= > trace-users.csv          # every user of every task
//
// (-user-id= and -task-ids= say "none" offline, where they would default.) Given SESSIONKIT_BASE_URL or SESSIONKIT_API_KEY (or the per-API
// SESSIONKIT_<API>_BASE_URL and SESSIONKIT_<API>_API_KEY, <API> one of
// DUCTAPE, ZOOM, ARTHUR, MONOCLOUD; SESSIONKIT_WORKSPACE_ID for Ductape;
// SESSIONKIT_ZOOM_SDK_KEY and SESSIONKIT_ZOOM_SDK_SECRET to have the SDK mint
// Zoom's Video SDK JWT) it talks to the real service instead. Keys come only from the environment,
// never from flags, so they do not show in process listings.
//
// When the walk stops early (an API error after the retries, or Ctrl-C) the
// rows written so far are flushed and the resume point, taken from the
// iterator's *sessionkit.PageError, is saved to the -checkpoint file. Run
// the same command again, appending to the same output, to continue:
//
//	go run ./examples/export -api ductape >> users.csv
//
// It picks up at the page (or Zoom page token) where the walk stopped,
// writes no CSV header, and neither skips nor repeats a row. The checkpoint
// is removed when the export completes. Before it stops, a walk of one
// listing is resumed in-process at a page that keeps failing after the
// client's retries (-resume-attempts, -resume-wait; sessionkit.Resume).
// Zoom page tokens expire after 15 minutes (and the offline fake forgets
// its tokens when the process ends): a Zoom checkpoint whose token was
// refused restarts the session's users from the first page and skips the
// rows already written by count, which is right for an ended (past)
// session, whose list no longer changes.
//
// Exit status: 0 when the export completed, 1 when it stopped on an error
// (checkpoint saved), 2 for bad flags, 130 when interrupted (checkpoint
// saved).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/examples/internal/envopts"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// cli runs the command with args and returns its exit status.
func cli(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		job        Job
		zoomType   string
		taskIDs    string
		checkpoint = fs.String("checkpoint", "export.checkpoint.json", "checkpoint `file`: written when the export stops early, read to resume, removed when it completes")
		prefetch   = fs.Int("prefetch", 2, "pages to fetch ahead of the writer")
		maxRetries = fs.Int("max-retries", sessionkit.DefaultMaxRetries, "retries per request")
		every      = fs.Duration("progress", time.Second, "interval between progress lines on stderr")
		fakeUsers  = fs.Int("fake-users", 500, "offline only: rows per listing in the fake")
		fakeDelay  = fs.Duration("fake-latency", 2*time.Millisecond, "offline only: the fake's latency per request")
		fromDay    string
		toDay      string
	)
	fs.StringVar(&job.API, "api", apiDuctape, "listing to export: ductape, zoom, arthur or monocloud")
	fs.StringVar(&job.Format, "format", formatCSV, "output format: csv or jsonl")
	fs.IntVar(&job.PageSize, "page-size", 100, "items per request")
	fs.StringVar(&job.Product, "product", "", "ductape: product tag")
	fs.StringVar(&job.Session, "session", "", "ductape: session tag")
	fs.StringVar(&job.Env, "env", "", "ductape: environment filter")
	fs.StringVar(&job.ZoomSessionID, "zoom-session", "", "zoom: Video SDK session ID")
	fs.StringVar(&zoomType, "zoom-type", string(sessions.Past), "zoom: live or past")
	fs.StringVar(&taskIDs, "task-ids", "", "arthur: comma-separated task IDs")
	fs.StringVar(&job.UserID, "user-id", "", "monocloud: user ID (none: every user)")
	fs.StringVar(&fromDay, "from", "", "zoom: first day (yyyy-mm-dd) of a range whose every session is exported, instead of -zoom-session")
	fs.StringVar(&toDay, "to", "", "zoom: last day (yyyy-mm-dd) of the range")
	fs.IntVar(&job.Parallel, "parallel", 4, "walks at once when exporting every item of a discovery listing")
	fs.IntVar(&job.ResumeAttempts, "resume-attempts", 3, "times a walk of one listing is resumed at a page that keeps failing after the retries, before the export stops with a checkpoint (0: stop at once)")
	fs.DurationVar(&job.ResumeWait, "resume-wait", time.Second, "first wait before resuming at a failing page; each next one doubles")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for flagName, dst := range map[string]*time.Time{"from": &job.From, "to": &job.To} {
		v := map[string]string{"from": fromDay, "to": toDay}[flagName]
		if v == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			fmt.Fprintf(stderr, "export: -%s must be yyyy-mm-dd, got %q\n", flagName, v)
			return 2
		}
		*dst = t
	}
	job.ZoomType = sessions.SessionType(zoomType)
	for _, id := range strings.Split(taskIDs, ",") {
		if id = strings.TrimSpace(id); id != "" {
			job.TaskIDs = append(job.TaskIDs, id)
		}
	}

	opts := []sessionkit.Option{sessionkit.WithPrefetch(*prefetch), sessionkit.WithMaxRetries(*maxRetries)}
	if realMode() {
		opts = append(opts, envopts.Options()...)
	} else {
		srv := sessionkittest.NewServer(sessionkittest.WithUsers(*fakeUsers), sessionkittest.WithLatency(*fakeDelay))
		defer srv.Close()
		fmt.Fprintf(stderr, "export: offline, against sessionkittest at %s (set SESSIONKIT_BASE_URL or SESSIONKIT_API_KEY for a real API)\n", srv.URL)
		opts = append(opts, offlineOptions(srv, &job, given)...)
	}
	client, err := sessionkit.NewClient(opts...)
	if err != nil {
		fmt.Fprintln(stderr, "export:", err)
		return 2
	}
	defer client.CloseIdleConnections()
	if err := job.validate(); err != nil {
		fmt.Fprintln(stderr, "export:", err)
		return 2
	}

	from, err := LoadCheckpoint(*checkpoint)
	if err != nil {
		fmt.Fprintln(stderr, "export:", err)
		return 1
	}
	res, err := Export(ctx, client, job, from, stdout, NewProgress(stderr, *every))
	if err == nil {
		if from != nil {
			if err := os.Remove(*checkpoint); err != nil {
				fmt.Fprintln(stderr, "export:", err)
				return 1
			}
		}
		fmt.Fprintf(stderr, "export: complete, %d rows in all (%d by this run)\n", res.Total, res.Written)
		return 0
	}
	fmt.Fprintln(stderr, "export:", err)
	if res.Stopped == nil {
		return 1
	}
	if err := res.Stopped.Save(*checkpoint); err != nil {
		fmt.Fprintln(stderr, "export:", err)
		return 1
	}
	fmt.Fprintf(stderr, "export: %d rows written; checkpoint saved to %s: run the same command again, appending to the same output, to resume\n", res.Total, *checkpoint)
	if errors.Is(err, context.Canceled) {
		return 130
	}
	return 1
}

// realMode reports whether a SESSIONKIT_ variable names a real service.
func realMode() bool {
	for _, kv := range os.Environ() {
		name, value, _ := strings.Cut(kv, "=")
		if value != "" && strings.HasPrefix(name, "SESSIONKIT_") && (strings.HasSuffix(name, "_BASE_URL") || strings.HasSuffix(name, "_API_KEY") || strings.HasPrefix(name, "SESSIONKIT_ZOOM_SDK_")) {
			return true
		}
	}
	return false
}

// offlineOptions points the client at srv and fills the job's identifiers
// that no flag gave from its data.
func offlineOptions(srv *sessionkittest.Server, job *Job, given map[string]bool) []sessionkit.Option {
	d := srv.Data()
	if job.Product == "" && job.Session == "" {
		job.Product, job.Session = d.Product, d.Session
	}
	if job.ZoomSessionID == "" && !job.zoomRange() && !given["zoom-session"] {
		job.ZoomSessionID = d.ZoomSessionIDs[0]
	}
	if len(job.TaskIDs) == 0 && !given["task-ids"] {
		job.TaskIDs = d.ArthurTaskIDs
	}
	if job.UserID == "" && !given["user-id"] {
		job.UserID = d.MonoCloudUserIDs[0]
	}
	return testKitOptions(srv)
}

// testKitOptions gives each API its base URL on srv and the kit's key.
func testKitOptions(srv *sessionkittest.Server) []sessionkit.Option {
	const key = "test-key"
	return []sessionkit.Option{
		sessionkit.WithAPIKey(key),
		sessionkit.WithWorkspaceID(srv.Data().WorkspaceID),
		sessionkit.ForAPI(sessionkit.Ductape, sessionkit.WithBaseURL(srv.DuctapeURL())),
		sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithBaseURL(srv.ZoomURL())),
		sessionkit.ForAPI(sessionkit.Arthur, sessionkit.WithBaseURL(srv.ArthurURL())),
		sessionkit.ForAPI(sessionkit.MonoCloud, sessionkit.WithBaseURL(srv.MonoCloudURL())),
	}
}
