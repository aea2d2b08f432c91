package sessionkit_test

// Credentials: which credential each API gets, the Video SDK JWT's minting,
// reuse and renewal, renewal after a 401, token sources asked before each
// attempt, and credentials never sent to another origin nor written to a log
// or an error. The servers are sessionkittest's, which check the credentials
// as the vendors do (WithAPIKey, WithVideoSDKCredentials verifies the JWT)
// and record the headers of every request.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
)

const (
	credVSDKKey    = "vsdk-key-1f2e"
	credVSDKSecret = "vsdk-secret-77aa-do-not-leak"
	credGlobalKey  = "global-key-5d4c-do-not-leak"
	credZoomKey    = "zoom-key-3b3b-do-not-leak"
)

// credClock is a settable clock, safe for concurrent use.
type credClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *credClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *credClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// credTicking is a transport that advances clock by step after every
// round trip, so that a JWT minted after a response differs from the one
// the request carried (a JWT's times have one-second resolution).
type credTicking struct {
	clock *credClock
	step  time.Duration
}

func (t credTicking) RoundTrip(r *http.Request) (*http.Response, error) {
	defer t.clock.Advance(t.step)
	return http.DefaultTransport.RoundTrip(r)
}

// credNewClient builds a client pointed at srv for Zoom and Ductape (with
// the kit's workspace but none of its credentials: opts say them), with
// fast retries.
func credNewClient(t *testing.T, srv *sessionkittest.Server, opts ...sessionkit.Option) *sessionkit.Client {
	t.Helper()
	return credClientFor(t, srv, srv, opts...)
}

