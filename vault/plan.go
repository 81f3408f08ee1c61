package vault

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/policy"
)

// keySpec is the JSON of a kms_key change's Before and After.
type keySpec struct {
	Alias       string            `json:"alias"`
	ARN         string            `json:"arn,omitempty"`
	Description string            `json:"description"`
	Policy      json.RawMessage   `json:"policy,omitempty"`
	Rotation    bool              `json:"rotation"`
	Tags        map[string]string `json:"tags,omitempty"`
}

// vaultSpec is the JSON of a backup_vault change.
type vaultSpec struct {
	Name string `json:"name"`
	// KeyAlias is the alias of the key to create the vault with; "" means
	// the AWS managed key for AWS Backup.
	KeyAlias         string            `json:"key_alias,omitempty"`
	EncryptionKeyARN string            `json:"encryption_key_arn,omitempty"`
	RecoveryPoints   int64             `json:"recovery_points,omitempty"`
	Tags             map[string]string `json:"tags,omitempty"`
}

// accessPolicySpec is the JSON of a vault_access_policy change.
type accessPolicySpec struct {
	Vault  string          `json:"vault"`
	Policy json.RawMessage `json:"policy,omitempty"`
}

// lockSpec is the JSON of a vault_lock change.
type lockSpec struct {
	Vault             string     `json:"vault"`
	MinRetentionDays  int64      `json:"min_retention_days,omitempty"`
	MaxRetentionDays  int64      `json:"max_retention_days,omitempty"`
	ChangeableForDays int64      `json:"changeable_for_days,omitempty"`
	LockDate          *time.Time `json:"lock_date,omitempty"`
}

// airGappedSpec is the JSON of an air_gapped_vault change.
type airGappedSpec struct {
	Name             string            `json:"name"`
	MinRetentionDays int64             `json:"min_retention_days"`
	MaxRetentionDays int64             `json:"max_retention_days"`
	RecoveryPoints   int64             `json:"recovery_points,omitempty"`
	Tags             map[string]string `json:"tags,omitempty"`
}

// topicSpec is the JSON of an sns_topic change.
type topicSpec struct {
	Name   string            `json:"name"`
	Policy json.RawMessage   `json:"policy,omitempty"`
	Emails []string          `json:"emails,omitempty"`
	Tags   map[string]string `json:"tags,omitempty"`
}

// notificationsSpec is the JSON of a vault_notifications change.
type notificationsSpec struct {
	Vault    string   `json:"vault"`
	TopicARN string   `json:"topic_arn"`
	Events   []string `json:"events"`
}

