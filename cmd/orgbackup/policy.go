package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/orgbackup/orgbackup/policy"
	"github.com/orgbackup/orgbackup/spec"
)

// newPolicyGroup is the policy command group.
func newPolicyGroup(e *env) *cobra.Command {
	return newGroup("policy", "validate, compile and resolve Organizations backup policies offline",
		newPolicyValidateCommand(e),
		newPolicyCompileCommand(e),
		newPolicyEffectiveCommand(e),
	)
}

// printErrors prints each error joined in err on its own line.
func printErrors(w io.Writer, err error) {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			printErrors(w, e)
		}
		return
	}
	fmt.Fprintln(w, err)
}

func newPolicyValidateCommand(e *env) *cobra.Command {
	return newCommand("validate FILE...", "check Organizations backup policy files",
		`Checks AWS Organizations BACKUP_POLICY documents: JSON syntax, keys and
inheritance operators, value types, and every rule AWS Backup enforces on the
plans they define. Each problem is printed on stderr as FILE:LINE:COL: PATH:
MESSAGE.
Exit status: 0 when every file is valid, 1 when a problem was found (or on a
usage error).`,
		func(*pflag.FlagSet) runFunc {
			return func(_ context.Context, args []string) int {
				if len(args) == 0 {
					fmt.Fprintln(e.stderr, "orgbackup policy validate: no files given")
					return exitUsage
				}
				code := exitOK
				for _, name := range args {
					data, err := os.ReadFile(name)
					if err != nil {
						fmt.Fprintf(e.stderr, "%s: reading policy: %v\n", name, err)
						code = exitProblem
						continue
					}
					pol, err := policy.ParseOrganizationsPolicy(name, data)
					if err != nil {
						printErrors(e.stderr, err)
						code = exitProblem
						continue
					}
					// A policy may leave settings to be completed by inheritance:
					// AWS accepts it, and the effective policy must supply them.
					for _, n := range pol.Incomplete {
						fmt.Fprintf(e.stderr, "note: %s (to be completed by a policy it inherits from or one attached below it)\n", n.Error())
					}
				}
				return code

			}
		})
}

// listFlag is a comma-separated list.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

// Type names the flag's value in help.
func (l *listFlag) Type() string { return "list" }

func (l *listFlag) Set(s string) error {
	*l = nil
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			*l = append(*l, part)
		}
	}
	return nil
}

