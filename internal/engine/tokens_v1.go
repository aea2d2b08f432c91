//go:build !(go1.27 && goexperiment.jsonv2)

package engine

import "io"

// decodeTokens reports false: before Go 1.27 (or with the jsonv2
// experiment turned off) there is no encoding/json/jsontext, and every
// body takes the StreamDecoder path.
func decodeTokens(io.Reader, any) (bool, error) { return false, nil }
