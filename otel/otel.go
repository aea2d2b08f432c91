// Package skotel records OpenTelemetry traces and metrics of a sessionkit
// client: a span for every attempt, every call and every page of a walk,
// and the metrics of the requests, retries, waits, rate limits and walks.
//
// It is a module of its own, so that the SDK itself never depends on
// OpenTelemetry. Give its options to [sessionkit.NewClient]:
//
//	client, err := sessionkit.NewClient(append(opts, skotel.Options(tp, mp)...)...)
//
// What it records follows the OpenTelemetry semantic conventions for HTTP
// clients, and never carries a credential, a page token or a query value:
// spans and metrics name the endpoint by its route template
// ("GET /videosdk/sessions/{sessionId}/users"), never by its path or URL,
// a page by its number or a redacted cursor, and an error by its status
// code or type, never by its message.
package skotel

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
	semconv "go.opentelemetry.io/otel/semconv/v1.39.0"
	"go.opentelemetry.io/otel/semconv/v1.39.0/httpconv"
	"go.opentelemetry.io/otel/trace"

	sessionkit "github.com/sessionkit/sessionkit-go"
)

// ScopeName is the instrumentation scope of the tracer and the meter.
const ScopeName = "github.com/sessionkit/sessionkit-go/otel"

// The attributes of sessionkit's own, next to the semantic conventions'.
const (
	// AttrAPI is the API a span or a measurement is about: "ductape",
	// "zoom", "arthur" or "monocloud".
	AttrAPI = attribute.Key("sessionkit.api")
	// AttrAttempts is the number of attempts a call made.
	AttrAttempts = attribute.Key("sessionkit.attempts")
	// AttrPage is the page number of a page of a walk by page numbers.
	AttrPage = attribute.Key("sessionkit.page.number")
	// AttrCursor is "[REDACTED]" on a page of a walk fetched with a page
	// token (the token itself is never recorded), and "" on the first page
	// of a listing by page tokens, fetched without one.
	AttrCursor = attribute.Key("sessionkit.page.cursor")
	// AttrItems is the number of items on a page of a walk.
	AttrItems = attribute.Key("sessionkit.page.items")
	// AttrWalkItems is the number of items a walk yielded.
	AttrWalkItems = attribute.Key("sessionkit.walk.items")
	// AttrRetryReason says why an attempt was retried: its status code
	// ("503"), "attempt_timeout" or "transport".
	AttrRetryReason = attribute.Key("sessionkit.retry.reason")
	// AttrWaitReason says why the client waited: "backoff",
	// "retry_after" or "rate_limit".
	AttrWaitReason = attribute.Key("sessionkit.wait.reason")
	// AttrWaitDuration is the length of a wait, in seconds, on a wait
	// event.
	AttrWaitDuration = attribute.Key("sessionkit.wait.duration")
)

// The names of the metrics, next to http.client.request.duration.
const (
	// MetricRetries counts retries, by API, route and reason.
	MetricRetries = "sessionkit.client.retries"
	// MetricWaitDuration is the time spent waiting before attempts
	// (backoff, Retry-After, rate limiter), in seconds, by API and reason.
	MetricWaitDuration = "sessionkit.client.wait.duration"
	// MetricPageItems is the number of items on each page a walk fetched,
	// by API and route; its sum is the items walks fetched.
	MetricPageItems = "sessionkit.client.page.items"
	// MetricRateLimited counts the answers with status 429, by API.
	MetricRateLimited = "sessionkit.client.rate_limited"
	// MetricWalkItems is the number of items each walk yielded, by API,
	// route and error.type (set when the walk ended with an error).
	MetricWalkItems = "sessionkit.client.walk.items"
)

// redacted is the value recorded in place of a page token.
const redacted = "[REDACTED]"

// Instrumentation records the spans and metrics of the clients it is
// given to (see [Instrumentation.Options]). It is safe for concurrent use
// and may serve several clients.
type Instrumentation struct {
	tracer      trace.Tracer
	duration    httpconv.ClientRequestDuration
	retries     metric.Int64Counter
	waits       metric.Float64Histogram
	pageItems   metric.Int64Histogram
	rateLimited metric.Int64Counter
	walkItems   metric.Int64Histogram
}

