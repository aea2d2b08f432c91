// Command multi-api shows one sessionkit client talking to two APIs on two
// hosts, each with its own key, and proves that neither key reaches the
// other host.
//
// It runs offline: two sessionkittest servers stand in for a Ductape host
// and a MonoCloud tenant, each expecting a different key. ForAPI gives each
// API its base URL and key; the global options (workspace, retries,
// prefetch) apply to both.
//
//	go run ./examples/multi-api
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/users"
)

// The two keys. A real program reads them from the environment or a secret
// store, never from source code.
const (
	ductapeKey   = "ductape-demo-key"
	monoCloudKey = "monocloud-demo-key"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "multi-api:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()

	// Two hosts, two keys: each fake only accepts its own key.
	ductapeHost := sessionkittest.NewServer(sessionkittest.WithAPIKey(ductapeKey), sessionkittest.WithWorkspaceID("ws_acme"))
	defer ductapeHost.Close()
	monoCloudHost := sessionkittest.NewServer(sessionkittest.WithAPIKey(monoCloudKey), sessionkittest.WithSeed(2))
	defer monoCloudHost.Close()

	client, err := sessionkit.NewClient(
		sessionkit.WithWorkspaceID("ws_acme"),
		sessionkit.WithPrefetch(2),
		sessionkit.ForAPI(sessionkit.Ductape,
			sessionkit.WithBaseURL(ductapeHost.DuctapeURL()),
			sessionkit.WithAPIKey(ductapeKey)),
		sessionkit.ForAPI(sessionkit.MonoCloud,
			sessionkit.WithBaseURL(monoCloudHost.MonoCloudURL()),
			sessionkit.WithAPIKey(monoCloudKey)),
	)
	if err != nil {
		return err
	}
	defer client.CloseIdleConnections()

	d := ductapeHost.Data()
	fmt.Fprintf(out, "Ductape at %s, MonoCloud at %s\n\n", ductapeHost.URL, monoCloudHost.URL)

	// Ductape: walk the session's users; take the first few identifiers.
	var identifiers []string
	n := 0
	for u, err := range client.Sessions.FetchUsersIter(ctx, sessions.FetchUsersOptions{Product: d.Product, Session: d.Session, Limit: 20}) {
		if err != nil {
			return fmt.Errorf("ductape: %w", err)
		}
		n++
		if len(identifiers) < 3 {
			identifiers = append(identifiers, u.Identifier)
		}
	}
	fmt.Fprintf(out, "Ductape: %d users in session %q, the first: %s\n", n, d.Session, strings.Join(identifiers, ", "))

	// MonoCloud: the newest sessions of one user.
	userID := monoCloudHost.Data().MonoCloudUserIDs[0]
	page, err := client.Users.Sessions(ctx, userID, users.SessionsOptions{
		Size: 3, Sort: users.Sort{Key: users.SortByInitiatedAt, Order: users.Descending},
	})
	if err != nil {
		return fmt.Errorf("monocloud: %w", err)
	}
	total := "unknown"
	if page.Pagination != nil {
		total = fmt.Sprint(page.Pagination.TotalCount)
	}
	fmt.Fprintf(out, "MonoCloud: user %s has %s sessions, the newest:\n", userID, total)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  SESSION\tCITY\tINITIATED")
	for _, s := range page.Sessions {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", s.SessionID, s.LastMetadata.City, s.InitiatedAt.UTC().Format(time.RFC3339))
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	// What each host saw: only its own API, with only its own key, in that
	// API's own header.
	fmt.Fprintln(out, "\nWhat each host received:")
	tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  HOST\tREQUESTS\tAUTHORIZATION\tX-API-KEY")
	for _, h := range []struct {
		name string
		srv  *sessionkittest.Server
	}{{"ductape", ductapeHost}, {"monocloud", monoCloudHost}} {
		auth, apiKey := map[string]bool{}, map[string]bool{}
		reqs := h.srv.Requests()
		for _, r := range reqs {
			if r.API != h.name {
				return fmt.Errorf("%s host received a %q request", h.name, r.API)
			}
			auth[redact(r.Header.Get("Authorization"))] = true
			apiKey[redact(r.Header.Get("X-API-KEY"))] = true
		}
		fmt.Fprintf(tw, "  %s\t%d\t%s\t%s\n", h.name, len(reqs), keys(auth), keys(apiKey))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range ductapeHost.Requests() {
		if strings.Contains(r.Header.Get("Authorization")+r.Header.Get("X-API-KEY"), monoCloudKey) {
			return fmt.Errorf("the MonoCloud key reached the Ductape host")
		}
	}
	for _, r := range monoCloudHost.Requests() {
		if strings.Contains(r.Header.Get("Authorization")+r.Header.Get("X-API-KEY"), ductapeKey) {
			return fmt.Errorf("the Ductape key reached the MonoCloud host")
		}
	}
	fmt.Fprintln(out, "\nEach key went only to its own host, in its API's own header.")
	return nil
}

// redact names which demo key a header carries without printing it whole.
func redact(v string) string {
	switch {
	case v == "":
		return "-"
	case strings.Contains(v, ductapeKey):
		return strings.Replace(v, ductapeKey, "<ductape key>", 1)
	case strings.Contains(v, monoCloudKey):
		return strings.Replace(v, monoCloudKey, "<monocloud key>", 1)
	default:
		return "<other>"
	}
}

func keys(m map[string]bool) string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return strings.Join(out, ", ")
}
