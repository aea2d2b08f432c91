package sessionkittest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// sequence is a fixed series of requests, by name, to see which ones a rule selects.
func sequence(srv *Server) []struct{ name, url string } {
	d := srv.Data()
	ductape := srv.DuctapeURL() + "/integrations/v1/session/users/ws_test?product_tag=my-product&session_tag=user-session&limit=5"
	arthur := srv.ArthurURL() + "/api/v1/traces/users?task_ids=" + d.ArthurTaskIDs[0]
	mono := srv.MonoCloudURL() + "/api/users/" + d.MonoCloudUserIDs[0] + "/sessions?size=5"
	return []struct{ name, url string }{
		{"ductape p1", ductape},
		{"ductape p3", ductape + "&page=3"},
		{"ductape details", srv.DuctapeURL() + "/integrations/v1/session/users/ws_test/x?product_tag=my-product&session_tag=user-session"},
		{"arthur p1", arthur},
		{"arthur p3", arthur + "&page=2"},
		{"arthur user", srv.ArthurURL() + "/api/v1/traces/users/u-1?task_ids=x"},
		{"mono p1", mono},
		{"mono p3", mono + "&page=3"},
		{"zoom p1", zoomURL(srv, d.ZoomSessionIDs[0]) + "?type=past&page_size=5"},
		{"unknown", srv.URL + "/nope"},
	}
}

func TestFaultSelectsByMatch(t *testing.T) {
	for _, tc := range []struct {
		name  string
		match Match
		want  []string
	}{
		{"every request", Match{}, []string{"ductape p1", "ductape p3", "ductape details", "arthur p1", "arthur p3", "arthur user", "mono p1", "mono p3", "zoom p1", "unknown"}},
		{"one API", Match{API: Arthur}, []string{"arthur p1", "arthur p3", "arthur user"}},
		{"a route", Match{API: Arthur, Route: "/api/v1/traces/users"}, []string{"arthur p1", "arthur p3"}},
		{"a route with a wildcard", Match{API: Ductape, Route: "/integrations/v1/session/users/*/*"}, []string{"ductape details"}},
		{"a route of another API", Match{API: MonoCloud, Route: "/api/v1/traces/users"}, nil},
		{"page 3 whatever the numbering", Match{Page: 3}, []string{"ductape p3", "arthur p3", "mono p3"}},
		{"page 1 of one API", Match{API: MonoCloud, Page: 1}, []string{"mono p1"}},
		{"the 2nd request of an API", Match{API: Arthur, Request: 2}, []string{"arthur p3"}},
		{"the 4th request", Match{Request: 4}, []string{"arthur p1"}},
		{"a method", Match{Method: http.MethodPost}, nil},
		{"a page token", Match{PageToken: "tok"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := NewServer(WithUsers(30))
			defer srv.Close()
			rule := srv.Fault(tc.match, Status(599).Body("text/plain", "fault"))
			var got []string
			for _, r := range sequence(srv) {
				if res := call(t, http.MethodGet, r.url, bearerKey); res.status == 599 {
					require.Equal(t, "fault", string(res.body))
					got = append(got, r.name)
				}
			}
			require.Equal(t, tc.want, got)
			require.Equal(t, len(tc.want), rule.Hits())
			require.Equal(t, len(tc.want), srv.Count(tc.match), "Count selects what the rule selected")
		})
	}
}

func TestFaultZoomPagesAndTokens(t *testing.T) {
	srv := NewServer(WithUsers(30))
	defer srv.Close()
	base := zoomURL(srv, srv.Data().ZoomSessionIDs[0]) + "?type=past&page_size=5"
	var tokens []string
	tok := ""
	for range 6 {
		var r zoomResp
		u := base
		if tok != "" {
			u += "&next_page_token=" + tok
		}
		get(t, u, bearerKey, 200, &r)
		tokens = append(tokens, tok)
		tok = *r.NextPageToken
	}
	require.Empty(t, tok, "30 users in pages of 5")
	for i, tok := range tokens {
		require.Len(t, srv.RequestsMatching(Match{API: Zoom, Page: i + 1}), 1, "page %d", i+1)
		if tok != "" {
			require.Equal(t, i+1, srv.RequestsMatching(Match{PageToken: tok})[0].Page)
		}
	}
	// A rule on page 4 answers the request with the 4th page's token, again while it lasts.
	srv.Fault(Match{API: Zoom, Page: 4}, Status(429), Times(2))
	for _, want := range []int{429, 429, 200} {
		get(t, base+"&next_page_token="+tokens[3], bearerKey, want, nil)
	}
	srv.Fault(Match{PageToken: tokens[1]}, Status(500))
	get(t, base+"&next_page_token="+tokens[1], bearerKey, 500, nil)
	get(t, base+"&next_page_token="+tokens[2], bearerKey, 200, nil)
	get(t, base+"&next_page_token=never-issued", bearerKey, 400, nil)
	require.Equal(t, 0, srv.Requests()[srv.RequestCount()-1].Page, "an unknown token has no page")
}

