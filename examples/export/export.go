package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/traces"
	"github.com/sessionkit/sessionkit-go/users"
)

// The listings an export can walk.
const (
	apiDuctape   = "ductape"
	apiZoom      = "zoom"
	apiArthur    = "arthur"
	apiMonoCloud = "monocloud"
)

// The output formats.
const (
	formatCSV   = "csv"
	formatJSONL = "jsonl"
)

// Job describes one export: which listing, with which identifiers, in which
// format.
type Job struct {
	// API is the listing to walk: ductape, zoom, arthur or monocloud.
	API string
	// Format is csv or jsonl.
	Format string
	// PageSize is the number of items asked for per request.
	PageSize int

	// Product, Session and Env select the Ductape session's users.
	Product, Session, Env string
	// ZoomSessionID and ZoomType select the Zoom Video SDK session.
	ZoomSessionID string
	ZoomType      sessions.SessionType
	// From and To, instead of ZoomSessionID, select every session of that
	// type in the date range: the export then has every user of each.
	From, To time.Time
	// TaskIDs select the Arthur tasks; none means every task.
	TaskIDs []string
	// UserID selects the MonoCloud user; "" means every user.
	UserID string
	// Parallel is how many per-item walks run at once when the export
	// walks every item of a discovery listing.
	Parallel int
	// ResumeAttempts is how many times a walk of one listing is resumed
	// in-process at a page that keeps failing after the client's retries
	// (sessionkit.Resume), waiting ResumeWait, doubling, in between; 0
	// stops at the first failure with a checkpoint.
	ResumeAttempts int
	ResumeWait     time.Duration
}

// budget is the job's sessionkit.ResumeBudget.
func (j Job) budget() sessionkit.ResumeBudget {
	if j.ResumeAttempts <= 0 {
		return sessionkit.ResumeBudget{Attempts: -1}
	}
	return sessionkit.ResumeBudget{Attempts: j.ResumeAttempts, Wait: j.ResumeWait}
}

func (j Job) validate() error {
	switch j.Format {
	case formatCSV, formatJSONL:
	default:
		return fmt.Errorf("-format must be csv or jsonl, got %q", j.Format)
	}
	if j.PageSize < 1 {
		return fmt.Errorf("-page-size must be at least 1, got %d", j.PageSize)
	}
	need := func(flag, v string) error {
		if v == "" {
			return fmt.Errorf("-api %s needs %s", j.API, flag)
		}
		return nil
	}
	switch j.API {
	case apiDuctape:
		return errors.Join(need("-product", j.Product), need("-session", j.Session))
	case apiZoom:
		return j.validateZoom()
	case apiArthur, apiMonoCloud:
		return j.validateFanOut()
	default:
		return fmt.Errorf("-api must be ductape, zoom, arthur or monocloud, got %q", j.API)
	}
}

// key identifies the job's listing and format in a checkpoint, so that a
// checkpoint is never applied to another export.
func (j Job) key() string {
	parts := []string{j.API, j.Format, strconv.Itoa(j.PageSize)}
	switch j.API {
	case apiDuctape:
		parts = append(parts, j.Product, j.Session, j.Env)
	case apiZoom:
		parts = append(parts, j.ZoomSessionID, string(j.ZoomType))
		if j.zoomRange() {
			parts = append(parts, j.From.Format(time.DateOnly), j.To.Format(time.DateOnly))
		}
	case apiArthur:
		parts = append(parts, j.TaskIDs...)
	case apiMonoCloud:
		parts = append(parts, j.UserID)
	}
	return strings.Join(parts, "|")
}

// Checkpoint is where a stopped export resumes. It is taken from the
// *sessionkit.PageError that ended the walk: every item before Page (or
// PageToken) was written, none after.
type Checkpoint struct {
	// Job is Job.key of the export it belongs to.
	Job string `json:"job"`
	Position
	// Written counts the rows written by every run so far.
	Written int `json:"written"`
	// Reason is why the export stopped.
	Reason string `json:"reason,omitempty"`
}

// LoadCheckpoint reads a checkpoint file; a missing file gives nil, nil.
func LoadCheckpoint(path string) (*Checkpoint, error) {
	b, err := os.ReadFile(path) //nolint:gosec // the path is the user's own -checkpoint flag
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read checkpoint: %w", err)
	}
	var cp Checkpoint
	if err := json.Unmarshal(b, &cp); err != nil {
		return nil, fmt.Errorf("read checkpoint %s: %w", path, err)
	}
	return &cp, nil
}

