package sessionkit_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
)

// Every user of every Zoom session that ended in the last six months, four
// sessions' users fetched at once, yielded in session order. A failure
// says which session (FanOutError.Index) and which page (PageError) to
// resume from.
func ExampleFanOut() {
	srv := sessionkittest.NewServer()
	defer srv.Close()
	client, err := sessionkit.NewClient(
		sessionkit.WithBaseURL(srv.ZoomURL()),
		sessionkit.WithAPIKey("test-key"),
	)
	if err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	now := srv.Data().BaseTime // time.Now() in production
	ended := client.Sessions.ListSessionsIter(ctx, sessions.ListSessionsOptions{
		From: now.AddDate(0, -6, 0), To: now, Type: sessions.Past, // type defaults to live
	})
	usersOf := func(ctx context.Context, s sessions.VideoSession) iter.Seq2[sessions.VideoUser, error] {
		return client.Sessions.ListUsersIter(ctx, s.ID, sessions.ListUsersOptions{Type: sessions.Past, PageSize: 20})
	}
	joins, hosts := 0, 0
	for u, err := range sessionkit.FanOut(ctx, ended, 4, usersOf) {
		if err != nil {
			var fe *sessionkit.FanOutError
			var pe *sessionkit.PageError
			if errors.As(err, &fe) && errors.As(err, &pe) {
				log.Fatalf("session #%d failed at page token %q: %v", fe.Index, pe.PageToken, err)
			}
			log.Fatal(err) // the session listing itself failed
		}
		joins++
		if u.IsOriginalHost {
			hosts++
		}
	}
	fmt.Printf("%d joins, %d sessions started by their host\n", joins, hosts)
	// Output:
	// 1081 joins, 23 sessions started by their host
}
