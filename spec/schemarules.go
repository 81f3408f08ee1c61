package spec

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orgbackup/orgbackup/policy"
)

// Rules of Load that the JSON Schema carries beyond each field's type,
// enum and pattern: the targets' forms, the S3 bucket naming rules, and the
// rules across fields that if/then, not and contains can say. A tier's
// rules depend on its effective preset, which for the tier names
// production, staging and development defaults to the name; so they sit on
// the tiers object, once per preset name and once for every other name.
//
// Rules that compare two values of the spec with each other use the
// keywords of the comparisons vocabulary (schema/vocab), which validators
// without it ignore; see comparisonRules and specComparisons.

// targetSchema: a tier target is a 12-digit account ID, an OU ID, or an OU
// name, which is neither all digits nor starting with ou- (Load reads
// those as account and OU IDs).
func targetSchema(s *schema) {
	s.AnyOf = []*schema{
		{Pattern: "^[0-9]{12}$"},
		{Pattern: ouIDRE.String()},
		{MinLength: ptr(1), Not: &schema{AnyOf: []*schema{{Pattern: "^[0-9]+$"}, {Pattern: "^ou-"}}}},
	}
}

// bucketSchema: the general purpose bucket naming rules checkBucketName
// applies.
func bucketSchema(s *schema) {
	s.Pattern = bucketRE.String()
	octet := `(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])`
	var prefixes, suffixes []string
	for _, p := range bucketReservedPrefixes() {
		prefixes = append(prefixes, regexp.QuoteMeta(p))
	}
	for _, sfx := range bucketReservedSuffixes() {
		suffixes = append(suffixes, regexp.QuoteMeta(sfx))
	}
	s.Not = &schema{AnyOf: []*schema{
		{Pattern: `\.\.`}, // two adjacent periods
		{Pattern: "^" + octet + `(?:\.` + octet + "){3}$"}, // an IPv4 address
		{Pattern: "^" + group(prefixes)},
		{Pattern: group(suffixes) + "$"},
	}}
}

// lockRules: changeable_for_days is required in compliance mode and
// refused in governance mode.
func lockRules() []*schema {
	return withMessages([]*schema{
		{
			Comment: "Compliance mode needs changeable_for_days.",
			If:      is("mode", LockCompliance),
			Then:    set("changeable_for_days"),
		},
		{
			Comment: "changeable_for_days is for compliance mode only.",
			If:      is("mode", LockGovernance),
			Then:    unset("changeable_for_days"),
		},
	})
}

// withMessages gives each rule its comment as the message editors show
// when it fails: on the then branch of an if/then, else on the rule.
func withMessages(rules []*schema) []*schema {
	for _, r := range rules {
		if r.Then != nil {
			r.Then.ErrorMessage = r.Comment
		} else {
			r.ErrorMessage = r.Comment
		}
	}
	return rules
}

// set: the object has the key, with a value other than null.
func set(key string) *schema {
	return &schema{Required: []string{key}, Properties: map[string]*schema{key: {Not: &schema{Type: "null"}}}}
}

// unset: the object lacks the key or has it null, which Load reads alike.
func unset(key string) *schema {
	return &schema{Properties: map[string]*schema{key: {Type: "null"}}}
}

// is: the object has the key with one of the values.
func is(key string, values ...any) *schema {
	return &schema{Required: []string{key}, Properties: map[string]*schema{key: {Enum: values}}}
}

func allOf(s ...*schema) *schema { return &schema{AllOf: s} }
func anyOf(s ...*schema) *schema { return &schema{AnyOf: s} }
func not(s *schema) *schema      { return &schema{Not: s} }

// presetNames returns the names of the presets, which are also the tier
// names that default to them.
func presetNames() []string {
	var out []string
	for _, t := range policy.Tiers() {
		out = append(out, t.String())
	}
	return out
}

// tierFacts says, in JSON Schema, what a tier is given the preset its name
// implies (def: PresetNone, or a preset name for the tier of that name);
// Spec.effectiveTier is the Go counterpart.
type tierFacts struct{ def string }

// preset: the tier's effective preset is one of names: the preset key
// names one, or is unset and the tier's name implies one.
func (f tierFacts) preset(names ...string) *schema {
	values := enumOf(names...)
	if slices.Contains(names, f.def) {
		return &schema{Properties: map[string]*schema{"preset": {Enum: append(values, nil)}}}
	}
	return is("preset", values...)
}