// credClientFor is credNewClient with Zoom at zoom and Ductape at ductape.
func credClientFor(t *testing.T, zoom, ductape *sessionkittest.Server, opts ...sessionkit.Option) *sessionkit.Client {
	t.Helper()
	all := append([]sessionkit.Option{
		sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithBaseURL(zoom.ZoomURL())),
		sessionkit.ForAPI(sessionkit.Ductape, sessionkit.WithBaseURL(ductape.DuctapeURL())),
		sessionkit.WithWorkspaceID(ductape.Data().WorkspaceID),
		sessionkit.WithRetryWait(time.Millisecond, 5*time.Millisecond),
	}, opts...)
	c, err := sessionkit.NewClient(all...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// zoomCall lists the live users of the kit's first Zoom session (an empty page).
func zoomCall(c *sessionkit.Client, srv *sessionkittest.Server) error {
	_, err := c.Sessions.ListUsers(context.Background(), srv.Data().ZoomSessionIDs[0], sessions.ListUsersOptions{})
	return err
}

// ductapeCall fetches the first page of the kit's Ductape session.
func ductapeCall(c *sessionkit.Client, srv *sessionkittest.Server) error {
	d := srv.Data()
	_, err := c.Sessions.FetchUsers(context.Background(), sessions.FetchUsersOptions{Product: d.Product, Session: d.Session})
	return err
}

// authorization is the Authorization header of r; bearerOf its token.
func authorization(r sessionkittest.Request) string { return r.Header.Get("Authorization") }

func bearerOf(r sessionkittest.Request) string {
	return strings.TrimPrefix(authorization(r), "Bearer ")
}

// verifyVideoSDKJWT checks that tok is an HS256 JWT signed with secret,
// with iss = key, and returns its claims.
func verifyVideoSDKJWT(t *testing.T, tok, key, secret string, now time.Time) jwt.RegisteredClaims {
	t.Helper()
	var claims jwt.RegisteredClaims
	_, err := jwt.ParseWithClaims(tok, &claims, func(*jwt.Token) (any, error) { return []byte(secret), nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithIssuer(key), jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(), jwt.WithTimeFunc(func() time.Time { return now }))
	require.NoError(t, err, "token %q", tok)
	return claims
}

func TestVideoSDKCredentialOptionsValidation(t *testing.T) {
	tests := []struct {
		name    string
		opts    []sessionkit.Option
		wantErr string // "" = valid
	}{
		{"global", []sessionkit.Option{sessionkit.WithVideoSDKCredentials(credVSDKKey, credVSDKSecret)}, ""},
		{"scoped to Zoom", []sessionkit.Option{sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithVideoSDKCredentials(credVSDKKey, credVSDKSecret))}, ""},
		{"empty key", []sessionkit.Option{sessionkit.WithVideoSDKCredentials("", "s")}, "WithVideoSDKCredentials: API key is empty"},
		{"empty secret", []sessionkit.Option{sessionkit.WithVideoSDKCredentials("k", "")}, "WithVideoSDKCredentials: API secret is empty"},
		{"scoped empty secret", []sessionkit.Option{sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithVideoSDKCredentials("k", ""))}, "API secret is empty"},
		{"short key", []sessionkit.Option{sessionkit.WithVideoSDKCredentials("k", credVSDKSecret)}, "WithVideoSDKCredentials: the API key is 1 byte long; at least 8"},
		{"scoped short secret", []sessionkit.Option{sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithVideoSDKCredentials(credVSDKKey, "s"))}, "ForAPI(zoom, WithVideoSDKCredentials): the API secret is 1 byte long"},
		{"scoped to Ductape", []sessionkit.Option{sessionkit.ForAPI(sessionkit.Ductape, sessionkit.WithVideoSDKCredentials("k", credVSDKSecret))}, "WithVideoSDKCredentials: applies to Zoom only"},
		{"scoped to Arthur", []sessionkit.Option{sessionkit.ForAPI(sessionkit.Arthur, sessionkit.WithVideoSDKCredentials("k", credVSDKSecret))}, "ForAPI(arthur, ...)"},
		{"scoped to MonoCloud", []sessionkit.Option{sessionkit.ForAPI(sessionkit.MonoCloud, sessionkit.WithVideoSDKCredentials("k", credVSDKSecret))}, "applies to Zoom only"},
		{"lifetime 1 h", []sessionkit.Option{sessionkit.WithVideoSDKTokenLifetime(time.Hour)}, ""},
		{"lifetime 1 min", []sessionkit.Option{sessionkit.WithVideoSDKTokenLifetime(time.Minute)}, ""},
		{"lifetime scoped to Zoom", []sessionkit.Option{sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithVideoSDKTokenLifetime(30*time.Minute))}, ""},
		{"lifetime 0", []sessionkit.Option{sessionkit.WithVideoSDKTokenLifetime(0)}, "WithVideoSDKTokenLifetime: must be between 1m0s and 1h0m0s, got 0s"},
		{"lifetime negative", []sessionkit.Option{sessionkit.WithVideoSDKTokenLifetime(-time.Minute)}, "WithVideoSDKTokenLifetime"},
		{"lifetime under a minute", []sessionkit.Option{sessionkit.WithVideoSDKTokenLifetime(59 * time.Second)}, "got 59s"},
		{"lifetime over an hour", []sessionkit.Option{sessionkit.WithVideoSDKTokenLifetime(time.Hour + time.Second)}, "got 1h0m1s"},
		{"lifetime scoped to Ductape", []sessionkit.Option{sessionkit.ForAPI(sessionkit.Ductape, sessionkit.WithVideoSDKTokenLifetime(time.Hour))}, "WithVideoSDKTokenLifetime: applies to Zoom only"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := sessionkit.NewClient(tc.opts...)
			if tc.wantErr == "" {
				require.NoError(t, err)
				require.NotNil(t, c)
				return
			}
			require.ErrorIs(t, err, sessionkit.ErrInvalidOptions)
			assert.Contains(t, err.Error(), tc.wantErr)
			assert.NotContains(t, err.Error(), credVSDKSecret)
		})
	}
}

