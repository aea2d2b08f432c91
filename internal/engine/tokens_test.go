//go:build go1.27 && goexperiment.jsonv2

package engine

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bothDecoders records which of its decoders Get used.
type bothDecoders struct {
	n    int
	used string
}

func (b *bothDecoders) DecodeStream(dec *json.Decoder) error {
	b.used = "stream"
	var v []int
	return dec.Decode(&v)
}

func (b *bothDecoders) DecodeTokens(t *Tokens) error {
	b.used = "tokens"
	items, _, err := TokenItems(t, 0, 0, func(p *int) error { return Int(t, p) })
	b.n = len(items)
	return err
}

type bodyTransport string

func (b bodyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(string(b))), Request: req}, nil
}

func TestGetDecodesWithTokensOnGo127(t *testing.T) {
	base, err := url.Parse("https://api.example/v1")
	require.NoError(t, err)
	var cfg Config
	cfg.APIs[Arthur] = APIConfig{BaseURL: base}
	cfg.HTTPClient = &http.Client{Transport: bodyTransport(`[1, 2, 3]`)}
	c := New(cfg)
	var out bothDecoders
	_, err = c.Get(context.Background(), Arthur, "/x", "x", nil, &out)
	require.NoError(t, err)
	assert.Equal(t, "tokens", out.used)
	assert.Equal(t, 3, out.n)

	cfg.HTTPClient = &http.Client{Transport: bodyTransport(`[1, "x"]`)}
	_, err = New(cfg).Get(context.Background(), Arthur, "/x", "x", nil, &out)
	var me *MalformedError
	require.ErrorAs(t, err, &me, "a token decoder's error makes the answer malformed")
}

func TestTokenItemsBound(t *testing.T) {
	for _, tc := range []struct {
		body     string
		maxItems int
		want     int
		fails    bool
	}{
		{`[1,2]`, 2, 2, false},
		{`[1,2,3]`, 2, 2, true},
		{`[1,2,3]`, 0, 3, false},
		{`[]`, 1, 0, false},
	} {
		tk := NewTokens(strings.NewReader(tc.body))
		decoded := 0
		items, present, err := TokenItems(tk, 1, tc.maxItems, func(p *int) error { decoded++; return Int(tk, p) })
		assert.True(t, present, tc.body)
		assert.Equal(t, tc.fails, err != nil, "%s: %v", tc.body, err)
		assert.Equal(t, tc.want, decoded, "%s: element maxItems+1 is refused before it is decoded", tc.body)
		assert.NotNil(t, items, tc.body)
	}
}

func TestTokenNamesFold(t *testing.T) {
	for _, tc := range []struct {
		name        string
		fold, lower string
	}{
		{`"users"`, "users", "users"},
		{`"USERS"`, "users", "users"},
		{`"u\u0073ers"`, "users", "users"},
		{`"uſers"`, "users", "uſers"},                // long s folds to s, but is its own lower case
		{`"to\u212aen"`, "token", "token"},           // Kelvin sign: folds and lowers to k
		{`"İd"`, "İd", "id"},                         // dotted capital I lowers to i, but does not fold
		{"\"u\xffers\"", "u\ufffders", "u\ufffders"}, // invalid UTF-8 matches nothing
	} {
		for _, m := range []NameMatch{FoldNames, LowerNames} {
			tk := NewTokens(strings.NewReader(`{` + tc.name + `: 1}`))
			var got string
			_, err := tk.Object(m, func(name []byte) error { got = string(name); return tk.Skip() })
			require.NoError(t, err, tc.name)
			want := tc.fold
			if m == LowerNames {
				want = tc.lower
			}
			assert.Equal(t, want, got, "%s (match %d)", tc.name, m)
		}
	}
}

func TestTokenKindErrors(t *testing.T) {
	for _, tc := range []struct {
		body string
		dec  func(*Tokens) error
	}{
		{`"x"`, func(t *Tokens) error { var n int; return Int(t, &n) }},
		{`1.5`, func(t *Tokens) error { var n int; return Int(t, &n) }},
		{`1e2`, func(t *Tokens) error { var n int; return Int(t, &n) }},
		{`1e400`, func(t *Tokens) error { var f float64; return Float(t, &f) }},
		{`1`, func(t *Tokens) error { var s string; return String(t, &s) }},
		{`"true"`, func(t *Tokens) error { var b bool; return Bool(t, &b) }},
		{`[]`, func(t *Tokens) error { _, err := t.Object(FoldNames, func([]byte) error { return nil }); return err }},
		{`{}`, func(t *Tokens) error { _, err := t.Array(func() error { return nil }); return err }},
		{`[1`, func(t *Tokens) error { _, err := t.Array(func() error { return t.Skip() }); return err }},
	} {
		err := tc.dec(NewTokens(strings.NewReader(tc.body)))
		assert.Error(t, err, tc.body)
		assert.False(t, errors.Is(err, io.EOF) && tc.body != `[1`, tc.body)
	}
}

