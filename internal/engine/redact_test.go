package engine

import (
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// redactTestSecret looks random and holds characters that escape
// differently in URLs, JSON and Go.
const redactTestSecret = "Kq7v+Xp2/mZr9=TbW4nLs8Yh"

func newTestSecrets(vals ...string) *secretSet {
	s := &secretSet{}
	for _, v := range vals {
		s.add(v)
	}
	return s
}

// leakedPiece returns the first 4-byte piece of secret found in text, or "".
func leakedPiece(text, secret string) string {
	for i := 0; i+4 <= len(secret); i++ {
		if strings.Contains(text, secret[i:i+4]) {
			return secret[i : i+4]
		}
	}
	return ""
}

// TestTextRedactsAtEveryOffset places the secret, in each form a server
// may echo it, at every offset around the 512-byte cut (and around the
// end of a cut input), in plain text and in HTML, and requires that no
// 4-byte piece of it survives.
func TestTextRedactsAtEveryOffset(t *testing.T) {
	set := newTestSecrets(redactTestSecret)
	forms := map[string]string{
		"raw":          redactTestSecret,
		"query":        url.QueryEscape(redactTestSecret),
		"path":         url.PathEscape(redactTestSecret),
		"lower hex":    lowerHexEscapes(url.QueryEscape(redactTestSecret)),
		"JSON \\/":     strings.ReplaceAll(redactTestSecret, "/", `\/`),
		"base64":       base64.StdEncoding.EncodeToString([]byte(redactTestSecret)),
		"bearer":       "Bearer " + redactTestSecret,
		"twice, glued": redactTestSecret + redactTestSecret,
	}
	wraps := map[string]func(string) string{
		"plain": func(s string) string { return s },
		"html":  func(s string) string { return "<html><body><p>" + s + "</p></body></html>" },
	}
	for fname, form := range forms {
		for wname, wrap := range wraps {
			for off := 0; off <= maxPlainMessage+len(form)+8; off++ {
				body := wrap(strings.Repeat("x", off) + form + " tail")
				got := set.text([]byte(body), false)
				if p := leakedPiece(got, redactTestSecret); p != "" {
					t.Fatalf("%s/%s at offset %d: %q survived in %q", fname, wname, off, p, got)
				}
				if p := leakedPiece(got, form); p != "" && fname != "bearer" {
					t.Fatalf("%s/%s at offset %d: %q of the form survived in %q", fname, wname, off, p, got)
				}
				require.LessOrEqual(t, len(got), maxPlainMessage)
				require.True(t, utf8.ValidString(got))
			}
			// An input cut inside the secret: every length of its start.
			for k := 1; k < len(form); k++ {
				body := wrap(strings.Repeat(" ", 100) + "x " + form[:k])
				body = body[:strings.Index(body, form[:k])+k]
				got := set.text([]byte(body), true)
				if p := leakedPiece(got, redactTestSecret); p != "" {
					t.Fatalf("%s/%s cut after %d bytes: %q survived in %q", fname, wname, k, p, got)
				}
				if fname == "bearer" {
					continue // "Bearer " itself is no secret
				}
				if p := leakedPiece(got, form[:k]); p != "" {
					t.Fatalf("%s/%s cut after %d bytes: %q survived in %q", fname, wname, k, p, got)
				}
				if strings.HasSuffix(got, form[:k]) {
					t.Fatalf("%s/%s cut after %d bytes: ends with the secret's start: %q", fname, wname, k, got)
				}
			}
		}
	}
}

func TestRedact(t *testing.T) {
	tests := []struct {
		name, text string
		secrets    []string
		cut        bool
		want       string
	}{
		{"no secret", "hello", nil, false, "hello"},
		{"absent", "hello world", []string{"Kq7v+Xp2"}, false, "hello world"},
		{"raw", "key Kq7v+Xp2 here", []string{"Kq7v+Xp2"}, false, "key [REDACTED] here"},
		{"query-escaped", "k=Kq7v%2BXp2&x", []string{"Kq7v+Xp2"}, false, "k=[REDACTED]&x"},
		{"lower-case escapes", "k=Kq7v%2bXp2", []string{"Kq7v+Xp2"}, false, "k=[REDACTED]"},
		{"JSON-escaped HTML characters", `"a\u003cb\u003e12345"`, []string{"a<b>12345"}, false, `"[REDACTED]"`},
		{"overlapping occurrences are one", "abababababab!", []string{"abababab"}, false, "[REDACTED]!"},
		{"two secrets, one inside the other", "x TOKEN-123-KEY y", []string{"TOKEN-123-KEY", "123-KEY"}, false, "x [REDACTED] y"},
		{"tail of a cut text", "error: Kq7v+X", []string{"Kq7v+Xp2"}, true, "error: [REDACTED]"},
		{"tail is kept when the text is whole", "error: Kq7v+X", []string{"Kq7v+Xp2"}, false, "error: Kq7v+X"},
		{"a secret inside the mark", "[REDACTED] REDACTED", []string{"REDACTED"}, false, "[***] ***"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, newTestSecrets(tt.secrets...).redact(tt.text, tt.cut))
		})
	}
}