func TestCredentialPrecedence(t *testing.T) {
	const tokenFuncToken = "func-token-0e0e-do-not-leak"
	vsdk := sessionkit.WithVideoSDKCredentials(credVSDKKey, credVSDKSecret)
	tokenFunc := sessionkit.WithTokenFunc(func(context.Context) (string, error) { return tokenFuncToken, nil })
	// Expected credentials: "jwt" for a minted JWT, "" for none, else the
	// bearer token.
	tests := []struct {
		name              string
		opts              []sessionkit.Option
		wantZoom, wantDuc string
	}{
		{"global key", []sessionkit.Option{sessionkit.WithAPIKey(credGlobalKey)}, credGlobalKey, credGlobalKey},
		{"global VideoSDK only", []sessionkit.Option{vsdk}, "jwt", ""},
		{"global key, global VideoSDK", []sessionkit.Option{sessionkit.WithAPIKey(credGlobalKey), vsdk}, "jwt", credGlobalKey},
		// Options of one scope apply in order: a later global credential
		// replaces an earlier global WithVideoSDKCredentials for Zoom too.
		{"global VideoSDK, global key", []sessionkit.Option{vsdk, sessionkit.WithAPIKey(credGlobalKey)}, credGlobalKey, credGlobalKey},
		{"global VideoSDK, global token func", []sessionkit.Option{vsdk, tokenFunc}, tokenFuncToken, tokenFuncToken},
		{"global key, scoped VideoSDK", []sessionkit.Option{sessionkit.WithAPIKey(credGlobalKey), sessionkit.ForAPI(sessionkit.Zoom, vsdk)}, "jwt", credGlobalKey},
		{"scoped VideoSDK, global key", []sessionkit.Option{sessionkit.ForAPI(sessionkit.Zoom, vsdk), sessionkit.WithAPIKey(credGlobalKey)}, "jwt", credGlobalKey},
		{"global VideoSDK, scoped key", []sessionkit.Option{vsdk, sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithAPIKey(credZoomKey))}, credZoomKey, ""},
		{"scoped key, global VideoSDK", []sessionkit.Option{sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithAPIKey(credZoomKey)), vsdk}, credZoomKey, ""},
		{"global key and VideoSDK, scoped key", []sessionkit.Option{sessionkit.WithAPIKey(credGlobalKey), vsdk, sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithAPIKey(credZoomKey))}, credZoomKey, credGlobalKey},
		{"scoped VideoSDK then scoped key", []sessionkit.Option{sessionkit.ForAPI(sessionkit.Zoom, vsdk, sessionkit.WithAPIKey(credZoomKey))}, credZoomKey, ""},
		{"scoped key then scoped VideoSDK", []sessionkit.Option{sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithAPIKey(credZoomKey)), sessionkit.ForAPI(sessionkit.Zoom, vsdk)}, "jwt", ""},
		{"scoped token func, global VideoSDK", []sessionkit.Option{sessionkit.ForAPI(sessionkit.Zoom, tokenFunc), vsdk}, tokenFuncToken, ""},
		{"scoped lifetime keeps the global credentials", []sessionkit.Option{sessionkit.WithAPIKey(credGlobalKey), vsdk, sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithVideoSDKTokenLifetime(time.Minute))}, "jwt", credGlobalKey},
	}
	// expecting is the kit option that makes an API accept exactly want;
	// for "" (no credential) the kit keeps its own key, which the SDK does
	// not send, so the call must come back 401.
	expecting := func(want string) []sessionkittest.Option {
		switch want {
		case "jwt":
			return []sessionkittest.Option{sessionkittest.WithVideoSDKCredentials(credVSDKKey, credVSDKSecret)}
		case "":
			return nil
		}
		return []sessionkittest.Option{sessionkittest.WithAPIKey(want)}
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			zoom, duc := kitServer(t, expecting(tc.wantZoom)...), kitServer(t, expecting(tc.wantDuc)...)
			c := credClientFor(t, zoom, duc, tc.opts...)
			require.NoError(t, zoomCall(c, zoom), "Zoom accepts the credential")
			if err := ductapeCall(c, duc); tc.wantDuc == "" {
				var apiErr *sessionkit.APIError
				require.ErrorAs(t, err, &apiErr, "Ductape without a credential")
				assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode)
			} else {
				require.NoError(t, err, "Ductape accepts the credential")
			}
			check := func(api string, reqs []sessionkittest.Request, want string) {
				require.Len(t, reqs, 1, api)
				r := reqs[0]
				assert.Empty(t, r.Header.Get("X-API-KEY"), api)
				switch want {
				case "":
					assert.Empty(t, authorization(r), api)
				case "jwt":
					require.True(t, strings.HasPrefix(authorization(r), "Bearer "), api)
					verifyVideoSDKJWT(t, bearerOf(r), credVSDKKey, credVSDKSecret, time.Now())
				default:
					assert.Equal(t, "Bearer "+want, authorization(r), api)
				}
			}
			check("zoom", zoom.Requests(), tc.wantZoom)
			check("ductape", duc.Requests(), tc.wantDuc)
		})
	}
}

