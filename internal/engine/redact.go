package engine

import (
	"encoding/base64"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// redactedMark replaces a secret in a text.
const redactedMark = "[REDACTED]"

// pickMark returns redactedMark, or when a secret occurs inside it, a
// shorter mark that holds none, so that the mark never spells a secret.
func pickMark(forms []string) string {
next:
	for _, m := range []string{redactedMark, "***", "#"} {
		for _, f := range forms {
			if strings.Contains(m, f) {
				continue next
			}
		}
		return m
	}
	return ""
}

// maxTextScan is how much of a body is read to build a message or a
// snippet: far more than maxPlainMessage, so that markup, whitespace and a
// secret that straddles the visible cut are all seen before anything is
// cut.
const maxTextScan = 64 << 10

// secretSet holds the values of one call that must never appear in an
// error text or a log record: every credential sent and every page token
// in the query. Server and transport texts are redacted with it before
// they are cut, parsed for display or stored in an error. Recording costs
// no allocation on the success path: the query is parsed only when a text
// is redacted. A secretSet must not be copied once used (values may point
// into inline); it lives in a call, which is never copied.
type secretSet struct {
	values []string
	inline [3]string // backing of values: a token, or a JWT with its key and secret
	query  string    // raw query of the request URL
}

// add remembers a secret. Empty values are ignored.
func (s *secretSet) add(v string) {
	if v == "" {
		return
	}
	for _, have := range s.values {
		if have == v {
			return
		}
	}
	if s.values == nil {
		s.values = s.inline[:0]
	}
	s.values = append(s.values, v)
}

// addQuery remembers u's query, whose page tokens (every value of a key
// that names a token: next_page_token, page_token, ...) are secrets.
func (s *secretSet) addQuery(u *url.URL) {
	if u != nil {
		s.query = u.RawQuery
	}
}

// bodyToken matches a JSON member whose key names a token
// ("next_page_token": "…"), also when the value is cut off by the end of
// the text.
var bodyToken = regexp.MustCompile(`(?i)"[a-z_]*token[a-z_]*"\s*:\s*"((?:[^"\\]|\\.)*)(?:"|$)`)

// addBodyTokens remembers the page tokens that a body (the start of one)
// carries, such as the next_page_token of a page that failed to decode:
// a snippet of it must not print them.
func (s *secretSet) addBodyTokens(body []byte) {
	for _, m := range bodyToken.FindAllSubmatch(body, -1) {
		v := string(m[1])
		if u, err := strconv.Unquote(`"` + v + `"`); err == nil {
			v = u
		}
		if len(v) >= 4 { // shorter values are no cursor, and would mangle the text
			s.add(v)
		}
	}
}

// all returns the secrets: the values added and the query's page tokens.
func (s *secretSet) all() []string {
	if s == nil {
		return nil
	}
	out := s.values
	if s.query == "" {
		return out
	}
	q, _ := url.ParseQuery(s.query)
	for k, vs := range q {
		if !strings.Contains(strings.ToLower(k), "token") {
			continue
		}
		for _, v := range vs {
			if v != "" {
				out = append(out[:len(out):len(out)], v)
			}
		}
	}
	return out
}

// forms returns every spelling of the secrets that a server or a
// transport may echo, longest first: as sent, URL-escaped (query and path
// style, upper- and lower-case hex), JSON-escaped (with and without
// escaped '/' and HTML characters), Go-quoted, and base64 (the four
// alphabets).
func (s *secretSet) forms() []string {
	values := s.all()
	if len(values) == 0 {
		return nil
	}
	seen := make(map[string]struct{})
	var out []string
	put := func(f string) {
		if f == "" {
			return
		}
		if _, dup := seen[f]; dup {
			return
		}
		seen[f] = struct{}{}
		out = append(out, f)
	}
	for _, v := range values {
		put(v)
		for _, esc := range []string{url.QueryEscape(v), url.PathEscape(v)} {
			put(esc)
			put(lowerHexEscapes(esc))
		}
		if j, err := json.Marshal(v); err == nil {
			j := string(j[1 : len(j)-1])
			put(j)
			put(strings.ReplaceAll(j, "/", `\/`)) // PHP and others escape '/'
		}
		var jb strings.Builder
		enc := json.NewEncoder(&jb)
		enc.SetEscapeHTML(false)
		if enc.Encode(v) == nil {
			j := strings.TrimSpace(jb.String())
			put(j[1 : len(j)-1])
		}
		q := strconv.Quote(v)
		put(q[1 : len(q)-1])
		for _, e := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			put(e.EncodeToString([]byte(v)))
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// lowerHexEscapes returns esc with the hex digits of its %XX escapes in
// lower case.
func lowerHexEscapes(esc string) string {
	if !strings.Contains(esc, "%") {
		return esc
	}
	b := []byte(esc)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = lowerASCII(b[i+1]), lowerASCII(b[i+2])
			i += 2
		}
	}
	return string(b)
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// redact returns text with every occurrence of every form of the secrets
// replaced by a mark; overlapping occurrences are replaced as one. When
// cut is set, text is the start of a longer text, and a tail that is the
// start of a secret (the rest of it lay beyond the cut) is replaced too.
func (s *secretSet) redact(text string, cut bool) string {
	forms := s.forms()
	if len(forms) == 0 || text == "" {
		return text
	}
	return redactForms(text, forms, cut)
}

// redactForms is redact over precomputed forms.
func redactForms(text string, forms []string, cut bool) string {
	mark := pickMark(forms)
	// covered[i] marks the bytes that belong to some occurrence.
	var covered []bool
	for _, f := range forms {
		for from := 0; ; {
			i := strings.Index(text[from:], f)
			if i < 0 {
				break
			}
			if covered == nil {
				covered = make([]bool, len(text))
			}
			start := from + i
			for k := start; k < start+len(f); k++ {
				covered[k] = true
			}
			from = start + 1
		}
		if cut {
			for k := len(f) - 1; k > 0; k-- {
				if strings.HasSuffix(text, f[:k]) {
					if covered == nil {
						covered = make([]bool, len(text))
					}
					for i := len(text) - k; i < len(text); i++ {
						covered[i] = true
					}
					break
				}
			}
		}
	}
	if covered == nil {
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	for i := 0; i < len(text); {
		if !covered[i] {
			b.WriteByte(text[i])
			i++
			continue
		}
		b.WriteString(mark)
		for i < len(text) && covered[i] {
			i++
		}
	}
	return b.String()
}

// text returns the readable, redacted text of a body for a message or a
// snippet: at most maxPlainMessage bytes on a rune boundary, trimmed; an
// HTML page gives its title, else its text without markup. Secrets are
// removed before anything is cut or stripped, and again after. cut tells
// that body is the start of a longer body.
func (s *secretSet) text(body []byte, cut bool) string {
	if len(body) > maxTextScan {
		body, cut = body[:maxTextScan], true
	}
	forms := s.forms()
	t := redactForms(strings.ToValidUTF8(string(body), "\uFFFD"), forms, cut)
	if trimmed := strings.TrimSpace(t); strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "[") {
		t = unescapeJSON(t) // a JSON body of no known shape: \uXXXX could spell a secret
	} else if isHTML(body) {
		if h := htmlText(t); h != "" {
			t = h
		}
	}
	t = strings.TrimSpace(redactForms(t, forms, cut))
	return truncateText(t, maxPlainMessage)
}

// unescapeJSON decodes the backslash escapes of JSON strings anywhere in
// s (\uXXXX, surrogate pairs included, and \" \\ \/ \b \f \n \r \t); other
// text is kept as is.
func unescapeJSON(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch c := s[i+1]; c {
		case '"', '\\', '/':
			b.WriteByte(c)
			i++
		case 'b', 'f', 'n', 'r', 't':
			b.WriteByte(' ')
			i++
		case 'u':
			r, n := jsonRune(s[i:])
			if n == 0 {
				b.WriteByte(s[i])
				continue
			}
			b.WriteRune(r)
			i += n - 1
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// jsonRune decodes the \uXXXX escape (or surrogate pair) at the start of s,
// returning the rune and the bytes used, or 0 bytes when it is not one.
func jsonRune(s string) (rune, int) {
	hex4 := func(s string) (rune, bool) {
		if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
			return 0, false
		}
		var r rune
		for _, c := range []byte(s[2:6]) {
			switch {
			case '0' <= c && c <= '9':
				r = r<<4 | rune(c-'0')
			case 'a' <= c && c <= 'f':
				r = r<<4 | rune(c-'a'+10)
			case 'A' <= c && c <= 'F':
				r = r<<4 | rune(c-'A'+10)
			default:
				return 0, false
			}
		}
		return r, true
	}
	r, ok := hex4(s)
	if !ok {
		return 0, 0
	}
	if utf16.IsSurrogate(r) {
		if r2, ok := hex4(s[6:]); ok {
			if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
				return d, 12
			}
		}
		return utf8.RuneError, 6
	}
	return r, 6
}

// truncateText cuts s to at most n bytes on a rune boundary.
func truncateText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// isHTML reports whether body sniffs as an HTML page.
func isHTML(body []byte) bool {
	return strings.HasPrefix(http.DetectContentType(body), "text/html")
}

// htmlText returns the title of an HTML page, else its text: tags,
// comments and the contents of script and style elements removed,
// entities decoded, whitespace collapsed.
func htmlText(page string) string {
	lower := asciiLower(page)
	if i := strings.Index(lower, "<title"); i >= 0 {
		if open := strings.IndexByte(page[i:], '>'); open >= 0 {
			rest := page[i+open+1:]
			if end := strings.Index(asciiLower(rest), "</title"); end >= 0 {
				if t := collapseSpace(html.UnescapeString(stripTags(rest[:end]))); t != "" {
					return t
				}
			}
		}
	}
	return collapseSpace(html.UnescapeString(stripTags(page)))
}

// stripTags replaces every tag and comment of s with a space and drops the
// contents of script and style elements. An unterminated tag at the end is
// dropped.
func stripTags(s string) string {
	lower := asciiLower(s)
	var b strings.Builder
	for i := 0; i < len(s); {
		lt := strings.IndexByte(s[i:], '<')
		if lt < 0 {
			b.WriteString(s[i:])
			break
		}
		b.WriteString(s[i : i+lt])
		b.WriteByte(' ')
		i += lt
		switch {
		case strings.HasPrefix(lower[i:], "<!--"):
			i = skipPast(lower, i+4, "-->")
		case isElement(lower[i:], "script"):
			i = skipPast(lower, skipPast(lower, i, "</script"), ">")
		case isElement(lower[i:], "style"):
			i = skipPast(lower, skipPast(lower, i, "</style"), ">")
		default:
			i = skipPast(lower, i, ">")
		}
	}
	return b.String()
}

// skipPast returns the index just after the first sep in s from i on, or
// len(s).
func skipPast(s string, i int, sep string) int {
	if i >= len(s) {
		return len(s)
	}
	j := strings.Index(s[i:], sep)
	if j < 0 {
		return len(s)
	}
	return i + j + len(sep)
}

// isElement reports whether tag (lower case, starting at '<') opens the
// element name.
func isElement(tag, name string) bool {
	if !strings.HasPrefix(tag, "<"+name) {
		return false
	}
	rest := tag[1+len(name):]
	return rest == "" || strings.ContainsRune(" \t\r\n/>", rune(rest[0]))
}

// asciiLower lowers ASCII letters only, so that indexes into the result
// are indexes into s.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = lowerASCII(c)
	}
	return string(b)
}

