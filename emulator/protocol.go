package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/traits"
)

// protocol is an AWS wire protocol.
type protocol int

const (
	restJSON1 protocol = iota // AWS Backup
	awsJSON11                 // Organizations, KMS, Resource Groups Tagging
	awsQuery                  // STS, IAM, SNS
	restXML                   // S3 (hand-routed)
)

// service is one emulated AWS service: its protocol and explicit routing
// table. Operation names, HTTP bindings and shapes come from the SDK's own
// model (the schemas packages of aws-sdk-go-v2), so requests decode and
// responses encode exactly as the SDK's serializers expect.
type service struct {
	name         string // SigV4 signing name
	protocol     protocol
	target       string // awsJson X-Amz-Target prefix
	xmlns        string // awsQuery response namespace
	version      string // awsQuery API version
	ops          map[string]*operation
	routes       []*route // restJson1, ordered most specific first
	errorSchemas map[reflect.Type]*smithy.Schema
	// serveRaw handles protocols that are not model-driven (S3, and
	// Budgets, whose SDK ships no schemas); rawOperations lists the
	// operations it serves, for the control API.
	serveRaw      func(c *Call, w http.ResponseWriter, r *http.Request, body []byte)
	rawOperations func() []string
	// bodyOnly caches bodyOnly by output schema (restJson1).
	bodyOnly sync.Map
	// bufs holds response buffers for reuse.
	bufs sync.Pool
}

// maxPooledBuffer bounds the response buffers kept for reuse.
const maxPooledBuffer = 8 << 20

// streamable reports whether an output of schema s is its JSON body alone.
func (svc *service) streamable(s *smithy.Schema) bool {
	if s == nil {
		return true
	}
	if v, ok := svc.bodyOnly.Load(s); ok {
		return v.(bool)
	}
	b := bodyOnly(s)
	svc.bodyOnly.Store(s, b)
	return b
}

// operation is one routable operation.
type operation struct {
	name   string
	schema *smithy.Schema // operation schema, with the HTTP trait for REST
	input  *smithy.Schema
	invoke func(c *Call, decode func(dst any) error) (smithy.Serializable, error)
	// unsupported, when set, says why the emulator deliberately answers
	// this operation of the model with errUnsupportedOperation.
	unsupported string
	// readOnly operations change no state, so they run under the
	// server's lock in shared mode.
	readOnly bool
}

// readOnly marks op as changing no state: its handler must not write to
// the server, not even to create state on first use.
func readOnly(op *operation) *operation {
	op.readOnly = true
	return op
}

// handle adapts a typed handler, taking the SDK's own input type and
// returning its output type, into an operation.
func handle[I any, O smithy.Serializable](op, input *smithy.Schema, h func(*Call, *I) (O, error)) *operation {
	return &operation{
		name:   op.ID().Name,
		schema: op,
		input:  input,
		invoke: func(c *Call, decode func(any) error) (smithy.Serializable, error) {
			in := new(I)
			if err := decode(in); err != nil {
				return nil, err
			}
			out, err := h(c, in)
			if err != nil {
				return nil, err
			}
			return out, nil
		},
	}
}

func newService(name string, p protocol, schema *smithy.ServiceSchema, registry *smithy.TypeRegistry, ops []*operation) *service {
	svc := &service{name: name, protocol: p, ops: map[string]*operation{}, errorSchemas: map[reflect.Type]*smithy.Schema{}}
	if schema != nil {
		svc.target = schema.ID().Name
		svc.version = schema.Version
	}
	if registry != nil {
		for _, e := range registry.Entries {
			svc.errorSchemas[reflect.TypeOf(e.New())] = e.Schema
		}
	}
	for _, op := range ops {
		svc.ops[op.name] = op
		if p == restJSON1 {
			if t, ok := smithy.SchemaTrait[*traits.HTTP](op.schema); ok {
				svc.routes = append(svc.routes, newRoute(op, t))
			}
		}
	}
	sort.SliceStable(svc.routes, func(i, j int) bool { return svc.routes[i].score > svc.routes[j].score })
	return svc
}

// route matches a REST request to an operation by method and URI template.
type route struct {
	op       *operation
	method   string
	segs     []string // literal segments, or "{Label}" / "{Label+}"
	query    map[string]string
	okStatus int
	score    int
}

