// Package backupwire decodes the AWS Backup list responses that hold many
// items (ListBackupJobs, ListCopyJobs, ListRecoveryPointsByBackupVault and
// ListProtectedResources) with fewer allocations than the SDK's own
// deserializer, into the SDK's own output types.
//
// The SDK reads each response body into a buffer grown by doubling (its
// pool keeps only small buffers), allocates every pointer member on its
// own and grows each page's item slice by appending. This package reads
// the body into a pooled buffer sized from Content-Length, parses it with
// a reused fastjson.Parser, sizes each item slice once, takes the pointer
// members of a page from shared blocks and interns the strings that repeat
// across items (account IDs, vault, role and resource ARNs, creators and
// lifecycles), so equal values share one allocation and one pointer.
//
// Outputs decoded here must be treated as read-only: items of a page share
// pointers (two jobs of one vault point at the same BackupVaultArn string,
// two jobs of one backup rule at the same CreatedBy), so writing through
// one item's pointer would change others. The package is internal because
// of that contract; the report reads its pages and never writes to them.
//
// Every response this package does not decode exactly as the SDK would
// (non-2xx status, malformed JSON, a member of an unexpected type, escaped
// strings it cannot prove equal, timestamps out of range) goes to the
// SDK's deserializer instead, so errors and edge cases stay the SDK's.
//
// Pages of a Lists share one pool of decoders; each decoder's parser
// keeps the tree of the largest page it parsed, and its interned strings
// (at most maxInterned of each kind) live as long as the pooled decoder.
package backupwire

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	smithy "github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Lists decodes the successful responses of ListBackupJobs, ListCopyJobs,
// ListRecoveryPointsByBackupVault and ListProtectedResources for the AWS
// Backup clients it is an option of, and leaves every other operation,
// and every error response, to the SDK. Its buffers, parsers and interned
// strings are pooled across those clients, so one Lists serves a whole
// collection (a client per account and Region):
//
//	lists := backupwire.NewLists()
//	client := awsbackup.NewFromConfig(cfg, lists.Option)
//
// A Lists is safe for concurrent use.
type Lists struct {
	decoders sync.Pool
}

// NewLists returns a Lists with empty pools.
func NewLists() *Lists { return &Lists{} }

// Option is an AWS Backup client option that makes the client decode the
// list operations with l. It wraps the client's Protocol, which the SDK's
// "OperationDeserializer" middleware calls, so the middleware stack (body
// closing, request IDs, result metadata, retries, tracing) stays the
// SDK's.
func (l *Lists) Option(o *awsbackup.Options) {
	if o.Protocol == nil {
		return
	}
	if p, ok := o.Protocol.(*protocol); ok && p.lists == l {
		return
	}
	o.Protocol = &protocol{ClientProtocol: o.Protocol, lists: l}
}

// maxPooledBody is the largest body buffer kept for reuse; a page of 1,000
// backup jobs is about 600 KB.
const maxPooledBody = 8 << 20

// protocol decodes the list operations with its Lists and hands
// everything else to the SDK's protocol it wraps.
type protocol struct {
	smithyhttp.ClientProtocol
	lists *Lists
}

// DeserializeResponse implements smithyhttp.ClientProtocol.
func (p *protocol) DeserializeResponse(ctx context.Context, op *smithy.OperationSchema, types *smithy.TypeRegistry, resp *smithyhttp.Response, out smithy.Deserializable) error {
	if resp.StatusCode < 200 || resp.StatusCode >= 300 || !handled(out) {
		return p.ClientProtocol.DeserializeResponse(ctx, op, types, resp, out)
	}
	d, _ := p.lists.decoders.Get().(*decoder)
	if d == nil {
		d = newDecoder()
	}
	defer func() {
		if cap(d.body) > maxPooledBody {
			d.body = nil
		}
		p.lists.decoders.Put(d)
	}()
	body, err := readBody(d.body[:0], resp.Body, resp.ContentLength)
	d.body = body
	if err != nil {
		return &smithy.DeserializationError{Err: fmt.Errorf("reading response body: %w", err)}
	}
	if d.decode(body, out) {
		return nil
	}
	// Not provably the SDK's result: let the SDK decode the same bytes
	// into a fresh output, so its result or error is what the caller sees.
	reset(out)
	orig := resp.Body
	resp.Body = struct {
		io.Reader
		io.Closer
	}{bytes.NewReader(body), orig}
	defer func() { resp.Body = orig }()
	return p.ClientProtocol.DeserializeResponse(ctx, op, types, resp, out)
}

// readBody reads r to its end into buf, sized from n when known.
func readBody(buf []byte, r io.Reader, n int64) ([]byte, error) {
	if n > 0 && n <= maxPooledBody && int64(cap(buf)) < n+1 {
		buf = make([]byte, 0, n+1)
	}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		m, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// handled reports whether out is an output this package decodes.
func handled(out smithy.Deserializable) bool {
	switch out.(type) {
	case *awsbackup.ListBackupJobsOutput, *awsbackup.ListCopyJobsOutput,
		*awsbackup.ListRecoveryPointsByBackupVaultOutput, *awsbackup.ListProtectedResourcesOutput:
		return true
	}
	return false
}

// reset zeroes out, an output handled reports true for.
func reset(out smithy.Deserializable) {
	switch o := out.(type) {
	case *awsbackup.ListBackupJobsOutput:
		*o = awsbackup.ListBackupJobsOutput{}
	case *awsbackup.ListCopyJobsOutput:
		*o = awsbackup.ListCopyJobsOutput{}
	case *awsbackup.ListRecoveryPointsByBackupVaultOutput:
		*o = awsbackup.ListRecoveryPointsByBackupVaultOutput{}
	case *awsbackup.ListProtectedResourcesOutput:
		*o = awsbackup.ListProtectedResourcesOutput{}
	}
}
