package sessionkit

import (
	"time"

	"github.com/sessionkit/sessionkit-go/internal/engine"
)

// DefaultVideoSDKTokenLifetime is the lifetime (exp − iat) of the Video
// SDK API JWTs that [WithVideoSDKCredentials] mints, unless
// [WithVideoSDKTokenLifetime] says otherwise: one hour, the longest Zoom
// suggests.
const DefaultVideoSDKTokenLifetime = engine.VideoSDKTokenLifetime

// credential is the credential one scope gives one API: the last
// credential option of the scope that applies to the API. The zero value
// means "not set".
type credential struct {
	// token is the credential of WithAPIKey, WithTokenFunc or
	// WithTokenSource.
	token engine.Credential
	// videoSDKKey and videoSDKSecret are those of WithVideoSDKCredentials:
	// NewClient mints the JWTs from them with the final lifetime and clock.
	videoSDKKey, videoSDKSecret string
}

func (c credential) set() bool { return c.token != nil || c.videoSDKKey != "" }

// build returns the engine's credential: nil if c is not set.
func (c credential) build(lifetime time.Duration, now func() time.Time) engine.Credential {
	if c.videoSDKKey != "" {
		return engine.NewVideoSDKJWT(c.videoSDKKey, c.videoSDKSecret, lifetime, now)
	}
	return c.token
}

// WithVideoSDKCredentials makes the client authenticate to Zoom's Video SDK
// API with a JWT it mints from the account's Video SDK API key and secret:
// HS256, iss = apiKey, iat (30 seconds in the past, to allow for clock
// skew) and exp = iat + the lifetime ([DefaultVideoSDKTokenLifetime], see
// [WithVideoSDKTokenLifetime]). The token is reused by every request and
// goroutine and minted again shortly before it expires (a quarter of the
// lifetime, at most 5 minutes, ahead of exp), once per renewal however
// many goroutines need it; when Zoom answers 401 the token is minted again
// and the request retried once. The secret and the tokens are never
// logged, never put in error texts and never sent to another origin.
//
// It sets Zoom's credential only, globally or inside ForAPI(Zoom, ...);
// given globally, the other APIs keep theirs (see [ForAPI] for how
// credential options combine). Inside ForAPI of another API, or with a
// key or secret shorter than [MinCredentialLength] bytes (empty included),
// [NewClient] fails with [ErrInvalidOptions]. The key and the secret are
// redacted from error texts and logs like the tokens.
func WithVideoSDKCredentials(apiKey, apiSecret string) Option {
	return fixed("WithVideoSDKCredentials", func(s *settings) error {
		const name = "WithVideoSDKCredentials"
		if err := s.zoomOnly(name); err != nil {
			return err
		}
		switch {
		case apiKey == "":
			return invalid(name, "API key is empty")
		case apiSecret == "":
			return invalid(name, "API secret is empty")
		case len(apiKey) < engine.MinCredentialLen:
			return invalid(s.optionName(name), "the API key is %s long; at least %d (MinCredentialLength) are required", engine.ByteCount(len(apiKey)), engine.MinCredentialLen)
		case len(apiSecret) < engine.MinCredentialLen:
			return invalid(s.optionName(name), "the API secret is %s long; at least %d (MinCredentialLength) are required", engine.ByteCount(len(apiSecret)), engine.MinCredentialLen)
		}
		s.target.cred[Zoom] = credential{videoSDKKey: apiKey, videoSDKSecret: apiSecret}
		return nil
	})
}

// WithVideoSDKTokenLifetime sets the lifetime (exp − iat) of the JWTs that
// [WithVideoSDKCredentials] mints: at least one minute, at most one hour
// (the default, [DefaultVideoSDKTokenLifetime]). It may be given globally
// or inside ForAPI(Zoom, ...), before or after WithVideoSDKCredentials; an
// out-of-range value, or scoping it to another API, makes [NewClient] fail
// with [ErrInvalidOptions].
func WithVideoSDKTokenLifetime(d time.Duration) Option {
	return fixed("WithVideoSDKTokenLifetime", func(s *settings) error {
		const name = "WithVideoSDKTokenLifetime"
		if err := s.zoomOnly(name); err != nil {
			return err
		}
		if d < engine.MinVideoSDKTokenLifetime || d > engine.MaxVideoSDKTokenLifetime {
			return invalid(name, "must be between %s and %s, got %s",
				engine.MinVideoSDKTokenLifetime, engine.MaxVideoSDKTokenLifetime, d)
		}
		s.target.videoSDKLifetime = d
		return nil
	})
}

// zoomOnly rejects an option given inside ForAPI of an API other than Zoom.
func (s *settings) zoomOnly(name string) error {
	if s.target != &s.global && s.target != &s.scoped[Zoom] {
		return invalid(name, "applies to Zoom only; it cannot be scoped with ForAPI(%s, ...)", s.scope)
	}
	return nil
}

// setCredential makes tok the credential of every API of the current
// scope: of each API globally, of ForAPI's own inside ForAPI.
func (s *settings) setCredential(tok engine.Credential) {
	for api := range s.target.cred {
		s.target.cred[api] = credential{token: tok}
	}
}
