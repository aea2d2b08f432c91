package sessionkit

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestPositionRestart(t *testing.T) {
	oct := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name string
		at   Position
		want Position
		ok   bool
	}{
		{"a one-listing walk: from the first page, past the rows before", Position{PageToken: "t", Skip: 2, Offset: 30}, Position{Skip: 32}, true},
		{"a window: from its first page, past its rows before", Position{Window: oct, PageToken: "t", Skip: 2, Offset: 30, WindowOffset: 12},
			Position{Window: oct, Skip: 14, Offset: 18}, true},
		{"the first rows of a walk", Position{Window: oct, PageToken: "t", Skip: 1}, Position{Window: oct, Skip: 1}, true},
		{"a window that does not say its rows before", Position{Window: oct, PageToken: "t", Offset: 30}, Position{}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.at.restart()
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}
