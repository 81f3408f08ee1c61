package accessrole_test

import (
	"context"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/githubiam"
	"github.com/orgbackup/orgbackup/spec"
)

// TestApplyFromBackupAccount runs orgbackup after the bootstrap as GitHub
// would: planning with the plan role's session, applying with the apply
// role's, both in the backup account, through the read-only and deploy
// roles. The spec gains a tier and a management-only setting drifted, so
// the apply touches workload accounts, the organization's backup policies
// and a setting AWS reserves to the management account. Every call the
// management account makes must be one of those reserved operations.
func TestApplyFromBackupAccount(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldSpec)
	ctx := context.Background()
	// Drift of a management-only setting, made by someone else.
	if _, err := awsbackup.NewFromConfig(w.srv.Config(mgmt, "us-east-1")).UpdateGlobalSettings(ctx, &awsbackup.UpdateGlobalSettingsInput{GlobalSettings: map[string]string{"isCrossAccountBackupEnabled": "false"}}); err != nil {
		t.Fatal(err)
	}
	sp, err := spec.Parse("world.yaml", []byte(strings.Replace(worldSpec, "  production: {targets: [Production], restore_testing: {enabled: false}}\n", "  production: {targets: [Production], restore_testing: {enabled: false}}\n  staging: {targets: [Staging]}\n", 1)))
	if err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var mgmtCalls []string
	w.srv.OnCall(func(c *emulator.Call) error {
		if c.Account == mgmt {
			mu.Lock()
			mgmtCalls = append(mgmtCalls, c.Service+":"+c.Operation)
			mu.Unlock()
		}
		return nil
	})
	fleet := func(creds aws.CredentialsProvider, role string, readOnly bool) *crossaccount.Fleet {
		return crossaccount.NewFleet(w.config(creds), func(o *crossaccount.Options) {
			o.ExecutionRole = strings.TrimPrefix(githubiam.RolePath, "/") + role
			o.ManagementAccount = mgmt
			o.ManagementRole = strings.TrimPrefix(githubiam.RolePath, "/") + githubiam.DeployRole
			o.Delegated = true
			o.ReadOnly = readOnly
		})
	}
	planFleet := fleet(w.githubSession(t, "orgbackup-github-plan", "repo:"+repo+":pull_request"), githubiam.ReadOnlyRole, true)
	p, err := backup.PlanChanges(ctx, sp, planFleet, func(o *backup.PlanOptions) { o.Now = w.srv.Now })
	if err != nil {
		t.Fatalf("plan from the backup account: %v", err)
	}
	if len(mgmtCalls) != 0 {
		t.Errorf("planning made calls in the management account: %v", mgmtCalls)
	}
	kinds := map[string]bool{}
	for _, c := range p.Changes {
		kinds[c.Kind] = true
	}
	for _, k := range []string{"backup_global_settings", "backup_vault", "backup_policy", "backup_policy_attachment"} {
		if !kinds[k] {
			t.Errorf("the plan has no %s change; the test would not exercise it (kinds %v)", k, kinds)
		}
	}

	applyFleet := fleet(w.githubSession(t, "orgbackup-github-apply", "repo:"+repo+":ref:refs/heads/main"), githubiam.DeployRole, false)
	if _, err := backup.Apply(ctx, applyFleet, p, func(o *backup.ApplyOptions) { o.Now = w.srv.Now }); err != nil {
		t.Fatalf("apply from the backup account: %v", err)
	}
	mu.Lock()
	got := slices.Clone(mgmtCalls)
	mu.Unlock()
	sort.Strings(got)
	got = slices.Compact(got)
	reserved := map[string]bool{}
	for _, a := range githubiam.ManagementOperations() {
		reserved[a] = true
	}
	for _, c := range got {
		if !reserved[c] {
			t.Errorf("the management account made %s, which AWS does not reserve to it", c)
		}
	}
	if !slices.Contains(got, "backup:UpdateGlobalSettings") {
		t.Errorf("management-account calls %v lack backup:UpdateGlobalSettings, the drifted reserved setting", got)
	}
	t.Logf("management-account operations during apply: %v", got)

	again, err := backup.PlanChanges(ctx, sp, planFleet, func(o *backup.PlanOptions) { o.Now = w.srv.Now })
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Changes) != 0 {
		t.Errorf("plan after apply has %d changes, want none: %v", len(again.Changes), again.Changes)
	}
}
