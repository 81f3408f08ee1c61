package emulator

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"hash/crc32"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// s3State holds every bucket; bucket names are global.
type s3State struct {
	buckets map[string]*s3Bucket
}

// s3Bucket is one bucket.
type s3Bucket struct {
	name, owner, region string
	created             time.Time
	policy              string // "" when none
	encryption          *s3EncryptionRule
	publicAccessBlock   *s3PublicAccessBlock
	versioning          string // "", "Enabled" or "Suspended"
	mfaDelete           string
	tags                map[string]string // nil when the bucket has no tag set
	sizeBytes           int64             // workload size set by AddResource
	kmsKeyARN           string            // workload encryption key set by AddResource
	everTagged          bool              // is or ever was tagged (Tagging API GetResources)
	uploads             map[string]*s3Upload
	objects             map[string]*s3Object
}

// s3Object is the current version of one object.
type s3Object struct {
	key         string
	data        []byte
	etag        string // quoted hex MD5
	contentType string
	meta        map[string]string // x-amz-meta-* (lower-case names without the prefix)
	modified    time.Time
	sse, kmsKey string
}

func newS3State() *s3State { return &s3State{buckets: map[string]*s3Bucket{}} }

const (
	s3XMLNS           = "http://s3.amazonaws.com/doc/2006-03-01/"
	s3MaxKeys         = 1000
	s3MaxTags         = 50
	s3DefaultRegion   = "us-east-1"
	s3DefaultSSE      = "AES256"
	s3StreamingPrefix = "STREAMING-"
)

func (s *Server) s3Service() *service {
	svc := newService("s3", restXML, nil, nil, nil)
	svc.serveRaw = s.serveS3
	svc.rawOperations = s3ImplementedOperations
	return svc
}

// s3Error is an S3 error response.
type s3Error struct {
	status        int
	code, message string
	bucket, key   string
}

func (e *s3Error) Error() string { return e.code + ": " + e.message }

func s3Err(status int, code, msg string) *s3Error {
	return &s3Error{status: status, code: code, message: msg}
}

