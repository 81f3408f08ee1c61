// kms_key: the customer managed KMS key that encrypts the backup vault,
// found by its alias, with its description, key policy, automatic rotation
// and tags.
//
// AWS API calls: KMS DescribeKey, GetKeyPolicy, GetKeyRotationStatus and
// ListResourceTags to read it; ListKeys to find a key an interrupted Apply
// created; CreateKey, CreateAlias, PutKeyPolicy, UpdateKeyDescription,
// EnableKeyRotation, DisableKeyRotation and TagResource to apply it. A key
// is never deleted (no ScheduleKeyDeletion).

package vault

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"
	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
)

// KindKey is the kind of the KMS key that encrypts a vault.
const KindKey = "kms_key"

// keySpec is the JSON of a kms_key change's Before and After.
type keySpec struct {
	Alias       string            `json:"alias"`
	ARN         string            `json:"arn,omitempty"`
	Description string            `json:"description"`
	Policy      json.RawMessage   `json:"policy,omitempty"`
	Rotation    bool              `json:"rotation"`
	Tags        map[string]string `json:"tags,omitempty"`
}

// KeyState is a KMS key found by its alias.
type KeyState struct {
	Alias, KeyID, ARN, Description string
	// Policy is the key policy JSON as KMS returns it.
	Policy string
	// Rotation is whether automatic rotation is enabled.
	Rotation bool
	// Manager is "CUSTOMER" or "AWS"; KeyState is a kmstypes.KeyState.
	Manager, KeyState string
	Tags              map[string]string
}

// readKey finds a key by alias; nil when the alias does not exist or its
// key is pending deletion.
func readKey(ctx context.Context, api KMSReader, alias string) (*KeyState, error) {
	out, err := api.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String(alias)})
	if isKMSNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("describing key: %w", err)
	}
	md := out.KeyMetadata
	if md == nil {
		return nil, nil
	}
	k := &KeyState{
		Alias:       alias,
		KeyID:       aws.ToString(md.KeyId),
		ARN:         aws.ToString(md.Arn),
		Description: aws.ToString(md.Description),
		Manager:     string(md.KeyManager),
		KeyState:    string(md.KeyState),
	}
	if md.KeyState == kmstypes.KeyStatePendingDeletion || md.KeyState == kmstypes.KeyStatePendingReplicaDeletion {
		return k, nil
	}
	pol, err := api.GetKeyPolicy(ctx, &awskms.GetKeyPolicyInput{KeyId: aws.String(k.KeyID), PolicyName: aws.String("default")})
	if err != nil {
		return nil, fmt.Errorf("getting key policy of %s: %w", k.ARN, err)
	}
	k.Policy = aws.ToString(pol.Policy)
	rot, err := api.GetKeyRotationStatus(ctx, &awskms.GetKeyRotationStatusInput{KeyId: aws.String(k.KeyID)})
	if err != nil {
		return nil, fmt.Errorf("getting rotation status of %s: %w", k.ARN, err)
	}
	k.Rotation = rot.KeyRotationEnabled
	if k.Tags, err = keyTags(ctx, api, k.KeyID); err != nil {
		return nil, err
	}
	return k, nil
}

func keyTags(ctx context.Context, api KMSReader, keyID string) (map[string]string, error) {
	tags := map[string]string{}
	pages := awskms.NewListResourceTagsPaginator(api, &awskms.ListResourceTagsInput{KeyId: aws.String(keyID)})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing tags of key %s: %w", keyID, err)
		}
		for _, t := range out.Tags {
			tags[aws.ToString(t.TagKey)] = aws.ToString(t.TagValue)
		}
	}
	return tags, nil
}

// keyManager returns the KeyManager ("AWS" or "CUSTOMER") of the key arn,
// "" when KMS does not know it.
func keyManager(ctx context.Context, api KMSReader, arn string) (string, error) {
	out, err := api.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String(arn)})
	if isKMSNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("describing key %s: %w", arn, err)
	}
	if out.KeyMetadata == nil {
		return "", nil
	}
	return string(out.KeyMetadata.KeyManager), nil
}

