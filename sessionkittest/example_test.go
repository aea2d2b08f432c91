package sessionkittest_test

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/sessionkit/sessionkit-go/sessionkittest"
)

// The server speaks plain HTTP, so any client can use it; the SDK is given srv.DuctapeURL() and friends.
func ExampleNewServer() {
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(120))
	defer srv.Close()

	d := srv.Data()
	req, _ := http.NewRequest(http.MethodGet, srv.DuctapeURL()+"/integrations/v1/session/users/"+d.WorkspaceID+
		"?product_tag="+d.Product+"&session_tag="+d.Session+"&limit=50", nil)
	req.Header.Set("Authorization", "Bearer test-key")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer res.Body.Close()
	var page struct {
		Data struct {
			Total      int `json:"total"`
			TotalPages int `json:"totalPages"`
		} `json:"data"`
	}
	if err := json.NewDecoder(res.Body).Decode(&page); err != nil {
		panic(err)
	}
	fmt.Println(res.StatusCode, page.Data.Total, page.Data.TotalPages, srv.RequestCount())
	// Output: 200 120 3 1
}
