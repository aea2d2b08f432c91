package sessionkit

import (
	"slices"

	"github.com/sessionkit/sessionkit-go/internal/engine"
)

// With returns a client that behaves like c with opts applied on top of
// c's options, for one batch job or one call that needs other retries,
// waits or middleware. It makes no network call and never changes c.
//
// The new client shares with c everything that costs to build or must be
// counted once: the connections (c's transport), the rate limiters (both
// clients' requests together stay within WithRateLimit), and the
// credentials, so a Video SDK JWT minted for one is used by the other and
// a token source is asked as before. Both may be used at once from many
// goroutines.
//
// These options may be given: [WithMaxRetries], [WithRetryWait],
// [WithAttemptTimeout], [WithPrefetch], [WithLogger], [WithUserAgent],
// [WithObserver] (which replaces c's) and [WithMiddleware], the latter
// also inside [ForAPI]; middleware given here runs inside c's. The options that c shares cannot change: [WithBaseURL],
// [WithAPIKey], [WithTokenFunc], [WithTokenSource],
// [WithVideoSDKCredentials], [WithVideoSDKTokenLifetime],
// [WithWorkspaceID], [WithHTTPClient] and [WithRateLimit] make With return
// an error satisfying errors.Is(err, [ErrInvalidOptions]) that names the
// option, as does a bad option value; build another client with [NewClient]
// for those.
func (c *Client) With(opts ...Option) (*Client, error) {
	s := c.settings.derive()
	if err := s.apply(opts); err != nil {
		return nil, err
	}
	cfg := s.config()
	for _, api := range engine.APIs {
		cfg.APIs[api].Middleware = s.middleware(api)
	}
	return newClient(engine.ClientOf(c.common).Derive(cfg), s), nil
}

// derive returns a copy of s for Client.With: it refuses the options that
// a derived client shares, and appending to its middleware never writes
// into s's.
func (s *settings) derive() *settings {
	d := *s
	d.target, d.scope, d.deriving = &d.global, "", true
	d.global.middleware = slices.Clip(d.global.middleware)
	for i := range d.scoped {
		d.scoped[i].middleware = slices.Clip(d.scoped[i].middleware)
	}
	return &d
}
