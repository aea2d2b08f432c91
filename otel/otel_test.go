package skotel_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	sessionkit "github.com/sessionkit/sessionkit-go"
	skotel "github.com/sessionkit/sessionkit-go/otel"
	"github.com/sessionkit/sessionkit-go/otel/internal/summary"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
)

// recording is a client of a kit server that records its spans and
// metrics in memory.
type recording struct {
	srv    *sessionkittest.Server
	client *sessionkit.Client
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
}

func newRecording(t *testing.T, opts ...sessionkit.Option) *recording {
	t.Helper()
	r := &recording{srv: sessionkittest.NewServer(), spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	t.Cleanup(r.srv.Close)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(r.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(r.reader))
	opts = append(opts, skotel.Options(tp, mp)...)
	client, err := r.srv.NewClient(append([]sessionkit.Option{sessionkit.WithRetryWait(time.Millisecond, 5*time.Millisecond)}, opts...)...)
	require.NoError(t, err)
	r.client = client
	return r
}

func (r *recording) spanLines() []string {
	return summary.Spans(r.spans.Ended(), "server.port")
}

func (r *recording) metricLines(t *testing.T) []string {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, r.reader.Collect(context.Background(), &rm))
	return summary.Metrics(&rm, map[string]bool{"http.client.request.duration": true, skotel.MetricWaitDuration: true}, "server.port")
}

// threePages returns a Zoom session whose users the page size lists on
// three pages.
func threePages(t *testing.T, d *sessionkittest.Dataset) (id string, size, n int) {
	t.Helper()
	for _, id := range d.ZoomSessionIDs {
		if n := len(d.ZoomUsers[id]); n >= 7 {
			return id, (n + 2) / 3, n
		}
	}
	t.Fatal("no Zoom session with 7 users or more")
	return "", 0, 0
}

const zoomRoute = "GET /videosdk/sessions/{sessionId}/users"

func TestWalkWithARetriedPageRecordsEveryAttemptCallAndPage(t *testing.T) {
	r := newRecording(t)
	r.srv.Fault(sessionkittest.Match{API: sessionkittest.Zoom, Page: 2}, sessionkittest.Status(503), sessionkittest.Times(1))
	id, size, n := threePages(t, r.srv.Data())
	got, err := sessionkit.Collect(r.client.Sessions.ListUsersIter(context.Background(), id, sessions.ListUsersOptions{Type: sessions.Past, PageSize: size}))
	require.NoError(t, err)
	require.Len(t, got, n)

	lines := r.spanLines()
	for _, l := range lines {
		t.Log(l)
	}
	const (
		tmpl = "url.template=/videosdk/sessions/{sessionId}/users"
		call = "sessionkit.call " + zoomRoute
		page = "sessionkit.page " + zoomRoute
	)
	target := []string{"http.request.method=GET", "server.address=127.0.0.1", "server.port=*", "sessionkit.api=zoom", "url.scheme=http", tmpl}
	route := []string{"http.request.method=GET", "sessionkit.api=zoom", tmpl}
	with := func(base []string, more ...string) []string { return append(append([]string(nil), base...), more...) }
	attemptSpan := func(tail string, attrs ...string) string {
		return span(zoomRoute, "client", call, with(target, attrs...), tail)
	}
	callSpan := func(attempts int, tail string) string {
		return span(call, "internal", page, with(route, "http.response.status_code=200", "sessionkit.attempts="+itoa(attempts)), tail)
	}
	pageSpan := func(at string, items int) string {
		return span(page, "internal", "", with(route, at, "sessionkit.page.items="+itoa(items)), "")
	}
	const cursor = "sessionkit.page.cursor=[REDACTED]"
	assert.Equal(t, []string{
		attemptSpan("", "http.response.status_code=200"),
		callSpan(1, ""),
		pageSpan("sessionkit.page.cursor=", size),
		attemptSpan(` status=Error""`, "http.response.status_code=503", "error.type=503"),
		attemptSpan("", "http.response.status_code=200", "http.request.resend_count=1"),
		callSpan(2, " event sessionkit.wait {sessionkit.wait.duration=* sessionkit.wait.reason=backoff}"),
		pageSpan(cursor, size),
		attemptSpan("", "http.response.status_code=200"),
		callSpan(1, ""),
		pageSpan(cursor, n-2*size),
		span("sessionkit.walk "+zoomRoute, "internal", "", with(route, "sessionkit.walk.items="+itoa(n)), ""),
	}, lines)

	metrics := r.metricLines(t)
	for _, l := range metrics {
		t.Log(l)
	}
	assert.Equal(t, []string{
		"http.client.request.duration{" + sorted(with(target, "error.type=503", "http.response.status_code=503")) + "} count=1",
		"http.client.request.duration{" + sorted(with(target, "http.response.status_code=200")) + "} count=3",
		"sessionkit.client.page.items{sessionkit.api=zoom " + tmpl + "} count=3 sum=" + itoa(n),
		"sessionkit.client.retries{sessionkit.api=zoom sessionkit.retry.reason=503 " + tmpl + "} 1",
		"sessionkit.client.wait.duration{sessionkit.api=zoom sessionkit.wait.reason=backoff} count=1",
		"sessionkit.client.walk.items{sessionkit.api=zoom " + tmpl + "} count=1 sum=" + itoa(n),
	}, metrics)
}

