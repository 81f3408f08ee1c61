package emulator

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/schemas"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// kmsRegion is one account-region's KMS state.
type kmsRegion struct {
	keys    map[string]*kmsKey   // by key ID
	aliases map[string]*kmsAlias // by alias name ("alias/x")
}

// kmsKey is one KMS key.
type kmsKey struct {
	id, arn, account, region string
	created                  time.Time
	description              string
	policy                   string
	manager                  kmstypes.KeyManagerType
	spec                     kmstypes.KeySpec
	usage                    kmstypes.KeyUsageType
	origin                   kmstypes.OriginType
	multiRegion              bool
	state                    kmstypes.KeyState
	rotation                 bool
	rotationDays             int32
	rotationStart            time.Time // when automatic rotation was (last) enabled
	deletionDate             time.Time
	pendingDays              int32
	tags                     map[string]string
	grants                   []*kmsGrant
}

// kmsAlias is one alias in an account-region.
type kmsAlias struct {
	name, arn, target string // target is the key ID
	created, updated  time.Time
}

// kmsGrant is one grant on a key.
type kmsGrant struct {
	id, token, name           string
	grantee, granteeService   string
	retiring, retiringService string
	issuingAccount            string
	operations                []kmstypes.GrantOperation
	constraints               *kmstypes.GrantConstraints
	created                   time.Time
}

// KMS default values, from the KMS API Reference (CreateKey, EnableKeyRotation,
// ScheduleKeyDeletion, ListKeys).
const (
	kmsDefaultRotationDays = 365
	kmsMinRotationDays     = 90
	kmsMaxRotationDays     = 2560
	kmsDefaultPendingDays  = 30
	kmsMinPendingDays      = 7
	kmsMaxPendingDays      = 30
	kmsDefaultPageSize     = 100
	kmsMaxPageSize         = 1000
)

func (s *Server) kmsService() *service {
	return newService("kms", awsJSON11, schemas.TrentService, awskms.TypeRegistry, []*operation{
		handle(schemas.CreateKey, schemas.CreateKeyRequest, s.kmsCreateKey),
		handle(schemas.DescribeKey, schemas.DescribeKeyRequest, s.kmsDescribeKey),
		handle(schemas.ListKeys, schemas.ListKeysRequest, s.kmsListKeys),
		handle(schemas.GetKeyPolicy, schemas.GetKeyPolicyRequest, s.kmsGetKeyPolicy),
		handle(schemas.PutKeyPolicy, schemas.PutKeyPolicyRequest, s.kmsPutKeyPolicy),
		handle(schemas.CreateAlias, schemas.CreateAliasRequest, s.kmsCreateAlias),
		handle(schemas.UpdateAlias, schemas.UpdateAliasRequest, s.kmsUpdateAlias),
		handle(schemas.DeleteAlias, schemas.DeleteAliasRequest, s.kmsDeleteAlias),
		handle(schemas.ListAliases, schemas.ListAliasesRequest, s.kmsListAliases),
		handle(schemas.EnableKeyRotation, schemas.EnableKeyRotationRequest, s.kmsEnableKeyRotation),
		handle(schemas.GetKeyRotationStatus, schemas.GetKeyRotationStatusRequest, s.kmsGetKeyRotationStatus),
		handle(schemas.DisableKeyRotation, schemas.DisableKeyRotationRequest, s.kmsDisableKeyRotation),
		handle(schemas.UpdateKeyDescription, schemas.UpdateKeyDescriptionRequest, s.kmsUpdateKeyDescription),
		handle(schemas.TagResource, schemas.TagResourceRequest, s.kmsTagResource),
		handle(schemas.ListResourceTags, schemas.ListResourceTagsRequest, s.kmsListResourceTags),
		handle(schemas.CreateGrant, schemas.CreateGrantRequest, s.kmsCreateGrant),
		handle(schemas.ListGrants, schemas.ListGrantsRequest, s.kmsListGrants),
		handle(schemas.ScheduleKeyDeletion, schemas.ScheduleKeyDeletionRequest, s.kmsScheduleKeyDeletion),
		handle(schemas.CancelKeyDeletion, schemas.CancelKeyDeletionRequest, s.kmsCancelKeyDeletion),
		handle(schemas.EnableKey, schemas.EnableKeyRequest, s.kmsEnableKey),
		handle(schemas.DisableKey, schemas.DisableKeyRequest, s.kmsDisableKey),
	})
}

func (s *Server) kmsRegionLocked(account, region string) *kmsRegion {
	k := regionKey{account, region}
	r := s.kms[k]
	if r == nil {
		r = &kmsRegion{keys: map[string]*kmsKey{}, aliases: map[string]*kmsAlias{}}
		s.kms[k] = r
	}
	return r
}

// kmsDefaultKeyPolicy is the key policy KMS applies when CreateKey has no
// Policy ("Default key policy", KMS Developer Guide: one statement that
// gives the owning account's root full access and so enables IAM policies).
func kmsDefaultKeyPolicy(account string) string {
	return `{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::` + account + `:root"
    },
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
}`
}

// kmsAWSManagedKeyPolicy is the shape of the key policy of AWS managed keys
// ("AWS managed keys", KMS Developer Guide): principals of the account may use
// the key only through the owning service; the account may read the key.
func kmsAWSManagedKeyPolicy(account, region, service string) string {
	return `{
  "Version" : "2012-10-17",
  "Id" : "auto-` + service + `-1",
  "Statement" : [ {
    "Sid" : "Allow access through ` + service + ` for all principals in the account that are authorized to use ` + service + `",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey" ],
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "` + account + `",
        "kms:ViaService" : "` + service + `.` + region + `.amazonaws.com"
      }
    }
  }, {
    "Sid" : "Allow direct access to key metadata to the account",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::` + account + `:root"
    },
    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*" ],
    "Resource" : "*"
  } ]
}`
}

func kmsKeyARN(region, account, id string) string {
	return "arn:aws:kms:" + region + ":" + account + ":key/" + id
}

func kmsAliasARN(region, account, name string) string {
	return "arn:aws:kms:" + region + ":" + account + ":" + name
}

