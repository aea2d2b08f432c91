package engine

import "fmt"

// pageItems collects the items of one page for StreamItems and
// TokenItems, so that both decoders reserve the same room and enforce the
// same bound. Room for sizeHint items (at most MaxPrealloc and at most
// maxItems) is reserved when the first element arrives, so an empty array
// allocates nothing. maxItems bounds the page (maxItems <= 0 means
// MaxPageItems): element maxItems+1 is an error, found before it is
// decoded.
type pageItems[T any] struct {
	items              []T
	sizeHint, maxItems int
}

// next appends a zero item and returns a pointer to it.
func (p *pageItems[T]) next() (*T, error) {
	if p.maxItems <= 0 {
		p.maxItems = MaxPageItems
	}
	if p.items == nil {
		p.items = make([]T, 0, min(max(p.sizeHint, 1), MaxPrealloc, p.maxItems))
	}
	if len(p.items) == p.maxItems {
		return nil, fmt.Errorf("more than %d items in one page, more than the API allows", p.maxItems)
	}
	var zero T
	p.items = append(p.items, zero)
	return &p.items[len(p.items)-1], nil
}

// done returns the items: nil for an absent array, an empty non-nil slice
// for an empty one.
func (p *pageItems[T]) done(present bool) []T {
	if present && p.items == nil {
		return []T{}
	}
	return p.items
}
