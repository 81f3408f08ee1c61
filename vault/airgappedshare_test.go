package vault_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsram "github.com/aws/aws-sdk-go-v2/service/ram"
	ramtypes "github.com/aws/aws-sdk-go-v2/service/ram/types"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/vault"
)

func TestAirGappedShare(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := emulator.NewServer()
	defer srv.Close()
	cfg := srv.Config(emulator.BackupAccountID, "us-east-1")
	ag, err := awsbackup.NewFromConfig(cfg).CreateLogicallyAirGappedBackupVault(ctx, &awsbackup.CreateLogicallyAirGappedBackupVaultInput{
		BackupVaultName: aws.String("ag"), MinRetentionDays: aws.Int64(7), MaxRetentionDays: aws.Int64(30)})
	if err != nil {
		t.Fatal(err)
	}
	kinds, err := backup.Kinds()
	if err != nil {
		t.Fatal(err)
	}
	k, ok := kinds.Lookup(vault.KindAirGappedShare)
	if !ok {
		t.Fatal("the share kind is not registered")
	}
	ram := awsram.NewFromConfig(cfg)
	tags := map[string]string{"orgbackup:managed": "true", "orgbackup:spec": "s"}
	steps := []struct {
		name        string
		want        *vault.Share
		action      plan.Action
		destructive bool
		sharedWith  []string
	}{
		{"create", &vault.Share{Name: "share", VaultARN: *ag.BackupVaultArn, Principals: []string{"444444444444", "333333333333"}, Tags: tags}, plan.Create, false, []string{"333333333333", "444444444444"}},
		{"converged", &vault.Share{Name: "share", VaultARN: *ag.BackupVaultArn, Principals: []string{"333333333333", "444444444444"}, Tags: tags}, 0, false, []string{"333333333333", "444444444444"}},
		{"one account less", &vault.Share{Name: "share", VaultARN: *ag.BackupVaultArn, Principals: []string{"333333333333"}, Tags: tags}, plan.Update, true, []string{"333333333333"}},
		{"removed", nil, plan.Delete, true, nil},
	}
	for _, st := range steps {
		cs, err := vault.PlanAirGappedShare(ctx, ram, emulator.BackupAccountID, "us-east-1", "share", st.want)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if st.action == 0 {
			if len(cs) != 0 {
				t.Fatalf("%s: %d changes, want none", st.name, len(cs))
			}
			continue
		}
		if len(cs) != 1 || cs[0].Action != st.action || cs[0].Destructive != st.destructive {
			t.Fatalf("%s: changes %+v, want one %v (destructive %v)", st.name, cs, st.action, st.destructive)
		}
		if err := k.Apply(ctx, plan.ApplyEnv{Config: cfg}, cs[0]); err != nil {
			t.Fatalf("%s: applying: %v", st.name, err)
		}
		var got []string
		for _, a := range []string{"333333333333", "444444444444"} {
			out, err := awsram.NewFromConfig(srv.Config(a, "us-east-1")).GetResourceShares(ctx, &awsram.GetResourceSharesInput{ResourceOwner: ramtypes.ResourceOwnerOtherAccounts})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.ResourceShares) > 0 {
				got = append(got, a)
			}
		}
		if len(got) != len(st.sharedWith) || (len(got) > 0 && got[0] != st.sharedWith[0]) {
			t.Errorf("%s: shared with %v, want %v", st.name, got, st.sharedWith)
		}
	}
}