func (s *Server) kmsNewKeyLocked(account, region string) *kmsKey {
	id := s.ids.uuid()
	k := &kmsKey{
		id: id, arn: kmsKeyARN(region, account, id), account: account, region: region,
		created: s.now, manager: kmstypes.KeyManagerTypeCustomer, spec: kmstypes.KeySpecSymmetricDefault,
		usage: kmstypes.KeyUsageTypeEncryptDecrypt, origin: kmstypes.OriginTypeAwsKms,
		state: kmstypes.KeyStateEnabled, tags: map[string]string{},
	}
	s.kmsRegionLocked(account, region).keys[id] = k
	return k
}

// kmsCheckPolicy validates a key policy document the way CreateKey and
// PutKeyPolicy do: it must be a well-formed resource policy.
func kmsCheckPolicy(doc string) error {
	if _, err := parsePolicy(doc, policyResource); err != nil {
		return &kmstypes.MalformedPolicyDocumentException{Message: aws.String(err.Error())}
	}
	return nil
}

// kmsLockoutError is the policy lockout safety check's error (CreateKey and
// PutKeyPolicy, "BypassPolicyLockoutSafetyCheck"): the policy must let the
// caller change it again.
func kmsLockoutError() error {
	return &kmstypes.MalformedPolicyDocumentException{Message: aws.String("The new key policy will not allow you to update the key policy in the future.")}
}

func kmsCheckTags(tags []kmstypes.Tag) error {
	for _, t := range tags {
		k := aws.ToString(t.TagKey)
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			// "Tagging keys", KMS Developer Guide: aws: is reserved.
			return &kmstypes.TagException{Message: aws.String("Tags beginning with aws: are reserved.")}
		}
		if k == "" || len(k) > 128 || len(aws.ToString(t.TagValue)) > 256 {
			return &kmstypes.TagException{Message: aws.String(fmt.Sprintf("Tag %q is invalid: keys must have 1 to 128 characters and values at most 256.", k))}
		}
	}
	return nil
}

func (s *Server) kmsCreateKey(c *Call, in *awskms.CreateKeyInput) (*awskms.CreateKeyOutput, error) {
	policy := kmsDefaultKeyPolicy(c.Account)
	if in.Policy != nil {
		if err := kmsCheckPolicy(*in.Policy); err != nil {
			return nil, err
		}
		if !in.BypassPolicyLockoutSafetyCheck && !kmsPolicyAllows(*in.Policy, "*", c.Caller, "kms:PutKeyPolicy") {
			return nil, kmsLockoutError()
		}
		policy = *in.Policy
	}
	if err := kmsCheckTags(in.Tags); err != nil {
		return nil, err
	}
	spec := kmstypes.KeySpecSymmetricDefault
	//lint:ignore SA1019 AWS still accepts the deprecated parameter
	legacy := in.CustomerMasterKeySpec
	if in.KeySpec != "" {
		spec = in.KeySpec
	} else if legacy != "" {
		spec = kmstypes.KeySpec(legacy)
	}
	if spec != kmstypes.KeySpecSymmetricDefault {
		return nil, &kmstypes.UnsupportedOperationException{Message: aws.String("orgbackup emulator: only SYMMETRIC_DEFAULT keys are emulated")}
	}
	if in.KeyUsage != "" && in.KeyUsage != kmstypes.KeyUsageTypeEncryptDecrypt {
		return nil, errValidation("KeyUsage %s is not valid for KeySpec %s", in.KeyUsage, spec)
	}
	if in.Origin != "" && in.Origin != kmstypes.OriginTypeAwsKms {
		return nil, &kmstypes.UnsupportedOperationException{Message: aws.String("orgbackup emulator: only AWS_KMS origin is emulated")}
	}
	k := s.kmsNewKeyLocked(c.Account, c.Region)
	k.policy = policy
	k.description = aws.ToString(in.Description)
	k.multiRegion = aws.ToBool(in.MultiRegion)
	if k.multiRegion {
		k.id = "mrk-" + strings.ReplaceAll(k.id, "-", "")
		r := s.kmsRegionLocked(c.Account, c.Region)
		for id, v := range r.keys {
			if v == k {
				delete(r.keys, id)
			}
		}
		k.arn = kmsKeyARN(c.Region, c.Account, k.id)
		r.keys[k.id] = k
	}
	for _, t := range in.Tags {
		k.tags[aws.ToString(t.TagKey)] = aws.ToString(t.TagValue)
	}
	return &awskms.CreateKeyOutput{KeyMetadata: s.kmsMetadata(k)}, nil
}

func (s *Server) kmsMetadata(k *kmsKey) *kmstypes.KeyMetadata {
	m := &kmstypes.KeyMetadata{
		KeyId:        aws.String(k.id),
		Arn:          aws.String(k.arn),
		AWSAccountId: aws.String(k.account),
		CreationDate: aws.Time(k.created),
		Description:  aws.String(k.description),
		Enabled:      k.state == kmstypes.KeyStateEnabled,
		KeyState:     k.state,
		KeyManager:   k.manager,
		KeySpec:      k.spec,
		//lint:ignore SA1019 DescribeKey still returns the deprecated member
		CustomerMasterKeySpec: kmstypes.CustomerMasterKeySpec(k.spec),
		KeyUsage:              k.usage,
		Origin:                k.origin,
		MultiRegion:           aws.Bool(k.multiRegion),
		EncryptionAlgorithms:  []kmstypes.EncryptionAlgorithmSpec{kmstypes.EncryptionAlgorithmSpecSymmetricDefault},
	}
	if k.state == kmstypes.KeyStatePendingDeletion {
		m.DeletionDate = aws.Time(k.deletionDate)
		m.PendingDeletionWindowInDays = aws.Int32(k.pendingDays)
	}
	return m
}

// kmsAWSManagedServices are the services whose AWS managed key alias
// (alias/aws/SERVICE) resolves; KMS creates the key on first use.
var kmsAWSManagedServices = map[string]bool{
	"backup": true, "ebs": true, "rds": true, "s3": true, "sns": true, "elasticfilesystem": true,
	"dynamodb": true, "secretsmanager": true, "lambda": true, "sqs": true, "ssm": true, "logs": true,
}

