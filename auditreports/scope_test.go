package auditreports_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/auditreports"
)

func TestScope(t *testing.T) {
	t.Parallel()
	all, workload := []string{"us-east-1", "us-west-2", "eu-west-1"}, []string{"us-east-1", "eu-west-1"}
	tests := map[string]struct {
		template              string
		wantAccounts, regions []string
	}{
		"backup jobs of the organization":  {"BACKUP_JOB_REPORT", []string{"ROOT"}, all},
		"copy jobs of the organization":    {"COPY_JOB_REPORT", []string{"ROOT"}, all},
		"restore jobs of the organization": {"RESTORE_JOB_REPORT", []string{"ROOT"}, all},
		"compliance stays as it was":       {"RESOURCE_COMPLIANCE_REPORT", nil, workload},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			accounts, regions := auditreports.Scope(tc.template, all, workload)
			if diff := cmp.Diff(tc.wantAccounts, accounts); diff != "" {
				t.Errorf("accounts (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.regions, regions); diff != "" {
				t.Errorf("regions (-want +got):\n%s", diff)
			}
		})
	}
	if diff := cmp.Diff(workload, auditreports.FrameworkRegions(true, workload, []string{"us-east-1", "us-west-2"})); diff != "" {
		t.Errorf("FrameworkRegions(workload) (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"us-east-1", "us-west-2"}, auditreports.FrameworkRegions(false, workload, []string{"us-east-1", "us-west-2"})); diff != "" {
		t.Errorf("FrameworkRegions(backup account) (-want +got):\n%s", diff)
	}
}
