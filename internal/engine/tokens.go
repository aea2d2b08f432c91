//go:build go1.27 && goexperiment.jsonv2

package engine

import (
	"encoding/binary"
	"encoding/json/jsontext"
	"fmt"
	"io"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// TokenDecoder is implemented by wire bodies that decode themselves from
// jsontext tokens, one scan per element and no reflection. Get uses
// DecodeTokens, when out implements it, instead of the StreamDecoder path;
// it must accept exactly the bodies that path accepts, into the same
// values (the token decoders' differential tests check it). Its error
// makes the answer malformed.
type TokenDecoder interface {
	DecodeTokens(t *Tokens) error
}

// Tokens is the token stream of one body, with the scratch space the
// token helpers share (a member name is folded into it, so matching names
// allocates nothing). The helpers decode as encoding/json's Unmarshal
// does into the same Go types: null leaves a value alone and sets a
// pointer to nil, JSON strings are unquoted with invalid UTF-8 replaced by
// U+FFFD, duplicate names are all decoded in order, and a value of the
// wrong kind is an error. They accept the JSON encoding/json accepts and
// nothing else: each byte is validated as it is read.
//
// The body is read in large pieces into one buffer. The items of a page
// (see [TokenItems]) are read one whole element at a time from memory:
// an element usually lies whole among the bytes read so far, and the
// helpers read its members from there, validating them as they go; one
// that runs past them is made to lie whole in the buffer (by a boundary
// scan that only tracks brackets and string ends) and decoded again. So a
// page is never buffered whole, and a value costs no refill check.
type Tokens struct {
	r    io.Reader
	buf  []byte // the body's bytes read so far and not yet dropped
	pos  int    // the next byte to read
	lim  int    // the end of the bytes the readers may look at
	rerr error  // the error that ended the body's reads (io.EOF at its end)

	// mem says the value being read lies whole in buf[:lim] (an item, or
	// a value loadValue buffered): its readers do not refill.
	mem   bool
	depth int // the nesting of objects and arrays, which encoding/json limits

	name     []byte // the folded name of the member being read
	unquoted []byte // scratch for a name with escapes or non-ASCII text
	strs     *stringCache
}

// NewTokens returns the token stream of r. A body is read as it is
// decoded: it is never buffered whole.
func NewTokens(r io.Reader) *Tokens {
	bp, _ := tokenBuffers.Get().(*[]byte)
	if bp == nil {
		b := make([]byte, 0, tokenBufferSize)
		bp = &b
	}
	return &Tokens{r: r, buf: (*bp)[:0], name: make([]byte, 0, 64)}
}

// decodeTokens decodes a body into out when out is a TokenDecoder; it
// reports false, doing nothing, when it is not.
func decodeTokens(r io.Reader, out any) (bool, error) {
	td, ok := out.(TokenDecoder)
	if !ok {
		return false, nil
	}
	t := NewTokens(r)
	err := td.DecodeTokens(t)
	t.release()
	return true, err
}

// NameMatch says how Object compares member names with the names a
// decoder knows (all lower-case ASCII).
type NameMatch uint8

const (
	// FoldNames matches as encoding/json matches names to struct fields:
	// case-insensitively, by Unicode simple folding (so "ſ" matches "s").
	FoldNames NameMatch = iota
	// LowerNames matches the key strings.ToLower gives (the hand-written
	// envelope decoders' switch): "K" (Kelvin) matches "k", "İ" matches "i".
	LowerNames
)

// kindError describes a value of the wrong kind; like encoding/json's
// UnmarshalTypeError, it makes the body malformed.
func kindError(want string, k jsontext.Kind) error {
	return fmt.Errorf("expected %s, got %v", want, k)
}

// Null consumes the next value and reports true when it is a JSON null;
// otherwise it consumes nothing and reports false. A read error is left
// for the next read to report.
func (t *Tokens) Null() bool {
	if t.peekByte() != 'n' || !t.atLiteral("null") {
		return false
	}
	t.pos += len("null")
	return true
}

// Skip consumes one value of any kind.
func (t *Tokens) Skip() error {
	_, _, err := t.valueText()
	return err
}

// Raw reads one value and returns its JSON text, valid until the next
// read.
func (t *Tokens) Raw() ([]byte, error) { return t.value() }

// value reads one value whole, validated.
func (t *Tokens) value() ([]byte, error) {
	raw, _, err := t.valueText()
	return raw, err
}

// Object reads a JSON object and calls field once per member, in order,
// with the member's name as match folds it (valid until field reads),
// positioned on the member's value, which field must consume. A null is
// absent: Object returns false and no error. Any other kind is an error.
func (t *Tokens) Object(match NameMatch, field func(name []byte) error) (present bool, err error) {
	if present, err = t.open('{'); !present || err != nil {
		return present, err
	}
	if t.peekByte() == '}' {
		t.leave()
		return true, nil
	}
	for {
		name, err := t.memberName(match)
		if err != nil {
			return true, err
		}
		if err := field(name); err != nil {
			return true, err
		}
		switch t.peekByte() {
		case ',':
			t.pos++
		case '}':
			t.leave()
			return true, nil
		default:
			return true, t.unexpected("after an object member")
		}
	}
}

// open reads the opening delimiter of an object or an array; a null
// reports false. Any other value is an error, and decoding ends there, so
// it is not read further.
func (t *Tokens) open(delim byte) (bool, error) {
	switch c := t.peekByte(); {
	case c == delim:
		return true, t.enter()
	case c == 'n':
		return false, t.literal("null")
	case scalarStart[c] || c == '"' || c == '{' || c == '[':
		if delim == '{' {
			return false, kindError("an object", kindOf(c))
		}
		return false, kindError("an array", kindOf(c))
	}
	return false, t.unexpected("where a value belongs")
}

// kindOf is the kind of the value that begins with c.
func kindOf(c byte) jsontext.Kind {
	if c == '-' || '0' <= c && c <= '9' {
		return '0'
	}
	return jsontext.Kind(c)
}

// Array reads a JSON array and calls elem once per element, positioned on
// it; elem must consume it. A null is absent: Array returns false and no
// error. Any other kind is an error.
func (t *Tokens) Array(elem func() error) (present bool, err error) {
	if present, err = t.open('['); !present || err != nil {
		return present, err
	}
	if t.peekByte() == ']' {
		t.leave()
		return true, nil
	}
	for {
		if err := elem(); err != nil {
			return true, err
		}
		switch t.peekByte() {
		case ',':
			t.pos++
		case ']':
			t.leave()
			return true, nil
		default:
			return true, t.unexpected("after an array element")
		}
	}
}

// TokenItems is StreamItems over tokens: it reads a JSON array of items,
// appending a zero T per element and calling decode with a pointer to it
// (again, after setting it to zero, for an element that did not lie whole
// in the bytes read so far: decode must start afresh each time),
// with the same room reserved, the same bound (see pageItems: more than
// maxItems elements is an error) and the same results for null (nil,
// false) and an empty array (empty, non-nil).
func TokenItems[T any](t *Tokens, sizeHint, maxItems int, decode func(*T) error) (items []T, present bool, err error) {
	p := pageItems[T]{sizeHint: sizeHint, maxItems: maxItems}
	present, err = t.Array(func() error {
		it, err := p.next()
		if err != nil {
			return err
		}
		return t.item(func() error { return decode(it) }, func() { *it = *new(T) })
	})
	return p.done(present), present, err
}

// item calls decode to read the next value from memory; decode must
// consume it all. An object or an array is first read from the bytes
// buffered so far, as it usually lies whole there; when it goes on past
// them (or that read fails while more of the body is to come), reset
// undoes what decode did, the value is made to lie whole in the buffer
// and decode reads it again. Within a value already in memory item just
// calls decode.
func (t *Tokens) item(decode func() error, reset func()) error {
	if t.mem {
		return decode()
	}
	c := t.peekByte()
	if c == 0 {
		return t.unexpected("where a value belongs")
	}
	if c == '{' || c == '[' {
		start, depth := t.pos, t.depth
		err := t.inMemory(len(t.buf), decode)
		if err == nil || t.rerr != nil {
			return err // the rest of the body is all in the buffer: the read was the whole value
		}
		reset()
		t.pos, t.depth = start, depth
	}
	end, err := t.loadValue()
	if err != nil {
		return err
	}
	return t.inMemory(end, func() error {
		if err := decode(); err != nil {
			return err
		}
		if t.pos != end {
			return t.unexpected("after an array element")
		}
		return nil
	})
}

// memberName reads a member name and the colon after it, and folds it as
// match says.
func (t *Tokens) memberName(match NameMatch) ([]byte, error) {
	if t.peekByte() != '"' {
		return nil, t.unexpected("where a member name belongs")
	}
	if !t.mem {
		return t.streamName(match)
	}
	end, class, err := scanString(t.buf[:t.lim], t.pos, true)
	if err != nil {
		return nil, err
	}
	raw := t.buf[t.pos:end]
	t.pos = end
	if end < t.lim && t.buf[end] == ':' {
		t.pos++ // the usual colon, without a call
	} else if err := t.colon(); err != nil {
		return nil, err
	}
	return t.foldClass(raw, class, match), nil
}

// streamName is memberName outside memory: the name is folded into
// t.name, since reading on past it may move the buffer.
func (t *Tokens) streamName(match NameMatch) ([]byte, error) {
	end, err := t.loadValue()
	if err != nil {
		return nil, err
	}
	var name []byte
	err = t.inMemory(end, func() error {
		end, class, err := scanString(t.buf[:t.lim], t.pos, true)
		if err != nil {
			return err
		}
		name = t.foldClass(t.buf[t.pos:end], class, match)
		t.pos = end
		return nil
	})
	if err != nil {
		return nil, err
	}
	t.name = append(t.name[:0], name...) // name may be t.name already: a copy onto itself
	return t.name, t.colon()
}

// foldClass unquotes a raw member name, the classes of whose bytes are
// class, and folds it as match says. A name already in lower-case ASCII
// without escapes (the usual one) is returned as it lies in the decoder's
// buffer; others are folded into t.name.
func (t *Tokens) foldClass(raw []byte, class byte, match NameMatch) []byte {
	name := raw[1 : len(raw)-1]
	switch {
	case class == 0:
		return name
	case class&classOther != 0:
		return t.foldUnicode(raw, match)
	}
	out := t.name[:0]
	for _, c := range name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out = append(out, c)
	}
	t.name = out
	return out
}

