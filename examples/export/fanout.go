package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"

	"github.com/sessionkit/sessionkit-go"
	"github.com/sessionkit/sessionkit-go/sessions"
	"github.com/sessionkit/sessionkit-go/traces"
	"github.com/sessionkit/sessionkit-go/users"
)

// zoomRange reports whether the job lists every session of a date range
// instead of one session.
func (j Job) zoomRange() bool { return !j.From.IsZero() || !j.To.IsZero() }

func (j Job) validateZoom() error {
	switch {
	case j.zoomRange() && j.ZoomSessionID != "":
		return errors.New("-api zoom takes -zoom-session or -from and -to, not both")
	case j.zoomRange() && (j.From.IsZero() || j.To.IsZero()):
		return errors.New("-api zoom needs both -from and -to")
	case j.zoomRange():
		return j.validateParallel()
	case j.ZoomSessionID == "":
		return errors.New("-api zoom needs -zoom-session, or -from and -to for every session of a date range")
	}
	return nil
}

// validateFanOut checks an Arthur or MonoCloud job: without task IDs (a
// user ID) it walks every task (user).
func (j Job) validateFanOut() error {
	if (j.API == apiArthur && len(j.TaskIDs) == 0) || (j.API == apiMonoCloud && j.UserID == "") {
		return j.validateParallel()
	}
	return nil
}

func (j Job) validateParallel() error {
	if j.Parallel < 1 {
		return fmt.Errorf("-parallel must be at least 1, got %d", j.Parallel)
	}
	return nil
}

// withParent is a row of an export of every item of a discovery listing:
// an item and the discovery item it belongs to.
type withParent[I any] struct {
	key    string // the parent's column name
	parent string
	item   I
}

// MarshalJSON writes the item's own JSON object with the parent's ID as
// its first member.
func (r withParent[I]) MarshalJSON() ([]byte, error) {
	item, err := json.Marshal(r.item)
	if err != nil {
		return nil, err
	}
	if len(item) < 2 || item[0] != '{' {
		return nil, fmt.Errorf("export row: item is not a JSON object: %.20s", item)
	}
	key, _ := json.Marshal(r.key) // strings always marshal
	parent, _ := json.Marshal(r.parent)
	out := make([]byte, 0, len(key)+len(parent)+len(item)+2)
	out = append(append(append(append(out, '{'), key...), ':'), parent...)
	if item[1] != '}' {
		out = append(out, ',')
	}
	return append(out, item[1:]...), nil
}

// indexed is a discovery item and its position in this run's walk.
type indexed[O any] struct {
	index int
	item  O
}

// fanOutListing is the listing of every inner item of every outer item:
// the outer walk is the discovery call, each inner walk the per-item
// listing (from a position), run parallel at once through FanOut. Rows
// carry the parent's ID in a first column named parentColumn.
func fanOutListing[O, I any](job Job, parentColumn string, parentID func(O) string,
	outer func(ctx context.Context) iter.Seq2[O, error],
	inner func(ctx context.Context, o O, at Position) iter.Seq2[I, error],
	columns []column[I], scrub func(I) I) listing[withParent[I]] {
	cols := []column[withParent[I]]{{parentColumn, func(r withParent[I]) any { return r.parent }}}
	for _, c := range columns {
		cols = append(cols, column[withParent[I]]{c.name, func(r withParent[I]) any { return c.get(r.item) }})
	}
	var seen int // outer items this run's walk has handed to FanOut
	var scrubRow func(withParent[I]) withParent[I]
	if scrub != nil {
		scrubRow = func(r withParent[I]) withParent[I] {
			r.item = scrub(r.item)
			return r
		}
	}
	return listing[withParent[I]]{
		columns: cols,
		scrub:   scrubRow,
		walk: func(ctx context.Context, at Position) iter.Seq2[withParent[I], error] {
			seen = 0
			rest := func(yield func(indexed[O], error) bool) {
				skipped := 0
				for o, err := range outer(ctx) {
					if err == nil && skipped < at.Outer {
						skipped++ // written whole by an earlier run
						continue
					}
					if !yield(indexed[O]{seen, o}, err) || err != nil {
						return
					}
					seen++
				}
			}
			return sessionkit.FanOut(ctx, rest, job.Parallel, func(ctx context.Context, o indexed[O]) iter.Seq2[withParent[I], error] {
				start := Position{}
				if o.index == 0 {
					start = Position{Page: at.Page, PageToken: at.PageToken, Skip: at.Skip}
				}
				id := parentID(o.item)
				return func(yield func(withParent[I], error) bool) {
					skip := start.Skip
					for v, err := range inner(ctx, o.item, start) {
						if err == nil && skip > 0 {
							skip--
							continue
						}
						if !yield(withParent[I]{parentColumn, id, v}, err) {
							return
						}
					}
				}
			})
		},
		resume: func(at Position, _ int, err error) (Position, error) {
			var fe *sessionkit.FanOutError
			if !errors.As(err, &fe) {
				// The discovery walk failed: the walks of the items before
				// were written whole.
				if seen == 0 {
					return at, nil
				}
				return Position{Outer: at.Outer + seen}, nil
			}
			p := Position{Outer: at.Outer + fe.Index}
			if pe := (*sessionkit.PageError)(nil); errors.As(fe.Err, &pe) {
				p.Page, p.PageToken = pe.Page, pe.PageToken
				return p, nil
			}
			// Cut by the context inside a page: skip what was written.
			p.Skip = fe.Yielded
			if fe.Index == 0 {
				p.Page, p.PageToken, p.Skip = at.Page, at.PageToken, at.Skip+fe.Yielded
			}
			return p, nil
		},
	}
}

