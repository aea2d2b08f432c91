package engine

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Limits and defaults of the Zoom Video SDK API JWT.
const (
	// VideoSDKTokenLifetime is the default lifetime of a minted JWT (exp −
	// iat), the longest Zoom suggests.
	VideoSDKTokenLifetime = time.Hour
	// MinVideoSDKTokenLifetime is the shortest lifetime accepted: below
	// it, the clock-skew allowance and the renewal margin would leave no
	// time to use the token.
	MinVideoSDKTokenLifetime = time.Minute
	// MaxVideoSDKTokenLifetime is the longest lifetime accepted.
	MaxVideoSDKTokenLifetime = time.Hour

	// jwtClockSkew is how far iat is set in the past, so that a server
	// whose clock is a little behind ours does not see a token issued in
	// its future (Zoom's own samples do the same).
	jwtClockSkew = 30 * time.Second
	// jwtMaxRenewMargin caps how long before exp a token is replaced.
	jwtMaxRenewMargin = 5 * time.Minute
)

// VideoSDKJWT is the credential of Zoom's Video SDK API: an HS256 JWT with
// iss = API key, iat and exp, signed with the API secret. It mints a token
// on first use, hands the same token to every request and goroutine, and
// mints a new one when the cached one is within its renewal margin of exp
// (a quarter of the lifetime, at most 5 minutes) or after the API rejected
// it with 401. Minting happens under a mutex, so goroutines that need a
// token at the same moment share one mint. It is safe for concurrent use;
// printing it shows no secret.
type VideoSDKJWT struct {
	key, secret string
	lifetime    time.Duration
	now         func() time.Time

	mu      sync.Mutex
	token   string
	renewAt time.Time // when the cached token stops being handed out

	// onMint, when set (by tests), is called at the start of every mint.
	onMint func()
}

// NewVideoSDKJWT returns the credential for the given API key and secret.
// lifetime is exp − iat of each token (VideoSDKTokenLifetime when 0); now
// is the clock (time.Now when nil). The caller validates key, secret and
// lifetime.
func NewVideoSDKJWT(key, secret string, lifetime time.Duration, now func() time.Time) *VideoSDKJWT {
	if lifetime <= 0 {
		lifetime = VideoSDKTokenLifetime
	}
	if now == nil {
		now = time.Now
	}
	return &VideoSDKJWT{key: key, secret: secret, lifetime: lifetime, now: now}
}

// renewMargin is how long before exp a token is replaced.
func (j *VideoSDKJWT) renewMargin() time.Duration {
	return min(jwtMaxRenewMargin, j.lifetime/4)
}

// Token returns the cached JWT, minting a new one when there is none or
// the cached one is about to expire.
func (j *VideoSDKJWT) Token(context.Context) (string, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	now := j.now()
	if j.token != "" && now.Before(j.renewAt) {
		return j.token, nil
	}
	tok, exp, err := j.mint(now)
	if err != nil {
		return "", err
	}
	j.token, j.renewAt = tok, exp.Add(-j.renewMargin())
	return tok, nil
}

// Renew drops the cached token if it is the one the API rejected, so the
// next Token call mints a new one. When several requests were rejected with
// the same token, only the first Renew has an effect: the others find a
// newer token already cached (or about to be) and keep it.
func (j *VideoSDKJWT) Renew(rejected string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.token != "" && j.token == rejected {
		j.token, j.renewAt = "", time.Time{}
	}
}

// mint signs a new token issued at now (minus the skew allowance). The
// error never contains the secret.
func (j *VideoSDKJWT) mint(now time.Time) (string, time.Time, error) {
	if j.onMint != nil {
		j.onMint()
	}
	iat := now.Add(-jwtClockSkew).Truncate(time.Second)
	exp := iat.Add(j.lifetime)
	claims := jwt.RegisteredClaims{
		Issuer:    j.key,
		IssuedAt:  jwt.NewNumericDate(iat),
		ExpiresAt: jwt.NewNumericDate(exp),
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(j.secret))
	if err != nil {
		return "", time.Time{}, fmt.Errorf("minting the Video SDK JWT: %w", err)
	}
	return tok, exp, nil
}

// String hides the key, the secret and the cached token.
// secrets returns the key and the secret: the key travels inside every
// token (iss), so a server may echo it.
func (j *VideoSDKJWT) secrets() []string { return []string{j.key, j.secret} }

func (j *VideoSDKJWT) String() string { return "engine.VideoSDKJWT{[REDACTED]}" }

// GoString hides the key, the secret and the cached token from %#v.
func (j *VideoSDKJWT) GoString() string { return j.String() }

// LogValue hides the key, the secret and the cached token from slog.
func (j *VideoSDKJWT) LogValue() slog.Value { return slog.StringValue(j.String()) }