func TestUnescapeJSON(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"a": "b"}`, `{"a": "b"}`},
		{`{"k": "\u004bq7v\/x\"y\\z\n"}`, `{"k": "Kq7v/x"y\z "}`},
		{`"\ud83d\ude00 \ud83d"`, "\"\U0001F600 \uFFFD\""},
		{`bad \u12 and \x and trailing \`, `bad \u12 and \x and trailing \`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, unescapeJSON(tt.in), tt.in)
	}
	set := newTestSecrets(redactTestSecret)
	var esc strings.Builder
	for _, c := range redactTestSecret {
		esc.WriteString(`\u00` + strconv.FormatInt(int64(c), 16))
	}
	assert.Equal(t, `{"error": "[REDACTED]"}`, set.text([]byte(`{"error": "`+esc.String()+`"}`), false))
}

func TestSecretSetTakesPageTokensFromTheQuery(t *testing.T) {
	u, err := url.Parse("http://h/p?page_size=10&next_page_token=Tz4Q%2Fm8R&page=2")
	require.NoError(t, err)
	s := &secretSet{}
	s.addQuery(u)
	assert.Equal(t, []string{"Tz4Q/m8R"}, s.all())
	s.add("Kq7v+Xp2")
	assert.ElementsMatch(t, []string{"Kq7v+Xp2", "Tz4Q/m8R"}, s.all())
}

func TestHTMLText(t *testing.T) {
	tests := []struct{ name, page, want string }{
		{"title wins", "<html><head><style>a{b:c}</style><title> 502  Bad\nGateway </title></head><body>x</body></html>", "502 Bad Gateway"},
		{"text without title", "<!DOCTYPE html><html><body><script>var a = '<b>';</script><h1>Sign in</h1><!-- c --><p>a &amp; b</p></body></html>", "Sign in a & b"},
		{"empty title falls back to text", "<html><title></title><body>hi</body></html>", "hi"},
		{"unterminated tag is dropped", "<html><body>hello <a href='x", "hello"},
		{"unterminated script is dropped", "<html><body>hello<script>secret()", "hello"},
		{"upper-case tags", "<HTML><BODY><STYLE>x</STYLE>Hi</BODY></HTML>", "Hi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, htmlText(tt.page))
		})
	}
}

// fuzzSecretAlphabet and fuzzPadAlphabet are disjoint, so any 4-byte
// piece of the secret in the output can only come from the secret.
const (
	fuzzSecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/="
	fuzzPadAlphabet    = " \t\n<>!-&;abcdefghijklmnopqrstuvwxyz'\"_.,:"
)

func fuzzMap(b []byte, alphabet string) string {
	out := make([]byte, len(b))
	for i, c := range b {
		out[i] = alphabet[int(c)%len(alphabet)]
	}
	return string(out)
}

// FuzzSecretText: whatever surrounds it (markup included), wherever it is
// placed and wherever the input is cut, no 4-byte piece of the secret, as
// sent or URL-escaped, survives text.
func FuzzSecretText(f *testing.F) {
	f.Add([]byte("Kq7vXp2mZr9TbW4nLs8Yh"), []byte(strings.Repeat("x", 497)), []byte(" tail"), uint16(0), false)
	f.Add([]byte("ABCDEFGH"), []byte("<html><title>"), []byte("</title>"), uint16(3), true)
	f.Add([]byte("0123456789+/=ABCDEF"), []byte("<script>"), []byte("</script><b>x</b>"), uint16(9), true)
	f.Fuzz(func(t *testing.T, rawSecret, pad, rest []byte, cutAt uint16, escaped bool) {
		if len(rawSecret) < MinCredentialLen || len(rawSecret) > 64 || len(pad) > 2048 || len(rest) > 2048 {
			t.Skip()
		}
		secret := fuzzMap(rawSecret, fuzzSecretAlphabet)
		form := secret
		if escaped {
			form = url.QueryEscape(secret)
		}
		body := fuzzMap(pad, fuzzPadAlphabet) + form + fuzzMap(rest, fuzzPadAlphabet)
		set := newTestSecrets(secret)
		check := func(got string, cut bool) {
			for _, f := range []string{secret, url.QueryEscape(secret)} {
				if p := leakedPiece(got, f); p != "" {
					t.Fatalf("%q survived in %q (cut %v)", p, got, cut)
				}
			}
			if len(got) > maxPlainMessage || !utf8.ValidString(got) {
				t.Fatalf("bad text %q", got)
			}
		}
		check(set.text([]byte(body), false), false)
		end := len(pad) + int(cutAt)%(len(form)+1) // cut inside or right after the secret
		check(set.text([]byte(body[:end]), true), true)
	})
}
