package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The control API lets clients in any language drive the emulator over
// HTTP, on the same port as the AWS APIs, under controlPrefix: move the
// virtual clock, manage workload resources, inject faults, read call
// counters, dump and reset the state. It is JSON in and out; every
// endpoint decodes its request and calls the exported Go method of the
// same purpose (Advance, PutResource, AddFault, Dump, Reset, ...), so the
// Go API and the control API behave alike. Errors are
// {"error": {"code": "...", "message": "..."}} with a 4xx status.

// controlPrefix is the path prefix of the emulator's own control API; no
// AWS API uses it, and no path-style S3 request can start with it, since
// bucket names hold only lower-case letters, digits, periods and hyphens
// ("General purpose bucket naming rules", Amazon S3 User Guide).
const controlPrefix = "/_orgbackup/"

// controlEndpoint is one route of the control API.
type controlEndpoint struct {
	Method  string `json:"method"`
	Path    string `json:"path"`
	Summary string `json:"summary"`

	serve func(s *Server, r *http.Request, body []byte) (int, any, error)
}

// controlEndpoints is the control API's routing table, in the order the
// index lists it.
func controlEndpoints() []controlEndpoint {
	return []controlEndpoint{
		{http.MethodGet, controlPrefix, "this list of endpoints", (*Server).ctlIndex},
		{http.MethodGet, controlPrefix + "clock", `the virtual time: {"now"}`, (*Server).ctlClock},
		{http.MethodPost, controlPrefix + "clock/advance", `advance the clock by {"duration": "24h" | "8d"} or to {"to": RFC 3339 time}; answers what ran`, (*Server).ctlAdvance},
		{http.MethodGet, controlPrefix + "resources", "workload resources of ?account=ID&region=REGION", (*Server).ctlResources},
		{http.MethodPost, controlPrefix + "resources", `add or replace a workload resource {"account", "region", "type", "id", "name", "tags", "size_bytes", "kms_key_arn" (an ARN, alias/NAME or an AWS managed key's alias/aws/ebs)}`, (*Server).ctlAddResource},
		{http.MethodPost, controlPrefix + "resources/tag", `add or replace tags {"arn", "tags": {KEY: VALUE}}`, (*Server).ctlTagResource},
		{http.MethodPost, controlPrefix + "resources/untag", `remove tag keys {"arn", "keys": [KEY]}`, (*Server).ctlUntagResource},
		{http.MethodPost, controlPrefix + "resources/remove", `remove a workload resource {"arn"}`, (*Server).ctlRemoveResource},
		{http.MethodGet, controlPrefix + "sns/deliveries", "what SNS delivered to subscription endpoints (?endpoint=ADDRESS for one)", (*Server).ctlSNSDeliveries},
		{http.MethodGet, controlPrefix + "events/failures", "events EventBridge could not deliver to a rule's target, and why", (*Server).ctlEventFailures},
		{http.MethodGet, controlPrefix + "faults", "the installed faults", (*Server).ctlFaults},
		{http.MethodPost, controlPrefix + "faults", `install a fault {"service", "operation", "account", "latency", "rate_per_second", "burst", "error_rate", "fail_next", "error": {"code", "message", "status"}}`, (*Server).ctlAddFault},
		{http.MethodDelete, controlPrefix + "faults", "remove every fault", (*Server).ctlClearFaults},
		{http.MethodGet, controlPrefix + "calls", "call counters per account, region, service and operation", (*Server).ctlCalls},
		{http.MethodDelete, controlPrefix + "calls", "zero the call counters", (*Server).ctlResetCalls},
		{http.MethodGet, controlPrefix + "state", "the whole virtual-time state, deterministically ordered", (*Server).ctlState},
		{http.MethodGet, controlPrefix + "operations", "per service, the model operations implemented and those answered with a deliberate unsupported-operation error", (*Server).ctlOperations},
		{http.MethodPost, controlPrefix + "reset", "reset to the fixture: the state of a new server", (*Server).ctlReset},
	}
}

// ctlError is an error of the control API with its HTTP status and code.
type ctlError struct {
	status  int
	code    string
	message string
}

func (e *ctlError) Error() string { return e.code + ": " + e.message }

