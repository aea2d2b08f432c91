package engine

import (
	"net/url"
	"strings"
)

// shouldEscapeComponent reports whether JavaScript's encodeURIComponent
// escapes c: everything but A-Z a-z 0-9 - _ . ! ~ * ' ( ).
func shouldEscapeComponent(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return false
	}
	switch c {
	case '-', '_', '.', '!', '~', '*', '\'', '(', ')':
		return false
	}
	return true
}

// EscapeComponent escapes s as JavaScript's encodeURIComponent does (on its
// UTF-8 bytes). The result is safe as exactly one path segment.
func EscapeComponent(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if shouldEscapeComponent(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) + 2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if shouldEscapeComponent(c) {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Segment validates a path argument named field and escapes it as one
// segment. Empty values and the dot-segments "." and ".." are rejected with
// an error wrapping ErrInvalidOptions; every other value is escaped so that
// it cannot leave its segment.
func Segment(field, value string) (string, error) {
	if err := CheckSegment(field, value); err != nil {
		return "", err
	}
	return EscapeComponent(value), nil
}

// CheckSegment returns an error wrapping ErrInvalidOptions when value is
// empty or a dot-segment.
func CheckSegment(field, value string) error {
	switch value {
	case "":
		return Invalidf("%s is required", field)
	case ".", "..":
		return Invalidf("%s must not be %q (a dot-segment)", field, value)
	}
	return nil
}

// joinPath appends rel (already escaped, no leading slash) to the escaped
// base path, with exactly one slash between them.
func joinPath(base, rel string) string {
	return strings.TrimRight(base, "/") + "/" + strings.TrimLeft(rel, "/")
}

// redactURL returns scheme, host and path of u, without user info or
// query, for error texts and logs.
func redactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	r := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}
	return r.String()
}

// sameOrigin reports whether a and b share scheme, host and port.
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) &&
		strings.EqualFold(a.Hostname(), b.Hostname()) &&
		effectivePort(a) == effectivePort(b)
}

func effectivePort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "http":
		return "80"
	case "https":
		return "443"
	}
	return ""
}
