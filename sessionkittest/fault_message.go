package sessionkittest

// Message makes [Status] answer with msg in place of the status's usual message, in the vendor's own
// error body: Zoom's "message" (its code stays the one the status implies, 124 for a 401), Ductape's
// "message", Arthur's "detail", MonoCloud's problem "detail". A test can so tell one attempt's
// answer from another's.
func (f Fault) Message(msg string) Fault {
	return f.with(func(f *Fault) { f.message = msg })
}
