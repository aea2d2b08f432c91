package sessionkit_test

// The walk promise under random server behaviour: a walk yields every item
// the server lists from its start position through the page the server
// marks as last (WALK_RULES: each page's own answer decides), in order and
// once each, or ends with exactly one *PageError after a prefix of them;
// never a silent short end, whatever the prefetch, the cancel, the totals
// the server claims or the faults on the wire.
//
// A seeded generator writes, per API, scripts of pages (items with unique
// IDs, claimed totals that grow, shrink or lie, capped and empty pages,
// latency, faults per attempt). An in-memory transport serves them with the
// vendors' JSON shapes and records what it served. The oracle computes the
// expected items from the script alone. Each script is walked with every
// prefetch depth in wrPrefetch; failures are reported with the seed, the
// script number, a compact description of the script and the command that
// reruns it alone.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/traces"
	"github.com/sessionkit/sessionkit-go/users"
)

var (
	wrSeedFlag   = flag.Uint64("walkseed", 0, "seed of TestWalkRandomized (0: $SESSIONKIT_WALKSEED, else the fixed default)")
	wrAPIFlag    = flag.String("walkapi", "", "TestWalkRandomized: run only this API (ductape, zoom, arthur, monocloud)")
	wrScriptFlag = flag.Int("walkscript", -1, "TestWalkRandomized: run only this script number and log every walk of it")
)

const (
	// wrDefaultSeed is the seed used unless -walkseed or
	// SESSIONKIT_WALKSEED names another.
	wrDefaultSeed = 20261201
	// wrScripts is the number of scripts per API (wrScriptsShort with
	// -short); each is walked once per prefetch depth.
	wrScripts      = 150
	wrScriptsShort = 30
	// wrDetails is how many failures are printed in full.
	wrDetails = 12
	// wrWorkers is how many walks run at once; they mostly sleep.
	wrWorkers = 24
	// wrHang bounds one walk: a walk still running then is reported as a
	// hang (its context's deadline ends it).
	wrHang = 30 * time.Second
)

// wrPrefetch are the prefetch depths every script is walked with.
var wrPrefetch = []int{0, 1, 2, 4, 8}

func wrSeed(t *testing.T) uint64 {
	if *wrSeedFlag != 0 {
		return *wrSeedFlag
	}
	if env := os.Getenv("SESSIONKIT_WALKSEED"); env != "" {
		s, err := strconv.ParseUint(env, 0, 64)
		if err != nil {
			t.Fatalf("SESSIONKIT_WALKSEED=%q: %v", env, err)
		}
		return s
	}
	return wrDefaultSeed
}

// ---- scripts ----

// wrFault is what one attempt at a page gets instead of the page.
type wrFault struct {
	status int     // an error status (with the vendor's error body); 0 for a drop
	drop   bool    // a 200 whose body breaks off with io.ErrUnexpectedEOF
	cut    float64 // for a drop: the fraction of the body sent first
	// envelope makes a Ductape 200 with "status": false (not retryable).
	envelope bool
}

func (f wrFault) retryable() bool {
	switch {
	case f.drop:
		return true
	case f.envelope:
		return false
	}
	switch f.status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

func (f wrFault) String() string {
	switch {
	case f.drop:
		return fmt.Sprintf("drop%d%%", int(f.cut*100))
	case f.envelope:
		return "200false"
	}
	return strconv.Itoa(f.status)
}

// wrPage is the server's answer for one page number or token. Pointers are
// optional fields (nil: absent from the answer).
type wrPage struct {
	ids []string
	// Ductape body totals.
	total, totalPages, limit *int
	successKey               bool // "success": true instead of "status": true
	// Arthur body count.
	count int
	// MonoCloud X-Pagination header: mode wrHdr*, then its fields.
	hdr                  int
	tc, ps, cp           int
	hasNext, hasPrevious bool
	next                 string // Zoom next_page_token
	omitNext             bool   // Zoom: no next_page_token field at all
	latency              time.Duration
	faults               []wrFault // by attempt
	persistent           bool      // attempts after faults repeat the last fault
}

// MonoCloud X-Pagination modes.
const (
	wrHdrJSON = iota
	wrHdrAbsent
	wrHdrGarbage
)

// faultAt returns the fault of attempt a (0-based), if any.
func (p *wrPage) faultAt(a int) (wrFault, bool) {
	switch {
	case a < len(p.faults):
		return p.faults[a], true
	case p.persistent && len(p.faults) > 0:
		return p.faults[len(p.faults)-1], true
	}
	return wrFault{}, false
}

// fails reports whether the page fails for a client that retries
// retryable faults up to maxRetries times.
func (p *wrPage) fails(maxRetries int) bool {
	for a := 0; a <= maxRetries; a++ {
		f, ok := p.faultAt(a)
		if !ok {
			return false
		}
		if !f.retryable() {
			return true
		}
	}
	return true
}

// wrScript is one generated server behaviour and the walk to run on it.
type wrScript struct {
	kit        *wrKit
	seed       uint64
	num        int
	size       int // requested page size; 0: not sent (server default)
	maxRetries int
	pages      []wrPage // index i: page number kit.first+i, or Zoom's i-th token
	tokens     []string // Zoom: tokens[i] asks for pages[i]; tokens[0] is ""
	start      int      // index of the start page
	cancelAt   int      // cancel the context after this many items; -1: never
	breakAt    int      // break after this many items; -1: never
	tags       []string // generator choices, for the description
}

// page returns the answer at index i; past the script, an empty page with
// the claims of the script's last page.
func (s *wrScript) page(i int) *wrPage {
	if i < len(s.pages) {
		return &s.pages[i]
	}
	last := s.pages[len(s.pages)-1]
	last.ids, last.faults, last.persistent, last.latency = nil, nil, false, 0
	last.cp = s.kit.first + i
	return &last
}

func (s *wrScript) eff() int {
	if s.size > 0 {
		return s.size
	}
	return s.kit.defaultSize
}

func (s *wrScript) label(i int) string {
	if s.kit.cursor {
		return "t" + strconv.Itoa(i)
	}
	return "p" + strconv.Itoa(s.kit.first+i)
}

func wrNum(n int) string {
	switch n {
	case math.MaxInt64:
		return "max"
	case math.MinInt64:
		return "min"
	}
	return strconv.Itoa(n)
}

func wrOpt(p *int) string {
	if p == nil {
		return "-"
	}
	return wrNum(*p)
}

// describe is a compact, complete account of the script.
func (s *wrScript) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s#%d size=%d retries=%d start=%s", s.kit.name, s.num, s.size, s.maxRetries, s.label(s.start))
	if s.cancelAt >= 0 {
		fmt.Fprintf(&b, " cancel@%d", s.cancelAt)
	}
	if s.breakAt >= 0 {
		fmt.Fprintf(&b, " break@%d", s.breakAt)
	}
	if len(s.tags) > 0 {
		fmt.Fprintf(&b, " [%s]", strings.Join(s.tags, ","))
	}
	for i := range s.pages {
		p := &s.pages[i]
		fmt.Fprintf(&b, " | %s:%d %s", s.label(i), len(p.ids), s.kit.claims(s, p))
		if len(p.faults) > 0 {
			fs := make([]string, len(p.faults))
			for j, f := range p.faults {
				fs[j] = f.String()
			}
			b.WriteString(" !" + strings.Join(fs, ","))
			if p.persistent {
				b.WriteString("...")
			}
		}
	}
	return b.String()
}