func TestFaultLifetime(t *testing.T) {
	srv := NewServer(WithUsers(3))
	defer srv.Close()
	u := srv.ArthurURL() + "/api/v1/traces/users?task_ids=x"
	statuses := func(n int) []int {
		var out []int
		for range n {
			out = append(out, call(t, http.MethodGet, u, bearerKey).status)
		}
		return out
	}
	twice := srv.Fault(Match{API: Arthur}, Status(503), Times(2))
	require.Equal(t, []int{503, 503, 200}, statuses(3))
	require.Equal(t, 2, twice.Hits())

	never := srv.Fault(Match{API: Arthur}, Status(500), Times(0))
	require.Equal(t, []int{200}, statuses(1))
	require.Zero(t, never.Hits())

	// The first rule that selects a request answers it; a spent or removed rule lets the next one.
	always := srv.Fault(Match{}, Status(502))
	third := srv.Fault(Match{API: Arthur, Request: 2}, Status(504))
	require.Equal(t, []int{502, 502, 502}, statuses(3))
	require.Zero(t, third.Hits(), "its 2nd request was answered by the earlier rule")
	always.Remove()
	require.Equal(t, []int{200}, statuses(1))
	srv.Fault(Match{}, Status(500))
	srv.ClearFaults()
	require.Equal(t, []int{200}, statuses(1))
	require.Equal(t, 3, always.Hits())
}

func TestFaultVendorBodies(t *testing.T) {
	srv := NewServer(WithUsers(3))
	defer srv.Close()
	d := srv.Data()
	urls := map[string]string{
		Ductape:   srv.DuctapeURL() + "/integrations/v1/session/users/ws_test?product_tag=my-product&session_tag=user-session",
		Zoom:      zoomURL(srv, d.ZoomSessionIDs[0]),
		Arthur:    srv.ArthurURL() + "/api/v1/traces/users?task_ids=x",
		MonoCloud: srv.MonoCloudURL() + "/api/users/" + d.MonoCloudUserIDs[0] + "/sessions",
		"":        srv.URL + "/elsewhere",
	}
	for _, tc := range []struct {
		api         string
		status      int
		contentType string
		body        string // a regexp
	}{
		{Zoom, 429, "application/json", `^{"code":429,"message":"You have reached the maximum per-second rate limit for this API. Try again later."}\n$`},
		{Zoom, 500, "application/json", `^{"code":500,"message":"Internal Server Error"}\n$`},
		{Zoom, 401, "application/json", `^{"code":124,"message":"Invalid access token."}\n$`},
		{Ductape, 429, "application/json", `^{"status":false,"message":"Too Many Requests","code":"TOO_MANY_REQUESTS"}\n$`},
		{Ductape, 503, "application/json", `^{"status":false,"message":"Service Unavailable","code":"SERVICE_UNAVAILABLE"}\n$`},
		{Arthur, 500, "application/json", `^{"detail":"Something went wrong."}\n$`},
		{Arthur, 429, "application/json", `^{"detail":"Too Many Requests"}\n$`},
		{MonoCloud, 429, "application/problem+json", `^{"type":"https://httpstatuses.io/429","title":"Too Many Requests","status":429,"instance":"/api/users/[^"]+/sessions","traceId":"00-[0-9a-f]{32}-[0-9a-f]{16}-00"}\n$`},
		{"", 502, "text/plain; charset=utf-8", `^Bad Gateway\n$`},
	} {
		t.Run(fmt.Sprint(tc.api, tc.status), func(t *testing.T) {
			r := srv.Fault(Match{API: tc.api}, Status(tc.status), Times(1))
			res := get(t, urls[tc.api], bearerKey, tc.status, nil)
			require.Equal(t, 1, r.Hits())
			require.Equal(t, tc.contentType, res.header.Get("Content-Type"))
			require.Regexp(t, tc.body, string(res.body))
		})
	}
}

