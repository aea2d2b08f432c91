package sessionkit

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/sessionkit/sessionkit-go/internal/engine"
)

// Option configures a [Client]. Options apply in order, a later one
// overriding an earlier one of the same scope; an option scoped to one API
// with [ForAPI] always wins, for that API, over the same option given
// globally.
type Option func(*settings) error

// Default values of the retry options.
const (
	DefaultMaxRetries   = 3
	DefaultRetryWaitMin = 500 * time.Millisecond
	DefaultRetryWaitMax = 30 * time.Second
	// MaxPrefetch is the largest value [WithPrefetch] accepts.
	MaxPrefetch = 64
)

// perAPI holds the options that ForAPI can scope. The zero value means
// "not set".
type perAPI struct {
	baseURL *url.URL
	// cred is the credential of each API (see credentials.go); inside
	// ForAPI(api, ...) only cred[api] is read.
	cred             [len(engine.APIs)]credential
	videoSDKLifetime time.Duration // Zoom's only (WithVideoSDKTokenLifetime)
	limit            *rateLimit
	middleware       []Middleware // accumulates: every WithMiddleware of the scope, in order
}

type rateLimit struct {
	rps   float64
	burst int
}

// settings collects options before NewClient validates and resolves them.
type settings struct {
	global perAPI
	scoped [len(engine.APIs)]perAPI
	// target is where scopable options write: &global, or one API's entry
	// while ForAPI applies its options.
	target *perAPI
	scope  string
	// deriving is set while Client.With applies its options: the options
	// that fixed() wraps refuse to run.
	deriving bool

	httpClient     *http.Client
	maxRetries     int
	retryMin       time.Duration
	retryMax       time.Duration
	attemptTimeout time.Duration
	logger         *slog.Logger
	userAgent      string
	prefetch       int
	workspaceID    string
	now            func() time.Time
	observer       engine.Observer
}

func invalid(option, format string, args ...any) error {
	return engine.Invalidf("%s: "+format, append([]any{option}, args...)...)
}

// optionName returns the name of an option as given: "WithAPIKey", or inside
// ForAPI "ForAPI(arthur, WithAPIKey)".
func (s *settings) optionName(name string) string {
	if s.scope == "" {
		return name
	}
	return "ForAPI(" + s.scope + ", " + name + ")"
}

// globalOnly wraps an option that ForAPI cannot scope.
func globalOnly(name string, apply func(*settings) error) Option {
	return func(s *settings) error {
		if s.scope != "" {
			return invalid(name, "cannot be scoped with ForAPI(%s, ...): it applies to the whole client", s.scope)
		}
		return apply(s)
	}
}

// fixed wraps an option whose setting a client derived with Client.With
// shares with the original, so that With cannot change it.
func fixed(name string, apply Option) Option {
	return func(s *settings) error {
		if s.deriving {
			return invalid(s.optionName(name), "cannot be changed by Client.With: the derived client shares the original's base URLs, credentials, workspace, HTTP client and rate limits; build another client with NewClient")
		}
		return apply(s)
	}
}