// ---- per-API kits ----

// wrKit is what differs between the four APIs.
type wrKit struct {
	api         sessionkit.API
	name        string
	letter      string
	cursor      bool // Zoom: tokens, not page numbers
	first       int  // number of the first page (page styles)
	defaultSize int
	sizeParam   string
	// gen fills s.pages (and s.tokens) from r.
	gen func(r *rand.Rand, s *wrScript)
	// claims describes a page's totals for describe.
	claims func(s *wrScript, p *wrPage) string
	// render writes a page's 200 answer.
	render func(s *wrScript, p *wrPage, num int) (http.Header, []byte)
	// errBody writes the vendor's error answer for a fault.
	errBody func(f wrFault) (http.Header, []byte)
	// isLast is the WALK_RULES rule on a page's own answer; st carries
	// Arthur's effective page size.
	isLast func(s *wrScript, p *wrPage, num int, st *int) bool
	// walk ranges the SDK's iterator from index start, as item IDs.
	walk func(ctx context.Context, c *sessionkit.Client, s *wrScript, start int) iter.Seq2[string, error]
}

var wrKits = []*wrKit{wrDuctape, wrZoom, wrArthur, wrMonoCloud}

// wrIDs maps an iterator's items to their IDs, keeping its errors.
func wrIDs[T any](seq iter.Seq2[T, error], id func(T) string) iter.Seq2[string, error] {
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

func wrJSONHeader(ct string) http.Header {
	return http.Header{"Content-Type": {ct}}
}

func wrMarshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func wrIntp(n int) *int { return &n }

// wrLie picks a claimed total: the truth, or one of the lies.
func wrLie(r *rand.Rand, truth int) (int, string) {
	switch r.IntN(6) {
	case 0:
		return 0, "zero"
	case 1:
		return -1 - r.IntN(50), "negative"
	case 2:
		return math.MaxInt64, "max"
	case 3:
		return r.IntN(truth + 1), "small"
	case 4:
		return truth*3 + 7, "big"
	}
	return truth, "exact"
}

// wrLayout draws the data: a page size the server uses (the requested or
// default size, sometimes capped smaller), the rows, and the item count of
// each data page followed by 0-2 stale pages (the server still answers
// them) and one empty page.
func wrLayout(r *rand.Rand, s *wrScript) (c, rows, data int) {
	c = s.eff()
	if c >= 2 && r.IntN(6) == 0 {
		c = 1 + r.IntN(c-1)
		s.tags = append(s.tags, fmt.Sprintf("cap%d", c))
	}
	rows = r.IntN(min(5*c, 60) + 1)
	data = (rows + c - 1) / c
	counts := make([]int, 0, data+3)
	for i := 0; i < data; i++ {
		counts = append(counts, min(c, rows-i*c))
	}
	for range r.IntN(3) {
		counts = append(counts, c)
	}
	counts = append(counts, 0)
	s.pages = make([]wrPage, len(counts))
	k := 0
	for i, n := range counts {
		for range n {
			s.pages[i].ids = append(s.pages[i].ids, fmt.Sprintf("%s%d.%d", s.kit.letter, s.num, k))
			k++
		}
	}
	return c, rows, data
}

// ---- Ductape ----

var wrDuctape = &wrKit{
	api: sessionkit.Ductape, name: "ductape", letter: "d", first: 1, defaultSize: 20, sizeParam: "limit",
	gen: func(r *rand.Rand, s *wrScript) {
		c, rows, data := wrLayout(r, s)
		capped := c < s.eff()
		modes := []string{"exact", "exact", "exact", "totalonly", "none", "growing", "growing", "shrinking", "lie"}
		mode := modes[r.IntN(len(modes))]
		if capped && mode == "totalonly" {
			// Ambiguous in WALK_RULES (is the size the requested limit or
			// the page's own "limit"?): not generated.
			mode = "exact"
		}
		s.tags = append(s.tags, mode)
		lieT, lieName := wrLie(r, rows)
		if mode == "lie" {
			s.tags = append(s.tags, lieName)
		}
		for i := range s.pages {
			p := &s.pages[i]
			num := i + 1
			p.successKey = r.IntN(5) == 0
			p.limit = wrIntp(c)
			m := mode
			if r.IntN(10) == 0 {
				m = modes[r.IntN(len(modes))]
				if capped && m == "totalonly" {
					m = "none"
				}
			}
			switch m {
			case "exact":
				p.total, p.totalPages = wrIntp(rows), wrIntp(data)
			case "totalonly":
				p.total = wrIntp(rows)
			case "none":
				if r.IntN(2) == 0 {
					p.limit = nil
				}
			case "growing":
				tp := data
				if num < data {
					tp = num + 1 + r.IntN(data-num)
				}
				p.total, p.totalPages = wrIntp(tp*c), wrIntp(tp)
			case "shrinking":
				tp := data + max(0, data-num)
				p.total, p.totalPages = wrIntp(tp*c), wrIntp(tp)
			case "lie":
				p.total = wrIntp(lieT)
				tp := lieT
				if lieT > 0 && lieT < math.MaxInt64 {
					tp = (lieT + c - 1) / c
				}
				if r.IntN(3) > 0 {
					p.totalPages = wrIntp(tp)
				}
			}
		}
	},
	claims: func(_ *wrScript, p *wrPage) string {
		return fmt.Sprintf("t=%s tp=%s l=%s", wrOpt(p.total), wrOpt(p.totalPages), wrOpt(p.limit))
	},
	render: func(s *wrScript, p *wrPage, num int) (http.Header, []byte) {
		us := make([]map[string]any, len(p.ids))
		for i, id := range p.ids {
			us[i] = map[string]any{
				"_id": id, "ductape_user_id": "du_" + id, "product_tag": "my-product", "session_tag": "user-session",
				"identifier": id + "@example.com", "env": "production",
				"first_seen": "2026-10-01T09:12:44.120Z", "last_seen": "2026-11-20T17:03:10Z",
				"createdAt": "2026-10-01T09:12:44.120Z", "updatedAt": "2026-11-20T17:03:10Z",
			}
		}
		data := map[string]any{"users": us, "page": num}
		if p.total != nil {
			data["total"] = *p.total
		}
		if p.totalPages != nil {
			data["totalPages"] = *p.totalPages
		}
		if p.limit != nil {
			data["limit"] = *p.limit
		}
		key := "status"
		if p.successKey {
			key = "success"
		}
		return wrJSONHeader("application/json; charset=utf-8"), wrMarshal(map[string]any{key: true, "data": data})
	},
	errBody: func(f wrFault) (http.Header, []byte) {
		code := "FETCH_USERS_FAILED"
		if f.status == http.StatusNotFound {
			code = "USER_NOT_FOUND"
		}
		return wrJSONHeader("application/json"), wrMarshal(map[string]any{"status": false, "message": "Could not fetch users", "code": code})
	},
	isLast: func(s *wrScript, p *wrPage, num int, _ *int) bool {
		n := len(p.ids)
		if n == 0 {
			return true
		}
		if p.totalPages != nil && *p.totalPages > 0 {
			return num >= *p.totalPages
		}
		// The page size: the requested limit, else the page's own
		// "limit" (the server's default), else the documented default.
		size := s.size
		if size == 0 && p.limit != nil && *p.limit > 0 {
			size = *p.limit
		}
		if size == 0 {
			size = s.kit.defaultSize
		}
		if p.total != nil && *p.total > 0 {
			return num >= (*p.total-1)/size+1 // num*size >= total, overflow-safe
		}
		return n < size
	},
	walk: func(ctx context.Context, c *sessionkit.Client, s *wrScript, start int) iter.Seq2[string, error] {
		opts := sessions.FetchUsersOptions{Product: "my-product", Session: "user-session", Limit: s.size, Page: 1 + start}
		return wrIDs(c.Sessions.FetchUsersIter(ctx, opts), func(u sessions.User) string { return u.ID })
	},
}

// ---- Zoom ----

var wrZoom = &wrKit{
	api: sessionkit.Zoom, name: "zoom", letter: "z", cursor: true, defaultSize: 30, sizeParam: "page_size",
	gen: func(r *rand.Rand, s *wrScript) {
		n := 1 + r.IntN(7)
		s.pages = make([]wrPage, n)
		s.tokens = make([]string, n)
		k := 0
		most := min(s.eff(), 5)
		for i := range s.pages {
			if i > 0 {
				s.tokens[i] = fmt.Sprintf("tk%d.%d.%x", s.num, i, r.Uint32())
			}
			cnt := 1 + r.IntN(most)
			if r.IntN(6) == 0 {
				cnt = 0 // an empty page that still carries a token
			}
			for range cnt {
				s.pages[i].ids = append(s.pages[i].ids, fmt.Sprintf("z%d.%d", s.num, k))
				k++
			}
		}
		for i := range s.pages {
			if i+1 < n {
				s.pages[i].next = s.tokens[i+1]
			} else {
				s.pages[i].omitNext = r.IntN(2) == 0
			}
		}
		if n >= 3 && r.IntN(12) == 0 {
			// A token that comes back a second time.
			j := 1 + r.IntN(n-2)
			s.pages[j].next = s.tokens[1+r.IntN(j)]
			s.tags = append(s.tags, "loop")
		}
	},
	claims: func(s *wrScript, p *wrPage) string {
		if p.next == "" {
			return "->end"
		}
		for i, tok := range s.tokens {
			if tok == p.next {
				return "->t" + strconv.Itoa(i)
			}
		}
		return "->?"
	},
	render: func(s *wrScript, p *wrPage, _ int) (http.Header, []byte) {
		us := make([]map[string]any, len(p.ids))
		for i, id := range p.ids {
			us[i] = map[string]any{
				"id": id, "name": "user " + id, "device": "Mac", "ip_address": "127.0.0.1", "location": "New York",
				"network_type": "Wifi", "data_center": "SC", "connection_type": "P2P",
				"join_time": "2021-12-07T05:42:28Z", "leave_time": "2021-12-07T06:42:28Z",
				"user_key": "key-" + id, "audio_quality": "good", "video_quality": "fair", "is_original_host": i == 0,
				"audio_call": []map[string]string{{"call_number": "+1 555", "call_type": "call-out", "zoom_number": "+1 444"}},
			}
		}
		body := map[string]any{"page_size": s.eff(), "users": us}
		if !p.omitNext {
			body["next_page_token"] = p.next
		}
		return wrJSONHeader("application/json;charset=UTF-8"), wrMarshal(body)
	},
	errBody: func(f wrFault) (http.Header, []byte) {
		code, msg := f.status, "Internal error."
		switch f.status {
		case http.StatusTooManyRequests:
			msg = "You have exceeded the per-second rate limit for this API. Try again later."
		case http.StatusNotFound:
			code, msg = 3001, "Session does not exist."
		case http.StatusBadRequest:
			code, msg = 300, "Invalid parameter."
		}
		return wrJSONHeader("application/json"), wrMarshal(map[string]any{"code": code, "message": msg})
	},
	isLast: func(_ *wrScript, p *wrPage, _ int, _ *int) bool { return p.next == "" },
	walk: func(ctx context.Context, c *sessionkit.Client, s *wrScript, start int) iter.Seq2[string, error] {
		opts := sessions.ListUsersOptions{Type: sessions.Past, PageSize: s.size, NextPageToken: s.tokens[start]}
		return wrIDs(c.Sessions.ListUsersIter(ctx, "KkMHZ4y8QhSUWAHi5sWvfg==", opts), func(u sessions.VideoUser) string { return u.ID })
	},
}

// ---- Arthur ----

var wrArthur = &wrKit{
	api: sessionkit.Arthur, name: "arthur", letter: "a", first: 0, defaultSize: traces.DefaultPageSize, sizeParam: "page_size",
	gen: func(r *rand.Rand, s *wrScript) {
		c, rows, _ := wrLayout(r, s)
		modes := []string{"exact", "exact", "exact", "growing", "growing", "shrinking", "lie"}
		mode := modes[r.IntN(len(modes))]
		s.tags = append(s.tags, mode)
		lie, lieName := wrLie(r, rows)
		if mode == "lie" {
			s.tags = append(s.tags, lieName)
		}
		offset := 0
		for i := range s.pages {
			p := &s.pages[i]
			m := mode
			if r.IntN(10) == 0 {
				m = modes[r.IntN(len(modes))]
			}
			switch m {
			case "exact":
				p.count = rows
			case "growing":
				// Just more than this page reaches, so the walk goes on:
				// each page tells a little more.
				p.count = rows
				if reach := offset + len(p.ids); reach < rows {
					p.count = min(rows, reach+1+r.IntN(c+1))
				}
			case "shrinking":
				p.count = rows + max(0, rows-offset)
			case "lie":
				p.count = lie
			}
			offset += len(p.ids)
		}
	},
	claims: func(_ *wrScript, p *wrPage) string { return "c=" + wrNum(p.count) },
	render: func(_ *wrScript, p *wrPage, _ int) (http.Header, []byte) {
		us := make([]map[string]any, len(p.ids))
		for i, id := range p.ids {
			u := map[string]any{
				"user_id": id, "task_id": "t-1", "session_ids": []string{"s1", "s2"}, "session_count": 2,
				"trace_ids": []string{"tr1"}, "trace_count": 1, "span_count": 17,
				"earliest_start_time": "2026-11-20T09:30:00.250000", "latest_end_time": "2026-11-20T10:02:11.004000",
			}
			if i%2 == 0 {
				u["prompt_token_count"], u["total_token_cost"] = 1200, 0.0021
			}
			us[i] = u
		}
		return wrJSONHeader("application/json"), wrMarshal(map[string]any{"count": p.count, "users": us, "display_currency": "USD"})
	},
	errBody: func(f wrFault) (http.Header, []byte) {
		msg := "Something went wrong."
		switch f.status {
		case http.StatusBadRequest:
			msg = "Invalid page size, must be greater than 0 and less than 5000"
		case http.StatusNotFound:
			msg = "Task t-1 not found"
		}
		return wrJSONHeader("application/json"), wrMarshal(map[string]any{"detail": msg})
	},
	isLast: func(s *wrScript, p *wrPage, num int, eff *int) bool {
		n := len(p.ids)
		if n == 0 {
			return true
		}
		// num*eff + n >= count; num and eff are small, count may be
		// anything (count-n cannot overflow: n is small and positive).
		if p.count <= 0 || p.count-n <= num*(*eff) {
			return true
		}
		if n < *eff {
			*eff = n // the server caps the page size
		}
		return false
	},
	walk: func(ctx context.Context, c *sessionkit.Client, s *wrScript, start int) iter.Seq2[string, error] {
		opts := traces.UsersOptions{TaskIDs: []string{"t-1"}, Sort: traces.Asc, PageSize: s.size, Page: start}
		return wrIDs(c.Traces.UsersIter(ctx, opts), func(u traces.UserMetadata) string { return u.UserID })
	},
}

// ---- MonoCloud ----

var wrMonoCloud = &wrKit{
	api: sessionkit.MonoCloud, name: "monocloud", letter: "m", first: 1, defaultSize: 10, sizeParam: "size",
	gen: func(r *rand.Rand, s *wrScript) {
		c, rows, data := wrLayout(r, s)
		modes := []string{"exact", "exact", "exact", "lie", "lie", "absent", "garbage", "mixed"}
		mode := modes[r.IntN(len(modes))]
		s.tags = append(s.tags, mode)
		lie, lieName := wrLie(r, rows)
		lps := []int{c, 0, -1, s.eff(), 1, math.MaxInt64}[r.IntN(6)]
		if mode == "lie" {
			s.tags = append(s.tags, lieName, "ps="+wrNum(lps))
		}
		for i := range s.pages {
			p := &s.pages[i]
			num := i + 1
			m := mode
			if m == "mixed" || r.IntN(12) == 0 {
				m = modes[r.IntN(len(modes)-1)]
			}
			p.tc, p.ps, p.cp = rows, c, num
			p.hasNext, p.hasPrevious = num < data, num > 1
			switch m {
			case "lie":
				p.tc, p.ps = lie, lps
			case "absent":
				p.hdr = wrHdrAbsent
			case "garbage":
				p.hdr = wrHdrGarbage
			}
			if r.IntN(15) == 0 {
				p.hasNext = !p.hasNext
			}
		}
	},
	claims: func(_ *wrScript, p *wrPage) string {
		switch p.hdr {
		case wrHdrAbsent:
			return "nohdr"
		case wrHdrGarbage:
			return "badhdr"
		}
		return fmt.Sprintf("tc=%s ps=%s next=%t", wrNum(p.tc), wrNum(p.ps), p.hasNext)
	},
	render: func(_ *wrScript, p *wrPage, _ int) (http.Header, []byte) {
		ss := make([]map[string]any, len(p.ids))
		for i, id := range p.ids {
			ss[i] = map[string]any{
				"session_id": id, "client_ids": []string{"eCOGRJYpnNwwAAuCeReEW"},
				"initiated_at": 1640975400, "expires_at": 1640983490, "last_updated": 1640975400,
				"last_metadata": map[string]any{
					"country": "United States of America", "city": nil, "region": "North America",
					"latitude": "34.043238", "longitude": "-118.250918", "ip_address": "1.1.1.1", "user_agent": "UA",
				},
			}
			if i%2 == 1 {
				ss[i]["session_key"] = "key-" + id
			}
		}
		h := wrJSONHeader("application/json; charset=utf-8")
		switch p.hdr {
		case wrHdrJSON:
			h.Set("X-Pagination", string(wrMarshal(map[string]any{
				"total_count": p.tc, "page_size": p.ps, "current_page": p.cp, "has_next": p.hasNext, "has_previous": p.hasPrevious,
			})))
		case wrHdrGarbage:
			h.Set("X-Pagination", "total_count=20; has_next")
		}
		return h, wrMarshal(ss)
	},
	errBody: func(f wrFault) (http.Header, []byte) {
		return wrJSONHeader("application/problem+json"), wrMarshal(map[string]any{
			"type": "https://httpstatuses.io/" + strconv.Itoa(f.status), "title": http.StatusText(f.status),
			"status": f.status, "detail": "Request failed", "traceId": "00-abc-01",
		})
	},
	isLast: func(s *wrScript, p *wrPage, _ int, _ *int) bool {
		if len(p.ids) == 0 {
			return true
		}
		if p.hdr == wrHdrJSON {
			return !p.hasNext
		}
		return len(p.ids) < s.eff()
	},
	walk: func(ctx context.Context, c *sessionkit.Client, s *wrScript, start int) iter.Seq2[string, error] {
		opts := users.SessionsOptions{Page: 1 + start, Size: s.size}
		return wrIDs(c.Users.SessionsIter(ctx, "u-1", opts), func(s users.Session) string { return s.SessionID })
	},
}

// ---- generator ----

func wrGenerate(seed uint64, k *wrKit, num int) *wrScript {
	r := rand.New(rand.NewPCG(seed, uint64(k.api)<<32|uint64(num)))
	s := &wrScript{kit: k, seed: seed, num: num, maxRetries: 1 + r.IntN(3), cancelAt: -1, breakAt: -1}
	if r.IntN(10) > 0 {
		s.size = 1 + r.IntN(4)
	}
	k.gen(r, s)
	for i := range s.pages {
		p := &s.pages[i]
		if r.IntN(5) > 1 {
			p.latency = time.Duration(r.IntN(3001)) * time.Microsecond
		}
		if r.IntN(100) < 14 {
			p.faults, p.persistent = wrFaults(r, s)
		}
	}
	if r.IntN(10) < 3 {
		s.start = r.IntN(len(s.pages))
	}
	full := len(wrExpect(s, s.start, false).full)
	switch x := r.IntN(20); {
	case x < 6:
		s.cancelAt = r.IntN(full + 1)
	case x == 6 && full > 0:
		s.breakAt = 1 + r.IntN(full)
	}
	return s
}

// wrFaults draws the faults of one page: transient (retryable, fewer than
// the retry budget), persistent (retryable on every attempt) or a
// non-retryable status, possibly after retryable ones.
func wrFaults(r *rand.Rand, s *wrScript) ([]wrFault, bool) {
	retryable := func() wrFault {
		statuses := []int{429, 500, 502, 503, 504}
		if r.IntN(7) < 2 {
			return wrFault{drop: true, cut: r.Float64()}
		}
		return wrFault{status: statuses[r.IntN(len(statuses))]}
	}
	var fs []wrFault
	switch x := r.IntN(10); {
	case x < 6:
		for range 1 + r.IntN(s.maxRetries) {
			fs = append(fs, retryable())
		}
		return fs, false
	case x < 8:
		for range 1 + r.IntN(2) {
			fs = append(fs, retryable())
		}
		return fs, true
	}
	for range r.IntN(s.maxRetries + 1) {
		fs = append(fs, retryable())
	}
	nr := []int{400, 403, 404, 422}
	f := wrFault{status: nr[r.IntN(len(nr))]}
	if s.kit.api == sessionkit.Ductape && r.IntN(3) == 0 {
		f = wrFault{status: http.StatusOK, envelope: true}
	}
	return append(fs, f), false
}

// ---- oracle ----

// wrOutcome is what the rules make of a script walked from one start.
type wrOutcome struct {
	path   []int    // page indexes in walk order, through the last page
	starts []int    // items before each page of path
	full   []string // the items of path, faults aside
	failAt int      // position in path of the first failing page; -1
	loopAt int      // Zoom: position in path whose next token repeats; -1
	loop   string   // the repeated token
}

// ids is the expected yield: full, or the items before the failing page.
func (o *wrOutcome) ids() []string {
	if o.failAt >= 0 {
		return o.full[:o.starts[o.failAt]]
	}
	return o.full
}

// fails reports whether the walk is expected to end with an error.
func (o *wrOutcome) fails() bool { return o.failAt >= 0 || o.loopAt >= 0 }

// wrExpect applies WALK_RULES to the script alone, from index start; with
// faults the first page that fails within the retry budget ends it.
func wrExpect(s *wrScript, start int, faults bool) wrOutcome {
	k := s.kit
	o := wrOutcome{failAt: -1, loopAt: -1}
	eff := s.eff()
	seen := map[string]bool{}
	if k.cursor && s.tokens[start] != "" {
		seen[s.tokens[start]] = true
	}
	for i := start; len(o.path) < 10000; {
		p := s.page(i)
		if faults && o.failAt < 0 && p.fails(s.maxRetries) {
			o.failAt = len(o.path)
		}
		o.path = append(o.path, i)
		o.starts = append(o.starts, len(o.full))
		o.full = append(o.full, p.ids...)
		if k.isLast(s, p, k.first+i, &eff) {
			break
		}
		if !k.cursor {
			i++
			continue
		}
		if seen[p.next] {
			o.loopAt, o.loop = len(o.path)-1, p.next
			break
		}
		seen[p.next] = true
		i = s.tokenIndex(p.next)
	}
	return o
}

func (s *wrScript) tokenIndex(tok string) int {
	for i, t := range s.tokens {
		if t == tok {
			return i
		}
	}
	return -1
}

// ---- in-memory server ----

// wrServer serves one script from memory and records what it served.
type wrServer struct {
	s      *wrScript
	faults bool
	mu     sync.Mutex
	tries  map[int]int
	record []string // "p2#0:500", "t1#1:ok"
	bad    []string // requests the script did not expect
}

func newWRServer(s *wrScript, faults bool) *wrServer {
	return &wrServer{s: s, faults: faults, tries: map[int]int{}}
}

func (v *wrServer) note(idx, attempt int, what string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.record = append(v.record, fmt.Sprintf("%s#%d:%s", v.s.label(idx), attempt, what))
}

func (v *wrServer) reject(req *http.Request, why string) (*http.Response, error) {
	v.mu.Lock()
	v.bad = append(v.bad, why+": "+req.URL.RawQuery)
	v.mu.Unlock()
	return wrResponse(req, http.StatusBadRequest, wrJSONHeader("text/plain"), bytes.NewReader([]byte(why))), nil
}

// index finds the page a request asks for.
func (v *wrServer) index(req *http.Request) (int, string) {
	k, q := v.s.kit, req.URL.Query()
	want := ""
	if v.s.size > 0 {
		want = strconv.Itoa(v.s.size)
	}
	if got := q.Get(k.sizeParam); got != want {
		return -1, fmt.Sprintf("%s=%q, want %q", k.sizeParam, got, want)
	}
	if k.cursor {
		tok := q.Get("next_page_token")
		if i := v.s.tokenIndex(tok); i >= 0 {
			return i, ""
		}
		return -1, "unknown next_page_token"
	}
	num := k.first
	if raw := q.Get("page"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			return -1, "bad page"
		}
		num = n
	}
	if num < k.first {
		return -1, "page before the first"
	}
	return num - k.first, ""
}

