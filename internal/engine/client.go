package engine

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"
)

// APIConfig is the resolved configuration of one API.
type APIConfig struct {
	// BaseURL is the API's base URL; nil when none was configured and the
	// API has no default.
	BaseURL *url.URL
	// Credential supplies the API's secret; nil sends none.
	Credential Credential
	// Limiter, when set, paces every attempt to this API.
	Limiter *rate.Limiter
	// Middleware runs around every request to this API, the first
	// outermost, before the credential is attached.
	Middleware []Middleware

	// pacer is the pacing the API's answers ask for (see pacer); New
	// makes one when it is nil, so a copy of a Client's APIConfig (and a
	// derived Client) shares it.
	pacer *pacer
	// lastCredential is the header value of the latest credential sent
	// (see credentialHeader); New makes it, shared like pacer.
	lastCredential *atomic.Pointer[credentialValue]
}

// Config is everything the engine needs; the root package builds it from
// options.
type Config struct {
	APIs           [numAPIs]APIConfig
	HTTPClient     *http.Client // the caller's client; never mutated
	MaxRetries     int
	RetryWaitMin   time.Duration
	RetryWaitMax   time.Duration
	AttemptTimeout time.Duration
	Logger         *slog.Logger
	UserAgent      string
	Prefetch       int
	WorkspaceID    string
	// Observer, when set, is told about calls, waits and pages.
	Observer Observer
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Client sends requests for every service. It is safe for concurrent use.
type Client struct {
	cfg  Config
	apis [numAPIs]APIConfig
	hc   http.Client           // the caller's settings (jar, redirect policy, timeout) on the SDK's transport
	rc   *retryablehttp.Client // sends every call: hc behind authTransport (see newSender)
	now  func() time.Time
}

// Service is the shared state of every service; the service packages
// define their Service types on it.
type Service struct {
	client *Client
}

// NewService returns the shared service state for c. The root package
// converts it to each service package's Service type.
func NewService(c *Client) *Service { return &Service{client: c} }

// ClientOf returns the Client behind a service. Service packages call it
// as engine.ClientOf((*engine.Service)(s)); the field stays unexported so
// that programs cannot reach the engine through a service.
func ClientOf(s *Service) *Client { return s.client }

// DefaultMaxConnsPerHost bounds the connections the SDK's own transport
// opens to one host (and keeps idle for it).
const DefaultMaxConnsPerHost = 64

// New returns a Client for cfg. It makes no network call.
func New(cfg Config) *Client {
	c := &Client{cfg: cfg, apis: cfg.APIs, now: cfg.Now}
	if c.now == nil {
		c.now = time.Now
	}
	for i := range c.apis {
		if c.apis[i].pacer == nil {
			c.apis[i].pacer = newPacer(c.now, c.apis[i].Limiter != nil)
		}
		if c.apis[i].lastCredential == nil {
			c.apis[i].lastCredential = new(atomic.Pointer[credentialValue])
		}
	}
	var transport http.RoundTripper
	if cfg.HTTPClient != nil {
		transport = cfg.HTTPClient.Transport
	}
	if transport == nil {
		transport = defaultTransport()
	}
	c.hc = httpClient(cfg, transport)
	c.rc = newSender(c.hc)
	return c
}

// httpClient returns the settings of the caller's client of cfg (never
// mutated), if any, sending on transport.
func httpClient(cfg Config, transport http.RoundTripper) http.Client {
	var hc http.Client
	if cfg.HTTPClient != nil {
		hc = http.Client{
			CheckRedirect: cfg.HTTPClient.CheckRedirect,
			Jar:           cfg.HTTPClient.Jar,
			Timeout:       cfg.HTTPClient.Timeout,
		}
	}
	hc.Transport = transport
	hc.CheckRedirect = capRedirects(hc.CheckRedirect)
	if cfg.AttemptTimeout > 0 {
		// Each attempt gets its own deadline instead (see startAttempt),
		// which does not count the rate limiter's wait.
		hc.Timeout = 0
	}
	return hc
}

func defaultTransport() http.RoundTripper {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   30 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          4 * DefaultMaxConnsPerHost,
		MaxIdleConnsPerHost:   DefaultMaxConnsPerHost,
		MaxConnsPerHost:       DefaultMaxConnsPerHost,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: 1 * time.Second,
	}
}

// maxRedirects is how many redirects one attempt follows.
const maxRedirects = 10

var errTooManyRedirects = errors.New("stopped after 10 redirects")

// capRedirects returns a redirect policy that asks the caller's policy
// (nil: follow), then stops after maxRedirects whatever it said: a
// caller's policy that always allows cannot make one attempt loop.
func capRedirects(caller func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if caller != nil {
			if err := caller(req, via); err != nil {
				return err
			}
		}
		if len(via) >= maxRedirects {
			return errTooManyRedirects
		}
		return nil
	}
}

// Prefetch returns the configured prefetch depth.
func (c *Client) Prefetch() int { return c.cfg.Prefetch }

// WorkspaceID returns the configured Ductape workspace ID.
func (c *Client) WorkspaceID() string { return c.cfg.WorkspaceID }

// BaseURL returns the configured base URL of api, or nil.
func (c *Client) BaseURL(api API) *url.URL {
	if u := c.apis[api].BaseURL; u != nil {
		cp := *u
		return &cp
	}
	return nil
}

// CloseIdleConnections closes idle connections of the SDK's transport.
func (c *Client) CloseIdleConnections() { c.hc.CloseIdleConnections() }
