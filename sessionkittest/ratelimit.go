package sessionkittest

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
)

// limits are the rate limits of one API; 0 = none.
type limits struct{ perSecond, perDay int }

// limiter enforces the limits of one API: a bucket of perSecond requests refilled at perSecond per
// second, and a count of the requests of the current UTC day. Guarded by Server.mu.
type limiter struct {
	limits
	tokens float64
	last   time.Time
	day    time.Time
	used   int
}

// WithRateLimit makes the server accept at most perSecond requests per second to api (Ductape,
// Zoom, Arthur or MonoCloud), over all its endpoints, as the vendor does: the server holds a bucket of
// perSecond requests, refilled at perSecond per second, so a client that keeps to perSecond
// requests per second with bursts of at most perSecond is never refused. A refused request is
// answered with 429 and the vendor's body: Zoom's {"code": 429, "message": "... per-second rate
// limit ..."} with X-RateLimit-Category "Heavy", X-RateLimit-Type "QPS", X-RateLimit-Limit,
// X-RateLimit-Remaining and a Retry-After holding, in ISO 8601 as in Zoom's example, the second
// when the bucket holds a request again; the other APIs' error bodies (MonoCloud's application/problem+json) with
// "Retry-After: 1". Refused requests are recorded but do not count against the limit. The clock is
// the server's (see [WithClock]). perSecond <= 0 means no limit. An unknown api panics.
func WithRateLimit(api string, perSecond int) Option {
	return func(c *config) { c.limit(api, func(l *limits) { l.perSecond = perSecond }) }
}

// WithDailyLimit makes the server accept at most perDay requests to api per UTC day of its clock,
// as Zoom's daily cap for Heavy APIs does. Past it, Zoom answers 429 with a message naming the
// daily limit, "X-RateLimit-Type: Daily-limit", "X-RateLimit-Remaining: 0" and a Retry-After
// holding the next UTC midnight in ISO 8601; the other APIs answer 429 with their error body and a
// Retry-After in seconds until then. perDay <= 0 means no limit. An unknown api panics.
func WithDailyLimit(api string, perDay int) Option {
	return func(c *config) { c.limit(api, func(l *limits) { l.perDay = perDay }) }
}

func (c *config) limit(api string, set func(*limits)) {
	checkAPI("WithRateLimit/WithDailyLimit", api)
	if c.limits == nil {
		c.limits = map[string]limits{}
	}
	l := c.limits[api]
	set(&l)
	c.limits[api] = l
}

func newLimiters(cfg map[string]limits) map[string]*limiter {
	out := map[string]*limiter{}
	for api, l := range cfg {
		out[api] = &limiter{limits: l, tokens: float64(l.perSecond)}
	}
	return out
}

// refusal is why a limiter refused a request.
type refusal int

const (
	accepted refusal = iota
	perSecond
	perDay
)

// take counts one request at now and reports whether the limits allow it.
func (l *limiter) take(now time.Time) refusal {
	if l.perDay > 0 {
		if day := now.UTC().Truncate(24 * time.Hour); !day.Equal(l.day) {
			l.day, l.used = day, 0
		}
		if l.used >= l.perDay {
			return perDay
		}
	}
	if l.perSecond > 0 {
		if !l.last.IsZero() && now.After(l.last) {
			l.tokens = math.Min(float64(l.perSecond), l.tokens+now.Sub(l.last).Seconds()*float64(l.perSecond))
		}
		if now.After(l.last) {
			l.last = now
		}
		if l.tokens < 1 {
			return perSecond
		}
		l.tokens--
	}
	l.used++
	return accepted
}

// refilled returns when, after now, the per-second bucket holds a whole
// request again, rounded up to the second (the precision of Zoom's ISO 8601
// Retry-After).
func (l *limiter) refilled(now time.Time) time.Time {
	if l.perSecond <= 0 {
		return now
	}
	wait := time.Duration(math.Ceil((1 - l.tokens) / float64(l.perSecond) * float64(time.Second)))
	at := now.Add(max(wait, 0)).UTC()
	if t := at.Truncate(time.Second); !t.Equal(at) {
		at = t.Add(time.Second)
	}
	return at
}

// limited answers r with the vendor's 429 and reports true when api's limits refuse it.
func (s *Server) limited(w http.ResponseWriter, r *http.Request, api string) bool {
	now := s.now()
	s.mu.Lock()
	l := s.limits[api]
	why := accepted
	var again time.Time // when the per-second bucket holds a request again
	if l != nil {
		why = l.take(now)
		again = l.refilled(now)
	}
	s.mu.Unlock()
	if why == accepted {
		return false
	}
	midnight := now.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	h := w.Header()
	switch {
	case api == Zoom && why == perSecond:
		setZoomLimitHeaders(h, "QPS", l.perSecond)
		h.Set("Retry-After", again.Format(time.RFC3339))
		s.vendorError(w, r, api, http.StatusTooManyRequests, zoomPerSecondMessage)
	case api == Zoom:
		setZoomLimitHeaders(h, "Daily-limit", l.perDay)
		h.Set("Retry-After", midnight.Format(time.RFC3339))
		s.vendorError(w, r, api, http.StatusTooManyRequests, fmt.Sprintf(
			"You have exceeded the daily rate limit (%d) of Heavy API requests permitted for this particular account. Try again later tomorrow.", l.perDay))
	case why == perSecond:
		h.Set("Retry-After", "1")
		s.vendorError(w, r, api, http.StatusTooManyRequests, fmt.Sprintf("Rate limit of %d requests per second exceeded.", l.perSecond))
	default:
		h.Set("Retry-After", strconv.Itoa(int(math.Ceil(midnight.Sub(now).Seconds()))))
		s.vendorError(w, r, api, http.StatusTooManyRequests, fmt.Sprintf("Daily limit of %d requests exceeded.", l.perDay))
	}
	return true
}

func setZoomLimitHeaders(h http.Header, typ string, limit int) {
	h.Set("X-RateLimit-Category", "Heavy")
	h.Set("X-RateLimit-Type", typ)
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", "0")
}
