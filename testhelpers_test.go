package sessionkit_test

// Helpers shared by the root tests: a client pointed at one base URL
// (relClient), one single-page call per API (relCall), hand-written
// servers for what the kit cannot be (relServe, relPager, a refused port,
// a hung TCP server) and walks reduced to item IDs (relWalk).

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/traces"
	"github.com/sessionkit/sessionkit-go/users"
)

const (
	relKey       = "sk-rel-SECRET-key-7f3a9c"
	relWorkspace = "ws_rel"
)

var relAPIs = []sessionkit.API{sessionkit.Ductape, sessionkit.Zoom, sessionkit.Arthur, sessionkit.MonoCloud}

// relOKBody is a valid, empty single-page answer of each API.
var relOKBody = map[sessionkit.API]string{
	sessionkit.Ductape:   `{"status": true, "data": {"users": [], "total": 0, "page": 1, "limit": 20, "totalPages": 0}}`,
	sessionkit.Zoom:      `{"page_size": 30, "next_page_token": "", "users": []}`,
	sessionkit.Arthur:    `{"count": 0, "users": []}`,
	sessionkit.MonoCloud: `[]`,
}

// relClient returns a client whose every API points at base, with the test
// key and fast retries.
func relClient(t testing.TB, base string, opts ...sessionkit.Option) *sessionkit.Client {
	t.Helper()
	all := append([]sessionkit.Option{
		sessionkit.WithBaseURL(base),
		sessionkit.WithAPIKey(relKey),
		sessionkit.WithWorkspaceID(relWorkspace),
		sessionkit.WithRetryWait(time.Millisecond, 20*time.Millisecond),
	}, opts...)
	c, err := sessionkit.NewClient(all...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// relCall makes one single-page call to api, for relArgs.
func relCall(ctx context.Context, c *sessionkit.Client, api sessionkit.API) error {
	return callFor(ctx, c, api, relArgs)
}

// listArgs are what a call or walk of each API asks for.
type listArgs struct {
	product, session string               // Ductape
	zoomSession      string               // Zoom
	zoomType         sessions.SessionType // Zoom
	tasks            []string             // Arthur
	monoUser         string               // MonoCloud
}

// relArgs are what the hand-written servers answer for.
var relArgs = listArgs{product: "p", session: "s", zoomSession: "sess-1", tasks: []string{"t1"}, monoUser: "u1"}

// kitArgs are what srv holds: Ductape's session, Zoom's first (ended)
// session, Arthur's rows of every task, the first MonoCloud user.
func kitArgs(srv *sessionkittest.Server) listArgs {
	d := srv.Data()
	return listArgs{product: d.Product, session: d.Session, zoomSession: d.ZoomSessionIDs[0], zoomType: sessions.Past,
		tasks: d.ArthurTaskIDs, monoUser: d.MonoCloudUserIDs[0]}
}

// callFor makes one single-page call to api for a.
func callFor(ctx context.Context, c *sessionkit.Client, api sessionkit.API, a listArgs) error {
	var err error
	switch api {
	case sessionkit.Ductape:
		_, err = c.Sessions.FetchUsers(ctx, sessions.FetchUsersOptions{Product: a.product, Session: a.session})
	case sessionkit.Zoom:
		_, err = c.Sessions.ListUsers(ctx, a.zoomSession, sessions.ListUsersOptions{Type: a.zoomType})
	case sessionkit.Arthur:
		_, err = c.Traces.Users(ctx, traces.UsersOptions{TaskIDs: a.tasks})
	default:
		_, err = c.Users.Sessions(ctx, a.monoUser, users.SessionsOptions{})
	}
	return err
}

func relJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// relDropConn closes the connection without an answer.
func relDropConn(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

type relRequest struct {
	at     time.Time
	uri    string
	header http.Header
}

// relServer is an httptest server that records requests and answers with
// a function of the request's index.
type relServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []relRequest
}

func relServe(t testing.TB, h func(n int, w http.ResponseWriter, r *http.Request)) *relServer {
	t.Helper()
	s := &relServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		n := len(s.reqs)
		s.reqs = append(s.reqs, relRequest{at: time.Now(), uri: r.RequestURI, header: r.Header.Clone()})
		s.mu.Unlock()
		h(n, w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *relServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.reqs)
}

func (s *relServer) requests() []relRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]relRequest(nil), s.reqs...)
}

// relRefusedURL returns the URL of a port where nothing listens.
func relRefusedURL(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return "http://" + addr
}

// relHungServer returns the URL of a server that accepts connections and
// never answers.
func relHungServer(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return "http://" + ln.Addr().String()
}

// relIDs returns the item IDs from index lo (inclusive) to hi.
func relIDs(lo, hi int) []string {
	out := make([]string, 0, hi-lo)
	for i := lo; i < hi; i++ {
		out = append(out, relID(i))
	}
	return out
}

func relID(i int) string { return fmt.Sprintf("item-%03d", i) }

// relStart is where a walk starts: a page number or a Zoom token.
type relStart struct {
	page  int
	token string
}

