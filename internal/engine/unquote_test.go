package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// checkStringText fails when StringText and encoding/json disagree on
// raw: on whether it is a string literal, or on its text.
func checkStringText(t *testing.T, raw []byte, context string) {
	t.Helper()
	var want string
	wantErr := json.Unmarshal(raw, &want)
	if string(raw) == "null" {
		wantErr = errNotString // encoding/json leaves the string alone; it is no literal
	}
	got, ok := StringText(raw)
	switch {
	case wantErr == nil && !ok:
		t.Fatalf("%sStringText(%q) refused a string encoding/json reads as %q", context, raw, want)
	case wantErr == nil && got != want:
		t.Fatalf("%sStringText(%q) = %q, encoding/json %q", context, raw, got, want)
	case wantErr != nil && ok:
		t.Fatalf("%sStringText(%q) = %q, but encoding/json refused it: %v", context, raw, got, wantErr)
	}
}

var errNotString = errors.New("not a string literal")

func TestStringTextDecodesAsEncodingJSON(t *testing.T) {
	for _, raw := range []string{
		`""`, `"plain ascii"`, `"caf\u00e9"`, `"café"`, `"\"q\" \\ \/ \b\f\n\r\t"`,
		`"\ud83d\ude00"`, `"\uD83D\uDE00"`, `"\ud83d"`, `"\ud83dx"`, `"\ude00\ud83d"`, `"\ud83d\u0041"`,
		`"\ud83d\ud83d\ude00"`, `"\u0000"`, `"\uffff"`, `"\u00"`, `"\u00zz"`, `"\x"`, `"\'"`, `"\"`,
		"\"\xff broken\"", "\"\xc3\"", "\"\xe2\x82\"", "\"\xed\xa0\x80\"", "\"tab\tinside\"", "\"\x7f\"",
		`"` + string(make([]byte, 300)) + `"`, `"a"b"`, `"`, `x`, `null`, `1`, ``,
	} {
		checkStringText(t, []byte(raw), "")
	}
}

func TestStringTextAgreesOnRandomStrings(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	r := rand.New(rand.NewPCG(seed, 11))
	pieces := []string{`a`, `Z`, ` `, `\"`, `\\`, `\/`, `\n`, `\t`, `\u00e9`, `\ud83d`, `\ude00`, `\uD83D\uDE00`,
		`\u12`, `\q`, "\xff", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98", "\x01", `é`, `"`}
	for i := range 20000 {
		b := []byte{'"'}
		for range r.IntN(12) {
			b = append(b, pieces[r.IntN(len(pieces))]...)
		}
		if r.IntN(20) == 0 {
			b = append(b, make([]byte, 250+r.IntN(20))...) // past the stack buffer
			for j := range b[1:] {
				if b[1+j] == 0 {
					b[1+j] = 'x'
				}
			}
		}
		b = append(b, '"')
		checkStringText(t, b, fmt.Sprintf("seed %d, string %d: ", seed, i))
	}
}

func BenchmarkStringText(b *testing.B) {
	raw := []byte(`"Mozilla/5.0 \"quoted\" caf\u00e9 \/ok"`)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := StringText(raw); !ok {
			b.Fatal("refused")
		}
	}
}
