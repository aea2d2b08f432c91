package sessionkit_test

// The four APIs as the root tests see them, in one table: for each API,
// the single-page call and the walk (both reduced to item IDs), the route
// it answers, how a request names its page, the envelope of an OK page,
// the item a fake server lists, the realistic item the benchmark fixture
// serves, and the hand-written raw client's page. Every suite that runs
// once per API takes what it needs from [apis]; nothing else switches on
// the API. (Error answers come from the sessionkittest kit's Status
// fault, which sends each vendor's own error body.)

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/traces"
	"github.com/sessionkit/sessionkit-go/users"
)

// allAPIs lists the four APIs, in [sessionkit.API] order.
var allAPIs = []sessionkit.API{sessionkit.Ductape, sessionkit.Zoom, sessionkit.Arthur, sessionkit.MonoCloud}

// listArgs are what a call or walk of each API asks for.
type listArgs struct {
	product, session string               // Ductape
	zoomSession      string               // Zoom
	zoomType         sessions.SessionType // Zoom
	tasks            []string             // Arthur
	monoUser         string               // MonoCloud
}

// fakeArgs are what the hand-written fake servers answer for.
var fakeArgs = listArgs{product: "p", session: "s", zoomSession: "sess-1", tasks: []string{"t1"}, monoUser: "u1"}

// kitArgs are what srv holds: Ductape's session, Zoom's first (ended)
// session, Arthur's rows of every task, the first MonoCloud user.
func kitArgs(srv *sessionkittest.Server) listArgs {
	d := srv.Data()
	return listArgs{product: d.Product, session: d.Session, zoomSession: d.ZoomSessionIDs[0], zoomType: sessions.Past,
		tasks: d.ArthurTaskIDs, monoUser: d.MonoCloudUserIDs[0]}
}

// startPos is where a walk or a page call starts: a page number in the
// API's own numbering, or a Zoom token.
type startPos struct {
	page  int
	token string
}

// pageMeta is what a fake page says about its listing besides the items:
// the JSON text fields are spliced into the API's body as given, so a
// test can make a server claim any total.
type pageMeta struct {
	total, totalPages string // Ductape total, totalPages (JSON text); Arthur count (total)
	page, size        int    // Ductape page and limit; Zoom page_size
	token             string // Zoom next_page_token
	pagination        string // MonoCloud X-Pagination ("" sends none)
}

// apiCase is what the root tests need to know about one API.
type apiCase struct {
	// name is the API's name in subtest names ("Ductape").
	name string
	// kit is the API's name in [sessionkittest] faults and matches.
	kit string
	// firstPage is the number of the API's first page (Zoom: the k of
	// the token "tok-k" the fake servers hand out for page k).
	firstPage int
	// cursor reports whether pages are named by a token the previous page
	// hands out (so that they can only be fetched one after another),
	// not by number (the first page tells the last one's: prefetch can
	// fetch them in parallel).
	cursor bool
	// headerTotals reports whether the totals come in the X-Pagination
	// header rather than in the body.
	headerTotals bool
	// keyHeader reports whether the API key goes in X-API-KEY rather than
	// in Authorization.
	keyHeader bool
	// maxPageSize is the most items a page may hold (0: no limit).
	maxPageSize int
	// route is the path the single-page call for a asks for.
	route func(workspace string, a listArgs) string
	// page makes the single-page call for a at at, size items (0: the
	// API's default), and returns the page and its number of items.
	page func(ctx context.Context, c *sessionkit.Client, a listArgs, at startPos, size int) (any, int, error)
	// ids are the item IDs of a page the page call returned.
	ids func(page any) []string
	// walk walks the listing for a from at with the API's iterator, in
	// pages of size, and yields item IDs.
	walk func(ctx context.Context, c *sessionkit.Client, a listArgs, at startPos, size int) iter.Seq2[string, error]
	// everyQuery makes one page call for a with every query parameter
	// the API has.
	everyQuery func(ctx context.Context, c *sessionkit.Client, a listArgs) error
	// position reads which page a request asks for (0-based) and its
	// size; ok is false when a Zoom token is not one "tok-k".
	position func(q url.Values) (idx, size int, ok bool)
	// envelope is the JSON text around the items of an OK page.
	envelope func(m pageMeta) (head, tail string)
	// emptyBody is a valid, empty single-page answer.
	emptyBody string
	// item is item i of a fake listing, in the API's JSON shape, with
	// the ID itemID(i).
	item func(i int) string
	// kitIDs are the IDs the walk yields from d, in d's order.
	kitIDs func(d *sessionkittest.Dataset) []string
	// fixtureID and appendFixtureItem are the benchmark fixture's item i
	// of page idx (see fixtureserver_test.go).
	fixtureID         func(idx, i int) string
	appendFixtureItem func(b []byte, idx, i int) []byte
	// rawPage, rawEveryQuery and rawMatches are the hand-written raw
	// client's side (see rawclient_test.go).
	rawPage       func(ctx context.Context, rc *rawClient, a listArgs, idx, size int) (any, int, error)
	rawEveryQuery func(ctx context.Context, rc *rawClient, a listArgs) error
	rawMatches    func(t *testing.T, raw, page any)
}