// Error codes and messages from the S3 API Reference, "Error responses".
func s3NoSuchBucket(b string) *s3Error {
	return &s3Error{status: 404, code: "NoSuchBucket", message: "The specified bucket does not exist", bucket: b}
}
func s3AccessDenied() *s3Error { return s3Err(403, "AccessDenied", "Access Denied") }
func s3MalformedXML() *s3Error {
	return s3Err(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
}
func s3NotImplemented(what string) *s3Error {
	return s3Err(501, "NotImplemented", "orgbackup emulator: S3 "+what+" is not implemented")
}

// s3Request is one parsed S3 request.
type s3Request struct {
	c      *Call
	w      http.ResponseWriter
	r      *http.Request
	body   []byte
	q      url.Values
	bucket string
	key    string
}

// serveS3 routes a path-style S3 request: /, /BUCKET, /BUCKET/KEY, with
// sub-resources selected by query flags.
func (s *Server) serveS3(c *Call, w http.ResponseWriter, r *http.Request, body []byte) {
	req := &s3Request{c: c, w: w, r: r, body: body, q: r.URL.Query()}
	path := strings.TrimPrefix(r.URL.Path, "/")
	req.bucket, req.key, _ = strings.Cut(path, "/")
	op, handler := s.s3Route(req)
	c.Operation = op
	if err := s.applyFaults(c); err != nil {
		s.writeS3Error(req, err)
		return
	}

	s.mu.Lock()
	err := s.runHooksLocked(c)
	if err == nil && s.scpAppliesLocked(c.Caller) {
		err = s.authorizeSCPLocked(c, s3Action(op), []string{s3ResourceARN(req.bucket, req.key)}, nil)
	}
	var resp *s3Response
	if err == nil {
		if handler == nil {
			err = s3NotImplemented(r.Method + " " + r.URL.RequestURI())
		} else {
			resp, err = handler(req)
		}
	}
	s.mu.Unlock()

	s.logger.Debug("emulator call", "service", "s3", "operation", op, "account", c.Account, "region", c.Region, "err", err)
	if err != nil {
		s.writeS3Error(req, err)
		return
	}
	resp.write(w, c, r.Method == http.MethodHead)
}

type s3Handler func(*s3Request) (*s3Response, error)

// s3Route is the S3 routing table.
func (s *Server) s3Route(req *s3Request) (string, s3Handler) {
	m, q := req.r.Method, req.q
	if req.bucket == "" {
		if m == http.MethodGet {
			return "ListBuckets", s.s3ListBuckets
		}
		return "Unknown", nil
	}
	if req.key == "" {
		type sub struct {
			flag string
			ops  map[string]string
			h    map[string]s3Handler
		}
		for _, sr := range []sub{
			{"policy", map[string]string{"PUT": "PutBucketPolicy", "GET": "GetBucketPolicy", "DELETE": "DeleteBucketPolicy"}, map[string]s3Handler{"PUT": s.s3PutBucketPolicy, "GET": s.s3GetBucketPolicy, "DELETE": s.s3DeleteBucketPolicy}},
			{"encryption", map[string]string{"PUT": "PutBucketEncryption", "GET": "GetBucketEncryption", "DELETE": "DeleteBucketEncryption"}, map[string]s3Handler{"PUT": s.s3PutBucketEncryption, "GET": s.s3GetBucketEncryption, "DELETE": s.s3DeleteBucketEncryption}},
			{"publicAccessBlock", map[string]string{"PUT": "PutPublicAccessBlock", "GET": "GetPublicAccessBlock", "DELETE": "DeletePublicAccessBlock"}, map[string]s3Handler{"PUT": s.s3PutPublicAccessBlock, "GET": s.s3GetPublicAccessBlock, "DELETE": s.s3DeletePublicAccessBlock}},
			{"versioning", map[string]string{"PUT": "PutBucketVersioning", "GET": "GetBucketVersioning"}, map[string]s3Handler{"PUT": s.s3PutBucketVersioning, "GET": s.s3GetBucketVersioning}},
			{"tagging", map[string]string{"PUT": "PutBucketTagging", "GET": "GetBucketTagging", "DELETE": "DeleteBucketTagging"}, map[string]s3Handler{"PUT": s.s3PutBucketTagging, "GET": s.s3GetBucketTagging, "DELETE": s.s3DeleteBucketTagging}},
			{"location", map[string]string{"GET": "GetBucketLocation"}, map[string]s3Handler{"GET": s.s3GetBucketLocation}},
		} {
			if q.Has(sr.flag) {
				if op, ok := sr.ops[m]; ok {
					return op, sr.h[m]
				}
				return "Unknown", nil
			}
		}
		for _, flag := range []string{"acl", "cors", "lifecycle", "logging", "notification", "replication", "website", "ownershipControls", "object-lock", "uploads", "versions", "delete", "inventory", "metrics", "analytics", "accelerate", "requestPayment", "intelligent-tiering", "policyStatus"} {
			if q.Has(flag) {
				return "Unknown", nil
			}
		}
		switch m {
		case http.MethodPut:
			return "CreateBucket", s.s3CreateBucket
		case http.MethodHead:
			return "HeadBucket", s.s3HeadBucket
		case http.MethodDelete:
			return "DeleteBucket", s.s3DeleteBucket
		case http.MethodGet:
			if q.Get("list-type") == "2" {
				return "ListObjectsV2", s.s3ListObjectsV2
			}
			return "ListObjects", nil
		}
		return "Unknown", nil
	}
	if q.Has("uploads") && m == http.MethodPost {
		return "CreateMultipartUpload", s.s3CreateMultipartUpload
	}
	if q.Has("uploadId") {
		switch {
		case m == http.MethodPut && q.Has("partNumber") && req.r.Header.Get("X-Amz-Copy-Source") == "":
			return "UploadPart", s.s3UploadPart
		case m == http.MethodPost:
			return "CompleteMultipartUpload", s.s3CompleteMultipartUpload
		case m == http.MethodDelete:
			return "AbortMultipartUpload", s.s3AbortMultipartUpload
		}
		return "Unknown", nil
	}
	for _, flag := range []string{"acl", "tagging", "uploads", "retention", "legal-hold", "attributes", "restore", "torrent", "versionId"} {
		if q.Has(flag) {
			return "Unknown", nil
		}
	}
	switch m {
	case http.MethodPut:
		if req.r.Header.Get("X-Amz-Copy-Source") != "" {
			return "CopyObject", nil
		}
		return "PutObject", s.s3PutObject
	case http.MethodGet:
		return "GetObject", s.s3GetObject
	case http.MethodHead:
		return "HeadObject", s.s3GetObject
	case http.MethodDelete:
		return "DeleteObject", s.s3DeleteObject
	}
	return "Unknown", nil
}

// s3Response is a successful response.
type s3Response struct {
	status int
	header map[string]string
	body   []byte
	xml    any // marshalled when body is nil
}

func (resp *s3Response) write(w http.ResponseWriter, c *Call, head bool) {
	body := resp.body
	if body == nil && resp.xml != nil {
		out, err := xml.Marshal(resp.xml)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		body = append([]byte(xml.Header), out...)
		w.Header().Set("Content-Type", "application/xml")
	}
	for k, v := range resp.header {
		w.Header().Set(k, v)
	}
	w.Header().Set("X-Amz-Request-Id", c.RequestID)
	w.Header().Set("X-Amz-Id-2", base64.StdEncoding.EncodeToString([]byte(c.RequestID)))
	if w.Header().Get("Content-Length") == "" {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	}
	status := resp.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	if !head && status != http.StatusNoContent {
		w.Write(body)
	}
}

// writeS3Error writes <Error><Code/><Message/>[<BucketName/>][<Key/>]
// <RequestId/><HostId/></Error>; HEAD responses carry no body.
func (s *Server) writeS3Error(req *s3Request, err error) {
	e, ok := err.(*s3Error)
	if !ok {
		info := s.services["s3"].errorInfo(err)
		e = &s3Error{status: info.status, code: info.code, message: info.message}
	}
	w := req.w
	w.Header().Set("X-Amz-Request-Id", req.c.RequestID)
	if req.r.Method == http.MethodHead {
		w.WriteHeader(e.status)
		return
	}
	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString("<Error><Code>" + xmlEscape(e.code) + "</Code><Message>" + xmlEscape(e.message) + "</Message>")
	if e.bucket != "" {
		b.WriteString("<BucketName>" + xmlEscape(e.bucket) + "</BucketName>")
	}
	if e.key != "" {
		b.WriteString("<Key>" + xmlEscape(e.key) + "</Key>")
	}
	b.WriteString("<RequestId>" + req.c.RequestID + "</RequestId><HostId>" + base64.StdEncoding.EncodeToString([]byte(req.c.RequestID)) + "</HostId></Error>")
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(e.status)
	io.WriteString(w, b.String())
}

// s3ValidBucketName applies "Bucket naming rules" (general purpose buckets).
func s3ValidBucketName(n string) bool {
	if len(n) < 3 || len(n) > 63 {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	isAlnum := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
	if !isAlnum(n[0]) || !isAlnum(n[len(n)-1]) || strings.Contains(n, "..") || net.ParseIP(n) != nil {
		return false
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(n, p) {
			return false
		}
	}
	for _, sfx := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(n, sfx) {
			return false
		}
	}
	return true
}

// s3BucketForLocked finds the request's bucket and checks that the caller
// may perform action on resource (the bucket, or bucket/key): the owner
// account may unless the bucket policy explicitly denies; other accounts
// need the bucket policy's Allow.
func (s *Server) s3BucketForLocked(req *s3Request, action string) (*s3Bucket, error) {
	b := s.s3.buckets[req.bucket]
	if b == nil {
		return nil, s3NoSuchBucket(req.bucket)
	}
	resource := "arn:aws:s3:::" + b.name
	if req.key != "" {
		resource += "/" + req.key
	}
	if !s.s3AllowedLocked(b, req.c.Caller, action, resource) {
		return nil, s3AccessDenied()
	}
	return b, nil
}

func (s *Server) s3AllowedLocked(b *s3Bucket, p Principal, action, resource string) bool {
	d := decisionImplicitDeny
	if b.policy != "" {
		var err error
		d, err = evalPolicy(b.policy, policyResource, policyRequest{
			Principal: &policyPrincipal{Account: p.Account, ARN: p.ARN, RoleARN: p.RoleARN},
			Action:    action,
			Resource:  resource,
			Context:   s.s3ContextLocked(p),
		})
		if err != nil {
			d = decisionImplicitDeny
		}
	}
	if d == decisionDeny {
		return false
	}
	return p.Account == b.owner || d == decisionAllow
}

func readXML(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return s3MalformedXML()
	}
	if err := xml.Unmarshal(body, v); err != nil {
		return s3MalformedXML()
	}
	return nil
}