// Save writes the checkpoint atomically (a temporary file renamed over
// path), so that a crash never leaves half a checkpoint.
func (c *Checkpoint) Save(path string) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("save checkpoint: %w", err)
	}
	defer os.Remove(tmp.Name()) //nolint:errcheck // gone after the rename
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("save checkpoint: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save checkpoint: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save checkpoint: %w", err)
	}
	return nil
}

// Position is where a walk starts: a sessionkit.Position (page or page
// token, rows to skip, rows before it) and, for the export of every item
// of a discovery listing, the outer items written whole.
type Position struct {
	// Outer counts the items of a discovery listing whose walks were
	// written whole (the export of every item of a listing).
	Outer int `json:"outer,omitempty"`
	// Page is the page to resume at (page-number listings, in the API's own
	// numbering: 0-based for Arthur).
	Page int `json:"page,omitempty"`
	// PageToken is the cursor to resume at (Zoom). Zoom's tokens expire 15
	// minutes after they were issued.
	PageToken string `json:"page_token,omitempty"`
	// Skip counts items to pass over after Page or PageToken: they were
	// written before a cancel cut the walk inside a page, or before a Zoom
	// page token expired (the walk then restarts from the first page).
	Skip int `json:"skip,omitempty"`
	// Offset counts the rows of the listing before Page or PageToken (a
	// walk of one listing): sessionkit.Resume restarts a walk whose Zoom
	// page token expired from the first page, passing over Offset+Skip
	// rows.
	Offset int `json:"offset,omitempty"`
}

// lib is p as the SDK's Position (without Outer).
func (p Position) lib() sessionkit.Position {
	return sessionkit.Position{Page: p.Page, PageToken: p.PageToken, Skip: p.Skip, Offset: p.Offset}
}

// fromLib is the export's Position of the SDK's at.
func fromLib(at sessionkit.Position) Position {
	return Position{Page: at.Page, PageToken: at.PageToken, Skip: at.Skip, Offset: at.Offset}
}

// Result is what one run of Export did.
type Result struct {
	// Written counts the rows this run wrote.
	Written int
	// Total counts the rows written by every run, this one included.
	Total int
	// Stopped is where to resume when the export stopped before the end of
	// the listing; nil when it finished, or when the resume point is
	// unknown (a write to the output failed).
	Stopped *Checkpoint
}

// Export walks the job's listing from the start, or from the checkpoint
// from, and writes one row per item to out (a CSV header first, unless it
// resumes). It flushes out before returning. When the walk stops early
// (an API failure, a cancelled ctx) it returns the error and, in
// Result.Stopped, the checkpoint to resume from. progress may be nil.
func Export(ctx context.Context, client *sessionkit.Client, job Job, from *Checkpoint, out io.Writer, progress *Progress) (Result, error) {
	if err := job.validate(); err != nil {
		return Result{}, err
	}
	if from != nil && from.Job != job.key() {
		return Result{}, fmt.Errorf("the checkpoint belongs to another export (%q, this one is %q): remove it or change the flags", from.Job, job.key())
	}
	switch {
	case job.API == apiDuctape:
		return run(ctx, job, from, out, progress, ductapeListing(client, job))
	case job.API == apiZoom && job.zoomRange():
		return run(ctx, job, from, out, progress, zoomRangeListing(client, job))
	case job.API == apiZoom:
		return run(ctx, job, from, out, progress, zoomListing(client, job))
	case job.API == apiArthur && len(job.TaskIDs) == 0:
		return run(ctx, job, from, out, progress, arthurTasksListing(client, job))
	case job.API == apiArthur:
		return run(ctx, job, from, out, progress, arthurListing(client, job))
	case job.UserID == "":
		return run(ctx, job, from, out, progress, monoCloudUsersListing(client, job))
	default:
		return run(ctx, job, from, out, progress, monoCloudListing(client, job))
	}
}

