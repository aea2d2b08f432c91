package engine

// Fuzz targets for the engine's parsers of server input: Retry-After and
// the four APIs' error bodies. Seed corpora live in testdata/fuzz; run one
// with
//
//	go test -run XXX -fuzz FuzzParseRetryAfter -fuzztime 2m ./internal/engine

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func FuzzParseRetryAfter(f *testing.F) {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC).Unix()
	for _, s := range []string{
		"0", "1", "120", "  30 ", "-1", "99999999999999999999", "3.5",
		"Fri, 20 Nov 2026 10:00:30 GMT", "Friday, 20-Nov-26 10:01:00 GMT", "Fri Nov 20 10:00:05 2026",
		"Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 GMT",
		"2026-11-20T10:00:45Z", "2026-11-20T10:00:00.250Z", "2026-11-20T11:00:10+01:00", "2026-11-20T11:00:10+0100",
		"2026-11-20T10:00:20", "20261120T100003Z", "9999-12-31T23:59:59Z",
		"PT30S", "PT1.5S", "P1DT2H3M4S", "pt2m", "P99999999999999999999D", "PT", "P", "PT1..5S", "PT.S", "P1Y",
		"", "soon", "\x00", "Ωmega",
	} {
		f.Add(s, now)
	}
	f.Fuzz(func(t *testing.T, v string, nowUnix int64) {
		now := time.Unix(nowUnix%(1<<40), 0).UTC()
		wait, ok := ParseRetryAfter(v, now)
		if !ok {
			if wait != 0 {
				t.Fatalf("ParseRetryAfter(%q) = %s, false: a refused value must give 0", v, wait)
			}
			return
		}
		if wait < 0 || wait > maxWait {
			t.Fatalf("ParseRetryAfter(%q) = %s: outside [0, %s]", v, wait, maxWait)
		}
		if again, ok2 := ParseRetryAfter(v, now); again != wait || !ok2 {
			t.Fatalf("ParseRetryAfter(%q) is not deterministic: %s then %s", v, wait, again)
		}
		if padded, ok2 := ParseRetryAfter(" \t"+v+" ", now); ok2 != ok || padded != wait {
			t.Fatalf("ParseRetryAfter(%q) = %s but padded gives %s, %t", v, wait, padded, ok2)
		}
		// A plain number is delta-seconds, whatever the clock says.
		if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && n >= 0 {
			want := maxWait
			if n <= int64(maxWait/time.Second) {
				want = time.Duration(n) * time.Second
			}
			if wait != want {
				t.Fatalf("ParseRetryAfter(%q) = %s, want %s", v, wait, want)
			}
		}
	})
}

// fuzzContentTypes are the error-body content types the fuzzer picks from.
var fuzzContentTypes = []string{
	"application/json", "application/problem+json", "text/plain; charset=utf-8", "", "text/html",
	"application/json; charset=utf-8", "text/json", "application/vnd.api+json", "invalid;;type=",
}

func FuzzFillFromBody(f *testing.F) {
	seeds := []struct {
		api    API
		status int
		ct     int
		body   string
	}{
		{Ductape, 404, 0, `{"status": false, "message": "User not found", "code": "USER_NOT_FOUND"}`},
		{Ductape, 400, 0, `{"status": false, "errors": ["bad tag", "bad env", ""]}`},
		{Ductape, 500, 0, `{"status": false, "errors": "FETCH_USERS_FAILED", "code": 500}`},
		{Ductape, 200, 0, `{"status": false}`},
		{Zoom, 404, 0, `{"code": 3001, "message": "Session does not exist."}`},
		{Zoom, 400, 0, `{"code": 300, "message": "Validation Failed.", "errors": [{"field": "page_size", "message": "too big"}]}`},
		{Zoom, 429, 0, `{"code": 429, "message": "You have reached the maximum daily rate limit for this API."}`},
		{Zoom, 400, 0, `{"code": 1.5e300, "message": true, "errors": [{"field": 7}, null, 3]}`},
		{Arthur, 400, 0, `{"detail": "Invalid page size, must be greater than 0 and less than 5000"}`},
		{Arthur, 422, 0, `{"detail": [{"loc": ["query", "task_ids", 0], "msg": "field required", "type": "value_error.missing"}]}`},
		{Arthur, 422, 0, `{"detail": [{"loc": null, "msg": null}, 5, "x"]}`},
		{Arthur, 500, 2, `Internal Server Error`},
		{MonoCloud, 404, 1, `{"type": "https://httpstatuses.io/404", "title": "Not Found", "status": 404, "detail": "User not found"}`},
		{MonoCloud, 422, 1, `{"type": "https://httpstatuses.io/422#validation-error", "title": "Validation", "errors": {"size": ["'size' must be greater than 0"], "page": "bad"}}`},
		{MonoCloud, 422, 1, `{"type": "https://httpstatuses.io/422#identity-validation-error", "errors": [{"code": "E1", "description": "taken"}]}`},
		{MonoCloud, 402, 2, `Your plan does not include this feature.`},
		{Zoom, 502, 4, `<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>`},
		{Arthur, 503, 4, "<html>\xc9chec : service indisponible " + strings.Repeat("r\xe9essayez ", 80) + "</html>"},
		{Ductape, 400, 0, `null`},
		{Ductape, 400, 0, `[1, 2, 3]`},
		{MonoCloud, 400, 1, `{"errors": {"a": [1, null, {"b": 2}]}}`},
		{Zoom, 400, 3, `   `},
		{Zoom, 400, 0, `{"message": "\ud800 lone surrogate"}`},
	}
	for _, s := range seeds {
		f.Add(uint8(s.api), uint16(s.status), uint8(s.ct), []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, api uint8, status uint16, ct uint8, body []byte) {
		if len(body) > MaxErrorBody {
			body = body[:MaxErrorBody]
		}
		code := 400 + int(status)%200
		e := &APIError{
			API:        API(api % uint8(numAPIs)),
			Method:     http.MethodGet,
			Path:       "/p",
			StatusCode: code,
			Header:     http.Header{"Content-Type": {fuzzContentTypes[int(ct)%len(fuzzContentTypes)]}},
			Body:       body,
		}
		fillFromBody(e, nil, false)
		text := e.Error()
		if !strings.Contains(text, strconv.Itoa(code)) {
			t.Fatalf("Error() %q does not name the status %d", text, code)
		}
		if isJSONBody(e) {
			return
		}
		// A body that is not JSON is the message itself, trimmed and
		// capped on a rune boundary.
		if len(e.Message) > maxPlainMessage {
			t.Fatalf("plain message of %d bytes (max %d)", len(e.Message), maxPlainMessage)
		}
		if !utf8.ValidString(e.Message) {
			t.Fatalf("plain message %q is not UTF-8", e.Message)
		}
		head := body[:min(len(body), maxPlainMessage)]
		if strings.TrimSpace(strings.ToValidUTF8(string(head), "\uFFFD")) != "" && e.Message == "" {
			t.Fatalf("body %q gave an empty message", head)
		}
		if e.Code != "" || len(e.Fields) > 0 {
			t.Fatalf("a plain body gave Code %q, Fields %v", e.Code, e.Fields)
		}
	})
}