func TestVideoSDKJWTReusedAndRenewed(t *testing.T) {
	clock := &credClock{t: time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)}
	srv := kitServer(t, sessionkittest.WithVideoSDKCredentials(credVSDKKey, credVSDKSecret), sessionkittest.WithClock(clock.Now))
	c := credNewClient(t, srv, sessionkit.WithTestClock(clock.Now),
		sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithVideoSDKCredentials(credVSDKKey, credVSDKSecret), sessionkit.WithVideoSDKTokenLifetime(20*time.Minute)))

	// Reused while far from expiry, by sequential and concurrent calls.
	require.NoError(t, zoomCall(c, srv))
	clock.Advance(10 * time.Minute)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, zoomCall(c, srv))
		}()
	}
	wg.Wait()
	reqs := srv.Requests()
	require.Len(t, reqs, 9)
	first := bearerOf(reqs[0])
	claims := verifyVideoSDKJWT(t, first, credVSDKKey, credVSDKSecret, clock.Now())
	assert.Equal(t, 20*time.Minute, claims.ExpiresAt.Sub(claims.IssuedAt.Time))
	for _, r := range reqs {
		require.Equal(t, first, bearerOf(r))
	}

	// 20 min lifetime, iat 30 s back, renewed 5 min before exp: a new one
	// at 14 min 30 s, while the old one is still valid.
	clock.Advance(4*time.Minute + 30*time.Second)
	require.True(t, clock.Now().Before(claims.ExpiresAt.Time))
	require.NoError(t, zoomCall(c, srv))
	second := bearerOf(srv.Requests()[9])
	require.NotEqual(t, first, second)
	claims2 := verifyVideoSDKJWT(t, second, credVSDKKey, credVSDKSecret, clock.Now())
	assert.Equal(t, clock.Now().Add(-30*time.Second).Unix(), claims2.IssuedAt.Unix())
}

// countingSource is an oauth2.TokenSource handing out numbered tokens.
type countingSource struct {
	n   atomic.Int64
	err error
}

func (s *countingSource) Token() (*oauth2.Token, error) {
	n := s.n.Add(1)
	if s.err != nil {
		return nil, s.err
	}
	return &oauth2.Token{AccessToken: fmt.Sprintf("src-token-%d", n), TokenType: "Bearer"}, nil
}

// tokenSourceKinds builds the renewable credentials given by a source:
// each returns the option and a counter of how often it was asked.
func tokenSourceKinds(err error) map[string]func() (sessionkit.Option, func() int64) {
	return map[string]func() (sessionkit.Option, func() int64){
		"WithTokenFunc": func() (sessionkit.Option, func() int64) {
			var n atomic.Int64
			return sessionkit.WithTokenFunc(func(context.Context) (string, error) {
				i := n.Add(1)
				if err != nil {
					return "", err
				}
				return fmt.Sprintf("src-token-%d", i), nil
			}), n.Load
		},
		"WithTokenSource": func() (sessionkit.Option, func() int64) {
			src := &countingSource{err: err}
			return sessionkit.WithTokenSource(src), src.n.Load
		},
	}
}

