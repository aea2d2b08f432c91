package testutil

import "testing"

func TestDuplicateKeys(t *testing.T) {
	for body, want := range map[string]bool{
		`{"a": 1, "b": {"a": 2}}`:          false,
		`{"a": 1, "A": 2}`:                 true,
		`{"a": {"x": 1, "x": 2}}`:          true,
		`[{"a": 1}, {"a": 1}]`:             false,
		`{"a": [1, {"b": 1}], "b": 2}`:     false,
		`{"a": [1, {"b": 1, "b": 2}]}`:     true,
		`{"data": {"u": []}, "data": {}}`:  true,
		`{"a": "a", "b": "a", "c": ["a"]}`: false,
	} {
		if got := DuplicateKeys([]byte(body)); got != want {
			t.Errorf("DuplicateKeys(%s) = %t, want %t", body, got, want)
		}
	}
}