// RoundTrip answers from the script: after the page's latency, its fault
// for this attempt or its 200 answer.
func (v *wrServer) RoundTrip(req *http.Request) (*http.Response, error) {
	idx, why := v.index(req)
	if idx < 0 {
		return v.reject(req, why)
	}
	v.mu.Lock()
	attempt := v.tries[idx]
	v.tries[idx]++
	v.mu.Unlock()
	p := v.s.page(idx)
	if p.latency > 0 {
		timer := time.NewTimer(p.latency)
		select {
		case <-timer.C:
		case <-req.Context().Done():
			timer.Stop()
			v.note(idx, attempt, "gone")
			return nil, req.Context().Err()
		}
	}
	f, faulty := p.faultAt(attempt)
	if !v.faults || !faulty {
		v.note(idx, attempt, "ok")
		h, body := v.s.kit.render(v.s, p, v.s.kit.first+idx)
		return wrResponse(req, http.StatusOK, h, bytes.NewReader(body)), nil
	}
	v.note(idx, attempt, f.String())
	switch {
	case f.drop:
		h, body := v.s.kit.render(v.s, p, v.s.kit.first+idx)
		n := min(int(f.cut*float64(len(body))), len(body)-1)
		return wrResponse(req, http.StatusOK, h, &wrCutBody{r: bytes.NewReader(body[:n])}), nil
	case f.envelope:
		h, body := v.s.kit.errBody(f)
		return wrResponse(req, http.StatusOK, h, bytes.NewReader(body)), nil
	}
	h, body := v.s.kit.errBody(f)
	if f.status == http.StatusTooManyRequests {
		h.Set("Retry-After", "0")
	}
	return wrResponse(req, f.status, h, bytes.NewReader(body)), nil
}