func TestTokenSourceAskedBeforeEachAttempt(t *testing.T) {
	for name, kind := range tokenSourceKinds(nil) {
		t.Run(name, func(t *testing.T) {
			// Two 503s, then the third attempt must carry the third token.
			srv := kitServer(t, sessionkittest.WithAPIKey("src-token-3"))
			srv.Fault(sessionkittest.Match{API: sessionkittest.Zoom}, sessionkittest.Status(http.StatusServiceUnavailable), sessionkittest.Times(2))
			opt, asked := kind()
			c := credNewClient(t, srv, sessionkit.ForAPI(sessionkit.Zoom, opt))
			require.NoError(t, zoomCall(c, srv))
			reqs := srv.Requests()
			require.Len(t, reqs, 3)
			for i, r := range reqs {
				assert.Equal(t, fmt.Sprintf("Bearer src-token-%d", i+1), authorization(r), "attempt %d", i+1)
			}
			assert.EqualValues(t, 3, asked())
		})
	}
}

func TestTokenSourceErrorNotRetried(t *testing.T) {
	errIDP := errors.New("identity provider unavailable")
	for name, kind := range tokenSourceKinds(errIDP) {
		t.Run(name, func(t *testing.T) {
			srv := kitServer(t)
			opt, asked := kind()
			c := credNewClient(t, srv, sessionkit.WithAPIKey(credGlobalKey), sessionkit.ForAPI(sessionkit.Zoom, opt))
			err := zoomCall(c, srv)
			require.Error(t, err)
			require.ErrorIs(t, err, errIDP)
			assert.Contains(t, err.Error(), "zoom credential")
			assert.NotContains(t, err.Error(), credGlobalKey)
			var apiErr *sessionkit.APIError
			assert.False(t, errors.As(err, &apiErr))
			assert.EqualValues(t, 1, asked(), "a source error is not retried")
			assert.Empty(t, srv.Requests(), "nothing is sent without the credential")
		})
	}
}

func TestRefreshOn401(t *testing.T) {
	type credKind struct {
		opt       func() (sessionkit.Option, func() int64) // the option and how often it was asked (nil: not counted)
		accepts   sessionkittest.Option                    // what the kit accepts once the 401 fault is spent
		renewable bool
		jwt       bool
	}
	kinds := map[string]credKind{
		"static key": {
			opt:     func() (sessionkit.Option, func() int64) { return sessionkit.WithAPIKey(credZoomKey), nil },
			accepts: sessionkittest.WithAPIKey(credZoomKey),
		},
		"VideoSDK JWT": {opt: func() (sessionkit.Option, func() int64) {
			return sessionkit.WithVideoSDKCredentials(credVSDKKey, credVSDKSecret), nil
		}, accepts: sessionkittest.WithVideoSDKCredentials(credVSDKKey, credVSDKSecret), renewable: true, jwt: true},
	}
	for name, k := range tokenSourceKinds(nil) {
		kinds[name] = credKind{opt: k, accepts: sessionkittest.WithAPIKey("src-token-2"), renewable: true}
	}
	for name, kind := range kinds {
		for _, always := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/second 401 %v", name, always), func(t *testing.T) {
				clock := &credClock{t: time.Now()}
				srv := kitServer(t, kind.accepts, sessionkittest.WithClock(clock.Now))
				m := sessionkittest.Match{API: sessionkittest.Zoom, Request: 1}
				if always {
					m.Request = 0
				}
				srv.Fault(m, sessionkittest.Status(http.StatusUnauthorized))
				opt, asked := kind.opt()
				// A minute passes with every request, so a new mint differs
				// from the rejected JWT.
				ticking := &http.Client{Transport: credTicking{clock: clock, step: time.Minute}}
				c := credNewClient(t, srv, sessionkit.WithTestClock(clock.Now), sessionkit.WithHTTPClient(ticking),
					sessionkit.ForAPI(sessionkit.Zoom, opt))
				err := zoomCall(c, srv)
				reqs := srv.Requests()

				if !kind.renewable {
					require.Len(t, reqs, 1, "a static key is never retried on 401")
				} else {
					require.Len(t, reqs, 2, "one renewal, one retry")
					assert.NotEqual(t, authorization(reqs[0]), authorization(reqs[1]), "the retry carries a fresh credential")
					if kind.jwt {
						c1 := verifyVideoSDKJWT(t, bearerOf(reqs[0]), credVSDKKey, credVSDKSecret, clock.Now())
						c2 := verifyVideoSDKJWT(t, bearerOf(reqs[1]), credVSDKKey, credVSDKSecret, clock.Now())
						assert.True(t, c2.IssuedAt.After(c1.IssuedAt.Time), "re-minted after the 401")
					}
					if asked != nil {
						assert.EqualValues(t, 2, asked())
					}
				}
				if kind.renewable && !always {
					require.NoError(t, err)
					return
				}
				var apiErr *sessionkit.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode)
				assert.Equal(t, "124", apiErr.Code)
				assert.Equal(t, len(reqs), apiErr.Attempts)
				for _, r := range reqs {
					assert.NotContains(t, err.Error(), bearerOf(r))
				}
				assert.NotContains(t, err.Error(), credVSDKSecret)
			})
		}
	}
}