// apis is the table, indexed by API.
var apis = [...]apiCase{
	sessionkit.Ductape: {
		name: "Ductape", kit: sessionkittest.Ductape, firstPage: 1,
		route: func(ws string, _ listArgs) string { return "/integrations/v1/session/users/" + ws },
		page: func(ctx context.Context, c *sessionkit.Client, a listArgs, at startPos, size int) (any, int, error) {
			p, err := c.Sessions.FetchUsers(ctx, sessions.FetchUsersOptions{Product: a.product, Session: a.session, Page: at.page, Limit: size})
			if err != nil {
				return nil, 0, err
			}
			return p, len(p.Users), nil
		},
		ids: func(p any) []string { return collectIDs(p.(*sessions.UsersPage).Users, userID) },
		walk: func(ctx context.Context, c *sessionkit.Client, a listArgs, at startPos, size int) iter.Seq2[string, error] {
			return mapIDs(c.Sessions.FetchUsersIter(ctx, sessions.FetchUsersOptions{Product: a.product, Session: a.session, Page: at.page, Limit: size}), userID)
		},
		everyQuery: func(ctx context.Context, c *sessionkit.Client, a listArgs) error {
			_, err := c.Sessions.FetchUsers(ctx, sessions.FetchUsersOptions{
				Product: a.product, Session: a.session, Env: "production", Page: 3, Limit: 100})
			return err
		},
		position: func(q url.Values) (int, int, bool) { return queryInt(q, "page", 1) - 1, queryInt(q, "limit", 20), true },
		envelope: func(m pageMeta) (string, string) {
			return `{"status": true, "data": {"users": [`,
				fmt.Sprintf(`], "total": %s, "page": %d, "limit": %d, "totalPages": %s}}`, m.total, m.page, m.size, m.totalPages)
		},
		emptyBody: `{"status": true, "data": {"users": [], "total": 0, "page": 1, "limit": 20, "totalPages": 0}}`,
		item: func(i int) string {
			return fmt.Sprintf(`{"_id": %q, "identifier": "user%d@example.com", "first_seen": "2026-10-01T09:12:44.120Z"}`, itemID(i), i)
		},
		kitIDs: func(d *sessionkittest.Dataset) []string {
			return collectIDs(d.DuctapeUsers, func(u *sessionkittest.DuctapeUser) string { return u.ID })
		},
		fixtureID:         ductapeFixtureID,
		appendFixtureItem: appendDuctapeFixture,
		rawPage:           rawDuctapePageAt,
		rawEveryQuery:     rawDuctapeEveryQuery,
		rawMatches:        rawDuctapeMatches,
	},
	sessionkit.Zoom: {
		name: "Zoom", kit: sessionkittest.Zoom, firstPage: 1, cursor: true, maxPageSize: sessions.MaxZoomPageSize,
		route: func(_ string, a listArgs) string { return "/videosdk/sessions/" + a.zoomSession + "/users" },
		page: func(ctx context.Context, c *sessionkit.Client, a listArgs, at startPos, size int) (any, int, error) {
			p, err := c.Sessions.ListUsers(ctx, a.zoomSession, sessions.ListUsersOptions{Type: a.zoomType, PageSize: size, NextPageToken: at.token})
			if err != nil {
				return nil, 0, err
			}
			return p, len(p.Users), nil
		},
		ids: func(p any) []string { return collectIDs(p.(*sessions.ListUsersPage).Users, videoUserID) },
		walk: func(ctx context.Context, c *sessionkit.Client, a listArgs, at startPos, size int) iter.Seq2[string, error] {
			return mapIDs(c.Sessions.ListUsersIter(ctx, a.zoomSession, sessions.ListUsersOptions{Type: a.zoomType, PageSize: size, NextPageToken: at.token}), videoUserID)
		},
		everyQuery: func(ctx context.Context, c *sessionkit.Client, a listArgs) error {
			_, err := c.Sessions.ListUsers(ctx, a.zoomSession, sessions.ListUsersOptions{
				Type: sessions.Past, PageSize: 300, NextPageToken: "tok-7"})
			return err
		},
		position: func(q url.Values) (int, int, bool) {
			size := queryInt(q, "page_size", 30)
			tok := q.Get("next_page_token")
			if tok == "" {
				return 0, size, true
			}
			k, err := strconv.Atoi(strings.TrimPrefix(tok, "tok-"))
			if err != nil {
				return 1, size, false // any other token stands for the second page
			}
			return k - 1, size, true
		},
		envelope: func(m pageMeta) (string, string) {
			return fmt.Sprintf(`{"page_size": %d, "next_page_token": %q, "users": [`, m.size, m.token), `]}`
		},
		emptyBody: `{"page_size": 30, "next_page_token": "", "users": []}`,
		item: func(i int) string {
			return fmt.Sprintf(`{"id": %q, "name": "user %d", "join_time": "2021-12-07T05:42:28Z"}`, itemID(i), i)
		},
		kitIDs: func(d *sessionkittest.Dataset) []string {
			return collectIDs(d.ZoomUsers[d.ZoomSessionIDs[0]], func(u *sessionkittest.ZoomUser) string { return u.ID })
		},
		fixtureID:         zoomFixtureID,
		appendFixtureItem: appendZoomFixture,
		rawPage:           rawZoomPageAt,
		rawEveryQuery:     rawZoomEveryQuery,
		rawMatches:        rawZoomMatches,
	},
	sessionkit.Arthur: {
		name: "Arthur", kit: sessionkittest.Arthur, firstPage: 0,
		route: func(string, listArgs) string { return "/api/v1/traces/users" },
		page: func(ctx context.Context, c *sessionkit.Client, a listArgs, at startPos, size int) (any, int, error) {
			p, err := c.Traces.Users(ctx, traces.UsersOptions{TaskIDs: a.tasks, PageSize: size, Page: at.page})
			if err != nil {
				return nil, 0, err
			}
			return p, len(p.Users), nil
		},
		ids: func(p any) []string { return collectIDs(p.(*traces.UsersPage).Users, traceUserID) },
		walk: func(ctx context.Context, c *sessionkit.Client, a listArgs, at startPos, size int) iter.Seq2[string, error] {
			return mapIDs(c.Traces.UsersIter(ctx, traces.UsersOptions{TaskIDs: a.tasks, PageSize: size, Page: at.page}), traceUserID)
		},
		everyQuery: func(ctx context.Context, c *sessionkit.Client, a listArgs) error {
			_, err := c.Traces.Users(ctx, traces.UsersOptions{
				TaskIDs: append(a.tasks[:1:1], "t-2"), StartTime: fixtureBaseTime, EndTime: fixtureBaseTime.Add(time.Hour),
				Sort: traces.Asc, PageSize: 100, Page: 2})
			return err
		},
		position: func(q url.Values) (int, int, bool) { return queryInt(q, "page", 0), queryInt(q, "page_size", 10), true },
		envelope: func(m pageMeta) (string, string) {
			return fmt.Sprintf(`{"count": %s, "users": [`, m.total), `], "display_currency": "USD"}`
		},
		emptyBody: `{"count": 0, "users": []}`,
		item: func(i int) string {
			return fmt.Sprintf(`{"user_id": %q, "task_id": "t1", "earliest_start_time": "2026-11-20T09:30:00.250000"}`, itemID(i))
		},
		kitIDs: func(d *sessionkittest.Dataset) []string {
			return collectIDs(d.ArthurUsers, func(u *sessionkittest.ArthurUser) string { return u.UserID })
		},
		fixtureID:         arthurFixtureID,
		appendFixtureItem: appendArthurFixture,
		rawPage:           rawArthurPageAt,
		rawEveryQuery:     rawArthurEveryQuery,
		rawMatches:        rawArthurMatches,
	},
	sessionkit.MonoCloud: {
		name: "MonoCloud", kit: sessionkittest.MonoCloud, firstPage: 1, headerTotals: true, keyHeader: true,
		route: func(_ string, a listArgs) string { return "/api/users/" + a.monoUser + "/sessions" },
		page: func(ctx context.Context, c *sessionkit.Client, a listArgs, at startPos, size int) (any, int, error) {
			p, err := c.Users.Sessions(ctx, a.monoUser, users.SessionsOptions{Page: at.page, Size: size})
			if err != nil {
				return nil, 0, err
			}
			return p, len(p.Sessions), nil
		},
		ids: func(p any) []string { return collectIDs(p.(*users.SessionsPage).Sessions, sessionID) },
		walk: func(ctx context.Context, c *sessionkit.Client, a listArgs, at startPos, size int) iter.Seq2[string, error] {
			return mapIDs(c.Users.SessionsIter(ctx, a.monoUser, users.SessionsOptions{Page: at.page, Size: size}), sessionID)
		},
		everyQuery: func(ctx context.Context, c *sessionkit.Client, a listArgs) error {
			_, err := c.Users.Sessions(ctx, a.monoUser, users.SessionsOptions{
				Page: 2, Size: 100, ClientID: "eCOGRJYpnNwwAAuCeReEW",
				Sort: users.Sort{Key: users.SortByInitiatedAt, Order: users.Descending}})
			return err
		},
		position:  func(q url.Values) (int, int, bool) { return queryInt(q, "page", 1) - 1, queryInt(q, "size", 10), true },
		envelope:  func(pageMeta) (string, string) { return `[`, `]` },
		emptyBody: `[]`,
		item: func(i int) string {
			return fmt.Sprintf(`{"session_id": %q, "initiated_at": 1640975400, "last_metadata": {"country": null}}`, itemID(i))
		},
		kitIDs: func(d *sessionkittest.Dataset) []string {
			return collectIDs(d.MonoCloudSessions[d.MonoCloudUserIDs[0]], func(s *sessionkittest.MonoCloudSession) string { return s.SessionID })
		},
		fixtureID:         monoCloudFixtureID,
		appendFixtureItem: appendMonoCloudFixture,
		rawPage:           rawMonoCloudPageAt,
		rawEveryQuery:     rawMonoCloudEveryQuery,
		rawMatches:        rawMonoCloudMatches,
	},
}