// kmsAWSManagedKeyLocked returns (creating on first use) the AWS managed key
// for alias/aws/SERVICE in an account-region, or nil for unknown services.
func (s *Server) kmsAWSManagedKeyLocked(account, region, alias string) *kmsKey {
	r := s.kmsRegionLocked(account, region)
	if a := r.aliases[alias]; a != nil {
		return r.keys[a.target]
	}
	svc := strings.TrimPrefix(alias, "alias/aws/")
	if !kmsAWSManagedServices[svc] {
		return nil
	}
	k := s.kmsNewKeyLocked(account, region)
	k.manager = kmstypes.KeyManagerTypeAws
	k.description = "Default key that protects my " + svc + " data when no other key is defined"
	k.policy = kmsAWSManagedKeyPolicy(account, region, svc)
	// AWS managed keys rotate every year ("Rotating AWS KMS keys").
	k.rotation, k.rotationDays, k.rotationStart = true, kmsDefaultRotationDays, s.now
	r.aliases[alias] = &kmsAlias{name: alias, arn: kmsAliasARN(region, account, alias), target: k.id, created: s.now, updated: s.now}
	return k
}

// kmsKeyRef is a parsed KeyId parameter.
type kmsKeyRef struct {
	account, region string
	keyID           string // set for key IDs and key ARNs
	alias           string // set for alias names and alias ARNs
	isARN           bool
}

func parseKMSKeyRef(c *Call, id string) (kmsKeyRef, error) {
	if id == "" {
		return kmsKeyRef{}, errValidation("1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null")
	}
	if !strings.HasPrefix(id, "arn:") {
		ref := kmsKeyRef{account: c.Account, region: c.Region}
		if strings.HasPrefix(id, "alias/") {
			ref.alias = id
		} else {
			ref.keyID = id
		}
		return ref, nil
	}
	parts := strings.SplitN(id, ":", 6)
	if len(parts) != 6 || parts[1] != "aws" || parts[2] != "kms" || parts[3] == "" || !isAccountID(parts[4]) {
		return kmsKeyRef{}, &kmstypes.InvalidArnException{Message: aws.String(fmt.Sprintf("Invalid arn %s", id))}
	}
	ref := kmsKeyRef{account: parts[4], region: parts[3], isARN: true}
	switch res := parts[5]; {
	case strings.HasPrefix(res, "key/") && len(res) > 4:
		ref.keyID = res[4:]
	case strings.HasPrefix(res, "alias/") && len(res) > 6:
		ref.alias = res
	default:
		return kmsKeyRef{}, &kmstypes.InvalidArnException{Message: aws.String(fmt.Sprintf("Invalid arn %s", id))}
	}
	return ref, nil
}

func kmsKeyNotFound(id string) error {
	return &kmstypes.NotFoundException{Message: aws.String(fmt.Sprintf("Key '%s' does not exist", id))}
}

// kmsExpireLocked completes the deletion of keys whose waiting period has
// passed on the virtual clock.
func (s *Server) kmsExpireLocked(r *kmsRegion) {
	for id, k := range r.keys {
		if k.state == kmstypes.KeyStatePendingDeletion && !s.now.Before(k.deletionDate) {
			delete(r.keys, id)
			for name, a := range r.aliases {
				if a.target == id {
					delete(r.aliases, name)
				}
			}
		}
	}
}

// kmsLookupLocked resolves a key reference to a key, without any
// permission check. Aliases resolve only when allowAlias.
func (s *Server) kmsLookupLocked(ref kmsKeyRef, raw string, allowAlias bool) (*kmsKey, error) {
	if ref.alias != "" && !allowAlias {
		return nil, kmsKeyNotFound(raw)
	}
	r := s.kms[regionKey{ref.account, ref.region}]
	if r == nil && !(ref.alias != "" && strings.HasPrefix(ref.alias, "alias/aws/")) {
		return nil, kmsKeyNotFound(raw)
	}
	if r != nil {
		s.kmsExpireLocked(r)
	}
	if ref.alias != "" {
		if strings.HasPrefix(ref.alias, "alias/aws/") {
			if k := s.kmsAWSManagedKeyLocked(ref.account, ref.region, ref.alias); k != nil {
				return k, nil
			}
		}
		a := r.aliases[ref.alias]
		if a == nil || r.keys[a.target] == nil {
			return nil, &kmstypes.NotFoundException{Message: aws.String(fmt.Sprintf("Alias %s is not found.", kmsAliasARN(ref.region, ref.account, ref.alias)))}
		}
		return r.keys[a.target], nil
	}
	k := r.keys[ref.keyID]
	if k == nil {
		return nil, kmsKeyNotFound(kmsKeyARN(ref.region, ref.account, ref.keyID))
	}
	return k, nil
}

// kmsKeyForCallLocked resolves the KeyId parameter of an operation and
// checks that the caller may perform action on it. crossAccount says whether
// the operation works on keys of other accounts ("Cross-account use" in each
// operation's API reference); when it does, the key policy decides.
func (s *Server) kmsKeyForCallLocked(c *Call, id, action string, allowAlias, crossAccount bool) (*kmsKey, error) {
	ref, err := parseKMSKeyRef(c, id)
	if err != nil {
		return nil, err
	}
	if ref.region != c.Region {
		// KMS keys are regional; an ARN from another region is not found here.
		return nil, kmsKeyNotFound(id)
	}
	if ref.account != c.Account {
		if !crossAccount || !ref.isARN {
			return nil, kmsKeyNotFound(id)
		}
	}
	k, err := s.kmsLookupLocked(ref, id, allowAlias)
	if err != nil {
		return nil, err
	}
	if k.account != c.Account && !s.kmsKeyPolicyAllowsLocked(k, c.Caller, action) {
		return nil, errAccessDenied("User: %s is not authorized to perform: %s on resource: %s because no resource-based policy allows the %s action", c.Caller.ARN, action, k.arn, action)
	}
	if err := s.kmsKeyPolicyDenyLocked(c, k, action); err != nil {
		return nil, err
	}
	return k, nil
}