// TestRenewalSharedByConcurrent401s: many requests rejected with the same
// JWT share one new mint. The kit's clock runs ahead of the client's, past
// the first JWT's expiry, so the kit rejects it (as Zoom does a JWT it
// thinks expired) while the client still holds it as valid; a second
// passes on the client's clock with every request, so separate mints would
// differ.
func TestRenewalSharedByConcurrent401s(t *testing.T) {
	base := time.Now()
	clock, kitClock := &credClock{t: base}, &credClock{t: base}
	srv := kitServer(t, sessionkittest.WithVideoSDKCredentials(credVSDKKey, credVSDKSecret), sessionkittest.WithClock(kitClock.Now))
	ticking := &http.Client{Transport: credTicking{clock: clock, step: time.Second}}
	c := credNewClient(t, srv, sessionkit.WithTestClock(clock.Now), sessionkit.WithHTTPClient(ticking),
		sessionkit.WithVideoSDKCredentials(credVSDKKey, credVSDKSecret), sessionkit.WithVideoSDKTokenLifetime(20*time.Minute))
	// Mint the first token (valid until base+19m30s), then make the kit
	// reject it: the client, 10 minutes on, still reuses it.
	require.NoError(t, zoomCall(c, srv))
	clock.Advance(10 * time.Minute)
	kitClock.Advance(20 * time.Minute)
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, zoomCall(c, srv))
		}()
	}
	wg.Wait()
	first := ""
	tokens := map[string]int{} // requests per token
	for _, r := range srv.RequestsMatching(sessionkittest.Match{API: sessionkittest.Zoom}) {
		if first == "" {
			first = bearerOf(r)
		}
		tokens[bearerOf(r)]++
	}
	require.Len(t, tokens, 2, "the rejected token and one renewal")
	// A call that started after another had renewed sends the new token
	// at once; one that sent the old token first is rejected and retried.
	// Either way each of the ten calls succeeds with exactly one request
	// bearing the one renewed token.
	renewed := srv.RequestCount() - tokens[first]
	assert.Equal(t, 10, renewed, "each call sends the renewed token once")
	assert.GreaterOrEqual(t, tokens[first], 1, "the first call used the first token")
	assert.LessOrEqual(t, tokens[first], 11, "the first call, and at most ten rejected")
}

