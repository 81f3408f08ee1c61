package emulator

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Transport returns an http.RoundTripper that hands each request straight
// to the server's handler in this process: no socket, no connection, no
// second goroutine. The server need not listen. Requests and answers are
// the same bytes as over HTTP (the handler sees what net/http's server
// would give it), so any client works through it; a response a fault
// loses fails the round trip as a closed connection would. Use it to
// embed the emulator where loopback HTTP costs more than the work itself.
func (s *Server) Transport() http.RoundTripper { return inProcess{s} }

// InProcessConfig is Config with Transport as the HTTP client's transport:
// every call stays in this process.
func (s *Server) InProcessConfig(account, region string) aws.Config {
	cfg := s.Config(account, region)
	if cfg.BaseEndpoint == nil || *cfg.BaseEndpoint == "" {
		cfg.BaseEndpoint = aws.String("http://127.0.0.1")
	}
	cfg.HTTPClient = &http.Client{Transport: s.Transport()}
	return cfg
}

type inProcess struct{ s *Server }

func (t inProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	// A shallow copy: the handler reads the request's header and URL and
	// never writes them, so they need no copy (Request.Clone's deep copy
	// was a tenth of a simple request's allocations).
	r := new(http.Request)
	*r = *req
	if r.Body == nil {
		r.Body = http.NoBody
	}
	if r.Host == "" {
		r.Host = req.URL.Host
	}
	r.RequestURI = req.URL.RequestURI()
	r.RemoteAddr = "127.0.0.1:1"
	r.Proto, r.ProtoMajor, r.ProtoMinor = "HTTP/1.1", 1, 1
	w := &memResponse{header: http.Header{}}
	t.s.ServeHTTP(w, r)
	if req.Body != nil {
		_ = req.Body.Close()
	}
	if w.lost {
		// What net/http's transport reports when the server closes
		// the connection without an answer.
		return nil, io.EOF
	}
	if w.code == 0 {
		w.code = http.StatusOK
	}
	body := w.body.Bytes()
	if w.header.Get("Content-Length") == "" {
		w.header.Set("Content-Length", strconv.Itoa(len(body)))
	}
	return &http.Response{
		Status: strconv.Itoa(w.code) + " " + http.StatusText(w.code), StatusCode: w.code,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: w.header, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)),
		Request: req,
	}, nil
}

// memResponse is the http.ResponseWriter of an in-process round trip.
type memResponse struct {
	header http.Header
	code   int
	body   bytes.Buffer
	lost   bool
}

func (w *memResponse) Header() http.Header { return w.header }

func (w *memResponse) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

func (w *memResponse) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.body.Write(b)
}

// Hijack lets a fault drop the response: closing the returned connection
// loses it.
func (w *memResponse) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return lostConn{w}, nil, nil
}

// lostConn is a hijacked in-process connection; only Close is meaningful.
type lostConn struct{ w *memResponse }

func (c lostConn) Close() error                   { c.w.lost = true; return nil }
func (lostConn) Read([]byte) (int, error)         { return 0, io.EOF }
func (c lostConn) Write(b []byte) (int, error)    { c.w.lost = true; return len(b), nil }
func (lostConn) LocalAddr() net.Addr              { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }
func (lostConn) RemoteAddr() net.Addr             { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }
func (lostConn) SetDeadline(time.Time) error      { return nil }
func (lostConn) SetReadDeadline(time.Time) error  { return nil }
func (lostConn) SetWriteDeadline(time.Time) error { return nil }
