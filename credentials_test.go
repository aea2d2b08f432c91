package sessionkit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/sessionkit/sessionkit-go/sessions"
)

const (
	credVSDKKey    = "vsdk-key-1f2e"
	credVSDKSecret = "vsdk-secret-77aa-do-not-leak"
	credGlobalKey  = "global-key-5d4c-do-not-leak"
	credZoomKey    = "zoom-key-3b3b-do-not-leak"
)

// withCredClock sets the client's clock (for tests).
func withCredClock(now func() time.Time) Option {
	return func(s *settings) error {
		s.now = now
		return nil
	}
}

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

// credRequest is what credServer saw of one request.
type credRequest struct {
	Path, Authorization, APIKey string
}

// bearer returns the token of the request's Authorization header.
func (r credRequest) bearer() string { return strings.TrimPrefix(r.Authorization, "Bearer ") }

// credServer is an httptest server that records the credentials of every
// request and answers with reply (a valid empty page of the API when reply
// returns 0).
type credServer struct {
	*httptest.Server
	mu    sync.Mutex
	reqs  []credRequest
	reply func(n int, r *http.Request, w http.ResponseWriter) int // n counts from 1
}

func newCredServer(t *testing.T, reply func(n int, r *http.Request, w http.ResponseWriter) int) *credServer {
	t.Helper()
	cs := &credServer{reply: reply}
	cs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cs.mu.Lock()
		cs.reqs = append(cs.reqs, credRequest{Path: r.URL.Path, Authorization: r.Header.Get("Authorization"), APIKey: r.Header.Get("X-API-KEY")})
		n := len(cs.reqs)
		cs.mu.Unlock()
		if cs.reply != nil {
			if status := cs.reply(n, r, w); status != 0 {
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.Contains(r.URL.Path, "/videosdk/"):
			_, _ = w.Write([]byte(`{"page_size":30,"next_page_token":"","users":[]}`))
		default:
			_, _ = w.Write([]byte(`{"status":true,"data":{"users":[],"total":0,"page":1,"limit":10,"totalPages":0}}`))
		}
	}))
	t.Cleanup(cs.Close)
	return cs
}

func (cs *credServer) requests() []credRequest {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return append([]credRequest(nil), cs.reqs...)
}

// zoomUnauthorized writes Zoom's 401 answer.
func zoomUnauthorized(w http.ResponseWriter) int {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusUnauthorized)
	_, _ = w.Write([]byte(`{"code":124,"message":"Invalid access token."}`))
	return http.StatusUnauthorized
}

