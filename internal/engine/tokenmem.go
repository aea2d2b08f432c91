//go:build go1.27 && goexperiment.jsonv2

package engine

import (
	"encoding/binary"
	"io"
	"math/bits"
	"unicode/utf8"
)

// Reading values from memory, validating as they are read: the item being
// decoded lies in buf[:lim] (the bytes buffered so far, or the value
// loadValue made to lie whole there), and each reader checks the JSON grammar of what it consumes,
// as encoding/json's scanner does: white space only between tokens, ':'
// after a name and ',' between members and elements (checked by Object,
// Array and skipValue), strings without control bytes and with valid
// escapes, numbers of the JSON form, the three literals spelled out.
// Invalid UTF-8 is accepted (and replaced by U+FFFD when unquoted), and
// so are duplicate names, as encoding/json accepts them.

// peekByte moves pos past white space and returns the byte there; 0 at
// the end of the value in memory or of the body. Outside memory it reads
// more of the body as needed.
func (t *Tokens) peekByte() byte {
	if t.pos < t.lim && t.buf[t.pos] > ' ' {
		return t.buf[t.pos] // not white space
	}
	return t.skipSpace()
}

// skipSpace is peekByte past white space or at the end of what is read.
func (t *Tokens) skipSpace() byte {
	for {
		i, b := t.pos, t.buf[:t.lim]
		for i < len(b) && isSpace[b[i]] {
			i++
		}
		t.pos = i
		if i < len(b) {
			return b[i]
		}
		if t.mem || !t.fill() {
			return 0
		}
	}
}

var isSpace = [256]bool{' ': true, '\t': true, '\n': true, '\r': true}

// unexpected is the error of the byte at pos (found by peekByte) where
// something else belongs.
func (t *Tokens) unexpected(where string) error {
	if t.pos >= t.lim {
		return t.truncated()
	}
	return invalidChar(t.buf[t.pos], where)
}

// inMemory calls read with the bytes up to end (a value loadValue
// buffered, or all that is buffered) as the value in memory.
func (t *Tokens) inMemory(end int, read func() error) error {
	t.mem, t.lim = true, end
	err := read()
	t.mem, t.lim = false, len(t.buf)
	return err
}

// valueText reads one value whole, validated, and returns its text with
// the classes of its bytes when it is a string (see nameClass).
func (t *Tokens) valueText() (raw []byte, class byte, err error) {
	if !t.mem {
		return t.streamValueText()
	}
	t.peekByte()
	start := t.pos
	if class, err = t.skipValue(); err != nil {
		return nil, 0, err
	}
	return t.buf[start:t.pos], class, nil
}

// streamValueText is valueText outside memory.
func (t *Tokens) streamValueText() (raw []byte, class byte, err error) {
	if t.peekByte() == 0 {
		return nil, 0, t.unexpected("where a value belongs")
	}
	end, err := t.loadValue()
	if err != nil {
		return nil, 0, err
	}
	err = t.inMemory(end, func() error {
		raw, class, err = t.valueText()
		return err
	})
	return raw, class, err
}

// skipValue moves pos past one value in memory, validating it, and
// returns the classes of its bytes when it is a string.
func (t *Tokens) skipValue() (class byte, err error) {
	c := t.peekByte()
	switch {
	case c == '"':
		end, class, err := scanString(t.buf[:t.lim], t.pos, false)
		if err != nil {
			return 0, err
		}
		t.pos = end
		return class, nil
	case c == '{':
		return 0, t.skipObject()
	case c == '[':
		return 0, t.skipArray()
	case c == 't':
		return 0, t.literal("true")
	case c == 'f':
		return 0, t.literal("false")
	case c == 'n':
		return 0, t.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		end := scanNumber(t.buf[:t.lim], t.pos)
		if end < 0 {
			return 0, t.badNumber()
		}
		t.pos = end
		return 0, nil
	}
	return 0, t.unexpected("where a value belongs")
}

