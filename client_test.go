package sessionkit_test

// Client configuration: which credential and base URL each API's request
// gets (global options, ForAPI, default base URLs, path prefixes); building
// a Client sends nothing, leaves the caller's http.Client alone, and the
// Client is safe for concurrent use.

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sessionkit "github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/internal/testutil"
)

// confArgs are what the conformance calls ask for.
var confArgs = listArgs{product: "p", session: "s", zoomSession: "s1", tasks: []string{"t"}, monoUser: "u1"}

// confRoute is the endpoint path (below the base URL) api's conformance
// call hits.
func confRoute(api sessionkit.API) string { return apis[api].route("ws_1", confArgs) }

// confCall makes one cheap call to api.
func confCall(ctx context.Context, c *sessionkit.Client, api sessionkit.API) error {
	_, _, err := apis[api].page(ctx, c, confArgs, startPos{}, 0)
	return err
}

// confAPIOf tells which API a recorded path belongs to.
func confAPIOf(t *testing.T, escapedPath string) sessionkit.API {
	t.Helper()
	for _, api := range allAPIs {
		if strings.HasSuffix(escapedPath, confRoute(api)) {
			return api
		}
	}
	t.Fatalf("unexpected path %q", escapedPath)
	return 0
}

// confServer is a Recorder answering every API's conformance route.
func confServer(t *testing.T) *testutil.Recorder {
	t.Helper()
	return testutil.NewRecorder(t, func(_ int, r *http.Request) testutil.Reply {
		return testutil.JSON(http.StatusOK, apis[confAPIOf(t, r.URL.EscapedPath())].emptyBody)
	})
}

func confNewClient(t *testing.T, opts ...sessionkit.Option) *sessionkit.Client {
	t.Helper()
	c, err := sessionkit.NewClient(append([]sessionkit.Option{
		sessionkit.WithWorkspaceID("ws_1"), sessionkit.WithMaxRetries(0),
	}, opts...)...)
	require.NoError(t, err)
	return c
}

func TestAuthPerAPI(t *testing.T) {
	const key = "one-key-for-all"
	rec := confServer(t)
	c := confNewClient(t, sessionkit.WithBaseURL(rec.URL), sessionkit.WithAPIKey(key))
	tests := []struct {
		api        sessionkit.API
		authz      string
		apiKeyHead string
	}{
		{sessionkit.Ductape, "Bearer " + key, ""},
		{sessionkit.Zoom, "Bearer " + key, ""},
		{sessionkit.Arthur, "Bearer " + key, ""},
		{sessionkit.MonoCloud, "", key},
	}
	for _, tt := range tests {
		t.Run(tt.api.String(), func(t *testing.T) {
			require.NoError(t, confCall(context.Background(), c, tt.api))
			got := rec.Last()
			assert.Equal(t, testutil.Prefix+confRoute(tt.api), got.EscapedPath)
			assert.Equal(t, tt.authz, got.Header.Get("Authorization"))
			assert.Equal(t, tt.apiKeyHead, got.Header.Get("X-API-KEY"))
			if tt.authz == "" {
				assert.NotContains(t, got.Header, "Authorization", "no Authorization header at all")
			}
			if tt.apiKeyHead == "" {
				assert.NotContains(t, got.Header, "X-Api-Key")
			}
			assert.NotContains(t, got.RawQuery, key, "never in the query")
			assert.Equal(t, "sessionkit-go/"+sessionkit.Version, got.Header.Get("User-Agent"))
			assert.Equal(t, "application/json", got.Header.Get("Accept"))
		})
	}
}

// fakeTransport answers every request with a canned 200 body chosen by
// the request's path, and remembers the URLs and headers it saw.
type fakeTransport struct {
	calls   atomic.Int32
	urls    []string
	headers []http.Header
}

func (f *fakeTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.calls.Add(1)
	f.urls = append(f.urls, r.URL.String())
	f.headers = append(f.headers, r.Header.Clone())
	body := "{}"
	for _, api := range allAPIs {
		if strings.HasSuffix(r.URL.EscapedPath(), confRoute(api)) {
			body = apis[api].emptyBody
		}
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(strings.NewReader(body)),
		Request:    r,
	}, nil
}

