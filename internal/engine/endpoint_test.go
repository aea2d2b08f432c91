package engine_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/sessionkit/sessionkit-go/internal/engine"
	"github.com/sessionkit/sessionkit-go/internal/testutil"
)

// shelfArgs are the arguments of the test endpoints: a path argument, a
// position and, for the split endpoint, the part a walk of it is in.
type shelfArgs struct {
	shelf string
	page  int
	token string
	parts []string // Split: one part per name
	part  string
}

type shelfQuery struct {
	Page  int    `url:"page,omitempty"`
	Token string `url:"token,omitempty"`
	Part  string `url:"part,omitempty"`
}

// shelfPage is the wire body and the page of the test endpoints.
type shelfPage struct {
	Items []string `json:"items"`
	Next  string   `json:"next"`
	Total int      `json:"total"`
}

// shelfEndpoint is a 1-based listing of GET /shelves/{shelf}, 3 items a
// page, the total in the body; paths counts the calls of Path.
func shelfEndpoint(paths *atomic.Int32) *engine.Endpoint[shelfArgs, *shelfPage, *shelfPage, string] {
	return &engine.Endpoint[shelfArgs, *shelfPage, *shelfPage, string]{
		API: engine.Arthur, Method: http.MethodGet, Route: "/shelves/{shelf}",
		Path: func(_ *engine.Client, a shelfArgs) (string, error) {
			paths.Add(1)
			seg, err := engine.Segment("shelf", a.shelf)
			return "shelves/" + seg, err
		},
		Cursor:    func(a shelfArgs) engine.Cursor { return engine.Cursor{Page: a.page, Token: a.token} },
		FirstPage: 1,
		Query: func(a shelfArgs, at engine.Cursor) any {
			return shelfQuery{Page: at.Page, Token: at.Token, Part: a.part}
		},
		Wire:   func(shelfArgs) *shelfPage { return new(shelfPage) },
		Result: func(_ shelfArgs, w *shelfPage, _ *engine.Response) *shelfPage { return w },
		Next: func(_ shelfArgs, p *shelfPage) engine.Page[string] {
			return engine.TotalPagesPage(p.Items, 3, 3, p.Total, 0)
		},
	}
}

// shelfPages answers a shelf listing of a..g by page number (no page: the
// first).
func shelfPages() testutil.Responder {
	p1 := testutil.JSON(200, `{"items": ["a", "b", "c"], "total": 7}`)
	return testutil.ByQuery("page", map[string]testutil.Reply{
		"": p1, "1": p1,
		"2": testutil.JSON(200, `{"items": ["d", "e", "f"], "total": 7}`),
		"3": testutil.JSON(200, `{"items": ["g"], "total": 7}`),
	})
}

func newEngine(t *testing.T, rec *testutil.Recorder, edit func(*engine.Config)) *engine.Client {
	t.Helper()
	base, err := url.Parse(rec.URL)
	require.NoError(t, err)
	var cfg engine.Config
	cfg.APIs[engine.Arthur] = engine.APIConfig{BaseURL: base}
	cfg.MaxRetries, cfg.RetryWaitMin, cfg.RetryWaitMax = 2, time.Millisecond, time.Millisecond
	if edit != nil {
		edit(&cfg)
	}
	return engine.New(cfg)
}

func collect[V any](seq iter.Seq2[V, error]) ([]V, []error) {
	var vs []V
	var errs []error
	for v, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		vs = append(vs, v)
	}
	return vs, errs
}

