package emulator

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/smithy-go"
)

// Call is one API request as the emulator sees it. Handlers and hooks
// receive it with the server's lock held.
type Call struct {
	// Service is the SigV4 signing name ("backup", "organizations", ...).
	Service string
	// Operation is the API operation name ("CreateBackupVault").
	Operation string
	// Account is the caller's account ID.
	Account string
	// Region is the region from the credential scope.
	Region string
	// Caller is the authenticated principal.
	Caller Principal
	// RequestID is the request ID returned to the caller.
	RequestID string

	srv *Server
	req *http.Request
}

// Principal is the identity behind a request.
type Principal struct {
	// Account is the principal's account ID.
	Account string
	// ARN is the principal's ARN: arn:aws:iam::ACCOUNT:root for account
	// keys, arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION for sessions.
	ARN string
	// UserID is the unique ID GetCallerIdentity reports.
	UserID string
	// RoleARN is the assumed role's ARN, empty for account keys.
	RoleARN string
	// SessionName is the role session name, empty for account keys.
	SessionName string

	// session is what a role session carries into the request context of
	// its calls (MFA, session tags, source identity, issue time); nil for
	// long-term keys. A pointer keeps Principal comparable.
	session *sessionContext
}

// session is a set of temporary credentials issued by STS.
type session struct {
	accessKey, secret, token string
	principal                Principal
	expires                  time.Time // wall-clock: SDK credential caches use real time
}

// maxBody bounds request bodies; S3 objects are the only large payloads.
const maxBody = 64 << 20

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		http.Error(w, "request body too large or unreadable", http.StatusRequestEntityTooLarge)
		return
	}
	if strings.HasPrefix(r.URL.Path, controlPrefix) {
		s.serveControl(w, r, body)
		return
	}
	sig, signed, perr := parseSigV4(r)
	svc := s.guessService(r, sig, body)
	requestID := s.nextRequestID()
	if perr != nil {
		svc.writeError(w, requestID, perr)
		return
	}
	if !signed && !isUnsignedAllowed(svc, r, body) {
		svc.writeError(w, requestID, errMissingAuth())
		return
	}

	c := &Call{Service: svc.name, RequestID: requestID, srv: s, req: r}
	if signed {
		c.Region = sig.region
	}
	if c.Region == "" {
		c.Region = "us-east-1"
	}

	if svc.serveRaw != nil {
		s.mu.Lock()
		p, aerr := s.authenticateLocked(r, sig, body)
		s.mu.Unlock()
		if aerr != nil {
			svc.writeError(w, requestID, aerr)
			return
		}
		c.Caller, c.Account = p, p.Account
		// serveRaw names the operation, then calls applyFaults.
		svc.serveRaw(c, w, r, body)
		return
	}

	op, decode, okStatus, ferr := svc.findOperation(r, body)
	if ferr != nil {
		if signed {
			if err := s.scpForUnemulated(c, svc, r, sig, body); err != nil {
				svc.writeError(w, requestID, err)
				return
			}
		}
		svc.writeError(w, requestID, ferr)
		return
	}
	c.Operation = op.name

	s.mu.RLock() // authentication only reads
	var out smithy.Serializable
	if signed {
		var p Principal
		p, err = s.authenticateLocked(r, sig, body)
		c.Caller, c.Account = p, p.Account
	}
	s.mu.RUnlock()
	if err == nil {
		err = s.applyFaults(c)
	}
	if err == nil {
		out, err = s.invoke(c, op, decode)
	}

	s.logger.Debug("emulator call", "service", c.Service, "operation", c.Operation, "account", c.Account, "region", c.Region, "err", err)
	if err != nil {
		svc.writeError(w, requestID, err)
		return
	}
	if s.loseResponse(c) {
		dropResponse(w, svc, requestID)
		return
	}
	svc.writeResponse(w, c, out, okStatus)
}

