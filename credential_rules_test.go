package sessionkit_test

import (
	"context"
	"fmt"
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

	"github.com/sessionkit/sessionkit-go"
)

// TestShortAPIKeyIsRefused: a static key shorter than MinCredentialLength
// could not be redacted from error texts, so NewClient refuses it, naming
// the option and its scope.
func TestShortAPIKeyIsRefused(t *testing.T) {
	short := strings.Repeat("k", sessionkit.MinCredentialLength-1)
	tests := []struct {
		name string
		opt  sessionkit.Option
		want string
	}{
		{"global", sessionkit.WithAPIKey(short), "WithAPIKey: the key is 7 bytes long; at least 8"},
		{"scoped", sessionkit.ForAPI(sessionkit.Arthur, sessionkit.WithAPIKey(short)), "ForAPI(arthur, WithAPIKey): the key is 7 bytes long"},
		{"empty", sessionkit.WithAPIKey(""), "WithAPIKey: the key is 0 bytes long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := sessionkit.NewClient(tt.opt)
			require.ErrorIs(t, err, sessionkit.ErrInvalidOptions)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), short, "the key itself is not echoed")
		})
	}
	_, err := sessionkit.NewClient(sessionkit.WithAPIKey(strings.Repeat("k", sessionkit.MinCredentialLength)))
	require.NoError(t, err, "a key of exactly the minimum is accepted")
}

type credRulesSource struct{ tok *oauth2.Token }

func (s credRulesSource) Token() (*oauth2.Token, error) { return s.tok, nil }

// TestCredentialFromAFunctionMustBeSendable: a token function or token
// source that gives an empty credential, or one shorter than
// MinCredentialLength, fails the call with ErrInvalidCredential before
// anything is sent (no empty "Authorization: Bearer", no empty X-API-KEY),
// and the call is not retried.
func TestCredentialFromAFunctionMustBeSendable(t *testing.T) {
	short := strings.Repeat("t", sessionkit.MinCredentialLength-1)
	tests := []struct {
		name string
		opt  func(calls *atomic.Int32) sessionkit.Option
	}{
		{"WithTokenFunc empty", func(calls *atomic.Int32) sessionkit.Option {
			return sessionkit.WithTokenFunc(func(context.Context) (string, error) { calls.Add(1); return "", nil })
		}},
		{"WithTokenFunc short", func(calls *atomic.Int32) sessionkit.Option {
			return sessionkit.WithTokenFunc(func(context.Context) (string, error) { calls.Add(1); return short, nil })
		}},
		{"WithTokenSource empty", func(*atomic.Int32) sessionkit.Option {
			return sessionkit.WithTokenSource(credRulesSource{tok: &oauth2.Token{}})
		}},
		{"WithTokenSource nil token", func(*atomic.Int32) sessionkit.Option {
			return sessionkit.WithTokenSource(credRulesSource{})
		}},
		{"WithTokenSource short", func(*atomic.Int32) sessionkit.Option {
			return sessionkit.WithTokenSource(credRulesSource{tok: &oauth2.Token{AccessToken: short}})
		}},
	}
	for _, tt := range tests {
		for _, api := range allAPIs {
			t.Run(tt.name+"/"+api.String(), func(t *testing.T) {
				srv := newRecordingServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { writeJSON(w, 401, `{"message": "no"}`) })
				var calls atomic.Int32
				c := newTestClient(t, srv.URL, tt.opt(&calls), sessionkit.WithMaxRetries(3))
				err := callPage(context.Background(), c, api)
				require.ErrorIs(t, err, sessionkit.ErrInvalidCredential)
				assert.Equal(t, 0, srv.count(), "nothing was sent")
				assert.LessOrEqual(t, calls.Load(), int32(1), "not retried")
				assert.Contains(t, err.Error(), api.String()+" credential: invalid credential:")
				assert.NotContains(t, err.Error(), short)
				assert.Equal(t, 1, strings.Count(err.Error(), "sessionkit:"), "one prefix: %s", err)
			})
		}
	}
}

// credItem is one credential option in one scope, for the precedence
// tests: scope is the API of its ForAPI, or -1 for global.
type credItem struct {
	option string // "key", "func", "source", "vsdk"
	scope  sessionkit.API
}

const credGlobal sessionkit.API = -1

func (it credItem) scopeName() string {
	if it.scope == credGlobal {
		return "global"
	}
	return it.scope.String()
}

func (it credItem) String() string { return it.option + "@" + it.scopeName() }

// label is what an API receiving this item's credential shows: the token,
// or "jwt:<scope>" for a Video SDK JWT minted from the scope's key.
func (it credItem) label() string {
	if it.option == "vsdk" {
		return "jwt:" + it.scopeName()
	}
	return it.option + "-" + it.scopeName() + "-token-0123"
}

