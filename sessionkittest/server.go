package sessionkittest

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Server is a fake of the four vendor APIs, listening on 127.0.0.1. It is safe for concurrent use.
type Server struct {
	// URL is the root URL of the server, such as "http://127.0.0.1:43567", without a trailing slash.
	URL string

	cfg  config
	ts   *httptest.Server
	data *Dataset
	apis []apiDef

	closing   chan struct{} // closed by Close: ends every wait
	conns     atomic.Int64  // TCP connections accepted; see Connections
	closeOnce sync.Once

	mu       sync.Mutex
	requests []Request
	clock    func() time.Time // see WithClock; guarded by mu
	offset   time.Duration    // see Advance; guarded by mu
	rules    []*Rule          // see Fault; guarded by mu
	limits   map[string]*limiter
	tokens   map[string]zoomCursor
	tokenSeq uint64
	traceSeq uint64
}

// Request is one HTTP request received by a [Server], as it arrived on the wire.
type Request struct {
	// API is "ductape", "zoom", "arthur" or "monocloud" (from the first path segment), or "" when the
	// path belongs to none of them.
	API string
	// Method is the HTTP method.
	Method string
	// Path is the decoded path (r.URL.Path).
	Path string
	// RawPath is the path exactly as escaped on the wire (r.URL.EscapedPath()), never empty.
	RawPath string
	// RawQuery is the encoded query, without the "?".
	RawQuery string
	// Header is a copy of the request headers.
	Header http.Header
	// At is when the request arrived, by the server's clock (see [WithClock]).
	At time.Time
	// Page is the position of the requested page in a walk, counted from 1 (see Match.Page): 1 for
	// a request without a page parameter or cursor, 0 for an unreadable page number or a Zoom
	// cursor the server never issued.
	Page int
}

// query is the request's decoded query.
func (r *Request) query() url.Values {
	q, _ := url.ParseQuery(r.RawQuery)
	return q
}

type config struct {
	seed         int64
	users        int
	apiKey       string
	workspaceID  string
	zoomJWT      bool
	zoomKey      string
	zoomSecret   string
	latency      time.Duration
	noPagination bool
	clock        func() time.Time
	limits       map[string]limits
}

// Option configures a [Server] created by [NewServer].
type Option func(*config)

// WithSeed makes the generated data a function of seed; the default seed is 1.
func WithSeed(seed int64) Option { return func(c *config) { c.seed = seed } }

// WithUsers sets the number of rows in each listing: Ductape users, Zoom users per session, Arthur user
// rows over all tasks and MonoCloud sessions per user. The default is 47; a negative n counts as 0.
func WithUsers(n int) Option { return func(c *config) { c.users = max(n, 0) } }

// WithAPIKey sets the credential the server expects for all four APIs; the default is "test-key".
func WithAPIKey(key string) Option { return func(c *config) { c.apiKey = key } }

// WithWorkspaceID sets the Ductape workspace ID of the seeded data; the default is "ws_test".
func WithWorkspaceID(id string) Option { return func(c *config) { c.workspaceID = id } }

// WithVideoSDKCredentials makes the Zoom API require "Authorization: Bearer <JWT>" where the JWT is
// signed with HS256 using apiSecret, has iss equal to apiKey, an exp in the future and an iat that is
// present and not more than a minute in the future. Any other credential is answered with 401 and
// {"code":124,"message":"Invalid access token."}.
func WithVideoSDKCredentials(apiKey, apiSecret string) Option {
	return func(c *config) { c.zoomJWT, c.zoomKey, c.zoomSecret = true, apiKey, apiSecret }
}

// WithLatency makes the server wait d before answering each request. The wait ends early, without an
// answer, when the request's context is done (the client went away).
func WithLatency(d time.Duration) Option { return func(c *config) { c.latency = d } }

// WithoutPaginationHeader makes MonoCloud answer without the X-Pagination header, as some deployments do.
func WithoutPaginationHeader() Option { return func(c *config) { c.noPagination = true } }

// NewServer starts a server on 127.0.0.1, seeded with data generated from the options, and returns it.
// Call Close to stop it.
func NewServer(opts ...Option) *Server {
	cfg := config{seed: 1, users: 47, apiKey: "test-key", workspaceID: "ws_test"}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{cfg: cfg, clock: time.Now, tokens: map[string]zoomCursor{}, closing: make(chan struct{})}
	if cfg.clock != nil {
		s.clock = cfg.clock
	}
	s.limits = newLimiters(cfg.limits)
	s.data = generate(cfg.seed, cfg.users, cfg.workspaceID)
	s.apis = []apiDef{s.ductapeAPI(), s.zoomAPI(), s.arthurAPI(), s.monoCloudAPI()}
	s.ts = httptest.NewUnstartedServer(s.middleware(http.HandlerFunc(s.serveHTTP)))
	s.ts.Config.ConnState = s.connState
	s.ts.Start()
	s.URL = strings.TrimSuffix(s.ts.URL, "/")
	return s
}

// Close shuts the server down and blocks until all outstanding requests have completed. Requests
// waiting out [WithLatency] or a [Delay] or After fault end at once, unanswered.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closing) })
	s.ts.Close()
}

// DuctapeURL returns the base URL to give the SDK for Ductape: URL + "/ductape".
func (s *Server) DuctapeURL() string { return s.URL + "/ductape" }

