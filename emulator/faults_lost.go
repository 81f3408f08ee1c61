package emulator

import (
	"net/http"
)

// loseResponse reports whether the response of the call c, which took
// effect, is to be lost (Fault.LoseNext, Fault.LoseResponseRate), and
// counts it.
func (s *Server) loseResponse(c *Call) bool {
	fs := &s.faults
	fs.mu.Lock()
	defer fs.mu.Unlock()
	lost := false
	for _, f := range fs.faults {
		if !f.matches(c.Service, c.Operation, c.Account) {
			continue
		}
		if f.LoseNext > 0 {
			f.LoseNext--
			lost = true
			break
		}
		if f.LoseResponseRate > 0 && s.faultRand() < f.LoseResponseRate {
			lost = true
			break
		}
	}
	if lost {
		key := CallKey{Account: c.Account, Region: c.Region, Service: c.Service, Operation: c.Operation}
		if st := fs.stats[key]; st != nil {
			st.Lost++
		}
	}
	return lost
}

// dropResponse closes the connection without answering, so the client sees
// a network error after its request took effect. Where the connection
// cannot be taken over (HTTP/2), it answers with a 500 instead, which
// leaves the client as unsure of the outcome.
func dropResponse(w http.ResponseWriter, svc *service, requestID string) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	svc.writeError(w, requestID, internalFailure())
}