// zoomRangeListing is every user of every Zoom session of the job's type
// in its date range.
func zoomRangeListing(c *sessionkit.Client, job Job) listing[withParent[sessions.VideoUser]] {
	return fanOutListing(job, "session_id", func(s sessions.VideoSession) string { return s.ID },
		func(ctx context.Context) iter.Seq2[sessions.VideoSession, error] {
			return c.Sessions.ListSessionsIter(ctx, sessions.ListSessionsOptions{
				From: job.From, To: job.To, Type: job.ZoomType, PageSize: min(job.PageSize, sessions.MaxZoomPageSize),
			})
		},
		func(ctx context.Context, s sessions.VideoSession, at Position) iter.Seq2[sessions.VideoUser, error] {
			return c.Sessions.ListUsersIter(ctx, s.ID, sessions.ListUsersOptions{
				Type: job.ZoomType, PageSize: min(job.PageSize, sessions.MaxZoomPageSize), NextPageToken: at.PageToken,
			})
		},
		zoomColumns(), nil)
}

// arthurTasksListing is every trace user of every active Arthur task,
// oldest task first.
func arthurTasksListing(c *sessionkit.Client, job Job) listing[withParent[traces.UserMetadata]] {
	return fanOutListing(job, "task_name", func(t traces.Task) string { return t.Name },
		func(ctx context.Context) iter.Seq2[traces.Task, error] {
			return c.Traces.TasksIter(ctx, traces.TasksOptions{Sort: traces.Asc, PageSize: job.PageSize})
		},
		func(ctx context.Context, t traces.Task, at Position) iter.Seq2[traces.UserMetadata, error] {
			return c.Traces.UsersIter(ctx, traces.UsersOptions{TaskIDs: []string{t.ID}, PageSize: job.PageSize, Sort: traces.Asc, Page: at.Page})
		},
		arthurColumns(), nil)
}

// monoCloudUsersListing is every session of every MonoCloud user, oldest
// user first (new users land at the end, so a resume skips the right ones).
func monoCloudUsersListing(c *sessionkit.Client, job Job) listing[withParent[users.Session]] {
	return fanOutListing(job, "user_id", func(u users.User) string { return u.UserID },
		func(ctx context.Context) iter.Seq2[users.User, error] {
			return c.Users.ListIter(ctx, users.ListOptions{Size: job.PageSize, Sort: users.Sort{Key: users.SortByCreationTime, Order: users.Ascending}})
		},
		func(ctx context.Context, u users.User, at Position) iter.Seq2[users.Session, error] {
			o := monoCloudSessionsOptions(job)
			o.Page = at.Page
			return c.Users.SessionsIter(ctx, u.UserID, o)
		},
		monoCloudColumns(), scrubSessionKey)
}