// compactJSON compacts a JSON document for embedding in a change.
func compactJSON(doc string) (json.RawMessage, error) {
	if doc == "" {
		return nil, nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(doc)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// deprecatedVaultEvents are the BackupVaultEvents the PutBackupVaultNotifications
// API reference lists as "no longer supported": AWS rejects them.
var deprecatedVaultEvents = []string{
	"BACKUP_JOB_SUCCESSFUL", "BACKUP_JOB_FAILED", "BACKUP_JOB_EXPIRED",
	"RESTORE_JOB_SUCCESSFUL", "RESTORE_JOB_FAILED",
	"BACKUP_PLAN_CREATED", "BACKUP_PLAN_MODIFIED",
}

// Validate reports every problem of d at once.
func (d *Desired) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
	}
	if !policy.IsAccountID(d.Account) {
		bad("account", "must be a 12-digit account ID, got %q", d.Account)
	}
	if d.Region == "" {
		bad("region", "must be set")
	}
	// CreateBackupVault: vault names have 2 to 50 characters of
	// letters, digits and hyphens.
	checkVaultName := func(field, name string) {
		if len(name) < 2 || len(name) > 50 || strings.IndexFunc(name, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
		}) >= 0 {
			bad(field, "must have 2 to 50 letters, digits, hyphens or underscores, got %q", name)
		}
	}
	checkVaultName("vault", d.Vault)
	checkPolicy := func(field, doc string) {
		if doc == "" {
			return
		}
		if _, err := CanonicalPolicy(doc); err != nil {
			bad(field, "%v", err)
		}
	}
	if d.Key != nil {
		a := strings.TrimPrefix(d.Key.Alias, "alias/")
		if a == "" || strings.HasPrefix(a, "aws/") {
			// CreateAlias: aliases beginning with aws/ are reserved.
			bad("key.alias", "must be set and must not begin with aws/, got %q", d.Key.Alias)
		}
		checkPolicy("key.policy", d.Key.Policy)
	}
	checkPolicy("access_policy", d.AccessPolicy)
	if l := d.Lock; l != nil {
		// PutBackupVaultLockConfiguration limits.
		if l.MinRetentionDays < 0 || l.MaxRetentionDays < 0 || l.MaxRetentionDays > 36500 {
			bad("lock", "retention days must be between 0 (not enforced) and 36500")
		}
		if l.MinRetentionDays > 0 && l.MaxRetentionDays > 0 && l.MinRetentionDays > l.MaxRetentionDays {
			bad("lock", "min_retention_days (%d) must not exceed max_retention_days (%d)", l.MinRetentionDays, l.MaxRetentionDays)
		}
		if l.ChangeableForDays != 0 && (l.ChangeableForDays < 3 || l.ChangeableForDays > 36500) {
			bad("lock.changeable_for_days", "must be 0 (governance mode) or between 3 and 36500, got %d", l.ChangeableForDays)
		}
	}
	if a := d.AirGapped; a != nil {
		checkVaultName("air_gapped.name", a.Name)
		if a.Name == d.Vault {
			bad("air_gapped.name", "must differ from the vault's name %q", d.Vault)
		}
		// CreateLogicallyAirGappedBackupVault: minimum retention is at
		// least 7 days.
		if a.MinRetentionDays < 7 || a.MaxRetentionDays > 36500 || a.MaxRetentionDays < a.MinRetentionDays {
			bad("air_gapped", "retention must satisfy 7 <= min_retention_days <= max_retention_days <= 36500, got %d..%d", a.MinRetentionDays, a.MaxRetentionDays)
		}
	}
	if n := d.Notifications; n != nil {
		if n.Topic == "" || len(n.Topic) > 256 {
			bad("notifications.topic", "must have 1 to 256 characters")
		}
		if strings.HasSuffix(n.Topic, ".fifo") {
			// "Notification options with AWS Backup", Limitations: FIFO
			// topics are not supported.
			bad("notifications.topic", "AWS Backup cannot publish to FIFO topics, got %q", n.Topic)
		}
		if len(n.Events) == 0 {
			bad("notifications.events", "must list at least one event")
		}
		known := backuptypes.BackupVaultEvent("").Values()
		for i, e := range n.Events {
			switch {
			case slices.Contains(deprecatedVaultEvents, e):
				bad(fmt.Sprintf("notifications.events[%d]", i), "%s is deprecated and no longer supported by AWS Backup (PutBackupVaultNotifications); use BACKUP_JOB_COMPLETED, COPY_JOB_FAILED, RESTORE_JOB_COMPLETED and the like", e)
			case !slices.Contains(known, backuptypes.BackupVaultEvent(e)):
				bad(fmt.Sprintf("notifications.events[%d]", i), "unknown backup vault event %q", e)
			}
		}
		checkPolicy("notifications.topic_policy", n.TopicPolicy)
		for i, e := range n.Emails {
			if !strings.Contains(e, "@") {
				bad(fmt.Sprintf("notifications.emails[%d]", i), "%q is not an email address", e)
			}
		}
	}
	return errors.Join(errs...)
}

// Plan reads the live state of d's account+region and returns the changes
// that bring it to d, in apply order. It never mutates anything.
func Plan(ctx context.Context, c Readers, d Desired, optFns ...func(*Options)) ([]plan.Change, error) {
	var o Options
	for _, fn := range optFns {
		fn(&o)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("validating vault %q of %s/%s: %w", d.Vault, d.Account, d.Region, err)
	}
	if d.Notifications != nil && c.SNS == nil {
		return nil, fmt.Errorf("planning vault %q of %s/%s: notifications need an SNS client", d.Vault, d.Account, d.Region)
	}
	var alias, topic string
	if d.Key != nil {
		alias = aliasName(d.Key.Alias)
	}
	if d.Notifications != nil {
		topic = d.Notifications.Topic
	}
	st, err := Read(ctx, c, d.Account, d.Region, d.Vault, alias, topic)
	if err != nil {
		return nil, fmt.Errorf("planning vault %q: %w", d.Vault, err)
	}
	p := planner{ctx: ctx, c: c, d: d, st: st, now: o.Now()}
	if err := p.plan(); err != nil {
		return nil, fmt.Errorf("planning vault %q of %s/%s: %w", d.Vault, d.Account, d.Region, err)
	}
	return p.changes, nil
}