func ctlErrorf(status int, code, format string, args ...any) *ctlError {
	return &ctlError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

func ctlInvalid(format string, args ...any) *ctlError {
	return ctlErrorf(http.StatusBadRequest, "InvalidRequest", format, args...)
}

// ctlErrorBody is the JSON form of every control API error.
type ctlErrorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
	// Endpoints lists the control API for requests to unknown paths.
	Endpoints []controlEndpoint `json:"endpoints,omitempty"`
}

func (s *Server) serveControl(w http.ResponseWriter, r *http.Request, body []byte) {
	if err := controlRequestAllowed(r, s.opts.RemoteControl); err != nil {
		writeControlError(w, err, nil)
		return
	}
	var allowed []string
	endpoints := controlEndpoints()
	for _, ep := range endpoints {
		if ep.Path != r.URL.Path {
			continue
		}
		if ep.Method != r.Method {
			allowed = append(allowed, ep.Method)
			continue
		}
		status, out, err := ep.serve(s, r, body)
		if err != nil {
			writeControlError(w, err, nil)
			return
		}
		writeControlJSON(w, status, out)
		return
	}
	if len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeControlError(w, ctlErrorf(http.StatusMethodNotAllowed, "MethodNotAllowed", "%s %s is not allowed; use %s", r.Method, r.URL.Path, strings.Join(allowed, " or ")), nil)
		return
	}
	writeControlError(w, ctlErrorf(http.StatusNotFound, "NotFound", "no control endpoint %s %s; see the endpoints listed", r.Method, r.URL.Path), endpoints)
}

func writeControlError(w http.ResponseWriter, err error, endpoints []controlEndpoint) {
	var ce *ctlError
	if !errors.As(err, &ce) {
		ce = ctlErrorf(http.StatusInternalServerError, "InternalError", "%v", err)
	}
	var b ctlErrorBody
	b.Error.Code, b.Error.Message, b.Endpoints = ce.code, ce.message, endpoints
	writeControlJSON(w, ce.status, b)
}

func writeControlJSON(w http.ResponseWriter, status int, v any) {
	data, err := marshalControl(v)
	if err != nil {
		status, data = http.StatusInternalServerError, []byte(`{"error":{"code":"InternalError","message":"encoding the response"}}`+"\n")
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	w.Write(data)
}

// marshalControl encodes v as indented JSON ending in a newline, without
// escaping <, > and & (ARNs and messages read better unescaped).
func marshalControl(v any) ([]byte, error) {
	if raw, ok := v.(json.RawMessage); ok {
		return append(raw, '\n'), nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decodeControl decodes a JSON request body strictly: unknown fields and
// trailing data are errors; an empty body decodes as {}.
func decodeControl(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return ctlInvalid("decoding the JSON request body: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return ctlInvalid("decoding the JSON request body: unexpected data after the JSON value")
	}
	return nil
}

func (s *Server) ctlIndex(*http.Request, []byte) (int, any, error) {
	return http.StatusOK, struct {
		Endpoints []controlEndpoint `json:"endpoints"`
	}{controlEndpoints()}, nil
}

// ctlNow is the answer of the clock and reset endpoints.
type ctlNow struct {
	Now time.Time `json:"now"`
}

func (s *Server) ctlClock(*http.Request, []byte) (int, any, error) {
	return http.StatusOK, ctlNow{s.Now()}, nil
}

// AdvanceRequest is the body of POST /_orgbackup/clock/advance: exactly
// one of Duration and To.
type AdvanceRequest struct {
	// Duration is how far to move the clock: a Go duration ("90m",
	// "24h") optionally preceded by whole days ("8d", "1d12h").
	Duration string `json:"duration,omitempty"`
	// To is the time to move the clock to; it must not be before the
	// emulator's time.
	To *time.Time `json:"to,omitempty"`
}

func (s *Server) ctlAdvance(_ *http.Request, body []byte) (int, any, error) {
	var in AdvanceRequest
	if err := decodeControl(body, &in); err != nil {
		return 0, nil, err
	}
	switch {
	case in.Duration != "" && in.To != nil:
		return 0, nil, ctlInvalid(`give either "duration" or "to", not both`)
	case in.Duration != "":
		d, err := ParseDuration(in.Duration)
		if err != nil {
			return 0, nil, ctlInvalid("duration: %v", err)
		}
		return http.StatusOK, s.Advance(d), nil
	case in.To != nil:
		if now := s.Now(); in.To.Before(now) {
			return 0, nil, ctlInvalid("to: %s is before the emulator's time %s; the clock never goes back", in.To.UTC().Format(time.RFC3339), now.Format(time.RFC3339))
		}
		return http.StatusOK, s.AdvanceTo(*in.To), nil
	}
	return 0, nil, ctlInvalid(`give "duration" (e.g. "24h", "8d") or "to" (an RFC 3339 time)`)
}

// ParseDuration parses a non-negative duration for the clock: a Go
// duration ("90m", "24h", "1h30m") optionally preceded by a whole number
// of days ("8d", "1d12h").
func ParseDuration(v string) (time.Duration, error) {
	rest := strings.TrimSpace(v)
	if rest == "" {
		return 0, fmt.Errorf("empty duration")
	}
	var d time.Duration
	if i := strings.IndexByte(rest, 'd'); i >= 0 {
		n, err := strconv.ParseUint(rest[:i], 10, 16)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q: days must be a whole number before \"d\"", v)
		}
		d, rest = days(int64(n)), rest[i+1:]
	}
	if rest != "" {
		x, err := time.ParseDuration(rest)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q: use a Go duration such as 90m or 24h, optionally preceded by days (8d, 1d12h)", v)
		}
		if x < 0 {
			return 0, fmt.Errorf("invalid duration %q: the clock never goes back", v)
		}
		d += x
	}
	return d, nil
}