// kmsKeyPolicyAllowsLocked reports whether k's key policy allows principal p
// to perform action (e.g. "kms:DescribeKey"). AWS managed keys are never
// usable from another account ("AWS managed keys", KMS Developer Guide).
func (s *Server) kmsKeyPolicyAllowsLocked(k *kmsKey, p Principal, action string) bool {
	return s.kmsKeyPolicyAllowsViaLocked(k, p, action, "")
}

// kmsKeyPolicyAllowsViaLocked is kmsKeyPolicyAllowsLocked for a use of the
// key by the AWS service named via (its signing name, "" for a direct
// call): "The kms:ViaService condition key limits use of a KMS key to
// requests from specified AWS services" and is set to
// SERVICE.REGION.amazonaws.com when a service calls KMS on the
// principal's behalf ("kms:ViaService", AWS KMS condition keys, KMS
// Developer Guide), in the key's Region.
func (s *Server) kmsKeyPolicyAllowsViaLocked(k *kmsKey, p Principal, action, via string) bool {
	if p.Account == k.account {
		return true
	}
	if k.manager == kmstypes.KeyManagerTypeAws {
		return false
	}
	// The caller's global keys (aws:PrincipalOrgID among them) let key
	// policies admit a whole organization, as CentralKeyPolicy does.
	ctx := s.callerContextLocked(p)
	ctx["kms:CallerAccount"] = []string{p.Account}
	if via != "" {
		ctx["kms:ViaService"] = []string{via + "." + k.region + ".amazonaws.com"}
	}
	d, err := evalPolicy(k.policy, policyResource, policyRequest{
		Principal: &policyPrincipal{Account: p.Account, ARN: p.ARN, RoleARN: p.RoleARN},
		Action:    action,
		Resource:  k.arn,
		Context:   ctx,
	})
	return err == nil && d == decisionAllow
}

// kmsKeyUsableByLocked reports whether account may perform action (e.g.
// "kms:Decrypt", "kms:CreateGrant") with the key keyARN, and if not, why.
// Other services (Backup copy jobs, encrypted vaults, SNS) use it.
// service is the signing name of the service using the key ("backup",
// "s3"), which the key policy sees as kms:ViaService.
func (s *Server) kmsKeyUsableByLocked(keyARN, account, action, service string) (bool, string) {
	ref, err := parseKMSKeyRef(&Call{Account: account}, keyARN)
	if err != nil || !ref.isARN {
		return false, fmt.Sprintf("%q is not a KMS key or alias ARN", keyARN)
	}
	k, err := s.kmsLookupLocked(ref, keyARN, true)
	if err != nil {
		return false, fmt.Sprintf("KMS key %s does not exist", keyARN)
	}
	switch k.state {
	case kmstypes.KeyStateEnabled:
	case kmstypes.KeyStatePendingDeletion:
		return false, fmt.Sprintf("KMS key %s is pending deletion", k.arn)
	default:
		return false, fmt.Sprintf("KMS key %s is %s", k.arn, k.state)
	}
	if !s.kmsKeyPolicyAllowsViaLocked(k, rootPrincipal(account), action, service) {
		if k.manager == kmstypes.KeyManagerTypeAws && account != k.account {
			return false, fmt.Sprintf("KMS key %s is an AWS managed key, which cannot be used from account %s", k.arn, account)
		}
		return false, fmt.Sprintf("the key policy of %s does not allow %s to %s", k.arn, account, action)
	}
	return true, ""
}

func kmsInvalidState(k *kmsKey) error {
	return &kmstypes.KMSInvalidStateException{Message: aws.String(fmt.Sprintf("%s is pending deletion.", k.arn))}
}

func (s *Server) kmsDescribeKey(c *Call, in *awskms.DescribeKeyInput) (*awskms.DescribeKeyOutput, error) {
	k, err := s.kmsKeyForCallLocked(c, aws.ToString(in.KeyId), "kms:DescribeKey", true, true)
	if err != nil {
		return nil, err
	}
	return &awskms.DescribeKeyOutput{KeyMetadata: s.kmsMetadata(k)}, nil
}

// kmsPage validates Limit (1..1000) and pages items.
func kmsPage[T any](items []T, marker *string, limit *int32) ([]T, *string, error) {
	if limit != nil && (*limit < 1 || *limit > kmsMaxPageSize) {
		return nil, nil, errValidation("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and 1000", *limit)
	}
	return paginate(items, marker, limit, kmsDefaultPageSize, "InvalidMarkerException")
}

func (s *Server) kmsSortedKeysLocked(account, region string) []*kmsKey {
	r := s.kmsRegionLocked(account, region)
	s.kmsExpireLocked(r)
	keys := make([]*kmsKey, 0, len(r.keys))
	for _, k := range r.keys {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].id < keys[j].id })
	return keys
}

func (s *Server) kmsListKeys(c *Call, in *awskms.ListKeysInput) (*awskms.ListKeysOutput, error) {
	page, next, err := kmsPage(s.kmsSortedKeysLocked(c.Account, c.Region), in.Marker, in.Limit)
	if err != nil {
		return nil, err
	}
	out := &awskms.ListKeysOutput{Keys: []kmstypes.KeyListEntry{}, NextMarker: next, Truncated: next != nil}
	for _, k := range page {
		out.Keys = append(out.Keys, kmstypes.KeyListEntry{KeyId: aws.String(k.id), KeyArn: aws.String(k.arn)})
	}
	return out, nil
}

func kmsCheckPolicyName(name *string) error {
	if name != nil && *name != "default" {
		// "The only valid name is default." (GetKeyPolicy, PutKeyPolicy)
		return &kmstypes.NotFoundException{Message: aws.String(fmt.Sprintf("Policy %s does not exist.", *name))}
	}
	return nil
}

