package engine

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestFillFromBodyPerAPI(t *testing.T) {
	const problem = "application/problem+json"
	tests := []struct {
		name        string
		api         API
		contentType string
		body        string
		code        string
		message     string
		fields      []FieldError
	}{
		// Ductape
		{"ductape message and code", Ductape, "application/json", `{"status": false, "message": "User not found", "code": "USER_NOT_FOUND"}`, "USER_NOT_FOUND", "User not found", nil},
		{"ductape errors string", Ductape, "application/json", `{"status": false, "errors": "bad tag"}`, "", "bad tag", nil},
		{"ductape errors list", Ductape, "application/json", `{"status": false, "errors": ["a", "b", ""]}`, "", "a; b", nil},
		{"ductape numeric code", Ductape, "application/json", `{"message": "x", "code": 404}`, "404", "x", nil},
		{"ductape no content type", Ductape, "", `{"message": "x", "code": "C"}`, "C", "x", nil},
		// Zoom
		{"zoom code as decimal text", Zoom, "application/json;charset=UTF-8", `{"code": 3001, "message": "Session does not exist."}`, "3001", "Session does not exist.", nil},
		{"zoom code as string", Zoom, "application/json", `{"code": "124", "message": "Invalid access token."}`, "124", "Invalid access token.", nil},
		{"zoom fields", Zoom, "application/json", `{"code": 300, "message": "Validation Failed.", "errors": [{"field": "page_size", "message": "too big"}]}`,
			"300", "Validation Failed.", []FieldError{{Field: "page_size", Message: "too big"}}},
		// Arthur
		{"arthur detail string", Arthur, "application/json", `{"detail": "Something went wrong."}`, "", "Something went wrong.", nil},
		{"arthur detail list", Arthur, "application/json", `{"detail": [{"loc": ["query", "task_ids"], "msg": "Field required", "type": "missing"}, {"loc": ["query", "page", 0], "msg": "bad", "type": "x", "input": "a", "ctx": {}}]}`,
			"", "Field required; bad", []FieldError{{Field: "query.task_ids", Message: "Field required"}, {Field: "query.page.0", Message: "bad"}}},
		// MonoCloud
		{"monocloud problem detail", MonoCloud, problem, `{"type": "https://httpstatuses.io/404", "title": "Not Found", "status": 404, "detail": "User not found"}`, "https://httpstatuses.io/404", "User not found", nil},
		{"monocloud problem title", MonoCloud, problem, `{"type": "https://httpstatuses.io/402", "title": "Payment Required", "status": 402}`, "https://httpstatuses.io/402", "Payment Required", nil},
		{"monocloud validation map", MonoCloud, problem, `{"type": "t#validation-error", "title": "Invalid", "errors": {"size": ["s1", "s2"], "page": ["p1"]}}`,
			"t#validation-error", "Invalid", []FieldError{{Field: "page", Message: "p1"}, {Field: "size", Message: "s1"}, {Field: "size", Message: "s2"}}},
		{"monocloud identity list", MonoCloud, problem, `{"type": "t#identity-validation-error", "title": "Invalid", "errors": [{"code": "C1", "description": "D1"}]}`,
			"t#identity-validation-error", "Invalid", []FieldError{{Field: "C1", Message: "D1"}}},
		// Plain text and unknown shapes, any API
		{"plain text", MonoCloud, "text/plain", "  Too many requests\n", "", "Too many requests", nil},
		{"html from a proxy", Zoom, "text/html", "<html><body>502 Bad Gateway</body></html>", "", "502 Bad Gateway", nil},
		{"JSON of an unknown shape falls back to the text", Zoom, "application/json", `{"error": "nope"}`, "", `{"error": "nope"}`, nil},
		{"JSON-looking text with a text type", Arthur, "text/plain", `{"detail": "x"}`, "", `{"detail": "x"}`, nil},
		{"broken JSON", Ductape, "application/json", `{"message": `, "", `{"message":`, nil},
		{"empty body", Ductape, "application/json", ``, "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &APIError{API: tt.api, Header: http.Header{}, Body: []byte(tt.body)}
			if tt.contentType != "" {
				e.Header.Set("Content-Type", tt.contentType)
			}
			fillFromBody(e, nil, false)
			assert.Equal(t, tt.code, e.Code, "Code")
			assert.Equal(t, tt.message, e.Message, "Message")
			assert.Equal(t, tt.fields, e.Fields, "Fields")
		})
	}
}

func TestPlainMessageCap(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"short", "  hello \n", "hello"},
		{"exactly 512", strings.Repeat("a", 512), strings.Repeat("a", 512)},
		{"over 512", strings.Repeat("a", 600), strings.Repeat("a", 512)},
		{"cut on a rune boundary", strings.Repeat("a", 511) + "é and more", strings.Repeat("a", 511)},
		{"leading space does not count", "   " + strings.Repeat("b", 520), strings.Repeat("b", 512)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := (*secretSet)(nil).text([]byte(tt.in), false)
			assert.Equal(t, tt.want, got)
			assert.LessOrEqual(t, len(got), maxPlainMessage)
			assert.True(t, utf8.ValidString(got))
		})
	}
}

func TestAPIErrorText(t *testing.T) {
	e := &APIError{
		API: Zoom, Method: http.MethodGet, Path: "/v2/videosdk/sessions/%252FAb%253D%253D/users",
		StatusCode: 429, Code: "429", Message: "Too many requests",
		Fields:     []FieldError{{Field: "page_size", Message: "too big"}, {Field: "type", Message: "bad"}},
		RetryAfter: 2 * time.Second,
	}
	assert.Equal(t, "sessionkit: GET /v2/videosdk/sessions/%252FAb%253D%253D/users: 429 Too Many Requests: Too many requests (code 429) [page_size: too big; type: bad] (retry after 2s)", e.Error())

	plain := &APIError{Method: http.MethodGet, Path: "/api/users/u/sessions", StatusCode: 599}
	assert.Equal(t, "sessionkit: GET /api/users/u/sessions: 599", plain.Error())
}

func TestMalformedErrorText(t *testing.T) {
	cause := errors.New("unexpected EOF")
	e := &MalformedError{API: Arthur, Method: http.MethodGet, Path: "/api/v1/traces/users", StatusCode: 200, ContentType: "application/json", Snippet: `{"count":`, Err: cause}
	assert.ErrorIs(t, e, ErrMalformedResponse)
	assert.ErrorIs(t, e, cause)
	for _, part := range []string{"GET", "/api/v1/traces/users", "200", "unexpected EOF", `{\"count\":`} {
		assert.Contains(t, e.Error(), part)
	}
}

func TestPageErrorText(t *testing.T) {
	inner := fmt.Errorf("wrapped: %w", ErrPaginationLoop)
	pe := &PageError{PageToken: "t1", Yielded: 4, Err: inner}
	assert.ErrorIs(t, pe, ErrPaginationLoop)
	assert.Contains(t, pe.Error(), "page token")
	assert.NotContains(t, pe.Error(), "t1", "a page token is a query value: never printed")
	assert.Contains(t, pe.Error(), "4 items")
	pe = &PageError{Page: 3, Yielded: 10, Err: inner}
	assert.Contains(t, pe.Error(), "page 3")
}