// vsdkKey and vsdkSecret are the Video SDK key and secret of the item's
// scope.
func (it credItem) vsdkKey() string    { return "vsdk-key-" + it.scopeName() }
func (it credItem) vsdkSecret() string { return "vsdk-secret-" + it.scopeName() + "-0123" }

// bare is the option itself, unscoped.
func (it credItem) bare() sessionkit.Option {
	tok := it.label()
	switch it.option {
	case "key":
		return sessionkit.WithAPIKey(tok)
	case "func":
		return sessionkit.WithTokenFunc(func(context.Context) (string, error) { return tok, nil })
	case "source":
		return sessionkit.WithTokenSource(credRulesSource{tok: &oauth2.Token{AccessToken: tok}})
	}
	return sessionkit.WithVideoSDKCredentials(it.vsdkKey(), it.vsdkSecret())
}

// opt is the option in its scope.
func (it credItem) opt() sessionkit.Option {
	if it.scope == credGlobal {
		return it.bare()
	}
	return sessionkit.ForAPI(it.scope, it.bare())
}

// credItems are every credential option in every scope that accepts it.
func credItems() []credItem {
	var items []credItem
	for _, option := range []string{"key", "func", "source", "vsdk"} {
		for _, scope := range []sessionkit.API{credGlobal, sessionkit.Zoom, sessionkit.Ductape} {
			if option == "vsdk" && scope == sessionkit.Ductape {
				continue // refused: see TestVideoSDKCredentialOptionsValidation
			}
			items = append(items, credItem{option, scope})
		}
	}
	return items
}

// wantCredential is the documented rule: an API gets the last credential
// option scoped to it with ForAPI, whatever the global ones and the order;
// else the last global one that applies to it (WithVideoSDKCredentials
// applies to Zoom only); else none ("").
func wantCredential(items []credItem, api sessionkit.API) string {
	var scoped, global string
	for _, it := range items {
		switch {
		case it.scope == api:
			scoped = it.label()
		case it.scope == credGlobal && (it.option != "vsdk" || api == sessionkit.Zoom):
			global = it.label()
		}
	}
	if scoped != "" {
		return scoped
	}
	return global
}

// credRecorder serves every API from its own server, answering an empty
// page, and remembers the credential each last received.
type credRecorder struct {
	mu   sync.Mutex
	last map[sessionkit.API]string
	urls map[sessionkit.API]string
}

func newCredRecorder(t *testing.T) *credRecorder {
	t.Helper()
	rec := &credRecorder{last: map[sessionkit.API]string{}, urls: map[sessionkit.API]string{}}
	for _, api := range allAPIs {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			cred := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
			if api == sessionkit.MonoCloud {
				cred = r.Header.Get("X-API-KEY")
			}
			rec.mu.Lock()
			rec.last[api] = cred
			rec.mu.Unlock()
			writeJSON(w, http.StatusOK, apis[api].emptyBody)
		}))
		t.Cleanup(srv.Close)
		rec.urls[api] = srv.URL
	}
	return rec
}

// received makes one call to api with c and returns the label of the
// credential it carried ("jwt:<scope>" for a valid Video SDK JWT).
func (rec *credRecorder) received(t *testing.T, c *sessionkit.Client, api sessionkit.API) string {
	t.Helper()
	cred := rec.token(t, c, api)
	if claims, ok := credJWTClaims(t, cred); ok {
		return "jwt:" + strings.TrimPrefix(claims.Issuer, "vsdk-key-")
	}
	return cred
}

// token makes one call to api with c and returns the credential it carried.
func (rec *credRecorder) token(t *testing.T, c *sessionkit.Client, api sessionkit.API) string {
	t.Helper()
	require.NoError(t, callPage(context.Background(), c, api), api)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.last[api]
}

// credJWTClaims returns the claims of cred if it is a Video SDK JWT of a
// credItem, checking its signature with the secret of the item's scope.
func credJWTClaims(t *testing.T, cred string) (jwt.RegisteredClaims, bool) {
	t.Helper()
	var claims jwt.RegisteredClaims
	if _, _, err := jwt.NewParser().ParseUnverified(cred, &claims); err != nil {
		return claims, false
	}
	require.NotNil(t, claims.IssuedAt)
	scope := strings.TrimPrefix(claims.Issuer, "vsdk-key-")
	return verifyVideoSDKJWT(t, cred, claims.Issuer, "vsdk-secret-"+scope+"-0123", claims.IssuedAt.Time), true
}