// span is a span as summary.Spans renders it.
func span(name, kind, parent string, attrs []string, tail string) string {
	return name + " (" + kind + ") parent=" + strconv.Quote(parent) + " {" + sorted(attrs) + "}" + tail
}

func sorted(attrs []string) string {
	s := slices.Clone(attrs)
	slices.Sort(s)
	return strings.Join(s, " ")
}

func itoa(n int) string { return strconv.Itoa(n) }

// everything renders every span (with its status and events) and every
// metric data point that r recorded.
func (r *recording) everything(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, s := range r.spans.Ended() {
		b.WriteString(s.Name() + " " + s.Status().Description + "\n")
		for _, kv := range s.Attributes() {
			b.WriteString(string(kv.Key) + "=" + kv.Value.Emit() + "\n")
		}
		for _, e := range s.Events() {
			b.WriteString(e.Name + "\n")
			for _, kv := range e.Attributes {
				b.WriteString(string(kv.Key) + "=" + kv.Value.Emit() + "\n")
			}
		}
		for _, l := range s.Links() {
			b.WriteString(fmt.Sprint(l.Attributes) + "\n")
		}
	}
	var rm metricdata.ResourceMetrics
	require.NoError(t, r.reader.Collect(context.Background(), &rm))
	for _, l := range summary.Metrics(&rm, nil) {
		b.WriteString(l + "\n")
	}
	return b.String()
}

func TestNoCredentialPageTokenOrPathInAnySpanOrMetric(t *testing.T) {
	const key = "test-key"
	r := newRecording(t)
	// The server echoes the credential and the request's query in its
	// error bodies and headers.
	echo := func(status int) sessionkittest.Fault {
		return sessionkittest.Handle(func(w http.ResponseWriter, req *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Echo", req.Header.Get("Authorization")+" "+req.URL.RawQuery)
			w.WriteHeader(status)
			_, _ = fmt.Fprintf(w, `{"code":%d,"message":"%s rejected, query %s"}`, status, req.Header.Get("Authorization"), req.URL.RawQuery)
		})
	}
	r.srv.Fault(sessionkittest.Match{API: sessionkittest.Zoom, Page: 2}, echo(503), sessionkittest.Times(1))
	r.srv.Fault(sessionkittest.Match{API: sessionkittest.Zoom, Page: 3}, sessionkittest.Status(401).Body("application/json",
		`{"code":124,"message":"Invalid access token `+key+`"}`))
	d := r.srv.Data()
	id, size, _ := threePages(t, d)
	_, err := sessionkit.Collect(r.client.Sessions.ListUsersIter(context.Background(), id, sessions.ListUsersOptions{Type: sessions.Past, PageSize: size}))
	require.Error(t, err)

	// The raw path carries the session ID: only the template may appear.
	secrets := []string{key, "page_size=", "next_page_token"}
	for _, req := range r.srv.Requests() {
		secrets = append(secrets, req.RawPath)
		q, err := url.ParseQuery(req.RawQuery)
		require.NoError(t, err)
		if tok := q.Get("next_page_token"); tok != "" {
			secrets = append(secrets, tok)
		}
	}
	require.Greater(t, len(secrets), 5, "the walk sent page tokens")
	all := r.everything(t)
	require.Contains(t, all, "error.type=401", "the failed page was recorded")
	require.Contains(t, all, "error.type=503", "the echoing answer was recorded")
	for _, s := range secrets {
		assert.NotContains(t, all, s)
	}
	assert.NotContains(t, all, "url.full")
}

