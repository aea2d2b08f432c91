package engine

import (
	"net/http"
)

// authTransport paces attempts with the API's rate limiter and attaches the
// API's credential, only when the request goes to the API's own origin
// (scheme, host and port), redirects included.
type authTransport struct {
	base http.RoundTripper
	st   *call
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	st := t.st
	cfg := &st.c.apis[st.api]
	if cfg.Limiter != nil {
		if err := cfg.Limiter.Wait(req.Context()); err != nil {
			return nil, err
		}
	}
	out := req.Clone(req.Context())
	out.Header.Del("Authorization")
	out.Header.Del("X-Api-Key")
	if cfg.Credential != nil && cfg.BaseURL != nil && sameOrigin(req.URL, cfg.BaseURL) {
		tok, err := cfg.Credential.Token(req.Context())
		if err != nil {
			return nil, &credentialError{api: st.api, err: err}
		}
		st.token = tok
		switch profiles[st.api].auth {
		case authAPIKeyHeader:
			out.Header.Set("X-API-KEY", tok)
		default:
			out.Header.Set("Authorization", "Bearer "+tok)
		}
	}
	return t.base.RoundTrip(out)
}