type s3CreateBucketConfiguration struct {
	XMLName            xml.Name `xml:"CreateBucketConfiguration"`
	LocationConstraint string   `xml:"LocationConstraint"`
	// Tags are the bucket's tags, set at creation (CreateBucketConfiguration.Tags
	// in the S3 API Reference, for general purpose buckets).
	Tags []s3Tag `xml:"Tags>Tag"`
}

func (s *Server) s3CreateBucket(req *s3Request) (*s3Response, error) {
	c := req.c
	if !s3ValidBucketName(req.bucket) {
		return nil, &s3Error{status: 400, code: "InvalidBucketName", message: "The specified bucket is not valid.", bucket: req.bucket}
	}
	var cfg s3CreateBucketConfiguration
	if len(bytes.TrimSpace(req.body)) > 0 {
		if err := readXML(req.body, &cfg); err != nil {
			return nil, err
		}
	}
	// CreateBucket, LocationConstraint: us-east-1 takes none; every other
	// region requires its own name.
	switch lc := cfg.LocationConstraint; {
	case c.Region == s3DefaultRegion && lc == s3DefaultRegion:
		return nil, s3Err(400, "InvalidLocationConstraint", "The specified location-constraint is not valid")
	case c.Region == s3DefaultRegion && lc != "":
		return nil, s3Err(400, "IllegalLocationConstraintException", "The "+lc+" location constraint is incompatible for the region specific endpoint this request was sent to.")
	case c.Region != s3DefaultRegion && lc == "":
		return nil, s3Err(400, "IllegalLocationConstraintException", "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.")
	case c.Region != s3DefaultRegion && lc != c.Region:
		return nil, s3Err(400, "IllegalLocationConstraintException", "The "+lc+" location constraint is incompatible for the region specific endpoint this request was sent to.")
	}
	if b := s.s3.buckets[req.bucket]; b != nil {
		if b.owner != c.Account {
			return nil, &s3Error{status: 409, code: "BucketAlreadyExists", message: "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.", bucket: req.bucket}
		}
		if b.region == s3DefaultRegion && c.Region == s3DefaultRegion {
			// "For legacy compatibility, if you re-create an existing
			// bucket that you already own in the North Virginia Region,
			// Amazon S3 returns 200 OK" (CreateBucket).
			return &s3Response{header: map[string]string{"Location": "/" + b.name}}, nil
		}
		return nil, &s3Error{status: 409, code: "BucketAlreadyOwnedByYou", message: "Your previous request to create the named bucket succeeded and you already own it.", bucket: req.bucket}
	}
	tags := map[string]string{}
	for _, t := range cfg.Tags {
		tags[t.Key] = t.Value
	}
	if len(tags) != len(cfg.Tags) || len(tags) > s3MaxTags {
		return nil, s3Err(400, "InvalidTag", "Cannot provide multiple Tags with the same key")
	}
	b := s.s3NewBucketLocked(req.bucket, c.Account, c.Region)
	if len(tags) > 0 {
		b.tags, b.everTagged = tags, true
	}
	return &s3Response{header: map[string]string{"Location": "/" + b.name}}, nil
}

// s3NewBucketLocked creates a bucket with the settings S3 gives new buckets.
func (s *Server) s3NewBucketLocked(name, account, region string) *s3Bucket {
	b := &s3Bucket{
		name: name, owner: account, region: region, created: s.now, objects: map[string]*s3Object{}, uploads: map[string]*s3Upload{},
		// New buckets have SSE-S3 default encryption (since January 2023)
		// and all Block Public Access settings on (since April 2023).
		encryption:        &s3EncryptionRule{Default: &s3SSEDefault{SSEAlgorithm: s3DefaultSSE}, BucketKeyEnabled: false},
		publicAccessBlock: &s3PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true},
	}
	s.s3.buckets[name] = b
	return b
}

func (s *Server) s3HeadBucket(req *s3Request) (*s3Response, error) {
	b, err := s.s3BucketForLocked(req, "s3:ListBucket")
	if err != nil {
		return nil, err
	}
	return &s3Response{header: map[string]string{"X-Amz-Bucket-Region": b.region}}, nil
}

func (s *Server) s3DeleteBucket(req *s3Request) (*s3Response, error) {
	b, err := s.s3BucketForLocked(req, "s3:DeleteBucket")
	if err != nil {
		return nil, err
	}
	if len(b.objects) > 0 {
		return nil, &s3Error{status: 409, code: "BucketNotEmpty", message: "The bucket you tried to delete is not empty", bucket: b.name}
	}
	delete(s.s3.buckets, b.name)
	return &s3Response{status: http.StatusNoContent}, nil
}

type s3Owner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName,omitempty"`
}

type s3ListAllMyBucketsResult struct {
	XMLName xml.Name `xml:"ListAllMyBucketsResult"`
	XMLNS   string   `xml:"xmlns,attr"`
	Owner   s3Owner  `xml:"Owner"`
	Buckets []struct {
		Name         string `xml:"Name"`
		CreationDate string `xml:"CreationDate"`
		BucketRegion string `xml:"BucketRegion"`
	} `xml:"Buckets>Bucket"`
}

func (s *Server) s3ListBuckets(req *s3Request) (*s3Response, error) {
	out := s3ListAllMyBucketsResult{XMLNS: s3XMLNS, Owner: s3Owner{ID: s3CanonicalID(req.c.Account)}}
	for _, name := range kmsSortedTagKeys(s.s3.buckets) {
		b := s.s3.buckets[name]
		if b.owner != req.c.Account {
			continue
		}
		out.Buckets = append(out.Buckets, struct {
			Name         string `xml:"Name"`
			CreationDate string `xml:"CreationDate"`
			BucketRegion string `xml:"BucketRegion"`
		}{b.name, s3Time(b.created), b.region})
	}
	return &s3Response{xml: out}, nil
}