func wrResponse(req *http.Request, status int, h http.Header, body io.Reader) *http.Response {
	return &http.Response{
		Status:     fmt.Sprintf("%d %s", status, http.StatusText(status)),
		StatusCode: status, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Body: io.NopCloser(body), ContentLength: -1, Request: req,
	}
}

// wrCutBody is a body whose connection drops: after its bytes, Read fails
// with io.ErrUnexpectedEOF.
type wrCutBody struct{ r *bytes.Reader }

func (b *wrCutBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if errors.Is(err, io.EOF) {
		return n, io.ErrUnexpectedEOF
	}
	return n, err
}

// ---- walking ----

// wrRun is what one walk yielded.
type wrRun struct {
	ids      []string
	errs     []error
	afterErr int  // items yielded after the first error
	canceled bool // the cancel fired
	broke    bool // the loop broke
	panicked any
}

func wrClient(v *wrServer, prefetch int) (*sessionkit.Client, error) {
	return sessionkit.NewClient(
		sessionkit.WithBaseURL("http://walk.test/v2"),
		sessionkit.WithAPIKey("walk-random-key"),
		sessionkit.WithWorkspaceID("ws-1"),
		sessionkit.WithHTTPClient(&http.Client{Transport: v}),
		sessionkit.WithPrefetch(prefetch),
		sessionkit.WithMaxRetries(v.s.maxRetries),
		sessionkit.WithRetryWait(time.Millisecond, 2*time.Millisecond),
	)
}