func TestRetriesAndWaitsByReason(t *testing.T) {
	tests := []struct {
		name  string
		opts  []sessionkit.Option
		fault sessionkittest.Fault
		want  []string
	}{
		{name: "429 with Retry-After", opts: []sessionkit.Option{sessionkit.WithRetryWait(time.Millisecond, 5*time.Second)},
			fault: sessionkittest.Status(429).RetryAfter("1"),
			want: []string{
				"sessionkit.client.rate_limited{sessionkit.api=zoom} 1",
				"sessionkit.client.retries{sessionkit.api=zoom sessionkit.retry.reason=429 url.template=/videosdk/sessions/{sessionId}/users} 1",
				"sessionkit.client.wait.duration{sessionkit.api=zoom sessionkit.wait.reason=retry_after} count=1 sum=1",
			}},
		{name: "attempt timeout", opts: []sessionkit.Option{sessionkit.WithAttemptTimeout(50 * time.Millisecond)},
			fault: sessionkittest.Delay(2 * time.Second),
			want: []string{
				"sessionkit.client.retries{sessionkit.api=zoom sessionkit.retry.reason=attempt_timeout url.template=/videosdk/sessions/{sessionId}/users} 1",
			}},
		{name: "dropped connection", fault: sessionkittest.Drop(),
			want: []string{
				"sessionkit.client.retries{sessionkit.api=zoom sessionkit.retry.reason=transport url.template=/videosdk/sessions/{sessionId}/users} 1",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRecording(t, tt.opts...)
			r.srv.Fault(sessionkittest.Match{API: sessionkittest.Zoom}, tt.fault, sessionkittest.Times(1))
			_, err := r.client.Sessions.ListUsers(context.Background(), r.srv.Data().ZoomSessionIDs[0], sessions.ListUsersOptions{Type: sessions.Past})
			require.NoError(t, err)
			var rm metricdata.ResourceMetrics
			require.NoError(t, r.reader.Collect(context.Background(), &rm))
			got := summary.Metrics(&rm, map[string]bool{"http.client.request.duration": true})
			for _, w := range tt.want {
				assert.Contains(t, got, w)
			}
			if !strings.Contains(tt.name, "429") {
				for _, l := range got {
					assert.NotContains(t, l, skotel.MetricRateLimited)
				}
			}
		})
	}
}

func TestPrefetchedWalkNestsEveryCallInItsPage(t *testing.T) {
	r := newRecording(t, sessionkit.WithPrefetch(3))
	d := r.srv.Data()
	got, err := sessionkit.Collect(r.client.Sessions.FetchUsersIter(context.Background(), sessions.FetchUsersOptions{Product: d.Product, Session: d.Session, Env: d.Env, Limit: 7}))
	require.NoError(t, err)
	require.Len(t, got, len(d.DuctapeUsers))

	pages, calls, attempts := map[string]bool{}, 0, 0
	byID := map[string]sdktrace.ReadOnlySpan{}
	for _, s := range r.spans.Ended() {
		byID[s.SpanContext().SpanID().String()] = s
	}
	items := 0
	for _, s := range r.spans.Ended() {
		parent := byID[s.Parent().SpanID().String()]
		switch {
		case strings.HasPrefix(s.Name(), "sessionkit.page "):
			pages[s.SpanContext().SpanID().String()] = true
			number := int64(0)
			for _, kv := range s.Attributes() {
				switch kv.Key {
				case skotel.AttrItems:
					items += int(kv.Value.AsInt64())
				case skotel.AttrPage:
					number = kv.Value.AsInt64()
				}
			}
			assert.Positive(t, number, "Ductape's pages are numbered from 1")
		case strings.HasPrefix(s.Name(), "sessionkit.walk "):
			for _, kv := range s.Attributes() {
				if kv.Key == skotel.AttrWalkItems {
					assert.Equal(t, int64(len(d.DuctapeUsers)), kv.Value.AsInt64(), "the walk yielded every user")
				}
			}
		case strings.HasPrefix(s.Name(), "sessionkit.call "):
			calls++
			require.NotNil(t, parent, "a call of a walk is inside its page")
			assert.True(t, strings.HasPrefix(parent.Name(), "sessionkit.page "))
		default:
			attempts++
			require.NotNil(t, parent, "an attempt is inside its call")
			assert.True(t, strings.HasPrefix(parent.Name(), "sessionkit.call "))
		}
	}
	assert.Equal(t, len(pages), calls, "one call per page")
	assert.Equal(t, calls, attempts, "no retries")
	assert.GreaterOrEqual(t, items, len(d.DuctapeUsers), "the pages hold every user (and maybe pages fetched past the end)")
}