func TestDefaultBaseURLs(t *testing.T) {
	tests := []struct {
		api     sessionkit.API
		wantURL string
	}{
		{sessionkit.Ductape, "https://api.ductape.app/integrations/v1/session/users/ws_1?product_tag=p&session_tag=s"},
		{sessionkit.Zoom, "https://api.zoom.us/v2/videosdk/sessions/s1/users"},
	}
	for _, tt := range tests {
		t.Run(tt.api.String(), func(t *testing.T) {
			ft := &fakeTransport{}
			c := confNewClient(t, sessionkit.WithAPIKey("test-key"), sessionkit.WithHTTPClient(&http.Client{Transport: ft}))
			require.NoError(t, confCall(context.Background(), c, tt.api))
			require.Equal(t, []string{tt.wantURL}, ft.urls)
			assert.Equal(t, "Bearer test-key", ft.headers[0].Get("Authorization"), "the default origin gets the key")
		})
	}

	for _, api := range []sessionkit.API{sessionkit.Arthur, sessionkit.MonoCloud} {
		t.Run(api.String()+" has no default", func(t *testing.T) {
			ft := &fakeTransport{}
			c := confNewClient(t, sessionkit.WithAPIKey("test-key"), sessionkit.WithHTTPClient(&http.Client{Transport: ft}))
			err := confCall(context.Background(), c, api)
			require.ErrorIs(t, err, sessionkit.ErrInvalidOptions)
			assert.Contains(t, err.Error(), "base URL")
			assert.Contains(t, err.Error(), api.String())
			assert.Zero(t, ft.calls.Load(), "no request is sent")
		})
	}

	t.Run("a global base URL replaces every default", func(t *testing.T) {
		ft := &fakeTransport{}
		c := confNewClient(t, sessionkit.WithBaseURL("http://proxy.internal:8080/gw"), sessionkit.WithHTTPClient(&http.Client{Transport: ft}))
		for _, api := range allAPIs {
			require.NoError(t, confCall(context.Background(), c, api))
		}
		require.Len(t, ft.urls, 4)
		for _, u := range ft.urls {
			assert.True(t, strings.HasPrefix(u, "http://proxy.internal:8080/gw/"), u)
		}
	})
}

func TestNewClientMakesNoRequest(t *testing.T) {
	ft := &fakeTransport{}
	_, err := sessionkit.NewClient(sessionkit.WithAPIKey("test-key"), sessionkit.WithWorkspaceID("w"),
		sessionkit.WithHTTPClient(&http.Client{Transport: ft}))
	require.NoError(t, err)
	assert.Zero(t, ft.calls.Load())
}

// want is where one API's request must go and what credential it carries.
type want struct {
	server string // "A" or "B"
	key    string
}