func (s *Server) kmsGetKeyPolicy(c *Call, in *awskms.GetKeyPolicyInput) (*awskms.GetKeyPolicyOutput, error) {
	k, err := s.kmsKeyForCallLocked(c, aws.ToString(in.KeyId), "kms:GetKeyPolicy", false, false)
	if err != nil {
		return nil, err
	}
	if err := kmsCheckPolicyName(in.PolicyName); err != nil {
		return nil, err
	}
	return &awskms.GetKeyPolicyOutput{Policy: aws.String(k.policy), PolicyName: aws.String("default")}, nil
}

func (s *Server) kmsPutKeyPolicy(c *Call, in *awskms.PutKeyPolicyInput) (*awskms.PutKeyPolicyOutput, error) {
	k, err := s.kmsKeyForCallLocked(c, aws.ToString(in.KeyId), "kms:PutKeyPolicy", false, false)
	if err != nil {
		return nil, err
	}
	if err := kmsCheckPolicyName(in.PolicyName); err != nil {
		return nil, err
	}
	if in.Policy == nil {
		return nil, errValidation("1 validation error detected: Value null at 'policy' failed to satisfy constraint: Member must not be null")
	}
	if err := kmsCheckPolicy(*in.Policy); err != nil {
		return nil, err
	}
	if k.manager == kmstypes.KeyManagerTypeAws {
		return nil, errAccessDenied("User: %s is not authorized to perform: kms:PutKeyPolicy on resource: %s because the key is an AWS managed key", c.Caller.ARN, k.arn)
	}
	if k.state == kmstypes.KeyStatePendingDeletion {
		return nil, kmsInvalidState(k)
	}
	if !in.BypassPolicyLockoutSafetyCheck && !kmsPolicyAllows(*in.Policy, k.arn, c.Caller, "kms:PutKeyPolicy") {
		// Policy lockout safety check ("Default key policy", KMS Developer
		// Guide): the new policy must let the caller change it again.
		return nil, kmsLockoutError()
	}
	k.policy = *in.Policy
	return &awskms.PutKeyPolicyOutput{}, nil
}

// kmsCheckAliasName applies CreateAlias's AliasName rules: "alias/" prefix,
// then 1-256 characters of [a-zA-Z0-9/_-], never "alias/aws/".
func kmsCheckAliasName(name string) error {
	if !strings.HasPrefix(name, "alias/") || len(name) == len("alias/") || len(name) > 256 {
		return &kmstypes.InvalidAliasNameException{Message: aws.String(fmt.Sprintf("Alias must start with the prefix \"alias/\". Please see http://docs.aws.amazon.com/kms/latest/developerguide/programming-aliases.html (alias %s)", name))}
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '/' || r == '_' || r == '-') {
			return errValidation("1 validation error detected: Value '%s' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$", name)
		}
	}
	if strings.HasPrefix(name, "alias/aws/") {
		return Errorf(400, "NotAuthorizedException", "Cannot create alias with prefix 'alias/aws/'")
	}
	return nil
}

func (s *Server) kmsAliasTargetLocked(c *Call, target *string, action string) (*kmsKey, error) {
	if strings.HasPrefix(aws.ToString(target), "alias/") || strings.Contains(aws.ToString(target), ":alias/") {
		return nil, errValidation("TargetKeyId must be a key ID or key ARN, not an alias")
	}
	k, err := s.kmsKeyForCallLocked(c, aws.ToString(target), action, false, false)
	if err != nil {
		return nil, err
	}
	if k.state == kmstypes.KeyStatePendingDeletion {
		return nil, kmsInvalidState(k)
	}
	if k.manager == kmstypes.KeyManagerTypeAws {
		return nil, errAccessDenied("an alias cannot point to the AWS managed key %s", k.arn)
	}
	return k, nil
}

func (s *Server) kmsCreateAlias(c *Call, in *awskms.CreateAliasInput) (*awskms.CreateAliasOutput, error) {
	name := aws.ToString(in.AliasName)
	if err := kmsCheckAliasName(name); err != nil {
		return nil, err
	}
	k, err := s.kmsAliasTargetLocked(c, in.TargetKeyId, "kms:CreateAlias")
	if err != nil {
		return nil, err
	}
	r := s.kmsRegionLocked(c.Account, c.Region)
	if _, ok := r.aliases[name]; ok {
		return nil, &kmstypes.AlreadyExistsException{Message: aws.String(fmt.Sprintf("An alias with the name %s already exists", kmsAliasARN(c.Region, c.Account, name)))}
	}
	r.aliases[name] = &kmsAlias{name: name, arn: kmsAliasARN(c.Region, c.Account, name), target: k.id, created: s.now, updated: s.now}
	return &awskms.CreateAliasOutput{}, nil
}

func (s *Server) kmsFindAliasLocked(c *Call, name string) (*kmsAlias, error) {
	a := s.kmsRegionLocked(c.Account, c.Region).aliases[name]
	if a == nil {
		return nil, &kmstypes.NotFoundException{Message: aws.String(fmt.Sprintf("Alias %s is not found.", kmsAliasARN(c.Region, c.Account, name)))}
	}
	return a, nil
}

func (s *Server) kmsUpdateAlias(c *Call, in *awskms.UpdateAliasInput) (*awskms.UpdateAliasOutput, error) {
	name := aws.ToString(in.AliasName)
	if strings.HasPrefix(name, "alias/aws/") {
		return nil, Errorf(400, "NotAuthorizedException", "Cannot update alias with prefix 'alias/aws/'")
	}
	a, err := s.kmsFindAliasLocked(c, name)
	if err != nil {
		return nil, err
	}
	k, err := s.kmsAliasTargetLocked(c, in.TargetKeyId, "kms:UpdateAlias")
	if err != nil {
		return nil, err
	}
	a.target, a.updated = k.id, s.now
	return &awskms.UpdateAliasOutput{}, nil
}

func (s *Server) kmsDeleteAlias(c *Call, in *awskms.DeleteAliasInput) (*awskms.DeleteAliasOutput, error) {
	name := aws.ToString(in.AliasName)
	if strings.HasPrefix(name, "alias/aws/") {
		return nil, Errorf(400, "NotAuthorizedException", "Cannot delete alias with prefix 'alias/aws/'")
	}
	if _, err := s.kmsFindAliasLocked(c, name); err != nil {
		return nil, err
	}
	delete(s.kmsRegionLocked(c.Account, c.Region).aliases, name)
	return &awskms.DeleteAliasOutput{}, nil
}

