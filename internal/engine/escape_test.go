package engine_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go/internal/engine"
)

// The expected values were produced by Node.js's encodeURIComponent.
func TestEscapeComponentMatchesEncodeURIComponent(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"abcXYZ019", "abcXYZ019"},
		{"-_.!~*'()", "-_.!~*'()"},
		{" ", "%20"},
		{"%", "%25"},
		{"%25", "%2525"},
		{"a+b=c&d", "a%2Bb%3Dc%26d"},
		{"/?#[]@", "%2F%3F%23%5B%5D%40"},
		{":;,$", "%3A%3B%2C%24"},
		{"\"<>\\^`{|}", "%22%3C%3E%5C%5E%60%7B%7C%7D"},
		{"é", "%C3%A9"},
		{"名前", "%E5%90%8D%E5%89%8D"},
		{"😀", "%F0%9F%98%80"},
		{"\x00\n\t\r", "%00%0A%09%0D"},
		{"\x7f", "%7F"},
		{"KkMHZ4y8QhSUWAHi5sWvfg==", "KkMHZ4y8QhSUWAHi5sWvfg%3D%3D"},
		{"/Ab==", "%2FAb%3D%3D"},
		{"%2FAb%3D%3D", "%252FAb%253D%253D"},
		{"a//b", "a%2F%2Fb"},
		{"ümlaut & co.", "%C3%BCmlaut%20%26%20co."},
		{"\u00a0", "%C2%A0"},
		{"\ufeff", "%EF%BB%BF"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, engine.EscapeComponent(tt.in))
		})
	}
}

// Every ASCII byte: kept exactly when encodeURIComponent keeps it
// (A-Z a-z 0-9 - _ . ! ~ * ' ( )), else %XX with upper-case hex.
func TestEscapeComponentASCII(t *testing.T) {
	const kept = "!'()*-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~"
	const hex = "0123456789ABCDEF"
	for c := 0; c < 128; c++ {
		in := string(rune(c))
		want := "%" + string(hex[c>>4]) + string(hex[c&15])
		if strings.Contains(kept, in) {
			want = in
		}
		assert.Equal(t, want, engine.EscapeComponent(in), "byte %#x", c)
	}
}

func TestSegment(t *testing.T) {
	tests := []struct {
		in, want string
		invalid  bool
	}{
		{"", "", true},
		{".", "", true},
		{"..", "", true},
		{"...", "...", false},
		{".a", ".a", false},
		{"%2e%2e", "%252e%252e", false},
		{"a/b", "a%2Fb", false},
		{"../../admin", "..%2F..%2Fadmin", false},
		{"x?y#z", "x%3Fy%23z", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := engine.Segment("userID", tt.in)
			if tt.invalid {
				require.ErrorIs(t, err, engine.ErrInvalidOptions)
				assert.Contains(t, err.Error(), "userID")
				assert.ErrorIs(t, engine.CheckSegment("userID", tt.in), engine.ErrInvalidOptions)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.NotContains(t, got, "/")
			assert.NoError(t, engine.CheckSegment("userID", tt.in))
		})
	}
}
