// Package sessionkittest is an in-process fake of the four servers the sessionkit SDK talks to:
// Ductape sessions, the Zoom Video SDK API, the Arthur GenAI Engine and the MonoCloud management API.
// It is what tests of code that uses the SDK run against.
//
// A [Server] listens on 127.0.0.1 (real HTTP, through net/http/httptest) and answers each API under its
// own path prefix, exactly as the vendor's wire contract says: the same paths, query parameters,
// credentials, pagination styles (page numbers with totals in the body, Zoom's expiring
// next_page_token cursor, MonoCloud's X-Pagination header) and error bodies. Its data is generated
// from a seed, so a test can compare what the SDK returns with [Server.Data]. The discovery listings
// agree with the rest: /videosdk/sessions lists the sessions whose users it serves (those in
// progress, and the ended ones over the six months before Dataset.BaseTime, at most one month per
// request), /api/users the MonoCloud users whose sessions it serves, and /api/v2/tasks/search (a
// POST) the Arthur tasks its trace users belong to, plus one archived task.
//
// # Wiring
//
// [Server.NewClient] returns a [sessionkit.Client] pointed at the server, with the key (see [WithAPIKey]),
// workspace ([WithWorkspaceID]) and Video SDK credentials ([WithVideoSDKCredentials]) the server expects;
// [Server.ClientOptions] returns the same as options. Every API expects the key "test-key": Ductape, Zoom
// and Arthur as "Authorization: Bearer test-key", MonoCloud as "X-API-KEY: test-key".
//
// The happy path:
//
//	func TestExportAllUsers(t *testing.T) {
//		srv := sessionkittest.NewServer(sessionkittest.WithUsers(120))
//		defer srv.Close()
//		client, err := srv.NewClient()
//		require.NoError(t, err)
//
//		d := srv.Data()
//		n, err := export(ctx, client, d.Product, d.Session) // the code under test
//		require.NoError(t, err)
//		require.Equal(t, len(d.DuctapeUsers), n)
//	}
//
// # Faults
//
// [Server.Fault] makes the server answer the requests a [Match] selects (an API, a route, a page of a
// walk, a page token, the n-th request, or all) with a [Fault] instead of the normal answer: a status
// with the vendor's own error body ([Status], its message set by [Fault.Message]), Retry-After in seconds, as an HTTP-date or ISO 8601,
// Zoom's X-RateLimit-* headers, an HTML page ([HTML]), a body cut short ([Truncated]) or broken
// ([Malformed]), a connection dropped mid-body ([Drop]), latency ([Delay], [Fault.After]), or any handler
// ([Handle]); [Times] limits how often. Rules apply to every endpoint and may be added while requests run. A fault mid-walk:
//
//	func TestExportSurvivesRateLimit(t *testing.T) {
//		srv := sessionkittest.NewServer(sessionkittest.WithUsers(120))
//		defer srv.Close()
//		client, err := srv.NewClient(sessionkit.WithRetryWait(time.Millisecond, time.Second))
//		require.NoError(t, err)
//		srv.Fault(sessionkittest.Match{API: sessionkittest.Ductape, Page: 3},
//			sessionkittest.Status(429).RetryAfter("0"), sessionkittest.Times(1))
//
//		n, err := export(ctx, client, srv.Data().Product, srv.Data().Session)
//		require.NoError(t, err)
//		require.Equal(t, 120, n)
//		require.Equal(t, 2, srv.Count(sessionkittest.Match{API: sessionkittest.Ductape, Page: 3}))
//	}
//
// # Rate limits
//
// [WithRateLimit] makes the server refuse more than n requests per second to an API, and
// [WithDailyLimit] more than n a day, answering as the vendor does (Zoom: 429, code 429 and its
// X-RateLimit-* headers; MonoCloud: a 429 problem+json), so a test can check its pacing:
//
//	func TestExportKeepsToZoomLimit(t *testing.T) {
//		srv := sessionkittest.NewServer(sessionkittest.WithRateLimit(sessionkittest.Zoom, 10))
//		defer srv.Close()
//		client, err := srv.NewClient(sessionkit.WithMaxRetries(0),
//			sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithRateLimit(10, 1)))
//		require.NoError(t, err)
//
//		id := srv.Data().ZoomSessionIDs[0]
//		for _, err := range client.Sessions.ListUsersIter(ctx, id, sessions.ListUsersOptions{Type: sessions.Past, PageSize: 5}) {
//			require.NoError(t, err) // never a 429
//		}
//	}
//
// # Time
//
// The server's clock ([WithClock], [Server.Advance]) decides when Zoom page tokens expire (15 minutes
// after they were issued), whether a Video SDK JWT has expired, the rate-limit windows and the
// dates in Retry-After headers, so expiry is tested without waiting: srv.Advance(16*time.Minute)
// between two pages makes the next one fail with [sessionkit.ErrPageTokenExpired].
//
// # Requests
//
// [Server.Requests] returns what the server received, as it arrived on the wire; [Server.Count] and
// [Server.RequestsMatching] select them with a Match; [Server.Connections] counts the TCP connections
// it accepted, for tests of connection reuse.
package sessionkittest