func newRoute(op *operation, t *traits.HTTP) *route {
	path, rawQuery, _ := strings.Cut(t.URI, "?")
	r := &route{op: op, method: t.Method, okStatus: t.Code, query: map[string]string{}}
	for seg := range strings.SplitSeq(strings.Trim(path, "/"), "/") {
		r.segs = append(r.segs, seg)
		if !strings.HasPrefix(seg, "{") {
			r.score += 2
		}
	}
	if rawQuery != "" {
		for kv := range strings.SplitSeq(rawQuery, "&") {
			k, v, _ := strings.Cut(kv, "=")
			r.query[k] = v
			r.score++
		}
	}
	if r.okStatus == 0 {
		r.okStatus = http.StatusOK
	}
	return r
}

// match returns the label values when r matches the request, whose
// escaped path split at "/" is parts. It checks the method, the query and
// the literal segments before allocating anything: a request is tried
// against every route of its service until one matches.
func (rt *route) match(method string, parts []string, q url.Values) (map[string]string, bool) {
	if method != rt.method {
		return nil, false
	}
	for k, v := range rt.query {
		if !q.Has(k) || (v != "" && q.Get(k) != v) {
			return nil, false
		}
	}
	greedy := false
	for i, seg := range rt.segs {
		if i >= len(parts) {
			return nil, false
		}
		if strings.HasSuffix(seg, "+}") {
			greedy = true
			break
		}
		if strings.HasPrefix(seg, "{") {
			if parts[i] == "" {
				return nil, false
			}
			continue
		}
		if parts[i] != seg {
			return nil, false
		}
	}
	if !greedy && len(parts) != len(rt.segs) {
		return nil, false
	}
	labels := map[string]string{}
	for i, seg := range rt.segs {
		switch {
		case strings.HasSuffix(seg, "+}"):
			v, err := url.PathUnescape(strings.Join(parts[i:], "/"))
			if err != nil {
				return nil, false
			}
			labels[seg[1:len(seg)-2]] = v
			return labels, true
		case strings.HasPrefix(seg, "{"):
			v, err := url.PathUnescape(parts[i])
			if err != nil || v == "" {
				return nil, false
			}
			labels[seg[1:len(seg)-1]] = v
		}
	}
	return labels, true
}

// findOperation resolves the operation and a decoder for its input.
func (svc *service) findOperation(r *http.Request, body []byte) (*operation, func(any) error, int, *awsError) {
	switch svc.protocol {
	case awsJSON11:
		target := r.Header.Get("X-Amz-Target")
		prefix, name, ok := strings.Cut(target, ".")
		if !ok || prefix != svc.target {
			return nil, nil, 0, &awsError{Code: "UnknownOperationException", Message: "missing or unknown X-Amz-Target " + target, Status: 400, Sender: true}
		}
		op := svc.ops[name]
		if op == nil {
			return nil, nil, 0, errUnknownOperation(svc.name, name)
		}
		return op, func(dst any) error { return decodeJSONInput(dst, op.input, body, false, nil) }, http.StatusOK, nil
	case awsQuery:
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, nil, 0, errValidation("malformed query request body: %v", err)
		}
		for k, v := range r.URL.Query() {
			if _, ok := form[k]; !ok {
				form[k] = v
			}
		}
		name := form.Get("Action")
		op := svc.ops[name]
		if op == nil {
			return nil, nil, 0, &awsError{Code: "InvalidAction", Message: "orgbackup emulator: " + svc.name + " action " + name + " is not implemented", Status: 400, Sender: true}
		}
		if v := form.Get("Version"); v != "" && svc.version != "" && v != svc.version {
			return nil, nil, 0, &awsError{Code: "InvalidParameterValue", Message: "unsupported API version " + v, Status: 400, Sender: true}
		}
		return op, func(dst any) error { return decodeQueryInput(dst, op.input, form) }, http.StatusOK, nil
	case restJSON1:
		q := r.URL.Query()
		parts := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/")
		for _, rt := range svc.routes {
			labels, ok := rt.match(r.Method, parts, q)
			if !ok {
				continue
			}
			return rt.op, func(dst any) error {
				return decodeJSONInput(dst, rt.op.input, body, true, &restBindings{labels: labels, query: q, header: r.Header})
			}, rt.okStatus, nil
		}
		return nil, nil, 0, errUnknownOperation(svc.name, r.Method+" "+r.URL.Path)
	}
	return nil, nil, 0, errUnknownOperation(svc.name, r.URL.Path)
}

