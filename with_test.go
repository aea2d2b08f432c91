package sessionkit_test

// Client.With: derived clients share connections, rate limiters, minted
// JWTs and token sources, refuse the options they cannot share, and apply
// the ones they change.

import (
	"bytes"
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	sessionkit "github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/traces"
	"github.com/sessionkit/sessionkit-go/users"
)

// withListServer is a MonoCloud /api/users that answers an empty list
// and counts the connections it accepted.
func withListServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var conns atomic.Int32
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `[]`)
	}))
	ts.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	ts.Start()
	t.Cleanup(ts.Close)
	return ts, &conns
}

func TestWithSharesConnections(t *testing.T) {
	ts, conns := withListServer(t)
	ctx := context.Background()
	c, err := sessionkit.NewClient(sessionkit.WithBaseURL(ts.URL), sessionkit.WithAPIKey("with-conn-key-1"))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	_, err = c.Users.List(ctx, users.ListOptions{})
	require.NoError(t, err)

	d, err := c.With(sessionkit.WithMaxRetries(1), sessionkit.WithAttemptTimeout(5*time.Second), sessionkit.WithUserAgent("batch/1"))
	require.NoError(t, err)
	for range 3 {
		_, err = d.Users.List(ctx, users.ListOptions{})
		require.NoError(t, err)
		_, err = c.Users.List(ctx, users.ListOptions{})
		require.NoError(t, err)
	}
	assert.EqualValues(t, 1, conns.Load(), "the derived client reuses the original's connection")

	// The control: a client of its own dials its own connection.
	other, err := sessionkit.NewClient(sessionkit.WithBaseURL(ts.URL), sessionkit.WithAPIKey("with-conn-key-1"))
	require.NoError(t, err)
	defer other.CloseIdleConnections()
	_, err = other.Users.List(ctx, users.ListOptions{})
	require.NoError(t, err)
	assert.EqualValues(t, 2, conns.Load())
}

func TestWithSharesRateLimiter(t *testing.T) {
	ts, _ := withListServer(t)
	const rps, each = 10, 6
	c, err := sessionkit.NewClient(sessionkit.WithBaseURL(ts.URL), sessionkit.WithAPIKey("with-rate-key-1"),
		sessionkit.WithRateLimit(rps, 1))
	require.NoError(t, err)
	d, err := c.With(sessionkit.WithMaxRetries(0))
	require.NoError(t, err)

	start := time.Now()
	var wg sync.WaitGroup
	for _, client := range []*sessionkit.Client{c, d} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				_, err := client.Users.List(context.Background(), users.ListOptions{})
				assert.NoError(t, err)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	// One shared limiter needs (2·each − 1)/rps = 1.1 s for both clients'
	// requests; a limiter each would need half that. Only a lower bound is
	// checked: a busy machine makes the walk slower, never faster.
	t.Logf("%d requests at %d/s through two clients: %v", 2*each, rps, elapsed)
	assert.GreaterOrEqual(t, elapsed, 800*time.Millisecond, "both clients' requests together obey the one rate limit")
}

// withClock is a settable clock, safe for concurrent use.
type withClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *withClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *withClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestWithSharesMintedJWT(t *testing.T) {
	const key, secret = "with-vsdk-key-1", "with-vsdk-secret-do-not-leak"
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(10), sessionkittest.WithVideoSDKCredentials(key, secret))
	defer srv.Close()
	id := srv.Data().ZoomSessionIDs[0]
	clock := &withClock{t: time.Now()}
	tokenOf := func(c *sessionkit.Client) string {
		t.Helper()
		before := srv.RequestCount()
		_, err := c.Sessions.ListUsers(context.Background(), id, sessions.ListUsersOptions{Type: sessions.Past})
		require.NoError(t, err)
		reqs := srv.Requests()
		require.Len(t, reqs, before+1)
		return reqs[before].Header.Get("Authorization")
	}
	c, err := srv.NewClient(sessionkit.WithTestClock(clock.now))
	require.NoError(t, err)
	first := tokenOf(c)

	d, err := c.With(sessionkit.WithMaxRetries(1), sessionkit.WithMiddleware(func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		return next(req)
	}))
	require.NoError(t, err)
	clock.advance(10 * time.Second) // a new mint would carry another iat
	assert.Equal(t, first, tokenOf(d), "the derived client uses the JWT the original minted")
	assert.Equal(t, first, tokenOf(c))

	// The control: a client of its own mints its own token.
	other, err := srv.NewClient(sessionkit.WithTestClock(clock.now))
	require.NoError(t, err)
	assert.NotEqual(t, first, tokenOf(other))
}