// presetsWhere returns the presets (and PresetNone) for which keep holds.
func presetsWhere(keep func(policy.Tier, bool) bool) []string {
	var out []string
	if keep(0, false) {
		out = append(out, PresetNone)
	}
	for _, t := range policy.Tiers() {
		if keep(t, true) {
			out = append(out, t.String())
		}
	}
	return out
}

// crossRegion: the tier copies to the secondary region: cross_region
// true, or unset with a preset that does.
func (f tierFacts) crossRegion() *schema {
	return anyOf(is("cross_region", true),
		allOf(unset("cross_region"), f.preset(presetsWhere(func(t policy.Tier, ok bool) bool { return ok && t.CrossRegion() })...)))
}

// centralCopy: the tier keeps a central copy: central_retention set, or a
// preset with one.
func (f tierFacts) centralCopy() *schema {
	return anyOf(set("central_retention"),
		f.preset(presetsWhere(func(t policy.Tier, ok bool) bool { return ok && t.CentralRetention() > 0 })...))
}

// awsManaged: the tier's encryption is aws-managed, written or from its
// preset (a custom tier defaults to customer-managed).
func (f tierFacts) awsManaged() *schema {
	return anyOf(is("encryption", string(policy.AWSManagedKey)),
		allOf(unset("encryption"), f.preset(presetsWhere(func(t policy.Tier, ok bool) bool { return ok && t.Encryption() == policy.AWSManagedKey })...)))
}

// selectsOneWayTypes: the tier can select a type of OneWayCopyTypes: its
// resource_types name one, or it names none (all types).
func selectsOneWayTypes() *schema {
	types := &schema{AnyOf: []*schema{
		{Type: "null"},
		{Type: "array", MaxItems: ptr(0)},
		{Type: "array", Contains: &schema{Enum: enumOf(OneWayCopyTypes()...)}},
	}}
	return anyOf(unset("selection"),
		&schema{Properties: map[string]*schema{"selection": {Properties: map[string]*schema{"resource_types": types}}}})
}

// rules are the tier's rules across fields (Validator.tier, consistency).
func (f tierFacts) rules() []*schema {
	testsVault := func(vault string) *schema {
		return &schema{Required: []string{"restore_testing"}, Properties: map[string]*schema{"restore_testing": {
			Required:   []string{"vaults"},
			Properties: map[string]*schema{"vaults": {Type: "array", Contains: &schema{Enum: enumOf(vault)}}},
		}}}
	}
	rules := withMessages([]*schema{
		{
			Comment: "A copy to the air-gapped vault is kept central_retention: the tier needs a central copy.",
			If:      is("air_gapped_copy", true),
			Then:    f.centralCopy(),
		},
		{
			Comment: "Restore tests from the central vault need a central copy (central_retention).",
			If:      testsVault(RestoreVaultCentral),
			Then:    f.centralCopy(),
		},
		{
			Comment: "Restore tests from the secondary vault need a cross-region copy (cross_region).",
			If:      testsVault(RestoreVaultSecondary),
			Then:    f.crossRegion(),
		},
		{
			Comment: "A tier without a preset needs a schedule and a local_retention.",
			If:      f.preset(PresetNone),
			Then:    allOf(set("schedule"), set("local_retention")),
		},
		{
			Comment: "cross_region needs central_retention or secondary_retention.",
			If:      allOf(f.crossRegion(), not(f.centralCopy())),
			Then:    set("secondary_retention"),
		},
		{
			Comment: "secondary_retention has no effect without cross_region.",
			If:      set("secondary_retention"),
			Then:    f.crossRegion(),
		},
		{
			Comment: "Continuous backups are kept 1 to 35 days.",
			If:      is("continuous", true),
			Then:    &schema{Properties: map[string]*schema{"local_retention": {Pattern: continuousRetentionPattern()}}},
		},
		{
			Comment: "Recovery points stay in cold storage 90 days: with cold_after, local_retention is at least 91 days (and at least cold_after plus 90 days).",
			If:      set("cold_after"),
			Then: allOf(set("local_retention"),
				&schema{Properties: map[string]*schema{"local_retention": {Pattern: coldRetentionPattern()}}}),
		},
		{
			Comment: "AWS managed keys cannot be copied across accounts: a tier with a central copy needs customer-managed keys.",
			Not:     allOf(f.centralCopy(), f.awsManaged()),
		},
		{
			Comment: "Without a central copy, the copy to the secondary region would be made from the workload accounts, in one copy job across accounts and Regions, which AWS Backup does not do for " +
				strings.Join(OneWayCopyTypes(), ", ") + ": such a tier needs central_retention or resource_types without them.",
			Not: allOf(f.crossRegion(), not(f.centralCopy()), set("secondary_retention"), selectsOneWayTypes()),
		},
	})
	return append(rules, f.coldStorageRules()...)
}

