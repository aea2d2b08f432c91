package engine_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sessionkit/sessionkit-go/internal/engine"
)

func TestStreamItemsBound(t *testing.T) {
	array := func(n int) string { return "[" + strings.TrimSuffix(strings.Repeat("1,", n), ",") + "]" }
	tests := []struct {
		name    string
		n, max  int
		wantErr bool
		decoded int
		wantLen int
	}{
		{"at the bound", 5, 5, false, 5, 5},
		{"one past the bound: found before it is decoded", 6, 5, true, 5, 5},
		{"far past the bound", 5000, 5, true, 5, 5},
		{"no bound given means MaxPageItems", engine.MaxPageItems, 0, false, engine.MaxPageItems, engine.MaxPageItems},
		{"past MaxPageItems", engine.MaxPageItems + 1, 0, true, engine.MaxPageItems, engine.MaxPageItems},
		{"empty", 0, 5, false, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dec := json.NewDecoder(strings.NewReader(array(tt.n)))
			decoded := 0
			items, present, err := engine.StreamItems(dec, 10, tt.max, func(v *int) error {
				decoded++
				return dec.Decode(v)
			})
			assert.True(t, present)
			assert.Equal(t, tt.decoded, decoded)
			assert.Len(t, items, tt.wantLen)
			if tt.wantErr {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "items in one page")
				return
			}
			require.NoError(t, err)
		})
	}
}
