package sessionkit_test

// Heap measurements for the tests that bound a walk's or a page's memory.

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// heapObjectBytes returns the bytes of heap objects, live or not yet
// freed: what a walk's peak is measured in.
func heapObjectBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// raceDetectorOn reports whether the test binary was built with -race.
func raceDetectorOn() bool {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" {
				return s.Value == "true"
			}
		}
	}
	return false
}

// liveHeap returns the live heap after full collections (two: sync.Pool
// contents survive the first).
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
