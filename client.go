package sessionkit

import (
	"golang.org/x/time/rate"
	"time"

	"github.com/sessionkit/sessionkit-go/internal/engine"
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/traces"
	"github.com/sessionkit/sessionkit-go/users"
)

// Version is the SDK's version, sent in the default User-Agent.
const Version = "0.1.0"

// API names one of the four APIs the client talks to. Its String method
// returns the lower-case name ("ductape", "zoom", "arthur", "monocloud").
type API = engine.API

// The four APIs, for [ForAPI].
const (
	// Ductape is the Ductape sessions API ([sessions.Service.FetchUsers],
	// [sessions.Service.FetchUserDetails]).
	Ductape API = engine.Ductape
	// Zoom is the Zoom Video SDK API ([sessions.Service.ListUsers]).
	Zoom API = engine.Zoom
	// Arthur is the Arthur GenAI Engine API ([traces.Service.Users],
	// [traces.Service.User]).
	Arthur API = engine.Arthur
	// MonoCloud is the MonoCloud management API ([users.Service.Sessions]).
	MonoCloud API = engine.MonoCloud
)

// Client talks to the four APIs. Build one with [NewClient] and share it: it
// is safe for concurrent use.
type Client struct {
	// Sessions calls Ductape's session users and Zoom's Video SDK session
	// users.
	Sessions *sessions.Service
	// Traces calls the Arthur GenAI Engine's trace users.
	Traces *traces.Service
	// Users calls MonoCloud's user sessions.
	Users *users.Service

	common   *engine.Service
	settings *settings // the options NewClient applied, for With; never changed
}

// NewClient returns a [Client] configured by opts. It makes no network call.
// A bad option value gives an error satisfying errors.Is(err,
// [ErrInvalidOptions]) that names the option.
func NewClient(opts ...Option) (*Client, error) {
	s := &settings{
		maxRetries: DefaultMaxRetries,
		retryMin:   DefaultRetryWaitMin,
		retryMax:   DefaultRetryWaitMax,
		userAgent:  "sessionkit-go/" + Version,
	}
	s.target = &s.global
	if err := s.apply(opts); err != nil {
		return nil, err
	}
	cfg, err := s.resolve()
	if err != nil {
		return nil, err
	}
	return newClient(engine.New(cfg), s), nil
}

// newClient returns the Client whose calls e sends; s are its options.
func newClient(e *engine.Client, s *settings) *Client {
	c := &Client{settings: s}
	c.common = engine.NewService(e)
	c.Sessions = (*sessions.Service)(c.common)
	c.Traces = (*traces.Service)(c.common)
	c.Users = (*users.Service)(c.common)
	return c
}

// apply applies opts in order, skipping nil ones.
func (s *settings) apply(opts []Option) error {
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(s); err != nil {
			return err
		}
	}
	return nil
}

// config returns the engine's Config of the settings that apply to the
// whole client (APIs left empty).
func (s *settings) config() engine.Config {
	return engine.Config{
		HTTPClient:     s.httpClient,
		MaxRetries:     s.maxRetries,
		RetryWaitMin:   s.retryMin,
		RetryWaitMax:   s.retryMax,
		AttemptTimeout: s.attemptTimeout,
		Logger:         s.logger,
		UserAgent:      s.userAgent,
		Prefetch:       s.prefetch,
		WorkspaceID:    s.workspaceID,
		Observer:       s.observer,
		Now:            s.now,
	}
}

// resolve merges global and scoped options into the engine's Config.
func (s *settings) resolve() (engine.Config, error) {
	cfg := s.config()
	for _, api := range engine.APIs {
		eff := s.global
		sc := s.scoped[api]
		if sc.baseURL != nil {
			eff.baseURL = sc.baseURL
		}
		if sc.cred[api].set() {
			eff.cred[api] = sc.cred[api]
		}
		if sc.videoSDKLifetime != 0 {
			eff.videoSDKLifetime = sc.videoSDKLifetime
		}
		if sc.limit != nil {
			eff.limit = sc.limit
		}
		ac := &cfg.APIs[api]
		ac.Middleware = s.middleware(api)
		ac.BaseURL = eff.baseURL
		if ac.BaseURL == nil && api.DefaultBaseURL() != "" {
			u, err := parseBaseURL(api.DefaultBaseURL())
			if err != nil {
				return cfg, err
			}
			ac.BaseURL = u
		}
		ac.Credential = eff.cred[api].build(eff.videoSDKLifetime, s.now)
		if eff.limit != nil {
			ac.Limiter = rate.NewLimiter(rate.Limit(eff.limit.rps), eff.limit.burst)
			if eff.limit.burst > 1 {
				// The server's bucket started filling when the first
				// request arrived, a little after it left: start one
				// request short, so that requests arriving bunched do
				// not find it a fraction of a request empty.
				ac.Limiter.AllowN(time.Now(), 1)
			}
		}
	}
	return cfg, nil
}

// CloseIdleConnections closes the idle connections of the client's
// transport (the SDK's own, or the one given with [WithHTTPClient]).
func (c *Client) CloseIdleConnections() { engine.ClientOf(c.common).CloseIdleConnections() }