func TestEndpointValidatesOnceBeforeAnyRequest(t *testing.T) {
	ctx := context.Background()
	t.Run("refused arguments: the Path error, no request", func(t *testing.T) {
		rec := testutil.NewRecorder(t, shelfPages())
		c := newEngine(t, rec, nil)
		var paths atomic.Int32
		e := shelfEndpoint(&paths)
		bad := shelfArgs{shelf: ".."}
		_, getErr := e.Get(ctx, c, bad)
		_, itemErrs := collect(e.Items(ctx, c, bad))
		_, pageErrs := collect(e.Pages(ctx, c, bad))
		require.Len(t, itemErrs, 1)
		require.Len(t, pageErrs, 1)
		for _, err := range []error{getErr, itemErrs[0], pageErrs[0]} {
			require.ErrorIs(t, err, engine.ErrInvalidOptions)
			assert.Equal(t, `sessionkit: invalid options: shelf must not be ".." (a dot-segment)`, err.Error())
		}
		var pe *engine.PageError
		require.ErrorAs(t, itemErrs[0], &pe)
		assert.Equal(t, 1, pe.Page, "the walk's start: the first page")
		assert.Equal(t, int32(3), paths.Load(), "once per call or walk")
		assert.Zero(t, rec.Count())
	})
	for _, prefetch := range []int{0, 2} {
		t.Run(fmt.Sprintf("a walk of three pages validates once, prefetch %d", prefetch), func(t *testing.T) {
			rec := testutil.NewRecorder(t, shelfPages())
			c := newEngine(t, rec, func(cfg *engine.Config) { cfg.Prefetch = prefetch })
			var paths atomic.Int32
			e := shelfEndpoint(&paths)
			items, errs := collect(e.Items(ctx, c, shelfArgs{shelf: "a/b"}))
			assert.Empty(t, errs)
			assert.Equal(t, []string{"a", "b", "c", "d", "e", "f", "g"}, items)
			assert.Equal(t, int32(1), paths.Load())
			for _, r := range rec.Requests() {
				assert.Equal(t, testutil.Prefix+"/shelves/a%2Fb", r.EscapedPath, "the path Path escaped, on every page")
			}
		})
	}
}

func TestEndpointCursor(t *testing.T) {
	ctx := context.Background()
	var paths atomic.Int32
	e := shelfEndpoint(&paths)
	for _, tt := range []struct {
		name      string
		args      shelfArgs
		get, walk string
	}{
		{"no position: Get sends none, a walk starts at the first page", shelfArgs{shelf: "s"}, "", "page=1"},
		{"a page number", shelfArgs{shelf: "s", page: 2}, "page=2", "page=2"},
		{"a token", shelfArgs{shelf: "s", token: "t2"}, "token=t2", "token=t2"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := testutil.NewRecorder(t, testutil.Always(testutil.JSON(200, `{"items": []}`)))
			c := newEngine(t, rec, nil)
			_, err := e.Get(ctx, c, tt.args)
			require.NoError(t, err)
			_, errs := collect(e.Pages(ctx, c, tt.args))
			assert.Empty(t, errs)
			assert.Equal(t, []string{tt.get, tt.walk}, rec.Queries())
		})
	}
}

func TestEndpointTakesPrefetchFromClient(t *testing.T) {
	defer goleak.VerifyNone(t)
	ctx := context.Background()
	t.Run("prefetch 0: a page is fetched after the loop took the one before", func(t *testing.T) {
		var taken atomic.Int32
		pages := shelfPages()
		rec := testutil.NewRecorder(t, func(n int, r *http.Request) testutil.Reply {
			if n > 0 && taken.Load() < int32(3*n) {
				return testutil.JSON(500, `{"detail": "fetched ahead of the loop"}`)
			}
			return pages(n, r)
		})
		c := newEngine(t, rec, func(cfg *engine.Config) { cfg.MaxRetries = 0 })
		var paths atomic.Int32
		for _, err := range shelfEndpoint(&paths).Items(ctx, c, shelfArgs{shelf: "s"}) {
			require.NoError(t, err)
			taken.Add(1)
		}
		assert.Equal(t, int32(7), taken.Load())
	})
	t.Run("prefetch 2: two pages are fetched while the loop holds the first item", func(t *testing.T) {
		rec := testutil.NewRecorder(t, shelfPages())
		c := newEngine(t, rec, func(cfg *engine.Config) { cfg.Prefetch = 2 })
		var paths atomic.Int32
		n := 0
		for _, err := range shelfEndpoint(&paths).Items(ctx, c, shelfArgs{shelf: "s"}) {
			require.NoError(t, err)
			if n == 0 {
				require.Eventually(t, func() bool { return rec.Count() == 3 }, 10*time.Second, time.Millisecond)
			}
			n++
		}
		assert.Equal(t, 7, n)
	})
}