// coldStorageRules: a cold storage move leaves the 90 days cold storage
// needs before deletion of the retention it applies to, where that
// retention comes from the tier's preset (the written retentions are
// compared by comparisonRules), and for cross-region copies that keep the
// central retention.
func (f tierFacts) coldStorageRules() []*schema {
	coldStorage := func(field string, days policy.Days) *schema {
		allowed := []*schema{{Type: "null"}, {Enum: enumOf(Never)}}
		if days > policy.MinColdStorageDays {
			allowed = append(allowed, &schema{Pattern: durationRangePattern(retentionUnits(), 1, int64(days-policy.MinColdStorageDays))})
		}
		return &schema{Properties: map[string]*schema{"cold_storage": {Properties: map[string]*schema{field: {AnyOf: allowed}}}}}
	}
	var rules []*schema
	for _, pt := range policy.Tiers() {
		name := pt.String()
		rules = append(rules, &schema{
			Comment: "The " + name + " preset keeps local recovery points " + FormatDays(pt.LocalRetention()) + ": cold_storage.local leaves them " + FormatDays(policy.MinColdStorageDays) + " in cold storage.",
			If:      allOf(f.preset(name), unset("local_retention")),
			Then:    coldStorage("local", pt.LocalRetention()),
		})
		if pt.CentralRetention() == 0 {
			continue
		}
		rules = append(rules, &schema{
			Comment: "The " + name + " preset keeps central copies " + FormatDays(pt.CentralRetention()) + ": cold_storage.central leaves them " + FormatDays(policy.MinColdStorageDays) + " in cold storage.",
			If:      allOf(f.preset(name), unset("central_retention")),
			Then:    coldStorage("central", pt.CentralRetention()),
		}, &schema{
			Comment: "Cross-region copies keep the " + name + " preset's central retention " + FormatDays(pt.CentralRetention()) + ": cold_storage.secondary leaves them " + FormatDays(policy.MinColdStorageDays) + " in cold storage.",
			If:      allOf(f.preset(name), unset("central_retention"), unset("secondary_retention"), f.crossRegion()),
			Then:    coldStorage("secondary", pt.CentralRetention()),
		})
	}
	rules = withMessages(rules)
	return append(rules, &schema{
		Comment: "Cross-region copies keep a written central_retention: cold_storage.secondary leaves them " + FormatDays(policy.MinColdStorageDays) + " in cold storage.",
		If:      allOf(unset("secondary_retention"), f.crossRegion()),
		Then: &schema{DurationOrder: []durationOrder{
			{Shorter: "/cold_storage/secondary", Longer: "/central_retention", Plus: FormatDays(policy.MinColdStorageDays)},
		}},
	})
}

// tiersRules applies each tier's rules with its name's preset: the tiers
// named after a preset by their name, the others as custom tiers. The
// properties and additionalProperties of this subschema only select which
// rules apply; the tiers' structure is the tiers object's own.
func tiersRules() *schema {
	s := &schema{
		Comment:              "Rules across a tier's fields, with the preset its name implies.",
		Properties:           map[string]*schema{},
		AdditionalProperties: &schema{AllOf: tierFacts{PresetNone}.rules()},
	}
	for _, p := range presetNames() {
		s.Properties[p] = &schema{
			Description: "The tier " + p + " starts from the " + p + " preset unless it names another.",
			AllOf:       tierFacts{p}.rules(),
		}
	}
	return s
}

// someTier: the spec has a tier for which holds, given the preset its
// name implies, is true; that is, not every tier fails it.
func someTier(holds func(tierFacts) *schema) *schema {
	none := &schema{
		Properties:           map[string]*schema{},
		AdditionalProperties: not(holds(tierFacts{PresetNone})),
	}
	for _, p := range presetNames() {
		none.Properties[p] = not(holds(tierFacts{p}))
	}
	return &schema{Required: []string{"tiers"}, Properties: map[string]*schema{
		"tiers": {Type: "object", Not: none},
	}}
}