// New returns an [Instrumentation] that records spans with tp and metrics
// with mp; a nil provider means the global one ([otel.GetTracerProvider],
// [otel.GetMeterProvider]). An instrument the meter cannot make is reported
// to [otel.Handle] and records nothing.
func New(tp trace.TracerProvider, mp metric.MeterProvider) *Instrumentation {
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	m := mp.Meter(ScopeName, metric.WithInstrumentationVersion(sessionkit.Version))
	in := &Instrumentation{tracer: tp.Tracer(ScopeName, trace.WithInstrumentationVersion(sessionkit.Version))}
	var err error
	var errs []error
	in.duration, err = httpconv.NewClientRequestDuration(m, metric.WithExplicitBucketBoundaries(
		0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10))
	errs = append(errs, err)
	in.retries, err = m.Int64Counter(MetricRetries, metric.WithUnit("{retry}"),
		metric.WithDescription("Retries of HTTP requests, by reason."))
	errs = append(errs, err)
	in.waits, err = m.Float64Histogram(MetricWaitDuration, metric.WithUnit("s"),
		metric.WithDescription("Time spent waiting before an attempt: backoff, Retry-After, rate limiter."))
	errs = append(errs, err)
	in.pageItems, err = m.Int64Histogram(MetricPageItems, metric.WithUnit("{item}"),
		metric.WithDescription("Items on each page a walk fetched."),
		metric.WithExplicitBucketBoundaries(0, 1, 10, 30, 50, 100, 300, 1000))
	errs = append(errs, err)
	in.rateLimited, err = m.Int64Counter(MetricRateLimited, metric.WithUnit("{response}"),
		metric.WithDescription("Answers with status 429 Too Many Requests."))
	errs = append(errs, err)
	in.walkItems, err = m.Int64Histogram(MetricWalkItems, metric.WithUnit("{item}"),
		metric.WithDescription("Items each walk yielded."),
		metric.WithExplicitBucketBoundaries(0, 1, 10, 100, 1000, 10000, 100000, 1000000))
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		otel.Handle(err)
	}
	in.fallback()
	return in
}

// fallback replaces the instruments a meter failed to make with ones that
// record nothing.
func (in *Instrumentation) fallback() {
	var n noop.Meter
	if in.retries == nil {
		in.retries, _ = n.Int64Counter(MetricRetries)
	}
	if in.waits == nil {
		in.waits, _ = n.Float64Histogram(MetricWaitDuration)
	}
	if in.pageItems == nil {
		in.pageItems, _ = n.Int64Histogram(MetricPageItems)
	}
	if in.rateLimited == nil {
		in.rateLimited, _ = n.Int64Counter(MetricRateLimited)
	}
	if in.walkItems == nil {
		in.walkItems, _ = n.Int64Histogram(MetricWalkItems)
	}
}

// Options returns the options that make a client record its spans and
// metrics with tp and mp (nil: the global providers): a middleware (see
// [sessionkit.WithMiddleware]) for the attempts and an observer (see
// [sessionkit.WithObserver]) for the calls, waits and pages. Give them to
// [sessionkit.NewClient] once; a client derived with [sessionkit.Client.With]
// keeps recording.
func Options(tp trace.TracerProvider, mp metric.MeterProvider) []sessionkit.Option {
	return New(tp, mp).Options()
}

// Options returns the options that make a client record with in (see
// [Options]).
func (in *Instrumentation) Options() []sessionkit.Option {
	return []sessionkit.Option{sessionkit.WithMiddleware(in.Middleware), sessionkit.WithObserver(in)}
}

// Middleware records a CLIENT span and the request duration of every
// attempt; see [sessionkit.WithMiddleware].
func (in *Instrumentation) Middleware(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
	ctx := req.Context()
	a := attemptOf(req)
	ctx, span := in.tracer.Start(ctx, a.spanName(), trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(a.spanAttrs()...))
	began := time.Now()
	resp, err := next(req.WithContext(ctx))
	if err != nil {
		a.errorType = errorType(err)
		in.endAttempt(ctx, span, a, began)
		return resp, err
	}
	a.status = resp.StatusCode
	if a.status >= 400 {
		a.errorType = strconv.Itoa(a.status)
	}
	if a.status == http.StatusTooManyRequests {
		in.rateLimited.Add(ctx, 1, metric.WithAttributes(AttrAPI.String(a.api)))
	}
	resp.Body = &endOnClose{ReadCloser: resp.Body, end: func(err error) {
		if err != nil && a.errorType == "" {
			a.errorType = errorType(err)
		}
		in.endAttempt(ctx, span, a, began)
	}}
	return resp, nil
}

// attempt is what an attempt's span and measurement say.
type attempt struct {
	api, method, template string
	scheme, host          string
	port                  int
	resends               int
	status                int
	errorType             string
}