func TestEndpointPost(t *testing.T) {
	rec := testutil.NewRecorder(t, testutil.Sequence(
		testutil.JSON(503, `{"detail": "busy"}`),
		testutil.JSON(200, `{"items": ["a"], "total": 1}`),
	))
	c := newEngine(t, rec, nil)
	var paths atomic.Int32
	e := shelfEndpoint(&paths)
	e.Method, e.Retry = http.MethodPost, engine.RetryAsRead
	e.Body = func(a shelfArgs) any { return map[string]string{"shelf": a.shelf} }
	p, err := e.Get(context.Background(), c, shelfArgs{shelf: "s", page: 1})
	require.NoError(t, err)
	assert.Equal(t, []string{"a"}, p.Items)
	reqs := rec.Requests()
	require.Len(t, reqs, 2, "a read is retried")
	for _, r := range reqs {
		assert.Equal(t, http.MethodPost, r.Method)
		assert.JSONEq(t, `{"shelf": "s"}`, r.Body)
		assert.Equal(t, "page=1", r.RawQuery)
	}
}

func TestEndpointErrSeesThePageCursor(t *testing.T) {
	stale := errors.New("stale")
	rec := testutil.NewRecorder(t, testutil.ByQuery("page", map[string]testutil.Reply{
		"1": testutil.JSON(200, `{"items": ["a", "b", "c"], "total": 7}`),
		"2": testutil.JSON(400, `{"detail": "no"}`),
	}))
	c := newEngine(t, rec, nil)
	var paths atomic.Int32
	e := shelfEndpoint(&paths)
	var seen []engine.Cursor
	e.Err = func(at engine.Cursor, err error) error {
		seen = append(seen, at)
		return errors.Join(stale, err)
	}
	items, errs := collect(e.Items(context.Background(), c, shelfArgs{shelf: "s"}))
	assert.Equal(t, []string{"a", "b", "c"}, items)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], stale)
	var pe *engine.PageError
	require.ErrorAs(t, errs[0], &pe)
	assert.Equal(t, 2, pe.Page)
	assert.Equal(t, []engine.Cursor{{Page: 2}}, seen)
}

// partError names the part that failed and counts its items yielded
// before the failed page.
type partError struct {
	part    string
	yielded int
	err     error
}

func (e *partError) Error() string { return "part " + e.part + ": " + e.err.Error() }
func (e *partError) Unwrap() error { return e.err }

// splitEndpoint is a token listing walked in the parts args.parts names;
// the first part starts at args.token, the others at their first page.
func splitEndpoint() *engine.Endpoint[shelfArgs, *shelfPage, *shelfPage, string] {
	var paths atomic.Int32
	e := shelfEndpoint(&paths)
	e.FirstPage = 0
	e.Next = func(_ shelfArgs, p *shelfPage) engine.Page[string] { return engine.CursorPage(p.Items, p.Next) }
	e.Split = func(a shelfArgs) iter.Seq[shelfArgs] {
		return func(yield func(shelfArgs) bool) {
			for _, name := range a.parts {
				part := a
				part.part, part.parts = name, nil
				if !yield(part) {
					return
				}
				a.token = ""
			}
		}
	}
	e.PartErr = func(part shelfArgs, yielded int, err error) error {
		return &partError{part: part.part, yielded: yielded, err: err}
	}
	return e
}

// splitPages answers part x: a b (t1) c; part y: d; part z: e f (t2) g,
// and fails where fail says (part/token).
func splitPages(fail string) testutil.Responder {
	replies := map[string]string{
		"x/": `{"items": ["a", "b"], "next": "t1"}`, "x/t1": `{"items": ["c"]}`,
		"y/": `{"items": ["d"]}`,
		"z/": `{"items": ["e", "f"], "next": "t2"}`, "z/t2": `{"items": ["g"]}`,
	}
	return func(_ int, r *http.Request) testutil.Reply {
		key := r.URL.Query().Get("part") + "/" + r.URL.Query().Get("token")
		body, ok := replies[key]
		if !ok || key == fail {
			return testutil.JSON(404, `{"detail": "no such page"}`)
		}
		return testutil.JSON(200, body)
	}
}

// walkCounter is an Observer that counts the walks that ended and their
// items.
type walkCounter struct {
	mu    sync.Mutex
	walks []engine.WalkInfo
}

