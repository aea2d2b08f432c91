//go:build go1.27 && goexperiment.jsonv2

package engine

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"
)

// Reading the body. Tokens reads it in large pieces into one buffer;
// outside an item (the envelope of a page) the helpers read from that
// buffer and refill it as they go. An item is read from the bytes
// buffered so far by the validating readers (tokenmem.go); an item that
// runs past them, and any other value read whole outside an item (a
// skipped or raw value, a scalar, a name), is first made to lie whole in
// the buffer by a boundary scan, which only tracks the nesting of
// brackets and where strings end, and is then read from memory. So every
// byte is validated once (an item cut by the buffer's end twice), and the
// buffer never holds more than the longest value read whole plus a piece
// of read-ahead, as jsontext's decoder held one value whole too.

const (
	// tokenBufferSize is the buffer's first size, that of the body's
	// read buffer (a read of a whole one passes that by). A larger one
	// saves little time and holds more memory per request in flight.
	tokenBufferSize = bodyBufferSize
	// maxPooledBuffer is the largest buffer given back to the pool.
	maxPooledBuffer = 1 << 20
	// maxNesting is encoding/json's limit on the nesting of objects and
	// arrays (on Go 1.27, counted from the top of the body its Decoder
	// reads, across the values it decodes one by one).
	maxNesting = 10000
)

var tokenBuffers = sync.Pool{New: func() any { b := make([]byte, 0, tokenBufferSize); return &b }}

// release gives the buffer back to the pool; t must not be used after.
func (t *Tokens) release() {
	if cap(t.buf) <= maxPooledBuffer {
		b := t.buf[:0]
		tokenBuffers.Put(&b)
	}
	t.buf, t.r = nil, nil
}

// errNoProgress is a body whose reads return nothing, again and again.
var errNoProgress = errors.New("body reads make no progress")

// fill reads more of the body into the buffer, after the bytes from pos
// on (moved to its front: the bytes before pos have been read, and the
// slices handed out of them are valid only until the next read). It
// reports false at the body's end or after a read error.
func (t *Tokens) fill() bool {
	if t.rerr != nil {
		return false
	}
	if t.pos > 0 {
		n := copy(t.buf, t.buf[t.pos:])
		t.buf, t.pos = t.buf[:n], 0
	}
	if len(t.buf) == cap(t.buf) {
		grown := make([]byte, len(t.buf), 2*cap(t.buf)+tokenBufferSize)
		copy(grown, t.buf)
		t.buf = grown
	}
	for range 100 {
		n, err := t.r.Read(t.buf[len(t.buf):cap(t.buf)])
		t.buf = t.buf[:len(t.buf)+n]
		t.lim = len(t.buf)
		if err != nil {
			t.rerr = err
		}
		if n > 0 {
			return true
		}
		if err != nil {
			return false
		}
	}
	t.rerr = errNoProgress
	return false
}

// truncated is the error of a value cut short: the read error that ended
// the body, else io.ErrUnexpectedEOF.
func (t *Tokens) truncated() error {
	if t.rerr != nil && !errors.Is(t.rerr, io.EOF) {
		return t.rerr
	}
	return io.ErrUnexpectedEOF
}

// loadValue makes the value at pos (a byte peekByte found) lie whole in
// the buffer and returns its end. A number or a literal ends at the first
// byte that cannot be part of one, or at the body's end; what it holds is
// checked when it is read.
func (t *Tokens) loadValue() (int, error) {
	s := boundScan{depth: t.depth}
	off := 0 // how far from pos the scan has gone
	for {
		end, done, err := s.scan(t.buf[t.pos:], off)
		if err != nil {
			return 0, err
		}
		if done {
			return t.pos + end, nil
		}
		off = end
		if !t.fill() {
			if s.kind == boundScalar && errors.Is(t.rerr, io.EOF) {
				return len(t.buf), nil // a number or a literal ends with the body
			}
			return 0, t.truncated()
		}
	}
}

// boundScan finds where a value ends, across refills of the buffer.
type boundScan struct {
	kind  uint8
	depth int  // the nesting, counted from the body's top (see maxNesting)
	str   bool // inside a string
	top   int  // the nesting outside the value
}

const (
	boundNone uint8 = iota
	boundScalar
	boundNested // an object, an array or a string
)

// The classes of the bytes outside strings in a boundary scan. Bytes that
// appear in no JSON text outside a string end the scan with an error at
// once, so a body of garbage is not buffered.
const (
	bAllowed uint8 = iota
	bOpen
	bClose
	bQuote
	bBad
)

var boundClass = func() (c [256]uint8) {
	for i := range c {
		c[i] = bBad
	}
	for _, b := range []byte(" \t\r\n,:0123456789-+.eEtrufalsn") {
		c[b] = bAllowed
	}
	c['{'], c['['] = bOpen, bOpen
	c['}'], c[']'] = bClose, bClose
	c['"'] = bQuote
	return c
}()

// scalarStart and scalarByte are the bytes that begin a number or a
// literal and the bytes that may go on one.
var scalarStart, scalarByte = func() (start, more [256]bool) {
	for _, b := range []byte("-0123456789tfn") {
		start[b] = true
	}
	for b := 0; b < 256; b++ {
		more[b] = '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || b == '+' || b == '-' || b == '.'
	}
	return start, more
}()

// scan goes on scanning the value that begins at b[0] from b[i]; it
// returns the value's end and true, or how far it got and false when b
// ends first.
func (s *boundScan) scan(b []byte, i int) (int, bool, error) {
	if s.kind == boundNone {
		switch c := b[0]; {
		case c == '{' || c == '[':
			s.kind, s.top = boundNested, s.depth
		case c == '"':
			s.kind, s.str, s.top, i = boundNested, true, s.depth, 1
		case scalarStart[c]:
			s.kind = boundScalar
		default:
			return 0, false, invalidChar(c, "where a value belongs")
		}
	}
	if s.kind == boundScalar {
		for i < len(b) && scalarByte[b[i]] {
			i++
		}
		return i, i < len(b), nil
	}
	for i < len(b) {
		if s.str {
			q := bytes.IndexByte(b[i:], '"')
			if q < 0 {
				return len(b), false, nil
			}
			i += q + 1
			if escapedQuote(b, i-1) {
				continue
			}
			s.str = false
			if s.depth == s.top {
				return i, true, nil
			}
			continue
		}
		switch c := b[i]; boundClass[c] {
		case bOpen:
			if s.depth++; s.depth > maxNesting {
				return 0, false, errTooDeep
			}
		case bClose:
			if s.depth--; s.depth == s.top {
				return i + 1, true, nil
			}
		case bQuote:
			s.str = true
		case bBad:
			return 0, false, invalidChar(c, "outside a string")
		}
		i++
	}
	return len(b), false, nil
}

// escapedQuote reports whether the quote at b[q] is escaped: preceded by
// an odd number of backslashes (the string's opening quote ends them).
func escapedQuote(b []byte, q int) bool {
	n := 0
	for q-n-1 >= 0 && b[q-n-1] == '\\' {
		n++
	}
	return n%2 == 1
}

// errTooDeep is a value nested deeper than encoding/json accepts.
var errTooDeep = fmt.Errorf("exceeded max depth %d", maxNesting)

// invalidChar is the error of a byte that no JSON text has where it is.
func invalidChar(c byte, where string) error {
	return fmt.Errorf("invalid character %q %s", c, where)
}