func (s *Server) kmsListAliases(c *Call, in *awskms.ListAliasesInput) (*awskms.ListAliasesOutput, error) {
	var only *kmsKey
	if in.KeyId != nil {
		if strings.HasPrefix(*in.KeyId, "alias/") || strings.Contains(*in.KeyId, ":alias/") {
			return nil, &kmstypes.InvalidArnException{Message: aws.String("KeyId must be a key ID or key ARN")}
		}
		k, err := s.kmsKeyForCallLocked(c, *in.KeyId, "kms:ListAliases", false, false)
		if err != nil {
			return nil, err
		}
		only = k
	}
	r := s.kmsRegionLocked(c.Account, c.Region)
	s.kmsExpireLocked(r)
	var aliases []*kmsAlias
	for _, a := range r.aliases {
		if only == nil || a.target == only.id {
			aliases = append(aliases, a)
		}
	}
	sort.Slice(aliases, func(i, j int) bool { return aliases[i].name < aliases[j].name })
	page, next, err := kmsPage(aliases, in.Marker, in.Limit)
	if err != nil {
		return nil, err
	}
	out := &awskms.ListAliasesOutput{Aliases: []kmstypes.AliasListEntry{}, NextMarker: next, Truncated: next != nil}
	for _, a := range page {
		out.Aliases = append(out.Aliases, kmstypes.AliasListEntry{
			AliasName: aws.String(a.name), AliasArn: aws.String(a.arn), TargetKeyId: aws.String(a.target),
			CreationDate: aws.Time(a.created), LastUpdatedDate: aws.Time(a.updated),
		})
	}
	return out, nil
}

func (s *Server) kmsEnableKeyRotation(c *Call, in *awskms.EnableKeyRotationInput) (*awskms.EnableKeyRotationOutput, error) {
	k, err := s.kmsKeyForCallLocked(c, aws.ToString(in.KeyId), "kms:EnableKeyRotation", false, false)
	if err != nil {
		return nil, err
	}
	days := int32(kmsDefaultRotationDays)
	if in.RotationPeriodInDays != nil {
		days = *in.RotationPeriodInDays
		if days < kmsMinRotationDays || days > kmsMaxRotationDays {
			return nil, errValidation("1 validation error detected: Value '%d' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value between %d and %d", days, kmsMinRotationDays, kmsMaxRotationDays)
		}
	}
	if k.state == kmstypes.KeyStatePendingDeletion {
		return nil, kmsInvalidState(k)
	}
	if k.manager == kmstypes.KeyManagerTypeAws {
		return nil, errAccessDenied("User: %s is not authorized to perform: kms:EnableKeyRotation on resource: %s because the key is an AWS managed key", c.Caller.ARN, k.arn)
	}
	if !k.rotation || k.rotationDays != days {
		k.rotationStart = s.now
	}
	k.rotation, k.rotationDays = true, days
	return &awskms.EnableKeyRotationOutput{}, nil
}

// kmsDisableKeyRotation turns automatic rotation off. Like EnableKeyRotation
// it is not cross-account, fails on a key pending deletion ("Key states of
// AWS KMS keys") and cannot change AWS managed keys, whose rotation "is not
// configurable" (DisableKeyRotation, KMS API Reference).
func (s *Server) kmsDisableKeyRotation(c *Call, in *awskms.DisableKeyRotationInput) (*awskms.DisableKeyRotationOutput, error) {
	k, err := s.kmsKeyForCallLocked(c, aws.ToString(in.KeyId), "kms:DisableKeyRotation", false, false)
	if err != nil {
		return nil, err
	}
	if k.state == kmstypes.KeyStatePendingDeletion {
		return nil, kmsInvalidState(k)
	}
	if k.manager == kmstypes.KeyManagerTypeAws {
		return nil, errAccessDenied("User: %s is not authorized to perform: kms:DisableKeyRotation on resource: %s because the key is an AWS managed key", c.Caller.ARN, k.arn)
	}
	k.rotation = false
	return &awskms.DisableKeyRotationOutput{}, nil
}

// kmsUpdateKeyDescription replaces a key's description (0 to 8192
// characters, UpdateKeyDescription in the KMS API Reference). It is not
// cross-account and fails on a key pending deletion ("Key states of AWS KMS
// keys").
func (s *Server) kmsUpdateKeyDescription(c *Call, in *awskms.UpdateKeyDescriptionInput) (*awskms.UpdateKeyDescriptionOutput, error) {
	if in.Description == nil {
		return nil, errValidation("1 validation error detected: Value null at 'description' failed to satisfy constraint: Member must not be null")
	}
	if n := len([]rune(*in.Description)); n > 8192 {
		return nil, errValidation("1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 8192")
	}
	k, err := s.kmsKeyForCallLocked(c, aws.ToString(in.KeyId), "kms:UpdateKeyDescription", false, false)
	if err != nil {
		return nil, err
	}
	if k.state == kmstypes.KeyStatePendingDeletion {
		return nil, kmsInvalidState(k)
	}
	if k.manager == kmstypes.KeyManagerTypeAws {
		return nil, errAccessDenied("User: %s is not authorized to perform: kms:UpdateKeyDescription on resource: %s because the key is an AWS managed key", c.Caller.ARN, k.arn)
	}
	k.description = *in.Description
	return &awskms.UpdateKeyDescriptionOutput{}, nil
}

func (s *Server) kmsGetKeyRotationStatus(c *Call, in *awskms.GetKeyRotationStatusInput) (*awskms.GetKeyRotationStatusOutput, error) {
	k, err := s.kmsKeyForCallLocked(c, aws.ToString(in.KeyId), "kms:GetKeyRotationStatus", false, true)
	if err != nil {
		return nil, err
	}
	if k.state == kmstypes.KeyStatePendingDeletion {
		return nil, kmsInvalidState(k)
	}
	out := &awskms.GetKeyRotationStatusOutput{KeyId: aws.String(k.arn), KeyRotationEnabled: k.rotation}
	if k.rotation {
		out.RotationPeriodInDays = aws.Int32(k.rotationDays)
		period := time.Duration(k.rotationDays) * 24 * time.Hour
		next := k.rotationStart.Add(period)
		for !next.After(s.now) {
			next = next.Add(period)
		}
		out.NextRotationDate = aws.Time(next)
	}
	return out, nil
}

