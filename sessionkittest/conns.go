package sessionkittest

import (
	"net"
	"net/http"
)

// Connections returns the number of TCP connections the server has accepted so far, so a test can
// check that a client reuses its connections (bodies drained and closed on every path) and keeps
// within its connection pool.
func (s *Server) Connections() int { return int(s.conns.Load()) }

// connState counts every new connection.
func (s *Server) connState(_ net.Conn, state http.ConnState) {
	if state == http.StateNew {
		s.conns.Add(1)
	}
}
