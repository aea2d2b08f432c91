// Package sessions calls the session-user listings of Ductape and of the
// Zoom Video SDK API.
//
// Programs get a *Service from sessionkit.Client.Sessions:
//
//	client, err := sessionkit.NewClient(sessionkit.WithAPIKey(key), sessionkit.WithWorkspaceID("ws_123"))
//	if err != nil { ... }
//	for user, err := range client.Sessions.FetchUsersIter(ctx, sessions.FetchUsersOptions{
//		Product: "my-product", Session: "user-session",
//	}) {
//		if err != nil { ... }
//		fmt.Println(user.Identifier, user.LastSeen)
//	}
//
// FetchUsers and FetchUserDetails speak Ductape (page/limit pagination,
// totals in the body); ListUsers speaks Zoom (page_size and a
// next_page_token cursor that expires after 15 minutes); ListSessions lists
// the Video SDK sessions of a date range (Zoom's type defaults to live: ask
// for Past for ended ones). Every list call
// has an ...Iter twin returning an iter.Seq2 that is lazy, can be ranged
// again from the same start, never changes the options it was given, and
// yields a *sessionkit.PageError that says where to resume.
//
// A walk either yields every item the server lists from its start
// position through the page the server marks as the last one, in order and
// once each, or it ends with exactly one error, after every item before
// it; it never ends early without an error (a cancelled context or a
// passed deadline is such an error), whatever WithPrefetch says: prefetch
// changes how fast a walk goes, never which items it yields.
//
// Each ...Iter call has a ...Pages twin (FetchUsersPages, ListUsersPages, ListSessionsPages) that walks the same pages
// under the same rules and prefetch and yields each page whole, with its
// totals; its *sessionkit.PageError counts, in Yielded, the items of the
// pages before the failure, as the ...Iter's does, so both resume alike
// (see sessionkit.Resume and sessionkit.Position).
package sessions

import "github.com/sessionkit/sessionkit-go/internal/engine"

// Service calls Ductape's and Zoom's session-user endpoints. Get one from
// sessionkit.Client.Sessions; the zero value is not usable.
type Service engine.Service

// engine returns the request engine behind s.
func (s *Service) engine() *engine.Client { return engine.ClientOf((*engine.Service)(s)) }