// ResourceJSON is a workload resource as the control API reads and writes
// it.
type ResourceJSON struct {
	ARN       string            `json:"arn,omitempty"`
	Account   string            `json:"account"`
	Region    string            `json:"region"`
	Type      ResourceType      `json:"type"`
	ID        string            `json:"id,omitempty"`
	Name      string            `json:"name,omitempty"`
	Tags      map[string]string `json:"tags,omitempty"`
	SizeBytes int64             `json:"size_bytes,omitempty"`
	KMSKeyARN string            `json:"kms_key_arn,omitempty"`
	// RestoredBy is the restore job that created the resource (listings
	// only; ignored when adding a resource).
	RestoredBy string `json:"restored_by,omitempty"`
}

func resourceJSON(r Resource) ResourceJSON {
	return ResourceJSON(r)
}

// resourceTypes are the workload resource types the emulator knows, in
// the order error messages list them.
var resourceTypes = []ResourceType{EC2Instance, EBSVolume, RDSInstance, AuroraCluster, EFSFileSystem, DynamoDBTable, S3Bucket}

// regionPattern matches Region names such as us-east-1 and
// us-gov-west-1.
var regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

func checkLocation(account, region string) error {
	var errs []error
	if !isAccountID(account) {
		errs = append(errs, ctlInvalid("account: %q is not a 12-digit account ID", account))
	}
	if !regionPattern.MatchString(region) {
		errs = append(errs, ctlInvalid("region: %q is not a Region name such as us-east-1", region))
	}
	return joinCtl(errs)
}

// joinCtl joins validation errors into one InvalidRequest.
func joinCtl(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	msgs := make([]string, len(errs))
	for i, e := range errs {
		var ce *ctlError
		if errors.As(e, &ce) {
			msgs[i] = ce.message
		} else {
			msgs[i] = e.Error()
		}
	}
	return ctlInvalid("%s", strings.Join(msgs, "; "))
}

func (s *Server) ctlResources(r *http.Request, _ []byte) (int, any, error) {
	q := r.URL.Query()
	if err := checkLocation(q.Get("account"), q.Get("region")); err != nil {
		return 0, nil, err
	}
	out := []ResourceJSON{}
	for _, res := range s.Resources(q.Get("account"), q.Get("region")) {
		out = append(out, resourceJSON(res))
	}
	return http.StatusOK, struct {
		Resources []ResourceJSON `json:"resources"`
	}{out}, nil
}

