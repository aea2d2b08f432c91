package engine

import (
	"unicode/utf16"
	"unicode/utf8"
)

// StringText returns the text of raw, a JSON string literal (quotes
// included) as encoding/json's scanner accepts it, decoded as
// encoding/json decodes it into a string: escapes resolved, an unpaired
// surrogate and each byte of invalid UTF-8 replaced by U+FFFD. It costs
// one allocation, the string itself, where unmarshalling into a string
// costs three or four; ok is false, and the text empty, when raw is not
// a string literal that encoding/json accepts.
func StringText(raw []byte) (text string, ok bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	inner := raw[1 : len(raw)-1]
	if isPlain(inner) {
		return string(inner), true
	}
	var buf [256]byte
	out, ok := appendUnquoted(buf[:0], inner)
	if !ok {
		return "", false
	}
	return string(out), true
}

// isPlain reports whether s is ASCII text that needs no unquoting.
func isPlain(s []byte) bool {
	for _, c := range s {
		if c == '\\' || c == '"' || c < ' ' || c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// appendUnquoted appends the text of inner, the bytes between a JSON
// string's quotes, to dst; ok is false when inner holds a quote, a
// control byte or an escape JSON does not have.
func appendUnquoted(dst, inner []byte) (out []byte, ok bool) {
	for r := 0; r < len(inner); {
		switch c := inner[r]; {
		case c == '\\':
			var n int
			if dst, n = appendEscape(dst, inner[r:]); n == 0 {
				return dst, false
			}
			r += n
		case c == '"' || c < ' ':
			return dst, false
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			r++
		default:
			rr, size := utf8.DecodeRune(inner[r:])
			dst = utf8.AppendRune(dst, rr) // RuneError for a byte of invalid UTF-8
			r += size
		}
	}
	return dst, true
}

// appendEscape appends the text of the escape at the start of s and
// returns how many bytes of s it took: 0 when it is not a JSON escape.
// A \u escape of a surrogate takes the next \u escape with it when the
// two make a pair, and is U+FFFD alone otherwise.
func appendEscape(dst, s []byte) ([]byte, int) {
	if len(s) < 2 {
		return dst, 0
	}
	switch s[1] {
	case '"', '\\', '/':
		return append(dst, s[1]), 2
	case 'b':
		return append(dst, '\b'), 2
	case 'f':
		return append(dst, '\f'), 2
	case 'n':
		return append(dst, '\n'), 2
	case 'r':
		return append(dst, '\r'), 2
	case 't':
		return append(dst, '\t'), 2
	case 'u':
		rr := hex4(s)
		if rr < 0 {
			return dst, 0
		}
		if utf16.IsSurrogate(rr) {
			if pair := utf16.DecodeRune(rr, hex4(s[6:])); pair != utf8.RuneError {
				return utf8.AppendRune(dst, pair), 12
			}
			rr = utf8.RuneError
		}
		return utf8.AppendRune(dst, rr), 6
	}
	return dst, 0
}

// hex4 returns the rune of the \uXXXX escape at the start of s, or -1.
func hex4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}
