package engine

import (
	"context"
	"errors"
	"iter"
	"net/http"
)

// Endpoint describes one endpoint of an API, once: where it is, how its
// arguments become a request, what its answer decodes into and, for a
// listing, what a page's answer says about the pages that follow. A
// service declares one Endpoint value per endpoint, and its calls are
// the Endpoint's methods: [Endpoint.Get] for one page (or object),
// [Endpoint.Items] and [Endpoint.Pages] for the two walks of a listing.
// Each validates the arguments once, with Path, before any request, and
// a walk fetches every page through the same request as Get.
//
// A is a call's arguments (its options, with any path IDs); W is the wire
// body an answer decodes into (a pointer, see [StreamDecoder]); P is what
// Get returns: a page, or the object of an endpoint that is not a
// listing; T is a listing's item (struct{} for an endpoint that is not
// one).
type Endpoint[A, W, P, T any] struct {
	// API is the API the endpoint belongs to.
	API API
	// Method is http.MethodGet or http.MethodPost.
	Method string
	// Route is the endpoint's path template (see [Route]).
	Route Route
	// Retry says whether a POST may be sent more than once (see [Retry]).
	Retry Retry

	// Path validates the arguments and returns the path, relative to the
	// API's base URL, with them filled in and escaped (see [Segment]). c
	// is the client the call goes through (Ductape's paths hold its
	// workspace). Its error, which wraps [ErrInvalidOptions] and names
	// the field, is the call's or the walk's, before any request.
	Path func(c *Client, a A) (string, error)
	// Query returns the query of the page at at: a go-querystring
	// struct, or nil for none. at is the position the arguments name
	// (see Cursor) for Get, the page being fetched for a walk.
	Query func(a A, at Cursor) any
	// Body returns the JSON body of a POST; nil sends none.
	Body func(a A) any
	// Wire returns a new wire body for one answer.
	Wire func(a A) W
	// Result returns what the call returns, from the answer decoded into
	// w and the response r.
	Result func(a A, w W, r *Response) P
	// Err, when set, rewrites the error of the request for the page at at
	// (Zoom's rejected page tokens).
	Err func(at Cursor, err error) error

	// Cursor returns the position the arguments name: their page number
	// or page token. Nil means the zero Cursor.
	Cursor func(a A) Cursor
	// FirstPage is the number of a page-number listing's first page: 1,
	// or 0 for a 0-based listing or a cursor listing. A walk from a lower
	// page number starts there.
	FirstPage int
	// Next completes a page of the listing: its items, with what its
	// answer says about the rest, built with the constructor of the
	// listing's style ([TotalPagesPage], [CountPage], [HasNextPage] or
	// [CursorPage]). Nil for an endpoint that is not a listing (a walk
	// then ends after the first page).
	Next func(a A, p P) Page[T]

	// Split, when set, splits the arguments of a walk, lazily, into
	// parts that are walked one after another, each from its own Cursor,
	// with the path of the whole (Zoom's month windows). The walk yields
	// what the parts yield, in order, or ends with the error of the first
	// part that fails, a *[PageError] at that part's failed page whose
	// Yielded counts the items yielded over every part. It is one walk
	// for an [Observer].
	Split func(a A) iter.Seq[A]
	// PartErr, when set, wraps the cause of a part's failure inside the
	// walk's *PageError (Zoom's *WindowError). yielded counts the items
	// of that part yielded before its failed page (the PageError's
	// Yielded counts those of every part), so that a walk can restart
	// the part from its first page and pass over them.
	PartErr func(part A, yielded int, err error) error
}

// Get validates the arguments and fetches what they name: one page at
// the arguments' own Cursor, or the endpoint's object.
func (e *Endpoint[A, W, P, T]) Get(ctx context.Context, c *Client, a A) (P, error) {
	path, err := e.Path(c, a)
	if err != nil {
		var zero P
		return zero, err
	}
	return e.fetch(ctx, c, a, path, e.cursor(a))
}