func (o *walkCounter) CallStart(ctx context.Context, _ engine.CallInfo) (context.Context, func(engine.CallResult)) {
	return ctx, func(engine.CallResult) {}
}
func (o *walkCounter) Wait(context.Context, engine.WaitInfo) {}
func (o *walkCounter) PageStart(ctx context.Context, _ engine.PageInfo) (context.Context, func(engine.PageResult)) {
	return ctx, func(engine.PageResult) {}
}
func (o *walkCounter) Walk(_ context.Context, info engine.WalkInfo) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.walks = append(o.walks, info)
}

func TestEndpointWalksPartsInTurn(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, prefetch := range []int{0, 2} {
		t.Run(fmt.Sprintf("prefetch %d", prefetch), func(t *testing.T) { testWalkParts(t, prefetch) })
	}
}

func testWalkParts(t *testing.T, prefetch int) {
	ctx := context.Background()
	all := shelfArgs{shelf: "s", parts: []string{"x", "y", "z"}}
	t.Run("every part's items, in order, as one walk", func(t *testing.T) {
		rec := testutil.NewRecorder(t, splitPages(""))
		obs := &walkCounter{}
		c := newEngine(t, rec, func(cfg *engine.Config) { cfg.Prefetch, cfg.Observer = prefetch, obs })
		items, errs := collect(splitEndpoint().Items(ctx, c, all))
		assert.Empty(t, errs)
		assert.Equal(t, []string{"a", "b", "c", "d", "e", "f", "g"}, items)
		require.Len(t, obs.walks, 1)
		assert.Equal(t, 7, obs.walks[0].Items)
	})
	t.Run("the first part starts at the token, the others at their first page", func(t *testing.T) {
		rec := testutil.NewRecorder(t, splitPages(""))
		c := newEngine(t, rec, func(cfg *engine.Config) { cfg.Prefetch = prefetch })
		from := all
		from.token = "t1"
		pages, errs := collect(splitEndpoint().Pages(ctx, c, from))
		assert.Empty(t, errs)
		require.Len(t, pages, 4)
		assert.Equal(t, []string{"part=x&token=t1", "part=y", "part=z", "part=z&token=t2"}, rec.Queries())
	})
	for _, tt := range []struct {
		name, fail string
		token      string
		yielded    int
		inPart     int
	}{
		{"the first part's token page fails", "x/t1", "t1", 2, 2},
		{"a later part's first page fails", "y/", "", 3, 0},
		{"a later part's token page fails", "z/t2", "t2", 6, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := testutil.NewRecorder(t, splitPages(tt.fail))
			c := newEngine(t, rec, func(cfg *engine.Config) { cfg.Prefetch = prefetch })
			for name, errs := range map[string][]error{
				"items": func() []error { _, errs := collect(splitEndpoint().Items(ctx, c, all)); return errs }(),
				"pages": func() []error { _, errs := collect(splitEndpoint().Pages(ctx, c, all)); return errs }(),
			} {
				require.Len(t, errs, 1, name)
				var pe *engine.PageError
				require.ErrorAs(t, errs[0], &pe, name)
				assert.Equal(t, tt.token, pe.PageToken, name)
				assert.Equal(t, tt.yielded, pe.Yielded, "%s: the items of every part before", name)
				var part *partError
				require.ErrorAs(t, errs[0], &part, name)
				assert.Equal(t, tt.fail[:1], part.part, name)
				assert.Equal(t, tt.inPart, part.yielded, "%s: the items of the failed part before", name)
				var inner *engine.PageError
				assert.False(t, errors.As(part.err, &inner), "%s: one PageError, outermost", name)
			}
		})
	}
	t.Run("a break stops before the next part", func(t *testing.T) {
		rec := testutil.NewRecorder(t, splitPages(""))
		c := newEngine(t, rec, func(cfg *engine.Config) { cfg.Prefetch = prefetch })
		for _, err := range splitEndpoint().Pages(ctx, c, all) {
			require.NoError(t, err)
			break //nolint:staticcheck // the test is the break
		}
		for _, q := range rec.Queries() {
			assert.Contains(t, q, "part=x")
		}
	})
}
