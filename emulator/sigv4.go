package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// sigV4 is what the emulator reads from a SigV4-signed request.
type sigV4 struct {
	accessKey     string
	date          string // yyyymmdd from the credential scope
	region        string
	service       string
	signedHeaders []string
	signature     string
	amzDate       string // X-Amz-Date
	presigned     bool
}

// parseSigV4 reads the Authorization header or the presigned query
// parameters. ok is false for unsigned requests; err is set for requests that
// try to sign but are malformed.
func parseSigV4(r *http.Request) (sig *sigV4, ok bool, err *awsError) {
	if auth := r.Header.Get("Authorization"); auth != "" {
		const algo = "AWS4-HMAC-SHA256 "
		if !strings.HasPrefix(auth, algo) {
			return nil, false, errIncompleteSignature("Authorization header requires the AWS4-HMAC-SHA256 algorithm")
		}
		s := &sigV4{amzDate: r.Header.Get("X-Amz-Date")}
		for part := range strings.SplitSeq(auth[len(algo):], ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
			switch k {
			case "Credential":
				if !s.setCredential(v) {
					return nil, false, errIncompleteSignature("Authorization header has a malformed Credential: " + v)
				}
			case "SignedHeaders":
				s.signedHeaders = strings.Split(v, ";")
			case "Signature":
				s.signature = v
			}
		}
		if s.accessKey == "" || s.signature == "" || len(s.signedHeaders) == 0 {
			return nil, false, errIncompleteSignature("Authorization header requires Credential, SignedHeaders and Signature")
		}
		return s, true, nil
	}
	q := r.URL.Query()
	if q.Get("X-Amz-Algorithm") == "" {
		return nil, false, nil
	}
	if q.Get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" {
		return nil, false, errIncompleteSignature("X-Amz-Algorithm must be AWS4-HMAC-SHA256")
	}
	s := &sigV4{
		presigned:     true,
		amzDate:       q.Get("X-Amz-Date"),
		signedHeaders: strings.Split(q.Get("X-Amz-SignedHeaders"), ";"),
		signature:     q.Get("X-Amz-Signature"),
	}
	if !s.setCredential(q.Get("X-Amz-Credential")) || s.signature == "" {
		return nil, false, errIncompleteSignature("presigned URL requires X-Amz-Credential, X-Amz-SignedHeaders and X-Amz-Signature")
	}
	return s, true, nil
}

// setCredential parses "AKID/20260101/us-east-1/backup/aws4_request".
func (s *sigV4) setCredential(v string) bool {
	parts := strings.Split(v, "/")
	if len(parts) != 5 || parts[4] != "aws4_request" || parts[0] == "" {
		return false
	}
	s.accessKey, s.date, s.region, s.service = parts[0], parts[1], parts[2], parts[3]
	return true
}

// verify recomputes the signature with secret. body is the request payload
// (nil when the payload hash comes from X-Amz-Content-Sha256).
func (s *sigV4) verify(r *http.Request, body []byte, secret string) bool {
	payloadHash := r.Header.Get("X-Amz-Content-Sha256")
	if s.presigned {
		// Presigned S3 URLs sign UNSIGNED-PAYLOAD; other services sign the
		// hash of the (usually empty) payload ("Authenticating requests:
		// using query parameters").
		payloadHash = r.URL.Query().Get("X-Amz-Content-Sha256")
		if payloadHash == "" && s.service == "s3" {
			payloadHash = "UNSIGNED-PAYLOAD"
		}
	}
	if payloadHash == "" {
		sum := sha256.Sum256(body)
		payloadHash = hex.EncodeToString(sum[:])
	}
	var canon strings.Builder
	canon.WriteString(r.Method)
	canon.WriteByte('\n')
	canon.WriteString(canonicalURI(r, s.service))
	canon.WriteByte('\n')
	canon.WriteString(canonicalQuery(r.URL.Query(), s.presigned))
	canon.WriteByte('\n')
	for _, h := range s.signedHeaders {
		canon.WriteString(h)
		canon.WriteByte(':')
		canon.WriteString(canonicalHeaderValue(r, h))
		canon.WriteByte('\n')
	}
	canon.WriteByte('\n')
	canon.WriteString(strings.Join(s.signedHeaders, ";"))
	canon.WriteByte('\n')
	canon.WriteString(payloadHash)

	scope := s.date + "/" + s.region + "/" + s.service + "/aws4_request"
	crHash := sha256.Sum256([]byte(canon.String()))
	toSign := "AWS4-HMAC-SHA256\n" + s.amzDate + "\n" + scope + "\n" + hex.EncodeToString(crHash[:])
	key := hmacSHA256([]byte("AWS4"+secret), s.date)
	key = hmacSHA256(key, s.region)
	key = hmacSHA256(key, s.service)
	key = hmacSHA256(key, "aws4_request")
	want := hex.EncodeToString(hmacSHA256(key, toSign))
	return hmac.Equal([]byte(want), []byte(s.signature))
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// canonicalURI follows SigV4: every service but S3 encodes the already
// escaped path a second time.
func canonicalURI(r *http.Request, service string) string {
	p := r.URL.EscapedPath()
	if p == "" {
		return "/"
	}
	if service == "s3" {
		return p
	}
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		segs[i] = sigEscape(seg)
	}
	return strings.Join(segs, "/")
}

func canonicalQuery(q url.Values, presigned bool) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		if presigned && k == "X-Amz-Signature" {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vals := append([]string(nil), q[k]...)
		sort.Strings(vals)
		for _, v := range vals {
			parts = append(parts, sigEscape(k)+"="+sigEscape(v))
		}
	}
	return strings.Join(parts, "&")
}

func canonicalHeaderValue(r *http.Request, name string) string {
	if name == "host" {
		return r.Host
	}
	if name == "content-length" {
		if v := r.Header.Get("Content-Length"); v != "" {
			return v
		}
		return strings.TrimSpace(itoa(r.ContentLength))
	}
	vals := r.Header.Values(name)
	for i, v := range vals {
		vals[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(vals, ",")
}

// sigEscape is SigV4's URI encoding: unreserved characters stay, everything
// else is %XX in upper case.
func sigEscape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}