// credNewClient builds a client whose APIs all point at base, with fast
// retries.
func credNewClient(t *testing.T, base string, opts ...Option) *Client {
	t.Helper()
	all := append([]Option{
		WithBaseURL(base), WithWorkspaceID("ws_1"), WithRetryWait(time.Millisecond, 5*time.Millisecond),
	}, opts...)
	c, err := NewClient(all...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func zoomCall(c *Client) error {
	_, err := c.Sessions.ListUsers(context.Background(), "sess-1", sessions.ListUsersOptions{})
	return err
}

func ductapeCall(c *Client) error {
	_, err := c.Sessions.FetchUsers(context.Background(), sessions.FetchUsersOptions{Product: "p", Session: "s"})
	return err
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
		opts    []Option
		wantErr string // "" = valid
	}{
		{"global", []Option{WithVideoSDKCredentials(credVSDKKey, credVSDKSecret)}, ""},
		{"scoped to Zoom", []Option{ForAPI(Zoom, WithVideoSDKCredentials(credVSDKKey, credVSDKSecret))}, ""},
		{"empty key", []Option{WithVideoSDKCredentials("", "s")}, "WithVideoSDKCredentials: API key is empty"},
		{"empty secret", []Option{WithVideoSDKCredentials("k", "")}, "WithVideoSDKCredentials: API secret is empty"},
		{"scoped empty secret", []Option{ForAPI(Zoom, WithVideoSDKCredentials("k", ""))}, "API secret is empty"},
		{"short key", []Option{WithVideoSDKCredentials("k", credVSDKSecret)}, "WithVideoSDKCredentials: the API key is 1 bytes long; at least 8"},
		{"scoped short secret", []Option{ForAPI(Zoom, WithVideoSDKCredentials(credVSDKKey, "s"))}, "ForAPI(zoom, WithVideoSDKCredentials): the API secret is 1 bytes long"},
		{"scoped to Ductape", []Option{ForAPI(Ductape, WithVideoSDKCredentials("k", credVSDKSecret))}, "WithVideoSDKCredentials: applies to Zoom only"},
		{"scoped to Arthur", []Option{ForAPI(Arthur, WithVideoSDKCredentials("k", credVSDKSecret))}, "ForAPI(arthur, ...)"},
		{"scoped to MonoCloud", []Option{ForAPI(MonoCloud, WithVideoSDKCredentials("k", credVSDKSecret))}, "applies to Zoom only"},
		{"lifetime 1 h", []Option{WithVideoSDKTokenLifetime(time.Hour)}, ""},
		{"lifetime 1 min", []Option{WithVideoSDKTokenLifetime(time.Minute)}, ""},
		{"lifetime scoped to Zoom", []Option{ForAPI(Zoom, WithVideoSDKTokenLifetime(30*time.Minute))}, ""},
		{"lifetime 0", []Option{WithVideoSDKTokenLifetime(0)}, "WithVideoSDKTokenLifetime: must be between 1m0s and 1h0m0s, got 0s"},
		{"lifetime negative", []Option{WithVideoSDKTokenLifetime(-time.Minute)}, "WithVideoSDKTokenLifetime"},
		{"lifetime under a minute", []Option{WithVideoSDKTokenLifetime(59 * time.Second)}, "got 59s"},
		{"lifetime over an hour", []Option{WithVideoSDKTokenLifetime(time.Hour + time.Second)}, "got 1h0m1s"},
		{"lifetime scoped to Ductape", []Option{ForAPI(Ductape, WithVideoSDKTokenLifetime(time.Hour))}, "WithVideoSDKTokenLifetime: applies to Zoom only"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewClient(tc.opts...)
			if tc.wantErr == "" {
				require.NoError(t, err)
				require.NotNil(t, c)
				return
			}
			require.ErrorIs(t, err, ErrInvalidOptions)
			assert.Contains(t, err.Error(), tc.wantErr)
			assert.NotContains(t, err.Error(), credVSDKSecret)
		})
	}
}