func (s *Server) kmsTagResource(c *Call, in *awskms.TagResourceInput) (*awskms.TagResourceOutput, error) {
	k, err := s.kmsKeyForCallLocked(c, aws.ToString(in.KeyId), "kms:TagResource", false, false)
	if err != nil {
		return nil, err
	}
	if err := kmsCheckTags(in.Tags); err != nil {
		return nil, err
	}
	if k.state == kmstypes.KeyStatePendingDeletion {
		return nil, kmsInvalidState(k)
	}
	if k.manager == kmstypes.KeyManagerTypeAws {
		return nil, errAccessDenied("AWS managed keys cannot be tagged: %s", k.arn)
	}
	if n := len(k.tags) + len(in.Tags); n > 50 {
		for _, t := range in.Tags {
			if _, ok := k.tags[aws.ToString(t.TagKey)]; ok {
				n--
			}
		}
		if n > 50 {
			return nil, &kmstypes.LimitExceededException{Message: aws.String("A KMS key can have at most 50 tags.")}
		}
	}
	for _, t := range in.Tags {
		k.tags[aws.ToString(t.TagKey)] = aws.ToString(t.TagValue)
	}
	return &awskms.TagResourceOutput{}, nil
}

func (s *Server) kmsListResourceTags(c *Call, in *awskms.ListResourceTagsInput) (*awskms.ListResourceTagsOutput, error) {
	k, err := s.kmsKeyForCallLocked(c, aws.ToString(in.KeyId), "kms:ListResourceTags", false, false)
	if err != nil {
		return nil, err
	}
	if in.Limit != nil && (*in.Limit < 1 || *in.Limit > 50) {
		return nil, errValidation("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and 50", *in.Limit)
	}
	keys := kmsSortedTagKeys(k.tags)
	page, next, err := paginate(keys, in.Marker, in.Limit, 50, "InvalidMarkerException")
	if err != nil {
		return nil, err
	}
	out := &awskms.ListResourceTagsOutput{Tags: []kmstypes.Tag{}, NextMarker: next, Truncated: next != nil}
	for _, key := range page {
		out.Tags = append(out.Tags, kmstypes.Tag{TagKey: aws.String(key), TagValue: aws.String(k.tags[key])})
	}
	return out, nil
}

func kmsSortedTagKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (s *Server) kmsCreateGrant(c *Call, in *awskms.CreateGrantInput) (*awskms.CreateGrantOutput, error) {
	if in.GranteePrincipal == nil && in.GranteeServicePrincipal == nil {
		return nil, errValidation("1 validation error detected: Value null at 'granteePrincipal' failed to satisfy constraint: Member must not be null")
	}
	if len(in.Operations) == 0 {
		return nil, errValidation("1 validation error detected: Value null at 'operations' failed to satisfy constraint: Member must not be null")
	}
	valid := map[kmstypes.GrantOperation]bool{}
	for _, op := range kmstypes.GrantOperation("").Values() {
		valid[op] = true
	}
	for _, op := range in.Operations {
		if !valid[op] {
			return nil, errValidation("1 validation error detected: Value '[%s]' at 'operations' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: %v]", op, kmstypes.GrantOperation("").Values())
		}
	}
	k, err := s.kmsKeyForCallLocked(c, aws.ToString(in.KeyId), "kms:CreateGrant", false, true)
	if err != nil {
		return nil, err
	}
	if k.state == kmstypes.KeyStatePendingDeletion {
		return nil, kmsInvalidState(k)
	}
	if k.state == kmstypes.KeyStateDisabled {
		return nil, &kmstypes.DisabledException{Message: aws.String(fmt.Sprintf("%s is disabled.", k.arn))}
	}
	if aws.ToBool(in.DryRun) {
		return nil, &kmstypes.DryRunOperationException{Message: aws.String("The request would have succeeded, but the DryRun option is set.")}
	}
	// Grants with the same name and the same settings are idempotent
	// (CreateGrant, "Name").
	if in.Name != nil {
		for _, g := range k.grants {
			if g.name == *in.Name && g.grantee == aws.ToString(in.GranteePrincipal) && fmt.Sprint(g.operations) == fmt.Sprint(in.Operations) {
				return &awskms.CreateGrantOutput{GrantId: aws.String(g.id), GrantToken: aws.String(g.token)}, nil
			}
		}
	}
	g := &kmsGrant{
		id:    s.ids.hex(64),
		token: "AQpAM2" + s.ids.alnum(200),
		name:  aws.ToString(in.Name), grantee: aws.ToString(in.GranteePrincipal), granteeService: aws.ToString(in.GranteeServicePrincipal),
		retiring: aws.ToString(in.RetiringPrincipal), retiringService: aws.ToString(in.RetiringServicePrincipal),
		issuingAccount: "arn:aws:iam::" + c.Account + ":root",
		operations:     append([]kmstypes.GrantOperation(nil), in.Operations...),
		constraints:    in.Constraints,
		created:        s.now,
	}
	k.grants = append(k.grants, g)
	return &awskms.CreateGrantOutput{GrantId: aws.String(g.id), GrantToken: aws.String(g.token)}, nil
}

