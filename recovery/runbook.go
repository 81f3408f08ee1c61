package recovery

import (
	"fmt"
	"io"
	"strings"

	"github.com/orgbackup/orgbackup/policy"
	"github.com/orgbackup/orgbackup/spec"
)

// RunbookOptions configure Runbook.
type RunbookOptions struct {
	// SpecFile is the spec's path in the commands. Default
	// spec.DefaultSpecFile.
	SpecFile string
	// Accounts are the tier's accounts (spec.Spec.TierAccounts), listed
	// in the region failover.
	Accounts []string
}

// Runbook profiles: the AWS CLI commands name the account they run in by
// profile.
const (
	// ProfileBackup is the AWS CLI profile of the backup account.
	ProfileBackup = "orgbackup-backup"
	// ProfileTarget is the AWS CLI profile of the account a resource is
	// restored into.
	ProfileTarget = "orgbackup-target"
)

// Runbook writes the recovery runbook of a tier in Markdown: the exact
// commands, orgbackup's and the AWS CLI's, to restore one resource, a
// whole account from the central vault, and every account of the tier in
// the secondary Region from the secondary vault. Every command is in a
// ```bash block that runs as it is once the variables of "Before you
// start" are set, so that the runbook can be executed by tests.
func Runbook(w io.Writer, sp *spec.Spec, tier string, o RunbookOptions) error {
	t, err := sp.Tier(tier)
	if err != nil {
		return err
	}
	if o.SpecFile == "" {
		o.SpecFile = spec.DefaultSpecFile
	}
	org := sp.Organization
	primary, secondary := org.Regions.Primary, org.Regions.Secondary
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	block := func(lines ...string) { p("```bash\n%s\n```\n\n", strings.Join(lines, "\n")) }
	rto := "none set"
	if t.RTO > 0 {
		rto = fmtDuration(t.RTO)
	}
	p("# Recovery runbook: tier %s\n\n", tier)
	p("Spec `%s`, recovery time objective (RTO) %s. Recovery points of the tier are kept %d days in each account's local vault `%s`", sp.Name, rto, t.LocalRetention, sp.Local.Vault)
	if t.CentralRetention > 0 {
		p(", %d days in the central vault `%s` of the backup account %s in %s", t.CentralRetention, sp.Central.Vault, org.BackupAccount, primary)
	}
	if t.CrossRegion && secondary != "" {
		p(", and %d days in its secondary vault in %s", t.SecondaryRetention, secondary)
	}
	p(".\n\n")
	p("A restore creates a new resource and never overwrites one. AWS Backup restores only from a vault of the account and Region that restores, so orgbackup copies a recovery point held elsewhere into the target account (and Region) first.\n\n")

	p("## Before you start\n\n")
	p("orgbackup runs with credentials of the management account %s and assumes `%s` in each account. The AWS CLI commands use two profiles: `%s` for the backup account %s and `%s` for the account you restore into. Set the variables the commands use:\n\n", org.ManagementAccount, org.ExecutionRole, ProfileBackup, org.BackupAccount, ProfileTarget)
	block(
		"export RESOURCE_ARN=arn:aws:rds:"+primary+":123456789012:db:orders  # the resource to restore",
		"export ACCOUNT=123456789012           # its account",
		"export RECOVERY_ACCOUNT=210987654321  # an account to restore into, outside every tier",
	)

	p("## 1. Restore one resource\n\n")
	p("From the local vault, into its own account and Region (the fastest path):\n\n")
	block(fmt.Sprintf("orgbackup restore --spec %s --resource-arn \"$RESOURCE_ARN\" --from local", o.SpecFile))
	if t.CentralRetention > 0 {
		target := ""
		if secondary != "" {
			target = " --target-region " + secondary
		}
		p("From the central vault into the recovery account (when the workload account or its vault is lost):\n\n")
		block(fmt.Sprintf("orgbackup restore --spec %s --resource-arn \"$RESOURCE_ARN\" --from central --target-account \"$RECOVERY_ACCOUNT\"%s", o.SpecFile, target))
	}
	p("The same restore from the local vault with the AWS CLI, in the resource's account (profile `%s`):\n\n", ProfileTarget)
	cli := fmt.Sprintf("--profile %s --region %s", ProfileTarget, primary)
	block(
		fmt.Sprintf("RP_ARN=$(aws backup list-recovery-points-by-backup-vault %s --backup-vault-name %s --by-resource-arn \"$RESOURCE_ARN\" \\", cli, sp.Local.Vault),
		"  --query 'reverse(sort_by(RecoveryPoints[?Status==`COMPLETED`], &CreationDate))[0].RecoveryPointArn' --output text)",
		fmt.Sprintf("TYPE=$(aws backup describe-recovery-point %s --backup-vault-name %s --recovery-point-arn \"$RP_ARN\" --query ResourceType --output text)", cli, sp.Local.Vault),
		fmt.Sprintf("aws backup get-recovery-point-restore-metadata %s --backup-vault-name %s --recovery-point-arn \"$RP_ARN\" --query RestoreMetadata > metadata.json", cli, sp.Local.Vault),
		"# A new resource: a new name where the type takes one, a new file system or bucket.",
		"NAME=restored-$(date -u +%Y%m%d%H%M%S)",
		`jq --arg n "$NAME" 'with_entries(if (.key == "DBInstanceIdentifier" or .key == "DBClusterIdentifier" or .key == "targetTableName" or .key == "DestinationBucketName" or .key == "CreationToken") then .value = $n elif (.key == "newFileSystem" or .key == "NewBucket") then .value = "true" else . end)' metadata.json > restore-metadata.json`,
		fmt.Sprintf("JOB_ID=$(aws backup start-restore-job %s --recovery-point-arn \"$RP_ARN\" --resource-type \"$TYPE\" \\", cli),
		fmt.Sprintf("  --iam-role-arn \"arn:aws:iam::$ACCOUNT:role/%s\" --metadata file://restore-metadata.json --query RestoreJobId --output text)", sp.Local.BackupRole),
		"while :; do",
		fmt.Sprintf("  STATUS=$(aws backup describe-restore-job %s --restore-job-id \"$JOB_ID\" --query Status --output text)", cli),
		"  echo \"restore job $JOB_ID: $STATUS\"",
		"  case \"$STATUS\" in COMPLETED) break ;; FAILED|ABORTED) exit 1 ;; esac",
		"  sleep 300",
		"done",
		fmt.Sprintf("aws backup describe-restore-job %s --restore-job-id \"$JOB_ID\" --query CreatedResourceArn --output text", cli),
	)

	p("## 2. Restore a whole account from the central vault\n\n")
	if t.CentralRetention == 0 {
		p("The tier keeps no central copy (central_retention): restore the account's resources from their local vaults instead.\n\n")
		block(fmt.Sprintf("orgbackup restore --spec %s --account \"$ACCOUNT\" --all --from local", o.SpecFile))
	} else {
		p("What the central vault holds of the account (backup account, profile `%s`):\n\n", ProfileBackup)
		block(fmt.Sprintf("aws backup list-recovery-points-by-backup-vault --profile %s --region %s --backup-vault-name %s \\\n  --query \"RecoveryPoints[?contains(ResourceArn, ':$ACCOUNT:')].[ResourceArn,CreationDate,Status]\" --output text",
			ProfileBackup, primary, sp.Central.Vault))
		p("Every resource of the account, newest recovery point each, into the recovery account:\n\n")
		block(fmt.Sprintf("orgbackup restore --spec %s --account \"$ACCOUNT\" --all --from central --target-account \"$RECOVERY_ACCOUNT\"", o.SpecFile))
	}

	p("## 3. Region failover from the secondary vaults\n\n")
	if !t.CrossRegion || secondary == "" {
		p("The tier makes no cross-region copy (cross_region): there is nothing in %s to fail over to. Restore from the central vault in %s instead (section 2).\n", orDash(secondary), primary)
	} else {
		p("When %s is unavailable, every account of the tier is restored in %s from the backup account's vault `%s` there (%s). Each account receives copies in its recovery vault `%s` (created if missing) first.\n\n",
			primary, secondary, sp.Central.Vault, policy.NewVaultARN(secondary, org.BackupAccount, sp.Central.Vault), DefaultRecoveryVault)
		p("What the secondary vault holds:\n\n")
		block(fmt.Sprintf("aws backup list-recovery-points-by-backup-vault --profile %s --region %s --backup-vault-name %s --query 'RecoveryPoints[].[ResourceArn,CreationDate,Status]' --output text",
			ProfileBackup, secondary, sp.Central.Vault))
		lines := []string{}
		for _, a := range o.Accounts {
			lines = append(lines, fmt.Sprintf("orgbackup restore --spec %s --account %s --all --from secondary --target-region %s", o.SpecFile, a, secondary))
		}
		if len(lines) == 0 {
			lines = append(lines, fmt.Sprintf("orgbackup restore --spec %s --account \"$ACCOUNT\" --all --from secondary --target-region %s", o.SpecFile, secondary))
		}
		block(lines...)
	}
	_, err = io.WriteString(w, b.String())
	return err
}

// RunbookCommands returns the commands of a runbook, one string per
// ```bash block, in order: what a test executes.
func RunbookCommands(markdown string) []string {
	var out []string
	for {
		_, rest, ok := strings.Cut(markdown, "```bash\n")
		if !ok {
			return out
		}
		cmd, after, ok := strings.Cut(rest, "\n```")
		if !ok {
			return out
		}
		out = append(out, cmd)
		markdown = after
	}
}
