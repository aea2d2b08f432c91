package sessionkit_test

// Decode-only benchmarks: the same 5,000-item pages as the page
// benchmarks, answered from memory by a transport instead of a server, so
// that the SDK/raw ratio is about decoding alone (the per-request cost of
// either side is about 0.1 % of a page). BenchmarkDecodeRaw_<API> is the
// hand-written encoding/json loop, BenchmarkDecodeSDK_<API> the SDK's page
// call, BenchmarkDecodeRatio_<API> the two alternated inside each
// iteration (the ratios to trust on a busy machine).

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/sessionkit/sessionkit-go"
)

// pageTransport answers every listing request with the API's
// pre-generated 5,000-item page, from memory.
type pageTransport struct {
	pages [4]*httptest.ResponseRecorder
}

var (
	memoryPagesOnce sync.Once
	memoryPages     *pageTransport
)

// benchPageTransport returns the transport, its pages generated once.
func benchPageTransport() *pageTransport {
	memoryPagesOnce.Do(func() {
		s := &fixtureServer{cfg: fixtureConfig{perPage: benchItems, pages: 1}}
		memoryPages = &pageTransport{}
		for _, api := range allAPIs {
			s.shared[api] = sharedFixtureItems(api, benchItemsOf(api))
			rec := httptest.NewRecorder()
			s.writePage(rec, api, 0)
			memoryPages.pages[api] = rec
		}
	})
	return memoryPages
}

func (t *pageTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	api, _, ok := fixtureRoute(req)
	if !ok {
		return nil, fmt.Errorf("no route for %s", req.URL.Path)
	}
	rec := t.pages[api]
	body := rec.Body.Bytes()
	return &http.Response{
		StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: rec.Header().Clone(), Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: req,
	}, nil
}

const memoryBase = "http://sessionkit.invalid"

func newMemoryClients(b *testing.B) (*sessionkit.Client, *rawClient) {
	hc := &http.Client{Transport: benchPageTransport()}
	return newClient(b, memoryBase, sessionkit.WithHTTPClient(hc)), &rawClient{hc: hc, base: memoryBase}
}

func benchDecodeSDK(b *testing.B, api sessionkit.API) {
	c, _ := newMemoryClients(b)
	b.SetBytes(int64(benchPageTransport().pages[api].Body.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if n, err := fixturePage(b.Context(), c, api, 0, benchItemsOf(api)); err != nil || n != benchItemsOf(api) {
			b.Fatalf("page: %d items, %v", n, err)
		}
	}
}

func benchDecodeRaw(b *testing.B, api sessionkit.API) {
	_, rc := newMemoryClients(b)
	b.SetBytes(int64(benchPageTransport().pages[api].Body.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if _, n, err := rc.rawPage(b.Context(), api, 0, benchItemsOf(api)); err != nil || n != benchItemsOf(api) {
			b.Fatalf("page: %d items, %v", n, err)
		}
	}
}

func benchDecodeRatio(b *testing.B, api sessionkit.API) {
	c, rc := newMemoryClients(b)
	benchRatioOf(b, api, c, rc)
}

// BenchmarkDecodeRaw_Ductape decodes a 5,000-user Ductape page from
// memory with the hand-written encoding/json loop.
func BenchmarkDecodeRaw_Ductape(b *testing.B) { benchDecodeRaw(b, sessionkit.Ductape) }

// BenchmarkDecodeSDK_Ductape decodes the same page with
// Sessions.FetchUsers.
func BenchmarkDecodeSDK_Ductape(b *testing.B) { benchDecodeSDK(b, sessionkit.Ductape) }

// BenchmarkDecodeRatio_Ductape alternates the two.
func BenchmarkDecodeRatio_Ductape(b *testing.B) { benchDecodeRatio(b, sessionkit.Ductape) }

// BenchmarkDecodeRaw_Zoom is BenchmarkDecodeRaw_Ductape for Zoom.
func BenchmarkDecodeRaw_Zoom(b *testing.B) { benchDecodeRaw(b, sessionkit.Zoom) }

// BenchmarkDecodeSDK_Zoom decodes the same page with Sessions.ListUsers.
func BenchmarkDecodeSDK_Zoom(b *testing.B) { benchDecodeSDK(b, sessionkit.Zoom) }

// BenchmarkDecodeRatio_Zoom alternates the two.
func BenchmarkDecodeRatio_Zoom(b *testing.B) { benchDecodeRatio(b, sessionkit.Zoom) }

// BenchmarkDecodeRaw_Arthur is BenchmarkDecodeRaw_Ductape for Arthur.
func BenchmarkDecodeRaw_Arthur(b *testing.B) { benchDecodeRaw(b, sessionkit.Arthur) }

// BenchmarkDecodeSDK_Arthur decodes the same page with Traces.Users.
func BenchmarkDecodeSDK_Arthur(b *testing.B) { benchDecodeSDK(b, sessionkit.Arthur) }

// BenchmarkDecodeRatio_Arthur alternates the two.
func BenchmarkDecodeRatio_Arthur(b *testing.B) { benchDecodeRatio(b, sessionkit.Arthur) }

// BenchmarkDecodeRaw_MonoCloud is BenchmarkDecodeRaw_Ductape for
// MonoCloud.
func BenchmarkDecodeRaw_MonoCloud(b *testing.B) { benchDecodeRaw(b, sessionkit.MonoCloud) }

// BenchmarkDecodeSDK_MonoCloud decodes the same page with Users.Sessions.
func BenchmarkDecodeSDK_MonoCloud(b *testing.B) { benchDecodeSDK(b, sessionkit.MonoCloud) }

// BenchmarkDecodeRatio_MonoCloud alternates the two.
func BenchmarkDecodeRatio_MonoCloud(b *testing.B) { benchDecodeRatio(b, sessionkit.MonoCloud) }
