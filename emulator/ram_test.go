package emulator_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsram "github.com/aws/aws-sdk-go-v2/service/ram"
	ramtypes "github.com/aws/aws-sdk-go-v2/service/ram/types"

	"github.com/orgbackup/orgbackup/emulator"
)

func TestRAMShareAirGappedVault(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newTestServer(t)
	bk := awsbackup.NewFromConfig(srv.Config(emulator.BackupAccountID, "us-east-1"))
	ag := must(bk.CreateLogicallyAirGappedBackupVault(ctx, &awsbackup.CreateLogicallyAirGappedBackupVaultInput{
		BackupVaultName: aws.String("ag"), MinRetentionDays: aws.Int64(7), MaxRetentionDays: aws.Int64(30)}))(t, "CreateLogicallyAirGappedBackupVault")
	plain := must(bk.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("plain")}))(t, "CreateBackupVault")
	owner := awsram.NewFromConfig(srv.Config(emulator.BackupAccountID, "us-east-1"))

	tests := map[string]struct {
		in   awsram.CreateResourceShareInput
		code string
	}{
		"a standard vault":   {in: awsram.CreateResourceShareInput{Name: aws.String("s"), ResourceArns: []string{*plain.BackupVaultArn}}, code: "InvalidParameterException"},
		"another's resource": {in: awsram.CreateResourceShareInput{Name: aws.String("s"), ResourceArns: []string{"arn:aws:backup:us-east-1:333333333333:backup-vault:ag"}}, code: "UnknownResourceException"},
		"an outside principal, external not allowed": {
			in:   awsram.CreateResourceShareInput{Name: aws.String("s"), ResourceArns: []string{*ag.BackupVaultArn}, Principals: []string{"999999999999"}, AllowExternalPrincipals: aws.Bool(false)},
			code: "OperationNotPermittedException"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := owner.CreateResourceShare(ctx, &tc.in)
			if errorCode(err) != tc.code {
				t.Errorf("CreateResourceShare: %v, want %s", err, tc.code)
			}
		})
	}

	share := must(owner.CreateResourceShare(ctx, &awsram.CreateResourceShareInput{Name: aws.String("recovery"), ResourceArns: []string{*ag.BackupVaultArn},
		Principals: []string{"555555555555", "999999999999"}}))(t, "CreateResourceShare")
	assocs := must(owner.GetResourceShareAssociations(ctx, &awsram.GetResourceShareAssociationsInput{AssociationType: ramtypes.ResourceShareAssociationTypePrincipal,
		ResourceShareArns: []string{*share.ResourceShare.ResourceShareArn}}))(t, "GetResourceShareAssociations")
	got := map[string]ramtypes.ResourceShareAssociationStatus{}
	for _, a := range assocs.ResourceShareAssociations {
		got[*a.AssociatedEntity] = a.Status
	}
	// In the organization at once; outside it, an invitation is pending.
	if got["555555555555"] != ramtypes.ResourceShareAssociationStatusAssociated || got["999999999999"] != ramtypes.ResourceShareAssociationStatusAssociating {
		t.Errorf("principal associations %v", got)
	}
	for account, want := range map[string]int{"555555555555": 1, "444444444444": 0} {
		c := awsram.NewFromConfig(srv.Config(account, "us-east-1"))
		out := must(c.GetResourceShares(ctx, &awsram.GetResourceSharesInput{ResourceOwner: ramtypes.ResourceOwnerOtherAccounts}))(t, "GetResourceShares")
		if len(out.ResourceShares) != want {
			t.Errorf("account %s sees %d shares from other accounts, want %d", account, len(out.ResourceShares), want)
		}
	}
	must(owner.DisassociateResourceShare(ctx, &awsram.DisassociateResourceShareInput{ResourceShareArn: share.ResourceShare.ResourceShareArn, Principals: []string{"555555555555"}}))(t, "DisassociateResourceShare")
	out := must(awsram.NewFromConfig(srv.Config("555555555555", "us-east-1")).GetResourceShares(ctx, &awsram.GetResourceSharesInput{ResourceOwner: ramtypes.ResourceOwnerOtherAccounts}))(t, "GetResourceShares")
	if len(out.ResourceShares) != 0 {
		t.Errorf("after disassociation the account still sees %d shares", len(out.ResourceShares))
	}
}
