package engine

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	jwtTestKey    = "vsdk-key-4b1d"
	jwtTestSecret = "vsdk-secret-9f3e-do-not-leak"
)

// jwtClock is a settable clock, safe for concurrent use.
type jwtClock struct {
	mu sync.Mutex
	t  time.Time
}

func newJWTClock() *jwtClock {
	return &jwtClock{t: time.Date(2025, 3, 14, 15, 9, 26, 535_000_000, time.UTC)}
}

func (c *jwtClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *jwtClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// countMints installs a mint counter on j.
func countMints(j *VideoSDKJWT) *atomic.Int64 {
	var n atomic.Int64
	j.onMint = func() { n.Add(1) }
	return &n
}

// parseVideoSDKJWT verifies tok with secret at time now and returns its
// header and claims.
func parseVideoSDKJWT(t *testing.T, tok, secret string, now time.Time) (map[string]any, jwt.MapClaims) {
	t.Helper()
	claims := jwt.MapClaims{}
	parsed, err := jwt.ParseWithClaims(tok, claims, func(*jwt.Token) (any, error) { return []byte(secret), nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired(), jwt.WithIssuedAt(),
		jwt.WithTimeFunc(func() time.Time { return now }))
	require.NoError(t, err)
	require.True(t, parsed.Valid)
	return parsed.Header, claims
}

func TestVideoSDKJWTClaims(t *testing.T) {
	clock := newJWTClock()
	now := clock.Now()
	iat := now.Add(-30 * time.Second).Truncate(time.Second)
	tests := []struct {
		name     string
		lifetime time.Duration
		wantExp  time.Time
	}{
		{"default lifetime", 0, iat.Add(time.Hour)},
		{"one hour", time.Hour, iat.Add(time.Hour)},
		{"ten minutes", 10 * time.Minute, iat.Add(10 * time.Minute)},
		{"one minute", time.Minute, iat.Add(time.Minute)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			j := NewVideoSDKJWT(jwtTestKey, jwtTestSecret, tc.lifetime, clock.Now)
			tok, err := j.Token(context.Background())
			require.NoError(t, err)

			header, claims := parseVideoSDKJWT(t, tok, jwtTestSecret, now)
			assert.Equal(t, "HS256", header["alg"])
			assert.Equal(t, "JWT", header["typ"])
			iss, err := claims.GetIssuer()
			require.NoError(t, err)
			assert.Equal(t, jwtTestKey, iss)
			gotIat, err := claims.GetIssuedAt()
			require.NoError(t, err)
			require.NotNil(t, gotIat)
			assert.Equal(t, iat.Unix(), gotIat.Unix(), "iat is now minus the 30 s skew allowance")
			gotExp, err := claims.GetExpirationTime()
			require.NoError(t, err)
			require.NotNil(t, gotExp)
			assert.Equal(t, tc.wantExp.Unix(), gotExp.Unix())
			assert.LessOrEqual(t, gotExp.Sub(gotIat.Time), time.Hour, "Zoom: exp at most one hour after iat")
			assert.True(t, gotExp.After(now), "valid when minted")
			assert.Len(t, claims, 3, "only iss, iat and exp: %v", claims)

			// The signature holds only for the right secret.
			_, err = jwt.Parse(tok, func(*jwt.Token) (any, error) { return []byte("another-secret"), nil },
				jwt.WithTimeFunc(func() time.Time { return now }))
			require.ErrorIs(t, err, jwt.ErrTokenSignatureInvalid)
		})
	}
}

func TestVideoSDKJWTRenewsBeforeExpiry(t *testing.T) {
	tests := []struct {
		name     string
		lifetime time.Duration
		margin   time.Duration // how long before exp a new token is minted
	}{
		{"one hour renews 5 min early", time.Hour, 5 * time.Minute},
		{"ten minutes renews 2.5 min early", 10 * time.Minute, 150 * time.Second},
		{"one minute renews 15 s early", time.Minute, 15 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock := newJWTClock()
			j := NewVideoSDKJWT(jwtTestKey, jwtTestSecret, tc.lifetime, clock.Now)
			mints := countMints(j)
			ctx := context.Background()

			first, err := j.Token(ctx)
			require.NoError(t, err)
			_, claims := parseVideoSDKJWT(t, first, jwtTestSecret, clock.Now())
			exp, err := claims.GetExpirationTime()
			require.NoError(t, err)
			renewAt := exp.Add(-tc.margin)

			// Reused until the margin: no new mint.
			for _, at := range []time.Time{clock.Now(), clock.Now().Add(time.Second), renewAt.Add(-time.Second)} {
				clock.Set(at)
				tok, err := j.Token(ctx)
				require.NoError(t, err)
				require.Equal(t, first, tok, "at %s the cached token is reused", at)
			}
			require.EqualValues(t, 1, mints.Load())

			// From the margin on, a new token, still before the old one expires.
			clock.Set(renewAt)
			require.True(t, clock.Now().Before(exp.Time))
			second, err := j.Token(ctx)
			require.NoError(t, err)
			require.NotEqual(t, first, second)
			require.EqualValues(t, 2, mints.Load())
			_, claims2 := parseVideoSDKJWT(t, second, jwtTestSecret, clock.Now())
			exp2, err := claims2.GetExpirationTime()
			require.NoError(t, err)
			assert.True(t, exp2.After(exp.Time))

			// And that one is cached in turn.
			tok, err := j.Token(ctx)
			require.NoError(t, err)
			require.Equal(t, second, tok)
			require.EqualValues(t, 2, mints.Load())
		})
	}
}