func attemptOf(req *http.Request) *attempt {
	ctx := req.Context()
	a := &attempt{method: req.Method, scheme: req.URL.Scheme, host: req.URL.Hostname()}
	if api, ok := sessionkit.APIFromContext(ctx); ok {
		a.api = api.String()
	}
	if m, tmpl, ok := strings.Cut(sessionkit.RouteFromContext(ctx), " "); ok {
		a.method, a.template = m, tmpl
	}
	a.port = portOf(req.URL.Port(), a.scheme)
	if n := sessionkit.AttemptFromContext(ctx); n > 1 {
		a.resends = n - 1
	}
	return a
}

func portOf(port, scheme string) int {
	if p, err := strconv.Atoi(port); err == nil {
		return p
	}
	if scheme == "http" {
		return 80
	}
	return 443
}

// spanName is "{method} {url.template}", or "{method}" without a route.
func (a *attempt) spanName() string {
	if a.template == "" {
		return a.method
	}
	return a.method + " " + a.template
}

func (a *attempt) common() []attribute.KeyValue {
	attrs := []attribute.KeyValue{
		semconv.HTTPRequestMethodKey.String(a.method),
		semconv.ServerAddress(a.host),
		semconv.ServerPort(a.port),
		semconv.URLScheme(a.scheme),
	}
	if a.template != "" {
		attrs = append(attrs, semconv.URLTemplate(a.template))
	}
	if a.api != "" {
		attrs = append(attrs, AttrAPI.String(a.api))
	}
	return attrs
}

func (a *attempt) spanAttrs() []attribute.KeyValue {
	attrs := a.common()
	if a.resends > 0 {
		attrs = append(attrs, semconv.HTTPRequestResendCount(a.resends))
	}
	return attrs
}

func (a *attempt) outcome() []attribute.KeyValue {
	var attrs []attribute.KeyValue
	if a.status > 0 {
		attrs = append(attrs, semconv.HTTPResponseStatusCode(a.status))
	}
	if a.errorType != "" {
		attrs = append(attrs, semconv.ErrorTypeKey.String(a.errorType))
	}
	return attrs
}

func (in *Instrumentation) endAttempt(ctx context.Context, span trace.Span, a *attempt, began time.Time) {
	out := a.outcome()
	span.SetAttributes(out...)
	if a.errorType != "" {
		span.SetStatus(codes.Error, "")
	}
	span.End()
	in.duration.Inst().Record(ctx, time.Since(began).Seconds(), metric.WithAttributes(append(a.common(), out...)...))
}

// endOnClose runs end once, when the body is read to its end, breaks off
// (with the error) or is closed: the attempt's span covers the body.
type endOnClose struct {
	io.ReadCloser
	once sync.Once
	end  func(error)
}

func (b *endOnClose) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		failed := err
		if errors.Is(err, io.EOF) {
			failed = nil
		}
		b.once.Do(func() { b.end(failed) })
	}
	return n, err
}

func (b *endOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(func() { b.end(nil) })
	return err
}

// CallStart starts the INTERNAL span of a call, which encloses its
// attempts and waits; see [sessionkit.Observer].
func (in *Instrumentation) CallStart(ctx context.Context, info sessionkit.CallInfo) (context.Context, func(sessionkit.CallResult)) {
	attrs := routeAttrs(info.API, info.Route)
	ctx, span := in.tracer.Start(ctx, "sessionkit.call "+info.Route, trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(attrs...))
	return ctx, func(res sessionkit.CallResult) {
		span.SetAttributes(AttrAttempts.Int(res.Attempts))
		if res.StatusCode > 0 {
			span.SetAttributes(semconv.HTTPResponseStatusCode(res.StatusCode))
		}
		if res.Err != nil {
			span.SetAttributes(semconv.ErrorTypeKey.String(errorType(res.Err)))
			span.SetStatus(codes.Error, "")
		}
		span.End()
	}
}

// Wait records a wait on the call's span, as an event, and in the
// metrics; see [sessionkit.Observer].
func (in *Instrumentation) Wait(ctx context.Context, info sessionkit.WaitInfo) {
	api := AttrAPI.String(info.API.String())
	reason := AttrWaitReason.String(info.Reason.String())
	trace.SpanFromContext(ctx).AddEvent("sessionkit.wait", trace.WithAttributes(
		reason, AttrWaitDuration.Float64(info.Duration.Seconds())))
	in.waits.Record(ctx, info.Duration.Seconds(), metric.WithAttributes(api, reason))
	if info.Reason == sessionkit.WaitRateLimit {
		return
	}
	in.retries.Add(ctx, 1, metric.WithAttributes(api, AttrRetryReason.String(retryReason(info)), templateOf(info.Route)))
}