func TestCredentialPrecedence(t *testing.T) {
	const tokenFuncToken = "func-token-0e0e-do-not-leak"
	vsdk := WithVideoSDKCredentials(credVSDKKey, credVSDKSecret)
	tokenFunc := WithTokenFunc(func(context.Context) (string, error) { return tokenFuncToken, nil })
	// Expected credentials: "jwt" for a minted JWT, "" for none, else the
	// bearer token.
	tests := []struct {
		name              string
		opts              []Option
		wantZoom, wantDuc string
	}{
		{"global key", []Option{WithAPIKey(credGlobalKey)}, credGlobalKey, credGlobalKey},
		{"global VideoSDK only", []Option{vsdk}, "jwt", ""},
		{"global key, global VideoSDK", []Option{WithAPIKey(credGlobalKey), vsdk}, "jwt", credGlobalKey},
		// Options of one scope apply in order: a later global credential
		// replaces an earlier global WithVideoSDKCredentials for Zoom too.
		{"global VideoSDK, global key", []Option{vsdk, WithAPIKey(credGlobalKey)}, credGlobalKey, credGlobalKey},
		{"global VideoSDK, global token func", []Option{vsdk, tokenFunc}, tokenFuncToken, tokenFuncToken},
		{"global key, scoped VideoSDK", []Option{WithAPIKey(credGlobalKey), ForAPI(Zoom, vsdk)}, "jwt", credGlobalKey},
		{"scoped VideoSDK, global key", []Option{ForAPI(Zoom, vsdk), WithAPIKey(credGlobalKey)}, "jwt", credGlobalKey},
		{"global VideoSDK, scoped key", []Option{vsdk, ForAPI(Zoom, WithAPIKey(credZoomKey))}, credZoomKey, ""},
		{"scoped key, global VideoSDK", []Option{ForAPI(Zoom, WithAPIKey(credZoomKey)), vsdk}, credZoomKey, ""},
		{"global key and VideoSDK, scoped key", []Option{WithAPIKey(credGlobalKey), vsdk, ForAPI(Zoom, WithAPIKey(credZoomKey))}, credZoomKey, credGlobalKey},
		{"scoped VideoSDK then scoped key", []Option{ForAPI(Zoom, vsdk, WithAPIKey(credZoomKey))}, credZoomKey, ""},
		{"scoped key then scoped VideoSDK", []Option{ForAPI(Zoom, WithAPIKey(credZoomKey)), ForAPI(Zoom, vsdk)}, "jwt", ""},
		{"scoped token func, global VideoSDK", []Option{ForAPI(Zoom, tokenFunc), vsdk}, tokenFuncToken, ""},
		{"scoped lifetime keeps the global credentials", []Option{WithAPIKey(credGlobalKey), vsdk, ForAPI(Zoom, WithVideoSDKTokenLifetime(time.Minute))}, "jwt", credGlobalKey},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newCredServer(t, nil)
			c := credNewClient(t, srv.URL, tc.opts...)
			require.NoError(t, zoomCall(c))
			require.NoError(t, ductapeCall(c))
			reqs := srv.requests()
			require.Len(t, reqs, 2)
			check := func(api string, r credRequest, want string) {
				assert.Empty(t, r.APIKey, api)
				switch want {
				case "":
					assert.Empty(t, r.Authorization, api)
				case "jwt":
					require.True(t, strings.HasPrefix(r.Authorization, "Bearer "), api)
					verifyVideoSDKJWT(t, r.bearer(), credVSDKKey, credVSDKSecret, time.Now())
				default:
					assert.Equal(t, "Bearer "+want, r.Authorization, api)
				}
			}
			check("zoom", reqs[0], tc.wantZoom)
			check("ductape", reqs[1], tc.wantDuc)
		})
	}
}

func TestVideoSDKJWTReusedAndRenewed(t *testing.T) {
	clock := &credClock{t: time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)}
	srv := newCredServer(t, nil)
	c := credNewClient(t, srv.URL, withCredClock(clock.Now),
		ForAPI(Zoom, WithVideoSDKCredentials(credVSDKKey, credVSDKSecret), WithVideoSDKTokenLifetime(20*time.Minute)))

	// Reused while far from expiry, by sequential and concurrent calls.
	require.NoError(t, zoomCall(c))
	clock.Advance(10 * time.Minute)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, zoomCall(c))
		}()
	}
	wg.Wait()
	reqs := srv.requests()
	require.Len(t, reqs, 9)
	first := reqs[0].bearer()
	claims := verifyVideoSDKJWT(t, first, credVSDKKey, credVSDKSecret, clock.Now())
	assert.Equal(t, 20*time.Minute, claims.ExpiresAt.Sub(claims.IssuedAt.Time))
	for _, r := range reqs {
		require.Equal(t, first, r.bearer())
	}

	// 20 min lifetime, iat 30 s back, renewed 5 min before exp: a new one
	// at 14 min 30 s, while the old one is still valid.
	clock.Advance(4*time.Minute + 30*time.Second)
	require.True(t, clock.Now().Before(claims.ExpiresAt.Time))
	require.NoError(t, zoomCall(c))
	second := srv.requests()[9].bearer()
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
func tokenSourceKinds(err error) map[string]func() (Option, func() int64) {
	return map[string]func() (Option, func() int64){
		"WithTokenFunc": func() (Option, func() int64) {
			var n atomic.Int64
			return WithTokenFunc(func(context.Context) (string, error) {
				i := n.Add(1)
				if err != nil {
					return "", err
				}
				return fmt.Sprintf("src-token-%d", i), nil
			}), n.Load
		},
		"WithTokenSource": func() (Option, func() int64) {
			src := &countingSource{err: err}
			return WithTokenSource(src), src.n.Load
		},
	}
}