// Items returns a lazy iterator over the listing's items from the
// arguments' Cursor (or its first page) to its last page, under the
// rules of [Walk] with the client's prefetch. Arguments that Path refuses
// make it yield that error once (see [Fail]), sending no request.
func (e *Endpoint[A, W, P, T]) Items(ctx context.Context, c *Client, a A) iter.Seq2[T, error] {
	path, err := e.Path(c, a)
	if err != nil {
		return Fail[T](e.start(a), err)
	}
	return itemSeq(ctx, func(ctx context.Context, emit emitFunc[P, T]) { e.walk(ctx, c, a, path, emit) })
}

// Pages returns a lazy iterator over the pages [Endpoint.Items] walks,
// each as [Endpoint.Get] returns it, under the rules of [WalkPages] with
// the client's prefetch. Arguments that Path refuses make it yield that
// error once, sending no request.
func (e *Endpoint[A, W, P, T]) Pages(ctx context.Context, c *Client, a A) iter.Seq2[P, error] {
	path, err := e.Path(c, a)
	if err != nil {
		return Fail[P](e.start(a), err)
	}
	return pageSeq(ctx, func(ctx context.Context, emit emitFunc[P, T]) { e.walk(ctx, c, a, path, emit) })
}

// cursor returns the position the arguments name.
func (e *Endpoint[A, W, P, T]) cursor(a A) Cursor {
	if e.Cursor == nil {
		return Cursor{}
	}
	return e.Cursor(a)
}

// start returns where a walk of the arguments starts.
func (e *Endpoint[A, W, P, T]) start(a A) Cursor {
	at := e.cursor(a)
	if at.Token == "" {
		at.Page = max(at.Page, e.FirstPage)
	}
	return at
}

// fetch sends the request for the page at at, with the path Path
// returned, and returns its result.
func (e *Endpoint[A, W, P, T]) fetch(ctx context.Context, c *Client, a A, path string, at Cursor) (P, error) {
	w := e.Wire(a)
	var q any
	if e.Query != nil {
		q = e.Query(a, at)
	}
	var resp *Response
	var err error
	if e.Method == http.MethodPost {
		var in any
		if e.Body != nil {
			in = e.Body(a)
		}
		resp, err = c.Post(ctx, e.API, e.Route, path, q, in, e.Retry, w)
	} else {
		resp, err = c.Get(ctx, e.API, e.Route, path, q, w)
	}
	if err != nil {
		if e.Err != nil {
			err = e.Err(at, err)
		}
		var zero P
		return zero, err
	}
	return e.Result(a, w, resp), nil
}

// pageFetch returns the fetch of a walk of the arguments.
func (e *Endpoint[A, W, P, T]) pageFetch(c *Client, a A, path string) PageFetch[P, T] {
	return func(ctx context.Context, at Cursor) (P, Page[T], error) {
		p, err := e.fetch(ctx, c, a, path, at)
		if err != nil || e.Next == nil {
			return p, Page[T]{}, err
		}
		return p, e.Next(a, p), nil
	}
}

// walk walks the pages of the arguments, part after part when the
// endpoint splits them, handing them to emit.
func (e *Endpoint[A, W, P, T]) walk(ctx context.Context, c *Client, a A, path string, emit emitFunc[P, T]) {
	if e.Split == nil {
		walkPages(ctx, c.Prefetch(), e.start(a), e.pageFetch(c, a, path), emit)
		return
	}
	yielded := 0
	for part := range e.Split(a) {
		more := true
		before := yielded
		walkPages(ctx, c.Prefetch(), e.start(part), e.pageFetch(c, part, path), func(pub P, items []T, err error) (int, bool) {
			if err != nil {
				more = false
				return emit(pub, nil, e.partFailed(part, err, yielded, yielded-before))
			}
			var n int
			n, more = emit(pub, items, nil)
			yielded += n
			return n, more
		})
		if !more {
			return
		}
	}
}

// partFailed turns the error a part's walk ended with into the whole
// walk's: at the part's failed page, after the items of every part
// (yielded), inPart of them the part's own.
func (e *Endpoint[A, W, P, T]) partFailed(part A, err error, yielded, inPart int) error {
	pe := &PageError{Yielded: yielded, Err: err}
	var inner *PageError
	if errors.As(err, &inner) {
		pe.Page, pe.PageToken, pe.Err = inner.Page, inner.PageToken, inner.Err
	}
	if e.PartErr != nil {
		pe.Err = e.PartErr(part, inPart, pe.Err)
	}
	return pe
}
