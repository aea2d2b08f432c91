// Command quickstart makes every sessionkit-go call, walks every iterator and
// prints what it found in tables.
//
// With no environment it needs no flags, no network and no keys: it starts
// sessionkittest.NewServer, an in-process fake of the four APIs listening on
// 127.0.0.1, and builds one client that reaches each API at its own base URL
// with ForAPI:
//
//	go run ./examples/quickstart
//
// Given SESSIONKIT_BASE_URL or SESSIONKIT_API_KEY (or any of the per-API
// variables below) it talks to the real services instead. A call whose
// inputs are missing is skipped with a note naming the variable to set.
//
//	SESSIONKIT_BASE_URL            base URL of every API (each keeps its default otherwise)
//	SESSIONKIT_API_KEY             key of every API
//	SESSIONKIT_<API>_BASE_URL      base URL of one API: <API> is DUCTAPE, ZOOM, ARTHUR or MONOCLOUD
//	SESSIONKIT_<API>_API_KEY       key of one API
//	SESSIONKIT_ZOOM_SDK_KEY        Zoom Video SDK key and secret: the SDK mints
//	SESSIONKIT_ZOOM_SDK_SECRET     the JWT itself (instead of a key for Zoom)
//	SESSIONKIT_WORKSPACE_ID        Ductape workspace ID
//	SESSIONKIT_PRODUCT             Ductape product tag
//	SESSIONKIT_SESSION             Ductape session tag
//	SESSIONKIT_ENV                 Ductape environment filter (optional)
//	SESSIONKIT_IDENTIFIER          Ductape user for FetchUserDetails (default: the first one listed)
//	SESSIONKIT_ZOOM_SESSION_ID     Zoom Video SDK session ID (default: the first one ListSessions lists)
//	SESSIONKIT_ZOOM_SESSION_TYPE   "live" or "past" (default "past")
//	SESSIONKIT_ARTHUR_TASK_IDS     comma-separated Arthur task IDs (default: every task TasksIter lists)
//	SESSIONKIT_ARTHUR_USER_ID      Arthur user for Traces.User (default: the first one listed)
//	SESSIONKIT_MONOCLOUD_USER_ID   MonoCloud user ID (default: the first one Users.List lists)
//
// The discovery calls run first (Sessions.ListSessions over the last month
// and ListSessionsIter over six, Users.List, Traces.Tasks), with a FanOut
// over every user of every ended Zoom session and every session of every
// MonoCloud user; they fill in the identifiers no variable gave.
//
// Arthur and MonoCloud have no default base URL: set SESSIONKIT_BASE_URL or
// their own variable to call them.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/examples/internal/envopts"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/traces"
	"github.com/sessionkit/sessionkit-go/users"
)

// shown is how many rows each table prints.
const shown = 5

// inputs are the identifiers the calls need.
type inputs struct {
	product, session, env, identifier string
	zoomSessionID                     string
	zoomType                          sessions.SessionType
	taskIDs                           []string
	arthurUserID                      string
	monoCloudUserID                   string
	// now ends the date ranges of the Zoom discovery steps.
	now time.Time
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()

	var (
		client *sessionkit.Client
		in     inputs
		err    error
	)
	if realMode() {
		fmt.Fprintln(out, "Talking to the real services configured by SESSIONKIT_* variables.")
		client, in, err = realClient()
	} else {
		srv := sessionkittest.NewServer(sessionkittest.WithVideoSDKCredentials(demoSDKKey, demoSDKSecret))
		defer srv.Close()
		fmt.Fprintf(out, "Talking to sessionkittest at %s (in-process, offline; set SESSIONKIT_BASE_URL or SESSIONKIT_API_KEY for real services).\n", srv.URL)
		fmt.Fprintln(out, "Ductape, Arthur and MonoCloud get the key \"test-key\"; Zoom gets a Video SDK JWT the SDK mints from a key and secret.")
		client, in, err = offlineClient(srv)
	}
	if err != nil {
		return err
	}
	defer client.CloseIdleConnections()

	q := &quickstart{client: client, in: in, out: out, offline: !realMode()}
	steps := []func(context.Context) error{
		q.listSessions, q.listSessionsIter, q.fanOutZoom,
		q.usersList, q.usersListIter,
		q.tasks, q.tasksIter,
		q.fetchUsers, q.fetchUsersIter, q.fetchUserDetails,
		q.listUsers, q.listUsersIter,
		q.traceUsers, q.traceUsersIter, q.traceUser,
		q.userSessions, q.userSessionsIter,
	}
	var failed []error
	for _, step := range steps {
		if err := step(ctx); err != nil {
			fmt.Fprintf(out, "   error: %v\n", err)
			failed = append(failed, err)
		}
		if ctx.Err() != nil {
			break
		}
	}
	fmt.Fprintln(out)
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d steps failed: %w", len(failed), len(steps), errors.Join(failed...))
	}
	if q.skipped > 0 {
		fmt.Fprintf(out, "Done: %d of %d steps ran and worked; %d skipped for missing inputs.\n", len(steps)-q.skipped, len(steps), q.skipped)
		return nil
	}
	fmt.Fprintln(out, "Done: every call and every iterator worked.")
	return nil
}

