package engine

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ParseRetryAfter reads a Retry-After value in delta-seconds, HTTP-date or
// ISO 8601 (a timestamp such as 2026-11-20T10:00:00Z, or a duration such as
// PT30S) and returns the wait it asks for, measured from now. A time in the
// past gives 0. ok is false when v is empty or unreadable.
func ParseRetryAfter(v string, now time.Time) (wait time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" || len(v) > 64 {
		return 0, false
	}
	secs, err := strconv.ParseInt(v, 10, 64)
	if errors.Is(err, strconv.ErrRange) && secs > 0 {
		return maxWait, true // more seconds than an int64 holds
	}
	if err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(maxWait/time.Second) {
			return maxWait, true
		}
		return time.Duration(secs) * time.Second, true
	}
	if d, ok := parseISODuration(v); ok {
		return d, true
	}
	for _, parse := range []func(string) (time.Time, error){http.ParseTime, parseISOTime} {
		if t, err := parse(v); err == nil {
			return untilClamped(t, now), true
		}
	}
	return 0, false
}

// maxWait bounds any parsed wait, so arithmetic never overflows.
const maxWait = 100 * 365 * 24 * time.Hour

// untilClamped returns the wait until t, between 0 and maxWait (t.Sub
// saturates at about 292 years instead).
func untilClamped(t, now time.Time) time.Duration {
	d := t.Sub(now)
	if d < 0 {
		return 0
	}
	return min(d, maxWait)
}

var isoLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
	"20060102T150405Z",
}

func parseISOTime(v string) (time.Time, error) {
	var err error
	for _, layout := range isoLayouts {
		var t time.Time
		if t, err = time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}

// parseISODuration reads the time part of an ISO 8601 duration: PnDTnHnMnS
// (whole or decimal seconds).
func parseISODuration(v string) (time.Duration, bool) {
	s := strings.ToUpper(v)
	if !strings.HasPrefix(s, "P") || len(s) < 3 {
		return 0, false
	}
	s = s[1:]
	var total float64
	inTime := false
	for s != "" {
		if s[0] == 'T' {
			inTime = true
			s = s[1:]
			continue
		}
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
			i++
		}
		if i == 0 || i == len(s) {
			return 0, false
		}
		n, err := strconv.ParseFloat(s[:i], 64)
		if err != nil {
			return 0, false
		}
		unit := s[i]
		switch {
		case unit == 'D' && !inTime:
			total += n * 86400
		case unit == 'H' && inTime:
			total += n * 3600
		case unit == 'M' && inTime:
			total += n * 60
		case unit == 'S' && inTime:
			total += n
		default:
			return 0, false
		}
		s = s[i+1:]
	}
	if total*float64(time.Second) > float64(maxWait) {
		return maxWait, true
	}
	return time.Duration(total * float64(time.Second)), true
}