// enter reads the opening delimiter at pos, counting the nesting.
func (t *Tokens) enter() error {
	t.pos++
	if t.depth++; t.depth > maxNesting {
		return errTooDeep
	}
	return nil
}

// leave reads the closing delimiter at pos.
func (t *Tokens) leave() {
	t.pos++
	t.depth--
}

// skipObject moves pos past the object at pos, validating it.
func (t *Tokens) skipObject() error {
	if err := t.enter(); err != nil {
		return err
	}
	if t.peekByte() == '}' {
		t.leave()
		return nil
	}
	for {
		if t.peekByte() != '"' {
			return t.unexpected("where a member name belongs")
		}
		end, _, err := scanString(t.buf[:t.lim], t.pos, false)
		if err != nil {
			return err
		}
		t.pos = end
		if err := t.colon(); err != nil {
			return err
		}
		if _, err := t.skipValue(); err != nil {
			return err
		}
		switch t.peekByte() {
		case ',':
			t.pos++
		case '}':
			t.leave()
			return nil
		default:
			return t.unexpected("after an object member")
		}
	}
}

// skipArray moves pos past the array at pos, validating it.
func (t *Tokens) skipArray() error {
	if err := t.enter(); err != nil {
		return err
	}
	if t.peekByte() == ']' {
		t.leave()
		return nil
	}
	for {
		if _, err := t.skipValue(); err != nil {
			return err
		}
		switch t.peekByte() {
		case ',':
			t.pos++
		case ']':
			t.leave()
			return nil
		default:
			return t.unexpected("after an array element")
		}
	}
}

// colon reads the ':' after a member name.
func (t *Tokens) colon() error {
	if t.peekByte() != ':' {
		return t.unexpected("after a member name")
	}
	t.pos++
	return nil
}

// literal reads lit, one of true, false and null, at pos. It ends there,
// whatever follows: the enclosing object or array checks that.
func (t *Tokens) literal(lit string) error {
	if t.atLiteral(lit) {
		t.pos += len(lit)
		return nil
	}
	for i := 0; i < len(lit); i++ {
		if t.pos+i >= t.lim {
			return t.truncated()
		}
		if c := t.buf[t.pos+i]; c != lit[i] {
			return invalidChar(c, "in literal "+lit)
		}
	}
	return nil // not reached
}

// atLiteral reports whether lit is at pos, reading more of the body
// outside memory as needed (which may move the buffer: pos stays on lit).
func (t *Tokens) atLiteral(lit string) bool {
	for !t.mem && t.lim-t.pos < len(lit) && t.fill() {
	}
	return t.lim-t.pos >= len(lit) && string(t.buf[t.pos:t.pos+len(lit)]) == lit
}

// badNumber is the error of the malformed number at pos.
func (t *Tokens) badNumber() error {
	end := t.pos
	for end < t.lim && scalarByte[t.buf[end]] {
		end++
	}
	return &numberError{text: string(t.buf[t.pos:min(end, t.pos+32)])}
}

// numberError is a number not of the JSON form (its start, at most 32
// bytes).
type numberError struct{ text string }

func (e *numberError) Error() string { return "invalid number " + e.text }

// scanNumber returns the end of the JSON number at b[i:], the longest
// prefix of the grammar -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
// (as encoding/json reads it: what follows is the enclosing value's to
// check), or -1 when there is no number there.
func scanNumber(b []byte, i int) int {
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i >= len(b):
		return -1
	case b[i] == '0':
		i++
	case '1' <= b[i] && b[i] <= '9':
		i = digits(b, i+1)
	default:
		return -1
	}
	if i < len(b) && b[i] == '.' {
		if i = digits(b, i+1); b[i-1] == '.' {
			return -1 // no digit after the point
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(b, i)
		if j == i {
			return -1 // no digit in the exponent
		}
		i = j
	}
	return i
}

// digits returns the end of the run of ASCII digits at b[i:].
func digits(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}

