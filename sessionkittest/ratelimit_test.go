package sessionkittest

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// apiURLs are one valid request to each API with its credential.
func apiURLs(srv *Server) map[string]struct {
	url    string
	header http.Header
} {
	d := srv.Data()
	return map[string]struct {
		url    string
		header http.Header
	}{
		Ductape:   {srv.DuctapeURL() + "/integrations/v1/session/users/ws_test?product_tag=my-product&session_tag=user-session", bearerKey},
		Zoom:      {zoomURL(srv, d.ZoomSessionIDs[0]) + "?type=past", bearerKey},
		Arthur:    {srv.ArthurURL() + "/api/v1/traces/users?task_ids=x", bearerKey},
		MonoCloud: {srv.MonoCloudURL() + "/api/users/" + d.MonoCloudUserIDs[0] + "/sessions", monoKey},
	}
}

func TestRateLimitPerSecond(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)}
	for _, tc := range []struct {
		api         string
		contentType string
		header      http.Header
		body        string
	}{
		{Zoom, "application/json", http.Header{"X-Ratelimit-Category": {"Heavy"}, "X-Ratelimit-Type": {"QPS"}, "X-Ratelimit-Limit": {"3"}, "X-Ratelimit-Remaining": {"0"},
			"Retry-After": {"2026-11-20T12:00:01Z"}}, // a third of a second, rounded up to the second
			`{"code":429,"message":"You have reached the maximum per-second rate limit for this API. Try again later."}`},
		{MonoCloud, "application/problem+json", http.Header{"Retry-After": {"1"}}, `"type":"https://httpstatuses.io/429","title":"Too Many Requests","status":429,"detail":"Rate limit of 3 requests per second exceeded."`},
		{Arthur, "application/json", http.Header{"Retry-After": {"1"}}, `{"detail":"Rate limit of 3 requests per second exceeded."}`},
		{Ductape, "application/json", http.Header{"Retry-After": {"1"}}, `{"status":false,"message":"Rate limit of 3 requests per second exceeded.","code":"TOO_MANY_REQUESTS"}`},
	} {
		t.Run(tc.api, func(t *testing.T) {
			srv := NewServer(WithUsers(3), WithRateLimit(tc.api, 3), WithClock(clock.now))
			defer srv.Close()
			urls := apiURLs(srv)
			u := urls[tc.api]
			status := func() int { return call(t, http.MethodGet, u.url, u.header).status }
			require.Equal(t, []int{200, 200, 200}, []int{status(), status(), status()}, "a full bucket")
			res := call(t, http.MethodGet, u.url, u.header)
			require.Equal(t, 429, res.status)
			require.Equal(t, tc.contentType, res.header.Get("Content-Type"))
			require.Contains(t, string(res.body), tc.body)
			for k := range tc.header {
				require.Equal(t, tc.header.Values(k), res.header.Values(k), k)
			}
			require.Equal(t, 429, status(), "refused requests do not refill")
			for api, other := range urls {
				if api != tc.api {
					require.Equal(t, 200, call(t, http.MethodGet, other.url, other.header).status, "%s has no limit", api)
				}
			}
			srv.Advance(700 * time.Millisecond) // 2.1 requests' worth
			require.Equal(t, []int{200, 200, 429}, []int{status(), status(), status()})
			srv.Advance(time.Hour) // the bucket holds 3 at most
			require.Equal(t, []int{200, 200, 200, 429}, []int{status(), status(), status(), status()})
		})
	}
}

func TestRateLimitDaily(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 20, 23, 59, 0, 0, time.UTC)}
	srv := NewServer(WithUsers(3), WithDailyLimit(Zoom, 2), WithDailyLimit(Arthur, 1), WithRateLimit(Zoom, 100), WithClock(clock.now))
	defer srv.Close()
	urls := apiURLs(srv)
	z, a := urls[Zoom], urls[Arthur]
	get(t, z.url, z.header, 200, nil)
	get(t, z.url, z.header, 200, nil)
	var e zoomErr
	res := get(t, z.url, z.header, 429, &e)
	require.Equal(t, 429, e.Code)
	require.Contains(t, e.Message, "daily rate limit (2)")
	require.Equal(t, "Daily-limit", res.header.Get("X-RateLimit-Type"))
	require.Equal(t, "0", res.header.Get("X-RateLimit-Remaining"))
	require.Equal(t, "2", res.header.Get("X-RateLimit-Limit"))
	require.Equal(t, "2026-11-21T00:00:00Z", res.header.Get("Retry-After"))

	get(t, a.url, a.header, 200, nil)
	var d arthurDetail
	res = get(t, a.url, a.header, 429, &d)
	require.Equal(t, "Daily limit of 1 requests exceeded.", d.Detail)
	require.Equal(t, "60", res.header.Get("Retry-After"), "seconds until midnight")

	srv.Advance(time.Minute) // a new UTC day
	get(t, z.url, z.header, 200, nil)
	get(t, a.url, a.header, 200, nil)
}

// TestRateLimitPacedClientIsNeverRefused runs on the wall clock: a client that keeps to the limit
// gets no 429 (TestRateLimitPerSecond shows, on a fixed clock, that one that does not gets them).
func TestRateLimitPacedClientIsNeverRefused(t *testing.T) {
	srv := NewServer(WithUsers(3), WithRateLimit(Arthur, 20))
	defer srv.Close()
	u := apiURLs(srv)[Arthur]
	tick := time.NewTicker(time.Second / 20)
	defer tick.Stop()
	for i := range 30 {
		<-tick.C
		require.Equal(t, 200, call(t, http.MethodGet, u.url, u.header).status, "request %d", i)
	}
}

func TestRateLimitComesBeforeFaults(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)}
	srv := NewServer(WithUsers(3), WithRateLimit(Arthur, 1), WithClock(clock.now))
	defer srv.Close()
	u := apiURLs(srv)[Arthur]
	get(t, u.url, u.header, 200, nil)
	rule := srv.Fault(Match{API: Arthur}, Status(503), Times(1))
	get(t, u.url, u.header, 429, nil)
	require.Zero(t, rule.Hits(), "a refused request does not spend the rule")
	srv.Advance(time.Second)
	get(t, u.url, u.header, 503, nil)
	require.Equal(t, 1, rule.Hits())
	require.Equal(t, 3, srv.Count(Match{API: Arthur}), "every request is recorded")
}