func TestForAPIPrecedence(t *testing.T) {
	tests := []struct {
		name string
		opts func(a, b string) []sessionkit.Option
		want map[sessionkit.API]want
	}{
		{
			name: "scoped key given after the global one wins",
			opts: func(a, _ string) []sessionkit.Option {
				return []sessionkit.Option{sessionkit.WithBaseURL(a), sessionkit.WithAPIKey("global-key-1234"),
					sessionkit.ForAPI(sessionkit.MonoCloud, sessionkit.WithAPIKey("mono-key-1234"))}
			},
			want: map[sessionkit.API]want{sessionkit.Ductape: {"A", "global-key-1234"}, sessionkit.Zoom: {"A", "global-key-1234"}, sessionkit.Arthur: {"A", "global-key-1234"}, sessionkit.MonoCloud: {"A", "mono-key-1234"}},
		},
		{
			name: "scoped key given before the global one wins",
			opts: func(a, _ string) []sessionkit.Option {
				return []sessionkit.Option{sessionkit.ForAPI(sessionkit.MonoCloud, sessionkit.WithAPIKey("mono-key-1234")),
					sessionkit.WithAPIKey("global-key-1234"), sessionkit.WithBaseURL(a)}
			},
			want: map[sessionkit.API]want{sessionkit.Ductape: {"A", "global-key-1234"}, sessionkit.Zoom: {"A", "global-key-1234"}, sessionkit.Arthur: {"A", "global-key-1234"}, sessionkit.MonoCloud: {"A", "mono-key-1234"}},
		},
		{
			name: "scoped base URL alone keeps the global key",
			opts: func(a, b string) []sessionkit.Option {
				return []sessionkit.Option{sessionkit.WithBaseURL(a), sessionkit.WithAPIKey("global-key-1234"),
					sessionkit.ForAPI(sessionkit.Arthur, sessionkit.WithBaseURL(b))}
			},
			want: map[sessionkit.API]want{sessionkit.Ductape: {"A", "global-key-1234"}, sessionkit.Zoom: {"A", "global-key-1234"}, sessionkit.Arthur: {"B", "global-key-1234"}, sessionkit.MonoCloud: {"A", "global-key-1234"}},
		},
		{
			name: "scoped base URL before the global one wins",
			opts: func(a, b string) []sessionkit.Option {
				return []sessionkit.Option{sessionkit.ForAPI(sessionkit.Arthur, sessionkit.WithBaseURL(b)),
					sessionkit.WithBaseURL(a), sessionkit.WithAPIKey("global-key-1234")}
			},
			want: map[sessionkit.API]want{sessionkit.Ductape: {"A", "global-key-1234"}, sessionkit.Zoom: {"A", "global-key-1234"}, sessionkit.Arthur: {"B", "global-key-1234"}, sessionkit.MonoCloud: {"A", "global-key-1234"}},
		},
		{
			name: "later options of the same scope override earlier ones",
			opts: func(a, b string) []sessionkit.Option {
				return []sessionkit.Option{sessionkit.WithBaseURL(b), sessionkit.WithAPIKey("old-key-1234"),
					sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithAPIKey("z1-key-1234"), sessionkit.WithBaseURL(a)),
					sessionkit.WithBaseURL(a), sessionkit.WithAPIKey("new-key-1234"),
					sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithAPIKey("z2-key-1234"), sessionkit.WithBaseURL(b))}
			},
			want: map[sessionkit.API]want{sessionkit.Ductape: {"A", "new-key-1234"}, sessionkit.Zoom: {"B", "z2-key-1234"}, sessionkit.Arthur: {"A", "new-key-1234"}, sessionkit.MonoCloud: {"A", "new-key-1234"}},
		},
		{
			name: "every API its own host and key, no global",
			opts: func(a, b string) []sessionkit.Option {
				return []sessionkit.Option{
					sessionkit.ForAPI(sessionkit.Ductape, sessionkit.WithBaseURL(a), sessionkit.WithAPIKey("kd-key-1234")),
					sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithBaseURL(a), sessionkit.WithAPIKey("kz-key-1234")),
					sessionkit.ForAPI(sessionkit.Arthur, sessionkit.WithBaseURL(b), sessionkit.WithAPIKey("ka-key-1234")),
					sessionkit.ForAPI(sessionkit.MonoCloud, sessionkit.WithBaseURL(b), sessionkit.WithAPIKey("km-key-1234")),
				}
			},
			want: map[sessionkit.API]want{sessionkit.Ductape: {"A", "kd-key-1234"}, sessionkit.Zoom: {"A", "kz-key-1234"}, sessionkit.Arthur: {"B", "ka-key-1234"}, sessionkit.MonoCloud: {"B", "km-key-1234"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := map[string]*testutil.Recorder{"A": confServer(t), "B": confServer(t)}
			c := confNewClient(t, tt.opts(srv["A"].URL, srv["B"].URL)...)
			for _, api := range allAPIs {
				require.NoError(t, confCall(context.Background(), c, api), api.String())
			}
			for name, rec := range srv {
				for _, r := range rec.Requests() {
					api := confAPIOf(t, r.EscapedPath)
					w := tt.want[api]
					assert.Equal(t, w.server, name, "%s went to the wrong server", api)
					if apis[api].keyHeader {
						assert.Equal(t, w.key, r.Header.Get("X-API-KEY"), api.String())
						assert.Empty(t, r.Header.Values("Authorization"), api.String())
					} else {
						assert.Equal(t, "Bearer "+w.key, r.Header.Get("Authorization"), api.String())
						assert.Empty(t, r.Header.Values("X-Api-Key"), api.String())
					}
					// No other API's key in any header or the query.
					for other, ow := range tt.want {
						if ow.key == w.key {
							continue
						}
						for h, vs := range r.Header {
							for _, v := range vs {
								assert.NotContains(t, v, ow.key, "%s's key reached %s in header %s", other, api, h)
							}
						}
						assert.NotContains(t, r.RawQuery, ow.key)
					}
				}
			}
			assert.Equal(t, 4, srv["A"].Count()+srv["B"].Count())
		})
	}
}

