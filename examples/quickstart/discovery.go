package main

import (
	"context"
	"fmt"
	"iter"
	"os"
	"strings"
	"time"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/traces"
	"github.com/sessionkit/sessionkit-go/users"
)

// The discovery steps list what the other steps walk: Zoom sessions,
// MonoCloud users and Arthur tasks. They run first, and fill in the
// identifiers no variable gave.

// configured reports whether the environment gives api a credential (and,
// for Arthur and MonoCloud, a base URL); offline every API is.
func (q *quickstart) configured(api sessionkit.API) bool {
	if q.offline {
		return true
	}
	name := strings.ToUpper(api.String())
	has := func(suffix string) bool {
		return os.Getenv("SESSIONKIT_"+suffix) != "" || os.Getenv("SESSIONKIT_"+name+"_"+suffix) != ""
	}
	key := has("API_KEY") || (api == sessionkit.Zoom && os.Getenv("SESSIONKIT_ZOOM_SDK_KEY") != "")
	if api == sessionkit.Arthur || api == sessionkit.MonoCloud {
		return key && has("BASE_URL")
	}
	return key
}

func (q *quickstart) discoveryReady(api sessionkit.API) bool {
	if q.configured(api) {
		return true
	}
	name := strings.ToUpper(api.String())
	q.skip(fmt.Sprintf("SESSIONKIT_%s_API_KEY (and SESSIONKIT_%s_BASE_URL) to list what %s holds", name, name, api))
	return false
}

func videoSessionRow(s sessions.VideoSession) []string {
	return []string{s.ID, orDash(s.SessionName), ts(s.StartTime), s.Duration.String(), fmt.Sprint(s.UserCount)}
}

const videoSessionHeader = "SESSION|NAME|STARTED|DURATION|USERS"

