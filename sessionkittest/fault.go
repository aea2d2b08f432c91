package sessionkittest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Fault is how the server answers a request that a fault rule selects (see [Server.Fault]), in place
// of its normal answer. Build one with [Status], [HTML], [Truncated], [Malformed], [Drop], [Delay] or [Handle],
// and refine it with its methods; each method returns a new Fault and leaves the one it is called
// on unchanged, so a Fault can be shared.
type Fault struct {
	kind        faultKind
	status      int
	body        string
	contentType string
	hasBody     bool
	message     string // see Message; "" means the status's usual message
	cut         int    // bytes of the body Truncated and Drop send; -1 = half
	delay       time.Duration
	headers     []headerFunc
	handle      http.HandlerFunc
}

type faultKind int

const (
	faultStatus faultKind = iota
	faultHTML
	faultTruncated
	faultMalformed
	faultDrop
	faultDelay
	faultHandle
)

// headerFunc computes a header of the answer at the server's time now.
type headerFunc func(now time.Time) (key, value string)

// Status answers with the HTTP status code and the error body the API's vendor sends with it:
// Zoom's {"code", "message"} (429 with its per-second rate-limit message), Ductape's
// {"status": false, "message", "code"}, Arthur's {"detail": "..."} and MonoCloud's
// application/problem+json. Body replaces it.
func Status(code int) Fault { return Fault{kind: faultStatus, status: code, cut: -1} }

// HTML answers with the status code and an HTML page, as a proxy, gateway or captive portal in
// front of the API does (HTML(502), or HTML(200) for a login page).
func HTML(code int) Fault { return Fault{kind: faultHTML, status: code, cut: -1} }

// Truncated answers with the normal status and headers but only the first half of the normal body
// (see CutAt), as a complete HTTP response whose Content-Length is the cut length: the body ends
// mid-JSON.
func Truncated() Fault { return Fault{kind: faultTruncated, cut: -1} }

// Malformed answers with the normal status and headers and a body that is not valid JSON (a valid
// beginning, then a syntax error).
func Malformed() Fault { return Fault{kind: faultMalformed, cut: -1} }

// Drop announces the normal answer (status, headers, the full Content-Length), sends the first half
// of its body (see CutAt) and then closes the connection.
func Drop() Fault { return Fault{kind: faultDrop, cut: -1} }

// Delay answers normally after d, or not at all when the client gives up first. Any other [Fault]
// can wait too, with After.
func Delay(d time.Duration) Fault { return Fault{kind: faultDelay, delay: d, cut: -1} }

// Handle answers with h, for what the other faults do not cover: h may write anything, wait for
// r.Context() to end, or act on the test (cancel the context of the code under test, as Ctrl-C
// would, while the request is in flight).
func Handle(h http.HandlerFunc) Fault { return Fault{kind: faultHandle, handle: h, cut: -1} }

// with returns a copy of f changed by fn, sharing nothing that fn may change.
func (f Fault) with(fn func(*Fault)) Fault {
	f.headers = slices.Clip(f.headers)
	fn(&f)
	return f
}

// Body replaces the answer's body (of [Status] or [HTML]) with body, sent as contentType.
func (f Fault) Body(contentType, body string) Fault {
	return f.with(func(f *Fault) { f.contentType, f.body, f.hasBody = contentType, body, true })
}

// Header adds the header key: value to the answer.
func (f Fault) Header(key, value string) Fault {
	return f.with(func(f *Fault) {
		f.headers = append(f.headers, func(time.Time) (string, string) { return key, value })
	})
}

// RetryAfter adds "Retry-After: v", verbatim: delta-seconds ("1"), or any text.
func (f Fault) RetryAfter(v string) Fault { return f.Header("Retry-After", v) }

// RetryAfterDate adds a Retry-After header holding the HTTP-date d after the server's time (see
// [WithClock]), rounded up to the second.
func (f Fault) RetryAfterDate(d time.Duration) Fault {
	return f.at("Retry-After", d, http.TimeFormat)
}

