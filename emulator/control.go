package emulator

import "net/http"

// controlPrefix is the path prefix of the emulator's own control API; no
// AWS API uses it.
const controlPrefix = "/_orgbackup/"

func (s *Server) serveControl(w http.ResponseWriter, r *http.Request, body []byte) {
	http.Error(w, `{"message":"control API not available"}`, http.StatusNotFound)
}
