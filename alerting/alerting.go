// Package alerting reconciles the path by which backup, copy and restore
// job failures reach people (kinds event_bus, event_rule and events_role).
//
// AWS Backup puts a "Backup Job State Change", "Copy Job State Change" or
// "Restore Job State Change" event on the default event bus of the job's
// account and Region ("Monitoring AWS Backup events using Amazon
// EventBridge", AWS Backup Developer Guide). Vault notifications would
// publish to an SNS topic in the workload account, where nobody listens;
// so in every workload account and Region a rule on the default bus sends
// failed, expired and aborted backup jobs, failed copy jobs and failed
// restore jobs to the backup account's alerts bus in the same Region,
// through an execution role: EventBridge requires one when the receiving
// bus admits the sender through its organization rather than by account
// ID (PutTargets, EventBridge API Reference). The alerts bus's policy
// admits the organization (aws:PrincipalOrgID); its rule publishes to the
// backup account's notifications topic, to which the spec's emails are
// subscribed, and whose access policy lets events.amazonaws.com publish
// for that rule only (aws:SourceArn; "Amazon SNS permissions", EventBridge
// User Guide). SNS targets must be in the rule's Region, so an alerts bus
// outside the primary Region forwards to the primary Region's bus.
package alerting

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsevents "github.com/aws/aws-sdk-go-v2/service/eventbridge"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/spec"
)

// Names of the resources orgbackup creates for alerts.
const (
	// BusName is the alerts bus in the backup account, in every workload
	// Region.
	BusName = "orgbackup-alerts"
	// CentralRuleName is the rule on the alerts bus.
	CentralRuleName = "orgbackup-alerts"
	// JobFailuresRule and RestoreFailuresRule are the rules on each
	// workload account's default bus.
	JobFailuresRule     = "orgbackup-job-failures"
	RestoreFailuresRule = "orgbackup-restore-failures"
	// RoleName is the execution role EventBridge assumes to forward
	// events to an alerts bus.
	RoleName = "orgbackup-alerts-forwarder"
)

// Patterns of the rules. Backup and copy job events carry "state",
// restore job events "status", as the AWS Backup API names them
// ("Monitoring AWS Backup events using Amazon EventBridge"); copy jobs
// end FAILED (or PARTIAL for composite jobs, which is not a failure of the
// whole), backup jobs FAILED, EXPIRED or ABORTED, restore jobs FAILED or
// ABORTED.
const (
	JobFailuresPattern     = `{"source":["aws.backup"],"detail-type":["Backup Job State Change","Copy Job State Change"],"detail":{"state":["FAILED","EXPIRED","ABORTED"]}}`
	RestoreFailuresPattern = `{"source":["aws.backup"],"detail-type":["Restore Job State Change"],"detail":{"status":["FAILED","ABORTED"]}}`
	CentralPattern         = `{"source":["aws.backup"],"detail-type":["Backup Job State Change","Copy Job State Change","Restore Job State Change"]}`
)

// EventsReader reads EventBridge; EventsWriter changes it.
type EventsReader interface {
	DescribeEventBus(ctx context.Context, in *awsevents.DescribeEventBusInput, optFns ...func(*awsevents.Options)) (*awsevents.DescribeEventBusOutput, error)
	DescribeRule(ctx context.Context, in *awsevents.DescribeRuleInput, optFns ...func(*awsevents.Options)) (*awsevents.DescribeRuleOutput, error)
	ListTargetsByRule(ctx context.Context, in *awsevents.ListTargetsByRuleInput, optFns ...func(*awsevents.Options)) (*awsevents.ListTargetsByRuleOutput, error)
	ListTagsForResource(ctx context.Context, in *awsevents.ListTagsForResourceInput, optFns ...func(*awsevents.Options)) (*awsevents.ListTagsForResourceOutput, error)
}