func TestBaseURLPathPrefix(t *testing.T) {
	tests := []struct {
		suffix     string // appended to the recorder's URL (which ends in /prefix)
		wantPrefix string
	}{
		{"", testutil.Prefix},
		{"/", testutil.Prefix},
		{"/proxy", testutil.Prefix + "/proxy"},
		{"/proxy/", testutil.Prefix + "/proxy"},
		{"/a/b/v2/", testutil.Prefix + "/a/b/v2"},
		{"/a%20b", testutil.Prefix + "/a%20b"},
	}
	for _, tt := range tests {
		t.Run(tt.suffix, func(t *testing.T) {
			rec := confServer(t)
			c := confNewClient(t, sessionkit.WithBaseURL(rec.URL+tt.suffix), sessionkit.WithAPIKey("test-key"))
			for _, api := range allAPIs {
				require.NoError(t, confCall(context.Background(), c, api))
				assert.Equal(t, tt.wantPrefix+confRoute(api), rec.Last().EscapedPath, api.String())
			}
		})
	}
}

// confCountingRT counts the requests it forwards to the default transport.
type confCountingRT struct{ n atomic.Int32 }

func (c *confCountingRT) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

func TestWithHTTPClientNotMutated(t *testing.T) {
	rec := confServer(t)
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	var redirects atomic.Int32
	checkRedirect := func(*http.Request, []*http.Request) error { redirects.Add(1); return nil }
	transport := &confCountingRT{}

	tests := []struct {
		name string
		hc   *http.Client
	}{
		{"every field set", &http.Client{Transport: transport, CheckRedirect: checkRedirect, Jar: jar, Timeout: 7 * time.Second}},
		{"only a transport", &http.Client{Transport: transport}},
		{"zero client", &http.Client{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := *tt.hc
			beforeRedirect := reflect.ValueOf(tt.hc.CheckRedirect).Pointer()
			c := confNewClient(t, sessionkit.WithBaseURL(rec.URL), sessionkit.WithAPIKey("test-key"),
				sessionkit.WithHTTPClient(tt.hc), sessionkit.WithAttemptTimeout(time.Second))
			transport.n.Store(0)
			for _, api := range allAPIs {
				require.NoError(t, confCall(context.Background(), c, api))
			}
			if tt.hc.Transport != nil {
				assert.Equal(t, int32(4), transport.n.Load(), "the caller's transport is used")
			}
			assert.True(t, before.Transport == tt.hc.Transport, "Transport replaced")
			assert.Equal(t, before.Jar, tt.hc.Jar)
			assert.Equal(t, before.Timeout, tt.hc.Timeout)
			assert.Equal(t, beforeRedirect, reflect.ValueOf(tt.hc.CheckRedirect).Pointer())
			assert.Equal(t, before.CheckRedirect == nil, tt.hc.CheckRedirect == nil)
		})
	}
}

func TestAPIString(t *testing.T) {
	assert.Equal(t, []string{"ductape", "zoom", "arthur", "monocloud"},
		[]string{sessionkit.Ductape.String(), sessionkit.Zoom.String(), sessionkit.Arthur.String(), sessionkit.MonoCloud.String()})
}

func TestClientConcurrentUse(t *testing.T) {
	rec := confServer(t)
	c := confNewClient(t, sessionkit.WithBaseURL(rec.URL), sessionkit.WithAPIKey("test-key"))
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		go func() { errs <- confCall(context.Background(), c, allAPIs[i%4]) }()
	}
	for i := 0; i < 16; i++ {
		assert.NoError(t, <-errs)
	}
	assert.Equal(t, 16, rec.Count())
}