func TestVideoSDKJWTConcurrentMintsOnce(t *testing.T) {
	const goroutines = 50
	clock := newJWTClock()
	j := NewVideoSDKJWT(jwtTestKey, jwtTestSecret, time.Hour, clock.Now)
	var mints atomic.Int64
	j.onMint = func() {
		mints.Add(1)
		time.Sleep(5 * time.Millisecond) // widen the window in which others arrive
	}

	race := func() []string {
		var wg sync.WaitGroup
		start := make(chan struct{})
		toks := make([]string, goroutines)
		errs := make([]error, goroutines)
		for i := range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				toks[i], errs[i] = j.Token(context.Background())
			}()
		}
		close(start)
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		return toks
	}
	same := func(toks []string) {
		for _, tok := range toks {
			require.Equal(t, toks[0], tok)
		}
	}

	cold := race() // no token yet
	same(cold)
	require.EqualValues(t, 1, mints.Load(), "first use: one mint for 50 goroutines")

	clock.Set(clock.Now().Add(time.Hour)) // at expiry
	renewed := race()
	same(renewed)
	require.NotEqual(t, cold[0], renewed[0])
	require.EqualValues(t, 2, mints.Load(), "at expiry: one more mint for 50 goroutines")
}

func TestVideoSDKJWTRenew(t *testing.T) {
	clock := newJWTClock()
	j := NewVideoSDKJWT(jwtTestKey, jwtTestSecret, time.Hour, clock.Now)
	mints := countMints(j)
	ctx := context.Background()
	var _ Renewer = j

	first, err := j.Token(ctx)
	require.NoError(t, err)
	clock.Set(clock.Now().Add(2 * time.Second)) // a new iat, so a new token

	// Renewing with a token that is not the cached one changes nothing.
	for _, stale := range []string{"", "some-other-token"} {
		j.Renew(stale)
		tok, err := j.Token(ctx)
		require.NoError(t, err)
		require.Equal(t, first, tok)
	}
	require.EqualValues(t, 1, mints.Load())

	// Renewing the rejected token mints a new one on the next Token call.
	j.Renew(first)
	second, err := j.Token(ctx)
	require.NoError(t, err)
	require.NotEqual(t, first, second)
	require.EqualValues(t, 2, mints.Load())

	// Several requests rejected with the first token: the newer one stays.
	j.Renew(first)
	tok, err := j.Token(ctx)
	require.NoError(t, err)
	require.Equal(t, second, tok)
	require.EqualValues(t, 2, mints.Load())
}

func TestSecretsHiddenWhenPrinted(t *testing.T) {
	j := NewVideoSDKJWT(jwtTestKey, jwtTestSecret, time.Hour, nil)
	tok, err := j.Token(context.Background())
	require.NoError(t, err)
	const staticKey = "static-key-7c21-do-not-leak"
	var cfg Config
	cfg.APIs[Zoom].Credential = j
	cfg.APIs[Ductape].Credential = StaticKey(staticKey)

	var logs bytes.Buffer
	l := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	l.Debug("cred", "jwt", j, "key", StaticKey(staticKey), "zoom", cfg.APIs[Zoom].Credential)
	tl := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	tl.Debug("cred", "jwt", j, "key", StaticKey(staticKey), "cfg", cfg)

	outputs := map[string]string{
		"%v":   fmt.Sprintf("%v", j),
		"%+v":  fmt.Sprintf("%+v", j),
		"%#v":  fmt.Sprintf("%#v", j),
		"%s":   fmt.Sprintf("%s %q", j, j),
		"key":  fmt.Sprintf("%v %+v %#v %s", StaticKey(staticKey), StaticKey(staticKey), StaticKey(staticKey), StaticKey(staticKey)),
		"cfg":  fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg),
		"logs": logs.String(),
	}
	for name, out := range outputs {
		for _, secret := range []string{jwtTestSecret, tok, staticKey, jwtTestKey} {
			assert.NotContains(t, out, secret, name)
		}
	}
	assert.Contains(t, outputs["%v"], "REDACTED")
}