// ForAPI applies opts to one API only. For that API they win over the same
// options given globally, whatever the order. [WithBaseURL], [WithAPIKey],
// [WithTokenFunc], [WithTokenSource], [WithRateLimit], [WithMiddleware]
// and (for Zoom only) [WithVideoSDKCredentials] and
// [WithVideoSDKTokenLifetime] can be scoped; scoping any other option, or
// nesting ForAPI, makes [NewClient] fail with [ErrInvalidOptions].
//
// The credential options, [WithAPIKey], [WithTokenFunc], [WithTokenSource]
// and [WithVideoSDKCredentials], count as one option: each gives the APIs
// it applies to their credential in its scope, replacing the one an
// earlier credential option of that scope gave them.
// WithVideoSDKCredentials applies to Zoom only, the others to every API of
// their scope. So a global WithAPIKey, WithTokenFunc or WithTokenSource
// given before a global WithVideoSDKCredentials stays the other APIs'
// credential, and one given after it replaces it for Zoom too; and for one
// API, a credential scoped with ForAPI wins over the global one whatever
// the order (a scoped base URL, rate limit or token lifetime alone keeps
// the global credential). The JWTs get the lifetime of
// [WithVideoSDKTokenLifetime] whether it is given before or after
// WithVideoSDKCredentials. [Client.With] cannot change any of them.
func ForAPI(api API, opts ...Option) Option {
	return func(s *settings) error {
		if s.scope != "" {
			return invalid("ForAPI", "cannot be nested inside ForAPI(%s, ...)", s.scope)
		}
		if !api.Valid() {
			return invalid("ForAPI", "unknown API %v", api)
		}
		s.target, s.scope = &s.scoped[api], api.String()
		defer func() { s.target, s.scope = &s.global, "" }()
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
}

// WithBaseURL sets the base URL: of every API, or of one inside [ForAPI]. It
// must be an absolute http or https URL without user info, query or
// fragment; it may carry a path prefix, with or without a trailing slash.
func WithBaseURL(baseURL string) Option {
	return fixed("WithBaseURL", func(s *settings) error {
		u, err := parseBaseURL(baseURL)
		if err != nil {
			return err
		}
		s.target.baseURL = u
		return nil
	})
}

func parseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, invalid("WithBaseURL", "cannot parse the base URL: %v", stripURLError(err))
	}
	shown := engine.RedactURL(u) // the value as given, without user info, query or fragment
	switch {
	case raw == "":
		return nil, invalid("WithBaseURL", "the base URL is empty: give an absolute URL such as https://api.example.com")
	case u.Opaque != "" && (u.Opaque[0] < '0' || u.Opaque[0] > '9'): // mailto:x, not host:port
		return nil, engine.Invalidf("WithBaseURL: scheme %q is not http or https: give an absolute URL such as https://api.example.com", u.Scheme)
	case !strings.Contains(raw, "://"):
		return nil, missingScheme(raw, u)
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, engine.Invalidf("WithBaseURL %q: scheme %q is not http or https", shown, u.Scheme)
	case u.Host == "":
		return nil, engine.Invalidf("WithBaseURL %q: missing host: use %s://<host>%s", u.Scheme+"://"+u.EscapedPath(), u.Scheme, u.EscapedPath())
	case u.User != nil:
		return nil, engine.Invalidf("WithBaseURL %q: must not carry user info: give the credential with WithAPIKey", shown)
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return nil, engine.Invalidf("WithBaseURL %q: must not carry a query or fragment", shown)
	}
	return u, nil
}

// missingScheme explains a base URL given without "scheme://" (u is raw
// parsed), suggesting the https URL it probably meant.
func missingScheme(raw string, u *url.URL) error {
	if raw[0] == '/' {
		p := u.EscapedPath()
		return engine.Invalidf("WithBaseURL %q: missing scheme and host: give an absolute URL such as https://api.example.com%s", p, p)
	}
	guess, err := url.Parse("https://" + raw)
	if err != nil || guess.Host == "" {
		return engine.Invalidf("WithBaseURL: missing scheme: give an absolute URL such as https://api.example.com")
	}
	shown := strings.TrimPrefix(engine.RedactURL(guess), "https://")
	return engine.Invalidf("WithBaseURL %q: missing scheme: use https://%s", shown, shown)
}

// stripURLError drops the echoed input from a url.Parse error, which could
// contain a secret.
func stripURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// WithAPIKey sets the static credential: of every API, or of one inside
// [ForAPI] (which says how credential options combine). Ductape, Zoom and
// Arthur receive it as "Authorization: Bearer <key>", MonoCloud as
// "X-API-KEY: <key>". A key shorter than [MinCredentialLength] bytes makes
// [NewClient] fail with [ErrInvalidOptions], the error naming WithAPIKey
// (and its ForAPI scope).
func WithAPIKey(key string) Option {
	return fixed("WithAPIKey", func(s *settings) error {
		if len(key) < engine.MinCredentialLen {
			return invalid(s.optionName("WithAPIKey"), "the key is %s long; at least %d (MinCredentialLength) are required, so that it can be redacted from error texts and logs",
				engine.ByteCount(len(key)), engine.MinCredentialLen)
		}
		s.setCredential(engine.StaticKey(key))
		return nil
	})
}

