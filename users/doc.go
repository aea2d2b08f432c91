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
// parallel.
package users

import "github.com/sessionkit/sessionkit-go/internal/engine"

// Service calls MonoCloud's user-session endpoints. Get one from
// sessionkit.Client.Users; the zero value is not usable.
type Service engine.Service

// engine returns the request engine behind s.
func (s *Service) engine() *engine.Client { return engine.ClientOf((*engine.Service)(s)) }