// EventsWriter changes EventBridge.
type EventsWriter interface {
	EventsReader
	CreateEventBus(ctx context.Context, in *awsevents.CreateEventBusInput, optFns ...func(*awsevents.Options)) (*awsevents.CreateEventBusOutput, error)
	PutPermission(ctx context.Context, in *awsevents.PutPermissionInput, optFns ...func(*awsevents.Options)) (*awsevents.PutPermissionOutput, error)
	PutRule(ctx context.Context, in *awsevents.PutRuleInput, optFns ...func(*awsevents.Options)) (*awsevents.PutRuleOutput, error)
	PutTargets(ctx context.Context, in *awsevents.PutTargetsInput, optFns ...func(*awsevents.Options)) (*awsevents.PutTargetsOutput, error)
	RemoveTargets(ctx context.Context, in *awsevents.RemoveTargetsInput, optFns ...func(*awsevents.Options)) (*awsevents.RemoveTargetsOutput, error)
	TagResource(ctx context.Context, in *awsevents.TagResourceInput, optFns ...func(*awsevents.Options)) (*awsevents.TagResourceOutput, error)
}

// IAMReader reads the execution role; IAMWriter changes it.
type IAMReader interface {
	GetRole(ctx context.Context, in *awsiam.GetRoleInput, optFns ...func(*awsiam.Options)) (*awsiam.GetRoleOutput, error)
	GetRolePolicy(ctx context.Context, in *awsiam.GetRolePolicyInput, optFns ...func(*awsiam.Options)) (*awsiam.GetRolePolicyOutput, error)
}

// IAMWriter changes the execution role.
type IAMWriter interface {
	IAMReader
	CreateRole(ctx context.Context, in *awsiam.CreateRoleInput, optFns ...func(*awsiam.Options)) (*awsiam.CreateRoleOutput, error)
	UpdateAssumeRolePolicy(ctx context.Context, in *awsiam.UpdateAssumeRolePolicyInput, optFns ...func(*awsiam.Options)) (*awsiam.UpdateAssumeRolePolicyOutput, error)
	PutRolePolicy(ctx context.Context, in *awsiam.PutRolePolicyInput, optFns ...func(*awsiam.Options)) (*awsiam.PutRolePolicyOutput, error)
	TagRole(ctx context.Context, in *awsiam.TagRoleInput, optFns ...func(*awsiam.Options)) (*awsiam.TagRoleOutput, error)
}

var (
	_ EventsWriter = (*awsevents.Client)(nil)
	_ IAMWriter    = (*awsiam.Client)(nil)
)

// Kinds returns the kinds this package plans and applies: the role with
// the other identities, buses with the notification topics, rules last,
// once the buses, roles and topics they name exist.
func Kinds() []plan.Kind {
	return []plan.Kind{
		{Name: KindRole, Stage: plan.StageIdentity, Apply: func(ctx context.Context, env plan.ApplyEnv, c plan.Change) error {
			return applyRole(ctx, awsiam.NewFromConfig(env.Config), c)
		}, Tags: LiveTags},
		{Name: KindBus, Stage: plan.StageNotification, Apply: func(ctx context.Context, env plan.ApplyEnv, c plan.Change) error {
			return applyBus(ctx, awsevents.NewFromConfig(env.Config), c)
		}, Tags: LiveTags},
		{Name: KindTopic, Stage: plan.StageNotification, Apply: func(ctx context.Context, env plan.ApplyEnv, c plan.Change) error {
			return applyTopic(ctx, awssns.NewFromConfig(env.Config), c)
		}, Tags: LiveTags},
		{Name: KindRule, Stage: plan.StageReporting, Apply: func(ctx context.Context, env plan.ApplyEnv, c plan.Change) error {
			return applyRule(ctx, awsevents.NewFromConfig(env.Config), c)
		}, Tags: LiveTags},
	}
}

// Enabled reports whether the spec asks for alerts: it has notification
// emails to send them to.
func Enabled(sp *spec.Spec) bool {
	return sp.Notifications != nil && (len(sp.Notifications.Emails) > 0 || len(sp.Notifications.TierEmails) > 0)
}