// writeResponse encodes a successful output.
func (svc *service) writeResponse(w http.ResponseWriter, c *Call, out smithy.Serializable, status int) {
	hasOut := out != nil && !isNilPointer(out)
	// The SDK's serializers leave out zero values a service sends
	// (encode_defaults.go): the streaming serializer writes them from the
	// output's Go value, and the tree path has completeDefaults add them.
	listOp := isListOperation(c.Operation)
	switch svc.protocol {
	case awsJSON11, restJSON1:
		rest := svc.protocol == restJSON1
		buf, _ := svc.bufs.Get().(*bytes.Buffer)
		if buf == nil {
			buf = new(bytes.Buffer)
		}
		defer func() {
			if buf.Cap() <= maxPooledBuffer {
				buf.Reset()
				svc.bufs.Put(buf)
			}
		}()
		streamed := false
		if hasOut {
			js := &jsonSerializer{buf: buf, useJSONName: rest, root: reflect.ValueOf(out), listOp: listOp}
			if rest {
				js.plain = svc.streamable
			}
			out.Serialize(js)
			streamed = !js.fallback
		}
		if hasOut && !streamed {
			buf.Reset()
			ser := &treeSerializer{}
			out.Serialize(ser)
			body := ser.root
			completeDefaults(body, out, listOp)
			if rest && body != nil {
				body = applyRestOutputBindings(w, body, &status)
			}
			writeJSON(buf, body, rest)
		}
		if buf.Len() == 0 {
			buf.WriteString("{}")
		}
		if rest {
			w.Header().Set("Content-Type", "application/json")
		} else {
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		}
		w.Header().Set("X-Amzn-Requestid", c.RequestID)
		w.WriteHeader(status)
		w.Write(buf.Bytes())
	case awsQuery:
		var tree *node
		if hasOut {
			ser := &treeSerializer{}
			out.Serialize(ser)
			tree = ser.root
			completeDefaults(tree, out, listOp)
		}
		var buf bytes.Buffer
		buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
		buf.WriteString("<" + c.Operation + "Response xmlns=\"" + svc.xmlns + "\">")
		// An operation whose model output is Unit (the SDK serializes it
		// with no schema: DeleteRole, SetTopicAttributes...) answers with
		// ResponseMetadata only, as AWS does.
		if tree != nil && tree.sch != nil {
			buf.WriteString("<" + c.Operation + "Result>")
			writeXMLMembers(&buf, tree)
			buf.WriteString("</" + c.Operation + "Result>")
		}
		buf.WriteString("<ResponseMetadata><RequestId>" + c.RequestID + "</RequestId></ResponseMetadata>")
		buf.WriteString("</" + c.Operation + "Response>")
		w.Header().Set("Content-Type", "text/xml")
		w.Header().Set("X-Amzn-Requestid", c.RequestID)
		w.WriteHeader(http.StatusOK)
		w.Write(buf.Bytes())
	}
}

// writeError encodes err the way the service's protocol does.
func (svc *service) writeError(w http.ResponseWriter, requestID string, err error) {
	info := svc.errorInfo(err)
	switch svc.protocol {
	case awsQuery, restXML:
		typ := "Sender"
		if !info.sender {
			typ = "Receiver"
		}
		var buf bytes.Buffer
		buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
		if svc.protocol == restXML {
			buf.WriteString("<Error><Code>" + xmlEscape(info.code) + "</Code><Message>" + xmlEscape(info.message) + "</Message><RequestId>" + requestID + "</RequestId></Error>")
		} else {
			buf.WriteString("<ErrorResponse xmlns=\"" + svc.xmlns + "\"><Error><Type>" + typ + "</Type><Code>" + xmlEscape(info.code) + "</Code><Message>" + xmlEscape(info.message) + "</Message></Error><RequestId>" + requestID + "</RequestId></ErrorResponse>")
		}
		w.Header().Set("Content-Type", "text/xml")
		w.Header().Set("X-Amzn-Requestid", requestID)
		w.WriteHeader(info.status)
		w.Write(buf.Bytes())
	default:
		fields := map[string]any{}
		if info.shape != nil {
			ser := &treeSerializer{}
			info.shape.Serialize(ser)
			var buf bytes.Buffer
			writeJSON(&buf, ser.root, svc.protocol == restJSON1)
			_ = json.Unmarshal(buf.Bytes(), &fields)
		}
		fields["__type"] = info.code
		if _, ok := fields["message"]; !ok {
			if m, ok := fields["Message"]; ok {
				fields["message"] = m
			} else {
				fields["message"] = info.message
			}
		}
		body, _ := json.Marshal(fields)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		if svc.protocol == restJSON1 {
			w.Header().Set("Content-Type", "application/json")
		}
		w.Header().Set("X-Amzn-Errortype", info.code)
		w.Header().Set("X-Amzn-Requestid", requestID)
		w.WriteHeader(info.status)
		w.Write(body)
	}
}

func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}
