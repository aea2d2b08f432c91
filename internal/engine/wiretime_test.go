package engine_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-querystring/query"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go/internal/engine"
)

func TestTimeUnmarshalJSON(t *testing.T) {
	plusOne := time.FixedZone("", 3600)
	tests := []struct {
		name, in string
		want     time.Time
		utc      bool // the decoded value's location must be UTC
	}{
		{"RFC 3339 UTC", `"2026-11-20T09:30:00Z"`, time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC), true},
		{"RFC 3339 millis", `"2026-10-01T09:12:44.120Z"`, time.Date(2026, 10, 1, 9, 12, 44, 120e6, time.UTC), true},
		{"RFC 3339 offset", `"2026-11-20T09:30:00.250+01:00"`, time.Date(2026, 11, 20, 9, 30, 0, 250e6, plusOne), false},
		{"zone-less micros (Arthur) as UTC", `"2026-11-20T09:30:00.250000"`, time.Date(2026, 11, 20, 9, 30, 0, 250e6, time.UTC), true},
		{"zone-less whole seconds as UTC", `"2026-11-20T10:02:11"`, time.Date(2026, 11, 20, 10, 2, 11, 0, time.UTC), true},
		{"zone-less with a space as UTC", `"2026-11-20 10:02:11.5"`, time.Date(2026, 11, 20, 10, 2, 11, 500e6, time.UTC), true},
		{"Unix seconds (MonoCloud)", `1640975400`, time.Date(2021, 12, 31, 18, 30, 0, 0, time.UTC), true},
		{"Unix seconds with a fraction", `1640975400.5`, time.Date(2021, 12, 31, 18, 30, 0, 500e6, time.UTC), true},
		{"Unix zero", `0`, time.Unix(0, 0).UTC(), true},
		{"null", `null`, time.Time{}, false},
		{"empty string", `""`, time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v struct {
				T engine.Time `json:"t"`
			}
			require.NoError(t, json.Unmarshal([]byte(`{"t": `+tt.in+`}`), &v))
			got := v.T.Std()
			assert.True(t, tt.want.Equal(got), "got %v, want %v", got, tt.want)
			_, wantOff := tt.want.Zone()
			_, gotOff := got.Zone()
			assert.Equal(t, wantOff, gotOff, "offset")
			if tt.utc {
				assert.Equal(t, time.UTC, got.Location())
			}
		})
	}

	t.Run("absent", func(t *testing.T) {
		var v struct {
			T engine.Time `json:"t"`
		}
		require.NoError(t, json.Unmarshal([]byte(`{}`), &v))
		assert.True(t, v.T.Std().IsZero())
	})

	for _, bad := range []string{`"yesterday"`, `"2026-13-01T00:00:00Z"`, `"2026-11-20"`, `true`, `{}`, `[1]`, `"1640975400"`} {
		t.Run("rejects "+bad, func(t *testing.T) {
			var v struct {
				T engine.Time `json:"t"`
			}
			assert.Error(t, json.Unmarshal([]byte(`{"t": `+bad+`}`), &v))
		})
	}
}

func TestFormatQueryTime(t *testing.T) {
	tests := []struct {
		name string
		in   time.Time
		want string
	}{
		{"whole seconds UTC", time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC), "2026-11-20T09:30:00Z"},
		{"millis with offset", time.Date(2026, 11, 20, 9, 30, 0, 250e6, time.FixedZone("", 3600)), "2026-11-20T09:30:00.250+01:00"},
		{"trailing zero millis kept", time.Date(2026, 11, 20, 9, 30, 0, 100e6, time.UTC), "2026-11-20T09:30:00.100Z"},
		{"micros", time.Date(2026, 1, 2, 3, 4, 5, 123456e3, time.FixedZone("IST", 5*3600+30*60)), "2026-01-02T03:04:05.123456+05:30"},
		{"nanos with negative offset", time.Date(2026, 1, 2, 3, 4, 5, 1, time.FixedZone("", -(3*3600+30*60))), "2026-01-02T03:04:05.000000001-03:30"},
		{"named zone keeps its own offset", time.Date(2026, 7, 1, 12, 0, 0, 0, time.FixedZone("CEST", 2*3600)), "2026-07-01T12:00:00+02:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := engine.FormatQueryTime(tt.in)
			assert.Equal(t, tt.want, got)
			back, err := time.Parse(time.RFC3339Nano, got)
			require.NoError(t, err)
			assert.True(t, back.Equal(tt.in), "round trip keeps the instant, fraction included")
		})
	}
}