// Env is what planning one account needs.
type Env struct {
	// Spec is the resolved spec.
	Spec *spec.Spec
	// OrgID is the organization's ID (o-...).
	OrgID string
	// Account is the account planned; Tier its tier ("" for accounts
	// outside the tiers, the backup account among them).
	Account, Tier string
	// Config returns read-only credentials of Account in a Region.
	Config func(region string) (aws.Config, error)
	// TierAccounts are the workload accounts of each tier.
	TierAccounts map[string][]string
}

// PlanAccount plans the alert path's resources in one account: the
// forwarding rules and role in a workload account, the alerts buses,
// their rules and role in the backup account. It is the engine's whole
// wiring of these kinds.
func PlanAccount(ctx context.Context, env Env) ([]plan.Change, error) {
	sp := env.Spec
	breakGlass := BreakGlassRecipients(sp)
	if !Enabled(sp) && len(breakGlass) == 0 {
		return nil, nil
	}
	backupAccount := sp.Organization.BackupAccount
	primary := sp.Organization.Regions.Primary
	tags := managedtags.For(sp.Name, sp.Tags)
	var out []plan.Change
	rolePlanned, busPlanned := false, false
	planRole := func(r Role) error {
		rolePlanned = true
		cfg, err := env.Config(primary)
		if err != nil {
			return err
		}
		cs, err := PlanRole(ctx, awsiam.NewFromConfig(cfg), env.Account, r)
		out = append(out, cs...)
		return err
	}
	switch {
	case !Enabled(sp):
		// Break-glass alerts only.
	case env.Tier != "" && env.Account != backupAccount:
		role := ForwarderRole(env.Account, backupAccount, tags)
		if err := planRole(role); err != nil {
			return nil, err
		}
		roleAddr := plan.Address{Account: env.Account, Region: plan.Global, Kind: KindRole, Name: RoleName}
		for _, region := range sp.WorkloadRegions() {
			cfg, err := env.Config(region)
			if err != nil {
				return nil, err
			}
			api := awsevents.NewFromConfig(cfg)
			target := Target{ID: "orgbackup-alerts-bus", ARN: BusARN(region, backupAccount), RoleARN: role.ARN(env.Account)}
			for _, r := range []Rule{
				{Bus: "default", Name: JobFailuresRule, Pattern: plan.Raw(JobFailuresPattern), Description: "Failed, expired and aborted backup jobs and failed copy jobs, to the backup account (orgbackup)", Targets: []Target{target}, Tags: tags},
				{Bus: "default", Name: RestoreFailuresRule, Pattern: plan.Raw(RestoreFailuresPattern), Description: "Failed and aborted restore jobs, to the backup account (orgbackup)", Targets: []Target{target}, Tags: tags},
			} {
				cs, err := PlanRule(ctx, api, env.Account, region, r)
				if err != nil {
					return nil, err
				}
				for i := range cs {
					cs[i].DependsOn = append(cs[i].DependsOn, roleAddr)
				}
				out = append(out, cs...)
			}
		}
	case env.Account == backupAccount:
		regions := sp.WorkloadRegions()
		if slices.ContainsFunc(regions, func(r string) bool { return r != primary }) {
			if err := planRole(ForwarderRole(env.Account, backupAccount, tags)); err != nil {
				return nil, err
			}
		}
		topic := CentralTopicARN(sp)
		for _, region := range regions {
			cfg, err := env.Config(region)
			if err != nil {
				return nil, err
			}
			api := awsevents.NewFromConfig(cfg)
			cs, err := PlanBus(ctx, api, env.Account, region, Bus{Name: BusName, Policy: plan.Raw(BusPolicy(BusARN(region, backupAccount), env.OrgID)), Tags: tags})
			if err != nil {
				return nil, err
			}
			out = append(out, cs...)
			busPlanned = busPlanned || region == primary
			target := Target{ID: "orgbackup-notifications", ARN: topic}
			if region != primary {
				target = Target{ID: "orgbackup-alerts-primary", ARN: BusARN(primary, backupAccount), RoleARN: ForwarderRole(env.Account, backupAccount, nil).ARN(env.Account)}
			}
			if len(sp.Notifications.Emails) > 0 || region != primary {
				rule := Rule{Bus: BusName, Name: CentralRuleName, Pattern: plan.Raw(CentralPattern), Description: "AWS Backup job failures from the organization, to the notification topic (orgbackup)", Targets: []Target{target}, Tags: tags}
				cs, err = PlanRule(ctx, api, env.Account, region, rule)
				if err != nil {
					return nil, err
				}
				out = append(out, cs...)
			}
			if region == primary {
				cs, err := planTierRecipients(ctx, env, cfg, tags)
				if err != nil {
					return nil, err
				}
				out = append(out, cs...)
			}
		}
	}
	if len(breakGlass) > 0 && env.Account != sp.Organization.ManagementAccount {
		role := ForwarderRole(env.Account, backupAccount, tags)
		if !rolePlanned {
			if err := planRole(role); err != nil {
				return nil, err
			}
		}
		cs, err := planBreakGlass(ctx, env, breakGlass, tags, role, busPlanned)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	return out, nil
}

// BusARN is the ARN of the alerts bus of the backup account in region.
func BusARN(region, backupAccount string) string {
	return fmt.Sprintf("arn:aws:events:%s:%s:event-bus/%s", region, backupAccount, BusName)
}

// CentralRuleARN is the ARN of the alerts bus's rule in region.
func CentralRuleARN(region, backupAccount string) string {
	return fmt.Sprintf("arn:aws:events:%s:%s:rule/%s/%s", region, backupAccount, BusName, CentralRuleName)
}

// CentralTopicARN is the backup account's notification topic in the
// primary Region, which the spec's emails subscribe to.
func CentralTopicARN(sp *spec.Spec) string {
	topic := spec.DefaultTopic
	if sp.Notifications != nil && sp.Notifications.Topic != "" {
		topic = sp.Notifications.Topic
	}
	return fmt.Sprintf("arn:aws:sns:%s:%s:%s", sp.Organization.Regions.Primary, sp.Organization.BackupAccount, topic)
}

// CentralRuleARNs are the rules that publish to the notification topic:
// the alerts bus's rule in the primary Region (the other Regions' rules
// forward to it).
func CentralRuleARNs(sp *spec.Spec) []string {
	return []string{CentralRuleARN(sp.Organization.Regions.Primary, sp.Organization.BackupAccount)}
}

// TierPattern matches the job failures of accounts, among those the
// alerts bus receives.
func TierPattern(accounts []string) string {
	var p map[string]any
	_ = json.Unmarshal([]byte(CentralPattern), &p)
	p["account"] = accounts
	return mustJSON(p)
}

// planTierRecipients plans, in the backup account's primary Region, a
// topic and a rule on the alerts bus for each tier with recipients of its
// own: the rule sends the failures of the tier's accounts only.
func planTierRecipients(ctx context.Context, env Env, cfg aws.Config, tags map[string]string) ([]plan.Change, error) {
	sp := env.Spec
	primary := sp.Organization.Regions.Primary
	var out []plan.Change
	for _, tier := range slices.Sorted(maps.Keys(sp.Notifications.TierEmails)) {
		accounts := slices.Sorted(slices.Values(env.TierAccounts[tier]))
		if len(accounts) == 0 {
			continue
		}
		name := TierTopicName(tier)
		topic := topicARN(primary, env.Account, name)
		ruleARN := CentralRuleARN(primary, env.Account)[:len(CentralRuleARN(primary, env.Account))-len(CentralRuleName)] + name
		cs, err := PlanTopic(ctx, awssns.NewFromConfig(cfg), env.Account, primary, Topic{
			Name: name, Policy: plan.Raw(TierTopicPolicy(topic, ruleARN)), Emails: slices.Clone(sp.Notifications.TierEmails[tier]), Tags: tags,
		})
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
		rule := Rule{Bus: BusName, Name: name, Pattern: plan.Raw(TierPattern(accounts)), Description: "AWS Backup job failures of tier " + tier + "'s accounts, to its owners (orgbackup)",
			Targets: []Target{{ID: "orgbackup-tier-topic", ARN: topic}}, Tags: tags}
		cs, err = PlanRule(ctx, awsevents.NewFromConfig(cfg), env.Account, primary, rule)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	return out, nil
}
