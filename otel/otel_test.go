package skotel_test

import (
	"context"
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
		pageSpan("sessionkit.page.number=0", size),
		attemptSpan(` status=Error""`, "http.response.status_code=503", "error.type=503"),
		attemptSpan("", "http.response.status_code=200", "http.request.resend_count=1"),
		callSpan(2, " event sessionkit.wait {sessionkit.wait.duration=* sessionkit.wait.reason=backoff}"),
		pageSpan(cursor, size),
		attemptSpan("", "http.response.status_code=200"),
		callSpan(1, ""),
		pageSpan(cursor, n-2*size),
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
