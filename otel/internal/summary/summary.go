// Package summary renders recorded spans and metrics as sorted lines of
// text, for the tests and the example of the otel module.
package summary

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Attrs renders attributes as k=v, sorted by key; the values of the keys
// in hide are replaced by "*" (a port the test server picked, say).
func Attrs(kvs []attribute.KeyValue, hide ...attribute.Key) string {
	parts := make([]string, 0, len(kvs))
	for _, kv := range kvs {
		v := kv.Value.Emit()
		for _, h := range hide {
			if kv.Key == h {
				v = "*"
			}
		}
		parts = append(parts, string(kv.Key)+"="+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

// Span renders a span as "name (kind) parent=... {attrs} events...".
func Span(s sdktrace.ReadOnlySpan, parents map[string]string, hide ...attribute.Key) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s) parent=%q {%s}", s.Name(), s.SpanKind(), parents[s.Parent().SpanID().String()], Attrs(s.Attributes(), hide...))
	if st := s.Status(); st.Code.String() != "Unset" {
		fmt.Fprintf(&b, " status=%s%q", st.Code, st.Description)
	}
	for _, e := range s.Events() {
		fmt.Fprintf(&b, " event %s {%s}", e.Name, Attrs(e.Attributes, "sessionkit.wait.duration"))
	}
	return b.String()
}

// Spans renders spans in the order they ended, each naming its parent.
func Spans(spans []sdktrace.ReadOnlySpan, hide ...attribute.Key) []string {
	parents := map[string]string{}
	for _, s := range spans {
		parents[s.SpanContext().SpanID().String()] = s.Name()
	}
	out := make([]string, 0, len(spans))
	for _, s := range spans {
		out = append(out, Span(s, parents, hide...))
	}
	return out
}

// Metrics renders every data point as one line, "name{attrs} value",
// sorted: a sum's value, a histogram's count and sum (hidden for the
// metrics named in timed, whose sums are times).
func Metrics(rm *metricdata.ResourceMetrics, timed map[string]bool, hide ...attribute.Key) []string {
	var out []string
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			out = append(out, points(m, timed[m.Name], hide)...)
		}
	}
	sort.Strings(out)
	return out
}

func points(m metricdata.Metrics, timed bool, hide []attribute.Key) []string {
	var out []string
	line := func(set attribute.Set, value string) {
		out = append(out, fmt.Sprintf("%s{%s} %s", m.Name, Attrs(set.ToSlice(), hide...), value))
	}
	hist := func(set attribute.Set, count uint64, sum float64) {
		if timed {
			line(set, fmt.Sprintf("count=%d", count))
			return
		}
		line(set, fmt.Sprintf("count=%d sum=%g", count, sum))
	}
	switch d := m.Data.(type) {
	case metricdata.Sum[int64]:
		for _, p := range d.DataPoints {
			line(p.Attributes, fmt.Sprint(p.Value))
		}
	case metricdata.Sum[float64]:
		for _, p := range d.DataPoints {
			line(p.Attributes, fmt.Sprint(p.Value))
		}
	case metricdata.Histogram[int64]:
		for _, p := range d.DataPoints {
			hist(p.Attributes, p.Count, float64(p.Sum))
		}
	case metricdata.Histogram[float64]:
		for _, p := range d.DataPoints {
			hist(p.Attributes, p.Count, p.Sum)
		}
	}
	return out
}

// Write writes lines to w, one a line.
func Write(w io.Writer, lines []string) error {
	for _, l := range lines {
		if _, err := fmt.Fprintln(w, l); err != nil {
			return err
		}
	}
	return nil
}
