package sessionkit_test

// The README's resume script, run as written: it survives a failing page
// and a restart and prints every user once.

import (
	"context"
	"encoding/json"
	"iter"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessionkittest"
	"github.com/sessionkit/sessionkit-go/sessions"
)

// resumeScript is the README's resume script, with log.Fatal turned into
// a return and the position file and budget given: one run of the batch
// job. It returns the identifiers it printed and the error it stopped at.
func resumeScript(ctx context.Context, client *sessionkit.Client, d *sessionkittest.Dataset, posFile string, budget sessionkit.ResumeBudget) ([]string, error) {
	var printed []string
	var at sessionkit.Position
	if b, err := os.ReadFile(posFile); err == nil {
		_ = json.Unmarshal(b, &at) // pick up where the last run stopped
	}
	walk := func(ctx context.Context, at sessionkit.Position) iter.Seq2[sessions.User, error] {
		return client.Sessions.FetchUsersIter(ctx, sessions.FetchUsersOptions{Product: d.Product, Session: d.Session, Limit: 10, Page: at.Page})
	}
	for u, err := range sessionkit.Resume(ctx, at, walk, budget) {
		if err != nil {
			at, _ := sessionkit.PositionOf(err)
			b, _ := json.Marshal(at)
			_ = os.WriteFile(posFile, b, 0o600) // run again to resume
			return printed, err
		}
		printed = append(printed, u.Identifier)
	}
	_ = os.Remove(posFile)
	return printed, nil
}

// TestResumeScriptSurvivesAFailingPageAndARestart runs the README's resume
// script against a server that fails page 3 for longer than the engine's
// retries: within the budget the one run gets every row; past it the run
// stops with the position saved, and the next run (the "restart") yields
// exactly the rest.
func TestResumeScriptSurvivesAFailingPageAndARestart(t *testing.T) {
	srv := sessionkittest.NewServer(sessionkittest.WithUsers(45))
	defer srv.Close()
	d := srv.Data()
	var want []string
	for _, u := range d.DuctapeUsers {
		want = append(want, u.Identifier)
	}
	client, err := srv.NewClient(sessionkit.WithMaxRetries(1), sessionkit.WithRetryWait(time.Millisecond, 2*time.Millisecond))
	require.NoError(t, err)
	ctx := context.Background()
	budget := sessionkit.ResumeBudget{Attempts: 3, Wait: time.Millisecond, MaxWait: 2 * time.Millisecond}
	page3 := sessionkittest.Match{API: sessionkittest.Ductape, Page: 3}

	t.Run("a failure longer than the retries, within the budget", func(t *testing.T) {
		pos := filepath.Join(t.TempDir(), "users.pos")
		before := srv.Count(page3)
		srv.Fault(page3, sessionkittest.Status(503), sessionkittest.Times(4)) // 2 attempts per call: 2 calls fail
		defer srv.ClearFaults()
		got, err := resumeScript(ctx, client, d, pos, budget)
		require.NoError(t, err)
		require.Equal(t, want, got, "every row once, in order")
		require.Equal(t, 5, srv.Count(page3)-before, "page 3: two failed calls of two attempts, then the good one")
		require.NoFileExists(t, pos)
	})

	t.Run("past the budget, then a restart", func(t *testing.T) {
		pos := filepath.Join(t.TempDir(), "users.pos")
		srv.Fault(page3, sessionkittest.Status(503)) // down until cleared
		first, stopped := resumeScript(ctx, client, d, pos, budget)
		require.ErrorIs(t, stopped, sessionkit.ErrResumeBudgetSpent)
		require.Equal(t, want[:20], first, "the rows of pages 1 and 2")
		saved, err := os.ReadFile(pos)
		require.NoError(t, err)
		require.JSONEq(t, `{"page":3,"offset":20}`, string(saved))
		t.Logf("first run: %d rows, %s saved, stopped: %v", len(first), saved, stopped)

		srv.ClearFaults() // the server recovers; the job is run again
		rest, err := resumeScript(ctx, client, d, pos, budget)
		require.NoError(t, err)
		require.Equal(t, want, append(first, rest...), "nothing lost, nothing repeated")
		require.NoFileExists(t, pos)
		t.Logf("second run: %d rows, %d in all", len(rest), len(first)+len(rest))
	})
}