// listing is one API's walk and its columns.
type listing[T any] struct {
	// columns are the CSV columns. JSON Lines rows are the items
	// themselves, marshalled with encoding/json (the vendor's field names).
	columns []column[T]
	// scrub, when set, clears what must not be copied into files (a
	// credential) before a JSON Lines row is written.
	scrub func(T) T
	// pages walks one listing from a resume point with its Pages twin,
	// telling learn each page's totals (when the API tells them): the
	// walk is kept going and resumed by sessionkit.Resume.
	pages func(ctx context.Context, at sessionkit.Position, learn func(total, pageSize int)) iter.Seq2[T, error]
	// walk, instead of pages, walks every item of a discovery listing
	// from a resume point (Outer included), and resume returns where to
	// resume one that started at at and stopped with err.
	walk   func(ctx context.Context, at Position) iter.Seq2[T, error]
	resume func(at Position, written int, err error) (Position, error)
}

// flatten yields the items of each page of seq; items returns a page's
// items (and may note its totals).
func flatten[P, T any](seq iter.Seq2[P, error], items func(P) []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		for p, err := range seq {
			if err != nil {
				yield(zero, err)
				return
			}
			for _, it := range items(p) {
				if !yield(it, nil) {
					return
				}
			}
		}
	}
}

// column is one output field.
type column[T any] struct {
	name string
	get  func(T) any
}

func run[T any](ctx context.Context, job Job, from *Checkpoint, out io.Writer, progress *Progress, l listing[T]) (Result, error) {
	res := Result{}
	var start Position
	if from != nil {
		res.Total, start = from.Written, from.Position
	}
	progress.begin(res.Total, 0, false, job.PageSize)

	bw := bufio.NewWriterSize(out, 64<<10)
	w := newRowWriter(bw, job.Format, l.columns, l.scrub)
	if from == nil {
		if err := w.header(); err != nil {
			return res, fmt.Errorf("write: %w", err)
		}
	}
	var walkErr error
	for item, err := range l.items(ctx, job, start, progress) {
		if err != nil {
			walkErr = err
			break
		}
		if err := w.row(item); err != nil {
			_ = bw.Flush()
			return res, fmt.Errorf("write: %w (the export stopped inside a page, so no checkpoint was written)", err)
		}
		res.Written++
		res.Total++
		progress.add(1)
	}
	if err := w.flush(); err != nil {
		return res, fmt.Errorf("write: %w", err)
	}
	if walkErr == nil {
		progress.end("done")
		return res, nil
	}
	at, err := l.stoppedAt(start, res.Written, walkErr)
	if err != nil {
		return res, err
	}
	res.Stopped = &Checkpoint{Job: job.key(), Position: at, Written: res.Total, Reason: stopReason(walkErr)}
	progress.end("stopped")
	return res, walkErr
}

// items walks the listing from start: one listing through
// sessionkit.Resume, within the job's budget; a discovery listing with
// its own walk.
func (l listing[T]) items(ctx context.Context, job Job, start Position, progress *Progress) iter.Seq2[T, error] {
	if l.pages == nil {
		return l.walk(ctx, start)
	}
	return sessionkit.Resume(ctx, start.lib(), func(ctx context.Context, at sessionkit.Position) iter.Seq2[T, error] {
		return l.pages(ctx, at, progress.learn)
	}, job.budget())
}

// stoppedAt is where to resume a walk that started at start and stopped
// with err after written items.
func (l listing[T]) stoppedAt(start Position, written int, err error) (Position, error) {
	if l.pages == nil {
		return l.resume(start, written, err)
	}
	at, ok := sessionkit.PositionOf(err) // Resume's error knows the position from start on
	if !ok {
		return Position{}, err
	}
	return fromLib(at), nil
}