func (q *quickstart) listSessions(ctx context.Context) error {
	q.title("Sessions.ListSessions", "Zoom Video SDK")
	if !q.discoveryReady(sessionkit.Zoom) {
		return nil
	}
	page, err := q.client.Sessions.ListSessions(ctx, sessions.ListSessionsOptions{
		From: q.in.now.AddDate(0, -1, 0), To: q.in.now, Type: sessions.Past, // Zoom's default type is live
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(q.out, "   sessions that ended from %s to %s: %d on the first page, more pages: %v\n",
		page.From, page.To, len(page.Sessions), page.NextPageToken != "")
	var rows [][]string
	for _, s := range page.Sessions[:min(shown, len(page.Sessions))] {
		rows = append(rows, videoSessionRow(s))
	}
	q.table(videoSessionHeader, rows, len(page.Sessions)-len(rows))
	if q.in.zoomSessionID == "" && len(page.Sessions) > 0 {
		q.in.zoomSessionID, q.in.zoomType = page.Sessions[0].ID, sessions.Past
	}
	return nil
}

func (q *quickstart) listSessionsIter(ctx context.Context) error {
	q.title("Sessions.ListSessionsIter", "Zoom Video SDK")
	if !q.discoveryReady(sessionkit.Zoom) {
		return nil
	}
	perMonth := map[string]int{}
	var order []string
	n := 0
	var total time.Duration
	for s, err := range q.client.Sessions.ListSessionsIter(ctx, sessions.ListSessionsOptions{
		From: q.in.now.AddDate(0, -6, 0), To: q.in.now, Type: sessions.Past,
	}) {
		if err != nil {
			return err
		}
		n++
		total += s.Duration
		m := s.StartTime.UTC().Format("2006-01")
		if perMonth[m] == 0 {
			order = append(order, m)
		}
		perMonth[m]++
	}
	fmt.Fprintf(q.out, "   walked %d sessions of the last six months, month by month (%s in all); by month:\n", n, total)
	var rows [][]string
	for _, m := range order {
		rows = append(rows, []string{m, fmt.Sprint(perMonth[m])})
	}
	q.table("MONTH|SESSIONS", rows, 0)
	return nil
}

func (q *quickstart) fanOutZoom(ctx context.Context) error {
	q.title("FanOut: every user of every ended session", "Zoom Video SDK")
	if !q.discoveryReady(sessionkit.Zoom) {
		return nil
	}
	ended := q.client.Sessions.ListSessionsIter(ctx, sessions.ListSessionsOptions{From: q.in.now.AddDate(0, -6, 0), To: q.in.now, Type: sessions.Past})
	usersOf := func(ctx context.Context, s sessions.VideoSession) iter.Seq2[sessions.VideoUser, error] {
		return q.client.Sessions.ListUsersIter(ctx, s.ID, sessions.ListUsersOptions{Type: sessions.Past, PageSize: 50})
	}
	start := time.Now()
	n, names := 0, map[string]bool{}
	for u, err := range sessionkit.FanOut(ctx, ended, 4, usersOf) {
		if err != nil {
			return err // a *sessionkit.FanOutError says which session, its PageError which page
		}
		n++
		names[u.Name] = true
	}
	fmt.Fprintf(q.out, "   %d joins by %d distinct names, four sessions at a time, in %s\n", n, len(names), time.Since(start).Round(time.Millisecond))
	return nil
}

func monoUserRow(u users.User) []string {
	email := "-"
	if len(u.Emails) > 0 {
		email = u.Emails[0].Email
	}
	name, _ := u.Claims["name"].(string)
	return []string{u.UserID[:min(8, len(u.UserID))], orDash(name), email, ts(u.CreationTime), ts(u.LastActivity)}
}

const monoUserHeader = "USER|NAME|EMAIL|CREATED|LAST ACTIVE"

// paginationLine prints what a MonoCloud page's X-Pagination header says
// about n items of a listing sorted newest first.
func (q *quickstart) paginationLine(p *users.Pagination, n int, noun string) {
	if p == nil {
		fmt.Fprintf(q.out, "   %d %s (no X-Pagination header: totals unknown)\n", n, noun)
		return
	}
	fmt.Fprintf(q.out, "   page %d: %d of %d %s, newest first (has next: %v)\n", p.CurrentPage, n, p.TotalCount, noun, p.HasNext)
}

func (q *quickstart) usersList(ctx context.Context) error {
	q.title("Users.List", "MonoCloud")
	if !q.discoveryReady(sessionkit.MonoCloud) {
		return nil
	}
	page, err := q.client.Users.List(ctx, users.ListOptions{Sort: users.Sort{Key: users.SortByCreationTime, Order: users.Descending}})
	if err != nil {
		return err
	}
	q.paginationLine(page.Pagination, len(page.Users), "users")
	var rows [][]string
	for _, u := range page.Users[:min(shown, len(page.Users))] {
		rows = append(rows, monoUserRow(u))
	}
	q.table(monoUserHeader, rows, len(page.Users)-len(rows))
	if q.in.monoCloudUserID == "" && len(page.Users) > 0 {
		q.in.monoCloudUserID = page.Users[0].UserID
	}
	return nil
}

func (q *quickstart) usersListIter(ctx context.Context) error {
	q.title("Users.ListIter, then SessionsIter of each (FanOut)", "MonoCloud")
	if !q.discoveryReady(sessionkit.MonoCloud) {
		return nil
	}
	all := q.client.Users.ListIter(ctx, users.ListOptions{Size: 5})
	sessionsOf := func(ctx context.Context, u users.User) iter.Seq2[users.Session, error] {
		return q.client.Users.SessionsIter(ctx, u.UserID, users.SessionsOptions{Size: 50})
	}
	people := 0
	for _, err := range all {
		if err != nil {
			return err
		}
		people++
	}
	n := 0
	for _, err := range sessionkit.FanOut(ctx, all, 3, sessionsOf) {
		if err != nil {
			return err
		}
		n++
	}
	fmt.Fprintf(q.out, "   walked %d users in pages of 5, then their %d sessions, three users at a time\n", people, n)
	return nil
}

func taskRow(t traces.Task) []string {
	return []string{t.ID[:min(8, len(t.ID))], t.Name, ts(t.CreatedAt), fmt.Sprint(t.IsAgentic), fmt.Sprint(t.IsArchived)}
}

const taskHeader = "TASK|NAME|CREATED|AGENTIC|ARCHIVED"

func (q *quickstart) tasks(ctx context.Context) error {
	q.title("Traces.Tasks", "Arthur GenAI Engine")
	if !q.discoveryReady(sessionkit.Arthur) {
		return nil
	}
	page, err := q.client.Traces.Tasks(ctx, traces.TasksOptions{IncludeArchived: true})
	if err != nil {
		return err
	}
	fmt.Fprintf(q.out, "   first page: %d of %d tasks, archived ones included, newest first\n", len(page.Tasks), page.Count)
	var rows [][]string
	for _, t := range page.Tasks[:min(shown, len(page.Tasks))] {
		rows = append(rows, taskRow(t))
	}
	q.table(taskHeader, rows, len(page.Tasks)-len(rows))
	return nil
}

func (q *quickstart) tasksIter(ctx context.Context) error {
	q.title("Traces.TasksIter", "Arthur GenAI Engine")
	if !q.discoveryReady(sessionkit.Arthur) {
		return nil
	}
	var ids []string
	var rows [][]string
	for t, err := range q.client.Traces.TasksIter(ctx, traces.TasksOptions{Sort: traces.Asc, PageSize: 1}) {
		if err != nil {
			return err
		}
		ids = append(ids, t.ID)
		if len(rows) < shown {
			rows = append(rows, taskRow(t))
		}
	}
	fmt.Fprintf(q.out, "   walked %d active tasks, one per page, oldest first:\n", len(ids))
	q.table(taskHeader, rows, len(ids)-len(rows))
	if len(q.in.taskIDs) == 0 {
		q.in.taskIDs = ids
	}
	return nil
}