// collapseSpace trims s and replaces every run of white space with one
// space.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// redactedError is an error whose text had secrets removed. Unwrap still
// returns the original, so errors.Is and errors.As keep working.
type redactedError struct {
	text string
	err  error
}

func (e *redactedError) Error() string { return e.text }

func (e *redactedError) Unwrap() error { return e.err }

// err returns err, or when its text holds a secret, an error with the
// redacted text that wraps it.
func (s *secretSet) err(err error) error {
	if err == nil {
		return nil
	}
	text := err.Error()
	if red := s.redact(text, false); red != text {
		return &redactedError{text: red, err: err}
	}
	return err
}

// redact removes the call's secrets from the texts of e that Error()
// prints, in case the server echoed them. Body and Header keep the raw
// bytes: they are data, not text.
func (st *call) redact(e *APIError) {
	forms := st.secret.forms()
	if len(forms) == 0 {
		return
	}
	e.Code, e.Message = redactForms(e.Code, forms, false), redactForms(e.Message, forms, false)
	for i := range e.Fields {
		e.Fields[i].Field = redactForms(e.Fields[i].Field, forms, false)
		e.Fields[i].Message = redactForms(e.Fields[i].Message, forms, false)
	}
}

// RedactURL returns scheme, host and path of u, without user info, query
// or fragment, for error texts and logs.
func RedactURL(u *url.URL) string { return redactURL(u) }