// garbageReader reads prefix, then fill repeated up to 8 MiB, counting
// the bytes read.
type garbageReader struct {
	prefix string
	fill   byte
	n      int
}

func (r *garbageReader) Read(p []byte) (int, error) {
	if r.n >= 8<<20 {
		return 0, io.EOF
	}
	n := 0
	if r.n < len(r.prefix) {
		n = copy(p, r.prefix[r.n:])
	}
	for i := n; i < len(p); i++ {
		p[i] = r.fill
	}
	r.n += len(p)
	return len(p), nil
}

// TestTokensStopAtGarbage: a body that goes on with bytes no JSON text
// holds, or nests without end, is refused after a bounded read, not
// buffered to its end (as jsontext's decoder refused it).
func TestTokensStopAtGarbage(t *testing.T) {
	for _, tc := range []struct {
		prefix string
		fill   byte
	}{
		{`[{"a":`, 'x'},
		{`[{"a":[1,`, '#'},
		{`[`, '['},
		{`[{"a":`, '{'},
		{`{"users":`, '<'},
		{`{"skipped":`, '['},
		{`[{"a":1}`, 0},
	} {
		r := &garbageReader{prefix: tc.prefix, fill: tc.fill}
		tk := NewTokens(r)
		var err error
		if tc.prefix[0] == '[' {
			_, _, err = TokenItems(tk, 1, 0, func(p *int) error {
				_, err := tk.Object(FoldNames, func([]byte) error { return tk.Skip() })
				return err
			})
		} else {
			_, err = tk.Object(FoldNames, func([]byte) error { return tk.Skip() })
		}
		assert.Error(t, err, "%s%c...", tc.prefix, tc.fill)
		assert.Less(t, r.n, 1<<20, "%s%c...: read %d bytes", tc.prefix, tc.fill, r.n)
	}
}

// TestTokenItemsDecodeCutItemsAfresh: an item cut by the end of the bytes
// read so far is decoded again from its zero value, once it lies whole in
// the buffer, so whatever the reads, each item decodes as it would whole.
func TestTokenItemsDecodeCutItemsAfresh(t *testing.T) {
	const body = `[{"a":1,"b":2,"c":3},{"a":1,"b":{"x":[1,2]},"c":"three"},{"a":1}]`
	readers := []io.Reader{strings.NewReader(body), iotest.OneByteReader(strings.NewReader(body))}
	for n := 2; n < 12; n++ {
		readers = append(readers, &chunkReader{r: strings.NewReader(body), n: n})
	}
	for _, r := range readers {
		tk := NewTokens(r)
		members, _, err := TokenItems(tk, 3, 0, func(n *int) error {
			_, err := tk.Object(FoldNames, func([]byte) error { *n++; return tk.Skip() })
			return err
		})
		require.NoError(t, err)
		assert.Equal(t, []int{3, 3, 1}, members, "%T %v", r, r)
	}
}

// chunkReader reads r n bytes at a time.
type chunkReader struct {
	r io.Reader
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) { return c.r.Read(p[:min(len(p), c.n)]) }

// TestTokenItemsLargerThanTheBuffer: an item longer than the buffer's
// first size is read whole (the buffer grows to hold it) and decodes as
// the others do, between items that do not.
func TestTokenItemsLargerThanTheBuffer(t *testing.T) {
	long := strings.Repeat("abcdefgh", 40<<10) // 320 KiB
	body := `[{"s":"a"},{"x":[1,{"y":"z"}],"s":"` + long + `"},{"s":"\u00e9` + long + `"},{"s":"b"}]`
	for _, r := range []io.Reader{strings.NewReader(body), &chunkReader{r: strings.NewReader(body), n: 1000}} {
		tk := NewTokens(r)
		items, _, err := TokenItems(tk, 4, 0, func(s *string) error {
			_, err := tk.Object(FoldNames, func(name []byte) error {
				if string(name) == "s" {
					return String(tk, s)
				}
				return tk.Skip()
			})
			return err
		})
		require.NoError(t, err)
		assert.Equal(t, []string{"a", long, "é" + long, "b"}, items)
	}
}