// foldUnicode is foldName for a name with escapes or non-ASCII text.
func (t *Tokens) foldUnicode(raw []byte, match NameMatch) []byte {
	t.unquoted, _ = appendUnquoted(t.unquoted[:0], raw[1:len(raw)-1]) // invalid UTF-8 is U+FFFD: it matches nothing
	out := t.name[:0]
	for _, r := range string(t.unquoted) {
		var f rune
		if match == LowerNames {
			f = unicode.ToLower(r)
		} else if f = foldRune(r); 'A' <= f && f <= 'Z' {
			f += 'a' - 'A'
		}
		if f >= utf8.RuneSelf {
			f = r // no ASCII name can match it
		}
		out = utf8.AppendRune(out, f)
	}
	t.name = out
	return out
}

// foldRune returns the smallest rune of r's simple-folding orbit, as
// encoding/json does to match names.
func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}

// String decodes a JSON string into *p; null leaves it alone.
func String(t *Tokens, p *string) error {
	raw, class, err := t.valueText()
	if err != nil {
		return err
	}
	switch raw[0] {
	case '"':
		*p = t.unquote(raw, class)
		return nil
	case 'n':
		return nil
	}
	return kindError("a string", kindOf(raw[0]))
}

// Text returns the text of raw, a JSON string read with Raw.
func (t *Tokens) Text(raw []byte) string {
	_, class, _ := scanString(raw, 0, false)
	return t.unquote(raw, class)
}