func TestWithSharesTokenSource(t *testing.T) {
	ts, _ := withListServer(t)
	var asked atomic.Int32
	src := oauth2.ReuseTokenSource(nil, tokenSourceFunc(func() (*oauth2.Token, error) {
		asked.Add(1)
		return &oauth2.Token{AccessToken: "with-oauth-token-1", Expiry: time.Now().Add(time.Hour)}, nil
	}))
	c, err := sessionkit.NewClient(sessionkit.WithBaseURL(ts.URL), sessionkit.WithTokenSource(src))
	require.NoError(t, err)
	d, err := c.With(sessionkit.WithPrefetch(2))
	require.NoError(t, err)
	for _, client := range []*sessionkit.Client{c, d, c, d} {
		_, err := client.Users.List(context.Background(), users.ListOptions{})
		require.NoError(t, err)
	}
	assert.EqualValues(t, 1, asked.Load(), "one token for both clients")
}

type tokenSourceFunc func() (*oauth2.Token, error)

func (f tokenSourceFunc) Token() (*oauth2.Token, error) { return f() }

// The options With accepts and refuses, by name. Every exported function
// of the root package that returns an Option must be in one of them (see
// TestWithClassifiesEveryOption).
var (
	withChangeable = map[string]sessionkit.Option{
		"WithMaxRetries":     sessionkit.WithMaxRetries(1),
		"WithRetryWait":      sessionkit.WithRetryWait(time.Millisecond, time.Second),
		"WithAttemptTimeout": sessionkit.WithAttemptTimeout(time.Second),
		"WithPrefetch":       sessionkit.WithPrefetch(2),
		"WithLogger":         sessionkit.WithLogger(slog.New(slog.DiscardHandler)),
		"WithUserAgent":      sessionkit.WithUserAgent("batch/1"),
		"WithObserver":       sessionkit.WithObserver(nopObserver{}),
		"WithMiddleware": sessionkit.WithMiddleware(func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
			return next(req)
		}),
	}
	withRefused = map[string]sessionkit.Option{
		"WithBaseURL":   sessionkit.WithBaseURL("https://other.example.com"),
		"WithAPIKey":    sessionkit.WithAPIKey("with-other-key-1"),
		"WithTokenFunc": sessionkit.WithTokenFunc(func(context.Context) (string, error) { return "with-other-key-2", nil }),
		"WithTokenSource": sessionkit.WithTokenSource(tokenSourceFunc(func() (*oauth2.Token, error) {
			return &oauth2.Token{AccessToken: "with-other-key-3"}, nil
		})),
		"WithVideoSDKCredentials":   sessionkit.WithVideoSDKCredentials("with-other-vkey", "with-other-vsecret"),
		"WithVideoSDKTokenLifetime": sessionkit.WithVideoSDKTokenLifetime(30 * time.Minute),
		"WithWorkspaceID":           sessionkit.WithWorkspaceID("ws_other"),
		"WithHTTPClient":            sessionkit.WithHTTPClient(&http.Client{}),
		"WithRateLimit":             sessionkit.WithRateLimit(5, 1),
	}
	// withScopable are the refused options ForAPI(Zoom, ...) accepts in
	// NewClient: With refuses them scoped too.
	withScopable = []string{"WithBaseURL", "WithAPIKey", "WithTokenFunc", "WithTokenSource", "WithVideoSDKCredentials", "WithVideoSDKTokenLifetime", "WithRateLimit"}
)

