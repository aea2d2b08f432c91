package sessionkittest

import (
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestConnectionsCountsAcceptedConnections(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	require.Zero(t, srv.Connections())
	get := func(c *http.Client) {
		t.Helper()
		resp, err := c.Get(srv.URL + "/nowhere")
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		require.NoError(t, resp.Body.Close())
	}
	reuse := &http.Client{Transport: &http.Transport{}}
	for range 3 {
		get(reuse)
	}
	require.Equal(t, 1, srv.Connections(), "a kept-alive connection is counted once")
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for range 2 {
		get(fresh)
	}
	require.Equal(t, 3, srv.Connections(), "every new connection is counted")
}
