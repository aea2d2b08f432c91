package engine

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Time decodes the time formats the four APIs send: RFC 3339 strings (with
// or without fractional seconds), ISO 8601 date-times without a zone (taken
// as UTC), Unix epoch seconds as a JSON number, and null or "" (zero time).
type Time time.Time

// zonelessLayouts are tried, as UTC, when a string carries no offset.
var zonelessLayouts = []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	if b[0] != '"' {
		secs, err := strconv.ParseFloat(string(b), 64)
		if err != nil {
			return errors.New("time: expected a string or Unix seconds, got " + strconv.Quote(string(b[:min(len(b), 32)])))
		}
		whole := int64(secs)
		*t = Time(time.Unix(whole, int64((secs-float64(whole))*1e9)).UTC())
		return nil
	}
	if len(b) < 2 || b[len(b)-1] != '"' {
		return errors.New("time: unterminated string")
	}
	s := string(b[1 : len(b)-1])
	if s == "" {
		*t = Time{}
		return nil
	}
	var parsed time.Time
	err := errZoneless
	if !zoneless(s) { // else RFC 3339 would fail, allocating its error
		// The strict RFC 3339 parser is the fast one; time.Parse also
		// takes the lenient forms it rejects.
		if err = parsed.UnmarshalText(b[1 : len(b)-1]); err != nil {
			parsed, err = time.Parse(time.RFC3339Nano, s)
		}
	}
	if err != nil && zonelessRFC3339(b[1:len(b)-1]) {
		// Arthur's form: RFC 3339 but for the zone. The strict parser
		// reads it with a "Z" added, the same instant as the layout
		// below in UTC, many times faster.
		var buf [40]byte
		err = parsed.UnmarshalText(append(append(buf[:0], b[1:len(b)-1]...), 'Z'))
	}
	if err != nil {
		for _, layout := range zonelessLayouts {
			if p, zerr := time.ParseInLocation(layout, s, time.UTC); zerr == nil {
				parsed, err = p, nil
				break
			}
		}
	}
	if err != nil {
		return errors.New("time: cannot parse " + strconv.Quote(s[:min(len(s), 64)]))
	}
	*t = Time(parsed)
	return nil
}

var errZoneless = errors.New("time: no zone")

// zonelessRFC3339 reports whether s is exactly YYYY-MM-DDTHH:MM:SS with
// an optional fraction of one to nine digits after a ".": the zone-less
// strings that the first of zonelessLayouts and the strict RFC 3339
// parser (given a "Z") read alike. Other forms take the layouts.
func zonelessRFC3339(s []byte) bool {
	const shape = "dddd-dd-ddTdd:dd:dd"
	if len(s) < len(shape) || len(s) == len(shape)+1 || len(s) > len(shape)+10 {
		return false
	}
	for i := range len(shape) {
		if c := s[i]; shape[i] == 'd' && (c < '0' || c > '9') || shape[i] != 'd' && c != shape[i] {
			return false
		}
	}
	if len(s) == len(shape) {
		return true
	}
	if s[len(shape)] != '.' {
		return false
	}
	for _, c := range s[len(shape)+1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// zoneless reports whether s, a date-time, ends without a zone: no "Z" and
// no sign after the date.
func zoneless(s string) bool {
	if s == "" || s[len(s)-1] < '0' || s[len(s)-1] > '9' {
		return false
	}
	return len(s) > 10 && !strings.ContainsAny(s[10:], "+-")
}

// Std returns t as a time.Time.
func (t Time) Std() time.Time { return time.Time(t) }

// QueryTime is a time.Time that go-querystring encodes as RFC 3339 with the
// time's own offset, keeping its fractional seconds (3, 6 or 9 digits, as
// many as the value needs). The zero time is omitted.
type QueryTime time.Time

// FormatQueryTime formats t as QueryTime encodes it.
func FormatQueryTime(t time.Time) string {
	layout := "2006-01-02T15:04:05Z07:00"
	switch ns := t.Nanosecond(); {
	case ns == 0:
	case ns%int(time.Millisecond) == 0:
		layout = "2006-01-02T15:04:05.000Z07:00"
	case ns%int(time.Microsecond) == 0:
		layout = "2006-01-02T15:04:05.000000Z07:00"
	default:
		layout = "2006-01-02T15:04:05.000000000Z07:00"
	}
	return t.Format(layout)
}

// EncodeValues implements go-querystring's Encoder.
func (t QueryTime) EncodeValues(key string, v *url.Values) error {
	if tt := time.Time(t); !tt.IsZero() {
		v.Set(key, FormatQueryTime(tt))
	}
	return nil
}