// WithTokenFunc makes the credential come from fn, asked before every
// attempt, so a retry after a long wait sends a fresh secret: of every
// API, or of one inside [ForAPI] (which says how credential options
// combine). When the API answers 401, fn is asked again and the request
// retried once. When fn returns an empty credential or one shorter than
// [MinCredentialLength] bytes, the attempt fails with an error wrapping
// [ErrInvalidCredential] before anything is sent, and is not retried.
func WithTokenFunc(fn func(ctx context.Context) (string, error)) Option {
	return fixed("WithTokenFunc", func(s *settings) error {
		if fn == nil {
			return invalid("WithTokenFunc", "function is nil")
		}
		s.setCredential(engine.TokenFunc(fn))
		return nil
	})
}

// WithTokenSource makes the credential come from an [oauth2.TokenSource]
// (or anything with its Token method), of every API or of one inside
// [ForAPI] (which says how credential options combine); the access token
// is sent the way the API expects a key. Wrap it in
// [oauth2.ReuseTokenSource] to cache it. It is asked before every attempt;
// after a 401 it is asked again and the request retried once (a caching
// source hands back the same token until it expires). An empty access
// token, or one shorter than [MinCredentialLength] bytes, fails the
// attempt as [WithTokenFunc] does.
func WithTokenSource(ts oauth2.TokenSource) Option {
	return fixed("WithTokenSource", func(s *settings) error {
		if ts == nil {
			return invalid("WithTokenSource", "token source is nil")
		}
		fn := func(context.Context) (string, error) {
			tok, err := ts.Token()
			if err != nil {
				return "", err
			}
			if tok == nil {
				return "", nil // refused as empty before anything is sent
			}
			return tok.AccessToken, nil
		}
		s.setCredential(engine.TokenFunc(fn))
		return nil
	})
}

// WithWorkspaceID sets the Ductape workspace, part of every Ductape path.
// It must not be "." or ".." nor contain "/".
func WithWorkspaceID(id string) Option {
	return fixed("WithWorkspaceID", globalOnly("WithWorkspaceID", func(s *settings) error {
		if id == "." || id == ".." || strings.Contains(id, "/") {
			return invalid("WithWorkspaceID", "workspace ID %q must not be a dot-segment or contain '/'", id)
		}
		s.workspaceID = id
		return nil
	}))
}

// WithHTTPClient sends requests through a copy of hc: its Transport, Jar,
// CheckRedirect and Timeout are used, and hc itself is never modified.
// Credentials are still attached only to each API's own origin.
func WithHTTPClient(hc *http.Client) Option {
	return fixed("WithHTTPClient", globalOnly("WithHTTPClient", func(s *settings) error {
		if hc == nil {
			return invalid("WithHTTPClient", "client is nil")
		}
		s.httpClient = hc
		return nil
	}))
}

// WithMaxRetries sets how many times a failed attempt is retried (0: never;
// default 3).
func WithMaxRetries(n int) Option {
	return globalOnly("WithMaxRetries", func(s *settings) error {
		if n < 0 {
			return invalid("WithMaxRetries", "must not be negative, got %d", n)
		}
		s.maxRetries = n
		return nil
	})
}

// WithRetryWait sets the bounds of the exponential backoff between retries
// (default 500 ms and 30 s). max is also the longest wait a server may ask
// for with Retry-After; a longer request is returned at once as an
// [*APIError] with RetryAfter set.
func WithRetryWait(min, max time.Duration) Option {
	return globalOnly("WithRetryWait", func(s *settings) error {
		switch {
		case min < 0 || max < 0:
			return invalid("WithRetryWait", "waits must not be negative (min %s, max %s)", min, max)
		case min > max:
			return invalid("WithRetryWait", "min %s is greater than max %s", min, max)
		}
		s.retryMin, s.retryMax = min, max
		return nil
	})
}

