//go:build go1.27 && goexperiment.jsonv2

package engine

import (
	"math/rand/v2"
	"testing"
)

// refScanString is scanString one byte at a time, from the tables.
func refScanString(b []byte, i int, name bool) (end int, class byte, ok bool) {
	classes := &valueClass
	if name {
		classes = &nameClass
	}
	for j := i + 1; j < len(b); j++ {
		switch k := classes[b[j]]; k {
		case classQuote:
			return j + 1, class, true
		case classEscape:
			class |= classEscape
			e, err := escapeEnd(b, j)
			if err != nil {
				return 0, 0, false
			}
			j = e
		case classCtrl:
			return 0, 0, false
		default:
			class |= k
		}
	}
	return 0, 0, false
}

// TestScanStringEightBytesAtATime: the eight-byte scan finds the same
// end and classes as a scan of one byte at a time, wherever the bytes
// that stop it lie in a word.
func TestScanStringEightBytesAtATime(t *testing.T) {
	seed := rand.Uint64()
	r := rand.New(rand.NewPCG(seed, 1))
	alphabet := []byte("aZz09_AM\"\\\\/bfnrtu\x00\x1f\x20\x7f\x80\xc3\xa9\xff{}:,")
	for n := 0; n < 20000; n++ {
		b := make([]byte, 1+r.IntN(40))
		b[0] = '"'
		for i := 1; i < len(b); i++ {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		if r.IntN(2) == 0 {
			b = append(b, '"')
		}
		for _, name := range []bool{false, true} {
			end, class, err := scanString(b, 0, name)
			wantEnd, wantClass, ok := refScanString(b, 0, name)
			if (err == nil) != ok || end != wantEnd || class != wantClass {
				t.Fatalf("seed %d: scanString(%q, name %t) = %d, %b, %v; want %d, %b, ok %t", seed, b, name, end, class, err, wantEnd, wantClass, ok)
			}
		}
	}
}

// TestScanNumberGrammar: a number is the longest prefix of the JSON
// grammar, as encoding/json reads it; what follows is for the enclosing
// value to refuse.
func TestScanNumberGrammar(t *testing.T) {
	for text, want := range map[string]int{
		`0`: 1, `-0`: 2, `12`: 2, `1.5`: 3, `1.5e-3`: 6, `1E2`: 3, `1e+2`: 4, `12a`: 2, `01`: 1, `-01`: 2,
		`1.5.5`: 3, `0x1`: 1, `1e1.5`: 3,
		`-`: -1, `--1`: -1, `+1`: -1, `.5`: -1, `1.`: -1, `1.e2`: -1, `1e`: -1, `1e+`: -1, `-a`: -1, `NaN`: -1, ``: -1,
	} {
		if got := scanNumber([]byte(text), 0); got != want {
			t.Errorf("scanNumber(%q) = %d, want %d", text, got, want)
		}
	}
}
