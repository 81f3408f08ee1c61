package legalhold_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/legalhold"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/spec"
)

const (
	region = "us-east-1"
	prod   = "333333333333"
	stage  = "444444444444"
)

// direct reaches each account with the emulator's account credentials.
type direct struct{ srv *emulator.Server }

func (d direct) Config(_ context.Context, account, region string) (aws.Config, error) {
	return d.srv.Config(account, region), nil
}

// holdWorld has, in prod and stage, a vault "local" with one EC2 point
// (tagged app=billing in prod) and one RDS point, each to be deleted
// after 7 days.
type holdWorld struct {
	srv       *emulator.Server
	resources map[string]string // account/type -> resource ARN
	start     time.Time         // when the backups started
}

func newHoldWorld(t *testing.T) *holdWorld {
	t.Helper()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	ctx := context.Background()
	w := &holdWorld{srv: srv, resources: map[string]string{}, start: srv.Now()}
	for _, a := range []string{prod, stage} {
		cfg := srv.Config(a, region)
		trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"backup.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
		if _, err := awsiam.NewFromConfig(cfg).CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("BackupRole"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
			t.Fatal(err)
		}
		api := awsbackup.NewFromConfig(cfg)
		if _, err := api.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("local")}); err != nil {
			t.Fatal(err)
		}
		tags := map[string]string{"app": "billing"}
		if a == stage {
			tags = nil
		}
		for _, typ := range []emulator.ResourceType{emulator.EC2Instance, emulator.RDSInstance} {
			res := srv.AddResource(a, region, typ, "", tags, 1<<20)
			_, err := api.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{
				BackupVaultName: aws.String("local"), ResourceArn: aws.String(res), IamRoleArn: aws.String("arn:aws:iam::" + a + ":role/BackupRole"),
				Lifecycle: &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(7)},
			})
			if err != nil {
				t.Fatal(err)
			}
			w.resources[a+"/"+string(typ)] = res
		}
	}
	srv.Advance(6 * time.Hour) // the jobs complete
	return w
}

// alive reports which of the world's points still exist.
func (w *holdWorld) alive(t *testing.T) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, a := range []string{prod, stage} {
		pts, err := awsbackup.NewFromConfig(w.srv.Config(a, region)).ListRecoveryPointsByBackupVault(context.Background(), &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("local")})
		if err != nil {
			t.Fatal(err)
		}
		for k, arn := range w.resources {
			for _, p := range pts.RecoveryPoints {
				if aws.ToString(p.ResourceArn) == arn {
					out[k] = true
				}
			}
		}
	}
	return out
}

// TestCreateListRelease holds prod's tagged EC2 point, checks that it
// outlives its lifecycle while the others expire, lists it, and releases
// it only with a reason.
func TestCreateListRelease(t *testing.T) {
	t.Parallel()
	w := newHoldWorld(t)
	ctx := context.Background()
	src := direct{w.srv}
	o := legalhold.Options{Regions: []string{region}, Now: w.srv.Now}
	sel := legalhold.Selection{Accounts: []string{prod, stage}, ResourceTypes: []string{"EC2"}, Tags: map[string]string{"app": "billing"}}
	created, err := legalhold.Create(ctx, src, "case-42", "litigation", sel, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(created) != 1 || created[0].Account != prod || len(created[0].Points) != 1 || !slices.Equal(created[0].Resources, []string{w.resources[prod+"/EC2"]}) || created[0].Existing {
		t.Fatalf("Create = %+v, want one new hold in %s on its EC2 point", created, prod)
	}
	again, err := legalhold.Create(ctx, src, "case-42", "litigation", sel, nil, o)
	if err != nil || len(again) != 1 || !again[0].Existing || again[0].ID != created[0].ID {
		t.Errorf("Create again = %+v, %v; want the existing hold", again, err)
	}
	if _, err := legalhold.Create(ctx, src, "case-43", " ", sel, nil, o); err == nil {
		t.Error("Create without a description succeeded")
	}

	w.srv.Advance(10 * 24 * time.Hour)
	if got, want := w.alive(t), map[string]bool{prod + "/EC2": true}; !equal(got, want) {
		t.Errorf("after the lifecycle, alive points = %v, want only the held one %v", got, want)
	}
	holds, err := legalhold.List(ctx, src, []string{prod, stage}, []string{region})
	if err != nil {
		t.Fatal(err)
	}
	if len(holds) != 1 || holds[0].Title != "case-42" || holds[0].Status != "ACTIVE" || !slices.Equal(holds[0].Points, created[0].Points) {
		t.Errorf("List = %+v", holds)
	}

	if _, err := legalhold.Release(ctx, src, "case-42", "", []string{prod}, []string{region}); err == nil {
		t.Error("Release without a reason succeeded")
	}
	released, err := legalhold.Release(ctx, src, "case-42", "case settled", []string{prod, stage}, []string{region})
	if err != nil || len(released) != 1 {
		t.Fatalf("Release = %+v, %v; want one", released, err)
	}
	w.srv.Advance(2 * 24 * time.Hour)
	if got := w.alive(t); len(got) != 0 {
		t.Errorf("after the release, alive points = %v, want none", got)
	}
}

// TestPlanDeclaredHold plans a spec's hold by tier and date range, applies
// it through its kind and plans nothing more.
func TestPlanDeclaredHold(t *testing.T) {
	t.Parallel()
	w := newHoldWorld(t)
	ctx := context.Background()
	src := direct{w.srv}
	day := w.start.UTC().Format(time.DateOnly)
	holds := []spec.LegalHold{{Title: "audit", Description: "regulator request", Tiers: []string{"production"}, ResourceTypes: []string{"RDS"}, From: day, To: day}}
	tierOf := map[string][]string{prod: {"production"}, stage: {"staging"}}
	o := legalhold.Options{Regions: []string{region}, Now: w.srv.Now}
	changes, err := legalhold.Plan(ctx, src, holds, tierOf, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || changes[0].Address.String() != prod+"/"+region+"/backup_legal_hold/audit" || changes[0].Action != plan.Create {
		t.Fatalf("Plan = %v, want one create in %s", changes, prod)
	}
	k := legalhold.Kinds()[0]
	if err := k.Apply(ctx, plan.ApplyEnv{Config: w.srv.Config(prod, region)}, changes[0]); err != nil {
		t.Fatal(err)
	}
	if again, err := legalhold.Plan(ctx, src, holds, tierOf, nil, o); err != nil || len(again) != 0 {
		t.Errorf("Plan after apply = %v, %v; want none", again, err)
	}
	w.srv.Advance(10 * 24 * time.Hour)
	if got, want := w.alive(t), map[string]bool{prod + "/RDS": true}; !equal(got, want) {
		t.Errorf("alive points = %v, want %v", got, want)
	}
	// Outside the date range, nothing is selected.
	holds[0].From, holds[0].To = "2001-01-01", "2001-01-02"
	holds[0].Title = "old"
	if cs, err := legalhold.Plan(ctx, src, holds, tierOf, nil, o); err != nil || len(cs) != 0 {
		t.Errorf("Plan for an empty date range = %v, %v; want none", cs, err)
	}
}

func equal(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}