// ZoomURL returns the base URL to give the SDK for the Zoom Video SDK API: URL + "/zoom/v2".
func (s *Server) ZoomURL() string { return s.URL + "/zoom/v2" }

// ArthurURL returns the base URL to give the SDK for the Arthur GenAI Engine: URL + "/arthur".
func (s *Server) ArthurURL() string { return s.URL + "/arthur" }

// MonoCloudURL returns the base URL to give the SDK for MonoCloud: URL + "/monocloud".
func (s *Server) MonoCloudURL() string { return s.URL + "/monocloud" }

// Data returns the seeded data the server answers from. Callers must not modify it.
func (s *Server) Data() *Dataset { return s.data }

// Requests returns a copy of every request received so far, in order of arrival.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		r.Header = r.Header.Clone()
		out[i] = r
	}
	return out
}

// RequestCount returns the number of requests received so far.
func (s *Server) RequestCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// now is the server's clock (Zoom page-token expiry, JWT validation, rate limits).
func (s *Server) now() time.Time {
	s.mu.Lock()
	f, off := s.clock, s.offset
	s.mu.Unlock()
	return f().Add(off)
}

// apiDef is one API: its path prefix (after the API name), credential check and routes.
type apiDef struct {
	name         string
	prefix       []string
	authorized   func(*http.Request) bool
	unauthorized func(http.ResponseWriter, *http.Request)
	routes       []route
	// notFound, when set, answers a path below the API that no route matches, after the
	// credential check, in the vendor's error shape; without it such a path gets a plain 404.
	notFound func(http.ResponseWriter, *http.Request)
}

// route is a path pattern below an API's prefix; "*" matches one non-empty segment, passed to handle
// still escaped. method is the one method it serves ("" means GET).
type route struct {
	pattern []string
	handle  func(w http.ResponseWriter, r *http.Request, args []string)
	method  string
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	escaped := r.URL.EscapedPath()
	segs := strings.Split(strings.TrimPrefix(escaped, "/"), "/")
	api := s.apiOf(segs[0])
	for _, seg := range segs {
		if u, err := url.PathUnescape(seg); err == nil && (u == "." || u == "..") {
			http.Error(w, fmt.Sprintf("sessionkittest: dot-segment %q in request path %q", seg, escaped), http.StatusBadRequest)
			return
		}
	}
	if api == nil {
		http.NotFound(w, r)
		return
	}
	rt, args := api.match(segs[1:])
	if rt == nil && api.notFound != nil {
		if !api.authorized(r) {
			api.unauthorized(w, r)
			return
		}
		api.notFound(w, r)
		return
	}
	if rt == nil {
		http.NotFound(w, r)
		return
	}
	if method := cmp.Or(rt.method, http.MethodGet); r.Method != method {
		w.Header().Set("Allow", method)
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if !api.authorized(r) {
		api.unauthorized(w, r)
		return
	}
	rt.handle(w, r, args)
}

func (a *apiDef) match(segs []string) (*route, []string) {
	if len(segs) < len(a.prefix) {
		return nil, nil
	}
	for i, p := range a.prefix {
		if segs[i] != p {
			return nil, nil
		}
	}
	segs = segs[len(a.prefix):]
next:
	for i := range a.routes {
		rt := &a.routes[i]
		if len(rt.pattern) != len(segs) {
			continue
		}
		var args []string
		for j, p := range rt.pattern {
			switch {
			case p == "*" && segs[j] != "":
				args = append(args, segs[j])
			case p != segs[j]:
				continue next
			}
		}
		return rt, args
	}
	return nil, nil
}

// apiOf returns the API named by the first path segment, or nil.
func (s *Server) apiOf(seg string) *apiDef {
	for i := range s.apis {
		if seg == s.apis[i].name {
			return &s.apis[i]
		}
	}
	return nil
}

// sleep waits d, or less when ctx is done first; it reports whether the whole wait elapsed. When the
// server closes first it aborts the handler (the client's connection is closed, unanswered).
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.closing:
		panic(http.ErrAbortHandler)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	writeTyped(w, "application/json", status, v)
}

func writeTyped(w http.ResponseWriter, contentType string, status int, v any) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// bearer returns the token of an "Authorization: Bearer <token>" header.
func bearer(r *http.Request) (string, bool) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	return tok, ok && strings.EqualFold(scheme, "Bearer") && tok != ""
}

// unescape decodes one escaped path segment.
func unescape(seg string) string {
	u, err := url.PathUnescape(seg)
	if err != nil {
		return seg
	}
	return u
}

// intParam parses the query parameter key; an absent or empty value gives def.
func intParam(q url.Values, key string, def int) (int, error) {
	v := q.Get(key)
	if v == "" {
		return def, nil
	}
	return strconv.Atoi(v)
}

// window returns the 0-based page of size items of xs, empty (not nil) past the end.
func window[T any](xs []T, page, size int) []T {
	if size <= 0 || page < 0 || page >= pageCount(len(xs), size) {
		return []T{}
	}
	return xs[page*size : min(len(xs), page*size+size)]
}

// pageCount is ceil(total/size) without overflow.
func pageCount(total, size int) int {
	n := total / size
	if total%size != 0 {
		n++
	}
	return n
}
