// Package sessionkit is a Go client for four public APIs about sessions and
// their users: Ductape sessions, the Zoom Video SDK, the Arthur GenAI
// Engine and MonoCloud's management API.
//
// One [Client], built with functional options, carries a typed service per
// concern:
//
//	client, err := sessionkit.NewClient(
//		sessionkit.WithAPIKey(os.Getenv("DUCTAPE_KEY")),
//		sessionkit.WithWorkspaceID("ws_123"),
//	)
//	if err != nil {
//		log.Fatal(err)
//	}
//	page, err := client.Sessions.FetchUsers(ctx, sessions.FetchUsersOptions{
//		Product: "my-product", Session: "user-session",
//	})
//
// Each API keeps its own host, credential, pagination style and error
// body; the SDK sends one key the way each API expects it, and [ForAPI]
// gives an API its own base URL, credential or rate limit.
//
// Every list call has an ...Iter twin that returns an [iter.Seq2], lazy and
// re-rangeable, with optional prefetch ([WithPrefetch]). For every iterator,
// every pagination style and every WithPrefetch value, a walk either
// yields every item the server lists from its start position through the
// page the server marks as the last one (by that page's own answer), in
// order and once each, or it ends with exactly one error, after every
// item before it. It never ends early without an error, also when its
// context is cancelled or its deadline passes. Prefetch changes how fast a
// walk goes, never which items it yields. Failures are typed:
// [*APIError] for answers the API marked as failed, [ErrInvalidOptions] before
// any request is sent, [ErrMalformedResponse] for undecodable bodies, and
// [*PageError] from iterators with the point to resume from.
//
// Every iterator also has a ...Pages twin (FetchUsersPages, ListPages,
// ...) that walks the same pages under the same rules and yields each
// page whole, with its totals. [Resume] keeps a walk going through failures
// that outlast the client's retries, within a [ResumeBudget], and a
// [Position] (from [PositionOf], JSON-serializable) resumes it in a later
// process. docs/batch.md shows both.
//
// A batch job learns what to walk from the discovery calls
// ([sessions.Service.ListSessions], [users.Service.List],
// [traces.Service.Tasks]) and walks every item's listing with [FanOut]:
// several inner walks at once, items in outer order, a [*FanOutError]
// that says where to resume.
//
// Requests are retried (429, 500, 502, 503, 504 and connection errors) with
// capped, jittered, cancellable backoff that honours Retry-After, and
// credentials are only ever sent to their API's own origin.
//
// [WithMiddleware] wraps every attempt (for logs, metrics, tracing; see
// [RouteFromContext] for a label without IDs), and [Client.With] derives a
// client with other retries, prefetch or middleware for one job that
// shares the original's connections, rate limits and credentials. See
// docs/middleware.md.
//
// [WithObserver] tells an [Observer] about every call, wait and page of a walk;
// the module github.com/sessionkit/sessionkit-go/otel builds OpenTelemetry
// traces and metrics on it and on WithMiddleware (see
// docs/observability.md).
//
// Package sessionkittest serves all four APIs in-process, for tests and for
// the quickstart (go run ./examples/quickstart).
package sessionkit