// client builds a client pointed at the recorder's servers with opts.
func (rec *credRecorder) client(t *testing.T, opts ...sessionkit.Option) *sessionkit.Client {
	t.Helper()
	all := []sessionkit.Option{sessionkit.WithWorkspaceID(testWorkspace), sessionkit.WithMaxRetries(0)}
	for _, api := range allAPIs {
		all = append(all, sessionkit.ForAPI(api, sessionkit.WithBaseURL(rec.urls[api])))
	}
	c, err := sessionkit.NewClient(append(all, opts...)...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// TestCredentialPrecedenceOfEveryPair gives every pair of credential
// options and scopes (global, ForAPI(Zoom), ForAPI(Ductape)), in both
// orders, and checks which credential each API sends: within a scope the
// later option wins, WithVideoSDKCredentials given globally applies to Zoom
// only, and an option scoped with ForAPI wins for its API over every
// global one whatever the order. Two options of one API's scope are given
// in one ForAPI and in two.
func TestCredentialPrecedenceOfEveryPair(t *testing.T) {
	rec := newCredRecorder(t)
	items := credItems()
	for _, a := range items {
		for _, b := range items {
			if a == b {
				continue
			}
			forms := map[string][]sessionkit.Option{"": {a.opt(), b.opt()}}
			if a.scope == b.scope && a.scope != credGlobal {
				forms[" in one ForAPI"] = []sessionkit.Option{sessionkit.ForAPI(a.scope, a.bare(), b.bare())}
			}
			for form, opts := range forms {
				t.Run(a.String()+","+b.String()+form, func(t *testing.T) {
					c := rec.client(t, opts...)
					for _, api := range allAPIs {
						assert.Equal(t, wantCredential([]credItem{a, b}, api), rec.received(t, c, api), api)
					}
				})
			}
		}
	}
}

// TestVideoSDKJWTSeesTheFinalLifetimeAndClock: the JWT Zoom receives has
// the lifetime of WithVideoSDKTokenLifetime and the times of the client's
// clock, whether they are given before or after WithVideoSDKCredentials,
// globally or in ForAPI(Zoom, ...).
func TestVideoSDKJWTSeesTheFinalLifetimeAndClock(t *testing.T) {
	rec := newCredRecorder(t)
	clock := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	const lifetime = 17 * time.Minute
	for _, vsdk := range []credItem{{"vsdk", credGlobal}, {"vsdk", sessionkit.Zoom}} {
		for _, lifetimeScope := range []string{"global", "zoom"} {
			for _, order := range []string{"lifetime and clock first", "credentials first"} {
				t.Run(vsdk.String()+"/lifetime@"+lifetimeScope+"/"+order, func(t *testing.T) {
					life := sessionkit.WithVideoSDKTokenLifetime(lifetime)
					if lifetimeScope == "zoom" {
						life = sessionkit.ForAPI(sessionkit.Zoom, life)
					}
					opts := []sessionkit.Option{life, sessionkit.WithTestClock(func() time.Time { return clock }), vsdk.opt()}
					if order == "credentials first" {
						opts = []sessionkit.Option{opts[2], opts[0], opts[1]}
					}
					claims, ok := credJWTClaims(t, rec.token(t, rec.client(t, opts...), sessionkit.Zoom))
					require.True(t, ok, "Zoom receives a JWT")
					assert.Equal(t, vsdk.vsdkKey(), claims.Issuer)
					assert.True(t, clock.Add(-30*time.Second).Equal(claims.IssuedAt.Time), "iat: the client's clock, 30 s back")
					assert.Equal(t, lifetime, claims.ExpiresAt.Sub(claims.IssuedAt.Time), "exp - iat")
				})
			}
		}
	}
	// A lifetime scoped to Zoom wins over a global one, whatever the order,
	// as every scoped option does.
	for _, scopedFirst := range []bool{true, false} {
		t.Run(fmt.Sprintf("scoped and global lifetimes, scoped first %v", scopedFirst), func(t *testing.T) {
			opts := []sessionkit.Option{
				sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithVideoSDKTokenLifetime(lifetime)),
				sessionkit.WithVideoSDKTokenLifetime(time.Hour),
			}
			if !scopedFirst {
				opts[0], opts[1] = opts[1], opts[0]
			}
			claims, ok := credJWTClaims(t, rec.token(t, rec.client(t, append(opts, credItem{"vsdk", credGlobal}.opt())...), sessionkit.Zoom))
			require.True(t, ok)
			assert.Equal(t, lifetime, claims.ExpiresAt.Sub(claims.IssuedAt.Time))
		})
	}
	t.Run("default lifetime", func(t *testing.T) {
		claims, ok := credJWTClaims(t, rec.token(t, rec.client(t, credItem{"vsdk", credGlobal}.opt()), sessionkit.Zoom))
		require.True(t, ok)
		assert.Equal(t, sessionkit.DefaultVideoSDKTokenLifetime, claims.ExpiresAt.Sub(claims.IssuedAt.Time))
	})
}