func TestTokenSourceAskedBeforeEachAttempt(t *testing.T) {
	for name, kind := range tokenSourceKinds(nil) {
		t.Run(name, func(t *testing.T) {
			srv := newCredServer(t, func(n int, _ *http.Request, w http.ResponseWriter) int {
				if n <= 2 {
					w.WriteHeader(http.StatusServiceUnavailable)
					return http.StatusServiceUnavailable
				}
				return 0
			})
			opt, asked := kind()
			c := credNewClient(t, srv.URL, ForAPI(Zoom, opt))
			require.NoError(t, zoomCall(c))
			reqs := srv.requests()
			require.Len(t, reqs, 3)
			for i, r := range reqs {
				assert.Equal(t, fmt.Sprintf("Bearer src-token-%d", i+1), r.Authorization, "attempt %d", i+1)
			}
			assert.EqualValues(t, 3, asked())
		})
	}
}

func TestTokenSourceErrorNotRetried(t *testing.T) {
	errIDP := errors.New("identity provider unavailable")
	for name, kind := range tokenSourceKinds(errIDP) {
		t.Run(name, func(t *testing.T) {
			srv := newCredServer(t, nil)
			opt, asked := kind()
			c := credNewClient(t, srv.URL, WithAPIKey(credGlobalKey), ForAPI(Zoom, opt))
			err := zoomCall(c)
			require.Error(t, err)
			require.ErrorIs(t, err, errIDP)
			assert.Contains(t, err.Error(), "zoom credential")
			assert.NotContains(t, err.Error(), credGlobalKey)
			var apiErr *APIError
			assert.False(t, errors.As(err, &apiErr))
			assert.EqualValues(t, 1, asked(), "a source error is not retried")
			assert.Empty(t, srv.requests(), "nothing is sent without the credential")
		})
	}
}

func TestRefreshOn401(t *testing.T) {
	type credKind struct {
		opt       func() (Option, func() int64) // the option and how often it was asked (nil: not counted)
		renewable bool
		jwt       bool
	}
	kinds := map[string]credKind{
		"static key": {opt: func() (Option, func() int64) { return WithAPIKey(credZoomKey), nil }},
		"VideoSDK JWT": {opt: func() (Option, func() int64) {
			return WithVideoSDKCredentials(credVSDKKey, credVSDKSecret), nil
		}, renewable: true, jwt: true},
	}
	for name, k := range tokenSourceKinds(nil) {
		kinds[name] = credKind{opt: k, renewable: true}
	}
	for name, kind := range kinds {
		for _, always := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/second 401 %v", name, always), func(t *testing.T) {
				clock := &credClock{t: time.Now()}
				srv := newCredServer(t, func(n int, _ *http.Request, w http.ResponseWriter) int {
					if n == 1 || always {
						clock.Advance(time.Minute) // so a new mint differs from the rejected JWT
						return zoomUnauthorized(w)
					}
					return 0
				})
				opt, asked := kind.opt()
				c := credNewClient(t, srv.URL, withCredClock(clock.Now), ForAPI(Zoom, opt))
				err := zoomCall(c)
				reqs := srv.requests()

				if !kind.renewable {
					require.Len(t, reqs, 1, "a static key is never retried on 401")
				} else {
					require.Len(t, reqs, 2, "one renewal, one retry")
					assert.NotEqual(t, reqs[0].Authorization, reqs[1].Authorization, "the retry carries a fresh credential")
					if kind.jwt {
						c1 := verifyVideoSDKJWT(t, reqs[0].bearer(), credVSDKKey, credVSDKSecret, clock.Now())
						c2 := verifyVideoSDKJWT(t, reqs[1].bearer(), credVSDKKey, credVSDKSecret, clock.Now())
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
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode)
				assert.Equal(t, "124", apiErr.Code)
				assert.Equal(t, len(reqs), apiErr.Attempts)
				for _, r := range reqs {
					assert.NotContains(t, err.Error(), r.bearer())
				}
				assert.NotContains(t, err.Error(), credVSDKSecret)
			})
		}
	}
}