// specRules are the rules across sections of the spec.
func specRules() []*schema {
	rules := []*schema{{
		Comment: "A tier with cross_region needs organization.regions.secondary.",
		If:      someTier(tierFacts.crossRegion),
		Then: &schema{Properties: map[string]*schema{
			"organization": {Properties: map[string]*schema{"regions": set("secondary")}},
		}},
	}}
	// A preset's central retention is a constant, so the central vault
	// lock's range must hold it when a tier keeps it (Validator.lockRange);
	// a written central_retention is compared with the range by
	// specComparisons.
	rules = append(rules, presetRetentionRules("lock", "A tier keeping", "a central vault lock range",
		func(tierFacts) *schema { return nil })...)
	rules = append(rules, &schema{
		Comment: "A tier with air_gapped_copy needs central.air_gapped.",
		If:      someTier(func(tierFacts) *schema { return is("air_gapped_copy", true) }),
		Then:    &schema{Required: []string{"central"}, Properties: map[string]*schema{"central": allOf(&schema{Type: "object"}, set("air_gapped"))}},
	})
	// The same holds for the air-gapped vault's retention and the tiers
	// that copy to it. A written central_retention stays Load's: the
	// vocabulary's paths cannot pick the tiers whose air_gapped_copy is
	// true.
	rules = append(rules, presetRetentionRules("air_gapped", "A tier copying to the air-gapped vault with", "an air-gapped vault retention",
		func(tierFacts) *schema { return is("air_gapped_copy", true) })...)
	rules = append(rules, guardrailsRules()...)
	return append(withMessages(rules), specComparisons()...)
}

// presetRetentionRules returns, for each preset with a central retention,
// the rule that a tier keeping it (and matching cond, when not nil) needs
// central.<section>'s min_retention and max_retention to hold it; who and
// what name the tier and the range in the rule's comment.
func presetRetentionRules(section, who, what string, cond func(tierFacts) *schema) []*schema {
	var rules []*schema
	for _, pt := range policy.Tiers() {
		days := int64(pt.CentralRetention())
		if days == 0 {
			continue
		}
		name := pt.String()
		rules = append(rules, &schema{
			Comment: who + " the " + name + " preset's central retention (" + FormatDays(pt.CentralRetention()) + ") needs " + what + " that holds it.",
			If: someTier(func(f tierFacts) *schema {
				if c := cond(f); c != nil {
					return allOf(c, f.preset(name), unset("central_retention"))
				}
				return allOf(f.preset(name), unset("central_retention"))
			}),
			Then: &schema{Properties: map[string]*schema{
				"central": {Properties: map[string]*schema{section: {Properties: map[string]*schema{
					"min_retention": {Pattern: durationRangePattern(retentionUnits(), 1, days)},
					"max_retention": {Pattern: durationRangePattern(retentionUnits(), days, 0)},
				}}}},
			}},
		})
	}
	return rules
}

// guardrailsOn: the spec has a guardrails section not turned off
// (Spec.GuardrailsEnabled).
func guardrailsOn() *schema {
	return &schema{Required: []string{"guardrails"}, Properties: map[string]*schema{
		"guardrails": {Type: "object", Properties: map[string]*schema{"enabled": not(&schema{Enum: []any{false}})}},
	}}
}