// realMode reports whether any SESSIONKIT_ variable asks for real services.
func realMode() bool {
	for _, kv := range os.Environ() {
		name, value, _ := strings.Cut(kv, "=")
		if value != "" && (strings.HasPrefix(name, "SESSIONKIT_") && (strings.HasSuffix(name, "_BASE_URL") || strings.HasSuffix(name, "_API_KEY") || strings.HasPrefix(name, "SESSIONKIT_ZOOM_SDK_"))) {
			return true
		}
	}
	return false
}

// The Video SDK key and secret the offline fake expects; with them the SDK
// mints the HS256 JWT that Zoom's Video SDK API wants.
const (
	demoSDKKey    = "quickstart-sdk-key"
	demoSDKSecret = "quickstart-sdk-secret" //nolint:gosec // G101: a demo secret that only the in-process fake accepts
)

// offlineClient builds a client for the test kit: one ForAPI per API with
// that API's base URL on the fake server and its credential.
func offlineClient(srv *sessionkittest.Server) (*sessionkit.Client, inputs, error) {
	const key = "test-key" // what sessionkittest expects by default
	d := srv.Data()
	client, err := sessionkit.NewClient(
		sessionkit.WithWorkspaceID(d.WorkspaceID),
		sessionkit.ForAPI(sessionkit.Ductape, sessionkit.WithBaseURL(srv.DuctapeURL()), sessionkit.WithAPIKey(key)),
		sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithBaseURL(srv.ZoomURL()), sessionkit.WithVideoSDKCredentials(demoSDKKey, demoSDKSecret)),
		sessionkit.ForAPI(sessionkit.Arthur, sessionkit.WithBaseURL(srv.ArthurURL()), sessionkit.WithAPIKey(key)),
		sessionkit.ForAPI(sessionkit.MonoCloud, sessionkit.WithBaseURL(srv.MonoCloudURL()), sessionkit.WithAPIKey(key)),
	)
	in := inputs{
		product: d.Product, session: d.Session, env: d.Env,
		// The second Zoom session ID begins with "/": the SDK double-encodes it.
		zoomSessionID: d.ZoomSessionIDs[1], zoomType: sessions.Past,
		taskIDs:         d.ArthurTaskIDs,
		monoCloudUserID: d.MonoCloudUserIDs[0],
		now:             d.BaseTime,
	}
	return client, in, err
}

// realClient builds a client from the SESSIONKIT_* variables.
func realClient() (*sessionkit.Client, inputs, error) {
	opts := envopts.Options()
	in := inputs{
		product: os.Getenv("SESSIONKIT_PRODUCT"), session: os.Getenv("SESSIONKIT_SESSION"),
		env: os.Getenv("SESSIONKIT_ENV"), identifier: os.Getenv("SESSIONKIT_IDENTIFIER"),
		zoomSessionID:   os.Getenv("SESSIONKIT_ZOOM_SESSION_ID"),
		zoomType:        sessions.Past,
		arthurUserID:    os.Getenv("SESSIONKIT_ARTHUR_USER_ID"),
		monoCloudUserID: os.Getenv("SESSIONKIT_MONOCLOUD_USER_ID"),
		now:             time.Now(),
	}
	if v := os.Getenv("SESSIONKIT_ZOOM_SESSION_TYPE"); v != "" {
		in.zoomType = sessions.SessionType(v)
	}
	for _, id := range strings.Split(os.Getenv("SESSIONKIT_ARTHUR_TASK_IDS"), ",") {
		if id = strings.TrimSpace(id); id != "" {
			in.taskIDs = append(in.taskIDs, id)
		}
	}
	client, err := sessionkit.NewClient(opts...)
	return client, in, err
}