// relWalk walks api's listing with its iterator, for relArgs, and yields
// item IDs.
func relWalk(ctx context.Context, c *sessionkit.Client, api sessionkit.API, start relStart, size int) iter.Seq2[string, error] {
	return walkFor(ctx, c, api, relArgs, start, size)
}

// walkFor walks api's listing for a with its iterator and yields item IDs.
func walkFor(ctx context.Context, c *sessionkit.Client, api sessionkit.API, a listArgs, start relStart, size int) iter.Seq2[string, error] {
	switch api {
	case sessionkit.Ductape:
		return relMap(c.Sessions.FetchUsersIter(ctx, sessions.FetchUsersOptions{Product: a.product, Session: a.session, Page: start.page, Limit: size}),
			func(u sessions.User) string { return u.Identifier })
	case sessionkit.Zoom:
		return relMap(c.Sessions.ListUsersIter(ctx, a.zoomSession, sessions.ListUsersOptions{Type: a.zoomType, PageSize: size, NextPageToken: start.token}),
			func(u sessions.VideoUser) string { return u.ID })
	case sessionkit.Arthur:
		return relMap(c.Traces.UsersIter(ctx, traces.UsersOptions{TaskIDs: a.tasks, PageSize: size, Page: start.page}),
			func(u traces.UserMetadata) string { return u.UserID })
	default:
		return relMap(c.Users.SessionsIter(ctx, a.monoUser, users.SessionsOptions{Page: start.page, Size: size}),
			func(s users.Session) string { return s.SessionID })
	}
}

func relMap[T any](seq iter.Seq2[T, error], id func(T) string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for v, err := range seq {
			s := ""
			if err == nil {
				s = id(v)
			}
			if !yield(s, err) {
				return
			}
		}
	}
}

