package policy

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Days is a retention period in days, the unit AWS Backup lifecycles use.
type Days int64

// Weeks returns n weeks as 7*n days.
func Weeks(n int64) Days { return Days(7 * n) }

// Months returns n months as 30*n days, as the AWS CDK's backup rules do
// (BackupPlanRule.monthly5Year moves to cold storage after 30*3 days).
func Months(n int64) Days { return Days(30 * n) }

// Years returns n years as 365*n days: Years(7) is 2555 days. AWS uses 365
// days a year: the Lifecycle API reference gives its maximum as "100 years
// (36,500 days)", and the AWS CDK's BackupPlanRule.monthly7Year keeps
// recovery points 365*7 days.
func Years(n int64) Days { return Days(365 * n) }

// Daily returns a rule that backs up every day at hour:minute (in UTC unless
// Timezone is set).
func Daily(name string, hour, minute int) Rule {
	return Cron(name, fmt.Sprintf("cron(%d %d * * ? *)", minute, hour))
}

// Weekly returns a rule that backs up every week on day at hour:minute.
func Weekly(name string, day time.Weekday, hour, minute int) Rule {
	return Cron(name, fmt.Sprintf("cron(%d %d ? * %s *)", minute, hour, cronWeekday(day)))
}

// Monthly returns a rule that backs up on day of every month at hour:minute.
func Monthly(name string, day, hour, minute int) Rule {
	return Cron(name, fmt.Sprintf("cron(%d %d %d * ? *)", minute, hour, day))
}

// Hourly returns a rule that backs up every hour at minute past the hour,
// the most frequent schedule AWS Backup allows.
func Hourly(name string, minute int) Rule {
	return Cron(name, fmt.Sprintf("cron(%d * * * ? *)", minute))
}

// Cron returns a rule with an AWS cron schedule such as "cron(0 5 ? * * *)".
func Cron(name, expr string) Rule {
	return Rule{Name: name, Schedule: expr}
}

// cronWeekday returns AWS cron's three-letter day name; an out-of-range day
// yields a name that schedule validation rejects.
func cronWeekday(d time.Weekday) string {
	if d < time.Sunday || d > time.Saturday {
		return fmt.Sprintf("DAY%d", int(d))
	}
	return strings.ToUpper(d.String()[:3])
}

// InVault returns r storing its recovery points in the vault named name
// (TargetBackupVaultName).
func (r Rule) InVault(name string) Rule {
	r.TargetVault = name
	return r
}

// KeepDays returns r deleting recovery points n days after creation.
func (r Rule) KeepDays(n int64) Rule {
	r.Lifecycle.DeleteAfterDays = n
	return r
}

// Keep returns r deleting recovery points d after creation.
func (r Rule) Keep(d Days) Rule { return r.KeepDays(int64(d)) }

// ColdAfter returns r moving recovery points to cold storage d after
// creation; AWS requires them to stay there at least 90 days before deletion.
func (r Rule) ColdAfter(d Days) Rule {
	r.Lifecycle.MoveToColdStorageAfterDays = int64(d)
	return r
}

// Archive returns r moving recovery points of supported resource types to
// the archive tier (OptInToArchiveForSupportedResources) instead of cold
// storage.
func (r Rule) Archive() Rule {
	r.Lifecycle.OptInToArchiveForSupportedResources = true
	return r
}

// CopyTo returns r also copying each recovery point to the vault vaultARN,
// keeping the copy for keep (0 keeps it as long as the source).
func (r Rule) CopyTo(vaultARN string, keep Days) Rule {
	return r.Copy(CopyAction{DestinationVaultARN: vaultARN, Lifecycle: Lifecycle{DeleteAfterDays: int64(keep)}})
}

// Copy returns r with the copy action c added.
func (r Rule) Copy(c CopyAction) Rule {
	r.CopyActions = append(slices.Clip(r.CopyActions), c)
	return r
}

// Timezone returns r with its schedule in the IANA time zone tz, for example
// "Europe/Paris" (ScheduleExpressionTimezone).
func (r Rule) Timezone(tz string) Rule {
	r.ScheduleTimezone = tz
	return r
}

// Windows returns r with a start window (a job that has not started by then
// is cancelled) and a completion window (a job that has not completed by
// then is cancelled), both counted from the scheduled time and rounded down
// to whole minutes. A zero duration leaves AWS's default.
func (r Rule) Windows(start, completion time.Duration) Rule {
	r.StartWindowMinutes = int64(start / time.Minute)
	r.CompletionWindowMinutes = int64(completion / time.Minute)
	return r
}

