package policy

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"

	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// IndexResourceTypes are the resource types a rule's index action may name:
// "Valid values: EBS for Amazon Elastic Block Store, S3 for Amazon Simple
// Storage Service" (IndexAction.ResourceTypes in the Backup API model).
var IndexResourceTypes = []string{"EBS", "S3"}

// MaxIndexActionsPerRule is how many index actions a rule may have: "0 or 1
// index action will be accepted for each BackupRule" (IndexAction in the
// Backup API model).
const MaxIndexActionsPerRule = 1

// CheckIndexResourceTypes checks the resource types of one index action.
func CheckIndexResourceTypes(types []string) error {
	if len(types) == 0 {
		return errors.New("an index action must name its resource types: EBS or S3")
	}
	for _, t := range types {
		if !slices.Contains(IndexResourceTypes, t) {
			return fmt.Errorf("index actions support only resource types EBS and S3, not %q", t)
		}
	}
	return nil
}

// ValidateBackupPlanInput checks a CreateBackupPlan or UpdateBackupPlan
// document with the same rules as Plan.Validate(TargetAPI), which the
// offline checks (validate, policy validate) use too, plus the index action
// rules of members Plan does not model. The emulator's CreateBackupPlan and
// UpdateBackupPlan call it, so the emulator and the offline checks cannot
// disagree on a plan. Errors are *FieldError, joined, in plan order.
func ValidateBackupPlanInput(in *backuptypes.BackupPlanInput) error {
	if in == nil {
		return &FieldError{Message: "backup plan is missing"}
	}
	p := &Plan{Name: apiDeref(in.BackupPlanName)}
	for _, r := range in.Rules {
		p.Rules = append(p.Rules, ruleFromInput(r))
	}
	for _, s := range in.AdvancedBackupSettings {
		p.AdvancedSettings = append(p.AdvancedSettings, AdvancedSetting{
			ResourceType: apiDeref(s.ResourceType),
			Options:      maps.Clone(s.BackupOptions),
		})
	}
	errs := []error{p.Validate(TargetAPI)}
	for i, r := range in.Rules {
		base := []string{"rules", pathKey(apiDeref(r.RuleName), i), "index_actions"}
		if len(r.IndexActions) > MaxIndexActionsPerRule {
			errs = append(errs, &FieldError{Path: base, Message: fmt.Sprintf("%d index actions exceed the maximum of %d per rule", len(r.IndexActions), MaxIndexActionsPerRule)})
		}
		for j, a := range r.IndexActions {
			if err := CheckIndexResourceTypes(a.ResourceTypes); err != nil {
				errs = append(errs, &FieldError{Path: fieldPath(base, strconv.Itoa(j)), Message: err.Error()})
			}
		}
	}
	return errors.Join(errs...)
}

// ruleFromInput converts a rule of a CreateBackupPlan document, keeping
// lifecycle values as given so that validation sees them.
func ruleFromInput(r backuptypes.BackupRuleInput) Rule {
	out := Rule{
		Name:                    apiDeref(r.RuleName),
		Schedule:                apiDeref(r.ScheduleExpression),
		ScheduleTimezone:        apiDeref(r.ScheduleExpressionTimezone),
		StartWindowMinutes:      apiDeref(r.StartWindowMinutes),
		CompletionWindowMinutes: apiDeref(r.CompletionWindowMinutes),
		TargetVault:             apiDeref(r.TargetBackupVaultName),
		Lifecycle:               lifecycleFromInput(r.Lifecycle),
		ContinuousBackup:        apiDeref(r.EnableContinuousBackup),
		RecoveryPointTags:       maps.Clone(r.RecoveryPointTags),
	}
	for _, c := range r.CopyActions {
		out.CopyActions = append(out.CopyActions, CopyAction{
			DestinationVaultARN: apiDeref(c.DestinationBackupVaultArn),
			Lifecycle:           lifecycleFromInput(c.Lifecycle),
		})
	}
	return out
}

func lifecycleFromInput(l *backuptypes.Lifecycle) Lifecycle {
	if l == nil {
		return Lifecycle{}
	}
	return Lifecycle{
		MoveToColdStorageAfterDays:          apiDeref(l.MoveToColdStorageAfterDays),
		DeleteAfterDays:                     apiDeref(l.DeleteAfterDays),
		OptInToArchiveForSupportedResources: apiDeref(l.OptInToArchiveForSupportedResources),
	}
}
