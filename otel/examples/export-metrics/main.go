// Command export-metrics runs an export-like walk with OpenTelemetry
// tracing and metrics (the skotel options) and prints a summary of what
// was recorded at the end of the run.
//
// It runs offline against sessionkittest, an in-process fake of the four
// APIs, and walks the users of every past Zoom session the fake lists and
// the Ductape users of its product. Faults make the run show retries: the
// second page of the first Zoom walk fails once with 503, and the first
// Ductape request gets one 429 with Retry-After: 1.
//
//	go run ./examples/export-metrics              # the metric summary
//	go run ./examples/export-metrics -spans       # and every span
//
// A real program gives [skotel.Options] its own providers (an OTLP exporter,
// say) instead of the in-memory ones used here.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

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

func main() {
	users := flag.Int("fake-users", 120, "rows per listing in the offline fake")
	pageSize := flag.Int("page-size", 30, "page size of the walks")
	spans := flag.Bool("spans", false, "print every span too")
	flag.Parse()
	if err := run(context.Background(), *users, *pageSize, *spans); err != nil {
		fmt.Fprintln(os.Stderr, "export-metrics:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, users, pageSize int, printSpans bool) error {
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(users))
	defer srv.Close()
	srv.Fault(sessionkittest.Match{API: sessionkittest.Zoom, Route: "/videosdk/sessions/*/users", Page: 2}, sessionkittest.Status(503), sessionkittest.Times(1))
	srv.Fault(sessionkittest.Match{API: sessionkittest.Ductape}, sessionkittest.Status(429).RetryAfter("1"), sessionkittest.Times(1))

	recorder := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(recorder))
	defer func() { _ = tp.Shutdown(ctx) }()
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer func() { _ = mp.Shutdown(ctx) }()

	opts := append(skotel.Options(tp, mp), sessionkit.WithRetryWait(10*time.Millisecond, 2*time.Second))
	client, err := srv.NewClient(opts...)
	if err != nil {
		return err
	}
	rows, err := walk(ctx, client, srv.Data(), pageSize)
	if err != nil {
		return err
	}
	fmt.Printf("exported %d rows\n\n", rows)

	if printSpans {
		fmt.Println("spans, in the order they ended:")
		if err := summary.Write(os.Stdout, summary.Spans(recorder.Ended(), "server.port")); err != nil {
			return err
		}
		fmt.Println()
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		return err
	}
	fmt.Println("metrics (durations in seconds):")
	return summary.Write(os.Stdout, summary.Metrics(&rm, nil, "server.port"))
}

// walk exports the users of every past Zoom session of the fake, and its
// Ductape users, and returns the number of rows.
func walk(ctx context.Context, client *sessionkit.Client, d *sessionkittest.Dataset, pageSize int) (int, error) {
	rows := 0
	for _, id := range d.ZoomSessionIDs {
		for _, err := range client.Sessions.ListUsersIter(ctx, id, sessions.ListUsersOptions{Type: sessions.Past, PageSize: pageSize}) {
			if err != nil {
				return rows, err
			}
			rows++
		}
	}
	for _, err := range client.Sessions.FetchUsersIter(ctx, sessions.FetchUsersOptions{Product: d.Product, Session: d.Session, Env: d.Env, Limit: pageSize}) {
		if err != nil {
			return rows, err
		}
		rows++
	}
	return rows, nil
}
