package sessionkit

import (
	"errors"
	"time"

	"github.com/sessionkit/sessionkit-go/sessions"
)

// Position is where a walk resumes: the page to fetch first, and how many
// of that page's items to pass over. It marshals with encoding/json (zero
// fields left out), so a script can save it when it stops and resume in a
// later process:
//
//	{"page": 4, "offset": 300}
//	{"page_token": "...", "offset": 60}
//	{"window": "2026-10-01T00:00:00Z", "page_token": "...", "offset": 12, "window_offset": 4}
//
// A walk starts at the zero Position. Get the next one from a walk's error
// with [PositionOf], and apply it to the options of the iterator to range
// again: Page to the options' Page (Ductape, MonoCloud and Arthur, in the
// API's own numbering; 0 means the first page), PageToken to
// NextPageToken (Zoom), and, for ListSessionsIter, a non-zero Window to
// ListSessionsOptions.From. [Resume] does this in a loop, and passes over
// Skip items itself.
//
// A Zoom PageToken expires 15 minutes after Zoom issued it, and is a
// secret of the walk: keep a saved Position where you would keep the
// credential.
type Position struct {
	// Page is the page number to fetch first, for page-number walks.
	Page int `json:"page,omitzero"`
	// PageToken is the cursor to fetch first, for Zoom's cursor walks.
	PageToken string `json:"page_token,omitzero"`
	// Window is the first day of the date window to walk first, for
	// ListSessionsIter (set ListSessionsOptions.From to it); zero
	// otherwise.
	Window time.Time `json:"window,omitzero"`
	// Skip counts the items at the start of that page to pass over: they
	// were handled already.
	Skip int `json:"skip,omitzero"`
	// Offset counts the rows of the listing before that page, from the
	// start of the walk that began at the zero [Position]. [Resume] uses it
	// to restart a walk whose Zoom page token expired: from the first
	// page, passing over Offset+Skip rows.
	Offset int `json:"offset,omitzero"`
	// WindowOffset counts the rows of Window before that page: the part
	// of Offset inside the window ([sessions.WindowError.Yielded], summed
	// over the walks of one window). [Resume] uses it to restart a
	// ListSessionsIter walk whose Zoom page token expired: from the
	// window's first page, passing over WindowOffset+Skip rows. A
	// position with a Window, a PageToken and a non-zero Offset but no
	// WindowOffset (saved before WindowOffset existed, or after empty
	// pages only) does not say where its window began, and is not
	// restarted.
	WindowOffset int `json:"window_offset,omitzero"`
}

// PositionOf returns where to resume the walk that ended with err, and
// whether err says so: a *[ResumeError] gives its [Position]; a *[PageError]
// gives its page (or page token, and for ListSessionsIter the window of
// its [*sessions.WindowError], with WindowOffset that error's Yielded),
// with Offset its Yielded, as for a walk that began at the zero Position
// (see [Position.After] for one that began elsewhere). It is false for
// other errors, among them a *[FanOutError]: its PageError is the
// position of an inner walk, not of the outer one.
func PositionOf(err error) (Position, bool) {
	return Position{}.After(err)
}

// After returns where to resume a walk that began at p and ended with
// err, and whether err says so (see [PositionOf]). The rows of the walk
// before the failed page move to Offset (and, those of its window, to
// WindowOffset); Skip keeps the part of p.Skip the walk did not reach.
func (p Position) After(err error) (Position, bool) {
	var fe *FanOutError
	if errors.As(err, &fe) { // first: an inner walk's position is not the outer one's
		return Position{}, false
	}
	var re *ResumeError
	if errors.As(err, &re) {
		return re.Position, true
	}
	var pe *PageError
	if !errors.As(err, &pe) {
		return Position{}, false
	}
	next := Position{
		Page: pe.Page, PageToken: pe.PageToken, Window: p.Window,
		Skip: max(p.Skip-pe.Yielded, 0), Offset: p.Offset + pe.Yielded,
	}
	var we *sessions.WindowError
	if errors.As(pe.Err, &we) {
		if day, err := time.Parse(time.DateOnly, we.From); err == nil {
			next.Window = day
		}
		next.WindowOffset = we.Yielded
		if !p.Window.IsZero() && p.Window.Format(time.DateOnly) == we.From {
			next.WindowOffset += p.WindowOffset // the walk failed in the window it began in
		}
	}
	return next, true
}

// restart is where a walk restarts when the page token of p expired:
// the first page, passing over the rows before p (Offset+Skip); for a
// ListSessionsIter walk, the first page of p's window, passing over the
// window's rows before p (WindowOffset+Skip). It is false for a position
// in a window that does not say how many of its rows came before p (see
// [Position.WindowOffset]).
func (p Position) restart() (Position, bool) {
	if p.Window.IsZero() {
		return Position{Skip: p.Offset + p.Skip}, true
	}
	if p.PageToken != "" && p.WindowOffset == 0 && p.Offset > 0 {
		return Position{}, false
	}
	return Position{Window: p.Window, Skip: p.WindowOffset + p.Skip, Offset: max(p.Offset-p.WindowOffset, 0)}, true
}
