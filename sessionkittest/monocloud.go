package sessionkittest

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// problem is an RFC 7807 body as MonoCloud sends it.
type problem struct {
	Type     string              `json:"type"`
	Title    string              `json:"title"`
	Status   int                 `json:"status"`
	Detail   string              `json:"detail,omitempty"`
	Instance string              `json:"instance,omitempty"`
	Errors   map[string][]string `json:"errors,omitempty"`
	TraceID  string              `json:"traceId"`
}

// monoPagination is the JSON in MonoCloud's X-Pagination header.
type monoPagination struct {
	TotalCount  int  `json:"total_count"`
	PageSize    int  `json:"page_size"`
	CurrentPage int  `json:"current_page"`
	HasNext     bool `json:"has_next"`
	HasPrevious bool `json:"has_previous"`
}

// monoSortKeys maps each sort key to the comparison of its field.
var monoSortKeys = map[string]func(a, b *MonoCloudSession) int{
	"session_id":   func(a, b *MonoCloudSession) int { return cmp.Compare(a.SessionID, b.SessionID) },
	"initiated_at": func(a, b *MonoCloudSession) int { return cmp.Compare(a.InitiatedAt, b.InitiatedAt) },
	"expires_at":   func(a, b *MonoCloudSession) int { return cmp.Compare(a.ExpiresAt, b.ExpiresAt) },
	"last_updated": func(a, b *MonoCloudSession) int { return cmp.Compare(a.LastUpdated, b.LastUpdated) },
}

func (s *Server) monoCloudAPI() apiDef {
	return apiDef{
		name:   "monocloud",
		prefix: []string{"api", "users"},
		authorized: func(r *http.Request) bool {
			return r.Header.Get("X-API-KEY") == s.cfg.apiKey
		},
		unauthorized: func(w http.ResponseWriter, r *http.Request) {
			s.problem(w, r, problem{Type: "https://httpstatuses.io/401", Title: "Unauthorized", Status: http.StatusUnauthorized,
				Detail: "A valid X-API-KEY header is required"})
		},
		routes: []route{{pattern: []string{"*", "sessions"}, handle: s.monoSessions}, {handle: s.monoUsers}},
	}
}

// problem answers p as application/problem+json, with the request path as instance and a trace ID.
func (s *Server) problem(w http.ResponseWriter, r *http.Request, p problem) {
	s.mu.Lock()
	s.traceSeq++
	var buf [16]byte
	binary.BigEndian.PutUint64(buf[:8], uint64(s.cfg.seed))
	binary.BigEndian.PutUint64(buf[8:], s.traceSeq)
	s.mu.Unlock()
	sum := sha256.Sum256(buf[:])
	p.TraceID = "00-" + hex.EncodeToString(sum[:16]) + "-" + hex.EncodeToString(sum[16:24]) + "-00"
	p.Instance = strings.TrimPrefix(r.URL.Path, "/monocloud")
	writeTyped(w, "application/problem+json", p.Status, p)
}

func (s *Server) monoSessions(w http.ResponseWriter, r *http.Request, args []string) {
	q := r.URL.Query()
	list, errs := readMonoList(q, monoSortKeys, "key one of session_id, initiated_at, expires_at, last_updated")
	if s.monoInvalid(w, r, errs) {
		return
	}
	all, ok := s.data.MonoCloudSessions[unescape(args[0])]
	if !ok {
		s.problem(w, r, problem{Type: "https://httpstatuses.io/404", Title: "Not Found", Status: http.StatusNotFound, Detail: "User not found"})
		return
	}
	var sessions []MonoCloudSession
	for _, m := range all {
		if c := q.Get("client_id"); c == "" || slices.Contains(m.ClientIDs, c) {
			sessions = append(sessions, m)
		}
	}
	list.write(s, w, sessions)
}

// monoList is the paging and sorting of one MonoCloud listing request.
type monoList[T any] struct {
	page, size int
	compare    func(a, b *T) int // nil: the listing's own order
	order      int
}

// readMonoList reads page, size (1 and 10 when absent) and sort=key:order
// with a key of keys (keysText names them in the error), and the
// validation errors MonoCloud would report for them, by parameter.
func readMonoList[T any](q url.Values, keys map[string]func(a, b *T) int, keysText string) (monoList[T], map[string][]string) {
	errs := map[string][]string{}
	positive := func(key string, def int) int {
		n, err := intParam(q, key, def)
		switch {
		case err != nil:
			errs[key] = append(errs[key], fmt.Sprintf("The value '%s' is not valid.", q.Get(key)))
		case n < 1:
			errs[key] = append(errs[key], fmt.Sprintf("'%s' must be greater than 0", key))
		}
		return n
	}
	l := monoList[T]{page: positive("page", 1), size: positive("size", 10), order: 1}
	if v := q.Get("sort"); v != "" {
		key, ord, _ := strings.Cut(v, ":")
		o, err := strconv.Atoi(ord)
		l.compare, l.order = keys[key], o
		if l.compare == nil || err != nil || (o != 1 && o != -1) {
			errs["sort"] = append(errs["sort"], "'sort' must be 'key:order' with "+keysText+" and order 1 or -1")
		}
	}
	return l, errs
}

// monoInvalid answers MonoCloud's 422 problem when errs holds any, and
// reports whether it did.
func (s *Server) monoInvalid(w http.ResponseWriter, r *http.Request, errs map[string][]string) bool {
	if len(errs) == 0 {
		return false
	}
	s.problem(w, r, problem{Type: "https://httpstatuses.io/422#validation-error", Title: "Unprocessable Entity",
		Status: http.StatusUnprocessableEntity, Errors: errs})
	return true
}

// write sorts rows as asked and answers the requested page of them as a
// bare array, with X-Pagination unless the server was made without it.
func (l monoList[T]) write(s *Server, w http.ResponseWriter, rows []T) {
	if l.compare != nil {
		slices.SortStableFunc(rows, func(a, b T) int { return l.order * l.compare(&a, &b) })
	}
	if !s.cfg.noPagination {
		pg, _ := json.Marshal(monoPagination{TotalCount: len(rows), PageSize: l.size, CurrentPage: l.page,
			HasNext: l.page < pageCount(len(rows), l.size), HasPrevious: l.page > 1})
		w.Header().Set("X-Pagination", string(pg))
	}
	writeJSON(w, http.StatusOK, window(rows, l.page-1, l.size))
}