func (s *Server) ctlAddResource(_ *http.Request, body []byte) (int, any, error) {
	var in ResourceJSON
	if err := decodeControl(body, &in); err != nil {
		return 0, nil, err
	}
	var errs []error
	if err := checkLocation(in.Account, in.Region); err != nil {
		errs = append(errs, err)
	}
	if !knownResourceType(in.Type) {
		errs = append(errs, ctlInvalid("type: %q is not one of %s", in.Type, resourceTypeList()))
	}
	if in.ARN != "" {
		errs = append(errs, ctlInvalid("arn: the ARN is derived from account, region, type and id; give id instead"))
	}
	if in.SizeBytes < 0 {
		errs = append(errs, ctlInvalid("size_bytes: must not be negative"))
	}
	for k := range in.Tags {
		if k == "" {
			errs = append(errs, ctlInvalid("tags: a tag key must not be empty"))
		}
	}
	if in.KMSKeyARN != "" && len(errs) == 0 {
		s.mu.Lock()
		_, err := s.resourceKeyLocked(in.Account, in.Region, in.KMSKeyARN)
		s.mu.Unlock()
		if err != nil {
			errs = append(errs, ctlInvalid("kms_key_arn: %v", err))
		}
	}
	if err := joinCtl(errs); err != nil {
		return 0, nil, err
	}
	r, err := s.PutResource(Resource{Account: in.Account, Region: in.Region, Type: in.Type, ID: in.ID, Name: in.Name,
		Tags: in.Tags, SizeBytes: in.SizeBytes, KMSKeyARN: in.KMSKeyARN})
	if err != nil {
		// Location and type are valid, so the resource conflicts with an
		// existing one (a bucket name another account owns).
		return 0, nil, ctlErrorf(http.StatusConflict, "Conflict", "%v", err)
	}
	return http.StatusCreated, resourceJSON(r), nil
}

func knownResourceType(t ResourceType) bool {
	for _, k := range resourceTypes {
		if k == t {
			return true
		}
	}
	return false
}