// stopReason is the cause of a walk's error, without the resume point's
// wrapping.
func stopReason(err error) string {
	var pe *sessionkit.PageError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// rowWriter writes CSV or JSON Lines.
type rowWriter[T any] struct {
	w       *bufio.Writer
	csv     *csv.Writer
	json    *json.Encoder
	columns []column[T]
	scrub   func(T) T
	buf     []string
}

func newRowWriter[T any](w *bufio.Writer, format string, columns []column[T], scrub func(T) T) *rowWriter[T] {
	rw := &rowWriter[T]{w: w, columns: columns, scrub: scrub}
	if format == formatCSV {
		rw.csv = csv.NewWriter(w)
	} else {
		rw.json = json.NewEncoder(w)
	}
	return rw
}

func (rw *rowWriter[T]) header() error {
	if rw.csv == nil {
		return nil
	}
	names := make([]string, len(rw.columns))
	for i, c := range rw.columns {
		names[i] = c.name
	}
	return rw.csv.Write(names)
}

func (rw *rowWriter[T]) row(item T) error {
	if rw.csv != nil {
		rw.buf = rw.buf[:0]
		for _, c := range rw.columns {
			rw.buf = append(rw.buf, csvValue(c.get(item)))
		}
		return rw.csv.Write(rw.buf)
	}
	if rw.scrub != nil {
		item = rw.scrub(item)
	}
	return rw.json.Encode(item) // one line: Encode ends it with a newline
}

func (rw *rowWriter[T]) flush() error {
	if rw.csv != nil {
		rw.csv.Flush()
		if err := rw.csv.Error(); err != nil {
			return err
		}
	}
	return rw.w.Flush()
}

// csvValue renders one cell: times as RFC 3339 (empty when zero), lists
// joined with ";", nil pointers as empty cells.
func csvValue(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case time.Time:
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339Nano)
	case []string:
		return strings.Join(t, ";")
	case *int:
		if t == nil {
			return ""
		}
		return strconv.Itoa(*t)
	case *float64:
		if t == nil {
			return ""
		}
		return strconv.FormatFloat(*t, 'f', -1, 64)
	default:
		return fmt.Sprint(t)
	}
}

func ductapeListing(c *sessionkit.Client, job Job) listing[sessions.User] {
	opts := sessions.FetchUsersOptions{Product: job.Product, Session: job.Session, Env: job.Env, Limit: job.PageSize}
	return listing[sessions.User]{
		columns: []column[sessions.User]{
			{"id", func(u sessions.User) any { return u.ID }},
			{"ductape_user_id", func(u sessions.User) any { return u.DuctapeUserID }},
			{"identifier", func(u sessions.User) any { return u.Identifier }},
			{"product_tag", func(u sessions.User) any { return u.ProductTag }},
			{"session_tag", func(u sessions.User) any { return u.SessionTag }},
			{"env", func(u sessions.User) any { return u.Env }},
			{"first_seen", func(u sessions.User) any { return u.FirstSeen }},
			{"last_seen", func(u sessions.User) any { return u.LastSeen }},
			{"created_at", func(u sessions.User) any { return u.CreatedAt }},
			{"updated_at", func(u sessions.User) any { return u.UpdatedAt }},
		},
		pages: func(ctx context.Context, at sessionkit.Position, learn func(total, pageSize int)) iter.Seq2[sessions.User, error] {
			o := opts
			o.Page = at.Page
			return flatten(c.Sessions.FetchUsersPages(ctx, o), func(p *sessions.UsersPage) []sessions.User {
				learn(p.Total, p.Limit)
				return p.Users
			})
		},
	}
}

func zoomListing(c *sessionkit.Client, job Job) listing[sessions.VideoUser] {
	opts := sessions.ListUsersOptions{Type: job.ZoomType, PageSize: job.PageSize}
	return listing[sessions.VideoUser]{
		columns: zoomColumns(),
		// Zoom tells no total: progress counts as it goes.
		pages: func(ctx context.Context, at sessionkit.Position, _ func(total, pageSize int)) iter.Seq2[sessions.VideoUser, error] {
			o := opts
			o.NextPageToken = at.PageToken
			return c.Sessions.ListUsersIter(ctx, job.ZoomSessionID, o)
		},
	}
}

