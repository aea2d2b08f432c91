// Package engine is the one request engine behind every sessionkit call.
//
// It builds URLs (base URL with any path prefix, one escaped segment per
// path argument), encodes queries with go-querystring, attaches each API's
// credential only to that API's origin, sends through go-retryablehttp with
// a deliberate retry policy, stream-decodes success bodies and maps every
// vendor's error body onto one APIError. It also owns the pager behind the
// ...Iter methods, including prefetch.
//
// The service packages (sessions, traces, users) stay thin: they validate
// their options, name the route and the wire types, and call Get or Walk.
package engine