// The classes a string's scan reports of its bytes: upper-case ASCII
// letters (in a member name only), escapes, and bytes that are not
// ASCII. A name or a value with none is its text as it lies between its
// quotes.
const (
	classUpper  = 1 << iota
	classEscape // a backslash
	classHigh   // a byte of 0x80 or more
	classQuote  // the closing quote: ends the scan
	classCtrl   // a control byte: an error

	classOther = classEscape | classHigh // needs unquoting and Unicode folding
)

// nameClass and valueClass are the classes of the bytes of member names
// and of string values (where the case of letters does not matter).
var nameClass, valueClass = func() (name, value [256]byte) {
	for b := 0; b < 0x20; b++ {
		value[b] = classCtrl
	}
	value['"'], value['\\'] = classQuote, classEscape
	for b := utf8.RuneSelf; b < 256; b++ {
		value[b] = classHigh
	}
	name = value
	for b := 'A'; b <= 'Z'; b++ {
		name[b] = classUpper
	}
	return name, value
}()

// scanString validates the JSON string whose opening quote is b[i] and
// returns its end (past the closing quote) and the classes of its bytes
// (see nameClass; upper-case letters only for a name). It goes eight
// bytes at a time to the next byte that is not plain text.
func scanString(b []byte, i int, name bool) (end int, class byte, err error) {
	classes := &valueClass
	if name {
		classes = &nameClass
	}
	for j := i + 1; j < len(b); j++ {
		if j+8 <= len(b) {
			x := binary.LittleEndian.Uint64(b[j:])
			m := special(x)
			if name {
				if u := upperCase(x) & (m&-m - 1); u != 0 { // the letters before the first special byte
					class |= classUpper
				}
			}
			if m == 0 {
				j += 7
				continue
			}
			j += bits.TrailingZeros64(m) >> 3
		}
		switch k := classes[b[j]]; k {
		case 0:
		case classQuote:
			return j + 1, class, nil
		case classEscape:
			class |= classEscape
			if j, err = escapeEnd(b, j); err != nil {
				return 0, 0, err
			}
		case classCtrl:
			return 0, 0, invalidChar(b[j], "in a string (a control byte)")
		default:
			class |= k
		}
	}
	return 0, 0, io.ErrUnexpectedEOF
}

// Eight bytes at once, as a little-endian uint64: lsb and msb have the
// lowest and the highest bit of each byte set.
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// special returns x's bytes that a string's scan stops at (a quote, a
// backslash, a control byte, a byte of 0x80 or more) as their high bits;
// the lowest is exact. A byte is marked when it is one of those, or when
// a subtraction borrows from a lower byte that is: so no byte below the
// first of them is. (A byte of 0x80 or more is marked by x itself, which
// makes the usual "&^ x" of each test unneeded.)
func special(x uint64) uint64 {
	q, bs := x^(lsb*'"'), x^(lsb*'\\')
	return ((q - lsb) | (bs - lsb) | (x - lsb*0x20) | x) & msb
}

// upperCase returns x's bytes that are upper-case ASCII letters as their
// high bits (exactly: the sums carry into no other byte).
func upperCase(x uint64) uint64 {
	low := x & (lsb * 0x7f)
	return (lsb*(0x7f+'Z'+1) - low) & (low + lsb*(0x7f-('A'-1))) &^ x & msb
}

// escapeEnd validates the escape whose backslash is b[j] and returns the
// index of its last byte.
func escapeEnd(b []byte, j int) (int, error) {
	if j+1 >= len(b) {
		return 0, io.ErrUnexpectedEOF
	}
	switch b[j+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return j + 1, nil
	case 'u':
		if j+6 > len(b) {
			return 0, io.ErrUnexpectedEOF
		}
		for _, c := range b[j+2 : j+6] {
			if !isHex[c] {
				return 0, invalidChar(c, `in a \u escape`)
			}
		}
		return j + 5, nil
	}
	return 0, invalidChar(b[j+1], "in a string escape")
}

var isHex = func() (h [256]bool) {
	for _, c := range []byte("0123456789abcdefABCDEF") {
		h[c] = true
	}
	return h
}()