func zoomColumns() []column[sessions.VideoUser] {
	return []column[sessions.VideoUser]{
		{"participant_uuid", func(u sessions.VideoUser) any { return u.ParticipantUUID }},
		{"id", func(u sessions.VideoUser) any { return u.ID }},
		{"name", func(u sessions.VideoUser) any { return u.Name }},
		{"user_key", func(u sessions.VideoUser) any { return u.UserKey }},
		{"join_time", func(u sessions.VideoUser) any { return u.JoinTime }},
		{"leave_time", func(u sessions.VideoUser) any { return u.LeaveTime }},
		{"is_original_host", func(u sessions.VideoUser) any { return u.IsOriginalHost }},
		{"device", func(u sessions.VideoUser) any { return u.Device }},
		{"os", func(u sessions.VideoUser) any { return u.OS }},
		{"os_version", func(u sessions.VideoUser) any { return u.OSVersion }},
		{"client", func(u sessions.VideoUser) any { return u.Client }},
		{"browser_name", func(u sessions.VideoUser) any { return u.BrowserName }},
		{"browser_version", func(u sessions.VideoUser) any { return u.BrowserVersion }},
		{"ip_address", func(u sessions.VideoUser) any { return u.IPAddress }},
		{"location", func(u sessions.VideoUser) any { return u.Location }},
		{"network_type", func(u sessions.VideoUser) any { return u.NetworkType }},
		{"data_center", func(u sessions.VideoUser) any { return u.DataCenter }},
		{"connection_type", func(u sessions.VideoUser) any { return u.ConnectionType }},
		{"microphone", func(u sessions.VideoUser) any { return u.Microphone }},
		{"speaker", func(u sessions.VideoUser) any { return u.Speaker }},
		{"camera", func(u sessions.VideoUser) any { return u.Camera }},
		{"audio_quality", func(u sessions.VideoUser) any { return u.AudioQuality }},
		{"video_quality", func(u sessions.VideoUser) any { return u.VideoQuality }},
		{"screen_share_quality", func(u sessions.VideoUser) any { return u.ScreenShareQuality }},
		{"audio_calls", func(u sessions.VideoUser) any {
			calls := []string{}
			for _, a := range u.AudioCall {
				calls = append(calls, a.CallType+" "+a.CallNumber+" via "+a.ZoomNumber)
			}
			return calls
		}},
	}
}

func arthurListing(c *sessionkit.Client, job Job) listing[traces.UserMetadata] {
	opts := traces.UsersOptions{TaskIDs: job.TaskIDs, PageSize: job.PageSize, Sort: traces.Asc}
	return listing[traces.UserMetadata]{
		columns: arthurColumns(),
		pages: func(ctx context.Context, at sessionkit.Position, learn func(total, pageSize int)) iter.Seq2[traces.UserMetadata, error] {
			o := opts
			o.Page = at.Page
			return flatten(c.Traces.UsersPages(ctx, o), func(p *traces.UsersPage) []traces.UserMetadata {
				learn(p.Count, job.PageSize)
				return p.Users
			})
		},
	}
}

func arthurColumns() []column[traces.UserMetadata] {
	return []column[traces.UserMetadata]{
		{"user_id", func(u traces.UserMetadata) any { return u.UserID }},
		{"task_id", func(u traces.UserMetadata) any { return u.TaskID }},
		{"session_count", func(u traces.UserMetadata) any { return u.SessionCount }},
		{"trace_count", func(u traces.UserMetadata) any { return u.TraceCount }},
		{"span_count", func(u traces.UserMetadata) any { return u.SpanCount }},
		{"earliest_start_time", func(u traces.UserMetadata) any { return u.EarliestStartTime }},
		{"latest_end_time", func(u traces.UserMetadata) any { return u.LatestEndTime }},
		{"prompt_token_count", func(u traces.UserMetadata) any { return u.PromptTokenCount }},
		{"completion_token_count", func(u traces.UserMetadata) any { return u.CompletionTokenCount }},
		{"total_token_count", func(u traces.UserMetadata) any { return u.TotalTokenCount }},
		{"prompt_token_cost", func(u traces.UserMetadata) any { return u.PromptTokenCost }},
		{"completion_token_cost", func(u traces.UserMetadata) any { return u.CompletionTokenCost }},
		{"total_token_cost", func(u traces.UserMetadata) any { return u.TotalTokenCost }},
		{"session_ids", func(u traces.UserMetadata) any { return u.SessionIDs }},
		{"trace_ids", func(u traces.UserMetadata) any { return u.TraceIDs }},
	}
}

func monoCloudListing(c *sessionkit.Client, job Job) listing[users.Session] {
	opts := monoCloudSessionsOptions(job)
	return listing[users.Session]{
		scrub:   scrubSessionKey,
		columns: monoCloudColumns(),
		pages: func(ctx context.Context, at sessionkit.Position, learn func(total, pageSize int)) iter.Seq2[users.Session, error] {
			o := opts
			o.Page = at.Page
			return flatten(c.Users.SessionsPages(ctx, job.UserID, o), func(p *users.SessionsPage) []users.Session {
				if p.Pagination != nil {
					learn(p.Pagination.TotalCount, p.Pagination.PageSize)
				}
				return p.Sessions
			})
		},
	}
}

