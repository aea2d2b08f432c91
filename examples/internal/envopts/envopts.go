// Package envopts builds sessionkit options from SESSIONKIT_* environment
// variables, for the examples that can talk to real services.
package envopts

import (
	"os"
	"strings"

	"github.com/sessionkit/sessionkit-go"
)

// Options returns the client options the environment asks for:
//
//   - SESSIONKIT_BASE_URL, SESSIONKIT_API_KEY: every API's base URL and key;
//   - SESSIONKIT_<API>_BASE_URL, SESSIONKIT_<API>_API_KEY (API one of
//     DUCTAPE, ZOOM, ARTHUR, MONOCLOUD): one API's, scoped with ForAPI;
//   - SESSIONKIT_ZOOM_SDK_KEY, SESSIONKIT_ZOOM_SDK_SECRET: Zoom Video SDK
//     credentials (NewClient reports a missing half as ErrInvalidOptions);
//   - SESSIONKIT_WORKSPACE_ID: the Ductape workspace.
func Options() []sessionkit.Option {
	var opts []sessionkit.Option
	if v := os.Getenv("SESSIONKIT_BASE_URL"); v != "" {
		opts = append(opts, sessionkit.WithBaseURL(v))
	}
	if v := os.Getenv("SESSIONKIT_API_KEY"); v != "" {
		opts = append(opts, sessionkit.WithAPIKey(v))
	}
	if v := os.Getenv("SESSIONKIT_WORKSPACE_ID"); v != "" {
		opts = append(opts, sessionkit.WithWorkspaceID(v))
	}
	for _, api := range []sessionkit.API{sessionkit.Ductape, sessionkit.Zoom, sessionkit.Arthur, sessionkit.MonoCloud} {
		prefix := "SESSIONKIT_" + strings.ToUpper(api.String()) + "_"
		var scoped []sessionkit.Option
		if v := os.Getenv(prefix + "BASE_URL"); v != "" {
			scoped = append(scoped, sessionkit.WithBaseURL(v))
		}
		if v := os.Getenv(prefix + "API_KEY"); v != "" {
			scoped = append(scoped, sessionkit.WithAPIKey(v))
		}
		if len(scoped) > 0 {
			opts = append(opts, sessionkit.ForAPI(api, scoped...))
		}
	}
	if key, secret := os.Getenv("SESSIONKIT_ZOOM_SDK_KEY"), os.Getenv("SESSIONKIT_ZOOM_SDK_SECRET"); key != "" || secret != "" {
		opts = append(opts, sessionkit.ForAPI(sessionkit.Zoom, sessionkit.WithVideoSDKCredentials(key, secret)))
	}
	return opts
}