// s3CanonicalID derives a stable 64-hex canonical user ID for an account.
func s3CanonicalID(account string) string {
	sum := md5.Sum([]byte("orgbackup-canonical-" + account))
	return strings.Repeat(hex.EncodeToString(sum[:]), 2)
}

func s3Time(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func (s *Server) s3GetBucketLocation(req *s3Request) (*s3Response, error) {
	b, err := s.s3BucketForLocked(req, "s3:GetBucketLocation")
	if err != nil {
		return nil, err
	}
	lc := b.region
	if lc == s3DefaultRegion {
		lc = "" // GetBucketLocation: us-east-1 buckets have a null constraint.
	}
	return &s3Response{body: []byte(xml.Header + `<LocationConstraint xmlns="` + s3XMLNS + `">` + lc + `</LocationConstraint>`), header: map[string]string{"Content-Type": "application/xml"}}, nil
}

// Bucket policy.

func (s *Server) s3PutBucketPolicy(req *s3Request) (*s3Response, error) {
	b, err := s.s3BucketForLocked(req, "s3:PutBucketPolicy")
	if err != nil {
		return nil, err
	}
	doc := string(req.body)
	if _, err := parsePolicy(doc, policyResource); err != nil {
		return nil, &s3Error{status: 400, code: "MalformedPolicy", message: err.Error(), bucket: b.name}
	}
	b.policy = doc
	return &s3Response{status: http.StatusNoContent}, nil
}

func (s *Server) s3GetBucketPolicy(req *s3Request) (*s3Response, error) {
	b, err := s.s3BucketForLocked(req, "s3:GetBucketPolicy")
	if err != nil {
		return nil, err
	}
	if b.policy == "" {
		return nil, &s3Error{status: 404, code: "NoSuchBucketPolicy", message: "The bucket policy does not exist", bucket: b.name}
	}
	return &s3Response{body: []byte(b.policy), header: map[string]string{"Content-Type": "application/json"}}, nil
}

func (s *Server) s3DeleteBucketPolicy(req *s3Request) (*s3Response, error) {
	b, err := s.s3BucketForLocked(req, "s3:DeleteBucketPolicy")
	if err != nil {
		return nil, err
	}
	b.policy = ""
	return &s3Response{status: http.StatusNoContent}, nil
}

// Default encryption.

type s3SSEDefault struct {
	SSEAlgorithm   string `xml:"SSEAlgorithm"`
	KMSMasterKeyID string `xml:"KMSMasterKeyID,omitempty"`
}

type s3EncryptionRule struct {
	Default          *s3SSEDefault `xml:"ApplyServerSideEncryptionByDefault"`
	BucketKeyEnabled bool          `xml:"BucketKeyEnabled"`
}

type s3EncryptionConfiguration struct {
	XMLName xml.Name           `xml:"ServerSideEncryptionConfiguration"`
	XMLNS   string             `xml:"xmlns,attr,omitempty"`
	Rules   []s3EncryptionRule `xml:"Rule"`
}

func (s *Server) s3PutBucketEncryption(req *s3Request) (*s3Response, error) {
	b, err := s.s3BucketForLocked(req, "s3:PutEncryptionConfiguration")
	if err != nil {
		return nil, err
	}
	var cfg s3EncryptionConfiguration
	if err := readXML(req.body, &cfg); err != nil {
		return nil, err
	}
	if len(cfg.Rules) != 1 || cfg.Rules[0].Default == nil {
		return nil, s3MalformedXML()
	}
	d := cfg.Rules[0].Default
	switch d.SSEAlgorithm {
	case "AES256":
		if d.KMSMasterKeyID != "" {
			return nil, s3Err(400, "InvalidArgument", "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse")
		}
	case "aws:kms", "aws:kms:dsse":
	default:
		return nil, s3MalformedXML()
	}
	rule := cfg.Rules[0]
	b.encryption = &rule
	return &s3Response{}, nil
}

func (s *Server) s3GetBucketEncryption(req *s3Request) (*s3Response, error) {
	b, err := s.s3BucketForLocked(req, "s3:GetEncryptionConfiguration")
	if err != nil {
		return nil, err
	}
	if b.encryption == nil {
		return nil, &s3Error{status: 404, code: "ServerSideEncryptionConfigurationNotFoundError", message: "The server side encryption configuration was not found", bucket: b.name}
	}
	return &s3Response{xml: s3EncryptionConfiguration{XMLNS: s3XMLNS, Rules: []s3EncryptionRule{*b.encryption}}}, nil
}

func (s *Server) s3DeleteBucketEncryption(req *s3Request) (*s3Response, error) {
	b, err := s.s3BucketForLocked(req, "s3:PutEncryptionConfiguration")
	if err != nil {
		return nil, err
	}
	// DeleteBucketEncryption resets the bucket to SSE-S3 default encryption.
	b.encryption = &s3EncryptionRule{Default: &s3SSEDefault{SSEAlgorithm: s3DefaultSSE}}
	return &s3Response{status: http.StatusNoContent}, nil
}

// Block Public Access.

type s3PublicAccessBlock struct {
	XMLName               xml.Name `xml:"PublicAccessBlockConfiguration"`
	XMLNS                 string   `xml:"xmlns,attr,omitempty"`
	BlockPublicAcls       bool     `xml:"BlockPublicAcls"`
	IgnorePublicAcls      bool     `xml:"IgnorePublicAcls"`
	BlockPublicPolicy     bool     `xml:"BlockPublicPolicy"`
	RestrictPublicBuckets bool     `xml:"RestrictPublicBuckets"`
}

func (s *Server) s3PutPublicAccessBlock(req *s3Request) (*s3Response, error) {
	b, err := s.s3BucketForLocked(req, "s3:PutBucketPublicAccessBlock")
	if err != nil {
		return nil, err
	}
	var cfg s3PublicAccessBlock
	if err := readXML(req.body, &cfg); err != nil {
		return nil, err
	}
	cfg.XMLNS = ""
	b.publicAccessBlock = &cfg
	return &s3Response{}, nil
}

func (s *Server) s3GetPublicAccessBlock(req *s3Request) (*s3Response, error) {
	b, err := s.s3BucketForLocked(req, "s3:GetBucketPublicAccessBlock")
	if err != nil {
		return nil, err
	}
	if b.publicAccessBlock == nil {
		return nil, &s3Error{status: 404, code: "NoSuchPublicAccessBlockConfiguration", message: "The public access block configuration was not found", bucket: b.name}
	}
	cfg := *b.publicAccessBlock
	cfg.XMLNS = s3XMLNS
	return &s3Response{xml: cfg}, nil
}

func (s *Server) s3DeletePublicAccessBlock(req *s3Request) (*s3Response, error) {
	b, err := s.s3BucketForLocked(req, "s3:PutBucketPublicAccessBlock")
	if err != nil {
		return nil, err
	}
	b.publicAccessBlock = nil
	return &s3Response{status: http.StatusNoContent}, nil
}

// Versioning.

type s3VersioningConfiguration struct {
	XMLName   xml.Name `xml:"VersioningConfiguration"`
	XMLNS     string   `xml:"xmlns,attr,omitempty"`
	Status    string   `xml:"Status,omitempty"`
	MfaDelete string   `xml:"MfaDelete,omitempty"`
}

func (s *Server) s3PutBucketVersioning(req *s3Request) (*s3Response, error) {
	b, err := s.s3BucketForLocked(req, "s3:PutBucketVersioning")
	if err != nil {
		return nil, err
	}
	var cfg s3VersioningConfiguration
	if err := readXML(req.body, &cfg); err != nil {
		return nil, err
	}
	if (cfg.Status != "Enabled" && cfg.Status != "Suspended") || (cfg.MfaDelete != "" && cfg.MfaDelete != "Enabled" && cfg.MfaDelete != "Disabled") {
		return nil, s3Err(400, "IllegalVersioningConfigurationException", "The Versioning element must be specified")
	}
	if cfg.MfaDelete == "Enabled" && req.r.Header.Get("X-Amz-Mfa") == "" {
		return nil, s3Err(400, "InvalidRequest", "DevPay and Mfa are mutually exclusive authorization methods.")
	}
	b.versioning = cfg.Status
	if cfg.MfaDelete != "" {
		b.mfaDelete = cfg.MfaDelete
	}
	return &s3Response{}, nil
}

func (s *Server) s3GetBucketVersioning(req *s3Request) (*s3Response, error) {
	b, err := s.s3BucketForLocked(req, "s3:GetBucketVersioning")
	if err != nil {
		return nil, err
	}
	// A bucket that was never versioned returns an empty configuration.
	return &s3Response{xml: s3VersioningConfiguration{XMLNS: s3XMLNS, Status: b.versioning, MfaDelete: b.mfaDelete}}, nil
}

// Tagging.

type s3Tag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type s3Tagging struct {
	XMLName xml.Name `xml:"Tagging"`
	XMLNS   string   `xml:"xmlns,attr,omitempty"`
	TagSet  []s3Tag  `xml:"TagSet>Tag"`
}

func (s *Server) s3PutBucketTagging(req *s3Request) (*s3Response, error) {
	b, err := s.s3BucketForLocked(req, "s3:PutBucketTagging")
	if err != nil {
		return nil, err
	}
	var cfg s3Tagging
	if err := readXML(req.body, &cfg); err != nil {
		return nil, err
	}
	tags := map[string]string{}
	for _, t := range cfg.TagSet {
		if _, dup := tags[t.Key]; dup {
			return nil, s3Err(400, "InvalidTag", "Cannot provide multiple Tags with the same key")
		}
		if t.Key == "" || len(t.Key) > 128 || len(t.Value) > 256 {
			return nil, s3Err(400, "InvalidTag", "The TagKey you have provided is invalid")
		}
		if strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
			return nil, s3Err(400, "InvalidTag", "System tags cannot be added/updated by requester")
		}
		tags[t.Key] = t.Value
	}
	if len(tags) > s3MaxTags {
		return nil, s3Err(400, "BadRequest", "Bucket tag count cannot be greater than 50")
	}
	b.tags = tags
	b.everTagged = b.everTagged || len(tags) > 0
	return &s3Response{status: http.StatusNoContent}, nil
}

