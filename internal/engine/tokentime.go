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
	if len(s) > 0 && s[len(s)-1] == 'Z' {
		s = s[:len(s)-1]
	}
	const dateTime = len("2006-01-02T15:04:05")
	if len(s) < dateTime || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return t, false
	}
	year := twoDigits(s[0], s[1])*100 + twoDigits(s[2], s[3])
	month, day := twoDigits(s[5], s[6]), twoDigits(s[8], s[9])
	hour, minute, sec := twoDigits(s[11], s[12]), twoDigits(s[14], s[15]), twoDigits(s[17], s[18])
	nsec, ok := fraction(s[dateTime:])
	if !ok {
		return t, false
	}
	if year < 1 || hour < 0 || minute < 0 || sec < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || minute > 59 || sec > 59 {
		return t, false
	}
	unix := (daysSinceEpoch(year, month, day)*24+int64(hour))*3600 + int64(minute)*60 + int64(sec)
	return time.Unix(unix, int64(nsec)).UTC(), true
}

// twoDigits returns the number two ASCII digits spell, or a large
// negative number when either is not a digit.
func twoDigits(a, b byte) int {
	a, b = a-'0', b-'0'
	if a > 9 || b > 9 {
		return -1 << 20
	}
	return int(a)*10 + int(b)
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