// The ID of each API's item.
func userID(u *sessions.User) string            { return u.ID }
func videoUserID(u *sessions.VideoUser) string  { return u.ID }
func traceUserID(u *traces.UserMetadata) string { return u.UserID }
func sessionID(s *users.Session) string         { return s.SessionID }

// credential is the header that carries key to api, and its value.
func credential(api sessionkit.API, key string) (header, value string) {
	if apis[api].keyHeader {
		return "X-Api-Key", key
	}
	return "Authorization", "Bearer " + key
}

// startAt is where page idx (0-based position) of a walk of api starts,
// as its options and a [sessionkit.PageError] name it.
func startAt(api sessionkit.API, idx int) startPos {
	if apis[api].cursor {
		if idx == 0 {
			return startPos{}
		}
		return startPos{token: zoomToken(idx)}
	}
	return startPos{page: idx + apis[api].firstPage}
}

// zoomToken is the next_page_token the fake servers hand out for page idx
// (0-based): "tok-k" names page k, counted from 1.
func zoomToken(idx int) string { return "tok-" + strconv.Itoa(idx+1) }

// honestMeta is the truthful answer about a listing of n items on page
// idx (0-based) of pages of size.
func honestMeta(n, idx, size int) pageMeta {
	pages := 0
	if size > 0 {
		pages = (n + size - 1) / size
	}
	m := pageMeta{total: strconv.Itoa(n), totalPages: strconv.Itoa(pages), page: idx + 1, size: size,
		pagination: fmt.Sprintf(`{"total_count": %d, "page_size": %d, "current_page": %d, "has_next": %t, "has_previous": %t}`,
			n, size, idx+1, idx+1 < pages, idx > 0)}
	if idx+1 < pages {
		m.token = zoomToken(idx + 1)
	}
	return m
}

