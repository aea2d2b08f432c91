// Package users calls the user-session endpoints of the MonoCloud
// management API, and the user listing (List, ListIter) that tells whose
// sessions there are.
//
// Programs get a *Service from sessionkit.Client.Users. MonoCloud lives on
// each tenant's own domain, so the client needs its base URL:
//
//	client, err := sessionkit.NewClient(
//		sessionkit.ForAPI(sessionkit.MonoCloud,
//			sessionkit.WithBaseURL("https://acme.monocloud.com"),
//			sessionkit.WithAPIKey(key)))
//	if err != nil { ... }
//	for s, err := range client.Users.SessionsIter(ctx, "user-123", users.SessionsOptions{
//		Sort: users.Sort{Key: users.SortByInitiatedAt, Order: users.Descending},
//	}) {
//		if err != nil { ... }
//		fmt.Println(s.SessionID, s.LastMetadata.City)
//	}
//
// The key is sent as X-API-KEY (never as Authorization). Totals come in the
// X-Pagination header; when it is present WithPrefetch fetches pages in
// parallel. A walk either yields every item the server lists from its
// start position through the page the server marks as the last one, in
// order and once each, or it ends with exactly one error, after every
// item before it; it never ends early without an error (a cancelled
// context or a passed deadline is such an error). Prefetch changes how
// fast a walk goes, never which items it yields.
//
// Each ...Iter call has a ...Pages twin (SessionsPages, ListPages) that walks the same pages
// under the same rules and prefetch and yields each page whole, with its
// totals; its *sessionkit.PageError counts, in Yielded, the items of the
// pages before the failure, as the ...Iter's does, so both resume alike
// (see sessionkit.Resume and sessionkit.Position).
package users

import "github.com/sessionkit/sessionkit-go/internal/engine"

// Service calls MonoCloud's user-session endpoints. Get one from
// sessionkit.Client.Users; the zero value is not usable.
type Service engine.Service

// engine returns the request engine behind s.
func (s *Service) engine() *engine.Client { return engine.ClientOf((*engine.Service)(s)) }
