package alerting

import (
	"context"
	"fmt"
	"slices"

	awsevents "github.com/aws/aws-sdk-go-v2/service/eventbridge"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/orgbackup/orgbackup/githubiam"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/spec"
)

// Break-glass alerts. AWS STS's calls reach EventBridge through
// CloudTrail with source "aws.sts", detail-type "AWS API Call via
// CloudTrail" and the call's eventName and requestParameters ("AWS
// Security Token Service events", EventBridge events reference). STS is a
// global service, whose events are delivered to the default bus in
// us-east-1 only ("Why does my EventBridge rule for IAM events only
// trigger in the us-east-1 Region?", AWS re:Post Knowledge Center). So
// every account with the break-glass role has a rule in us-east-1 that
// sends AssumeRole of the role to the backup account's alerts bus in the
// primary Region (a bus target may be in another Region), through the
// forwarding role; there a rule publishes to the break-glass topic, which
// team_roles.break_glass.recipients (by default the notification emails)
// subscribe to.
const (
	// BreakGlassRuleName names the rules and the topic of break-glass
	// alerts.
	BreakGlassRuleName = "orgbackup-break-glass"
	// BreakGlassRegion is where STS's events are delivered.
	BreakGlassRegion = "us-east-1"
)

// BreakGlassPattern matches AssumeRole of the break-glass role. It
// matches the role ARN by its end, so that the role's path, present or
// not in the request's roleArn, does not matter.
var BreakGlassPattern = mustJSON(map[string]any{
	"source":      []string{"aws.sts"},
	"detail-type": []string{"AWS API Call via CloudTrail"},
	"detail": map[string]any{
		"eventSource":       []string{"sts.amazonaws.com"},
		"eventName":         []string{"AssumeRole"},
		"requestParameters": map[string]any{"roleArn": []any{map[string]string{"suffix": "/" + githubiam.BreakGlassRole}}},
	},
})

// BreakGlassRecipients are the addresses alerted when the break-glass
// role is assumed: team_roles.break_glass.recipients, else the spec's
// notification emails; none when the spec has no break-glass role.
func BreakGlassRecipients(sp *spec.Spec) []string {
	if sp.TeamRoles == nil || sp.TeamRoles.BreakGlass == nil {
		return nil
	}
	if r := sp.TeamRoles.BreakGlass.Recipients; len(r) > 0 {
		return slices.Clone(r)
	}
	if sp.Notifications != nil {
		return slices.Clone(sp.Notifications.Emails)
	}
	return nil
}

// planBreakGlass plans the break-glass alert path in env.Account: the
// forwarding rule in every account that has the role (all but the
// management account), and in the backup account the topic and the rule
// on the alerts bus. busPlanned says whether the job alerts already plan
// the alerts bus in the primary Region.
func planBreakGlass(ctx context.Context, env Env, recipients []string, tags map[string]string, role Role, busPlanned bool) ([]plan.Change, error) {
	sp := env.Spec
	backupAccount, primary := sp.Organization.BackupAccount, sp.Organization.Regions.Primary
	cfg, err := env.Config(BreakGlassRegion)
	if err != nil {
		return nil, err
	}
	var out []plan.Change
	fwd := Rule{Bus: "default", Name: BreakGlassRuleName, Pattern: plan.Raw(BreakGlassPattern),
		Description: "Use of the break-glass role, to the backup account (orgbackup)",
		Targets:     []Target{{ID: "orgbackup-alerts-bus", ARN: BusARN(primary, backupAccount), RoleARN: role.ARN(env.Account)}}, Tags: tags}
	cs, err := PlanRule(ctx, awsevents.NewFromConfig(cfg), env.Account, BreakGlassRegion, fwd)
	if err != nil {
		return nil, err
	}
	roleAddr := plan.Address{Account: env.Account, Region: plan.Global, Kind: KindRole, Name: RoleName}
	for i := range cs {
		cs[i].DependsOn = append(cs[i].DependsOn, roleAddr)
	}
	out = append(out, cs...)
	if env.Account != backupAccount {
		return out, nil
	}
	pcfg, err := env.Config(primary)
	if err != nil {
		return nil, err
	}
	if !busPlanned {
		cs, err := PlanBus(ctx, awsevents.NewFromConfig(pcfg), env.Account, primary, Bus{Name: BusName, Policy: plan.Raw(BusPolicy(BusARN(primary, backupAccount), env.OrgID)), Tags: tags})
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	topic := topicARN(primary, env.Account, BreakGlassRuleName)
	ruleARN := fmt.Sprintf("arn:aws:events:%s:%s:rule/%s/%s", primary, env.Account, BusName, BreakGlassRuleName)
	cs, err = PlanTopic(ctx, awssns.NewFromConfig(pcfg), env.Account, primary, Topic{
		Name: BreakGlassRuleName, Policy: plan.Raw(TierTopicPolicy(topic, ruleARN)), Emails: recipients, Tags: tags,
	})
	if err != nil {
		return nil, err
	}
	out = append(out, cs...)
	central := Rule{Bus: BusName, Name: BreakGlassRuleName, Pattern: plan.Raw(BreakGlassPattern),
		Description: "Use of the break-glass role in the organization, to its recipients (orgbackup)",
		Targets:     []Target{{ID: "orgbackup-break-glass-topic", ARN: topic}}, Tags: tags}
	cs, err = PlanRule(ctx, awsevents.NewFromConfig(pcfg), env.Account, primary, central)
	if err != nil {
		return nil, err
	}
	return append(out, cs...), nil
}
