package sessionkittest

import (
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFaultMessageInTheVendorsBody(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	tests := []struct {
		api, path string
		status    int
		want      string
	}{
		{Zoom, "/zoom/v2/videosdk/sessions/x/users", 401, `{"code":124,"message":"attempt 1"}` + "\n"},
		{Zoom, "/zoom/v2/videosdk/sessions/x/users", 503, `{"code":503,"message":"attempt 1"}` + "\n"},
		{Ductape, "/ductape/integrations/v1/session/users/ws", 500, `{"status":false,"message":"attempt 1","code":"INTERNAL_SERVER_ERROR"}` + "\n"},
		{Arthur, "/arthur/api/v1/traces/users", 502, `{"detail":"attempt 1"}` + "\n"},
	}
	for _, tc := range tests {
		t.Run(tc.api, func(t *testing.T) {
			rule := srv.Fault(Match{API: tc.api}, Status(tc.status).Message("attempt 1"), Times(1))
			defer rule.Remove()
			resp, err := http.Get(srv.URL + tc.path)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.Equal(t, tc.status, resp.StatusCode)
			require.Equal(t, tc.want, string(body))
		})
	}
	t.Run(MonoCloud, func(t *testing.T) {
		srv.Fault(Match{API: MonoCloud}, Status(503).Message("attempt 1"), Times(1))
		resp, err := http.Get(srv.URL + "/monocloud/api/users/u/sessions")
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.Contains(t, string(body), `"detail":"attempt 1"`)
	})
}
