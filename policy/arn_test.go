package policy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseVaultARN(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		arn      string
		allowVar bool
		want     VaultARN
		wantErr  bool
	}{
		"valid":             {arn: "arn:aws:backup:us-east-1:123456789012:backup-vault:central", want: VaultARN{"aws", "us-east-1", "123456789012", "central"}},
		"gov partition":     {arn: "arn:aws-us-gov:backup:us-gov-west-1:123456789012:backup-vault:My_Vault", want: VaultARN{"aws-us-gov", "us-gov-west-1", "123456789012", "My_Vault"}},
		"account variable":  {arn: "arn:aws:backup:us-west-2:$account:backup-vault:dr", allowVar: true, want: VaultARN{"aws", "us-west-2", "$account", "dr"}},
		"variable not here": {arn: "arn:aws:backup:us-west-2:$account:backup-vault:dr", wantErr: true},
		"other variable":    {arn: "arn:aws:backup:us-west-2:$acct:backup-vault:dr", allowVar: true, wantErr: true},
		"vault type":        {arn: "arn:aws:backup:us-east-1:123456789012:vault:central", wantErr: true},
		"wrong service":     {arn: "arn:aws:s3:us-east-1:123456789012:backup-vault:central", wantErr: true},
		"bad region":        {arn: "arn:aws:backup:useast1:123456789012:backup-vault:central", wantErr: true},
		"short account":     {arn: "arn:aws:backup:us-east-1:1234:backup-vault:central", wantErr: true},
		"bad vault name":    {arn: "arn:aws:backup:us-east-1:123456789012:backup-vault:a", wantErr: true},
		"too few parts":     {arn: "arn:aws:backup:us-east-1:123456789012", wantErr: true},
		"not an arn":        {arn: "central", wantErr: true},
		"name with colon":   {arn: "arn:aws:backup:us-east-1:123456789012:backup-vault:a:b", wantErr: true},
		"bad partition":     {arn: "arn:AWS:backup:us-east-1:123456789012:backup-vault:central", wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseVaultARN(tc.arn, tc.allowVar)
			if (err != nil) != tc.wantErr {
				t.Fatalf("ParseVaultARN(%q) error = %v, wantErr %v", tc.arn, err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseVaultARN(%q) mismatch (-want +got):\n%s", tc.arn, diff)
			}
			if err == nil && got.String() != tc.arn {
				t.Errorf("String() = %q, want %q", got.String(), tc.arn)
			}
		})
	}
}

func TestParseRoleARN(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		arn      string
		allowVar bool
		want     RoleARN
		wantErr  bool
	}{
		"valid":          {arn: "arn:aws:iam::123456789012:role/BackupRole", want: RoleARN{"aws", "123456789012", "/", "BackupRole"}},
		"service role":   {arn: "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole", want: RoleARN{"aws", "123456789012", "/service-role/", "AWSBackupDefaultServiceRole"}},
		"variable":       {arn: "arn:aws:iam::$account:role/MyIamRole", allowVar: true, want: RoleARN{"aws", "$account", "/", "MyIamRole"}},
		"variable api":   {arn: "arn:aws:iam::$account:role/MyIamRole", wantErr: true},
		"user":           {arn: "arn:aws:iam::123456789012:user/bob", wantErr: true},
		"region":         {arn: "arn:aws:iam:us-east-1:123456789012:role/r", wantErr: true},
		"wrong service":  {arn: "arn:aws:sts::123456789012:role/r", wantErr: true},
		"empty name":     {arn: "arn:aws:iam::123456789012:role/", wantErr: true},
		"name too long":  {arn: "arn:aws:iam::123456789012:role/" + strings.Repeat("r", 65), wantErr: true},
		"bad name chars": {arn: "arn:aws:iam::123456789012:role/my role", wantErr: true},
		"not an arn":     {arn: "BackupRole", wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseRoleARN(tc.arn, tc.allowVar)
			if (err != nil) != tc.wantErr {
				t.Fatalf("ParseRoleARN(%q) error = %v, wantErr %v", tc.arn, err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseRoleARN(%q) mismatch (-want +got):\n%s", tc.arn, diff)
			}
			if err == nil && got.String() != tc.arn {
				t.Errorf("String() = %q, want %q", got.String(), tc.arn)
			}
		})
	}
}

func TestNewARNs(t *testing.T) {
	t.Parallel()
	if got, want := NewVaultARN("eu-west-1", AccountVariable, "local"), "arn:aws:backup:eu-west-1:$account:backup-vault:local"; got != want {
		t.Errorf("NewVaultARN() = %q, want %q", got, want)
	}
	if got, want := NewRoleARN("123456789012", "/service-role/R"), "arn:aws:iam::123456789012:role/service-role/R"; got != want {
		t.Errorf("NewRoleARN() = %q, want %q", got, want)
	}
}
