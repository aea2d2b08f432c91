//go:build go1.27 && goexperiment.jsonv2

package engine

import (
	"encoding/json/jsontext"
	"io"
)

// Reading an item from memory. jsontext has read the item whole and
// found it valid JSON, so these readers only find where each value ends:
// white space and the separators ',' and ':' carry no information there,
// and no syntax can be wrong.

// value reads one value whole, from the item in memory or from the
// decoder.
func (t *Tokens) value() (jsontext.Value, error) {
	raw, _, err := t.valueText()
	return raw, err
}

// valueText is value that also reports, for a string read from memory,
// whether it is plain: ASCII without escapes, its text the bytes between
// its quotes.
func (t *Tokens) valueText() (raw jsontext.Value, plain bool, err error) {
	if t.elem == nil {
		raw, err = t.dec.ReadValue()
		return raw, false, err
	}
	start := t.skipSpace()
	var end int
	if start < len(t.elem) && t.elem[start] == '"' {
		end, plain = stringEnd(t.elem, start)
	} else {
		end = valueEnd(t.elem, start)
	}
	if end <= start {
		return nil, false, io.ErrUnexpectedEOF // not on a value: a decoder read past its item
	}
	t.pos = end
	if end < len(t.elem) && t.elem[end] == ',' {
		t.pos++ // the usual separator, without a scan
	}
	return t.elem[start:end], plain, nil
}

// memName reads a member name of the item in memory and returns it with
// the classes of its bytes (see nameClass).
func (t *Tokens) memName() (raw []byte, class byte, err error) {
	b := t.elem
	start := t.skipSpace()
	if start >= len(b) || b[start] != '"' {
		return nil, 0, io.ErrUnexpectedEOF
	}
	j := start + 1
	for ; j < len(b); j++ {
		c := b[j]
		k := nameClass[c]
		if k == 0 {
			continue
		}
		if k == classQuote {
			t.pos = j + 1
			if t.pos < len(b) && b[t.pos] == ':' {
				t.pos++ // the usual separator, without a scan
			}
			return b[start : j+1], class, nil
		}
		class |= k
		if c == '\\' {
			j++ // the escaped byte, a quote perhaps
		}
	}
	return nil, 0, io.ErrUnexpectedEOF
}

// peek returns the first byte of the next value or delimiter of the item
// in memory (0 at its end).
func (t *Tokens) peek() byte {
	if i := t.skipSpace(); i < len(t.elem) {
		return t.elem[i]
	}
	return 0
}

// skipSpace moves pos past white space and separators and returns it.
func (t *Tokens) skipSpace() int {
	i := t.pos
	for i < len(t.elem) && isSeparator[t.elem[i]] {
		i++
	}
	t.pos = i
	return i
}

var isSeparator = [256]bool{' ': true, '\t': true, '\n': true, '\r': true, ',': true, ':': true}

// ends marks the bytes that end a number or a literal.
var ends = [256]bool{' ': true, '\t': true, '\n': true, '\r': true, ',': true, ':': true, ']': true, '}': true}

// valueEnd returns the end of the value at b[i:], or i when there is
// none.
func valueEnd(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		end, _ := stringEnd(b, i)
		return end
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			case '"':
				end, _ := stringEnd(b, j)
				j = end - 1
			}
		}
		return len(b)
	case '}', ']':
		return i
	}
	j := i
	for j < len(b) && !ends[b[j]] {
		j++
	}
	return j
}

// stringEnd returns the end of the string at b[i:] and whether it is
// plain: ASCII without escapes.
func stringEnd(b []byte, i int) (end int, plain bool) {
	plain = true
	for j := i + 1; j < len(b); j++ {
		switch stringClass[b[j]] {
		case 0:
		case '"':
			return j + 1, plain
		case '\\':
			plain = false
			j++ // the escaped byte, a quote perhaps
		default:
			plain = false
		}
	}
	return len(b), false
}

// stringClass marks the bytes a string's scan stops at: its closing
// quote, a backslash, and non-ASCII bytes (1).
var stringClass = func() (c [256]byte) {
	c['"'], c['\\'] = '"', '\\'
	for b := 0x80; b < 256; b++ {
		c[b] = 1
	}
	return c
}()