func TestRenewalSharedByConcurrent401s(t *testing.T) {
	// Many requests rejected with the same JWT share one new mint.
	clock := &credClock{t: time.Now()}
	var rejected atomic.Value
	rejected.Store("")
	srv := newCredServer(t, func(_ int, r *http.Request, w http.ResponseWriter) int {
		clock.Advance(time.Second) // every mint after this one differs
		if old, ok := rejected.Load().(string); ok && r.Header.Get("Authorization") == "Bearer "+old {
			return zoomUnauthorized(w)
		}
		return 0
	})
	c := credNewClient(t, srv.URL, withCredClock(clock.Now), WithVideoSDKCredentials(credVSDKKey, credVSDKSecret))
	// Mint the first token, then make the server reject it.
	require.NoError(t, zoomCall(c))
	rejected.Store(srv.requests()[0].bearer())
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, zoomCall(c))
		}()
	}
	wg.Wait()
	tokens := map[string]bool{}
	for _, r := range srv.requests() {
		if strings.Contains(r.Path, "videosdk") {
			tokens[r.bearer()] = true
		}
	}
	assert.Len(t, tokens, 2, "the rejected token and one renewal")
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
		for name, kind := range map[string]func() Option{
			"VideoSDK JWT":  func() Option { return WithVideoSDKCredentials(credVSDKKey, credVSDKSecret) },
			"static key":    func() Option { return WithAPIKey(credZoomKey) },
			"WithTokenFunc": fixedTokenFunc,
		} {
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				other := newCredServer(t, func(_ int, _ *http.Request, w http.ResponseWriter) int {
					if tc.otherStatus == http.StatusUnauthorized {
						return zoomUnauthorized(w)
					}
					return 0
				})
				zoom := newCredServer(t, func(_ int, r *http.Request, w http.ResponseWriter) int {
					if r.URL.Query().Get("hop") == "" {
						// A same-origin hop first, then another origin.
						http.Redirect(w, r, r.URL.Path+"?hop=1", http.StatusFound)
						return http.StatusFound
					}
					http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
					return http.StatusTemporaryRedirect
				})
				c := credNewClient(t, zoom.URL, ForAPI(Zoom, kind()))
				err := zoomCall(c)
				if tc.otherStatus == 0 {
					require.NoError(t, err)
				} else {
					var apiErr *APIError
					require.ErrorAs(t, err, &apiErr)
					assert.Equal(t, 1, apiErr.Attempts)
				}
				zr := zoom.requests()
				require.Len(t, zr, 2*tc.wantReqs)
				for _, r := range zr {
					assert.True(t, strings.HasPrefix(r.Authorization, "Bearer "), "own origin gets the credential on every hop")
				}
				or := other.requests()
				require.Len(t, or, tc.wantReqs)
				for _, r := range or {
					assert.Empty(t, r.Authorization, "another origin never gets the credential")
					assert.Empty(t, r.APIKey)
				}
			})
		}
	}
}

func fixedTokenFunc() Option {
	return WithTokenFunc(func(context.Context) (string, error) { return "func-token-a1a1", nil })
}

func TestCredentialsNotLogged(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := newCredServer(t, func(n int, r *http.Request, w http.ResponseWriter) int {
		switch {
		case n == 1:
			w.WriteHeader(http.StatusServiceUnavailable)
			return http.StatusServiceUnavailable
		case strings.Contains(r.URL.Path, "/videosdk/"):
			return zoomUnauthorized(w)
		}
		return 0
	})
	c := credNewClient(t, srv.URL, WithLogger(logger), WithAPIKey(credGlobalKey),
		ForAPI(Zoom, WithVideoSDKCredentials(credVSDKKey, credVSDKSecret)))
	err := zoomCall(c)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	require.NoError(t, ductapeCall(c))

	reqs := srv.requests()
	require.Len(t, reqs, 4) // 503, 401, (renew) 401, Ductape 200
	mu.Lock()
	out := logs.String()
	mu.Unlock()
	require.Equal(t, 4, strings.Count(out, "sessionkit: attempt"), out)
	texts := map[string]string{"logs": out, "error": err.Error(), "error %+v": fmt.Sprintf("%+v", err), "client": fmt.Sprintf("%+v %#v %v", c, c, *c)}
	secrets := []string{credVSDKSecret, credGlobalKey}
	for _, r := range reqs {
		secrets = append(secrets, r.bearer())
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