type quickstart struct {
	client  *sessionkit.Client
	in      inputs
	out     io.Writer
	skipped int
	offline bool
}

// title prints a step's heading.
func (q *quickstart) title(call, api string) {
	fmt.Fprintf(q.out, "\n== %s (%s)\n", call, api)
}

// skip prints why a step did not run.
func (q *quickstart) skip(what string) {
	q.skipped++
	fmt.Fprintf(q.out, "   skipped: set %s\n", what)
}

// table prints rows under a header, aligned in columns.
func (q *quickstart) table(header string, rows [][]string, more int) {
	tw := tabwriter.NewWriter(q.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "   "+strings.ReplaceAll(header, "|", "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, "   "+strings.Join(r, "\t"))
	}
	_ = tw.Flush()
	if more > 0 {
		fmt.Fprintf(q.out, "   ... and %d more\n", more)
	}
}

func ts(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func intp(p *int) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprint(*p)
}

func costp(p *float64) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprintf("%.4f", *p)
}

func (q *quickstart) ductapeReady() bool {
	if q.in.product == "" || q.in.session == "" {
		q.skip("SESSIONKIT_PRODUCT, SESSIONKIT_SESSION and SESSIONKIT_WORKSPACE_ID")
		return false
	}
	return true
}

func ductapeRow(u sessions.User) []string {
	return []string{u.Identifier, u.Env, ts(u.FirstSeen), ts(u.LastSeen)}
}

const ductapeHeader = "IDENTIFIER|ENV|FIRST SEEN|LAST SEEN"

func (q *quickstart) fetchUsers(ctx context.Context) error {
	q.title("Sessions.FetchUsers", "Ductape")
	if !q.ductapeReady() {
		return nil
	}
	page, err := q.client.Sessions.FetchUsers(ctx, sessions.FetchUsersOptions{Product: q.in.product, Session: q.in.session, Env: q.in.env})
	if err != nil {
		return err
	}
	fmt.Fprintf(q.out, "   page %d of %d: %d of %d users\n", page.Page, page.TotalPages, len(page.Users), page.Total)
	var rows [][]string
	for _, u := range page.Users[:min(shown, len(page.Users))] {
		rows = append(rows, ductapeRow(u))
	}
	q.table(ductapeHeader, rows, len(page.Users)-len(rows))
	if q.in.identifier == "" && len(page.Users) > 0 {
		q.in.identifier = page.Users[0].Identifier
	}
	return nil
}

func (q *quickstart) fetchUsersIter(ctx context.Context) error {
	q.title("Sessions.FetchUsersIter", "Ductape")
	if !q.ductapeReady() {
		return nil
	}
	const limit = 10
	n := 0
	var rows [][]string
	for u, err := range q.client.Sessions.FetchUsersIter(ctx, sessions.FetchUsersOptions{Product: q.in.product, Session: q.in.session, Env: q.in.env, Limit: limit}) {
		if err != nil {
			return err
		}
		n++
		if n%limit == 1 && len(rows) < shown {
			rows = append(rows, append([]string{fmt.Sprint(n)}, ductapeRow(u)...))
		}
	}
	fmt.Fprintf(q.out, "   walked %d users in pages of %d; the first user of each page:\n", n, limit)
	q.table("#|"+ductapeHeader, rows, 0)
	return nil
}