// RetryAfterISO adds a Retry-After header holding the ISO 8601 (RFC 3339, UTC) time d after the
// server's time, rounded up to the second, as in Zoom's own example.
func (f Fault) RetryAfterISO(d time.Duration) Fault {
	return f.at("Retry-After", d, time.RFC3339)
}

func (f Fault) at(key string, d time.Duration, layout string) Fault {
	return f.with(func(f *Fault) {
		f.headers = append(f.headers, func(now time.Time) (string, string) {
			t := now.Add(d).UTC()
			if t.Nanosecond() != 0 {
				t = t.Truncate(time.Second).Add(time.Second)
			}
			return key, t.Format(layout)
		})
	})
}

// ZoomRateLimit adds Zoom's rate-limit headers: X-RateLimit-Type (such as "QPS" or "Daily-limit"),
// X-RateLimit-Category (such as "Heavy"), X-RateLimit-Limit and X-RateLimit-Remaining.
func (f Fault) ZoomRateLimit(typ, category string, limit, remaining int) Fault {
	return f.Header("X-RateLimit-Type", typ).Header("X-RateLimit-Category", category).
		Header("X-RateLimit-Limit", strconv.Itoa(limit)).Header("X-RateLimit-Remaining", strconv.Itoa(remaining))
}

// CutAt makes [Truncated] and [Drop] send the first n bytes of the body (at most all of it) instead of
// the first half.
func (f Fault) CutAt(n int) Fault { return f.with(func(f *Fault) { f.cut = max(n, 0) }) }

// After makes the server wait d before it answers with f; the wait ends, without an answer, when
// the client gives up first.
func (f Fault) After(d time.Duration) Fault { return f.with(func(f *Fault) { f.delay += d }) }

// answer answers r with f; next is the server's normal handler.
func (f *Fault) answer(s *Server, w http.ResponseWriter, r *http.Request, api string, next http.Handler) {
	if !s.sleep(r.Context(), f.delay) {
		return
	}
	now := s.now()
	for _, h := range f.headers {
		k, v := h(now)
		w.Header().Add(k, v)
	}
	switch {
	case f.hasBody && (f.kind == faultStatus || f.kind == faultHTML):
		writeRaw(w, f.status, f.contentType, f.body)
	case f.kind == faultStatus:
		s.vendorError(w, r, api, f.status, f.message)
	case f.kind == faultHTML:
		text := fmt.Sprintf("%d %s", f.status, http.StatusText(f.status))
		writeRaw(w, f.status, "text/html; charset=utf-8", "<html>\r\n<head><title>"+text+"</title></head>\r\n<body>\r\n<center><h1>"+
			text+"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
	case f.kind == faultDelay:
		next.ServeHTTP(w, r)
	case f.kind == faultHandle:
		f.handle(w, r)
	default:
		f.mangle(w, r, next)
	}
}

// mangle answers with the normal answer, cut or broken as f says.
func (f *Fault) mangle(w http.ResponseWriter, r *http.Request, next http.Handler) {
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, r)
	body := rec.Body.Bytes()
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	cut := len(body) / 2
	if f.cut >= 0 {
		cut = min(f.cut, len(body))
	}
	switch f.kind {
	case faultMalformed:
		body = []byte(`{"users": [{"id": "1"},, {"id": "2"}]}` + "\n")
	case faultTruncated:
		body = body[:cut]
	}
	length := len(body)
	if f.kind == faultDrop {
		body = body[:cut]
	}
	w.Header().Set("Content-Length", strconv.Itoa(length))
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body)
	if f.kind == faultDrop {
		hangUp(w)
	}
}