// Continuous returns r creating continuous backups, which allow
// point-in-time restore, for the resource types that support them. AWS keeps
// continuous backups at most 35 days and never in cold storage.
func (r Rule) Continuous() Rule {
	r.ContinuousBackup = true
	return r
}

// Tag returns r adding the tag key=value to the recovery points it creates.
func (r Rule) Tag(key, value string) Rule {
	r.RecoveryPointTags = withMapEntry(r.RecoveryPointTags, key, value)
	return r
}

func withMapEntry(tags map[string]string, key, value string) map[string]string {
	out := maps.Clone(tags)
	if out == nil {
		out = make(map[string]string, 1)
	}
	out[key] = value
	return out
}

// NewPlan returns a plan named name with rules.
func NewPlan(name string, rules ...Rule) *Plan {
	return &Plan{Name: name, Rules: slices.Clone(rules)}
}

// Select adds selections to p and returns p.
func (p *Plan) Select(selections ...Selection) *Plan {
	p.Selections = append(p.Selections, selections...)
	return p
}

// InRegions adds the regions an Organizations backup policy deploys p to and
// returns p.
func (p *Plan) InRegions(regions ...string) *Plan {
	p.Regions = append(p.Regions, regions...)
	return p
}

// WindowsVSS sets the EC2 WindowsVSS advanced backup option, which creates
// application-consistent backups of Windows instances, and returns p.
func (p *Plan) WindowsVSS(enabled bool) *Plan {
	value := "disabled"
	if enabled {
		value = "enabled"
	}
	for i, s := range p.AdvancedSettings {
		if s.ResourceType == "EC2" {
			p.AdvancedSettings[i].Options = withMapEntry(s.Options, "WindowsVSS", value)
			return p
		}
	}
	p.AdvancedSettings = append(p.AdvancedSettings, AdvancedSetting{
		ResourceType: "EC2",
		Options:      map[string]string{"WindowsVSS": value},
	})
	return p
}

// Tag adds the tag key=value to the backup plan itself and returns p.
func (p *Plan) Tag(key, value string) *Plan {
	p.Tags = withMapEntry(p.Tags, key, value)
	return p
}

// Rule returns the rule of p named name, if any.
func (p *Plan) Rule(name string) (Rule, bool) {
	for _, r := range p.Rules {
		if r.Name == name {
			return r, true
		}
	}
	return Rule{}, false
}

var selectionNameInvalidRE = regexp.MustCompile(`[^a-zA-Z0-9\-\_\.]+`)

// ByTag returns a selection of the resources tagged key=value, backed up
// with the IAM role roleARN. Its name, "key-value" with characters AWS does
// not allow in selection names replaced by "-" and cut to 50 characters, can
// be changed with Named.
func ByTag(key, value, roleARN string) Selection {
	return Selection{
		Name:       sanitizeSelectionName(key + "-" + value),
		IAMRoleARN: roleARN,
		ListOfTags: []TagCondition{{Type: StringEquals, Key: key, Value: value}},
	}
}

// ByResources returns a selection, named "resources", of the resources
// whose ARNs match arns ("*" selects every supported resource; a trailing
// "*" matches a prefix), backed up with the IAM role roleARN.
func ByResources(roleARN string, arns ...string) Selection {
	return Selection{Name: "resources", IAMRoleARN: roleARN, Resources: slices.Clone(arns)}
}

func sanitizeSelectionName(s string) string {
	s = selectionNameInvalidRE.ReplaceAllString(s, "-")
	if len(s) > 50 {
		s = s[:50]
	}
	return s
}

// Named returns s renamed to name (SelectionName).
func (s Selection) Named(name string) Selection {
	s.Name = name
	return s
}

// Where returns s further restricted to resources whose tag key matches
// value with op (Conditions; all conditions must match). key is the tag key
// without the "aws:ResourceTag/" prefix, which compiling adds.
func (s Selection) Where(op ConditionType, key, value string) Selection {
	s.Conditions = append(slices.Clip(s.Conditions), TagCondition{Type: op, Key: key, Value: value})
	return s
}

// OrTag returns s also selecting the resources tagged key=value (ListOfTags;
// any tag may match).
func (s Selection) OrTag(key, value string) Selection {
	s.ListOfTags = append(slices.Clip(s.ListOfTags), TagCondition{Type: StringEquals, Key: key, Value: value})
	return s
}

// Except returns s excluding the resources whose ARNs match arns
// (NotResources).
func (s Selection) Except(arns ...string) Selection {
	s.NotResources = append(slices.Clip(s.NotResources), arns...)
	return s
}