func resourceTypeList() string {
	names := make([]string, len(resourceTypes))
	for i, t := range resourceTypes {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}

// PutResource adds the workload resource r to r.Account and r.Region, or
// replaces the one with the same ARN, and returns it as stored: an empty
// ID is generated in the type's form (i-…, vol-…, fs-…), the ARN is
// derived from the type and ID, Name defaults to the ID. An S3 bucket is a
// real bucket of the emulated S3, created when missing. It fails for
// unknown types and for buckets another account owns. KMSKeyARN may name
// an AWS managed key by alias ("alias/aws/ebs", "aws/rds") or a customer
// managed key by alias or ARN; the resource stores the key's ARN.
func (s *Server) PutResource(r Resource) (Resource, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !knownResourceType(r.Type) {
		return Resource{}, fmt.Errorf("adding resource: unknown resource type %q", r.Type)
	}
	if r.ID == "" {
		r.ID = s.newResourceIDLocked(r.Type)
	}
	r.ARN = ""
	key, err := s.resourceKeyLocked(r.Account, r.Region, r.KMSKeyARN)
	if err != nil {
		return Resource{}, fmt.Errorf("adding %s %s in %s/%s: %w", r.Type, r.ID, r.Account, r.Region, err)
	}
	r.KMSKeyARN = key
	if err := s.addResourceLocked(r.Account, r.Region, r); err != nil {
		return Resource{}, fmt.Errorf("adding %s %s in %s/%s: %w", r.Type, r.ID, r.Account, r.Region, err)
	}
	arn, _ := resourceARN(r.Account, r.Region, r.Type, r.ID)
	out := *s.resourceLocked(r.Account, r.Region, arn)
	out.Tags = cloneTags(out.Tags)
	return out, nil
}

// ctlTagRequest is the body of the tag, untag and remove endpoints.
type ctlTagRequest struct {
	ARN  string            `json:"arn"`
	Tags map[string]string `json:"tags,omitempty"`
	Keys []string          `json:"keys,omitempty"`
}

// ctlARN answers tag, untag and remove.
type ctlARN struct {
	ARN string `json:"arn"`
}

func decodeTagRequest(body []byte, what string) (ctlTagRequest, error) {
	var in ctlTagRequest
	if err := decodeControl(body, &in); err != nil {
		return in, err
	}
	var errs []error
	if !strings.HasPrefix(in.ARN, "arn:") {
		errs = append(errs, ctlInvalid("arn: %q is not an ARN", in.ARN))
	}
	switch what {
	case "tag":
		if len(in.Tags) == 0 {
			errs = append(errs, ctlInvalid("tags: give at least one tag"))
		}
		for k := range in.Tags {
			if k == "" {
				errs = append(errs, ctlInvalid("tags: a tag key must not be empty"))
			}
		}
		if len(in.Keys) > 0 {
			errs = append(errs, ctlInvalid("keys: not used when tagging"))
		}
	case "untag":
		if len(in.Keys) == 0 {
			errs = append(errs, ctlInvalid("keys: give at least one tag key"))
		}
		if len(in.Tags) > 0 {
			errs = append(errs, ctlInvalid("tags: not used when untagging; give keys"))
		}
	default:
		if len(in.Tags) > 0 || len(in.Keys) > 0 {
			errs = append(errs, ctlInvalid("only arn is used when removing a resource"))
		}
	}
	return in, joinCtl(errs)
}

// notFound turns the errors of TagResource, UntagResource and
// RemoveResource, whose only failure is an unknown ARN, into a 404.
func notFound(err error) error {
	return ctlErrorf(http.StatusNotFound, "ResourceNotFound", "%v", err)
}

func (s *Server) ctlTagResource(_ *http.Request, body []byte) (int, any, error) {
	in, err := decodeTagRequest(body, "tag")
	if err != nil {
		return 0, nil, err
	}
	if err := s.TagResource(in.ARN, in.Tags); err != nil {
		return 0, nil, notFound(err)
	}
	return http.StatusOK, ctlARN{in.ARN}, nil
}

func (s *Server) ctlUntagResource(_ *http.Request, body []byte) (int, any, error) {
	in, err := decodeTagRequest(body, "untag")
	if err != nil {
		return 0, nil, err
	}
	if err := s.UntagResource(in.ARN, in.Keys...); err != nil {
		return 0, nil, notFound(err)
	}
	return http.StatusOK, ctlARN{in.ARN}, nil
}

func (s *Server) ctlRemoveResource(_ *http.Request, body []byte) (int, any, error) {
	in, err := decodeTagRequest(body, "remove")
	if err != nil {
		return 0, nil, err
	}
	if err := s.RemoveResource(in.ARN); err != nil {
		return 0, nil, notFound(err)
	}
	return http.StatusOK, ctlARN{in.ARN}, nil
}

// FaultJSON is a Fault as the control API reads and writes it.
type FaultJSON struct {
	Service   string `json:"service,omitempty"`
	Operation string `json:"operation,omitempty"`
	Account   string `json:"account,omitempty"`
	// Latency is a Go duration ("250ms").
	Latency       string  `json:"latency,omitempty"`
	RatePerSecond float64 `json:"rate_per_second,omitempty"`
	Burst         float64 `json:"burst,omitempty"`
	ErrorRate     float64 `json:"error_rate,omitempty"`
	FailNext      int     `json:"fail_next,omitempty"`
	// Error is the error of FailNext; default a 500 InternalFailure.
	Error *FaultError `json:"error,omitempty"`
}

// FaultError is an AWS-shaped error a fault answers with.
type FaultError struct {
	Code    string `json:"code"`
	Message string `json:"message,omitempty"`
	// Status is the HTTP status; default 400.
	Status int `json:"status,omitempty"`
}

func faultJSON(f Fault) FaultJSON {
	out := FaultJSON{Service: f.Service, Operation: f.Operation, Account: f.Account, RatePerSecond: f.RatePerSecond,
		Burst: f.Burst, ErrorRate: f.ErrorRate, FailNext: f.FailNext}
	if f.Latency > 0 {
		out.Latency = f.Latency.String()
	}
	var ae *awsError
	if errors.As(f.Err, &ae) {
		out.Error = &FaultError{Code: ae.Code, Message: ae.Message, Status: ae.Status}
	} else if f.Err != nil {
		out.Error = &FaultError{Code: "InternalFailure", Message: f.Err.Error(), Status: http.StatusInternalServerError}
	}
	return out
}

// maxFaultLatency bounds injected latency, so that a typo cannot hang
// every client for hours.
const maxFaultLatency = 10 * time.Minute

// fault checks f and converts it to a Fault, reporting every problem.
func (s *Server) fault(f FaultJSON) (Fault, error) {
	var errs []error
	out := Fault{Service: f.Service, Operation: f.Operation, Account: f.Account, RatePerSecond: f.RatePerSecond,
		Burst: f.Burst, ErrorRate: f.ErrorRate, FailNext: f.FailNext}
	if f.Service != "" {
		svc := s.services[f.Service]
		switch {
		case svc == nil:
			errs = append(errs, ctlInvalid("service: %q is not one of %s", f.Service, strings.Join(s.serviceNames(), ", ")))
		case f.Operation != "" && len(svc.ops) > 0 && svc.ops[f.Operation] == nil:
			errs = append(errs, ctlInvalid("operation: %s has no operation %q", f.Service, f.Operation))
		}
	}
	if f.Account != "" && !isAccountID(f.Account) {
		errs = append(errs, ctlInvalid("account: %q is not a 12-digit account ID", f.Account))
	}
	if f.Latency != "" {
		d, err := time.ParseDuration(f.Latency)
		switch {
		case err != nil:
			errs = append(errs, ctlInvalid("latency: %q is not a duration such as 250ms", f.Latency))
		case d < 0 || d > maxFaultLatency:
			errs = append(errs, ctlInvalid("latency: %s is not between 0 and %s", d, maxFaultLatency))
		}
		out.Latency = d
	}
	if f.RatePerSecond < 0 {
		errs = append(errs, ctlInvalid("rate_per_second: must not be negative"))
	}
	if f.Burst < 0 {
		errs = append(errs, ctlInvalid("burst: must not be negative"))
	}
	if f.ErrorRate < 0 || f.ErrorRate > 1 {
		errs = append(errs, ctlInvalid("error_rate: %v is not between 0 and 1", f.ErrorRate))
	}
	if f.FailNext < 0 {
		errs = append(errs, ctlInvalid("fail_next: must not be negative"))
	}
	if f.Error != nil {
		if f.Error.Code == "" {
			errs = append(errs, ctlInvalid("error.code: required"))
		}
		status := f.Error.Status
		if status == 0 {
			status = http.StatusBadRequest
		}
		if status < 400 || status > 599 {
			errs = append(errs, ctlInvalid("error.status: %d is not an HTTP error status (400-599)", status))
		}
		if f.FailNext == 0 {
			errs = append(errs, ctlInvalid("error: used only with fail_next"))
		}
		msg := f.Error.Message
		if msg == "" {
			msg = "Injected by the orgbackup emulator."
		}
		out.Err = &awsError{Code: f.Error.Code, Message: msg, Status: status, Sender: status < 500}
	}
	if out.Latency == 0 && out.RatePerSecond == 0 && out.ErrorRate == 0 && out.FailNext == 0 && len(errs) == 0 {
		errs = append(errs, ctlInvalid("the fault does nothing: give latency, rate_per_second, error_rate or fail_next"))
	}
	return out, joinCtl(errs)
}

func (s *Server) serviceNames() []string {
	names := make([]string, 0, len(s.services))
	for n := range s.services {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ctlFaultList answers the faults endpoints.
type ctlFaultList struct {
	Faults []FaultJSON `json:"faults"`
}

func (s *Server) faultList() ctlFaultList {
	out := ctlFaultList{Faults: []FaultJSON{}}
	for _, f := range s.Faults() {
		out.Faults = append(out.Faults, faultJSON(f))
	}
	return out
}

func (s *Server) ctlFaults(*http.Request, []byte) (int, any, error) {
	return http.StatusOK, s.faultList(), nil
}

func (s *Server) ctlAddFault(_ *http.Request, body []byte) (int, any, error) {
	var in FaultJSON
	if err := decodeControl(body, &in); err != nil {
		return 0, nil, err
	}
	f, err := s.fault(in)
	if err != nil {
		return 0, nil, err
	}
	s.AddFault(f)
	return http.StatusCreated, faultJSON(f), nil
}

func (s *Server) ctlClearFaults(*http.Request, []byte) (int, any, error) {
	s.ClearFaults()
	return http.StatusOK, s.faultList(), nil
}

// Faults returns the installed faults in the order they were added, with
// FailNext counting the failures still to come.
func (s *Server) Faults() []Fault {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	out := make([]Fault, len(s.faults.faults))
	for i, f := range s.faults.faults {
		out[i] = *f
	}
	return out
}

// CallStatsJSON is a CallStats as the control API writes it.
type CallStatsJSON struct {
	Account   string `json:"account"`
	Region    string `json:"region"`
	Service   string `json:"service"`
	Operation string `json:"operation"`
	Calls     int    `json:"calls"`
	Throttled int    `json:"throttled"`
	Failed    int    `json:"failed"`
}

// ctlCallList answers the calls endpoints.
type ctlCallList struct {
	Calls []CallStatsJSON `json:"calls"`
}

func (s *Server) ctlCalls(*http.Request, []byte) (int, any, error) {
	out := ctlCallList{Calls: []CallStatsJSON{}}
	for _, c := range s.CallStats() {
		out.Calls = append(out.Calls, CallStatsJSON{Account: c.Account, Region: c.Region, Service: c.Service,
			Operation: c.Operation, Calls: c.Calls, Throttled: c.Throttled, Failed: c.Failed})
	}
	return http.StatusOK, out, nil
}

func (s *Server) ctlResetCalls(*http.Request, []byte) (int, any, error) {
	s.ResetCallStats()
	return http.StatusOK, ctlCallList{Calls: []CallStatsJSON{}}, nil
}

func (s *Server) ctlState(*http.Request, []byte) (int, any, error) {
	return http.StatusOK, json.RawMessage(s.Dump()), nil
}

func (s *Server) ctlReset(_ *http.Request, body []byte) (int, any, error) {
	if err := decodeControl(body, &struct{}{}); err != nil {
		return 0, nil, err
	}
	s.Reset()
	return http.StatusOK, ctlNow{s.Now()}, nil
}

// Reset returns the server to the state New creates from its options:
// the organization fixture with its member roles, the clock at
// Options.Start, identifiers from Options.Seed again, and nothing else —
// no vaults, keys, resources, jobs or sessions (credentials issued
// before are no longer valid). Faults and call counters are cleared; job
// durations and the copy job limit return to their defaults. Hooks
// registered with OnCall stay. After Reset, the same calls produce the
// same state as on a new server.
func (s *Server) Reset() {
	fresh := NewUnstartedServer(func(o *Options) { *o = s.opts })
	s.ClearFaults()
	s.ResetCallStats()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now, s.ids, s.org, s.sessions = fresh.now, fresh.ids, fresh.org, fresh.sessions
	s.iam, s.kms, s.sns, s.s3 = fresh.iam, fresh.kms, fresh.sns, fresh.s3
	s.backup, s.regionJobs, s.res, s.engine = fresh.backup, fresh.regionJobs, fresh.res, fresh.engine
	s.ram, s.budgetsData, s.configRecorders = fresh.ram, fresh.budgetsData, fresh.configRecorders
	s.events, s.snsDeliveries, s.eventFailures = nil, nil, nil
}

// ctlServiceOperations is one service in GET /_orgbackup/operations.
type ctlServiceOperations struct {
	Service     string   `json:"service"`
	Implemented []string `json:"implemented"`
	// Unsupported maps each deliberately unsupported operation to why.
	Unsupported map[string]string `json:"unsupported"`
}

// ctlOperations lists each service's operations, sorted, for conformance
// tests that walk every implemented operation.
func (s *Server) ctlOperations(*http.Request, []byte) (int, any, error) {
	out := struct {
		Services []ctlServiceOperations `json:"services"`
	}{Services: []ctlServiceOperations{}}
	for _, svc := range s.services {
		if svc.serveRaw != nil {
			// Routed by hand; each such service keeps its own list.
			out.Services = append(out.Services, ctlServiceOperations{Service: svc.name, Implemented: svc.rawOperations(), Unsupported: map[string]string{}})
			continue
		}
		e := ctlServiceOperations{Service: svc.name, Implemented: []string{}, Unsupported: map[string]string{}}
		for name, op := range svc.ops {
			if op.unsupported != "" {
				e.Unsupported[name] = op.unsupported
			} else {
				e.Implemented = append(e.Implemented, name)
			}
		}
		sort.Strings(e.Implemented)
		out.Services = append(out.Services, e)
	}
	sort.Slice(out.Services, func(i, j int) bool { return out.Services[i].Service < out.Services[j].Service })
	return http.StatusOK, out, nil
}

// controlRequestAllowed refuses control requests a web page could make:
// one whose Origin is another site (a page cannot send it for its own
// origin only when it is this emulator), and one addressed by a host name
// that is not loopback, as DNS rebinding would send it ("DNS rebinding",
// the attack Chrome's Private Network Access guards against). The AWS
// APIs on the same port are not affected: their requests are signed.
func controlRequestAllowed(r *http.Request, remote bool) error {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if !remote && !isLoopbackHost(host) {
		return ctlErrorf(http.StatusForbidden, "Forbidden", "control requests must address the emulator by a loopback name, not %q", r.Host)
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		u, err := url.Parse(origin)
		if err != nil || u.Host != r.Host {
			return ctlErrorf(http.StatusForbidden, "Forbidden", "control requests from another origin (%q) are refused", origin)
		}
	}
	return nil
}

// isLoopbackHost reports whether host names this machine: localhost or a
// loopback address.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