func TestCredentialsNotSentToAnotherOrigin(t *testing.T) {
	tests := []struct {
		name        string
		otherStatus int // the status the other origin answers
		wantReqs    int // requests to the Zoom origin
	}{
		{"redirect target answers 200", 0, 1},
		// The 401 came from a host that never saw the credential: no renewal.
		{"redirect target answers 401", http.StatusUnauthorized, 1},
	}
	for _, tc := range tests {
		for name, kind := range map[string]func() sessionkit.Option{
			"VideoSDK JWT":  func() sessionkit.Option { return sessionkit.WithVideoSDKCredentials(credVSDKKey, credVSDKSecret) },
			"static key":    func() sessionkit.Option { return sessionkit.WithAPIKey(credZoomKey) },
			"WithTokenFunc": fixedTokenFunc,
		} {
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				// The other origin is a second kit: without a credential it
				// answers Zoom's 401; for the 200 case it answers an empty
				// page whatever the credential.
				other := kitServer(t)
				if tc.otherStatus == 0 {
					other.Fault(sessionkittest.Match{}, sessionkittest.Handle(func(w http.ResponseWriter, _ *http.Request) {
						w.Header().Set("Content-Type", "application/json")
						_, _ = w.Write([]byte(`{"page_size":30,"next_page_token":"","users":[]}`))
					}))
				}
				zoom := kitServer(t)
				zoom.Fault(sessionkittest.Match{}, sessionkittest.Handle(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Query().Get("hop") == "" {
						// A same-origin hop first, then another origin.
						http.Redirect(w, r, r.URL.Path+"?hop=1", http.StatusFound)
						return
					}
					http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
				}))
				c := credNewClient(t, zoom, sessionkit.ForAPI(sessionkit.Zoom, kind()))
				err := zoomCall(c, zoom)
				if tc.otherStatus == 0 {
					require.NoError(t, err)
				} else {
					var apiErr *sessionkit.APIError
					require.ErrorAs(t, err, &apiErr)
					assert.Equal(t, tc.otherStatus, apiErr.StatusCode)
					assert.Equal(t, 1, apiErr.Attempts)
				}
				zr := zoom.Requests()
				require.Len(t, zr, 2*tc.wantReqs)
				for _, r := range zr {
					assert.True(t, strings.HasPrefix(authorization(r), "Bearer "), "own origin gets the credential on every hop")
				}
				or := other.Requests()
				require.Len(t, or, tc.wantReqs)
				for _, r := range or {
					assert.Empty(t, authorization(r), "another origin never gets the credential")
					assert.Empty(t, r.Header.Get("X-API-KEY"))
				}
			})
		}
	}
}

func fixedTokenFunc() sessionkit.Option {
	return sessionkit.WithTokenFunc(func(context.Context) (string, error) { return "func-token-a1a1", nil })
}