// guardrailsRules are the rules of enabled guardrails on their roles that
// if/then can say; the comparisons of written roles are in
// specComparisons.
func guardrailsRules() []*schema {
	guardrail := func(props map[string]*schema) *schema {
		return &schema{Properties: map[string]*schema{"guardrails": {Properties: props}}}
	}
	return []*schema{
		{
			Comment: "The guardrails cannot exempt " + DefaultExecutionRole + ", every account's administrator role.",
			If:      guardrailsOn(),
			Then: guardrail(map[string]*schema{
				"deploy_role":      not(&schema{Enum: enumOf(DefaultExecutionRole)}),
				"break_glass_role": not(&schema{Enum: enumOf(DefaultExecutionRole)}),
			}),
		},
		{
			Comment: "The break-glass role must differ from the deploy role (default " + DefaultDeployRole + ").",
			If:      allOf(guardrailsOn(), guardrail(map[string]*schema{"deploy_role": {Type: "null"}})),
			Then:    guardrail(map[string]*schema{"break_glass_role": not(&schema{Enum: enumOf(DefaultDeployRole)})}),
		},
		{
			Comment: "The deploy role must differ from the break-glass role (default " + DefaultBreakGlassRole + ").",
			If:      allOf(guardrailsOn(), guardrail(map[string]*schema{"break_glass_role": {Type: "null"}})),
			Then:    guardrail(map[string]*schema{"deploy_role": not(&schema{Enum: enumOf(DefaultBreakGlassRole)})}),
		},
		{
			Comment: "The guardrails deny every role but the deploy role: organization.execution_role must be the deploy role, not the default " + DefaultExecutionRole + ".",
			If:      guardrailsOn(),
			Then:    &schema{Properties: map[string]*schema{"organization": set("execution_role")}},
		},
		{
			Comment: "The guardrails deny every role but the deploy role: organization.execution_role must be the deploy role (default " + DefaultDeployRole + ").",
			If:      allOf(guardrailsOn(), guardrail(map[string]*schema{"deploy_role": {Type: "null"}})),
			Then:    &schema{Properties: map[string]*schema{"organization": {Properties: map[string]*schema{"execution_role": {Enum: enumOf(DefaultDeployRole)}}}}},
		},
	}
}

// specComparisons are the comparisons across sections of the spec.
func specComparisons() []*schema {
	var lockRange []durationOrder
	for _, field := range []string{"central_retention", "secondary_retention"} {
		// Load checks secondary_retention only with cross_region, and
		// refuses it without cross_region.
		lockRange = append(lockRange,
			durationOrder{Shorter: "/central/lock/min_retention", Longer: "/tiers/*/" + field},
			durationOrder{Shorter: "/tiers/*/" + field, Longer: "/central/lock/max_retention"})
	}
	return []*schema{
		{
			Comment:  "The management account cannot be a tier's target.",
			Distinct: [][]string{{"/organization/management_account", "/tiers/*/targets/*"}},
		},
		{
			Comment:  "The air-gapped vault is shared with accounts other than the backup account, which owns it.",
			Distinct: [][]string{{"/organization/backup_account", "/central/air_gapped/share_with/*"}},
		},
		{
			Comment: "With guardrails, the break-glass role differs from the deploy role, and orgbackup runs as the deploy role.",
			If:      guardrailsOn(),
			Then: &schema{
				Distinct: [][]string{{"/guardrails/deploy_role", "/guardrails/break_glass_role"}},
				Equal:    [][]string{{"/organization/execution_role", "/guardrails/deploy_role"}},
			},
		},
		{
			Comment: "Legal holds and tier_emails name tiers of the spec.",
			MemberOf: []memberOf{
				{Values: "/legal_holds/*/tiers/*", Of: "/tiers"},
				{Names: "/notifications/tier_emails", Of: "/tiers"},
			},
		},
		{
			Comment:       "A written central_retention or secondary_retention lies within the central vault lock's retention range: AWS Backup would fail the copy jobs.",
			DurationOrder: lockRange,
		},
	}
}