func TestFaultHeadersAndBodies(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)}
	srv := NewServer(WithUsers(3), WithClock(clock.now))
	defer srv.Close()
	u := srv.ArthurURL() + "/api/v1/traces/users?task_ids=x"
	srv.Advance(30 * time.Second)
	for _, tc := range []struct {
		name   string
		fault  Fault
		header http.Header
		body   string
	}{
		{"delta seconds", Status(429).RetryAfter("7"), http.Header{"Retry-After": {"7"}}, `{"detail":"Too Many Requests"}` + "\n"},
		{"HTTP-date", Status(503).RetryAfterDate(1500 * time.Millisecond), http.Header{"Retry-After": {"Fri, 20 Nov 2026 10:00:32 GMT"}}, ""},
		{"ISO 8601", Status(429).RetryAfterISO(time.Hour), http.Header{"Retry-After": {"2026-11-20T11:00:30Z"}}, ""},
		{"Zoom rate-limit headers", Status(429).ZoomRateLimit("Daily-limit", "Heavy", 30000, 0), http.Header{
			"X-Ratelimit-Type": {"Daily-limit"}, "X-Ratelimit-Category": {"Heavy"}, "X-Ratelimit-Limit": {"30000"}, "X-Ratelimit-Remaining": {"0"}}, ""},
		{"own body", Status(418).Body("text/plain", "short and stout").Header("X-Extra", "1"), http.Header{"Content-Type": {"text/plain"}, "X-Extra": {"1"}}, "short and stout"},
		{"HTML page", HTML(502), http.Header{"Content-Type": {"text/html; charset=utf-8"}}, "<html>\r\n<head><title>502 Bad Gateway</title></head>"},
		{"HTML login page", HTML(200).Body("text/html", "<form>login</form>"), http.Header{"Content-Type": {"text/html"}}, "<form>login</form>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv.Fault(Match{}, tc.fault, Times(1))
			res := call(t, http.MethodGet, u, bearerKey)
			for k := range tc.header {
				require.Equal(t, tc.header.Values(k), res.header.Values(k), k)
			}
			require.True(t, strings.HasPrefix(string(res.body), tc.body), "%s", res.body)
		})
	}
	// A Fault is a value: refining it leaves the original as it was.
	base := Status(429).RetryAfter("1")
	_ = base.RetryAfter("2").Header("X-A", "b")
	srv.Fault(Match{}, base, Times(1))
	res := call(t, http.MethodGet, u, bearerKey)
	require.Equal(t, []string{"1"}, res.header.Values("Retry-After"))
	require.Empty(t, res.header.Values("X-A"))
}

func TestFaultBrokenBodies(t *testing.T) {
	srv := NewServer(WithUsers(20))
	defer srv.Close()
	u := srv.ArthurURL() + "/api/v1/traces/users?page_size=20&task_ids=" + strings.Join(srv.Data().ArthurTaskIDs, "&task_ids=")
	full := get(t, u, bearerKey, 200, nil).body
	var v any
	for _, tc := range []struct {
		name  string
		fault Fault
		want  []byte
	}{
		{"truncated to half", Truncated(), full[:len(full)/2]},
		{"truncated at 10 bytes", Truncated().CutAt(10), full[:10]},
		{"truncated beyond the end", Truncated().CutAt(1 << 20), full},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv.Fault(Match{}, tc.fault, Times(1))
			res := get(t, u, bearerKey, 200, nil)
			require.Equal(t, string(tc.want), string(res.body))
			require.Equal(t, strconv.Itoa(len(tc.want)), res.header.Get("Content-Length"))
			require.Equal(t, "application/json", res.header.Get("Content-Type"))
		})
	}
	srv.Fault(Match{}, Malformed(), Times(1))
	res := get(t, u, bearerKey, 200, nil)
	require.Error(t, json.Unmarshal(res.body, &v))
	require.Equal(t, "application/json", res.header.Get("Content-Type"))

	for _, cut := range []int{-1, 0, 100} {
		f := Drop()
		want := len(full) / 2
		if cut >= 0 {
			f, want = f.CutAt(cut), cut
		}
		srv.Fault(Match{}, f, Times(1))
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header = bearerKey.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil { // the connection went before the headers were read
			require.Zero(t, want)
			continue
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.ErrorIs(t, err, io.ErrUnexpectedEOF)
		require.Equal(t, 200, resp.StatusCode)
		require.Equal(t, int64(len(full)), resp.ContentLength, "the full length is announced")
		require.Equal(t, string(full[:want]), string(body))
	}
}

