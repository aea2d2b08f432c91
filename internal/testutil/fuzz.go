package testutil

// Shared pieces of the fuzz targets of the service packages: a transport
// that answers from memory, the statuses and content types the fuzzer picks
// from, the check that every failure is typed, and when a reference
// decoding with encoding/json must agree with the SDK.

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/sessionkit/sessionkit-go/internal/engine"
)

// FuzzKey is the credential a fuzzed server may echo; no error may print
// it.
const FuzzKey = "fz-secret-key-5b1e7d"

// fuzzStatuses are the answers the fuzzer picks from; most are 200.
var fuzzStatuses = []int{200, 200, 200, 200, 201, 204, 400, 401, 404, 422, 429, 500, 502, 503}

var fuzzContentTypes = []string{"application/json", "application/json; charset=utf-8", "", "text/plain", "text/html", "application/xml", "application/problem+json"}

// FuzzAnswer maps the fuzzer's status and content-type picks to a status
// code, a content type and the header carrying it.
func FuzzAnswer(status, ct uint8) (code int, ctype string, h http.Header) {
	code = fuzzStatuses[int(status)%len(fuzzStatuses)]
	ctype = fuzzContentTypes[int(ct)%len(fuzzContentTypes)]
	h = http.Header{}
	if ctype != "" {
		h.Set("Content-Type", ctype)
	}
	return code, ctype, h
}

// CannedTransport answers every request with the same status, header and
// body, without a network.
type CannedTransport struct {
	Status int
	Header http.Header
	Body   []byte
}

// RoundTrip implements http.RoundTripper.
func (f *CannedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode:    f.Status,
		Status:        strconv.Itoa(f.Status) + " " + http.StatusText(f.Status),
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        f.Header.Clone(),
		Body:          io.NopCloser(bytes.NewReader(f.Body)),
		ContentLength: int64(len(f.Body)),
		Request:       req,
	}, nil
}

// CheckTypedError fails unless err is a typed error that names code and
// keeps its snippet short and free of the credential.
func CheckTypedError(t testing.TB, code int, err error) {
	t.Helper()
	text := err.Error()
	if strings.Contains(text, FuzzKey) {
		t.Fatalf("error text holds the credential: %s", text)
	}
	var ae *engine.APIError
	var me *engine.MalformedError
	switch {
	case errors.As(err, &ae):
		if ae.StatusCode != code {
			t.Fatalf("APIError.StatusCode = %d, want %d", ae.StatusCode, code)
		}
		if len(ae.Body) > engine.MaxErrorBody {
			t.Fatalf("APIError.Body holds %d bytes", len(ae.Body))
		}
	case errors.As(err, &me):
		if !errors.Is(err, engine.ErrMalformedResponse) {
			t.Fatalf("MalformedError that is not ErrMalformedResponse: %v", err)
		}
		if me.StatusCode != code {
			t.Fatalf("MalformedError.StatusCode = %d, want %d", me.StatusCode, code)
		}
		if len(me.Snippet) > 512 {
			t.Fatalf("snippet of %d bytes", len(me.Snippet))
		}
	default:
		t.Fatalf("untyped error %T: %v", err, err)
	}
	if !strings.Contains(text, strconv.Itoa(code)) {
		t.Fatalf("error text does not name the status %d: %s", code, text)
	}
}

// ReferenceApplies reports whether a successful reference decoding with
// encoding/json must be matched by the SDK: a 2xx JSON-ish answer whose
// body is plain ASCII (encoding/json folds a few non-ASCII letters, such
// as the Kelvin sign, into ASCII key names; the wire contract has none).
func ReferenceApplies(code int, ctype string, body []byte) bool {
	if code < 200 || code > 299 || ctype == "text/html" || ctype == "application/xml" {
		return false
	}
	for _, b := range body {
		if b >= 0x80 {
			return false
		}
	}
	return !DuplicateKeys(body)
}

// DuplicateKeys reports whether an object in body repeats a key (up to
// case): encoding/json then merges or replaces in ways RFC 8259 leaves
// open, so the reference decoding proves nothing.
func DuplicateKeys(body []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	type frame struct {
		keys  map[string]bool
		isObj bool
		onKey bool // the next string token in an object is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.isObj && top.onKey {
			if k, ok := tok.(string); ok {
				k = strings.ToLower(k)
				if top.keys[k] {
					return true
				}
				top.keys[k] = true
				top.onKey = false
				continue
			}
		}
		switch tok {
		case json.Delim('{'):
			if top != nil && top.isObj {
				top.onKey = true
			}
			stack = append(stack, &frame{keys: map[string]bool{}, isObj: true, onKey: true})
			continue
		case json.Delim('['):
			if top != nil && top.isObj {
				top.onKey = true
			}
			stack = append(stack, &frame{})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				return false
			}
			continue
		}
		if top != nil && top.isObj {
			top.onKey = true // a scalar value ends the member
		}
	}
}