func (q *quickstart) fetchUserDetails(ctx context.Context) error {
	q.title("Sessions.FetchUserDetails", "Ductape")
	if !q.ductapeReady() {
		return nil
	}
	if q.in.identifier == "" {
		q.skip("SESSIONKIT_IDENTIFIER")
		return nil
	}
	d, err := q.client.Sessions.FetchUserDetails(ctx, sessions.FetchUserDetailsOptions{Product: q.in.product, Session: q.in.session, Env: q.in.env, Identifier: q.in.identifier})
	if err != nil {
		return err
	}
	fmt.Fprintf(q.out, "   %s: %d sessions, %d active\n", d.Identifier, d.TotalSessions, d.ActiveSessionsCount)
	var rows [][]string
	for _, s := range d.Sessions[:min(shown, len(d.Sessions))] {
		rows = append(rows, []string{s.SessionID, ts(s.StartAt), ts(s.EndAt), fmt.Sprint(s.Active)})
	}
	q.table("SESSION|START|END|ACTIVE", rows, len(d.Sessions)-len(rows))
	return nil
}

func videoRow(u sessions.VideoUser) []string {
	return []string{u.Name, u.Device, orDash(u.Location), ts(u.JoinTime), ts(u.LeaveTime)}
}

const videoHeader = "NAME|DEVICE|LOCATION|JOINED|LEFT"

func (q *quickstart) listUsers(ctx context.Context) error {
	q.title("Sessions.ListUsers", "Zoom Video SDK")
	if q.in.zoomSessionID == "" {
		q.skip("SESSIONKIT_ZOOM_SESSION_ID")
		return nil
	}
	page, err := q.client.Sessions.ListUsers(ctx, q.in.zoomSessionID, sessions.ListUsersOptions{Type: q.in.zoomType})
	if err != nil {
		return err
	}
	fmt.Fprintf(q.out, "   session %q, first page: %d users (page size %d), more pages: %v\n",
		q.in.zoomSessionID, len(page.Users), page.PageSize, page.NextPageToken != "")
	var rows [][]string
	for _, u := range page.Users[:min(shown, len(page.Users))] {
		rows = append(rows, videoRow(u))
	}
	q.table(videoHeader, rows, len(page.Users)-len(rows))
	return nil
}

func (q *quickstart) listUsersIter(ctx context.Context) error {
	q.title("Sessions.ListUsersIter", "Zoom Video SDK")
	if q.in.zoomSessionID == "" {
		q.skip("SESSIONKIT_ZOOM_SESSION_ID")
		return nil
	}
	devices := map[string]int{}
	var order []string
	n, stillIn := 0, 0
	for u, err := range q.client.Sessions.ListUsersIter(ctx, q.in.zoomSessionID, sessions.ListUsersOptions{Type: q.in.zoomType, PageSize: 10}) {
		if err != nil {
			return err
		}
		n++
		if u.LeaveTime.IsZero() {
			stillIn++
		}
		if devices[u.Device] == 0 {
			order = append(order, u.Device)
		}
		devices[u.Device]++
	}
	fmt.Fprintf(q.out, "   walked %d joins in pages of 10 (%d still in the session); by device:\n", n, stillIn)
	var rows [][]string
	for _, d := range order {
		rows = append(rows, []string{d, fmt.Sprint(devices[d])})
	}
	q.table("DEVICE|JOINS", rows, 0)
	return nil
}

func traceRow(u traces.UserMetadata) []string {
	return []string{u.UserID, u.TaskID[:min(8, len(u.TaskID))], fmt.Sprint(u.TraceCount), intp(u.TotalTokenCount), costp(u.TotalTokenCost)}
}

const traceHeader = "USER|TASK|TRACES|TOKENS|COST"

func (q *quickstart) arthurReady() bool {
	if len(q.in.taskIDs) == 0 {
		q.skip("SESSIONKIT_ARTHUR_TASK_IDS")
		return false
	}
	return true
}

func (q *quickstart) traceUsers(ctx context.Context) error {
	q.title("Traces.Users", "Arthur GenAI Engine")
	if !q.arthurReady() {
		return nil
	}
	page, err := q.client.Traces.Users(ctx, traces.UsersOptions{TaskIDs: q.in.taskIDs, Sort: traces.Desc})
	if err != nil {
		return err
	}
	fmt.Fprintf(q.out, "   first page: %d of %d rows (costs in %s)\n", len(page.Users), page.Count, orDash(page.DisplayCurrency))
	var rows [][]string
	for _, u := range page.Users[:min(shown, len(page.Users))] {
		rows = append(rows, traceRow(u))
	}
	q.table(traceHeader, rows, len(page.Users)-len(rows))
	if q.in.arthurUserID == "" && len(page.Users) > 0 {
		q.in.arthurUserID = page.Users[0].UserID
	}
	return nil
}

