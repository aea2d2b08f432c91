package sessionkittest

import (
	"net/http"
	"strings"
	"time"
)

// middleware runs around every endpoint of every API: it records the request, waits WithLatency,
// enforces the rate limits and answers with the first fault rule that selects the request; only
// then does next (the router) see it.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := s.record(r)
		if !s.sleep(r.Context(), s.cfg.latency) || s.limited(w, r, req.API) {
			return
		}
		if rule := s.pick(&req); rule != nil {
			rule.fault.answer(s, w, r, req.API, next)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// record appends r to the requests received and returns it.
func (s *Server) record(r *http.Request) Request {
	escaped := r.URL.EscapedPath()
	seg, _, _ := strings.Cut(strings.TrimPrefix(escaped, "/"), "/")
	req := Request{Method: r.Method, Path: r.URL.Path, RawPath: escaped, RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), At: s.now()}
	if api := s.apiOf(seg); api != nil {
		req.API = api.name
	}
	req.Page = pageOf(&req, s.zoomTokenPage)
	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.mu.Unlock()
	return req
}

// zoomTokenPage is the page (from 1) that a Zoom token the server issued asks for, expired or not;
// 0 for a token it never issued.
func (s *Server) zoomTokenPage(tok string) int {
	s.mu.Lock()
	cur, ok := s.tokens[tok]
	s.mu.Unlock()
	if !ok || cur.pageSize <= 0 {
		return 0
	}
	return cur.offset/cur.pageSize + 1
}

// Count returns the number of requests received so far that m selects: Count(Match{}) is
// RequestCount, Count(Match{API: Zoom}) the Zoom requests, Count(Match{API: Arthur, Page: 2}) the
// requests for Arthur's second pages.
func (s *Server) Count(m Match) int { return len(s.RequestsMatching(m)) }

// RequestsMatching returns a copy of the requests received so far that m selects, in order of
// arrival.
func (s *Server) RequestsMatching(m Match) []Request {
	var out []Request
	seen := 0
	for _, r := range s.Requests() {
		if !m.matches(&r) {
			continue
		}
		if seen++; m.Request == 0 || seen == m.Request {
			out = append(out, r)
		}
	}
	return out
}

// WithClock makes now the server's clock, which decides when Zoom page tokens expire (15 minutes
// after they were issued), whether a Video SDK JWT has expired or was issued in the future, the
// rate-limit windows and the times in Retry-After headers. The default is [time.Now]. Advance moves
// the clock further. Share one clock with the code under test to test expiry without waiting.
func WithClock(now func() time.Time) Option { return func(c *config) { c.clock = now } }

// Advance moves the server's clock (see [WithClock]) forward by d, at once: Advance(15*time.Minute)
// expires every Zoom page token issued so far.
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	s.offset += d
	s.mu.Unlock()
}

// Now returns the server's time: its clock (see [WithClock]) plus every Advance.
func (s *Server) Now() time.Time { return s.now() }

// setClock replaces the server's clock.
func (s *Server) setClock(f func() time.Time) {
	s.mu.Lock()
	s.clock = f
	s.mu.Unlock()
}
