// Package traces calls the trace-user endpoints of the Arthur GenAI Engine:
// users aggregated over sessions and traces, per task, and the task search
// (Tasks, TasksIter) that tells which tasks there are.
//
// Programs get a *Service from sessionkit.Client.Traces. Arthur is
// self-hosted, so the client needs its base URL:
//
//	client, err := sessionkit.NewClient(
//		sessionkit.ForAPI(sessionkit.Arthur,
//			sessionkit.WithBaseURL("https://arthur.example.com"),
//			sessionkit.WithAPIKey(key)))
//	if err != nil { ... }
//	for u, err := range client.Traces.UsersIter(ctx, traces.UsersOptions{TaskIDs: []string{"t-1"}}) {
//		if err != nil { ... }
//		fmt.Println(u.UserID, u.TraceCount)
//	}
//
// Pages are 0-based; the body's count gives the total, so WithPrefetch can
// fetch pages in parallel. A walk either yields every item the server
// lists from its start position through the page the server marks as the
// last one, in order and once each, or it ends with exactly one error,
// after every item before it; it never ends early without an error (a
// cancelled context or a passed deadline is such an error). Prefetch
// changes how fast a walk goes, never which items it yields.
//
// Each ...Iter call has a ...Pages twin (UsersPages, TasksPages) that walks the same pages
// under the same rules and prefetch and yields each page whole, with its
// totals; its *sessionkit.PageError counts, in Yielded, the items of the
// pages before the failure, as the ...Iter's does, so both resume alike
// (see sessionkit.Resume and sessionkit.Position).
package traces

import "github.com/sessionkit/sessionkit-go/internal/engine"

// Service calls Arthur's trace-user endpoints. Get one from
// sessionkit.Client.Traces; the zero value is not usable.
type Service engine.Service

// engine returns the request engine behind s.
func (s *Service) engine() *engine.Client { return engine.ClientOf((*engine.Service)(s)) }