// unquote returns the text of a raw JSON string, the classes of whose
// bytes are class (see valueClass).
func (t *Tokens) unquote(raw []byte, class byte) string {
	inner := raw[1 : len(raw)-1]
	if class&classEscape == 0 && (class&classHigh == 0 || utf8.Valid(inner)) {
		return t.makeString(inner)
	}
	b, _ := appendUnquoted(t.unquoted[:0], inner) // invalid UTF-8 is U+FFFD, as encoding/json does
	t.unquoted = b
	return t.makeString(b)
}

// stringCache holds recent strings by a hash of their text, so that the
// values a page repeats (a device, a city, a client ID) are allocated
// once per page rather than once per item. Each hash has a set of two
// places, the latest used first, so that two values a page repeats in
// turn do not keep evicting each other when their hashes meet.
type stringCache [512][2]string

// makeString returns string(b), from the cache when it holds it.
func (t *Tokens) makeString(b []byte) string {
	if len(b) < 2 || len(b) > 256 {
		return string(b)
	}
	if t.strs == nil {
		t.strs = new(stringCache)
	}
	set := &t.strs[textHash(b)%uint(len(t.strs))]
	switch {
	case set[0] == string(b):
	case set[1] == string(b):
		set[0], set[1] = set[1], set[0]
	default:
		set[0], set[1] = string(b), set[0]
	}
	return set[0]
}

// textHash hashes the length and the first and last eight bytes of b (at
// least two).
func textHash(b []byte) uint {
	var lo, hi uint64
	switch n := len(b); {
	case n >= 8:
		lo, hi = binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[n-8:])
	case n >= 4:
		lo, hi = uint64(binary.LittleEndian.Uint32(b)), uint64(binary.LittleEndian.Uint32(b[n-4:]))
	default:
		lo, hi = uint64(binary.LittleEndian.Uint16(b)), uint64(b[n-1])
	}
	x := (lo ^ hi*0x9e3779b97f4a7c15 ^ uint64(len(b))) * 0xff51afd7ed558ccd
	return uint(x >> 40)
}