func TestFaultDelay(t *testing.T) {
	srv := NewServer(WithUsers(3))
	defer srv.Close()
	u := srv.ArthurURL() + "/api/v1/traces/users?task_ids=x"
	srv.Fault(Match{Request: 1}, Delay(200*time.Millisecond))
	srv.Fault(Match{Request: 2}, Status(503).After(200*time.Millisecond))
	for _, want := range []struct {
		status int
		slow   bool
	}{{200, true}, {503, true}, {200, false}} {
		began := time.Now()
		require.Equal(t, want.status, call(t, http.MethodGet, u, bearerKey).status)
		if want.slow {
			require.GreaterOrEqual(t, time.Since(began), 200*time.Millisecond)
		}
	}
	// The client giving up ends the wait (TestLatency covers the same for WithLatency).
	srv.Fault(Match{}, Delay(time.Hour))
	hc := http.Client{Timeout: 50 * time.Millisecond}
	_, err := hc.Get(u)
	require.Error(t, err)
	srv.ClearFaults()
	began := time.Now()
	srv.Close()
	require.Less(t, time.Since(began), 5*time.Second)
}

// TestFaultRulesWhileRequestsRun adds and removes rules while requests run; run it with -race.
func TestFaultRulesWhileRequestsRun(t *testing.T) {
	srv := NewServer(WithUsers(10))
	defer srv.Close()
	u := srv.ArthurURL() + "/api/v1/traces/users?task_ids=" + srv.Data().ArthurTaskIDs[0]
	var wg sync.WaitGroup
	var limited atomic.Int64
	errs := make(chan error, 8*15)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 15 {
				req, _ := http.NewRequest(http.MethodGet, u, nil)
				req.Header = bearerKey.Clone()
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					errs <- err
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode == 429 {
					limited.Add(1)
				} else if res.StatusCode != 200 {
					errs <- fmt.Errorf("status %d", res.StatusCode)
				}
			}
		}()
	}
	var rules []*Rule
	for i := range 40 {
		rules = append(rules, srv.Fault(Match{API: Arthur, Request: i % 5}, Status(429), Times(1)))
		if i%3 == 0 {
			rules[i/2].Remove()
		}
		_ = srv.Count(Match{API: Arthur})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	hits := 0
	for _, r := range rules {
		hits += r.Hits()
	}
	require.Equal(t, 8*15, srv.Count(Match{API: Arthur}))
	require.Equal(t, int(limited.Load()), hits, "every 429 came from a rule, once")
}

func TestCloseEndsWaits(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []Option
		rule bool
	}{
		{"a Delay fault", nil, true},
		{"WithLatency", []Option{WithLatency(time.Hour)}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := NewServer(tc.opts...)
			if tc.rule {
				srv.Fault(Match{}, Status(503).After(time.Hour))
			}
			errc := make(chan error, 1)
			go func() {
				res, err := http.Get(srv.ArthurURL() + "/api/v1/traces/users?task_ids=x") // no timeout
				if err == nil {
					res.Body.Close()
					err = fmt.Errorf("answered %d", res.StatusCode)
				}
				errc <- err
			}()
			require.Eventually(t, func() bool { return srv.RequestCount() == 1 }, 10*time.Second, time.Millisecond)
			began := time.Now()
			srv.Close()
			require.Less(t, time.Since(began), 5*time.Second)
			err := <-errc
			require.Error(t, err)
			require.NotContains(t, err.Error(), "answered")
		})
	}
}

func TestUnknownAPINamePanics(t *testing.T) {
	require.PanicsWithValue(t, `sessionkittest: WithRateLimit/WithDailyLimit: unknown API "Zoom" (want Ductape, Zoom, Arthur or MonoCloud)`,
		func() { NewServer(WithRateLimit("Zoom", 1)) })
	require.Panics(t, func() { NewServer(WithDailyLimit("zoom.us", 1)) })
	srv := NewServer(WithUsers(1))
	defer srv.Close()
	require.PanicsWithValue(t, `sessionkittest: Fault: unknown API "arthurr" (want Ductape, Zoom, Arthur or MonoCloud)`,
		func() { srv.Fault(Match{API: "arthurr"}, Status(500)) })
	require.NotPanics(t, func() { srv.Fault(Match{API: Arthur}, Status(500)).Remove() })
}