func monoCloudSessionsOptions(job Job) users.SessionsOptions {
	return users.SessionsOptions{Size: job.PageSize, Sort: users.Sort{Key: users.SortByInitiatedAt, Order: users.Descending}}
}

// scrubSessionKey clears the session key: it is a credential, not data to
// copy into files.
func scrubSessionKey(s users.Session) users.Session {
	s.SessionKey = ""
	return s
}

// monoCloudColumns leaves out the session key (see scrubSessionKey).
func monoCloudColumns() []column[users.Session] {
	return []column[users.Session]{
		{"session_id", func(s users.Session) any { return s.SessionID }},
		{"client_ids", func(s users.Session) any { return s.ClientIDs }},
		{"initiated_at", func(s users.Session) any { return s.InitiatedAt }},
		{"expires_at", func(s users.Session) any { return s.ExpiresAt }},
		{"last_updated", func(s users.Session) any { return s.LastUpdated }},
		{"country", func(s users.Session) any { return s.LastMetadata.Country }},
		{"region", func(s users.Session) any { return s.LastMetadata.Region }},
		{"city", func(s users.Session) any { return s.LastMetadata.City }},
		{"latitude", func(s users.Session) any { return s.LastMetadata.Latitude }},
		{"longitude", func(s users.Session) any { return s.LastMetadata.Longitude }},
		{"ip_address", func(s users.Session) any { return s.LastMetadata.IPAddress }},
		{"user_agent", func(s users.Session) any { return s.LastMetadata.UserAgent }},
	}
}

// Progress reports an export's progress: items, pages, rate and, when the
// total is known, the percentage and an ETA. A nil *Progress reports
// nothing.
type Progress struct {
	w     io.Writer
	every time.Duration
	now   func() time.Time

	start, last time.Time
	base, items int // rows written before this run, and by it
	total       int
	known       bool
	pageSize    int
}

// NewProgress returns a Progress that writes a line to w at most every
// interval, and a last one at the end.
func NewProgress(w io.Writer, every time.Duration) *Progress {
	return &Progress{w: w, every: every, now: time.Now}
}

func (p *Progress) begin(base, total int, known bool, pageSize int) {
	if p == nil {
		return
	}
	p.start, p.last = p.now(), p.now()
	p.base, p.total, p.known, p.pageSize = base, total, known, pageSize
	if base > 0 {
		fmt.Fprintf(p.w, "export: resuming after %d rows\n", base)
	}
}

// learn records the totals a page told: the rows over all pages and the
// page size the server uses (0 when it did not say).
func (p *Progress) learn(total, pageSize int) {
	if p == nil {
		return
	}
	p.total, p.known = total, true
	if pageSize > 0 {
		p.pageSize = pageSize
	}
}

func (p *Progress) add(n int) {
	if p == nil {
		return
	}
	p.items += n
	if now := p.now(); now.Sub(p.last) >= p.every {
		p.last = now
		p.print("")
	}
}

func (p *Progress) end(how string) {
	if p == nil {
		return
	}
	p.print(how + ": ")
}

// Line returns the current progress line.
func (p *Progress) Line() string {
	done := p.base + p.items
	var b strings.Builder
	if p.known {
		pct := 100.0
		if p.total > 0 {
			pct = 100 * float64(done) / float64(p.total)
		}
		fmt.Fprintf(&b, "%d/%d items (%.1f%%), page %d/%d", done, p.total, pct, pages(done, p.pageSize), pages(p.total, p.pageSize))
	} else {
		fmt.Fprintf(&b, "%d items, page %d", done, pages(done, p.pageSize))
	}
	elapsed := p.now().Sub(p.start)
	if elapsed <= 0 || p.items == 0 {
		return b.String()
	}
	rate := float64(p.items) / elapsed.Seconds()
	fmt.Fprintf(&b, ", %.0f items/s", rate)
	if p.known && done < p.total {
		eta := time.Duration(float64(p.total-done) / rate * float64(time.Second))
		fmt.Fprintf(&b, ", ETA %s", eta.Round(time.Second))
	}
	return b.String()
}

func (p *Progress) print(prefix string) {
	fmt.Fprintln(p.w, "export: "+prefix+p.Line())
}

// pages is how many pages of size hold n items.
func pages(n, size int) int {
	if size <= 0 {
		return 0
	}
	return int(math.Ceil(float64(n) / float64(size)))
}
