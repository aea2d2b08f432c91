package sessionkittest

import "github.com/sessionkit/sessionkit-go"

// ClientOptions returns the options that point every API of a
// [sessionkit.Client] at the server, with the credentials it expects: its
// base URLs, its API key (see [WithAPIKey]), its Ductape workspace (see
// [WithWorkspaceID]) and, under [WithVideoSDKCredentials], the same Video SDK
// key and secret for Zoom. Options given after them win, as NewClient
// applies options in order.
func (s *Server) ClientOptions() []sessionkit.Option {
	zoom := []sessionkit.Option{sessionkit.WithBaseURL(s.ZoomURL())}
	if s.cfg.zoomJWT {
		zoom = append(zoom, sessionkit.WithVideoSDKCredentials(s.cfg.zoomKey, s.cfg.zoomSecret))
	}
	return []sessionkit.Option{
		sessionkit.WithAPIKey(s.cfg.apiKey),
		sessionkit.WithWorkspaceID(s.cfg.workspaceID),
		sessionkit.ForAPI(sessionkit.Ductape, sessionkit.WithBaseURL(s.DuctapeURL())),
		sessionkit.ForAPI(sessionkit.Zoom, zoom...),
		sessionkit.ForAPI(sessionkit.Arthur, sessionkit.WithBaseURL(s.ArthurURL())),
		sessionkit.ForAPI(sessionkit.MonoCloud, sessionkit.WithBaseURL(s.MonoCloudURL())),
	}
}

// NewClient returns a [sessionkit.Client] built from ClientOptions followed
// by opts, so opts can add to them or override them. The client's retry
// policy is the SDK's default unless opts change it: a test that injects
// retried faults (see [Server.Fault]) usually passes
// [sessionkit.WithRetryWait] with short waits.
func (s *Server) NewClient(opts ...sessionkit.Option) (*sessionkit.Client, error) {
	return sessionkit.NewClient(append(s.ClientOptions(), opts...)...)
}