// invoke runs the hooks and op under the server's lock: shared for a
// read-only operation when no hook is registered (hooks may change state),
// exclusive otherwise.
func (s *Server) invoke(c *Call, op *operation, decode func(any) error) (smithy.Serializable, error) {
	// Reads share the lock, unless hooks run or service control policies
	// bind the caller: their evaluation is kept exclusive, as it reads
	// much of the organization's state.
	if op.readOnly {
		s.mu.RLock()
		if len(s.hooks) == 0 && !s.scpAppliesLocked(c.Caller) {
			defer s.mu.RUnlock()
			return op.invoke(c, s.authzDecoder(c, decode))
		}
		s.mu.RUnlock()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.runHooksLocked(c); err != nil {
		return nil, err
	}
	return op.invoke(c, s.authzDecoder(c, decode))
}

// guessService picks the service from the credential scope, or for unsigned
// and malformed requests from the request's shape.
func (s *Server) guessService(r *http.Request, sig *sigV4, body []byte) *service {
	if sig != nil {
		if svc := s.services[sig.service]; svc != nil {
			return svc
		}
	}
	if strings.Contains(r.Header.Get("Content-Type"), "x-www-form-urlencoded") {
		if form, err := url.ParseQuery(string(body)); err == nil && strings.HasPrefix(form.Get("Action"), "AssumeRoleWith") {
			return s.services["sts"]
		}
	}
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		prefix, _, _ := strings.Cut(t, ".")
		for _, svc := range s.services {
			if svc.target == prefix && svc.protocol == awsJSON11 {
				return svc
			}
		}
	}
	if svc := s.services["backup"]; svc != nil && sig == nil {
		return svc
	}
	return &service{name: "unknown", protocol: awsJSON11}
}

// isUnsignedAllowed admits the STS operations that AWS accepts unsigned.
func isUnsignedAllowed(svc *service, r *http.Request, body []byte) bool {
	if svc.name != "sts" {
		return false
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return false
	}
	a := form.Get("Action")
	return a == "AssumeRoleWithWebIdentity" || a == "AssumeRoleWithSAML"
}

// authenticateLocked maps the access key to a principal and verifies the
// signature of emulator-issued credentials.
func (s *Server) authenticateLocked(r *http.Request, sig *sigV4, body []byte) (Principal, error) {
	if sig == nil {
		return Principal{}, errMissingAuth()
	}
	if sess, ok := s.sessions[sig.accessKey]; ok {
		if !sig.verify(r, body, sess.secret) {
			return Principal{}, errSignatureDoesNotMatch()
		}
		tok := r.Header.Get("X-Amz-Security-Token")
		if sig.presigned {
			tok = r.URL.Query().Get("X-Amz-Security-Token")
		}
		if tok != sess.token {
			return Principal{}, s.authErr(sig, errInvalidClientTokenID())
		}
		if time.Now().After(sess.expires) {
			return Principal{}, s.authErr(sig, errExpiredToken())
		}
		return sess.principal, nil
	}
	if strings.HasPrefix(sig.accessKey, "ASIA") {
		// Looks like an emulator session key that was never issued.
		return Principal{}, s.authErr(sig, errInvalidClientTokenID())
	}
	account := sig.accessKey
	if !isAccountID(account) {
		if !s.opts.AnyAccessKey {
			return Principal{}, s.authErr(sig, errInvalidClientTokenID())
		}
		account = s.opts.DefaultAccount
	}
	return rootPrincipal(account), nil
}

// authErr names authentication errors the way the service's protocol does:
// the query protocols (STS, IAM, SNS) call an unknown key
// InvalidClientTokenId and an expired session ExpiredToken.
func (s *Server) authErr(sig *sigV4, e *awsError) *awsError {
	if svc := s.services[sig.service]; svc == nil || svc.protocol != awsQuery {
		return e
	}
	out := *e
	switch e.Code {
	case "UnrecognizedClientException":
		out.Code = "InvalidClientTokenId"
	case "ExpiredTokenException":
		out.Code = "ExpiredToken"
	}
	return &out
}

func rootPrincipal(account string) Principal {
	return Principal{Account: account, ARN: "arn:aws:iam::" + account + ":root", UserID: account}
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (s *Server) runHooksLocked(c *Call) error {
	for _, h := range s.hooks {
		if err := h(c); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) nextRequestID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ids.uuid()
}

// issueSessionLocked creates temporary credentials for p valid for d.
func (s *Server) issueSessionLocked(p Principal, d time.Duration) *session {
	sess := &session{
		accessKey: "ASIA" + s.ids.upper(16),
		secret:    s.ids.alnum(40),
		token:     "FwoGZXIvYXdzE" + s.ids.alnum(100),
		principal: p,
		expires:   time.Now().Add(d),
	}
	s.sessions[sess.accessKey] = sess
	return sess
}

func (c *Call) String() string {
	return fmt.Sprintf("%s:%s %s/%s", c.Service, c.Operation, c.Account, c.Region)
}