func newPolicyCompileCommand(e *env) *cobra.Command {
	return newCommand("compile --tier production|staging|development", "print a tier's Organizations backup policy",
		`Prints the AWS Organizations BACKUP_POLICY of a tier of the centralized backup
architecture, exactly as 'orgbackup plan' builds it for a spec with the same
values: a daily (weekly for development) rule backing up resources tagged
--tag-key=--tag-value to the local vault of each account, copying to the
central backup account's vault (production and staging) and to its secondary
region vault (production). $account in ARNs stands for each workload account.`,
		func(fs *pflag.FlagSet) runFunc {
			var (
				tierName      = fs.String("tier", "", "`tier` of the preset plan: production, staging or development (required)")
				backupAccount = fs.String("backup-account", "", "`ID` of the central backup account that holds the central vaults; required by production and staging unless --central-vault-arn (and for production --secondary-vault-arn) are given")
				centralVault  = fs.String("central-vault", spec.DefaultCentralVault, "`name` of the central vaults in the backup account")
				primaryRegion = fs.String("primary-region", "us-east-1", "`region` of the primary central vault, and the default of --regions")
				secondRegion  = fs.String("secondary-region", "us-west-2", "`region` of the secondary central vault (production copies there too)")
				centralARN    = fs.String("central-vault-arn", "", "`ARN` of the primary central vault (default: from --backup-account, --primary-region and --central-vault)")
				secondaryARN  = fs.String("secondary-vault-arn", "", "`ARN` of the secondary central vault (default: from --backup-account, --secondary-region and --central-vault)")
				localVault    = fs.String("local-vault", spec.DefaultLocalVault, "`name` of the local vault in each workload account")
				roleName      = fs.String("role-name", spec.DefaultBackupRole, "`name` (with path) of the IAM role AWS Backup assumes in each workload account; the role ARN uses $account")
				roleARN       = fs.String("role-arn", "", "`ARN` of that role, overriding --role-name")
				tagKey        = fs.String("tag-key", spec.DefaultSelectionTagKey, "tag `key` that selects the resources to back up")
				tagValue      = fs.String("tag-value", "", "tag `value` that selects the resources to back up (default: the tier's name)")
				planName      = fs.String("plan-name", "", "backup plan `name` (default: orgbackup-TIER)")
				timezone      = fs.String("timezone", "", "IANA time `zone` of the schedule (default: UTC)")
				specName      = fs.String("spec-name", spec.DefaultName, "`name` of the spec, in the plan's orgbackup:spec tag")
				childControl  = fs.String("child-control", "", "`mode` of @@operators_allowed_for_child_policies: \"\" (none written: child policies may change anything), lock-plan (child policies may add plans but not change this one) or lock-all (child policies may change nothing)")
				compact       = fs.Bool("compact", false, "print compact JSON, the smallest form against the 10,000-character policy quota")
				regions       listFlag
			)
			fs.Var(&regions, "regions", "comma-separated `regions` the policy deploys the plan to (default: --primary-region)")
			return func(_ context.Context, args []string) int {
				if len(args) > 0 {
					fmt.Fprintf(e.stderr, "orgbackup policy compile: unexpected argument %q\n", args[0])
					return exitUsage
				}
				tier, ok := policy.ParseTier(*tierName)
				if !ok {
					fmt.Fprintf(e.stderr, "orgbackup policy compile: --tier must be production, staging or development, not %q\n", *tierName)
					return exitUsage
				}
				if len(regions) == 0 {
					regions = listFlag{*primaryRegion}
				}
				central, secondary := *centralARN, *secondaryARN
				if *backupAccount != "" {
					if central == "" {
						central = policy.NewVaultARN(*primaryRegion, *backupAccount, *centralVault)
					}
					if secondary == "" {
						secondary = policy.NewVaultARN(*secondRegion, *backupAccount, *centralVault)
					}
				}
				if tier.CentralRetention() > 0 && central == "" || tier.CrossRegion() && secondary == "" {
					fmt.Fprintf(e.stderr, "orgbackup policy compile: the %s tier copies to the central backup account: give --backup-account (or the vault ARNs)\n", tier)
					return exitUsage
				}
				var cc policy.ChildControl
				switch *childControl {
				case "":
				case "lock-plan":
					cc = policy.ChildControl{Plans: policy.ChildOperators{policy.OperatorAppend}, Plan: policy.Locked, Settings: policy.Locked}
				case "lock-all":
					cc = policy.ChildControl{Plans: policy.Locked, Plan: policy.Locked, Settings: policy.Locked}
				default:
					fmt.Fprintf(e.stderr, "orgbackup policy compile: --child-control must be lock-plan or lock-all, not %q\n", *childControl)
					return exitUsage
				}
				plan, err := compileTierPlan(tier, compileFlags{
					backupAccount: *backupAccount, centralVault: *centralVault, primary: *primaryRegion, secondary: *secondRegion,
					centralARN: central, secondaryARN: secondary, localVault: *localVault, roleName: *roleName, roleARN: *roleARN,
					tagKey: *tagKey, tagValue: *tagValue, planName: *planName, timezone: *timezone, regions: regions, specName: *specName,
				})
				if err != nil {
					fmt.Fprintf(e.stderr, "orgbackup policy compile: %v\n", err)
					return exitProblem
				}
				opts := policy.CompileOptions{ChildControl: cc, Indent: "  "}
				if *compact {
					opts.Indent = ""
				}
				docs, err := policy.CompileOrganizationsPolicy([]policy.Plan{*plan}, opts)
				if err != nil {
					printErrors(e.stderr, err)
					return exitProblem
				}
				for _, d := range docs {
					fmt.Fprintf(e.stdout, "%s\n", d)
				}
				return exitOK

			}
		})
}

