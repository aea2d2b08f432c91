package engine

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPageErrorTextGolden(t *testing.T) {
	api := &APIError{Method: http.MethodGet, Path: "/p", StatusCode: 503, Message: "busy", Attempts: 4}
	tests := []struct {
		name string
		err  *PageError
		want string
	}{
		{"first page of a cursor walk or page 0", &PageError{Err: api}, "sessionkit: walk stopped at the first page: GET /p: 503 Service Unavailable: busy (after 4 attempts)"},
		{"page token, never printed", &PageError{PageToken: "Tz4Q/m8Rb+Vx2Np=6Wk9Lc3H", Yielded: 1, Err: api},
			"sessionkit: walk stopped at a page token (see PageError.PageToken) after 1 item: GET /p: 503 Service Unavailable: busy (after 4 attempts)"},
		{"page number", &PageError{Page: 3, Yielded: 40, Err: api}, "sessionkit: walk stopped at page 3 after 40 items: GET /p: 503 Service Unavailable: busy (after 4 attempts)"},
		{"cause without the prefix", &PageError{Page: 2, Err: errors.New("boom")}, "sessionkit: walk stopped at page 2: boom"},
		{"loop", &PageError{PageToken: "t", Yielded: 6, Err: fmt.Errorf("%w: a token came back a second time", ErrPaginationLoop)},
			"sessionkit: walk stopped at a page token (see PageError.PageToken) after 6 items: pagination loop: the server repeated a page token: a token came back a second time"},
		{"nil cause", &PageError{Page: 1}, "sessionkit: walk stopped at page 1: <nil>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.err.Error())
		})
	}
}

func TestFailReadsAsItsError(t *testing.T) {
	cause := Invalidf("userID is required")
	for _, err := range Fail[int](Cursor{Page: 1}, cause) {
		assert.Equal(t, "sessionkit: invalid options: userID is required", err.Error())
		var pe *PageError
		assert.ErrorAs(t, err, &pe)
		assert.Equal(t, 1, pe.Page)
		assert.ErrorIs(t, err, ErrInvalidOptions)
	}
}

func TestAPIErrorSaysHowManyAttempts(t *testing.T) {
	e := &APIError{Method: http.MethodGet, Path: "/p", StatusCode: 500, Message: "broken", Attempts: 1}
	assert.Equal(t, "sessionkit: GET /p: 500 Internal Server Error: broken", e.Error())
	e.Attempts = 4
	assert.Equal(t, "sessionkit: GET /p: 500 Internal Server Error: broken (after 4 attempts)", e.Error())
	e.RetryAfter = 3e9
	assert.Equal(t, "sessionkit: GET /p: 500 Internal Server Error: broken (retry after 3s) (after 4 attempts)", e.Error())
}

func TestWrapHasOnePrefix(t *testing.T) {
	api := &APIError{Method: http.MethodGet, Path: "/p", StatusCode: 400, Message: "bad token"}
	err := Wrap(ErrPageTokenExpired, api)
	assert.Equal(t, "sessionkit: page token expired or rejected: GET /p: 400 Bad Request: bad token", err.Error())
	assert.ErrorIs(t, err, ErrPageTokenExpired)
	var ae *APIError
	assert.ErrorAs(t, err, &ae)
}

func TestByteCountSaysOneByte(t *testing.T) {
	for n, want := range map[int]string{0: "0 bytes", 1: "1 byte", 2: "2 bytes", 7: "7 bytes"} {
		if got := ByteCount(n); got != want {
			t.Errorf("ByteCount(%d) = %q, want %q", n, got, want)
		}
	}
	if err := checkCredential("k"); err == nil || !strings.Contains(err.Error(), "the credential is 1 byte long") {
		t.Errorf("checkCredential(\"k\") = %v, want it to say 1 byte", err)
	}
}
