package testutil

import "strings"

// ValueProbes are JSON values, most of them malformed, that the token
// decoders must accept or refuse exactly as encoding/json does wherever
// they stand: strings with control bytes or bad escapes, numbers and
// literals that are not of the JSON form, objects and arrays with
// missing, doubled or trailing separators, and the valid forms next to
// them.
var ValueProbes = []string{
	// strings
	`"ok"`, `"\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00"`, "\"a\x01b\"", "\"a\x1fb\"", "\"tab\there\"", "\"nl\nhere\"",
	"\"del\x7f\"", `"\x41"`, `"\u12"`, `"\u12zz"`, `"\U0041"`, `"\'"`, `"\a"`, `"a\"`, `"unterminated`, `"\`,
	// numbers
	`0`, `-0`, `12`, `-12`, `1.5`, `1.5e3`, `1E2`, `1e-2`, `1e+2`, `+1`, `01`, `00`, `-01`, `1.`, `.5`, `-.5`,
	`1e`, `1e+`, `1e-`, `-`, `--1`, `-0x1`, `0x1`, `1..2`, `1e1.5`, `1.5.5`, `NaN`, `Infinity`, `-Infinity`, `1_000`,
	// literals
	`true`, `false`, `null`, `tru`, `nul`, `fals`, `truex`, `nullx`, `falsey`, `True`, `NULL`, `t`, `n`,
	// arrays
	`[]`, `[1,2]`, `[1,]`, `[,1]`, `[,]`, `[1 2]`, `[1:2]`, `[1,,2]`, `[[]`, `[]]`, `[}`, `["a" "b"]`,
	// objects
	`{}`, `{"a":1}`, `{"a" 1}`, `{"a":1,}`, `{,"a":1}`, `{"a":1 "b":2}`, `{"a",1}`, `{"a"::1}`, `{"a":1:2}`,
	`{1:2}`, `{a:1}`, `{'a':1}`, `{"a":}`, `{"a"}`, `{]`, `{"a":[1}]}`, `{"a":{"b":[1,{"c":}]}}`,
	`{"a":{"b":[1,{"c":"\x"}]}}`, `{"a":{"b":[1,{"c":01}]}}`, `{"a":{"b":[1,{"c":tru}]}}`, "{\"a\":{\"b\":[\"\x00\"]}}",
	`{"a":{"b":[1,{"c":null}],"d":"e"}}`,
	// garbage
	`x`, `#`, `'a'`, `undefined`, `<b>`, "\x00", "",
}

// Probe returns template with each of ValueProbes in place of each "%v",
// and each of them followed and preceded by white space.
func Probe(template string) []string {
	out := make([]string, 0, 2*len(ValueProbes))
	for _, v := range ValueProbes {
		out = append(out, strings.ReplaceAll(template, "%v", v), strings.ReplaceAll(template, "%v", " \t\n\r"+v+"\r\n "))
	}
	return out
}

// Prefixes returns every prefix of body, the empty one included, and
// body: a body cut at each of its bytes.
func Prefixes(body string) []string {
	out := make([]string, 0, len(body)+1)
	for n := 0; n <= len(body); n++ {
		out = append(out, body[:n])
	}
	return out
}