func newPolicyEffectiveCommand(e *env) *cobra.Command {
	return newCommand("effective [--account-id ID] FILE...", "compute an account's effective backup policy",
		`Computes the effective backup policy of an account from the policies attached
on the path from the organization root to the account: one FILE per level,
root first, account last. Several policies attached at one level are given
as one argument joined with commas, in attachment order. Prints the effective
policy as JSON; changes that inheritance rules ignore are printed to stderr.
Exit status: 0 on success, 1 on invalid policies, no effective policy or a
usage error.`,
		func(fs *pflag.FlagSet) runFunc {
			accountID := fs.String("account-id", "", "12-digit `ID` of the account; $account in ARNs is replaced by it (default: $account is left in place)")
			return func(_ context.Context, args []string) int {
				if len(args) == 0 {
					fmt.Fprintln(e.stderr, "orgbackup policy effective: no files given")
					return exitUsage
				}
				id := *accountID
				if id != "" && !policy.IsAccountID(id) {
					fmt.Fprintf(e.stderr, "orgbackup policy effective: --account-id must be 12 digits, not %q\n", id)
					return exitUsage
				}
				if id == "" {
					// Any ID will do: the unresolved JSON leaves $account in place.
					id = "000000000000"
				}
				var levels []policy.PolicyLevel
				for i, arg := range args {
					lv := policy.PolicyLevel{Target: fmt.Sprintf("level-%d", i+1)}
					for _, name := range strings.Split(arg, ",") {
						data, err := os.ReadFile(name)
						if err != nil {
							fmt.Fprintf(e.stderr, "%s: reading policy: %v\n", name, err)
							return exitProblem
						}
						lv.Policies = append(lv.Policies, policy.PolicySource{Name: name, Content: data})
					}
					levels = append(levels, lv)
				}
				eff, err := policy.EffectivePolicy(levels, id)
				if eff != nil {
					for _, v := range eff.Violations {
						fmt.Fprintf(e.stderr, "%s (ignored)\n", v)
					}
				}
				if err != nil {
					if errors.Is(err, policy.ErrNoEffectivePolicy) {
						fmt.Fprintln(e.stderr, "orgbackup policy effective: no effective backup policy")
						return exitProblem
					}
					printErrors(e.stderr, err)
					return exitProblem
				}
				out := eff.JSON
				if *accountID != "" {
					out = eff.Resolved
				}
				fmt.Fprintf(e.stdout, "%s\n", out)
				return exitOK

			}
		})
}

// compileFlags are the values policy compile builds a tier's plan from.
type compileFlags struct {
	backupAccount, centralVault, primary, secondary string
	centralARN, secondaryARN                        string
	localVault, roleName, roleARN                   string
	tagKey, tagValue, planName, timezone, specName  string
	regions                                         []string
}

// compileTierPlan builds the plan of a preset tier through a spec holding
// the flags' values, so that policy compile and plan share one builder
// (spec.Spec.TierPlan); the flags that name ARNs or the plan directly are
// applied to the result.
func compileTierPlan(tier policy.Tier, f compileFlags) (*policy.Plan, error) {
	value := f.tagValue
	if value == "" {
		value = tier.String()
	}
	sp := &spec.Spec{
		Version: 1,
		Name:    f.specName,
		Organization: spec.Organization{
			BackupAccount: f.backupAccount,
			Regions:       spec.Regions{Primary: f.primary, Secondary: f.secondary},
		},
		Tiers:   map[string]spec.Tier{tier.String(): {Timezone: f.timezone, Selection: &spec.Selection{Tags: map[string]string{f.tagKey: value}}}},
		Central: spec.Central{Vault: f.centralVault},
		Local:   spec.Local{Vault: f.localVault, BackupRole: f.roleName},
	}
	sp.SetDefaults()
	p, err := sp.TierPlan(tier.String())
	if err != nil {
		return nil, err
	}
	if f.planName != "" {
		p.Name = f.planName
	}
	if len(f.regions) > 0 {
		p.Regions = slices.Clone(f.regions)
	}
	for i := range p.Selections {
		if f.roleARN != "" {
			p.Selections[i].IAMRoleARN = f.roleARN
		}
	}
	for r := range p.Rules {
		for c := range p.Rules[r].CopyActions {
			ca := &p.Rules[r].CopyActions[c]
			switch ca.DestinationVaultARN {
			case sp.CentralVaultARN(f.primary):
				ca.DestinationVaultARN = f.centralARN
			case sp.CentralVaultARN(f.secondary):
				ca.DestinationVaultARN = f.secondaryARN
			}
		}
	}
	return p, nil
}