func TestCredentialsNotLogged(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := kitServer(t, sessionkittest.WithAPIKey(credGlobalKey))
	srv.Fault(sessionkittest.Match{Request: 1}, sessionkittest.Status(http.StatusServiceUnavailable))
	srv.Fault(sessionkittest.Match{API: sessionkittest.Zoom}, sessionkittest.Status(http.StatusUnauthorized))
	c := credNewClient(t, srv, sessionkit.WithLogger(logger), sessionkit.WithAPIKey(credGlobalKey),
		sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithVideoSDKCredentials(credVSDKKey, credVSDKSecret)))
	err := zoomCall(c, srv)
	var apiErr *sessionkit.APIError
	require.ErrorAs(t, err, &apiErr)
	require.NoError(t, ductapeCall(c, srv))

	reqs := srv.Requests()
	require.Len(t, reqs, 4) // 503, 401, (renew) 401, Ductape 200
	mu.Lock()
	out := logs.String()
	mu.Unlock()
	require.Equal(t, 4, strings.Count(out, "sessionkit: attempt"), out)
	texts := map[string]string{"logs": out, "error": err.Error(), "error %+v": fmt.Sprintf("%+v", err), "client": fmt.Sprintf("%+v %#v %v", c, c, *c)}
	secrets := []string{credVSDKSecret, credGlobalKey}
	for _, r := range reqs {
		secrets = append(secrets, bearerOf(r))
	}
	for name, text := range texts {
		for _, secret := range secrets {
			assert.NotContains(t, text, secret, name)
		}
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestVideoSDKCredentialsWithTestKit(t *testing.T) {
	srv := sessionkittest.NewServer(sessionkittest.WithVideoSDKCredentials(credVSDKKey, credVSDKSecret))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	id := srv.Data().ZoomSessionIDs[0]
	want := srv.Data().ZoomUsers[id]
	require.NotEmpty(t, want)

	c, err := sessionkit.NewClient(
		sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithBaseURL(srv.ZoomURL()), sessionkit.WithVideoSDKCredentials(credVSDKKey, credVSDKSecret)),
		sessionkit.WithRetryWait(time.Millisecond, 5*time.Millisecond),
	)
	require.NoError(t, err)
	var got int
	for u, err := range c.Sessions.ListUsersIter(ctx, id, sessions.ListUsersOptions{Type: sessions.Past, PageSize: 10}) {
		require.NoError(t, err)
		require.NotEmpty(t, u.ID)
		got++
	}
	require.Equal(t, len(want), got)
	reqs := srv.Requests()
	require.Equal(t, (len(want)+9)/10, len(reqs))
	for _, r := range reqs {
		require.Equal(t, reqs[0].Header.Get("Authorization"), r.Header.Get("Authorization"), "one JWT for the whole walk")
	}
	verifyVideoSDKJWT(t, strings.TrimPrefix(reqs[0].Header.Get("Authorization"), "Bearer "), credVSDKKey, credVSDKSecret, time.Now())

	// A wrong secret: rejected, re-minted once, rejected again.
	bad, err := sessionkit.NewClient(sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithBaseURL(srv.ZoomURL()), sessionkit.WithVideoSDKCredentials(credVSDKKey, "wrong-secret-0000")))
	require.NoError(t, err)
	_, err = bad.Sessions.ListUsers(ctx, id, sessions.ListUsersOptions{})
	var apiErr *sessionkit.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode)
	assert.Equal(t, "124", apiErr.Code)
	assert.Equal(t, 2, apiErr.Attempts)
	assert.Len(t, srv.Requests(), len(reqs)+2)
	assert.NotContains(t, err.Error(), "wrong-secret-0000")
}

// TestVideoSDKJWTRenewedOnTheKitsClock shares one clock between the client and the kit: after
// the clock passes the JWT's lifetime, the next request carries a new JWT that the kit accepts,
// with no 401 in between.
func TestVideoSDKJWTRenewedOnTheKitsClock(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }

	srv := sessionkittest.NewServer(sessionkittest.WithVideoSDKCredentials(credVSDKKey, credVSDKSecret), sessionkittest.WithClock(clock))
	t.Cleanup(srv.Close)
	c, err := srv.NewClient(sessionkit.WithTestClock(clock), sessionkit.WithVideoSDKTokenLifetime(30*time.Minute))
	require.NoError(t, err)
	ctx, id := context.Background(), srv.Data().ZoomSessionIDs[0]
	list := func() string {
		t.Helper()
		_, err := c.Sessions.ListUsers(ctx, id, sessions.ListUsersOptions{Type: sessions.Past})
		require.NoError(t, err)
		reqs := srv.Requests()
		return reqs[len(reqs)-1].Header.Get("Authorization")
	}
	first := list()
	advance(10 * time.Minute)
	require.Equal(t, first, list(), "reused while valid")
	advance(25 * time.Minute) // 35 minutes after minting: expired by the kit's clock
	renewed := list()
	require.NotEqual(t, first, renewed)
	claims := verifyVideoSDKJWT(t, strings.TrimPrefix(renewed, "Bearer "), credVSDKKey, credVSDKSecret, clock())
	require.True(t, claims.ExpiresAt.After(clock().Add(25*time.Minute)), "minted on the shared clock")
	require.Equal(t, 3, srv.RequestCount(), "no request was refused")
}