// WithAttemptTimeout bounds each attempt (connect, headers and body), so a
// server that accepts the connection and never answers costs at most d per
// attempt before the retry policy takes over. The attempt starts once the
// client's own rate limiter ([WithRateLimit]) and any pause the API asked
// for (Retry-After) let it go, so waiting for them never counts, and it
// covers reading the body. An attempt
// timeout is retried; when the retries run out the error satisfies
// errors.Is(err, [ErrAttemptTimeout]), not [context.DeadlineExceeded] (which
// stays the caller's own deadline). 0, the default, leaves only the
// context's deadline.
func WithAttemptTimeout(d time.Duration) Option {
	return globalOnly("WithAttemptTimeout", func(s *settings) error {
		if d < 0 {
			return invalid("WithAttemptTimeout", "must not be negative, got %s", d)
		}
		s.attemptTimeout = d
		return nil
	})
}

// WithLogger sets the logger. At Debug level it writes one record per
// attempt: API, method, path (no query), attempt number, status or error,
// and the wait before the next attempt. Credentials never appear. The
// default is no logging.
func WithLogger(l *slog.Logger) Option {
	return globalOnly("WithLogger", func(s *settings) error {
		s.logger = l
		return nil
	})
}

// WithUserAgent sets the User-Agent header (default "sessionkit-go/" +
// [Version]).
func WithUserAgent(ua string) Option {
	return globalOnly("WithUserAgent", func(s *settings) error {
		if strings.ContainsAny(ua, "\r\n") {
			return invalid("WithUserAgent", "must not contain line breaks")
		}
		s.userAgent = ua
		return nil
	})
}

// WithPrefetch makes iterators fetch up to n pages ahead of the loop body
// (0, the default, fetches strictly one page at a time). When the first
// page tells the total (Ductape, Arthur, MonoCloud with X-Pagination), up to
// n pages are fetched in parallel; Zoom's cursor pages are fetched one
// after another. Items always come out in order.
func WithPrefetch(n int) Option {
	return globalOnly("WithPrefetch", func(s *settings) error {
		if n < 0 || n > MaxPrefetch {
			return invalid("WithPrefetch", "must be between 0 and %d, got %d", MaxPrefetch, n)
		}
		s.prefetch = n
		return nil
	})
}

// WithRateLimit paces requests on the client side: at most
// requestsPerSecond on average with bursts of up to burst. Given globally,
// each API gets its own limiter with these values; inside [ForAPI] it applies
// to that API only. Every attempt waits its turn: retries, redirects and
// prefetched pages included. For Zoom's Heavy-labelled Video SDK calls use
// 10 (Pro) or 40 (Business and above). A new client's bucket holds one
// request less than burst (a burst of 1 is full): the server's own bucket
// starts filling when the first request arrives, a little after it left,
// and this margin keeps requests that arrive bunched from being refused
// by a server whose limit matches this one.
//
// Without it the client still paces itself by the API's answers: a 429 or
// 503 with Retry-After holds every attempt to that API until then, a low
// X-RateLimit-Remaining spreads the next attempts, and a daily limit makes
// further calls fail at once with [ErrDailyLimit] until it resets (see
// docs/rate-limits.md). That pacing never lets an attempt go earlier than
// this limiter does.
func WithRateLimit(requestsPerSecond float64, burst int) Option {
	return fixed("WithRateLimit", func(s *settings) error {
		if !(requestsPerSecond > 0) || math.IsInf(requestsPerSecond, 0) {
			return invalid("WithRateLimit", "requestsPerSecond must be a positive number, got %v", requestsPerSecond)
		}
		if burst < 1 {
			return invalid("WithRateLimit", "burst must be at least 1, got %d", burst)
		}
		s.target.limit = &rateLimit{rps: requestsPerSecond, burst: burst}
		return nil
	})
}
