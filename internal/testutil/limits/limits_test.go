package limits

import (
	"testing"
	"time"
)

// accepted sends one request at each offset from t0 and returns which the
// model allowed.
func accepted(m Model, t0 time.Time, offsets ...time.Duration) []bool {
	got := make([]bool, len(offsets))
	for i, d := range offsets {
		got[i] = m.Take(t0.Add(d))
	}
	return got
}

func TestModelsAllowWhatTheirRuleAllows(t *testing.T) {
	ms := time.Millisecond
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 900*int(ms), time.UTC) // 100 ms before a second's end
	tests := []struct {
		name    string
		model   Model
		offsets []time.Duration
		want    []bool
	}{
		{"bucket: the burst, then one token per 1/rate", NewBucket(10, 2),
			[]time.Duration{0, 0, 0, 50 * ms, 100 * ms, 100 * ms, 400 * ms, 400 * ms, 400 * ms},
			[]bool{true, true, false, false, true, false, true, true, false}},
		{"sliding log: n in any rolling window", NewSlidingLog(2, time.Second),
			[]time.Duration{0, 10 * ms, 200 * ms, 999 * ms, 1000 * ms, 1010 * ms, 1020 * ms},
			[]bool{true, true, false, false, true, true, false}},
		{"fixed window: n in each window, counted anew at its start", NewFixedWindow(2, time.Second),
			[]time.Duration{0, 10 * ms, 50 * ms, 100 * ms, 110 * ms, 120 * ms},
			[]bool{true, true, false, true, true, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := accepted(tt.model, t0, tt.offsets...)
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("request %d at +%v: allowed %v, want %v (all: %v)", i, tt.offsets[i], got[i], tt.want[i], got)
				}
			}
		})
	}
}