// Int decodes a JSON integer into *p; null leaves it alone. A fraction,
// an exponent or a value out of int's range is an error, as with
// encoding/json.
func Int(t *Tokens, p *int) error {
	raw, err := number(t)
	if raw == nil || err != nil {
		return err
	}
	if n, ok := smallInt(raw); ok {
		*p = n
		return nil
	}
	n, err := strconv.ParseInt(string(raw), 10, strconv.IntSize)
	if err != nil {
		return fmt.Errorf("number %s: not an int", raw)
	}
	*p = int(n)
	return nil
}

// smallIntDigits is the most digits no int overflows: 18, or 9 where
// int has 32 bits.
const smallIntDigits = strconv.IntSize/64*9 + 9

// smallInt returns the value of raw, a JSON number, when it is an
// integer of at most smallIntDigits digits.
func smallInt(raw []byte) (int, bool) {
	digits := raw
	if digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) > smallIntDigits {
		return 0, false
	}
	n := 0
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	if raw[0] == '-' {
		n = -n
	}
	return n, true
}

// Float decodes a JSON number into *p; null leaves it alone. A value out
// of float64's range is an error, as with encoding/json.
func Float(t *Tokens, p *float64) error {
	raw, err := number(t)
	if raw == nil || err != nil {
		return err
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil {
		return fmt.Errorf("number %s: not a float64", raw)
	}
	*p = f
	return nil
}

// number reads a JSON number's text; nil for null, and an error for a
// value of another kind.
func number(t *Tokens) ([]byte, error) {
	raw, err := t.value()
	if err != nil {
		return nil, err
	}
	switch raw[0] {
	case 'n':
		return nil, nil
	case '"', 't', 'f', '{', '[':
		return nil, kindError("a number", kindOf(raw[0]))
	}
	return raw, nil
}

// Bool decodes a JSON boolean into *p; null leaves it alone.
func Bool(t *Tokens, p *bool) error {
	raw, err := t.value()
	if err != nil {
		return err
	}
	switch raw[0] {
	case 't':
		*p = true
	case 'f':
		*p = false
	case 'n':
	default:
		return kindError("a boolean", kindOf(raw[0]))
	}
	return nil
}

// TimeTokens decodes one value into *p with Time's UnmarshalJSON (every
// kind of value goes to it, null included, as encoding/json does).
func TimeTokens(t *Tokens, p *Time) error {
	raw, err := t.value()
	if err != nil {
		return err
	}
	return decodeTime(raw, p)
}

// Bind decodes a value through the pointer *p as encoding/json decodes
// into a pointer field: null sets *p to nil (so a later duplicate of the
// member goes to a new T, not to what *p pointed at), and any other value
// is decoded with decode into *p, a new T when *p is nil.
func Bind[T any](t *Tokens, p **T, decode func(*Tokens, *T) error) error {
	if t.Null() {
		*p = nil
		return nil
	}
	if *p == nil {
		*p = new(T)
	}
	return decode(t, *p)
}

// BindString is Bind(t, p, String) in one read of the value: the
// commonest field of a page's items.
func BindString(t *Tokens, p **string) error {
	raw, class, err := t.valueText()
	if err != nil {
		return err
	}
	switch raw[0] {
	case 'n':
		*p = nil
	case '"':
		if *p == nil {
			*p = new(string)
		}
		**p = t.unquote(raw, class)
	default:
		return kindError("a string", kindOf(raw[0]))
	}
	return nil
}

// BindTime is Bind(t, p, TimeTokens) in one read of the value.
func BindTime(t *Tokens, p **Time) error {
	raw, err := t.value()
	if err != nil {
		return err
	}
	if raw[0] == 'n' {
		*p = nil
		return nil
	}
	if *p == nil {
		*p = new(Time)
	}
	return decodeTime(raw, *p)
}

// Slice decodes a JSON array into *p as encoding/json decodes into a
// slice: null sets it to nil; an array keeps the slice's backing array,
// decoding element i into the element already there when there is one
// (so a null element keeps it), and trims the slice to the array's
// length; an empty array gives a new empty, non-nil slice.
func Slice[T any](t *Tokens, p *[]T, decode func(*Tokens, *T) error) error {
	s := *p
	i := 0
	present, err := t.Array(func() error {
		switch {
		case i < cap(s):
			s = s[:i+1]
		case cap(s) == 0:
			s = make([]T, 1, 4) // room for a short list at once; capacity changes no value
		default:
			var zero T
			s = append(s, zero)
		}
		i++
		return decode(t, &s[i-1])
	})
	switch {
	case !present && err == nil:
		*p = nil
	case i == 0:
		*p = []T{} // a new slice, as encoding/json makes for []
	default:
		*p = s[:i]
	}
	return err
}