func TestQueryTimeEncodeValues(t *testing.T) {
	type q struct {
		Start engine.QueryTime `url:"start_time,omitempty"`
		End   engine.QueryTime `url:"end_time"`
	}
	v, err := query.Values(q{Start: engine.QueryTime(time.Date(2026, 11, 20, 9, 30, 0, 250e6, time.FixedZone("", 3600)))})
	require.NoError(t, err)
	assert.Equal(t, "start_time=2026-11-20T09%3A30%3A00.250%2B01%3A00", v.Encode(), "the zero time is not sent")
	v, err = query.Values(q{})
	require.NoError(t, err)
	assert.Empty(t, v.Encode())
}

func TestParseRetryAfterFormats(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   string
		want time.Duration
		ok   bool
	}{
		{"delta seconds", "30", 30 * time.Second, true},
		{"delta zero", "0", 0, true},
		{"HTTP-date ahead", now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{"HTTP-date past", now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"ISO timestamp ahead", "2026-11-20T10:00:45Z", 45 * time.Second, true},
		{"ISO timestamp with offset", "2026-11-20T11:01:00+01:00", time.Minute, true},
		{"ISO timestamp with fraction", "2026-11-20T10:00:00.5Z", 500 * time.Millisecond, true},
		{"ISO timestamp past", "2026-11-20T09:59:00Z", 0, true},
		{"ISO timestamp far past", "2001-01-01T00:00:00Z", 0, true},
		{"ISO duration seconds", "PT30S", 30 * time.Second, true},
		{"ISO duration minutes and seconds", "PT1M30S", 90 * time.Second, true},
		{"ISO duration fraction", "PT0.5S", 500 * time.Millisecond, true},
		{"ISO duration days and hours", "P1DT1H", 25 * time.Hour, true},
		{"ISO duration lower case", "pt10s", 10 * time.Second, true},
		{"empty", "", 0, false},
		{"garbage", "soon", 0, false},
		{"negative delta", "-1", 0, false},
		{"float delta", "1.5", 0, false},
		{"unit suffix", "30s", 0, false},
		{"bare P", "P", 0, false},
		{"P without number", "PTS", 0, false},
		{"hours outside the time part", "P1H", 0, false},
		{"very long", "P" + string(make([]byte, 100)), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := engine.ParseRetryAfter(tt.in, now)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestZonelessFastPathMatchesLayout checks the strict-parser path for
// zone-less times against the layout it replaces, on seeded random
// strings of that shape (valid and out-of-range fields alike).
func TestZonelessFastPathMatchesLayout(t *testing.T) {
	seed := time.Now().UnixNano()
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	t.Logf("seed %d", seed)
	digits := func(n, hi int) string { return fmt.Sprintf("%0*d", n, rng.IntN(hi)) }
	for range 20000 {
		s := digits(4, 10000) + "-" + digits(2, 14) + "-" + digits(2, 33) + "T" + digits(2, 26) + ":" + digits(2, 61) + ":" + digits(2, 62)
		if n := rng.IntN(11); n > 0 {
			s += "." + digits(n, int(math.Pow10(n)))
		}
		var got engine.Time
		gotErr := got.UnmarshalJSON([]byte(`"` + s + `"`))
		want, wantErr := time.ParseInLocation("2006-01-02T15:04:05.999999999", s, time.UTC)
		if (gotErr == nil) != (wantErr == nil) || (gotErr == nil && got.Std() != want) {
			t.Fatalf("seed %d: %q: got %v (%v), the layout %v (%v)", seed, s, got.Std(), gotErr, want, wantErr)
		}
	}
}
