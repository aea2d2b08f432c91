package sessionkittest

import (
	"fmt"
	"net/http"
	"net/url"
)

// ductapeError is Ductape's error envelope.
type ductapeError struct {
	Status  bool   `json:"status"`
	Message string `json:"message"`
	Code    string `json:"code"`
}

type ductapeUsersData struct {
	Users      []DuctapeUser `json:"users"`
	Total      int           `json:"total"`
	Page       int           `json:"page"`
	Limit      int           `json:"limit"`
	TotalPages int           `json:"totalPages"`
}

type ductapeDetails struct {
	DuctapeUser
	Sessions            []DuctapeSession `json:"sessions"`
	TotalSessions       int              `json:"totalSessions"`
	ActiveSessionsCount int              `json:"activeSessionsCount"`
}

type ductapeOK struct {
	Status bool `json:"status"`
	Data   any  `json:"data"`
}

func (s *Server) ductapeAPI() apiDef {
	return apiDef{
		name:       "ductape",
		prefix:     []string{"integrations", "v1", "session", "users"},
		authorized: s.bearerKey,
		unauthorized: func(w http.ResponseWriter, _ *http.Request) {
			ductapeFail(w, http.StatusUnauthorized, "UNAUTHORIZED", "Invalid or missing access key")
		},
		routes: []route{
			{pattern: []string{"*"}, handle: s.ductapeUsers},
			{pattern: []string{"*", "*"}, handle: s.ductapeUserDetails},
		},
	}
}

// bearerKey checks "Authorization: Bearer <api key>" (Ductape, Arthur, and Zoom without JWT credentials).
func (s *Server) bearerKey(r *http.Request) bool {
	tok, ok := bearer(r)
	return ok && tok == s.cfg.apiKey
}

func ductapeFail(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, ductapeError{Status: false, Message: msg, Code: code})
}

// ductapeQuery checks the query common to both calls and the workspace; it answers the error itself
// and returns ok=false when the request cannot go on.
func (s *Server) ductapeQuery(w http.ResponseWriter, r *http.Request, workspace, failCode string) (q url.Values, ok bool) {
	q = r.URL.Query()
	if q.Get("product_tag") == "" || q.Get("session_tag") == "" {
		ductapeFail(w, http.StatusBadRequest, failCode, "product_tag and session_tag are required")
		return nil, false
	}
	if unescape(workspace) != s.data.WorkspaceID {
		ductapeFail(w, http.StatusNotFound, "USER_NOT_FOUND", fmt.Sprintf("Workspace %s not found", unescape(workspace)))
		return nil, false
	}
	return q, true
}

// ductapeMatches reports whether u belongs to the product, session and (optional) env of q.
func ductapeMatches(u *DuctapeUser, q url.Values) bool {
	env := q.Get("env")
	return u.ProductTag == q.Get("product_tag") && u.SessionTag == q.Get("session_tag") && (env == "" || u.Env == env)
}

func (s *Server) ductapeUsers(w http.ResponseWriter, r *http.Request, args []string) {
	q, ok := s.ductapeQuery(w, r, args[0], "FETCH_USERS_FAILED")
	if !ok {
		return
	}
	page, err := intParam(q, "page", 1)
	if err != nil || page < 1 {
		ductapeFail(w, http.StatusBadRequest, "FETCH_USERS_FAILED", "page must be a positive integer")
		return
	}
	limit, err := intParam(q, "limit", 20)
	if err != nil || limit < 1 {
		ductapeFail(w, http.StatusBadRequest, "FETCH_USERS_FAILED", "limit must be a positive integer")
		return
	}
	var users []DuctapeUser
	for i := range s.data.DuctapeUsers {
		if ductapeMatches(&s.data.DuctapeUsers[i], q) {
			users = append(users, s.data.DuctapeUsers[i])
		}
	}
	writeJSON(w, http.StatusOK, ductapeOK{Status: true, Data: ductapeUsersData{
		Users: window(users, page-1, limit), Total: len(users), Page: page, Limit: limit,
		TotalPages: pageCount(len(users), limit),
	}})
}

func (s *Server) ductapeUserDetails(w http.ResponseWriter, r *http.Request, args []string) {
	q, ok := s.ductapeQuery(w, r, args[0], "FETCH_USER_DETAILS_FAILED")
	if !ok {
		return
	}
	ident := unescape(args[1])
	for i := range s.data.DuctapeUsers {
		u := &s.data.DuctapeUsers[i]
		if u.Identifier != ident || !ductapeMatches(u, q) {
			continue
		}
		d := ductapeDetails{DuctapeUser: *u, Sessions: u.Sessions, TotalSessions: len(u.Sessions)}
		for _, ss := range u.Sessions {
			if ss.Active {
				d.ActiveSessionsCount++
			}
		}
		writeJSON(w, http.StatusOK, ductapeOK{Status: true, Data: d})
		return
	}
	ductapeFail(w, http.StatusNotFound, "USER_NOT_FOUND", "User not found")
}