func (q *quickstart) traceUsersIter(ctx context.Context) error {
	q.title("Traces.UsersIter", "Arthur GenAI Engine")
	if !q.arthurReady() {
		return nil
	}
	n, tokens, unknown := 0, 0, 0
	var cost float64
	for u, err := range q.client.Traces.UsersIter(ctx, traces.UsersOptions{TaskIDs: q.in.taskIDs, PageSize: 10}) {
		if err != nil {
			return err
		}
		n++
		if u.TotalTokenCount == nil {
			unknown++
		} else {
			tokens += *u.TotalTokenCount
		}
		if u.TotalTokenCost != nil {
			cost += *u.TotalTokenCost
		}
	}
	fmt.Fprintf(q.out, "   walked %d rows in pages of 10:\n", n)
	q.table("ROWS|TOKENS|ROWS WITHOUT TOKENS|COST", [][]string{{fmt.Sprint(n), fmt.Sprint(tokens), fmt.Sprint(unknown), fmt.Sprintf("%.4f", cost)}}, 0)
	return nil
}

func (q *quickstart) traceUser(ctx context.Context) error {
	q.title("Traces.User", "Arthur GenAI Engine")
	if !q.arthurReady() {
		return nil
	}
	if q.in.arthurUserID == "" {
		q.skip("SESSIONKIT_ARTHUR_USER_ID")
		return nil
	}
	u, err := q.client.Traces.User(ctx, q.in.arthurUserID, traces.UserOptions{TaskIDs: q.in.taskIDs})
	if err != nil {
		return err
	}
	q.table(traceHeader+"|SESSIONS|FIRST START", [][]string{append(traceRow(*u), fmt.Sprint(u.SessionCount), ts(u.EarliestStartTime))}, 0)
	return nil
}

func sessionRow(s users.Session) []string {
	return []string{s.SessionID[:min(12, len(s.SessionID))], strings.Join(s.ClientIDs, ","), orDash(s.LastMetadata.City), orDash(s.LastMetadata.Country), ts(s.InitiatedAt)}
}

const sessionHeader = "SESSION|CLIENTS|CITY|COUNTRY|INITIATED"

func (q *quickstart) userSessions(ctx context.Context) error {
	q.title("Users.Sessions", "MonoCloud")
	if q.in.monoCloudUserID == "" {
		q.skip("SESSIONKIT_MONOCLOUD_USER_ID")
		return nil
	}
	page, err := q.client.Users.Sessions(ctx, q.in.monoCloudUserID, users.SessionsOptions{
		Sort: users.Sort{Key: users.SortByInitiatedAt, Order: users.Descending},
	})
	if err != nil {
		return err
	}
	q.paginationLine(page.Pagination, len(page.Sessions), "sessions")
	var rows [][]string
	for _, s := range page.Sessions[:min(shown, len(page.Sessions))] {
		rows = append(rows, sessionRow(s))
	}
	q.table(sessionHeader, rows, len(page.Sessions)-len(rows))
	return nil
}

func (q *quickstart) userSessionsIter(ctx context.Context) error {
	q.title("Users.SessionsIter", "MonoCloud")
	if q.in.monoCloudUserID == "" {
		q.skip("SESSIONKIT_MONOCLOUD_USER_ID")
		return nil
	}
	countries := map[string]int{}
	var order []string
	n := 0
	for s, err := range q.client.Users.SessionsIter(ctx, q.in.monoCloudUserID, users.SessionsOptions{Size: 10}) {
		if err != nil {
			return err
		}
		n++
		c := orDash(s.LastMetadata.Country)
		if countries[c] == 0 {
			order = append(order, c)
		}
		countries[c]++
	}
	fmt.Fprintf(q.out, "   walked %d sessions in pages of 10; by country:\n", n)
	var rows [][]string
	for _, c := range order {
		rows = append(rows, []string{c, fmt.Sprint(countries[c])})
	}
	q.table("COUNTRY|SESSIONS", rows, 0)
	return nil
}