// relDrain consumes seq and returns the number of items and the first
// error.
func relDrain(seq iter.Seq2[string, error]) (int, error) {
	n := 0
	for _, err := range seq {
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// relPager is a fake of one API's listing endpoint: items relID(0) ... in
// pages of the requested size, with hooks for faults.
type relPager struct {
	t     testing.TB
	api   sessionkit.API
	n     int
	srv   *relServer
	stall chan struct{} // closed to release stalled requests

	// totalPages overrides Ductape's totalPages when > 0.
	totalPages int
	// emptyFrom makes pages from this number on empty (page-number APIs).
	emptyFrom int
	// nextToken overrides the token Zoom page k (1-based) hands out.
	nextToken func(page int) string
	// fault, when it returns a status, answers the request for page key
	// (the page number as text, or Zoom's token, "" for the first page)
	// with that status and body; hit counts earlier requests for key.
	fault func(key string, hit int) (int, string)
	// stallAt makes requests for page key block until the client gives up
	// or the test ends.
	stallAt func(key string) bool
	// latency delays every answer.
	latency time.Duration

	mu   sync.Mutex
	hits map[string]int
}

func relNewPager(t testing.TB, api sessionkit.API, n int) *relPager {
	t.Helper()
	p := &relPager{t: t, api: api, n: n, hits: map[string]int{}, stall: make(chan struct{})}
	p.srv = relServe(t, func(_ int, w http.ResponseWriter, r *http.Request) { p.serve(w, r) })
	// Registered after relServe's Close, so it runs first.
	t.Cleanup(p.release)
	return p
}

func (p *relPager) URL() string { return p.srv.URL }

func (p *relPager) count() int { return p.srv.count() }

var relReleaseMu sync.Mutex

// release unblocks stalled requests.
func (p *relPager) release() {
	relReleaseMu.Lock()
	defer relReleaseMu.Unlock()
	select {
	case <-p.stall:
	default:
		close(p.stall)
	}
}

func (p *relPager) serve(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	intQ := func(key string, def int) int {
		if v, err := strconv.Atoi(q.Get(key)); err == nil {
			return v
		}
		return def
	}
	var key string
	var page, size int // page is 1-based here
	switch p.api {
	case sessionkit.Ductape:
		page, size = intQ("page", 1), intQ("limit", 20)
		key = strconv.Itoa(page)
	case sessionkit.Zoom:
		key = q.Get("next_page_token")
		page, size = 1, intQ("page_size", 30)
		if key != "" {
			page = 2 // any other token stands for the second page
			if k, err := strconv.Atoi(strings.TrimPrefix(key, "tok-")); err == nil {
				page = k
			}
		}
	case sessionkit.Arthur:
		page0 := intQ("page", 0)
		page, size = page0+1, intQ("page_size", 10)
		key = strconv.Itoa(page0)
	default:
		page, size = intQ("page", 1), intQ("size", 10)
		key = strconv.Itoa(page)
	}
	p.mu.Lock()
	hit := p.hits[key]
	p.hits[key]++
	p.mu.Unlock()
	if p.latency > 0 {
		time.Sleep(p.latency)
	}
	if p.stallAt != nil && p.stallAt(key) {
		select {
		case <-r.Context().Done():
		case <-p.stall:
		}
		return
	}
	if p.fault != nil {
		if status, body := p.fault(key, hit); status != 0 {
			relJSON(w, status, body)
			return
		}
	}
	lo := min((page-1)*size, p.n)
	hi := min(lo+size, p.n)
	if p.emptyFrom > 0 && page >= p.emptyFrom {
		lo, hi = 0, 0
	}
	pages := (p.n + size - 1) / size
	var items []string
	for i := lo; i < hi; i++ {
		items = append(items, relItem(p.api, i))
	}
	list := "[" + strings.Join(items, ",") + "]"
	switch p.api {
	case sessionkit.Ductape:
		total := pages
		if p.totalPages > 0 {
			total = p.totalPages
		}
		relJSON(w, http.StatusOK, fmt.Sprintf(`{"status": true, "data": {"users": %s, "total": %d, "page": %d, "limit": %d, "totalPages": %d}}`,
			list, p.n, page, size, total))
	case sessionkit.Zoom:
		next := ""
		if page < pages {
			next = fmt.Sprintf("tok-%d", page+1)
		}
		if p.nextToken != nil {
			next = p.nextToken(page)
		}
		relJSON(w, http.StatusOK, fmt.Sprintf(`{"page_size": %d, "next_page_token": %q, "users": %s}`, size, next, list))
	case sessionkit.Arthur:
		relJSON(w, http.StatusOK, fmt.Sprintf(`{"count": %d, "users": %s}`, p.n, list))
	default:
		w.Header().Set("X-Pagination", fmt.Sprintf(`{"total_count": %d, "page_size": %d, "current_page": %d, "has_next": %t, "has_previous": %t}`,
			p.n, size, page, page < pages, page > 1))
		relJSON(w, http.StatusOK, list)
	}
}

// relItem is item i in api's JSON shape.
func relItem(api sessionkit.API, i int) string {
	id := relID(i)
	switch api {
	case sessionkit.Ductape:
		return fmt.Sprintf(`{"_id": "d%d", "identifier": %q, "first_seen": "2026-10-01T09:12:44.120Z"}`, i, id)
	case sessionkit.Zoom:
		return fmt.Sprintf(`{"id": %q, "name": "user %d", "join_time": "2021-12-07T05:42:28Z"}`, id, i)
	case sessionkit.Arthur:
		return fmt.Sprintf(`{"user_id": %q, "task_id": "t1", "earliest_start_time": "2026-11-20T09:30:00.250000"}`, id)
	default:
		return fmt.Sprintf(`{"session_id": %q, "initiated_at": 1640975400, "last_metadata": {"country": null}}`, id)
	}
}

// relLogs captures every slog record at Debug level, rendered as text
// with all attributes, one line per record.
type relLogs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *relLogs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *relLogs) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func (l *relLogs) records() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := strings.TrimSpace(l.buf.String())
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// kitServer starts a sessionkittest server, closed when the test ends.
func kitServer(t testing.TB, opts ...sessionkittest.Option) *sessionkittest.Server {
	t.Helper()
	srv := sessionkittest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// kitClient returns a client for every API of srv, with fast retries
// (relClient's waits); opts come after and win.
func kitClient(t testing.TB, srv *sessionkittest.Server, opts ...sessionkit.Option) *sessionkit.Client {
	t.Helper()
	c, err := srv.NewClient(append([]sessionkit.Option{sessionkit.WithRetryWait(time.Millisecond, 20*time.Millisecond)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// kitAPI is the kit's name of api.
var kitAPI = map[sessionkit.API]string{
	sessionkit.Ductape: sessionkittest.Ductape, sessionkit.Zoom: sessionkittest.Zoom,
	sessionkit.Arthur: sessionkittest.Arthur, sessionkit.MonoCloud: sessionkittest.MonoCloud,
}

// kitCall makes relCall's single-page call to api, for what srv holds.
func kitCall(ctx context.Context, c *sessionkit.Client, srv *sessionkittest.Server, api sessionkit.API) error {
	return callFor(ctx, c, api, kitArgs(srv))
}

// kitWalk is relWalk for what srv holds (see kitArgs).
func kitWalk(ctx context.Context, c *sessionkit.Client, srv *sessionkittest.Server, api sessionkit.API, start relStart, size int) iter.Seq2[string, error] {
	return walkFor(ctx, c, api, kitArgs(srv), start, size)
}

// kitIDs are the IDs kitWalk yields from srv, in the data's order (the kit
// may list them in another).
func kitIDs(srv *sessionkittest.Server, api sessionkit.API) []string {
	d := srv.Data()
	var ids []string
	switch api {
	case sessionkit.Ductape:
		for _, u := range d.DuctapeUsers {
			ids = append(ids, u.Identifier)
		}
	case sessionkit.Zoom:
		for _, u := range d.ZoomUsers[d.ZoomSessionIDs[0]] {
			ids = append(ids, u.ID)
		}
	case sessionkit.Arthur:
		for _, u := range d.ArthurUsers {
			ids = append(ids, u.UserID)
		}
	default:
		for _, s := range d.MonoCloudSessions[d.MonoCloudUserIDs[0]] {
			ids = append(ids, s.SessionID)
		}
	}
	return ids
}
