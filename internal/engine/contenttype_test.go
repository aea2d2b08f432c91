package engine

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheckContentType(t *testing.T) {
	tests := []struct {
		ct     string
		reject bool
	}{
		{"", false},
		{"application/json", false},
		{"application/json; charset=utf-8", false},
		{"text/plain", false},
		{"application/problem+json", false},
		{"text/html", true},
		{"TEXT/HTML; charset=UTF-8", true},
		{" text/html ;charset=utf-8", true},
		{"application/xhtml+xml", true},
		{"application/xml", true},
		{"text/xml; charset=utf-8", true},
		{"text/html; =broken", false}, // does not parse: decoded
		{"text/htmlx", false},
		{"text/html/x", false},
	}
	for _, tt := range tests {
		t.Run(tt.ct, func(t *testing.T) {
			assert.Equal(t, tt.reject, checkContentType(tt.ct) != nil)
		})
	}
}