// wrWalk walks s from start on v, cancelling or breaking as told.
func wrWalk(v *wrServer, prefetch, start, cancelAt, breakAt int) (run wrRun, err error) {
	c, err := wrClient(v, prefetch)
	if err != nil {
		return run, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), wrHang)
	defer cancel()
	if cancelAt == 0 {
		cancel()
		run.canceled = true
	}
	defer func() { run.panicked = recover() }()
	for id, err := range v.s.kit.walk(ctx, c, v.s, start) {
		if err != nil {
			run.errs = append(run.errs, err)
			continue
		}
		if len(run.errs) > 0 {
			run.afterErr++
			continue
		}
		run.ids = append(run.ids, id)
		if len(run.ids) == breakAt {
			run.broke = true
			break
		}
		if len(run.ids) == cancelAt {
			cancel()
			run.canceled = true
		}
	}
	return run, nil
}

// ---- judging ----

// wrVerdict is a failed check: its category and what happened.
type wrVerdict struct {
	cat    string
	detail string
}

// wrDetailLen bounds a verdict's detail (error texts quote bodies).
const wrDetailLen = 360

func wrFail(cat, format string, args ...any) *wrVerdict {
	d := fmt.Sprintf(format, args...)
	if len(d) > wrDetailLen {
		d = d[:wrDetailLen] + "..."
	}
	return &wrVerdict{cat: cat, detail: d}
}

