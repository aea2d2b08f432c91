package sessionkit_test

// Hand-written servers for what the sessionkittest kit cannot be: a
// server that records requests and answers with any handler, a fake
// listing of one API with hooks for faults (totals that lie, tokens that
// loop, pages that stall), a refused port and a server that never answers.

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/sessionkit/sessionkit-go"
)

// writeJSON answers with status and a JSON body.
func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// dropConn closes the connection without an answer.
func dropConn(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

// recordedRequest is one request a recordingServer received.
type recordedRequest struct {
	at     time.Time
	uri    string
	header http.Header
}

// recordingServer is an httptest server that records requests and answers
// with a function of the request's index.
type recordingServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []recordedRequest
}

// newRecordingServer starts a recordingServer answering with h, closed
// when the test ends.
func newRecordingServer(t testing.TB, h func(n int, w http.ResponseWriter, r *http.Request)) *recordingServer {
	t.Helper()
	s := &recordingServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		n := len(s.reqs)
		s.reqs = append(s.reqs, recordedRequest{at: time.Now(), uri: r.RequestURI, header: r.Header.Clone()})
		s.mu.Unlock()
		h(n, w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *recordingServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.reqs)
}

func (s *recordingServer) requests() []recordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]recordedRequest(nil), s.reqs...)
}

// refusedURL returns the URL of a port where nothing listens.
func refusedURL(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return "http://" + addr
}

// hungServerURL returns the URL of a server that accepts connections and
// never answers.
func hungServerURL(t testing.TB) string {
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

// fakeListing is a fake of one API's listing endpoint, on any path: items
// itemID(0) ... in pages of the requested size, honest about its totals
// unless a hook says otherwise. Set the hooks before the first request.
type fakeListing struct {
	*recordingServer
	api         sessionkit.API
	n           int
	stall       chan struct{} // closed to release stalled requests
	releaseOnce sync.Once

	// served, when > 0, is the number of items every page holds, whatever
	// the size asked for.
	served int
	// answer, when set, is what the page says about the listing instead
	// of the truth (page in the API's own numbering, size as asked).
	answer func(page, size int) pageMeta
	// totalPages overrides Ductape's totalPages when > 0.
	totalPages int
	// emptyFrom makes pages from this number on (counted from 1) empty.
	emptyFrom int
	// nextToken overrides the token Zoom page k (counted from 1) hands out.
	nextToken func(page int) string
	// fault, when it returns a status, answers the request for page key
	// (see pageKey; a token as sent) with that status and body; hit
	// counts earlier requests for key.
	fault func(key string, hit int) (int, string)
	// stallAt makes requests for page key block until the client gives up
	// or the test ends.
	stallAt func(key string) bool
	// latency delays every answer.
	latency time.Duration

	mu   sync.Mutex
	hits map[string]int
}

// newFakeListing starts a fake listing of n items of api, closed when the
// test ends.
func newFakeListing(t testing.TB, api sessionkit.API, n int) *fakeListing {
	t.Helper()
	p := &fakeListing{api: api, n: n, hits: map[string]int{}, stall: make(chan struct{})}
	p.recordingServer = newRecordingServer(t, func(_ int, w http.ResponseWriter, r *http.Request) { p.serve(w, r) })
	// Registered after the server's Close, so it runs first.
	t.Cleanup(p.release)
	return p
}

// pageKey names page idx (0-based) of api as fakeListing's hooks see it:
// the page number as text, in the API's numbering, or Zoom's token ("" for
// the first page).
func pageKey(api sessionkit.API, idx int) string {
	at := startAt(api, idx)
	if apis[api].cursor {
		return at.token
	}
	return strconv.Itoa(at.page)
}

// release unblocks stalled requests.
func (p *fakeListing) release() { p.releaseOnce.Do(func() { close(p.stall) }) }

func (p *fakeListing) serve(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	idx, size, _ := apis[p.api].position(q)
	key := strconv.Itoa(idx + apis[p.api].firstPage)
	if apis[p.api].cursor {
		key = q.Get("next_page_token")
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
			writeJSON(w, status, body)
			return
		}
	}
	per := size
	if p.served > 0 {
		per = p.served
	}
	lo := min(max(idx*per, 0), p.n)
	hi := min(lo+per, p.n)
	if p.emptyFrom > 0 && idx+1 >= p.emptyFrom {
		lo, hi = 0, 0
	}
	m := honestMeta(p.n, idx, size)
	if p.totalPages > 0 {
		m.totalPages = strconv.Itoa(p.totalPages)
	}
	if p.nextToken != nil {
		m.token = p.nextToken(idx + 1)
	}
	if p.answer != nil {
		m = p.answer(idx+apis[p.api].firstPage, size)
		m.page, m.size = idx+1, size
	}
	writePage(w, p.api, []byte(fakeItems(p.api, lo, hi)), m)
}

// serverGoroutines ignores the test servers' own goroutines, so that the
// client side can be checked while the server still holds stalled
// requests.
var serverGoroutines = []goleak.Option{
	goleak.IgnoreAnyFunction("net/http.(*conn).serve"),
	goleak.IgnoreAnyFunction("net/http.(*connReader).backgroundRead"),
	goleak.IgnoreAnyFunction("net/http/httptest.(*Server).goServe.func1"),
}