func TestWithRefusesSharedOptions(t *testing.T) {
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(10))
	defer srv.Close()
	c, err := srv.NewClient(sessionkit.WithMaxRetries(0))
	require.NoError(t, err)
	names := make([]string, 0, len(withRefused))
	for name := range withRefused {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			d, err := c.With(sessionkit.WithMaxRetries(2), withRefused[name])
			require.ErrorIs(t, err, sessionkit.ErrInvalidOptions)
			assert.Nil(t, d)
			assert.Contains(t, err.Error(), name+": cannot be changed by Client.With")
		})
	}
	for _, name := range withScopable {
		t.Run("ForAPI/"+name, func(t *testing.T) {
			_, err := c.With(sessionkit.ForAPI(sessionkit.Zoom, withRefused[name]))
			require.ErrorIs(t, err, sessionkit.ErrInvalidOptions)
			assert.Contains(t, err.Error(), "ForAPI(zoom, "+name+"): cannot be changed by Client.With")
		})
	}
	t.Run("bad value", func(t *testing.T) {
		_, err := c.With(sessionkit.WithMaxRetries(-1))
		require.ErrorIs(t, err, sessionkit.ErrInvalidOptions)
		assert.Contains(t, err.Error(), "WithMaxRetries")
	})
	t.Run("option that cannot be scoped", func(t *testing.T) {
		_, err := c.With(sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithMaxRetries(1)))
		require.ErrorIs(t, err, sessionkit.ErrInvalidOptions)
	})
	for name, opt := range withChangeable {
		t.Run("accepted/"+name, func(t *testing.T) {
			_, err := c.With(opt)
			require.NoError(t, err)
		})
	}
	// After every refusal the original is as it was: no retries.
	srv.Fault(sessionkittest.Match{API: sessionkittest.MonoCloud}, sessionkittest.Status(503), sessionkittest.Times(1))
	_, err = c.Users.List(context.Background(), users.ListOptions{})
	require.Error(t, err)
	assert.Equal(t, 1, srv.Count(sessionkittest.Match{API: sessionkittest.MonoCloud}))
}

// TestWithClassifiesEveryOption keeps the lists above complete: an option
// added later must be classified as one With may change or one it refuses
// (a shared setting must be wrapped in fixed() in options.go).
func TestWithClassifiesEveryOption(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	var found []string
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !fn.Name.IsExported() || fn.Type.Results == nil || len(fn.Type.Results.List) != 1 {
				continue
			}
			if id, ok := fn.Type.Results.List[0].Type.(*ast.Ident); ok && id.Name == "Option" && fn.Name.Name != "ForAPI" {
				found = append(found, fn.Name.Name)
			}
		}
	}
	require.NotEmpty(t, found)
	for _, name := range found {
		_, changeable := withChangeable[name]
		_, refused := withRefused[name]
		assert.True(t, changeable != refused, "%s must be listed once, as an option Client.With changes or refuses", name)
	}
}