// writePage answers with an OK page of api: items (JSON values joined by
// commas) in the API's envelope, described by m.
func writePage(w http.ResponseWriter, api sessionkit.API, items []byte, m pageMeta) {
	head, tail := apis[api].envelope(m)
	if apis[api].headerTotals && m.pagination != "" {
		w.Header().Set("X-Pagination", m.pagination)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(head)+len(items)+len(tail)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(head))
	_, _ = w.Write(items)
	_, _ = w.Write([]byte(tail))
}

// pageBody is an OK page of api with m's totals and items itemID(lo) to
// itemID(hi-1), as one string (header totals aside).
func pageBody(api sessionkit.API, lo, hi int, m pageMeta) string {
	head, tail := apis[api].envelope(m)
	return head + fakeItems(api, lo, hi) + tail
}

// fakeItems are items lo to hi-1 of a fake listing of api, joined by
// commas.
func fakeItems(api sessionkit.API, lo, hi int) string {
	items := make([]string, 0, max(hi-lo, 0))
	for i := lo; i < hi; i++ {
		items = append(items, apis[api].item(i))
	}
	return strings.Join(items, ",")
}

// itemIDs returns the item IDs from index lo (inclusive) to hi.
func itemIDs(lo, hi int) []string {
	out := make([]string, 0, hi-lo)
	for i := lo; i < hi; i++ {
		out = append(out, itemID(i))
	}
	return out
}