// PageStart starts the INTERNAL span of a page of a walk, which encloses
// the page's call; see [sessionkit.Observer].
func (in *Instrumentation) PageStart(ctx context.Context, info sessionkit.PageInfo) (context.Context, func(sessionkit.PageResult)) {
	attrs := routeAttrs(info.API, info.Route)
	if info.HasToken {
		attrs = append(attrs, AttrCursor.String(redacted))
	}
	ctx, span := in.tracer.Start(ctx, "sessionkit.page "+info.Route, trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(attrs...))
	return ctx, func(res sessionkit.PageResult) {
		switch {
		case info.HasToken:
		case res.ByToken:
			span.SetAttributes(AttrCursor.String("")) // the first page: no token
		default:
			span.SetAttributes(AttrPage.Int(info.Page))
		}
		span.SetAttributes(AttrItems.Int(res.Items))
		if res.Err != nil {
			span.SetAttributes(semconv.ErrorTypeKey.String(errorType(res.Err)))
			span.SetStatus(codes.Error, "")
		} else {
			in.pageItems.Record(ctx, int64(res.Items), metric.WithAttributes(AttrAPI.String(info.API.String()), templateOf(info.Route)))
		}
		span.End()
	}
}

// Walk records the INTERNAL span of a walk that ended, from its start to
// its end, and the items it yielded; see [sessionkit.Observer]. The span is
// made when the walk ends, so its pages are not its children: they are
// siblings under the walk's context.
func (in *Instrumentation) Walk(ctx context.Context, info sessionkit.WalkInfo) {
	attrs := routeAttrs(info.API, info.Route)
	metricAttrs := []attribute.KeyValue{AttrAPI.String(info.API.String()), templateOf(info.Route)}
	end := time.Now()
	_, span := in.tracer.Start(ctx, "sessionkit.walk "+info.Route, trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithTimestamp(end.Add(-info.Duration)), trace.WithAttributes(append(attrs, AttrWalkItems.Int(info.Items))...))
	if info.Err != nil {
		et := semconv.ErrorTypeKey.String(errorType(info.Err))
		span.SetAttributes(et)
		span.SetStatus(codes.Error, "")
		metricAttrs = append(metricAttrs, et)
	}
	span.End(trace.WithTimestamp(end))
	in.walkItems.Record(ctx, int64(info.Items), metric.WithAttributes(metricAttrs...))
}

func routeAttrs(api sessionkit.API, route string) []attribute.KeyValue {
	method, _, _ := strings.Cut(route, " ")
	return []attribute.KeyValue{AttrAPI.String(api.String()), semconv.HTTPRequestMethodKey.String(method), templateOf(route)}
}

func templateOf(route string) attribute.KeyValue {
	_, tmpl, _ := strings.Cut(route, " ")
	return semconv.URLTemplate(tmpl)
}

func retryReason(info sessionkit.WaitInfo) string {
	switch {
	case info.StatusCode > 0:
		return strconv.Itoa(info.StatusCode)
	case errors.Is(info.Err, sessionkit.ErrAttemptTimeout):
		return "attempt_timeout"
	}
	return "transport"
}

// errorType is the error.type of err: an answer's status code, or the
// kind of failure, never the error's text.
func errorType(err error) string {
	var ae *sessionkit.APIError
	var me *sessionkit.MalformedError
	var ne net.Error
	switch {
	case errors.As(err, &ae):
		return strconv.Itoa(ae.StatusCode)
	case errors.Is(err, sessionkit.ErrAttemptTimeout):
		return "attempt_timeout"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.As(err, &me):
		return "malformed_response"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "connection_closed"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection_refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection_reset"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	}
	return typeName(err)
}

// typeName is the type of the first error in err's chain that is not a
// plain wrapper (of the errors and fmt packages, or the SDK's own), else
// of the innermost error.
func typeName(err error) string {
	last := err
	for e := err; e != nil; e = errors.Unwrap(e) {
		last = e
		t := reflect.TypeOf(e)
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch pkg := t.PkgPath(); {
		case pkg == "errors", pkg == "fmt", strings.HasPrefix(pkg, "github.com/sessionkit/sessionkit-go"):
			continue
		}
		return semconv.ErrorType(e).Value.AsString()
	}
	return semconv.ErrorType(last).Value.AsString()
}
