package sessionkit_test

// The hand-written raw client decodes the same data as the SDK, or the
// benchmarks' comparison means nothing; and the fixture exercises the
// optional shapes of each API's items, or the benchmarks measure an
// easier page than real ones.

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
)

func TestRawLoopMatchesSDK(t *testing.T) {
	const n = 300
	s := newFixtureServer(t, fixtureConfig{perPage: n, pages: 1})
	c := newClient(t, s.URL)
	rc := newRawClient(t, s.URL)
	ctx := context.Background()
	for _, api := range allAPIs {
		t.Run(apis[api].name, func(t *testing.T) {
			raw, got, err := rc.rawPage(ctx, api, 0, n)
			require.NoError(t, err)
			require.Equal(t, n, got)
			page, _, err := apis[api].page(ctx, c, fixtureArgs, startPos{}, n)
			require.NoError(t, err)
			apis[api].rawMatches(t, raw, page)
			// The fixture must exercise the optional shapes, or the
			// benchmark measures an easier page than real ones.
			body := appendFixtureItems(nil, api, 0, n)
			for _, sub := range fixtureOptionalShapes[api] {
				require.True(t, bytes.Contains(body, []byte(sub)), "fixture lacks %s", sub)
			}
		})
	}
}

var fixtureOptionalShapes = [...][]string{
	sessionkit.Ductape:   {`.120Z"`, `"__v"`},
	sessionkit.Zoom:      {`"zoom_number"`, `"call-out"}]`, `"screen_share_quality":""`},
	sessionkit.Arthur:    {`"prompt_token_cost"`, `"span_count"`},
	sessionkit.MonoCloud: {`"city":null`, `"session_key"`, `\"quoted\"`, "\xff"},
}
