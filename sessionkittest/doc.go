// Package sessionkittest is an in-process fake of the four servers the sessionkit SDK talks to:
// Ductape sessions, the Zoom Video SDK API, the Arthur GenAI Engine and the MonoCloud management API.
//
// A Server listens on 127.0.0.1 (real HTTP, through net/http/httptest) and answers each API under its
// own path prefix, exactly as the vendor's wire contract says: the same paths, query parameters,
// credentials, pagination styles (page numbers with totals in the body, Zoom's expiring
// next_page_token cursor, MonoCloud's X-Pagination header) and error bodies. Its data is generated
// from a seed, so a test can compare what the SDK returns with Server.Data. The discovery listings
// agree with the rest: /videosdk/sessions lists the sessions whose users it serves (live ones and
// ZoomPastSessions ended ones over the six months before Dataset.BaseTime, at most one month per
// request), /api/users the MonoCloud users whose sessions it serves, and /api/v2/tasks/search (a
// POST) the Arthur tasks its trace users belong to, plus one archived task. It depends on nothing
// else in this module: it fakes the servers, not the client.
//
// The shortest use:
//
//	srv := sessionkittest.NewServer(sessionkittest.WithUsers(120))
//	defer srv.Close()
//	// pass srv.ZoomURL() etc. and srv.Data() values to the SDK
//
// Every API expects the key "test-key" (see WithAPIKey): Ductape, Zoom and Arthur as
// "Authorization: Bearer test-key", MonoCloud as "X-API-KEY: test-key". Requests returns what the
// server received, to check what went over the wire.
package sessionkittest
