package engine

import (
	"encoding/json"
	"fmt"
)

// StreamDecoder is implemented by wire bodies that decode themselves from
// the decoder's token stream. A listing page does so element by element,
// straight into the public item type: the decoder then never buffers the
// whole page (json.Decoder.Decode reads a whole value into memory before
// decoding it) and no wire copy of the page is converted afterwards. Get
// uses DecodeStream instead of Decode when out implements it; its error
// makes the answer malformed.
type StreamDecoder interface {
	DecodeStream(dec *json.Decoder) error
}

// StreamObject reads a JSON object from dec and calls field for each
// member, positioned on the member's value, which field must consume
// (decode it with dec.Decode, or call SkipValue). A JSON null counts as
// absent: StreamObject then returns false and no error. Anything else that
// is not an object is an error.
func StreamObject(dec *json.Decoder, field func(key string) error) (present bool, err error) {
	if present, err = open(dec, '{', "an object"); !present || err != nil {
		return present, err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return true, err
		}
		key, ok := tok.(string)
		if !ok {
			return true, fmt.Errorf("expected an object key, got %v", tok)
		}
		if err := field(key); err != nil {
			return true, err
		}
	}
	return true, closeDelim(dec)
}

// StreamArray reads a JSON array from dec and calls elem once per element,
// positioned on it; elem must consume it (with dec.Decode). A JSON null
// counts as absent: StreamArray then returns false and no error. Anything
// else that is not an array is an error.
func StreamArray(dec *json.Decoder, elem func() error) (present bool, err error) {
	if present, err = open(dec, '[', "an array"); !present || err != nil {
		return present, err
	}
	for dec.More() {
		if err := elem(); err != nil {
			return true, err
		}
	}
	return true, closeDelim(dec)
}

// MaxPrealloc bounds the room StreamItems reserves before the items
// arrive.
const MaxPrealloc = 5000

// MaxPageItems is the most items one page may hold on a listing whose API
// publishes no maximum page size (Ductape, MonoCloud), unless a larger
// page was asked for: no real page comes near it, and a bound keeps a
// hostile answer (millions of empty objects in a few MiB) from taking
// gigabytes. APIs with a published maximum use that one (Zoom 300,
// Arthur 5000).
const MaxPageItems = 10000

// StreamItems reads a JSON array of items from dec: for each element it
// appends a zero T and calls decode with a pointer to it, positioned on
// the element, which decode must consume (with dec.Decode). Room for
// sizeHint items (at most MaxPrealloc) is reserved when the first element
// arrives, so an empty array allocates nothing. An array with more than
// maxItems elements is an error, found when element maxItems+1 arrives,
// before it is decoded (maxItems <= 0 means MaxPageItems). A JSON null
// gives nil and present false; an empty array gives an empty, non-nil
// slice.
func StreamItems[T any](dec *json.Decoder, sizeHint, maxItems int, decode func(*T) error) (items []T, present bool, err error) {
	p := pageItems[T]{sizeHint: sizeHint, maxItems: maxItems}
	present, err = StreamArray(dec, func() error {
		it, err := p.next()
		if err != nil {
			return err
		}
		return decode(it)
	})
	return p.done(present), present, err
}

// SkipValue consumes one JSON value of any kind without keeping it.
func SkipValue(dec *json.Decoder) error {
	var v skipped
	return dec.Decode(&v)
}

// skipped accepts any JSON value and keeps nothing of it.
type skipped struct{}

func (*skipped) UnmarshalJSON([]byte) error { return nil }

// open reads the opening delimiter of the value dec is positioned on.
func open(dec *json.Decoder, delim json.Delim, what string) (bool, error) {
	tok, err := dec.Token()
	if err != nil {
		return false, err
	}
	switch tok {
	case nil:
		return false, nil
	case delim:
		return true, nil
	}
	if d, ok := tok.(json.Delim); ok {
		return false, fmt.Errorf("expected %s, got %q", what, rune(d))
	}
	return false, fmt.Errorf("expected %s, got %T %v", what, tok, tok)
}

// closeDelim reads the closing delimiter after the last member or element.
func closeDelim(dec *json.Decoder) error {
	_, err := dec.Token()
	return err
}