func isKMSNotFound(err error) bool {
	var nf *kmstypes.NotFoundException
	return errors.As(err, &nf)
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
		// A key an interrupted apply created is adopted, not duplicated.
		orphans, err := taggedKeys(p.ctx, p.c.KMS, alias, p.d.Tags[managedtags.Spec])
		if err != nil {
			return err
		}
		if len(orphans) > 0 {
			reason = "give the alias " + alias + " to key " + orphans[0] + ", which an interrupted apply created for it (tagged " + managedtags.KeyAlias + "), instead of creating another key"
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

func (a *applier) key(ch plan.Change) error {
	if ch.Action == plan.Delete {
		return fmt.Errorf("%w: orgbackup never schedules the deletion of KMS keys; schedule it with ScheduleKeyDeletion once no recovery point needs the key", ErrRefused)
	}
	var want keySpec
	if err := decodeAfter(ch, &want); err != nil {
		return err
	}
	live, err := readKey(a.ctx, a.c.KMS, want.Alias)
	if err != nil {
		return err
	}
	if live == nil {
		id, err := a.createKey(want)
		if err != nil {
			return err
		}
		if live, err = readKey(a.ctx, a.c.KMS, want.Alias); err != nil {
			return err
		}
		if live == nil {
			return fmt.Errorf("key %s (%s) has no alias %s after creating it", id, want.Alias, want.Alias)
		}
	}
	if live.Manager != string(kmstypes.KeyManagerTypeCustomer) {
		return fmt.Errorf("key %s is not a customer managed key", live.ARN)
	}
	id := aws.String(live.KeyID)
	if len(want.Policy) > 0 {
		same, err := EqualPolicies(string(want.Policy), live.Policy)
		if err != nil {
			return err
		}
		if !same {
			if _, err := a.c.KMS.PutKeyPolicy(a.ctx, &awskms.PutKeyPolicyInput{KeyId: id, PolicyName: aws.String("default"), Policy: aws.String(string(want.Policy))}); err != nil {
				return fmt.Errorf("putting key policy: %w", err)
			}
		}
	}
	if want.Description != live.Description {
		if _, err := a.c.KMS.UpdateKeyDescription(a.ctx, &awskms.UpdateKeyDescriptionInput{KeyId: id, Description: aws.String(want.Description)}); err != nil {
			return fmt.Errorf("updating key description: %w", err)
		}
	}
	if want.Rotation != live.Rotation {
		if want.Rotation {
			_, err = a.c.KMS.EnableKeyRotation(a.ctx, &awskms.EnableKeyRotationInput{KeyId: id})
		} else {
			_, err = a.c.KMS.DisableKeyRotation(a.ctx, &awskms.DisableKeyRotationInput{KeyId: id})
		}
		if err != nil {
			return fmt.Errorf("setting key rotation: %w", err)
		}
	}
	if m := managedtags.Missing(want.Tags, live.Tags); len(m) > 0 {
		var tags []kmstypes.Tag
		for _, k := range m {
			tags = append(tags, kmstypes.Tag{TagKey: aws.String(k), TagValue: aws.String(want.Tags[k])})
		}
		if _, err := a.c.KMS.TagResource(a.ctx, &awskms.TagResourceInput{KeyId: id, Tags: tags}); err != nil {
			return fmt.Errorf("tagging key: %w", err)
		}
	}
	return nil
}

// createKeyAttempts bounds the CreateKey requests of one change: each is
// sent once, without the SDK's retries, and followed by a search for the
// key it may have created.
const createKeyAttempts = 4

// createKey creates the key and its alias, reusing a key an earlier,
// interrupted Apply created (found by its managedtags.KeyAlias tag), and returns
// the key ID.
//
// CreateKey has no idempotency token, so a request whose response was lost
// may have created a key: the SDK must not send it again blind. Each
// attempt is sent once; after a failure that leaves the outcome unknown
// (throttling, a 5xx, a broken connection), the keys are searched again
// for one carrying the tags written at creation, which is adopted, before
// another attempt.
func (a *applier) createKey(want keySpec) (string, error) {
	in := &awskms.CreateKeyInput{Description: aws.String(want.Description)}
	if len(want.Policy) > 0 {
		in.Policy = aws.String(string(want.Policy))
	}
	for _, k := range slices.Sorted(maps.Keys(want.Tags)) {
		in.Tags = append(in.Tags, kmstypes.Tag{TagKey: aws.String(k), TagValue: aws.String(want.Tags[k])})
	}
	once := func(o *awskms.Options) { o.Retryer = retry.AddWithMaxAttempts(o.Retryer, 1) }
	var id string
	for attempt := 0; id == ""; attempt++ {
		found, err := a.findOrphanKey(want.Alias, want.Tags[managedtags.Spec])
		if err != nil {
			return "", err
		}
		if found != "" {
			id = found
			break
		}
		if attempt == createKeyAttempts {
			return "", fmt.Errorf("creating key: no answer after %d attempts", attempt)
		}
		if attempt > 0 {
			if err := sleepCtx(a.ctx, time.Duration(1<<attempt)*50*time.Millisecond); err != nil {
				return "", err
			}
		}
		out, err := a.c.KMS.CreateKey(a.ctx, in, once)
		if err == nil {
			id = aws.ToString(out.KeyMetadata.KeyId)
			break
		}
		if !outcomeUnknown(err) {
			return "", fmt.Errorf("creating key: %w", err)
		}
	}
	_, err := a.c.KMS.CreateAlias(a.ctx, &awskms.CreateAliasInput{AliasName: aws.String(want.Alias), TargetKeyId: aws.String(id)})
	var exists *kmstypes.AlreadyExistsException
	if err != nil && !errors.As(err, &exists) {
		return "", fmt.Errorf("creating alias %s for key %s: %w", want.Alias, id, err)
	}
	return id, nil
}

// outcomeUnknown reports whether a request that failed with err may have
// taken effect, or may succeed if sent again: a throttling or server
// error, or no answer at all. A client error the service answered with
// (an invalid policy, a quota) did not, and would fail again.
func outcomeUnknown(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return true
	}
	if ae.ErrorFault() == smithy.FaultServer {
		return true
	}
	switch ae.ErrorCode() {
	case "ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded", "KMSInternalException", "DependencyTimeoutException":
		return true
	}
	return false
}

// sleepCtx waits for d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// findOrphanKey returns the ID of an enabled customer managed key of the
// spec specName tagged managedtags.KeyAlias=alias, "" when there is none.
func (a *applier) findOrphanKey(alias, specName string) (string, error) {
	keys, err := taggedKeys(a.ctx, a.c.KMS, alias, specName)
	if err != nil || len(keys) == 0 {
		return "", err
	}
	return keys[0], nil
}

// taggedKeys returns the IDs, sorted, of the enabled customer managed keys
// that orgbackup created for alias under the spec specName (tags
// managedtags.KeyAlias, Managed and Spec, written at creation).
func taggedKeys(ctx context.Context, api KMSReader, alias, specName string) ([]string, error) {
	var ids []string
	pages := awskms.NewListKeysPaginator(api, &awskms.ListKeysInput{})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing keys: %w", err)
		}
		for _, k := range out.Keys {
			ids = append(ids, aws.ToString(k.KeyId))
		}
	}
	sort.Strings(ids)
	var found []string
	for _, id := range ids {
		d, err := api.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String(id)})
		if err != nil {
			if isKMSNotFound(err) {
				continue
			}
			return nil, fmt.Errorf("describing key %s: %w", id, err)
		}
		md := d.KeyMetadata
		if md == nil || md.KeyManager != kmstypes.KeyManagerTypeCustomer || md.KeyState != kmstypes.KeyStateEnabled {
			continue
		}
		tags, err := keyTags(ctx, api, id)
		if err != nil {
			return nil, err
		}
		if tags[managedtags.KeyAlias] == alias && tags[managedtags.Managed] == "true" && (specName == "" || tags[managedtags.Spec] == specName) {
			found = append(found, id)
		}
	}
	return found, nil
}