// hangUp sends what w holds and closes the connection under it.
func hangUp(w http.ResponseWriter) {
	if fl, ok := w.(http.Flusher); ok {
		fl.Flush()
	}
	if hj, ok := w.(http.Hijacker); ok {
		if conn, buf, err := hj.Hijack(); err == nil {
			_ = buf.Flush()
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // the server aborts the response
}

func writeRaw(w http.ResponseWriter, status int, contentType, body string) {
	if contentType != "" {
		w.Header().Set("Content-Type", contentType)
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// vendorError answers status with the error body the vendor of api sends; msg "" means the
// status's usual message.
func (s *Server) vendorError(w http.ResponseWriter, r *http.Request, api string, status int, msg string) {
	text := http.StatusText(status)
	if msg == "" {
		msg = text
	}
	switch api {
	case Zoom:
		code := status
		switch status {
		case http.StatusUnauthorized:
			code = 124
			if msg == text {
				msg = "Invalid access token."
			}
		case http.StatusTooManyRequests:
			if msg == text {
				msg = zoomPerSecondMessage
			}
		}
		writeJSON(w, status, zoomError{Code: code, Message: msg})
	case Ductape:
		ductapeFail(w, status, strings.ToUpper(strings.ReplaceAll(text, " ", "_")), msg)
	case Arthur:
		if status == http.StatusInternalServerError && msg == text {
			msg = "Something went wrong."
		}
		writeJSON(w, status, arthurDetail{Detail: msg})
	case MonoCloud:
		p := problem{Type: "https://httpstatuses.io/" + strconv.Itoa(status), Title: text, Status: status}
		if msg != text {
			p.Detail = msg
		}
		s.problem(w, r, p)
	default:
		http.Error(w, msg, status)
	}
}

// zoomPerSecondMessage is what Zoom says with a 429 for its per-second limit.
const zoomPerSecondMessage = "You have reached the maximum per-second rate limit for this API. Try again later."

// Rule is a fault rule added by [Server.Fault]. It is safe for concurrent use.
type Rule struct {
	s     *Server
	match Match
	fault Fault
	times int // -1 = always
	seen  int // requests that matched all of match but Request; guarded by s.mu
	hits  int // requests answered; guarded by s.mu
}

// RuleOption configures a [Rule] added by [Server.Fault].
type RuleOption func(*Rule)

// Times makes a rule answer only the first n requests it selects, then let requests through; without
// it a rule answers every request it selects. Times(0) or less never answers.
func Times(n int) RuleOption { return func(r *Rule) { r.times = max(n, 0) } }

// Fault makes the server answer the requests that m selects with f, from now on and until the rule
// is spent (see [Times]) or removed. Rules are tried in the order they were added and the first one
// that selects a request answers it; a request no rule selects gets its normal answer. Faults apply
// to every endpoint of every API, after the request is recorded (see Requests), after [WithLatency]
// and the rate limits (a request they refuse is not seen by the rules), and before the credential
// check. It is safe to add rules while requests run.
//
// A fault on page 3 of a Zoom walk, twice, then the normal answer:
//
//	srv.Fault(sessionkittest.Match{API: sessionkittest.Zoom, Page: 3},
//		sessionkittest.Status(429).RetryAfter("1"), sessionkittest.Times(2))
//
// Fault panics when m.API is not one of the API names.
func (s *Server) Fault(m Match, f Fault, opts ...RuleOption) *Rule {
	checkAPI("Fault", m.API)
	r := &Rule{s: s, match: m, fault: f, times: -1}
	for _, o := range opts {
		o(r)
	}
	s.mu.Lock()
	s.rules = append(s.rules, r)
	s.mu.Unlock()
	return r
}

// ClearFaults removes every fault rule.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.rules = nil
	s.mu.Unlock()
}

// Hits returns the number of requests the rule has answered so far.
func (r *Rule) Hits() int {
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	return r.hits
}

// Remove removes the rule; requests it would have selected get their normal answer from now on.
func (r *Rule) Remove() {
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	r.s.rules = slices.DeleteFunc(r.s.rules, func(x *Rule) bool { return x == r })
}

// pick returns the rule that answers req, if any, counting req for every rule it matches.
func (s *Server) pick(req *Request) *Rule {
	s.mu.Lock()
	defer s.mu.Unlock()
	var hit *Rule
	for _, rule := range s.rules {
		if !rule.match.matches(req) {
			continue
		}
		rule.seen++
		if hit != nil || (rule.match.Request != 0 && rule.seen != rule.match.Request) ||
			(rule.times >= 0 && rule.hits >= rule.times) {
			continue
		}
		hit = rule
		rule.hits++
	}
	return hit
}