// wrSilent is the category of walks that ended early without an error.
const wrSilent = "silent short end"

func wrShort(ids []string) string {
	if len(ids) <= 12 {
		return "[" + strings.Join(ids, " ") + "]"
	}
	return "[" + strings.Join(ids[:5], " ") + " ... " + strings.Join(ids[len(ids)-5:], " ") + "]"
}

// wrPrefix checks that got is a prefix of want, naming the first breach.
func wrPrefix(got, want []string) *wrVerdict {
	for i, id := range got {
		if i < len(want) && id == want[i] {
			continue
		}
		seen := false
		for _, g := range got[:i] {
			seen = seen || g == id
		}
		where := slices.Index(want, id)
		switch {
		case seen:
			return wrFail("duplicate item", "item #%d %s was already yielded", i, id)
		case i >= len(want):
			return wrFail("item past the last page", "item #%d %s after all %d expected items", i, id, len(want))
		case where > i:
			return wrFail("skipped items", "item #%d is %s, want %s (skipped %d)", i, id, want[i], where-i)
		case where < 0:
			return wrFail("item past the last page", "item #%d %s is not in the expected walk (want %s)", i, id, want[i])
		}
		return wrFail("out of order", "item #%d is %s, want %s", i, id, want[i])
	}
	return nil
}

// wrCause names an unexpected error by what caused it.
func wrCause(err error) string {
	var ae *sessionkit.APIError
	var me *sessionkit.MalformedError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "hang (deadline)"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, sessionkit.ErrPaginationLoop):
		return "pagination loop"
	case errors.As(err, &me):
		return "malformed body"
	case errors.As(err, &ae):
		return "status " + strconv.Itoa(ae.StatusCode)
	}
	return "other error"
}

// resumeAt returns the index a PageError says to resume from, or -1.
func (s *wrScript) resumeAt(pe *sessionkit.PageError) int {
	if s.kit.cursor {
		return s.tokenIndex(pe.PageToken)
	}
	if i := pe.Page - s.kit.first; i >= 0 {
		return i
	}
	return -1
}

// wrJudge checks a walk without cancel or break against exp.
func wrJudge(s *wrScript, run *wrRun, exp *wrOutcome) *wrVerdict {
	if v := wrYieldAfterError(run); v != nil {
		return v
	}
	if v := wrPrefix(run.ids, exp.full); v != nil {
		return v
	}
	want := exp.ids()
	if len(run.errs) == 0 {
		if len(run.ids) >= len(exp.full) && exp.fails() {
			return wrFail("no error for a failing page", "%d items, want %d then an error", len(run.ids), len(want))
		}
		if len(run.ids) < len(want) || exp.fails() {
			return wrFail(wrSilent, "ended without error after %d of %d items", len(run.ids), len(exp.full))
		}
		return nil
	}
	err := run.errs[0]
	if !exp.fails() && len(run.ids) == len(exp.full) && !wrOnPath(s, exp, err) {
		return wrFail("error from a page past the last: "+wrCause(err), "after all %d items: %v", len(run.ids), err)
	}
	if !exp.fails() || len(run.ids) < len(want) {
		return wrFail("unexpected error: "+wrCause(err), "after %d of %d items: %v", len(run.ids), len(want), err)
	}
	var pe *sessionkit.PageError
	if !errors.As(err, &pe) {
		return wrFail("error is not a PageError", "%T: %v", err, err)
	}
	if pe.Yielded != len(run.ids) {
		return wrFail("wrong PageError.Yielded", "Yielded %d, yielded %d", pe.Yielded, len(run.ids))
	}
	if exp.failAt >= 0 {
		at := exp.path[exp.failAt]
		if s.resumeAt(pe) != at {
			return wrFail("wrong PageError position", "page %d token %q, want %s", pe.Page, pe.PageToken, s.label(at))
		}
		return nil
	}
	if !errors.Is(err, sessionkit.ErrPaginationLoop) || pe.PageToken != exp.loop {
		return wrFail("wrong error for a pagination loop", "%v", err)
	}
	return nil
}

func wrYieldAfterError(run *wrRun) *wrVerdict {
	switch {
	case len(run.errs) > 1:
		return wrFail("more than one error", "%d errors, the first: %v", len(run.errs), run.errs[0])
	case run.afterErr > 0:
		return wrFail("item after the error", "%d items after: %v", run.afterErr, run.errs[0])
	}
	return nil
}

// wrJudgeCancel checks a walk whose context was cancelled mid-way.
func wrJudgeCancel(s *wrScript, run *wrRun, exp *wrOutcome) *wrVerdict {
	if v := wrYieldAfterError(run); v != nil {
		return v
	}
	if v := wrPrefix(run.ids, exp.full); v != nil {
		return v
	}
	if len(run.errs) == 0 {
		if !exp.fails() && len(run.ids) == len(exp.full) {
			return nil // every row was yielded before the cancel
		}
		return wrFail(wrSilent+" after a cancel", "cancelled after %d items; ended without error after %d of %d", s.cancelAt, len(run.ids), len(exp.full))
	}
	err := run.errs[0]
	if !errors.Is(err, context.Canceled) {
		// The walk's own error is fine if it is exactly the one it
		// would have ended with anyway.
		v := wrJudge(s, run, exp)
		if v != nil {
			v.detail = fmt.Sprintf("(cancelled after %d items, not context.Canceled) %s", s.cancelAt, v.detail)
		}
		return v
	}
	var pe *sessionkit.PageError
	if !errors.As(err, &pe) {
		return wrFail("error is not a PageError", "%T: %v", err, err)
	}
	if pe.Yielded != len(run.ids) {
		return wrFail("wrong PageError.Yielded", "cancel: Yielded %d, yielded %d", pe.Yielded, len(run.ids))
	}
	if !wrResumePoint(s, exp, pe, true) {
		return wrFail("wrong PageError position", "cancel after %d items: page %d token %q does not hold item #%d", len(run.ids), pe.Page, pe.PageToken, pe.Yielded)
	}
	return nil
}

