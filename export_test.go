package sessionkit

import "time"

// Test-only bridges for the external test package (sessionkit_test), whose
// tests may import sessionkittest: an in-package test cannot, since
// sessionkittest imports this package.

// WithTestClock sets the client's clock (JWT minting and renewal).
func WithTestClock(now func() time.Time) Option {
	return func(s *settings) error {
		s.now = now
		return nil
	}
}
