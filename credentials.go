package sessionkit

import (
	"time"

	"github.com/sessionkit/sessionkit-go/internal/engine"
)

// DefaultVideoSDKTokenLifetime is the lifetime (exp − iat) of the Video
// SDK API JWTs that WithVideoSDKCredentials mints, unless
// WithVideoSDKTokenLifetime says otherwise: one hour, the longest Zoom
// suggests.
const DefaultVideoSDKTokenLifetime = engine.VideoSDKTokenLifetime

// credFunc builds the credential of one API when NewClient resolves its
// options.
type credFunc = func(api API) (engine.Credential, error)

// WithVideoSDKCredentials makes the client authenticate to Zoom's Video SDK
// API with a JWT it mints from the account's Video SDK API key and secret:
// HS256, iss = apiKey, iat (30 seconds in the past, to allow for clock
// skew) and exp = iat + the lifetime (DefaultVideoSDKTokenLifetime, see
// WithVideoSDKTokenLifetime). The token is reused by every request and
// goroutine and minted again shortly before it expires (a quarter of the
// lifetime, at most 5 minutes, ahead of exp), once per renewal however
// many goroutines need it; when Zoom answers 401 the token is minted again
// and the request retried once. The secret and the tokens are never
// logged, never put in error texts and never sent to another origin.
//
// It applies to Zoom only. Given globally, the other APIs keep the global
// credential (WithAPIKey, WithTokenFunc or WithTokenSource) given before
// it; a global credential option given after it replaces it for Zoom too,
// as options of one scope apply in order; and a credential scoped with
// ForAPI(Zoom, ...) replaces it whatever the order. Inside ForAPI(Zoom, ...) it replaces any other credential
// for Zoom, global or scoped before it. Inside ForAPI of another API, or
// with a key or secret shorter than MinCredentialLength bytes (empty
// included), NewClient fails with ErrInvalidOptions. The key and the
// secret are redacted from error texts and logs like the tokens.
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
			return invalid(s.optionName(name), "the API key is %d bytes long; at least %d (MinCredentialLength) are required", len(apiKey), engine.MinCredentialLen)
		case len(apiSecret) < engine.MinCredentialLen:
			return invalid(s.optionName(name), "the API secret is %d bytes long; at least %d (MinCredentialLength) are required", len(apiSecret), engine.MinCredentialLen)
		}
		cred := func(API) (engine.Credential, error) {
			return engine.NewVideoSDKJWT(apiKey, apiSecret, s.videoSDKLifetime, s.now), nil
		}
		if s.target == &s.global {
			s.videoSDK = cred
			s.global.cred = s.globalCredential
			return nil
		}
		s.target.cred = cred
		return nil
	})
}

// WithVideoSDKTokenLifetime sets the lifetime (exp − iat) of the JWTs that
// WithVideoSDKCredentials mints: at least one minute, at most one hour
// (the default, DefaultVideoSDKTokenLifetime). It may be given globally or
// inside ForAPI(Zoom, ...), before or after WithVideoSDKCredentials; an
// out-of-range value, or scoping it to another API, makes NewClient fail
// with ErrInvalidOptions.
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
		s.videoSDKLifetime = d
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

// setCredential stores a credential option in the current scope. Given
// globally it replaces every earlier global credential option, a global
// WithVideoSDKCredentials included (options of one scope apply in order).
func (s *settings) setCredential(cred credFunc) {
	if s.target != &s.global {
		s.target.cred = cred
		return
	}
	s.globalCred = cred
	s.videoSDK = nil
	s.global.cred = s.globalCredential
}

// globalCredential is the global credential slot once a global credential
// option was given: Zoom gets the global WithVideoSDKCredentials, if any;
// every API otherwise gets the global WithAPIKey, WithTokenFunc or
// WithTokenSource, if any.
func (s *settings) globalCredential(api API) (engine.Credential, error) {
	if api == Zoom && s.videoSDK != nil {
		return s.videoSDK(api)
	}
	if s.globalCred != nil {
		return s.globalCred(api)
	}
	return nil, nil
}
