package policy

import (
	"fmt"
	"regexp"
	"strings"
)

// AccountVariable is the variable that Organizations backup policies accept
// in place of the account ID in ARN fields; AWS Backup replaces it with the
// ID of the account the effective policy runs in ("Backup policy syntax and
// examples", AWS Organizations User Guide).
const AccountVariable = "$account"

var (
	arnPartitionPattern = regexp.MustCompile(`^aws(-[a-z]+)*$`)
	arnRegionPattern    = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	arnAccountPattern   = regexp.MustCompile(`^[0-9]{12}$`)
	// BackupVaultName in the Backup API model.
	vaultNameRE = regexp.MustCompile(`^[a-zA-Z0-9\-\_]{2,50}$`)
	// IAM role names and paths (IAM User Guide, "IAM object quotas" and
	// the CreateRole API reference).
	roleNameRE = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	rolePathRE = regexp.MustCompile(`^/([\x21-\x7E]*/)?$`)
)

// VaultARN is a parsed backup vault ARN,
// arn:PARTITION:backup:REGION:ACCOUNT:backup-vault:NAME.
type VaultARN struct {
	// Partition is "aws", "aws-cn", "aws-us-gov", ...
	Partition string
	// Region is the vault's region, for example "us-east-1".
	Region string
	// Account is the 12-digit account ID, or AccountVariable.
	Account string
	// Name is the vault name.
	Name string
}

// String returns the ARN.
func (v VaultARN) String() string {
	return "arn:" + v.Partition + ":backup:" + v.Region + ":" + v.Account + ":backup-vault:" + v.Name
}

// NewVaultARN returns the ARN of vault name in account and region of the
// standard "aws" partition. account may be AccountVariable.
func NewVaultARN(region, account, name string) string {
	return VaultARN{Partition: "aws", Region: region, Account: account, Name: name}.String()
}

// ParseVaultARN parses a backup vault ARN. It accepts AccountVariable as the
// account only if allowAccountVariable is set.
func ParseVaultARN(s string, allowAccountVariable bool) (VaultARN, error) {
	parts := strings.SplitN(s, ":", 7)
	if len(parts) != 7 || parts[0] != "arn" {
		return VaultARN{}, fmt.Errorf("%q is not a backup vault ARN (arn:aws:backup:REGION:ACCOUNT:backup-vault:NAME)", s)
	}
	v := VaultARN{Partition: parts[1], Region: parts[3], Account: parts[4], Name: parts[6]}
	var problems []string
	if !arnPartitionPattern.MatchString(v.Partition) {
		problems = append(problems, fmt.Sprintf("partition %q is not valid", v.Partition))
	}
	if parts[2] != "backup" {
		problems = append(problems, fmt.Sprintf("service is %q, want \"backup\"", parts[2]))
	}
	if !arnRegionPattern.MatchString(v.Region) {
		problems = append(problems, fmt.Sprintf("region %q is not a region code", v.Region))
	}
	if err := checkARNAccount(v.Account, allowAccountVariable); err != nil {
		problems = append(problems, err.Error())
	}
	if parts[5] != "backup-vault" {
		// The Organizations guide itself once showed ":vault:"; AWS Backup
		// vault ARNs use the resource type "backup-vault".
		problems = append(problems, fmt.Sprintf("resource type is %q, want \"backup-vault\"", parts[5]))
	}
	if !vaultNameRE.MatchString(v.Name) {
		problems = append(problems, fmt.Sprintf("vault name %q must match ^[a-zA-Z0-9\\-\\_]{2,50}$", v.Name))
	}
	if len(problems) > 0 {
		return VaultARN{}, fmt.Errorf("%q is not a valid backup vault ARN: %s", s, strings.Join(problems, "; "))
	}
	return v, nil
}

// RoleARN is a parsed IAM role ARN, arn:PARTITION:iam::ACCOUNT:role/PATH/NAME.
type RoleARN struct {
	// Partition is "aws", "aws-cn", "aws-us-gov", ...
	Partition string
	// Account is the 12-digit account ID, or AccountVariable.
	Account string
	// Path is the role path, "/" by default, for example "/service-role/".
	Path string
	// Name is the role name.
	Name string
}

// String returns the ARN.
func (r RoleARN) String() string {
	path := r.Path
	if path == "" {
		path = "/"
	}
	return "arn:" + r.Partition + ":iam::" + r.Account + ":role" + path + r.Name
}

// NewRoleARN returns the ARN of role name (which may include a path, as in
// "service-role/AWSBackupDefaultServiceRole") in account of the standard
// "aws" partition. account may be AccountVariable.
func NewRoleARN(account, name string) string {
	return "arn:aws:iam::" + account + ":role/" + strings.TrimPrefix(name, "/")
}

// ParseRoleARN parses an IAM role ARN. It accepts AccountVariable as the
// account only if allowAccountVariable is set.
func ParseRoleARN(s string, allowAccountVariable bool) (RoleARN, error) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return RoleARN{}, fmt.Errorf("%q is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)", s)
	}
	r := RoleARN{Partition: parts[1], Account: parts[4]}
	var problems []string
	if !arnPartitionPattern.MatchString(r.Partition) {
		problems = append(problems, fmt.Sprintf("partition %q is not valid", r.Partition))
	}
	if parts[2] != "iam" {
		problems = append(problems, fmt.Sprintf("service is %q, want \"iam\"", parts[2]))
	}
	if parts[3] != "" {
		problems = append(problems, "IAM ARNs have no region")
	}
	if err := checkARNAccount(r.Account, allowAccountVariable); err != nil {
		problems = append(problems, err.Error())
	}
	resource, ok := strings.CutPrefix(parts[5], "role/")
	if !ok {
		problems = append(problems, fmt.Sprintf("resource %q does not start with \"role/\"", parts[5]))
	} else {
		i := strings.LastIndexByte(resource, '/')
		r.Path, r.Name = "/"+resource[:i+1], resource[i+1:]
		if i < 0 {
			r.Path = "/"
		}
		if !roleNameRE.MatchString(r.Name) {
			problems = append(problems, fmt.Sprintf("role name %q must be 1 to 64 characters of [A-Za-z0-9+=,.@_-]", r.Name))
		}
		if len(r.Path) > 512 || !rolePathRE.MatchString(r.Path) {
			problems = append(problems, fmt.Sprintf("role path %q is not valid", r.Path))
		}
	}
	if len(problems) > 0 {
		return RoleARN{}, fmt.Errorf("%q is not a valid IAM role ARN: %s", s, strings.Join(problems, "; "))
	}
	return r, nil
}

func checkARNAccount(account string, allowVariable bool) error {
	switch {
	case arnAccountPattern.MatchString(account):
		return nil
	case account == AccountVariable && allowVariable:
		return nil
	case account == AccountVariable:
		return fmt.Errorf("%s is only allowed in Organizations backup policies", AccountVariable)
	case strings.Contains(account, "$"):
		return fmt.Errorf("account %q: the only variable AWS supports is %s", account, AccountVariable)
	default:
		return fmt.Errorf("account %q is not a 12-digit account ID", account)
	}
}
