package backup_test

import (
	"context"
	"encoding/json"
	"sort"
	"sync"
	"testing"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
)

// callRecorder counts the requests sent, by service, operation and input,
// after every middleware of the Initialize step (a cache answering a call
// means the call is never recorded).
type callRecorder struct {
	mu    sync.Mutex
	calls map[string]int
}

func (r *callRecorder) option(stack *middleware.Stack) error {
	return stack.Serialize.Add(middleware.SerializeMiddlewareFunc("test.Recorder", func(ctx context.Context, in middleware.SerializeInput, next middleware.SerializeHandler) (middleware.SerializeOutput, middleware.Metadata, error) {
		if awsmiddleware.GetServiceID(ctx) == "Organizations" {
			params, _ := json.Marshal(in.Parameters)
			r.mu.Lock()
			r.calls[awsmiddleware.GetOperationName(ctx)+" "+string(params)]++
			r.mu.Unlock()
		}
		return next.HandleSerialize(ctx, in)
	}), middleware.Before)
}

func (r *callRecorder) duplicates() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for k, n := range r.calls {
		if n > 1 {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// TestNoDuplicateOrganizationsCalls checks that planning and drift detection
// never ask Organizations the same thing twice in one run (the same
// operation with the same input): the management account's Organizations
// rate is shared by the whole run, and the topology's ListRoots used to be
// repeated to check the backup policy type.
func TestNoDuplicateOrganizationsCalls(t *testing.T) {
	sp := parseSpec(t, baseSpec)
	o := newSpecOrg(t, sp)
	o.converge(t)

	rec := &callRecorder{calls: map[string]int{}}
	base := o.srv.Config(sp.Organization.ManagementAccount, sp.Organization.Regions.Primary)
	base.APIOptions = append(base.APIOptions, rec.option)
	fleet := crossaccount.NewFleet(base, func(fo *crossaccount.Options) {
		fo.ExecutionRole = sp.Organization.ExecutionRole
		fo.ManagementAccount = sp.Organization.ManagementAccount
		fo.ReadOnly = true
		fo.RatePerSecond = -1
	})
	for _, run := range []struct {
		name string
		fn   func() error
	}{
		{"plan", func() error {
			_, err := backup.PlanChanges(context.Background(), sp, fleet, func(po *backup.PlanOptions) { po.Now = o.srv.Now })
			return err
		}},
		{"drift", func() error {
			_, err := backup.DetectDrift(context.Background(), sp, fleet, func(po *backup.PlanOptions) { po.Now = o.srv.Now })
			return err
		}},
	} {
		rec.calls = map[string]int{}
		if err := run.fn(); err != nil {
			t.Fatalf("%s: %v", run.name, err)
		}
		if len(rec.calls) == 0 {
			t.Fatalf("%s: no Organizations call recorded; the recorder is not installed", run.name)
		}
		if d := rec.duplicates(); len(d) > 0 {
			t.Errorf("%s asked Organizations the same thing more than once: %v", run.name, d)
		}
	}
}