func (s *Server) kmsListGrants(c *Call, in *awskms.ListGrantsInput) (*awskms.ListGrantsOutput, error) {
	k, err := s.kmsKeyForCallLocked(c, aws.ToString(in.KeyId), "kms:ListGrants", false, true)
	if err != nil {
		return nil, err
	}
	if k.state == kmstypes.KeyStatePendingDeletion {
		return nil, kmsInvalidState(k)
	}
	var grants []*kmsGrant
	for _, g := range k.grants {
		if in.GrantId != nil && g.id != *in.GrantId {
			continue
		}
		if in.GranteePrincipal != nil && g.grantee != *in.GranteePrincipal {
			continue
		}
		if in.GranteeServicePrincipal != nil && g.granteeService != *in.GranteeServicePrincipal {
			continue
		}
		grants = append(grants, g)
	}
	if in.GrantId != nil && len(grants) == 0 {
		return nil, &kmstypes.InvalidGrantIdException{Message: aws.String(fmt.Sprintf("Grant ID %s is not valid", *in.GrantId))}
	}
	page, next, err := kmsPage(grants, in.Marker, in.Limit)
	if err != nil {
		return nil, err
	}
	out := &awskms.ListGrantsOutput{Grants: []kmstypes.GrantListEntry{}, NextMarker: next, Truncated: next != nil}
	for _, g := range page {
		e := kmstypes.GrantListEntry{
			KeyId: aws.String(k.arn), GrantId: aws.String(g.id), CreationDate: aws.Time(g.created),
			IssuingAccount: aws.String(g.issuingAccount), Operations: g.operations, Constraints: g.constraints,
		}
		if g.name != "" {
			e.Name = aws.String(g.name)
		}
		if g.grantee != "" {
			e.GranteePrincipal = aws.String(g.grantee)
		}
		if g.granteeService != "" {
			e.GranteeServicePrincipal = aws.String(g.granteeService)
		}
		if g.retiring != "" {
			e.RetiringPrincipal = aws.String(g.retiring)
		}
		if g.retiringService != "" {
			e.RetiringServicePrincipal = aws.String(g.retiringService)
		}
		out.Grants = append(out.Grants, e)
	}
	return out, nil
}

func (s *Server) kmsScheduleKeyDeletion(c *Call, in *awskms.ScheduleKeyDeletionInput) (*awskms.ScheduleKeyDeletionOutput, error) {
	days := int32(kmsDefaultPendingDays)
	if in.PendingWindowInDays != nil {
		days = *in.PendingWindowInDays
		// "If you include a value, it must be between 7 and 30, inclusive."
		if days < kmsMinPendingDays || days > kmsMaxPendingDays {
			return nil, errValidation("1 validation error detected: Value '%d' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value between %d and %d", days, kmsMinPendingDays, kmsMaxPendingDays)
		}
	}
	k, err := s.kmsKeyForCallLocked(c, aws.ToString(in.KeyId), "kms:ScheduleKeyDeletion", false, false)
	if err != nil {
		return nil, err
	}
	if k.state == kmstypes.KeyStatePendingDeletion {
		return nil, kmsInvalidState(k)
	}
	if k.manager == kmstypes.KeyManagerTypeAws {
		return nil, errAccessDenied("User: %s is not authorized to perform: kms:ScheduleKeyDeletion on resource: %s because the key is an AWS managed key", c.Caller.ARN, k.arn)
	}
	k.state, k.pendingDays = kmstypes.KeyStatePendingDeletion, days
	k.deletionDate = s.now.Add(time.Duration(days) * 24 * time.Hour)
	return &awskms.ScheduleKeyDeletionOutput{
		KeyId: aws.String(k.arn), DeletionDate: aws.Time(k.deletionDate),
		KeyState: k.state, PendingWindowInDays: aws.Int32(days),
	}, nil
}

// kmsCancelKeyDeletion cancels a scheduled deletion (CancelKeyDeletion in
// the AWS KMS API Reference): "When this operation succeeds, the key state
// of the KMS key is Disabled", to be enabled again with EnableKey. It works
// only on a key pending deletion (KMSInvalidStateException otherwise, "Key
// states of AWS KMS keys"), and not across accounts.
func (s *Server) kmsCancelKeyDeletion(c *Call, in *awskms.CancelKeyDeletionInput) (*awskms.CancelKeyDeletionOutput, error) {
	k, err := s.kmsKeyForCallLocked(c, aws.ToString(in.KeyId), "kms:CancelKeyDeletion", false, false)
	if err != nil {
		return nil, err
	}
	if k.state != kmstypes.KeyStatePendingDeletion {
		return nil, &kmstypes.KMSInvalidStateException{Message: aws.String(fmt.Sprintf("%s is %s, not pending deletion.", k.arn, k.state))}
	}
	k.state, k.pendingDays, k.deletionDate = kmstypes.KeyStateDisabled, 0, time.Time{}
	return &awskms.CancelKeyDeletionOutput{KeyId: aws.String(k.arn)}, nil
}

// kmsEnableKey and kmsDisableKey set a customer managed key's state
// (EnableKey, DisableKey in the AWS KMS API Reference). Neither works on a
// key pending deletion (KMSInvalidStateException, "Key states of AWS KMS
// keys") nor on an AWS managed key, nor across accounts.
func (s *Server) kmsEnableKey(c *Call, in *awskms.EnableKeyInput) (*awskms.EnableKeyOutput, error) {
	if err := s.kmsSetEnabledLocked(c, aws.ToString(in.KeyId), "kms:EnableKey", kmstypes.KeyStateEnabled); err != nil {
		return nil, err
	}
	return &awskms.EnableKeyOutput{}, nil
}

func (s *Server) kmsDisableKey(c *Call, in *awskms.DisableKeyInput) (*awskms.DisableKeyOutput, error) {
	if err := s.kmsSetEnabledLocked(c, aws.ToString(in.KeyId), "kms:DisableKey", kmstypes.KeyStateDisabled); err != nil {
		return nil, err
	}
	return &awskms.DisableKeyOutput{}, nil
}

func (s *Server) kmsSetEnabledLocked(c *Call, id, action string, state kmstypes.KeyState) error {
	k, err := s.kmsKeyForCallLocked(c, id, action, false, false)
	if err != nil {
		return err
	}
	if k.state == kmstypes.KeyStatePendingDeletion {
		return kmsInvalidState(k)
	}
	if k.manager == kmstypes.KeyManagerTypeAws {
		return errAccessDenied("User: %s is not authorized to perform: %s on resource: %s because the key is an AWS managed key", c.Caller.ARN, action, k.arn)
	}
	k.state = state
	return nil
}