func TestWithDerivedSettingsTakeEffect(t *testing.T) {
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(60))
	defer srv.Close()
	ctx := context.Background()
	c, err := srv.NewClient(sessionkit.WithMaxRetries(0), mwFastRetries)
	require.NoError(t, err)
	arthur := sessionkittest.Match{API: sessionkittest.Arthur}
	opts := traces.UsersOptions{TaskIDs: srv.Data().ArthurTaskIDs}

	t.Run("retries", func(t *testing.T) {
		d, err := c.With(sessionkit.WithMaxRetries(2))
		require.NoError(t, err)
		before := srv.Count(arthur)
		srv.Fault(arthur, sessionkittest.Status(503), sessionkittest.Times(2))
		_, err = d.Traces.Users(ctx, opts)
		require.NoError(t, err)
		assert.Equal(t, before+3, srv.Count(arthur), "the derived client retries")

		srv.Fault(arthur, sessionkittest.Status(503), sessionkittest.Times(1))
		_, err = c.Traces.Users(ctx, opts)
		var apiErr *sessionkit.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, 1, apiErr.Attempts, "the original still does not")
		srv.ClearFaults()
	})

	t.Run("prefetch", func(t *testing.T) {
		inflight := func(client *sessionkit.Client) int32 {
			var cur, peak atomic.Int32
			counted, err := client.With(sessionkit.WithMiddleware(func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
				n := cur.Add(1)
				defer cur.Add(-1)
				for p := peak.Load(); n > p; p = peak.Load() {
					if peak.CompareAndSwap(p, n) {
						break
					}
				}
				time.Sleep(20 * time.Millisecond) // room for the pages ahead to start
				return next(req)
			}))
			require.NoError(t, err)
			d := srv.Data()
			n := 0
			for _, err := range counted.Sessions.FetchUsersIter(ctx, sessions.FetchUsersOptions{Product: d.Product, Session: d.Session, Limit: 5}) {
				require.NoError(t, err)
				n++
			}
			assert.Equal(t, 60, n)
			return peak.Load()
		}
		d, err := c.With(sessionkit.WithPrefetch(4))
		require.NoError(t, err)
		assert.EqualValues(t, 1, inflight(c), "the original fetches one page at a time")
		assert.GreaterOrEqual(t, inflight(d), int32(2), "the derived client fetches pages in parallel")
	})

	t.Run("attempt timeout", func(t *testing.T) {
		d, err := c.With(sessionkit.WithAttemptTimeout(50 * time.Millisecond))
		require.NoError(t, err)
		srv.Fault(arthur, sessionkittest.Delay(2*time.Second), sessionkittest.Times(1))
		_, err = d.Traces.Users(ctx, opts)
		require.ErrorIs(t, err, sessionkit.ErrAttemptTimeout)
		srv.ClearFaults()
		_, err = c.Traces.Users(ctx, opts)
		require.NoError(t, err)
	})

	t.Run("user agent and logger", func(t *testing.T) {
		var buf bytes.Buffer
		logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
		d, err := c.With(sessionkit.WithUserAgent("nightly-batch/2"), sessionkit.WithLogger(logger))
		require.NoError(t, err)
		_, err = d.Traces.Users(ctx, opts)
		require.NoError(t, err)
		assert.Contains(t, buf.String(), "attempt=1")
		buf.Reset()
		_, err = c.Traces.Users(ctx, opts)
		require.NoError(t, err)
		assert.Empty(t, buf.String(), "the original keeps its (absent) logger")
		reqs := srv.RequestsMatching(arthur)
		require.GreaterOrEqual(t, len(reqs), 2)
		assert.Equal(t, "nightly-batch/2", reqs[len(reqs)-2].Header.Get("User-Agent"))
		assert.Equal(t, "sessionkit-go/"+sessionkit.Version, reqs[len(reqs)-1].Header.Get("User-Agent"))
	})
}

// The original and derived clients, and With itself, used at once from
// many goroutines (run with -race).
func TestWithConcurrentUse(t *testing.T) {
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(30), sessionkittest.WithVideoSDKCredentials("with-race-key-1", "with-race-secret-1"))
	defer srv.Close()
	var calls atomic.Int32
	c, err := srv.NewClient(sessionkit.WithRateLimit(2000, 50), sessionkit.WithMiddleware(
		func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
			calls.Add(1)
			return next(req)
		}))
	require.NoError(t, err)
	d := srv.Data()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := c
			if i%2 == 1 {
				var err error
				client, err = c.With(sessionkit.WithPrefetch(i), sessionkit.WithMaxRetries(1))
				if !assert.NoError(t, err) {
					return
				}
			}
			for range 2 {
				got, err := sessionkit.Collect(client.Sessions.ListUsersIter(context.Background(), d.ZoomSessionIDs[0], sessions.ListUsersOptions{Type: sessions.Past, PageSize: 3}))
				assert.NoError(t, err)
				assert.Len(t, got, len(d.ZoomUsers[d.ZoomSessionIDs[0]]))
				_, err = client.Traces.Users(context.Background(), traces.UsersOptions{TaskIDs: d.ArthurTaskIDs})
				assert.NoError(t, err)
			}
		}()
	}
	wg.Wait()
	assert.EqualValues(t, srv.RequestCount(), calls.Load(), "every request of every client passed the original's middleware")
}

func TestWithNilOptionsAndErrorsAreIndependent(t *testing.T) {
	c, err := sessionkit.NewClient()
	require.NoError(t, err)
	d, err := c.With(nil)
	require.NoError(t, err)
	require.NotNil(t, d.Sessions)
	require.NotNil(t, d.Traces)
	require.NotNil(t, d.Users)
	_, err = d.With(sessionkit.WithBaseURL("https://x.example.com"))
	assert.True(t, errors.Is(err, sessionkit.ErrInvalidOptions), "a derived client refuses the same options")
}
