//go:build go1.27 && goexperiment.jsonv2

package engine

import (
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
	"time"
)

// timeSeeds are the forms decodeTime reads itself and their neighbours,
// which it must leave to UnmarshalJSON.
var timeSeeds = []string{
	`"2026-10-01T09:12:44.120Z"`, `"2026-10-01T09:12:44Z"`, `"2026-10-01T09:12:44.123456"`,
	`"2026-10-01T09:12:44"`, `"2026-10-01T09:12:44.1"`, `"2026-10-01T09:12:44.123456789Z"`,
	`"2026-10-01T09:12:44.1234567891Z"`, `"2026-10-01T09:12:44.Z"`, `"2026-10-01T09:12:44."`,
	`"2024-02-29T00:00:00Z"`, `"2025-02-29T00:00:00Z"`, `"2026-04-31T00:00:00Z"`, `"2026-13-01T00:00:00Z"`,
	`"2026-10-01T24:00:00Z"`, `"2026-10-01T23:60:00Z"`, `"2026-12-31T23:59:60Z"`, `"0000-01-01T00:00:00Z"`,
	`"0001-01-01T00:00:00Z"`, `"9999-12-31T23:59:59.999999999Z"`, `"1969-12-31T23:59:59.5Z"`,
	`"1600-03-01T00:00:00Z"`, `"2000-02-29T12:00:00Z"`, `"1900-02-29T12:00:00Z"`,
	`"2026-10-01t09:12:44Z"`, `"2026-10-01 09:12:44"`, `"2026-10-01T09:12:44z"`, `"2026-10-01T09:12:44+02:00"`,
	`"2026-10-01T09:12:44-00:00"`, `"2026-10-01T09:12:44ZZ"`, `"2026-1-01T09:12:44Z"`, `"2026-10-01T09:12"`,
	`"2026-10-01T09:12:44,5Z"`, `"+026-10-01T09:12:44Z"`, `"2026-10-01"`, `""`, `"x"`,
	`1700000000`, `-1700000000`, `0`, `-0`, `1`, `999999999999999`, `9999999999999999`, `1.5e9`,
	`1700000000.25`, `-1.5`, `1e400`, `null`, `true`, `{}`, `[]`,
}

// checkDecodeTime fails when decodeTime and UnmarshalJSON disagree on raw.
func checkDecodeTime(t *testing.T, raw string, seed ...int64) {
	t.Helper()
	var fast, slow Time
	errFast, errSlow := decodeTime([]byte(raw), &fast), slow.UnmarshalJSON([]byte(raw))
	if (errFast == nil) != (errSlow == nil) || !reflect.DeepEqual(fast, slow) {
		t.Fatalf("%s (seed %v): decodeTime gives %v, %v; UnmarshalJSON %v, %v", raw, seed, fast.Std(), errFast, slow.Std(), errSlow)
	}
}

func TestDecodeTimeAgreesWithUnmarshalJSON(t *testing.T) {
	for _, raw := range timeSeeds {
		checkDecodeTime(t, raw)
	}
	seed := time.Now().UnixNano()
	r := rand.New(rand.NewPCG(uint64(seed), 0))
	layouts := []string{"2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05.000Z07:00", "2006-01-02T15:04:05.999999999Z07:00",
		"2006-01-02T15:04:05", "2006-01-02T15:04:05.000000", "2006-01-02T15:04:05.9"}
	for range 5000 {
		at := time.Unix(r.Int64N(400*365*86400)-200*365*86400, r.Int64N(1e9)).UTC()
		raw := strconv.Quote(at.Format(layouts[r.IntN(len(layouts))]))
		if r.IntN(4) == 0 {
			raw = strconv.FormatInt(at.Unix(), 10)
		}
		checkDecodeTime(t, raw, seed)
	}
}

func FuzzDecodeTime(f *testing.F) {
	for _, s := range timeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if len(raw) == 0 || raw[0] == '"' && (len(raw) < 2 || raw[len(raw)-1] != '"') {
			t.Skip() // decodeTime is given whole JSON values only
		}
		checkDecodeTime(t, raw)
	})
}