// wrOnPath reports whether err is a PageError naming a page of the walk.
func wrOnPath(s *wrScript, exp *wrOutcome, err error) bool {
	var pe *sessionkit.PageError
	return errors.As(err, &pe) && slices.Contains(exp.path, s.resumeAt(pe))
}

// wrResumePoint reports whether pe names a page of the walk that starts
// at item pe.Yielded or holds it; pastLast also accepts the page after
// the last once every item was yielded (a cancel may stop a walk there).
func wrResumePoint(s *wrScript, exp *wrOutcome, pe *sessionkit.PageError, pastLast bool) bool {
	at := s.resumeAt(pe)
	for pos, idx := range exp.path {
		if idx != at {
			continue
		}
		n := len(s.page(idx).ids)
		if exp.starts[pos] == pe.Yielded || exp.starts[pos] < pe.Yielded && pe.Yielded < exp.starts[pos]+n {
			return true
		}
	}
	// The page after the last, when every item was yielded.
	last := exp.path[len(exp.path)-1]
	return pastLast && !s.kit.cursor && pe.Yielded == len(exp.full) && at == last+1
}

// wrResult is the outcome of one walk of one script at one prefetch.
type wrResult struct {
	s        *wrScript
	prefetch int
	verdicts []*wrVerdict
	complete []string // the items of a walk without cancel or break that ended without error
	done     bool     // complete is set
	record   []string
	run      wrRun
	resumeOK bool // a resume was checked
	ambig    bool // the rules' rest and a fresh walk from the resume point differ
}

// wrCheck walks s at prefetch and judges it, resuming after a failure.
func wrCheck(s *wrScript, prefetch int) *wrResult {
	res := &wrResult{s: s, prefetch: prefetch}
	v := newWRServer(s, true)
	run, err := wrWalk(v, prefetch, s.start, s.cancelAt, s.breakAt)
	res.run = run
	v.mu.Lock()
	res.record = slices.Clone(v.record)
	if len(v.bad) > 0 {
		res.verdicts = append(res.verdicts, wrFail("bad request", "%s", strings.Join(v.bad, "; ")))
	}
	v.mu.Unlock()
	if err != nil {
		res.verdicts = append(res.verdicts, wrFail("client", "%v", err))
		return res
	}
	exp := wrExpect(s, s.start, true)
	if run.panicked != nil {
		res.verdicts = append(res.verdicts, wrFail("panic", "%v", run.panicked))
		return res
	}
	if v := wrFetchedAhead(v, &exp, prefetch); v != nil {
		res.verdicts = append(res.verdicts, v)
	}
	var verdict *wrVerdict
	switch {
	case run.broke:
		if len(run.errs) > 0 || len(run.ids) != s.breakAt {
			verdict = wrFail("break", "broke after %d, got %d items, %d errors", s.breakAt, len(run.ids), len(run.errs))
		} else {
			verdict = wrPrefix(run.ids, exp.full)
		}
	case run.canceled:
		verdict = wrJudgeCancel(s, &run, &exp)
	default:
		verdict = wrJudge(s, &run, &exp)
		if len(run.errs) == 0 {
			res.complete, res.done = run.ids, true
		}
	}
	if verdict != nil {
		res.verdicts = append(res.verdicts, verdict)
	}
	if !run.canceled && !run.broke && len(run.errs) == 1 && wrPrefix(run.ids, exp.full) == nil {
		if rv := wrCheckResume(res, &exp, run.errs[0]); rv != nil {
			res.verdicts = append(res.verdicts, rv)
		}
	}
	return res
}

// wrFetchedAhead checks that prefetch n fetched at most n pages past the
// last page (none with prefetch 0).
func wrFetchedAhead(v *wrServer, exp *wrOutcome, prefetch int) *wrVerdict {
	if v.s.kit.cursor {
		return nil
	}
	last := slices.Max(exp.path)
	v.mu.Lock()
	defer v.mu.Unlock()
	var past []string
	for idx := range v.tries {
		if idx > last {
			past = append(past, v.s.label(idx))
		}
	}
	if len(past) > prefetch {
		sort.Strings(past)
		return wrFail("fetched more than n pages past the last", "prefetch %d fetched %s past %s", prefetch, strings.Join(past, ","), v.s.label(last))
	}
	return nil
}

// wrCheckResume resumes a failed walk where its PageError says, on the
// same script with the faults cleared, and checks it yields the rest.
func wrCheckResume(res *wrResult, exp *wrOutcome, err error) *wrVerdict {
	s := res.s
	var pe *sessionkit.PageError
	if !errors.As(err, &pe) || errors.Is(err, sessionkit.ErrPaginationLoop) || errors.Is(err, context.DeadlineExceeded) {
		return nil
	}
	if !exp.fails() && pe.Yielded == len(exp.full) && !wrOnPath(s, exp, err) {
		return nil // judged already: an error from a page past the last
	}
	at := s.resumeAt(pe)
	if at < 0 || !wrResumePoint(s, exp, pe, false) {
		return wrFail("resume: PageError names no resume point", "page %d token %q after %d items", pe.Page, pe.PageToken, pe.Yielded)
	}
	fresh := wrExpect(s, at, false)
	rest := exp.full[min(pe.Yielded, len(exp.full)):]
	res.resumeOK = true
	res.ambig = strings.Join(fresh.full, " ") != strings.Join(rest, " ")
	run, cerr := wrWalk(newWRServer(s, false), res.prefetch, at, -1, -1)
	if cerr != nil {
		return wrFail("client", "%v", cerr)
	}
	if run.panicked != nil {
		return wrFail("panic", "resume from %s: %v", s.label(at), run.panicked)
	}
	if v := wrJudge(s, &run, &fresh); v != nil {
		return wrFail("resume: "+v.cat, "from %s after %d items: %s", s.label(at), pe.Yielded, v.detail)
	}
	return nil
}

// ---- the test ----

