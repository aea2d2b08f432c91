//go:build go1.27 && goexperiment.jsonv2

package engine

import "time"

// decodeTime decodes raw, one JSON value, into *p as [Time.UnmarshalJSON]
// does. The forms a page repeats thousands of times (RFC 3339 in UTC,
// the same without a zone, whole Unix seconds) are read here from the
// bytes; every other form, and any value out of range, goes to
// UnmarshalJSON, so both give the same time.Time, to the bit.
func decodeTime(raw []byte, p *Time) error {
	if t, ok := fastTime(raw); ok {
		*p = Time(t)
		return nil
	}
	return p.UnmarshalJSON(raw)
}

// fastTime reads "YYYY-MM-DDTHH:MM:SS[.F]Z" and the same without the
// "Z" (F: one to nine digits; both are UTC, as UnmarshalJSON reads
// them), and integers of up to 15 digits (Unix seconds, which a float64
// holds exactly); ok is false for anything else.
func fastTime(raw []byte) (t time.Time, ok bool) {
	if len(raw) == 0 {
		return t, false
	}
	if raw[0] != '"' {
		return unixSeconds(raw)
	}
	s := raw[1 : len(raw)-1]
	const shape = "dddd-dd-ddTdd:dd:dd"
	if len(s) < len(shape) {
		return t, false
	}
	if s[len(s)-1] == 'Z' {
		s = s[:len(s)-1]
	}
	var v [6]int
	field := 0
	for i := range len(shape) {
		c := s[i]
		if shape[i] != 'd' {
			if c != shape[i] {
				return t, false
			}
			field++
			continue
		}
		if c < '0' || c > '9' {
			return t, false
		}
		v[field] = v[field]*10 + int(c-'0')
	}
	nsec, ok := fraction(s[len(shape):])
	if !ok {
		return t, false
	}
	year, month, day, hour, minute, sec := v[0], v[1], v[2], v[3], v[4], v[5]
	if year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || minute > 59 || sec > 59 {
		return t, false
	}
	unix := (daysSinceEpoch(year, month, day)*24+int64(hour))*3600 + int64(minute)*60 + int64(sec)
	return time.Unix(unix, int64(nsec)).UTC(), true
}

// fraction reads "" or "." and one to nine digits, as nanoseconds.
func fraction(f []byte) (nsec int, ok bool) {
	if len(f) == 0 {
		return 0, true
	}
	if f[0] != '.' || len(f) < 2 || len(f) > 10 {
		return 0, false
	}
	scale := 1000000000
	for _, c := range f[1:] {
		if c < '0' || c > '9' {
			return 0, false
		}
		scale /= 10
		nsec += int(c-'0') * scale
	}
	return nsec, true
}

// unixSeconds reads an integer of up to 15 digits, with an optional minus
// sign, as Unix seconds.
func unixSeconds(raw []byte) (t time.Time, ok bool) {
	digits := raw
	if digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) == 0 || len(digits) > 15 {
		return t, false
	}
	var n int64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return t, false
		}
		n = n*10 + int64(c-'0')
	}
	if raw[0] == '-' {
		n = -n
	}
	return time.Unix(n, 0).UTC(), true
}

// daysIn returns the number of days in month of year.
func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysSinceEpoch returns the days from 1970-01-01 to the given date of
// the proleptic Gregorian calendar (year >= 1), by Howard Hinnant's
// days_from_civil.
func daysSinceEpoch(year, month, day int) int64 {
	y := int64(year)
	if month <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	m := int64(month)
	if m > 2 {
		m -= 3
	} else {
		m += 9
	}
	doy := (153*m+2)/5 + int64(day) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}