type planner struct {
	ctx     context.Context
	c       Readers
	d       Desired
	st      *State
	now     time.Time
	changes []plan.Change
}

// addr is the address of a resource of the desired account and region.
func (p *planner) addr(kind, name string) plan.Address {
	return plan.Address{Account: p.d.Account, Region: p.d.Region, Kind: kind, Name: name}
}

func (p *planner) add(ch plan.Change) { p.changes = append(p.changes, ch) }

// dependsOn returns the addresses among refs that have a change in the
// plan.
func (p *planner) dependsOn(refs ...plan.Address) []plan.Address {
	var out []plan.Address
	for _, r := range refs {
		for _, ch := range p.changes {
			if ch.Address == r {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

func (p *planner) plan() error {
	if err := p.planKey(); err != nil {
		return err
	}
	live, err := p.planVault()
	if err != nil {
		return err
	}
	if err := p.planAirGapped(); err != nil {
		return err
	}
	if err := p.planAccessPolicy(live); err != nil {
		return err
	}
	p.planLock(live)
	if err := p.planTopic(); err != nil {
		return err
	}
	p.planNotifications(live)
	return nil
}

func (p *planner) keyTags() map[string]string {
	t := maps.Clone(p.d.Tags)
	if t == nil {
		t = map[string]string{}
	}
	t[managedtags.KeyAlias] = aliasName(p.d.Key.Alias)
	return t
}

func (p *planner) planKey() error {
	k := p.d.Key
	if k == nil {
		return nil
	}
	alias := aliasName(k.Alias)
	pol, _ := compactJSON(k.Policy)
	after := keySpec{Alias: alias, Description: k.Description, Policy: pol, Rotation: k.Rotation, Tags: p.keyTags()}
	live := p.st.Key
	if live == nil {
		reason := "create the customer managed key " + alias
		if k.Policy == "" {
			reason += " with KMS's default key policy"
		}
		p.add(plan.Change{Address: p.addr(KindKey, alias), Action: plan.Create, After: plan.JSON(after), Reason: reason})
		return nil
	}
	if live.Manager != string(kmstypes.KeyManagerTypeCustomer) {
		return fmt.Errorf("key %s (%s) is not a customer managed key", alias, live.ARN)
	}
	if live.KeyState == string(kmstypes.KeyStatePendingDeletion) || live.KeyState == string(kmstypes.KeyStatePendingReplicaDeletion) {
		return fmt.Errorf("key %s (%s) is pending deletion: cancel the deletion (CancelKeyDeletion) or choose another alias", alias, live.ARN)
	}
	livePol, _ := compactJSON(live.Policy)
	before := keySpec{Alias: alias, ARN: live.ARN, Description: live.Description, Policy: livePol, Rotation: live.Rotation, Tags: live.Tags}
	var why []string
	if k.Policy != "" {
		same, err := EqualPolicies(k.Policy, live.Policy)
		if err != nil {
			return fmt.Errorf("comparing key policy of %s: %w", alias, err)
		}
		if !same {
			why = append(why, "key policy differs")
		}
	} else {
		after.Policy = livePol
	}
	if k.Description != live.Description {
		why = append(why, "description differs")
	}
	if k.Rotation != live.Rotation {
		why = append(why, fmt.Sprintf("automatic rotation %s", map[bool]string{true: "off, want on", false: "on, want off"}[live.Rotation]))
	}
	if m := managedtags.Missing(after.Tags, live.Tags); len(m) > 0 {
		why = append(why, "tags "+strings.Join(m, ", ")+" differ")
	}
	if len(why) == 0 {
		return nil
	}
	after.ARN = live.ARN
	p.add(plan.Change{Address: p.addr(KindKey, alias), Action: plan.Update, Before: plan.JSON(before), After: plan.JSON(after), Reason: strings.Join(why, "; ")})
	return nil
}

// planVault plans the vault and returns its live state as the vault's
// sub-resources should be compared with: nil when the vault is created or
// replaced.
func (p *planner) planVault() (*VaultState, error) {
	d := p.d
	after := vaultSpec{Name: d.Vault, Tags: d.Tags}
	var keyRef plan.Address
	if d.Key != nil {
		after.KeyAlias = aliasName(d.Key.Alias)
		keyRef = p.addr(KindKey, after.KeyAlias)
	}
	live := p.st.Vault
	if live == nil {
		p.add(plan.Change{Address: p.addr(KindVault, d.Vault), Action: plan.Create, After: plan.JSON(after),
			Reason: "create the backup vault " + d.Vault + " encrypted with " + keyLabel(after.KeyAlias), DependsOn: p.dependsOn(keyRef)})
		return nil, nil
	}
	if live.VaultType != string(backuptypes.VaultTypeBackupVault) {
		return nil, fmt.Errorf("vault %s exists as a %s, not a backup vault", d.Vault, live.VaultType)
	}
	before := vaultSpec{Name: live.Name, EncryptionKeyARN: live.EncryptionKeyARN, RecoveryPoints: live.RecoveryPoints, Tags: live.Tags}
	keyDiffers, err := p.vaultKeyDiffers(live)
	if err != nil {
		return nil, err
	}
	if keyDiffers {
		reason := fmt.Sprintf("the vault is encrypted with %s and must be encrypted with %s; AWS Backup cannot change a vault's encryption key, "+
			"so the vault is deleted and created again, which AWS allows only for an empty vault (it holds %d recovery points)",
			live.EncryptionKeyARN, keyLabel(after.KeyAlias), live.RecoveryPoints)
		if live.Lock.Immutable(p.now) {
			reason += "; its compliance-mode Vault Lock is immutable since " + live.Lock.LockDate.UTC().Format(time.RFC3339) + ", so AWS refuses to delete it"
		}
		p.add(plan.Change{Address: p.addr(KindVault, d.Vault), Action: plan.Replace, Before: plan.JSON(before), After: plan.JSON(after),
			Destructive: true, Reason: reason, DependsOn: p.dependsOn(keyRef)})
		p.planOldKeyDeletion(live.EncryptionKeyARN)
		return nil, nil
	}
	if m := managedtags.Missing(d.Tags, live.Tags); len(m) > 0 {
		p.add(plan.Change{Address: p.addr(KindVault, d.Vault), Action: plan.Update, Before: plan.JSON(before), After: plan.JSON(after),
			Reason: "tags " + strings.Join(m, ", ") + " differ"})
	}
	return live, nil
}

func keyLabel(alias string) string {
	if alias == "" {
		return "the AWS managed key aws/backup"
	}
	return "the key " + alias
}

// vaultKeyDiffers reports whether the vault is encrypted with another key
// than the desired one.
func (p *planner) vaultKeyDiffers(live *VaultState) (bool, error) {
	if p.d.Key != nil {
		// A key that does not exist yet cannot encrypt the vault.
		return p.st.Key == nil || p.st.Key.ARN != live.EncryptionKeyARN, nil
	}
	// Desired: the AWS managed key. A customer managed key differs; an
	// AWS managed key, or one KMS does not describe, does not.
	m, err := keyManager(p.ctx, p.c.KMS, live.EncryptionKeyARN)
	if err != nil {
		return false, err
	}
	return m == string(kmstypes.KeyManagerTypeCustomer), nil
}

// planOldKeyDeletion reports the deletion of the key a replaced vault was
// encrypted with, when orgbackup created that key (managedtags.KeyAlias) and it is
// no longer wanted. Apply refuses it: deleting a key makes every recovery
// point it encrypts unrecoverable, so it is left to people.
func (p *planner) planOldKeyDeletion(arn string) {
	if arn == "" {
		return
	}
	tags, err := keyTags(p.ctx, p.c.KMS, arn)
	if err != nil || tags[managedtags.KeyAlias] == "" {
		return
	}
	old := tags[managedtags.KeyAlias]
	if p.d.Key != nil && aliasName(p.d.Key.Alias) == old {
		return
	}
	p.add(plan.Change{Address: p.addr(KindKey, old), Action: plan.Delete,
		Before:      plan.JSON(keySpec{Alias: old, ARN: arn, Tags: tags}),
		Destructive: true,
		Reason: "the key is no longer used by vault " + p.d.Vault + "; orgbackup never schedules the deletion of KMS keys " +
			"(recovery points encrypted with it, copies included, would become unrecoverable): schedule it yourself once they have expired",
		DependsOn: p.dependsOn(p.addr(KindVault, p.d.Vault)),
	})
}

func (p *planner) planAirGapped() error {
	a := p.d.AirGapped
	if a == nil {
		return nil
	}
	live, err := ReadAirGapped(p.ctx, p.c, p.d.Account, p.d.Region, a.Name)
	if err != nil {
		return err
	}
	after := airGappedSpec{Name: a.Name, MinRetentionDays: a.MinRetentionDays, MaxRetentionDays: a.MaxRetentionDays, Tags: p.d.Tags}
	fixed := "an air-gapped vault's retention (%d..%d days) is fixed when it is created and cannot be changed afterwards"
	if live == nil {
		p.add(plan.Change{Address: p.addr(KindAirGapped, a.Name), Action: plan.Create, After: plan.JSON(after), Irreversible: true,
			Reason: fmt.Sprintf("create the logically air-gapped vault "+a.Name+"; "+fixed, a.MinRetentionDays, a.MaxRetentionDays)})
		return nil
	}
	if live.VaultType != string(backuptypes.VaultTypeLogicallyAirGappedBackupVault) {
		return fmt.Errorf("vault %s exists as a %s, not a logically air-gapped vault", a.Name, live.VaultType)
	}
	before := airGappedSpec{Name: live.Name, RecoveryPoints: live.RecoveryPoints, Tags: live.Tags}
	if live.Lock != nil {
		before.MinRetentionDays, before.MaxRetentionDays = live.Lock.MinRetentionDays, live.Lock.MaxRetentionDays
	}
	if before.MinRetentionDays != a.MinRetentionDays || before.MaxRetentionDays != a.MaxRetentionDays {
		p.add(plan.Change{Address: p.addr(KindAirGapped, a.Name), Action: plan.Replace, Before: plan.JSON(before), After: plan.JSON(after),
			Destructive: true, Irreversible: true,
			Reason: fmt.Sprintf(fixed+": the vault is deleted and created again with %d..%d days, which AWS allows only for an empty vault (it holds %d recovery points)",
				before.MinRetentionDays, before.MaxRetentionDays, a.MinRetentionDays, a.MaxRetentionDays, live.RecoveryPoints)})
		return nil
	}
	if m := managedtags.Missing(p.d.Tags, live.Tags); len(m) > 0 {
		p.add(plan.Change{Address: p.addr(KindAirGapped, a.Name), Action: plan.Update, Before: plan.JSON(before), After: plan.JSON(after),
			Reason: "tags " + strings.Join(m, ", ") + " differ"})
	}
	return nil
}

func (p *planner) planAccessPolicy(live *VaultState) error {
	d := p.d
	var cur string
	if live != nil {
		cur = live.AccessPolicy
	}
	dep := p.dependsOn(p.addr(KindVault, d.Vault))
	want, _ := compactJSON(d.AccessPolicy)
	have, _ := compactJSON(cur)
	switch {
	case d.AccessPolicy == "" && cur == "":
	case d.AccessPolicy == "":
		p.add(plan.Change{Address: p.addr(KindAccessPolicy, d.Vault), Action: plan.Delete, Before: plan.JSON(accessPolicySpec{Vault: d.Vault, Policy: have}),
			Destructive: true, Reason: "the spec has no access policy for the vault; deleting it removes the permissions and protections it grants"})
	case cur == "":
		p.add(plan.Change{Address: p.addr(KindAccessPolicy, d.Vault), Action: plan.Create, After: plan.JSON(accessPolicySpec{Vault: d.Vault, Policy: want}),
			Reason: "set the vault access policy", DependsOn: dep})
	default:
		same, err := EqualPolicies(d.AccessPolicy, cur)
		if err != nil {
			return fmt.Errorf("comparing access policy of vault %s: %w", d.Vault, err)
		}
		if !same {
			p.add(plan.Change{Address: p.addr(KindAccessPolicy, d.Vault), Action: plan.Update,
				Before: plan.JSON(accessPolicySpec{Vault: d.Vault, Policy: have}), After: plan.JSON(accessPolicySpec{Vault: d.Vault, Policy: want}),
				Reason: "the vault access policy differs", DependsOn: dep})
		}
	}
	return nil
}

// lockEqual reports whether the live lock is the desired one: same
// retention bounds and same mode. A compliance lock's grace period is not
// compared: re-putting it would restart the grace period.
func lockEqual(want *Lock, have *LockState) bool {
	return want.MinRetentionDays == have.MinRetentionDays &&
		want.MaxRetentionDays == have.MaxRetentionDays &&
		want.Compliance() == (have.LockDate != nil)
}

func (p *planner) planLock(live *VaultState) {
	d := p.d
	var have *LockState
	if live != nil {
		have = live.Lock
	}
	want := d.Lock
	var before json.RawMessage
	if have != nil {
		before = plan.JSON(lockSpec{Vault: d.Vault, MinRetentionDays: have.MinRetentionDays, MaxRetentionDays: have.MaxRetentionDays, LockDate: have.LockDate})
	}
	immutable := func() string {
		return "the vault's Vault Lock is in compliance mode and immutable since " + have.LockDate.UTC().Format(time.RFC3339) +
			" (its grace period has ended): AWS refuses to change or delete it, so this change cannot be applied; change the spec back to the lock as it is"
	}
	switch {
	case want == nil && have == nil:
	case want == nil:
		ch := plan.Change{Address: p.addr(KindLock, d.Vault), Action: plan.Delete, Before: before, Destructive: true,
			Reason: "the spec has no Vault Lock for the vault; deleting it lets recovery points be deleted before their minimum retention"}
		if have.Immutable(p.now) {
			ch.Irreversible, ch.Reason = true, immutable()
		}
		p.add(ch)
	case have != nil && lockEqual(want, have):
	default:
		after := plan.JSON(lockSpec{Vault: d.Vault, MinRetentionDays: want.MinRetentionDays, MaxRetentionDays: want.MaxRetentionDays, ChangeableForDays: want.ChangeableForDays})
		ch := plan.Change{Address: p.addr(KindLock, d.Vault), Action: plan.Create, Before: before, After: after, DependsOn: p.dependsOn(p.addr(KindVault, d.Vault))}
		if have != nil {
			ch.Action = plan.Update
		}
		switch {
		case have.Immutable(p.now):
			ch.Destructive, ch.Irreversible, ch.Reason = true, true, immutable()
		case want.Compliance():
			ch.Irreversible = true
			ch.Reason = fmt.Sprintf("compliance-mode Vault Lock: it can be changed or removed for %d days after it is applied, then it becomes immutable "+
				"and neither the lock nor the vault can ever be changed or deleted", want.ChangeableForDays)
		default:
			ch.Reason = "governance-mode Vault Lock"
		}
		if have != nil && !want.Compliance() && have.LockDate != nil && !have.Immutable(p.now) {
			ch.Destructive = true
			ch.Reason += "; it replaces a compliance-mode lock still in its grace period (until " + have.LockDate.UTC().Format(time.RFC3339) + ")"
		}
		// A lower (or no) minimum lets recovery points be deleted sooner;
		// a higher maximum loses nothing.
		if have != nil && !have.Immutable(p.now) && want.MinRetentionDays < have.MinRetentionDays {
			ch.Destructive = true
			ch.Reason += fmt.Sprintf("; it lowers the minimum retention from %d to %d days", have.MinRetentionDays, want.MinRetentionDays)
		}
		p.add(ch)
	}
}

func (p *planner) topicPolicy() string {
	n := p.d.Notifications
	if n.TopicPolicy != "" {
		return n.TopicPolicy
	}
	return TopicPolicy(topicARN(p.d.Account, p.d.Region, n.Topic))
}

func sortedUnique(l []string) []string {
	out := slices.Clone(l)
	sort.Strings(out)
	return slices.Compact(out)
}

func (p *planner) planTopic() error {
	n := p.d.Notifications
	if n == nil {
		return nil
	}
	pol, _ := compactJSON(p.topicPolicy())
	after := topicSpec{Name: n.Topic, Policy: pol, Emails: sortedUnique(n.Emails), Tags: p.d.Tags}
	live := p.st.Topic
	if live == nil {
		reason := "create the SNS topic " + n.Topic + " that AWS Backup publishes vault events to"
		if len(after.Emails) > 0 {
			reason += "; each email address must confirm its subscription"
		}
		p.add(plan.Change{Address: p.addr(KindTopic, n.Topic), Action: plan.Create, After: plan.JSON(after), Reason: reason})
		return nil
	}
	var emails []string
	for _, s := range live.Subscriptions {
		emails = append(emails, s.Endpoint)
	}
	emails = sortedUnique(emails)
	livePol, _ := compactJSON(live.Policy)
	before := topicSpec{Name: live.Name, Policy: livePol, Emails: emails, Tags: live.Tags}
	var why []string
	same, err := EqualPolicies(p.topicPolicy(), live.Policy)
	if err != nil {
		return fmt.Errorf("comparing policy of topic %s: %w", n.Topic, err)
	}
	if !same {
		why = append(why, "topic policy differs")
	}
	if add, del := diffSets(after.Emails, emails); len(add)+len(del) > 0 {
		s := "email subscriptions differ"
		if len(add) > 0 {
			s += " (subscribe " + strings.Join(add, ", ") + ")"
		}
		if len(del) > 0 {
			s += " (unsubscribe " + strings.Join(del, ", ") + "; a subscription still pending confirmation cannot be removed and expires on its own)"
		}
		why = append(why, s)
	}
	if m := managedtags.Missing(p.d.Tags, live.Tags); len(m) > 0 {
		why = append(why, "tags "+strings.Join(m, ", ")+" differ")
	}
	if len(why) > 0 {
		p.add(plan.Change{Address: p.addr(KindTopic, n.Topic), Action: plan.Update, Before: plan.JSON(before), After: plan.JSON(after), Reason: strings.Join(why, "; ")})
	}
	return nil
}

// diffSets returns the elements of want missing from have and those of
// have missing from want; both inputs are sorted.
func diffSets(want, have []string) (add, del []string) {
	for _, w := range want {
		if !slices.Contains(have, w) {
			add = append(add, w)
		}
	}
	for _, h := range have {
		if !slices.Contains(want, h) {
			del = append(del, h)
		}
	}
	return add, del
}

func (p *planner) planNotifications(live *VaultState) {
	d := p.d
	var have *NotificationState
	if live != nil {
		have = live.Notifications
	}
	var before json.RawMessage
	if have != nil {
		before = plan.JSON(notificationsSpec{Vault: d.Vault, TopicARN: have.TopicARN, Events: have.Events})
	}
	if d.Notifications == nil {
		if have != nil {
			p.add(plan.Change{Address: p.addr(KindNotifications, d.Vault), Action: plan.Delete, Before: before,
				Reason: "the spec has no notifications for the vault"})
		}
		return
	}
	want := notificationsSpec{Vault: d.Vault, TopicARN: topicARN(d.Account, d.Region, d.Notifications.Topic), Events: sortedUnique(d.Notifications.Events)}
	if have != nil && have.TopicARN == want.TopicARN && slices.Equal(have.Events, want.Events) {
		return
	}
	ch := plan.Change{Address: p.addr(KindNotifications, d.Vault), Action: plan.Create, Before: before, After: plan.JSON(want),
		Reason:    "send the vault's events " + strings.Join(want.Events, ", ") + " to " + want.TopicARN,
		DependsOn: p.dependsOn(p.addr(KindVault, d.Vault), p.addr(KindTopic, d.Notifications.Topic))}
	if have != nil {
		ch.Action = plan.Update
	}
	p.add(ch)
}
