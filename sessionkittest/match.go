package sessionkittest

import (
	"fmt"
	"strconv"
	"strings"
)

// The API names a [Server] knows, as they appear in Request.API and Match.API.
const (
	Ductape   = "ductape"
	Zoom      = "zoom"
	Arthur    = "arthur"
	MonoCloud = "monocloud"
)

// basePaths are the paths of the APIs' base URLs on the server (see Server.ZoomURL and friends).
var basePaths = map[string]string{Ductape: "/ductape", Zoom: "/zoom/v2", Arthur: "/arthur", MonoCloud: "/monocloud"}

// checkAPI panics, naming the caller, when api is not "" nor one of the four API names: a typo
// would otherwise select nothing, silently.
func checkAPI(caller, api string) {
	if _, ok := basePaths[api]; !ok && api != "" {
		panic(fmt.Sprintf("sessionkittest: %s: unknown API %q (want Ductape, Zoom, Arthur or MonoCloud)", caller, api))
	}
}

// Match selects requests, for a fault rule ([Server.Fault]) or an assertion ([Server.Count]). A request
// matches when it satisfies every non-zero field; the zero Match matches every request.
type Match struct {
	// API is Ductape, Zoom, Arthur or MonoCloud.
	API string
	// Method is the HTTP method, such as "GET".
	Method string
	// Route is a path pattern below the API's base URL, as in the vendor's documentation, with "*"
	// matching exactly one non-empty segment: "/videosdk/sessions/*/users" (Zoom),
	// "/api/v1/traces/users" (Arthur), "/api/users/*/sessions" (MonoCloud),
	// "/integrations/v1/session/users/*" (Ductape). It is matched below the base URL of the
	// request's API, so it selects nothing outside the four APIs.
	Route string
	// Page is the position of the page in a walk, counted from 1 whatever the API's own numbering:
	// Ductape's and MonoCloud's page=3 and Arthur's page=2 (0-based) are all Page 3; a request
	// without a page parameter is Page 1. For Zoom's cursor, a request without next_page_token is
	// Page 1 and one with a token the server issued for the n-th page is Page n.
	Page int
	// PageToken is the exact next_page_token of the request.
	PageToken string
	// Request, counted from 1, selects the Request-th of the requests that match the other fields
	// (whether or not another rule answered it); 0 selects them all.
	Request int
}

// matches reports whether r satisfies every field of m but Request.
func (m *Match) matches(r *Request) bool {
	switch {
	case m.API != "" && m.API != r.API,
		m.Method != "" && m.Method != r.Method,
		m.Page != 0 && m.Page != r.Page,
		m.PageToken != "" && m.PageToken != r.query().Get("next_page_token"):
		return false
	}
	return m.Route == "" || routeMatches(m.Route, r)
}

// routeMatches matches pattern against the escaped path of r below its API's base URL.
func routeMatches(pattern string, r *Request) bool {
	base, ok := basePaths[r.API]
	if !ok || !strings.HasPrefix(r.RawPath, base+"/") {
		return false
	}
	got := strings.Split(strings.TrimPrefix(r.RawPath, base+"/"), "/")
	want := strings.Split(strings.Trim(pattern, "/"), "/")
	if len(got) != len(want) {
		return false
	}
	for i, w := range want {
		if (w == "*" && got[i] == "") || (w != "*" && w != got[i]) {
			return false
		}
	}
	return true
}

// pageOf is the Match.Page of r; 0 when it cannot be told. tokenPage resolves a Zoom cursor.
func pageOf(r *Request, tokenPage func(string) int) int {
	q := r.query()
	if r.API == Zoom {
		if tok := q.Get("next_page_token"); tok != "" {
			return tokenPage(tok)
		}
		return 1
	}
	v := q.Get("page")
	if v == "" {
		return 1
	}
	n, err := strconv.Atoi(v)
	switch {
	case err != nil:
		return 0
	case r.API == Arthur: // 0-based
		return n + 1
	}
	return n
}