func TestWalkRandomized(t *testing.T) {
	baseline := goleak.IgnoreCurrent()
	seed := wrSeed(t)
	scripts := wrScripts
	if testing.Short() {
		scripts = wrScriptsShort
	}
	var list []*wrScript
	for _, k := range wrKits {
		if *wrAPIFlag != "" && *wrAPIFlag != k.name {
			continue
		}
		for num := range scripts {
			if *wrScriptFlag >= 0 && num != *wrScriptFlag {
				continue
			}
			list = append(list, wrGenerate(seed, k, num))
		}
	}
	if len(list) == 0 {
		t.Fatalf("no script selected (-walkapi=%q -walkscript=%d)", *wrAPIFlag, *wrScriptFlag)
	}

	started := time.Now()
	results := make([]*wrResult, len(list)*len(wrPrefetch))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range wrWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				results[j] = wrCheck(list[j/len(wrPrefetch)], wrPrefetch[j%len(wrPrefetch)])
			}
		}()
	}
	for j := range results {
		jobs <- j
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(started)

	// Prefetch never changes the rows: every clean walk of a script
	// yields what its prefetch-0 walk yielded.
	for i := range list {
		rs := results[i*len(wrPrefetch) : (i+1)*len(wrPrefetch)]
		for _, r := range rs[1:] {
			if rs[0].done && r.done && strings.Join(rs[0].complete, " ") != strings.Join(r.complete, " ") {
				r.verdicts = append(r.verdicts, wrFail("prefetch changed the rows", "prefetch 0 yielded %s, prefetch %d %s",
					wrShort(rs[0].complete), r.prefetch, wrShort(r.complete)))
			}
		}
	}
	wrReport(t, seed, results, elapsed)
	goleak.VerifyNone(t, baseline)
}

// wrReport logs the totals and fails the test with the first failures in
// detail and a count per category.
func wrReport(t *testing.T, seed uint64, results []*wrResult, elapsed time.Duration) {
	t.Helper()
	type tally struct{ walks, pf0, pfN int }
	cats := map[string]*tally{}
	failedWalks, silent, resumes, ambig, ambigEx := 0, 0, 0, 0, ""
	var failing []*wrResult
	kinds := map[string]int{} // silent short ends by kind of script
	verbose := *wrScriptFlag >= 0
	for _, r := range results {
		if r.resumeOK {
			resumes++
		}
		if r.ambig {
			if ambig == 0 {
				ambigEx = fmt.Sprintf(": %s#%d", r.s.kit.name, r.s.num)
			} else if !strings.Contains(ambigEx, r.s.kit.name) {
				ambigEx += fmt.Sprintf(", %s#%d", r.s.kit.name, r.s.num)
			}
			ambig++
		}
		if verbose {
			t.Logf("prefetch %d: %d items %s, errors %v\n  served: %s", r.prefetch, len(r.run.ids), wrShort(r.run.ids), r.run.errs, strings.Join(r.record, " "))
		}
		if len(r.verdicts) == 0 {
			continue
		}
		failedWalks++
		isSilent := false
		for _, v := range r.verdicts {
			c := cats[v.cat]
			if c == nil {
				c = &tally{}
				cats[v.cat] = c
			}
			c.walks++
			if r.prefetch == 0 {
				c.pf0++
			} else {
				c.pfN++
			}
			if strings.Contains(v.cat, wrSilent) {
				isSilent = true
				kinds[wrKind(r.s, v.cat)]++
			}
		}
		if isSilent {
			silent++
		}
		failing = append(failing, r)
	}
	details := wrPickDetails(failing)
	t.Logf("seed %d: %d walks (%d scripts x prefetch %v), %d resumes checked (%d where the rules from the resume point differ from the rest%s), in %v",
		seed, len(results), len(results)/len(wrPrefetch), wrPrefetch, resumes, ambig, ambigEx, elapsed.Round(time.Millisecond))
	if failedWalks == 0 {
		return
	}
	names := make([]string, 0, len(cats))
	for name := range cats {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool {
		return cats[names[i]].walks > cats[names[j]].walks || cats[names[i]].walks == cats[names[j]].walks && names[i] < names[j]
	})
	perAPI := map[string]map[string]int{}
	for _, r := range results {
		for _, v := range r.verdicts {
			if perAPI[v.cat] == nil {
				perAPI[v.cat] = map[string]int{}
			}
			perAPI[v.cat][r.s.kit.name]++
		}
	}
	var sum strings.Builder
	for _, name := range names {
		c := cats[name]
		fmt.Fprintf(&sum, "\n  %5d  %-44s prefetch 0: %d, prefetch>0: %d;", c.walks, name, c.pf0, c.pfN)
		for _, k := range wrKits {
			if n := perAPI[name][k.name]; n > 0 {
				fmt.Fprintf(&sum, " %s %d", k.name, n)
			}
		}
	}
	kindNames := make([]string, 0, len(kinds))
	for k := range kinds {
		kindNames = append(kindNames, k)
	}
	sort.Slice(kindNames, func(i, j int) bool {
		return kinds[kindNames[i]] > kinds[kindNames[j]] || kinds[kindNames[i]] == kinds[kindNames[j]] && kindNames[i] < kindNames[j]
	})
	var ks strings.Builder
	for i, k := range kindNames {
		if i == 16 {
			ks.WriteString("\n  ...")
			break
		}
		fmt.Fprintf(&ks, "\n  %5d  %s", kinds[k], k)
	}
	t.Errorf("%d of %d walks broke the walk promise (seed %d): %d silent short ends, %d with other failures only\n%d examples (one per category first):\n  %s\nper category (a walk may fail several checks):%s\nsilent short ends by kind of script:%s",
		failedWalks, len(results), seed, silent, failedWalks-silent, len(details), strings.Join(details, "\n  "), sum.String(), ks.String())
}

// wrKind names the kind of script a failure happened on: the API, the
// check, the generator's choices and whether the walk prefetched.
func wrKind(s *wrScript, cat string) string {
	tags := make([]string, 0, len(s.tags))
	for _, t := range s.tags {
		if strings.HasPrefix(t, "cap") {
			t = "cap"
		}
		if !strings.HasPrefix(t, "ps=") {
			tags = append(tags, t)
		}
	}
	return fmt.Sprintf("%-10s %-34s [%s]", s.kit.name, cat, strings.Join(tags, ","))
}

// wrPickDetails describes up to wrDetails failed walks: the first of each
// category, then the next ones in order.
func wrPickDetails(failing []*wrResult) []string {
	var picked []*wrResult
	chosen := map[*wrResult]bool{}
	covered := map[string]bool{}
	for _, r := range failing {
		for _, v := range r.verdicts {
			if !covered[v.cat] && !chosen[r] && len(picked) < wrDetails {
				picked, chosen[r] = append(picked, r), true
			}
			covered[v.cat] = true
		}
	}
	for _, r := range failing {
		if !chosen[r] && len(picked) < wrDetails {
			picked, chosen[r] = append(picked, r), true
		}
	}
	details := make([]string, len(picked))
	for i, r := range picked {
		var b strings.Builder
		for _, v := range r.verdicts {
			fmt.Fprintf(&b, "\n    %s: %s", v.cat, v.detail)
		}
		s := r.s
		details[i] = fmt.Sprintf("seed %d script %s#%d prefetch %d:%s\n    script: %s\n    served: %s\n    rerun: go test -race -run 'TestWalkRandomized$' -walkseed=%d -walkapi=%s -walkscript=%d -v .",
			s.seed, s.kit.name, s.num, r.prefetch, b.String(), s.describe(), strings.Join(r.record, " "), s.seed, s.kit.name, s.num)
	}
	return details
}
