package engine

// Derive returns a client that sends like c except for the per-call
// settings, which it takes from cfg: MaxRetries, RetryWaitMin,
// RetryWaitMax, AttemptTimeout, Logger, UserAgent, Prefetch, Observer and
// each API's Middleware. Everything else of cfg is ignored: the new client shares c's
// transport (so its connections), base URLs, credentials (so any minted
// token), rate limiters, HTTP client settings, workspace and clock, and
// whatever other state c holds. c is not changed; both stay safe for
// concurrent use.
func (c *Client) Derive(cfg Config) *Client {
	d := *c
	d.cfg.MaxRetries = cfg.MaxRetries
	d.cfg.RetryWaitMin, d.cfg.RetryWaitMax = cfg.RetryWaitMin, cfg.RetryWaitMax
	d.cfg.AttemptTimeout = cfg.AttemptTimeout
	d.cfg.Logger = cfg.Logger
	d.cfg.UserAgent = cfg.UserAgent
	d.cfg.Prefetch = cfg.Prefetch
	d.cfg.Observer = cfg.Observer
	for _, api := range APIs {
		d.apis[api].Middleware = cfg.APIs[api].Middleware
		d.cfg.APIs[api].Middleware = cfg.APIs[api].Middleware
	}
	d.hc = httpClient(d.cfg, c.hc.Transport)
	d.rc = newSender(d.hc)
	return &d
}