// OrphanKeys returns the ARNs, sorted, of the keys orgbackup created for
// alias under the spec specName that the alias does not point to: keys
// left by an apply that crashed or lost CreateKey's response before the
// alias was attached. The next apply adopts one when the alias does not
// exist; the others are only reported, since deleting a key is left to
// people.
func OrphanKeys(ctx context.Context, api KMSReader, alias, specName string) ([]string, error) {
	alias = aliasName(alias)
	ids, err := taggedKeys(ctx, api, alias, specName)
	if err != nil {
		return nil, err
	}
	live, err := readKey(ctx, api, alias)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, id := range ids {
		d, err := api.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String(id)})
		if err != nil {
			return nil, fmt.Errorf("describing key %s: %w", id, err)
		}
		if live != nil && live.KeyID == id {
			continue
		}
		out = append(out, aws.ToString(d.KeyMetadata.Arn))
	}
	sort.Strings(out)
	return out, nil
}

// resolveKeyARN returns the ARN of the key with alias, "" for the AWS
// managed key (alias "").
func (a *applier) resolveKeyARN(alias string) (string, error) {
	if alias == "" {
		return "", nil
	}
	out, err := a.c.KMS.DescribeKey(a.ctx, &awskms.DescribeKeyInput{KeyId: aws.String(alias)})
	if err != nil {
		return "", fmt.Errorf("describing key %s: %w", alias, err)
	}
	return aws.ToString(out.KeyMetadata.Arn), nil
}