// comparisonRules are the rules of a section ("Type.Field", or
// "Type.Field[]" for the elements of a list or map) that compare two of
// its values. Rules that only the vocabulary's keywords say carry no
// errorMessage: editors, which ignore the keywords, never fail them.
func comparisonRules(key string) []*schema {
	switch key {
	case "Spec.Organization":
		return []*schema{{
			Comment:  "The backup account is not the management account: AWS Backup's delegated administrator is a member account.",
			Distinct: [][]string{{"/management_account", "/backup_account"}},
		}}
	case "Organization.Regions":
		return []*schema{{
			Comment:  "The primary, secondary and additional regions are different regions.",
			Distinct: [][]string{{"/primary", "/secondary", "/additional/*"}},
		}}
	case "Central.Lock", "Central.AirGapped":
		return []*schema{{
			Comment:       "min_retention is at most max_retention.",
			DurationOrder: []durationOrder{{Shorter: "/min_retention", Longer: "/max_retention"}},
		}}
	case "Spec.Central":
		return append([]*schema{{
			Comment:  "The air-gapped vault needs its own name, not the central vault's.",
			Distinct: [][]string{{"/vault", "/air_gapped/vault"}},
		}}, withMessages([]*schema{{
			Comment: "The air-gapped vault needs its own name, not the central vault's default (" + DefaultCentralVault + ").",
			If:      unset("vault"),
			Then: &schema{Properties: map[string]*schema{"air_gapped": {Properties: map[string]*schema{
				"vault": not(&schema{Enum: enumOf(DefaultCentralVault)}),
			}}}},
		}})...)
	case "Spec.Tiers[]":
		cold := FormatDays(policy.MinColdStorageDays)
		return []*schema{
			{
				Comment: "Recovery points stay in cold storage " + cold + ": each written retention is at least its cold storage move plus " + cold + ".",
				DurationOrder: []durationOrder{
					{Shorter: "/cold_after", Longer: "/local_retention", Plus: cold},
					{Shorter: "/cold_storage/local", Longer: "/local_retention", Plus: cold},
					{Shorter: "/cold_storage/central", Longer: "/central_retention", Plus: cold},
					{Shorter: "/cold_storage/secondary", Longer: "/secondary_retention", Plus: cold},
				},
			},
			{
				Comment: "A tier's restore tests test resource types the tier selects.",
				If: &schema{Required: []string{"selection"}, Properties: map[string]*schema{"selection": {
					Required:   []string{"resource_types"},
					Properties: map[string]*schema{"resource_types": {Type: "array", MinItems: ptr(1)}},
				}}},
				Then: &schema{MemberOf: []memberOf{{Values: "/restore_testing/resource_types/*", Of: "/selection/resource_types"}}},
			},
			{
				Comment: "Without cold_storage.secondary, the secondary copies move to cold storage with cold_storage.central.",
				If:      &schema{Properties: map[string]*schema{"cold_storage": unset("secondary")}},
				Then: &schema{DurationOrder: []durationOrder{
					{Shorter: "/cold_storage/central", Longer: "/secondary_retention", Plus: cold},
				}},
			},
		}
	case "Tier.RestoreTesting":
		// Load checks the kept time and lookback of enabled restore
		// tests only.
		on := &schema{Properties: map[string]*schema{"enabled": not(&schema{Enum: []any{false}})}}
		nonZero := func(key string) *schema {
			return &schema{Required: []string{key}, Properties: map[string]*schema{key: not(&schema{Enum: []any{0, nil}})}}
		}
		count, percent, all := nonZero("count"), nonZero("percent"), is("all", true)
		return append([]*schema{{
			Comment: "Restored resources are kept at least the validation window.",
			If:      on,
			Then:    &schema{DurationOrder: []durationOrder{{Shorter: "/validation_window", Longer: "/keep_restored"}}},
		}}, withMessages([]*schema{
			{
				Comment: "count, percent and all are exclusive: choose how many resources to test with one of them.",
				Not:     anyOf(allOf(count, percent), allOf(count, all), allOf(percent, all)),
			},
			{
				Comment: "Restore tests look back 1 to " + strconv.Itoa(MaxRestoreLookbackDays) + " days and keep restored resources whole hours, at most " + formatWindow(MaxRestoreKeep) + ".",
				If:      on,
				Then: &schema{Properties: map[string]*schema{
					"lookback":      {Pattern: restoreLookbackPattern()},
					"keep_restored": {Pattern: restoreKeepPattern()},
				}},
			},
			{
				Comment: "Restored resources are kept the validation window when keep_restored is unset: whole hours, at most " + formatWindow(MaxRestoreKeep) + ".",
				If:      allOf(on, unset("keep_restored")),
				Then:    &schema{Properties: map[string]*schema{"validation_window": {Pattern: restoreKeepPattern()}}},
			},
			{
				Comment: "Restored resources are kept at least the default validation window (" + formatWindow(DefaultRestoreValidation) + ").",
				If:      allOf(on, unset("validation_window")),
				Then: &schema{Properties: map[string]*schema{"keep_restored": {
					Pattern: durationRangePattern(windowUnits(), int64(DefaultRestoreValidation/time.Minute), 0),
				}}},
			},
		})...)
	case "Reports.Frameworks":
		return []*schema{{Comment: "Framework names are unique.", UniqueBy: "/name"}}
	case "Spec.LegalHolds":
		return []*schema{{Comment: "Legal hold titles are unique.", UniqueBy: "/title"}}
	case "Spec.LegalHolds[]":
		return []*schema{{Comment: "A legal hold's to is not before its from.", DateOrder: []dateOrder{{Earlier: "/from", Later: "/to"}}}}
	}
	return nil
}
