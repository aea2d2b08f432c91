package engine

import (
	"context"
	"encoding/json"
	"net/http"
)

// Retry says whether a request that is not a GET may be retried. A GET is
// always retried under the retry policy; every other request is sent once
// unless its call names it RetryAsRead.
type Retry bool

const (
	// SendOnce sends the request once: a write must never be repeated
	// blindly.
	SendOnce Retry = false
	// RetryAsRead marks a request that only reads although its method is
	// not GET (Arthur's POST /api/v2/tasks/search carries its filters in
	// the body): it is retried exactly like a GET.
	RetryAsRead Retry = true
)

// Post sends POST {base}/{path}?{query} to api with in encoded as the JSON
// body and decodes a 2xx JSON body into out, like Get. route is the
// endpoint's template, path the same with its arguments filled in, already
// escaped; query is a go-querystring struct (or nil). The body is encoded
// once and re-sent unchanged on every attempt; retry says whether there may
// be more than one.
func (c *Client) Post(ctx context.Context, api API, route Route, path string, q any, in any, retry Retry, out any) (*Response, error) {
	u, err := c.url(api, path, q)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(in)
	if err != nil {
		return nil, Invalidf("request body: %v", err)
	}
	st := &call{c: c, api: api, method: http.MethodPost, path: u.EscapedPath(), route: routeOf(http.MethodPost, route), body: body, retry: retry}
	st.secret.addQuery(u)
	return st.exchange(ctx, u, out)
}

// mayRetry reports whether the retry policy may repeat the call: every GET,
// and a call marked RetryAsRead.
func (st *call) mayRetry() bool {
	return st.method == http.MethodGet || st.retry == RetryAsRead
}