// itemID is the ID of item i of a fake listing.
func itemID(i int) string { return fmt.Sprintf("item-%03d", i) }

// queryInt is q's key as a number, or def.
func queryInt(q url.Values, key string, def int) int {
	if v, err := strconv.Atoi(q.Get(key)); err == nil {
		return v
	}
	return def
}

// routeOf returns the API whose route, for workspace and a, is path.
func routeOf(path, workspace string, a listArgs) (sessionkit.API, bool) {
	for _, api := range allAPIs {
		if apis[api].route(workspace, a) == path {
			return api, true
		}
	}
	return 0, false
}

// callPage makes one single-page call to api, for fakeArgs.
func callPage(ctx context.Context, c *sessionkit.Client, api sessionkit.API) error {
	_, _, err := apis[api].page(ctx, c, fakeArgs, startPos{}, 0)
	return err
}

// pageIDs makes api's single-page call for fakeArgs and returns the item
// IDs.
func pageIDs(ctx context.Context, c *sessionkit.Client, api sessionkit.API) ([]string, error) {
	p, _, err := apis[api].page(ctx, c, fakeArgs, startPos{}, 0)
	if err != nil {
		return nil, err
	}
	return apis[api].ids(p), nil
}

// walkIDs walks api's listing with its iterator, for fakeArgs, and yields
// item IDs.
func walkIDs(ctx context.Context, c *sessionkit.Client, api sessionkit.API, at startPos, size int) iter.Seq2[string, error] {
	return apis[api].walk(ctx, c, fakeArgs, at, size)
}

// kitCall makes callPage's single-page call to api, for what srv holds.
func kitCall(ctx context.Context, c *sessionkit.Client, srv *sessionkittest.Server, api sessionkit.API) error {
	_, _, err := apis[api].page(ctx, c, kitArgs(srv), startPos{}, 0)
	return err
}

// kitWalk is walkIDs for what srv holds (see kitArgs).
func kitWalk(ctx context.Context, c *sessionkit.Client, srv *sessionkittest.Server, api sessionkit.API, at startPos, size int) iter.Seq2[string, error] {
	return apis[api].walk(ctx, c, kitArgs(srv), at, size)
}

// kitIDs are the IDs kitWalk yields from srv, in the data's order (the kit
// may list them in another).
func kitIDs(srv *sessionkittest.Server, api sessionkit.API) []string {
	return apis[api].kitIDs(srv.Data())
}

// collectIDs returns the ID of each of items.
func collectIDs[T any](items []T, id func(*T) string) []string {
	ids := make([]string, 0, len(items))
	for i := range items {
		ids = append(ids, id(&items[i]))
	}
	return ids
}

// mapIDs yields the ID of each item of seq, and each error as it comes
// (so that a test sees anything a walk yields after an error).
func mapIDs[T any](seq iter.Seq2[T, error], id func(*T) string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for v, err := range seq {
			s := ""
			if err == nil {
				s = id(&v)
			}
			if !yield(s, err) {
				return
			}
		}
	}
}

// drain consumes seq and returns the number of items and the first
// error.
func drain(seq iter.Seq2[string, error]) (int, error) {
	n := 0
	for _, err := range seq {
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// singlePage is the only page of a listing of api, with items itemID(lo)
// to itemID(hi-1).
func singlePage(api sessionkit.API, lo, hi int) string {
	return pageBody(api, lo, hi, pageMeta{total: strconv.Itoa(hi - lo), totalPages: "1", page: 1, size: 20})
}

// kitTime parses a time string of the kit's data the way the contract
// says: RFC 3339, or zone-less ISO 8601 as UTC; "" is the zero time.
func kitTime(t *testing.T, s string) time.Time {
	t.Helper()
	if s == "" {
		return time.Time{}
	}
	if v, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return v
	}
	v, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", s, time.UTC)
	require.NoError(t, err, s)
	return v
}

// walkCollect ranges seq and returns the items, the errors, and whether
// an item came after an error.
func walkCollect(seq func(func(string, error) bool), each func(n int)) (items []string, errs []error, after bool) {
	for id, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		after = after || len(errs) > 0
		items = append(items, id)
		if each != nil {
			each(len(items))
		}
	}
	return items, errs, after
}

// pageSizeFor is n, or the most items a page of api may hold when that is
// less (Zoom: 300): a bigger page is a malformed answer.
func pageSizeFor(api sessionkit.API, n int) int {
	if m := apis[api].maxPageSize; m > 0 {
		return min(n, m)
	}
	return n
}
