package sessionkittest

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// zoomTokenTTL is how long a next_page_token stays valid after it was issued.
const zoomTokenTTL = 15 * time.Minute

// zoomCursor is what a next_page_token stands for.
type zoomCursor struct {
	session, typ     string
	pageSize, offset int
	issued           time.Time
}

type zoomError struct {
	Code    int          `json:"code"`
	Message string       `json:"message"`
	Errors  []zoomFieldE `json:"errors,omitempty"`
}

type zoomFieldE struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

type zoomPage struct {
	PageSize      int        `json:"page_size"`
	NextPageToken string     `json:"next_page_token"`
	Users         []ZoomUser `json:"users"`
}

func (s *Server) zoomAPI() apiDef {
	return apiDef{
		name:       "zoom",
		prefix:     []string{"v2", "videosdk", "sessions"},
		authorized: s.zoomAuthorized,
		unauthorized: func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, http.StatusUnauthorized, zoomError{Code: 124, Message: "Invalid access token."})
		},
		routes: []route{{pattern: []string{"*", "users"}, handle: s.zoomUsers}, {handle: s.zoomSessions}},
		notFound: func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, http.StatusNotFound, zoomError{Code: http.StatusNotFound, Message: "The requested resource does not exist."})
		},
	}
}

// zoomNoSession is Zoom's answer for an unknown session, or a past listing of one not ended.
func zoomNoSession(w http.ResponseWriter) {
	writeJSON(w, http.StatusNotFound, zoomError{Code: 3001, Message: "Session ID is invalid or has not ended."})
}

// zoomAuthorized accepts the API key as a bearer token, or, under WithVideoSDKCredentials, only a
// valid Video SDK API JWT.
func (s *Server) zoomAuthorized(r *http.Request) bool {
	if !s.cfg.zoomJWT {
		return s.bearerKey(r)
	}
	tok, ok := bearer(r)
	if !ok {
		return false
	}
	now := s.now()
	var claims jwt.RegisteredClaims
	_, err := jwt.ParseWithClaims(tok, &claims, func(*jwt.Token) (any, error) { return []byte(s.cfg.zoomSecret), nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithIssuer(s.cfg.zoomKey), jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(func() time.Time { return now }))
	return err == nil && claims.IssuedAt != nil && !claims.IssuedAt.After(now.Add(time.Minute))
}

// zoomSessionID decodes the escaped path segment the way Zoom does: an ID that begins with "/" or
// contains "//" must arrive double-encoded; any other ID is decoded once.
func zoomSessionID(seg string) (string, bool) {
	once, err := url.PathUnescape(seg)
	if err != nil || needsDoubleEncoding(once) {
		return "", false
	}
	if strings.Contains(once, "%") {
		if twice, err := url.PathUnescape(once); err == nil && needsDoubleEncoding(twice) {
			return twice, true
		}
	}
	return once, true
}

func needsDoubleEncoding(id string) bool {
	return strings.HasPrefix(id, "/") || strings.Contains(id, "//")
}

func zoomInvalid(w http.ResponseWriter, field, msg string) {
	writeJSON(w, http.StatusBadRequest, zoomError{Code: 300, Message: "Validation Failed.",
		Errors: []zoomFieldE{{Field: field, Message: msg}}})
}

func (s *Server) zoomUsers(w http.ResponseWriter, r *http.Request, args []string) {
	q := r.URL.Query()
	typ := q.Get("type")
	if typ == "" {
		typ = "live"
	}
	if typ != "live" && typ != "past" {
		zoomInvalid(w, "type", fmt.Sprintf("Invalid value %q: must be one of [past, live].", typ))
		return
	}
	pageSize, err := intParam(q, "page_size", 30)
	if err != nil || pageSize < 1 || pageSize > 300 {
		zoomInvalid(w, "page_size", "page_size must be an integer between 1 and 300.")
		return
	}
	id, ok := zoomSessionID(args[0])
	all, found := s.data.ZoomUsers[id]
	inProgress := slices.Contains(s.data.ZoomLiveSessionIDs, id)
	if !ok || !found || (typ == "past" && inProgress) {
		zoomNoSession(w)
		return
	}
	offset := 0
	if tok := q.Get("next_page_token"); tok != "" {
		cur, ok := s.zoomCursor(tok)
		if !ok || cur.session != id || cur.typ != typ || cur.pageSize != pageSize {
			writeJSON(w, http.StatusBadRequest, zoomError{Code: 300, Message: "The next page token is invalid or expired."})
			return
		}
		offset = cur.offset
	}
	users := all // past lists an ended session; live lists a session in progress, with who left
	if typ == "live" && !inProgress {
		users = nil
	}
	end := min(offset+pageSize, len(users))
	page := zoomPage{PageSize: pageSize, Users: append([]ZoomUser{}, users[offset:end]...)}
	if end < len(users) {
		page.NextPageToken = s.issueZoomToken(zoomCursor{session: id, typ: typ, pageSize: pageSize, offset: end})
	}
	writeJSON(w, http.StatusOK, page)
}

// zoomCursor looks a token up; an unknown or expired one is not ok.
func (s *Server) zoomCursor(tok string) (zoomCursor, bool) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.tokens[tok]
	return cur, ok && now.Sub(cur.issued) < zoomTokenTTL
}

// issueZoomToken remembers cur under a new opaque token and forgets expired ones.
func (s *Server) issueZoomToken(cur zoomCursor) string {
	cur.issued = s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, c := range s.tokens {
		if cur.issued.Sub(c.issued) >= zoomTokenTTL {
			delete(s.tokens, k)
		}
	}
	s.tokenSeq++
	var buf [16]byte
	binary.BigEndian.PutUint64(buf[:8], uint64(s.cfg.seed))
	binary.BigEndian.PutUint64(buf[8:], s.tokenSeq)
	sum := sha256.Sum256(buf[:])
	const b62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	tok := make([]byte, 32)
	for i := range tok {
		tok[i] = b62[int(sum[i])%len(b62)]
	}
	s.tokens[string(tok)] = cur
	return string(tok)
}