func (s *Server) s3GetBucketTagging(req *s3Request) (*s3Response, error) {
	b, err := s.s3BucketForLocked(req, "s3:GetBucketTagging")
	if err != nil {
		return nil, err
	}
	if len(b.tags) == 0 {
		return nil, &s3Error{status: 404, code: "NoSuchTagSet", message: "The TagSet does not exist", bucket: b.name}
	}
	out := s3Tagging{XMLNS: s3XMLNS}
	for _, k := range kmsSortedTagKeys(b.tags) {
		out.TagSet = append(out.TagSet, s3Tag{k, b.tags[k]})
	}
	return &s3Response{xml: out}, nil
}

func (s *Server) s3DeleteBucketTagging(req *s3Request) (*s3Response, error) {
	b, err := s.s3BucketForLocked(req, "s3:PutBucketTagging")
	if err != nil {
		return nil, err
	}
	b.tags = nil
	return &s3Response{status: http.StatusNoContent}, nil
}

// Objects.

// s3Payload returns the object bytes of a PutObject: decoding
// aws-chunked bodies (SigV4 streaming, signed or unsigned, with optional
// trailing checksums) and verifying Content-MD5 and CRC32 checksums.
func s3Payload(req *s3Request) ([]byte, error) {
	r := req.r
	data := req.body
	sha := r.Header.Get("X-Amz-Content-Sha256")
	trailers := map[string]string{}
	if strings.HasPrefix(sha, s3StreamingPrefix) || strings.Contains(r.Header.Get("Content-Encoding"), "aws-chunked") {
		var err error
		data, trailers, err = decodeAWSChunked(req.body)
		if err != nil {
			return nil, s3Err(400, "IncompleteBody", "The request body terminated unexpectedly")
		}
		if dl := r.Header.Get("X-Amz-Decoded-Content-Length"); dl != "" {
			if n, err := strconv.Atoi(dl); err != nil || n != len(data) {
				return nil, s3Err(400, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header")
			}
		}
	}
	if m := r.Header.Get("Content-MD5"); m != "" {
		want, err := base64.StdEncoding.DecodeString(m)
		if err != nil || len(want) != md5.Size {
			return nil, s3Err(400, "InvalidDigest", "The Content-MD5 you specified was invalid.")
		}
		got := md5.Sum(data)
		if !bytes.Equal(got[:], want) {
			return nil, s3Err(400, "BadDigest", "The Content-MD5 you specified did not match what we received.")
		}
	}
	crc := r.Header.Get("X-Amz-Checksum-Crc32")
	if v, ok := trailers["x-amz-checksum-crc32"]; ok {
		crc = v
	}
	if crc != "" {
		sum := crc32.ChecksumIEEE(data)
		got := base64.StdEncoding.EncodeToString([]byte{byte(sum >> 24), byte(sum >> 16), byte(sum >> 8), byte(sum)})
		if got != crc {
			return nil, s3Err(400, "BadDigest", "The CRC32 you specified did not match the calculated checksum.")
		}
	}
	return data, nil
}

// decodeAWSChunked decodes the aws-chunked content encoding: chunks of
// "hex-size[;chunk-signature=...]\r\n" + data + "\r\n", a zero-size chunk,
// then optional "name:value\r\n" trailers and a final "\r\n" (S3 API
// Reference, "Signature Calculations for the Authorization Header:
// Transferring Payload in Multiple Chunks").
func decodeAWSChunked(body []byte) ([]byte, map[string]string, error) {
	var out bytes.Buffer
	trailers := map[string]string{}
	rest := body
	for {
		line, after, ok := bytes.Cut(rest, []byte("\r\n"))
		if !ok {
			return nil, nil, fmt.Errorf("chunk header without CRLF")
		}
		sizeHex, _, _ := strings.Cut(string(line), ";")
		size, err := strconv.ParseInt(strings.TrimSpace(sizeHex), 16, 64)
		if err != nil || size < 0 || size > int64(len(after)) {
			return nil, nil, fmt.Errorf("bad chunk size %q", sizeHex)
		}
		rest = after
		if size == 0 {
			break
		}
		out.Write(rest[:size])
		rest = rest[size:]
		if !bytes.HasPrefix(rest, []byte("\r\n")) {
			return nil, nil, fmt.Errorf("chunk without trailing CRLF")
		}
		rest = rest[2:]
	}
	for len(rest) > 0 {
		line, after, ok := bytes.Cut(rest, []byte("\r\n"))
		if !ok {
			line, after = rest, nil
		}
		rest = after
		if len(line) == 0 {
			continue
		}
		k, v, ok := strings.Cut(string(line), ":")
		if !ok {
			return nil, nil, fmt.Errorf("bad trailer %q", line)
		}
		trailers[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
	}
	return out.Bytes(), trailers, nil
}

func (s *Server) s3PutObject(req *s3Request) (*s3Response, error) {
	b, err := s.s3BucketForLocked(req, "s3:PutObject")
	if err != nil {
		return nil, err
	}
	if len(req.key) > 1024 {
		return nil, s3Err(400, "KeyTooLongError", "Your key is too long")
	}
	data, err := s3Payload(req)
	if err != nil {
		return nil, err
	}
	h := req.r.Header
	sum := md5.Sum(data)
	o := &s3Object{
		key: req.key, data: append([]byte(nil), data...), etag: `"` + hex.EncodeToString(sum[:]) + `"`,
		contentType: h.Get("Content-Type"), meta: map[string]string{}, modified: s.now,
		sse: h.Get("X-Amz-Server-Side-Encryption"), kmsKey: h.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"),
	}
	if o.contentType == "" {
		o.contentType = "binary/octet-stream"
	}
	for k, v := range h {
		if lk := strings.ToLower(k); strings.HasPrefix(lk, "x-amz-meta-") && len(v) > 0 {
			o.meta[strings.TrimPrefix(lk, "x-amz-meta-")] = v[0]
		}
	}
	switch {
	case o.sse == "" && b.encryption != nil && b.encryption.Default != nil:
		o.sse, o.kmsKey = b.encryption.Default.SSEAlgorithm, b.encryption.Default.KMSMasterKeyID
	case o.sse != "" && o.sse != "AES256" && o.sse != "aws:kms" && o.sse != "aws:kms:dsse":
		return nil, s3Err(400, "InvalidArgument", "The encryption method specified is not supported")
	}
	if strings.HasPrefix(o.sse, "aws:kms") {
		if o.kmsKey == "" {
			o.kmsKey = "arn:aws:kms:" + b.region + ":" + b.owner + ":alias/aws/s3"
		}
		if !strings.HasPrefix(o.kmsKey, "arn:") {
			// A key ID or alias name refers to the caller's account.
			res := "key/" + o.kmsKey
			if strings.HasPrefix(o.kmsKey, "alias/") {
				res = o.kmsKey
			}
			o.kmsKey = "arn:aws:kms:" + b.region + ":" + req.c.Account + ":" + res
		}
		if ok, why := s.kmsKeyUsableByLocked(o.kmsKey, req.c.Account, "kms:GenerateDataKey", "s3"); !ok {
			return nil, s3Err(403, "AccessDenied", "Access Denied: "+why)
		}
	}
	b.objects[o.key] = o
	return &s3Response{header: s3ObjectSSEHeaders(o, map[string]string{"ETag": o.etag})}, nil
}

func s3ObjectSSEHeaders(o *s3Object, h map[string]string) map[string]string {
	if o.sse != "" {
		h["X-Amz-Server-Side-Encryption"] = o.sse
	}
	if o.kmsKey != "" {
		h["X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"] = o.kmsKey
	}
	return h
}

func (s *Server) s3GetObject(req *s3Request) (*s3Response, error) {
	b, err := s.s3BucketForLocked(req, "s3:GetObject")
	if err != nil {
		return nil, err
	}
	o := b.objects[req.key]
	if o == nil {
		return nil, &s3Error{status: 404, code: "NoSuchKey", message: "The specified key does not exist.", key: req.key}
	}
	h := s3ObjectSSEHeaders(o, map[string]string{
		"ETag": o.etag, "Content-Type": o.contentType, "Last-Modified": o.modified.UTC().Format(http.TimeFormat),
		"Content-Length": strconv.Itoa(len(o.data)), "Accept-Ranges": "bytes",
	})
	for k, v := range o.meta {
		h["X-Amz-Meta-"+k] = v
	}
	if inm := req.r.Header.Get("If-None-Match"); inm != "" && inm == o.etag {
		return &s3Response{status: http.StatusNotModified, header: map[string]string{"ETag": o.etag}, body: []byte{}}, nil
	}
	if im := req.r.Header.Get("If-Match"); im != "" && im != o.etag && im != "*" {
		return nil, s3Err(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold")
	}
	if rg := req.r.Header.Get("Range"); rg != "" {
		start, end, ok := s3ParseRange(rg, len(o.data))
		if !ok {
			return nil, s3Err(416, "InvalidRange", "The requested range is not satisfiable")
		}
		h["Content-Range"] = fmt.Sprintf("bytes %d-%d/%d", start, end, len(o.data))
		h["Content-Length"] = strconv.Itoa(end - start + 1)
		return &s3Response{status: http.StatusPartialContent, header: h, body: o.data[start : end+1]}, nil
	}
	return &s3Response{header: h, body: o.data}, nil
}

// s3ParseRange parses a single HTTP byte range ("bytes=a-b", "bytes=a-",
// "bytes=-n", RFC 9110) against an object of size n, as GetObject's Range
// does; ok is false when it is not satisfiable.
func s3ParseRange(h string, n int) (start, end int, ok bool) {
	spec, found := strings.CutPrefix(h, "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false
	}
	a, b, found := strings.Cut(spec, "-")
	if !found {
		return 0, 0, false
	}
	if a == "" {
		k, err := strconv.Atoi(b)
		if err != nil || k <= 0 || n == 0 {
			return 0, 0, false
		}
		return max(0, n-k), n - 1, true
	}
	start, err := strconv.Atoi(a)
	if err != nil || start >= n {
		return 0, 0, false
	}
	end = n - 1
	if b != "" {
		e, err := strconv.Atoi(b)
		if err != nil || e < start {
			return 0, 0, false
		}
		end = min(e, n-1)
	}
	return start, end, true
}

func (s *Server) s3DeleteObject(req *s3Request) (*s3Response, error) {
	b, err := s.s3BucketForLocked(req, "s3:DeleteObject")
	if err != nil {
		return nil, err
	}
	// Deleting a key that does not exist succeeds (DeleteObject).
	delete(b.objects, req.key)
	return &s3Response{status: http.StatusNoContent}, nil
}

// ListObjectsV2.

type s3ListBucketResult struct {
	XMLName               xml.Name     `xml:"ListBucketResult"`
	XMLNS                 string       `xml:"xmlns,attr"`
	Name                  string       `xml:"Name"`
	Prefix                string       `xml:"Prefix"`
	Delimiter             string       `xml:"Delimiter,omitempty"`
	MaxKeys               int          `xml:"MaxKeys"`
	EncodingType          string       `xml:"EncodingType,omitempty"`
	KeyCount              int          `xml:"KeyCount"`
	IsTruncated           bool         `xml:"IsTruncated"`
	ContinuationToken     string       `xml:"ContinuationToken,omitempty"`
	NextContinuationToken string       `xml:"NextContinuationToken,omitempty"`
	StartAfter            string       `xml:"StartAfter,omitempty"`
	Contents              []s3Contents `xml:"Contents"`
	CommonPrefixes        []s3Prefix   `xml:"CommonPrefixes"`
}

type s3Contents struct {
	Key          string   `xml:"Key"`
	LastModified string   `xml:"LastModified"`
	ETag         string   `xml:"ETag"`
	Size         int      `xml:"Size"`
	StorageClass string   `xml:"StorageClass"`
	Owner        *s3Owner `xml:"Owner,omitempty"`
}

type s3Prefix struct {
	Prefix string `xml:"Prefix"`
}

func (s *Server) s3ListObjectsV2(req *s3Request) (*s3Response, error) {
	b, err := s.s3BucketForLocked(req, "s3:ListBucket")
	if err != nil {
		return nil, err
	}
	q := req.q
	maxKeys := s3MaxKeys
	if v := q.Get("max-keys"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, s3Err(400, "InvalidArgument", "Provided max-keys not an integer or within integer range")
		}
		maxKeys = min(n, s3MaxKeys)
	}
	enc := q.Get("encoding-type")
	if enc != "" && enc != "url" {
		return nil, s3Err(400, "InvalidArgument", "Invalid Encoding Method specified in Request")
	}
	prefix, delim := q.Get("prefix"), q.Get("delimiter")
	after := q.Get("start-after")
	token := q.Get("continuation-token")
	if q.Has("continuation-token") {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil || token == "" {
			return nil, s3Err(400, "InvalidArgument", "The continuation token provided is incorrect")
		}
		after = string(raw)
	}
	encode := func(s string) string {
		if enc == "url" {
			return url.QueryEscape(s)
		}
		return s
	}
	out := s3ListBucketResult{
		XMLNS: s3XMLNS, Name: b.name, Prefix: encode(prefix), Delimiter: encode(delim), MaxKeys: maxKeys,
		EncodingType: enc, ContinuationToken: token, StartAfter: encode(q.Get("start-after")),
	}
	keys := kmsSortedTagKeys(b.objects)
	seen := map[string]bool{}
	last := ""
	for _, k := range keys {
		if !strings.HasPrefix(k, prefix) || (after != "" && k <= after) {
			continue
		}
		cp := ""
		if delim != "" {
			if i := strings.Index(k[len(prefix):], delim); i >= 0 {
				cp = k[:len(prefix)+i+len(delim)]
			}
		}
		if cp != "" && seen[cp] {
			continue
		}
		if cp != "" && after != "" && strings.HasPrefix(after, cp) {
			// The common prefix was returned on an earlier page.
			continue
		}
		if out.KeyCount == maxKeys {
			out.IsTruncated = true
			break
		}
		out.KeyCount++
		if cp != "" {
			seen[cp] = true
			out.CommonPrefixes = append(out.CommonPrefixes, s3Prefix{encode(cp)})
			// Continue after every key under the prefix.
			last = cp + "\xff"
			continue
		}
		o := b.objects[k]
		c := s3Contents{Key: encode(k), LastModified: s3Time(o.modified), ETag: o.etag, Size: len(o.data), StorageClass: "STANDARD"}
		if q.Get("fetch-owner") == "true" {
			c.Owner = &s3Owner{ID: s3CanonicalID(b.owner)}
		}
		out.Contents = append(out.Contents, c)
		last = k
	}
	if out.IsTruncated {
		out.NextContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(last))
	}
	return &s3Response{xml: out}, nil
}

// S3Object returns a copy of the object bucket/key, for tests that check
// what was uploaded.
func (s *Server) S3Object(bucket, key string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.s3.buckets[bucket]
	if b == nil || b.objects[key] == nil {
		return nil, false
	}
	return append([]byte(nil), b.objects[key].data...), true
}

// Multipart uploads.

// s3Upload is an in-progress multipart upload.
type s3Upload struct {
	id, key string
	proto   *s3Object // content type, metadata and encryption of the object to be
	parts   map[int][]byte
}

// s3MinPartSize: every part but the last must be at least 5 MiB
// (S3 User Guide, "Amazon S3 multipart upload limits").
const (
	s3MinPartSize = 5 << 20
	s3MaxPartNum  = 10000
)

type s3InitiateResult struct {
	XMLName  xml.Name `xml:"InitiateMultipartUploadResult"`
	XMLNS    string   `xml:"xmlns,attr"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	UploadID string   `xml:"UploadId"`
}

func (s *Server) s3CreateMultipartUpload(req *s3Request) (*s3Response, error) {
	b, err := s.s3BucketForLocked(req, "s3:PutObject")
	if err != nil {
		return nil, err
	}
	h := req.r.Header
	proto := &s3Object{key: req.key, contentType: h.Get("Content-Type"), meta: map[string]string{},
		sse: h.Get("X-Amz-Server-Side-Encryption"), kmsKey: h.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id")}
	if proto.contentType == "" {
		proto.contentType = "binary/octet-stream"
	}
	for k, v := range h {
		if lk := strings.ToLower(k); strings.HasPrefix(lk, "x-amz-meta-") && len(v) > 0 {
			proto.meta[strings.TrimPrefix(lk, "x-amz-meta-")] = v[0]
		}
	}
	if proto.sse == "" && b.encryption != nil && b.encryption.Default != nil {
		proto.sse, proto.kmsKey = b.encryption.Default.SSEAlgorithm, b.encryption.Default.KMSMasterKeyID
	}
	u := &s3Upload{id: s.ids.alnum(64), key: req.key, proto: proto, parts: map[int][]byte{}}
	b.uploads[u.id] = u
	return &s3Response{xml: s3InitiateResult{XMLNS: s3XMLNS, Bucket: b.name, Key: req.key, UploadID: u.id}}, nil
}

func (s *Server) s3UploadLocked(req *s3Request) (*s3Bucket, *s3Upload, error) {
	b, err := s.s3BucketForLocked(req, "s3:PutObject")
	if err != nil {
		return nil, nil, err
	}
	u := b.uploads[req.q.Get("uploadId")]
	if u == nil || u.key != req.key {
		return nil, nil, &s3Error{status: 404, code: "NoSuchUpload", message: "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed."}
	}
	return b, u, nil
}

func (s *Server) s3UploadPart(req *s3Request) (*s3Response, error) {
	_, u, err := s.s3UploadLocked(req)
	if err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(req.q.Get("partNumber"))
	if err != nil || n < 1 || n > s3MaxPartNum {
		return nil, s3Err(400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive")
	}
	data, err := s3Payload(req)
	if err != nil {
		return nil, err
	}
	u.parts[n] = append([]byte(nil), data...)
	sum := md5.Sum(data)
	return &s3Response{header: map[string]string{"ETag": `"` + hex.EncodeToString(sum[:]) + `"`}}, nil
}

type s3CompleteRequest struct {
	XMLName xml.Name `xml:"CompleteMultipartUpload"`
	Parts   []struct {
		PartNumber int    `xml:"PartNumber"`
		ETag       string `xml:"ETag"`
	} `xml:"Part"`
}

type s3CompleteResult struct {
	XMLName  xml.Name `xml:"CompleteMultipartUploadResult"`
	XMLNS    string   `xml:"xmlns,attr"`
	Location string   `xml:"Location"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	ETag     string   `xml:"ETag"`
}

func (s *Server) s3CompleteMultipartUpload(req *s3Request) (*s3Response, error) {
	b, u, err := s.s3UploadLocked(req)
	if err != nil {
		return nil, err
	}
	var in s3CompleteRequest
	if err := readXML(req.body, &in); err != nil {
		return nil, err
	}
	if len(in.Parts) == 0 {
		return nil, s3MalformedXML()
	}
	var data []byte
	var sums []byte
	for i := 1; i < len(in.Parts); i++ {
		if in.Parts[i].PartNumber <= in.Parts[i-1].PartNumber {
			return nil, s3Err(400, "InvalidPartOrder", "The list of parts was not in ascending order. The parts list must be specified in order by part number.")
		}
	}
	for i, p := range in.Parts {
		part, ok := u.parts[p.PartNumber]
		sum := md5.Sum(part)
		if !ok || strings.Trim(p.ETag, `"`) != hex.EncodeToString(sum[:]) {
			return nil, s3Err(400, "InvalidPart", "One or more of the specified parts could not be found. The part might not have been uploaded, or the specified entity tag might not have matched the part's entity tag.")
		}
		if i < len(in.Parts)-1 && len(part) < s3MinPartSize {
			return nil, s3Err(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size.")
		}
		data = append(data, part...)
		sums = append(sums, sum[:]...)
	}
	total := md5.Sum(sums)
	o := *u.proto
	o.data, o.modified = data, s.now
	o.etag = `"` + hex.EncodeToString(total[:]) + "-" + strconv.Itoa(len(in.Parts)) + `"`
	b.objects[o.key] = &o
	delete(b.uploads, u.id)
	return &s3Response{xml: s3CompleteResult{XMLNS: s3XMLNS, Location: "/" + b.name + "/" + o.key, Bucket: b.name, Key: o.key, ETag: o.etag}}, nil
}

func (s *Server) s3AbortMultipartUpload(req *s3Request) (*s3Response, error) {
	b, u, err := s.s3UploadLocked(req)
	if err != nil {
		return nil, err
	}
	delete(b.uploads, u.id)
	return &s3Response{status: http.StatusNoContent}, nil
}

// s3ContextLocked is the condition context of a bucket policy evaluation:
// the caller's global keys and aws:SecureTransport.
func (s *Server) s3ContextLocked(p Principal) map[string][]string {
	ctx := s.callerContextLocked(p)
	ctx["aws:SecureTransport"] = []string{"true"}
	return ctx
}
