package emulator

import (
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/traits"
)

// This file enforces service control policies on every call, as the
// Organizations User Guide's "Service control policies (SCPs)" and "SCP
// evaluation" describe:
//
//   - SCPs apply only when the SERVICE_CONTROL_POLICY type is enabled on
//     the root ("Enabling a policy type").
//   - "SCPs don't affect users or roles in the management account. They
//     affect only the member accounts in your organization", delegated
//     administrators included; the root user of a member account is
//     affected.
//   - "SCPs do not affect any service-linked role."
//   - An action is allowed only when, at every level from the root through
//     each OU to the account, at least one SCP attached to that level
//     allows it ("How SCPs work with Allow"), and no SCP anywhere on that
//     path denies it ("How SCPs work with Deny": an explicit deny in any
//     SCP overrides every allow).
//
// SCPs filter what IAM grants; the emulator does not evaluate identity
// policies, so a call the SCPs allow goes on to the service's own checks
// (vault access policies, key policies, Vault Lock...).

// scpActionPrefix is the IAM service prefix of actions of a service known
// by its SigV4 signing name ("Actions, resources, and condition keys" in
// the Service Authorization Reference): the Resource Groups Tagging API
// signs as "tagging" but its actions are "tag:...".
func scpActionPrefix(service string) string {
	if service == "tagging" {
		return "tag"
	}
	return service
}

// scpDecision is the outcome of evaluating the SCPs for one request.
type scpDecision struct {
	// decision is decisionAllow when the SCPs do not apply or allow the
	// request.
	decision decision
	// policy is the SCP whose statement denied the request (explicit
	// deny only).
	policy *orgPolicy
	// resource is the resource the decision is about.
	resource string
}

// scpAppliesLocked reports whether SCPs filter the calls of principal p:
// SCPs are enabled, p belongs to a member account of the organization
// other than the management account, and p is not a service-linked role.
func (s *Server) scpAppliesLocked(p Principal) bool {
	o := s.org
	if o == nil || p.Account == "" || p.Account == o.mgmt || o.account(p.Account) == nil {
		return false
	}
	if _, ok := o.enabledTypes[orgtypes.PolicyTypeServiceControlPolicy]; !ok {
		return false
	}
	return !isServiceLinkedRoleARN(p.RoleARN)
}

// isServiceLinkedRoleARN reports whether arn names a service-linked role:
// those live under the path /aws-service-role/ ("Using service-linked
// roles", IAM User Guide).
func isServiceLinkedRoleARN(arn string) bool {
	_, _, ok := parseRoleARN(arn)
	return ok && strings.Contains(arn, ":role/aws-service-role/")
}

// scpPathLocked returns the nodes whose SCPs apply to account: the root,
// each OU down to the account, and the account itself.
func (o *orgState) scpPathLocked(account string) []*orgNode {
	var path []*orgNode
	for n := o.account(account); n != nil; n = n.parent {
		path = append(path, n)
	}
	slices.Reverse(path)
	return path
}

// scpDecisionLocked evaluates the SCPs on the path of the caller's account
// for action on each resource ("*" when none). An explicit deny on any
// resource wins over an implicit one; the first denying SCP from the root
// down is the one reported.
func (s *Server) scpDecisionLocked(c *Call, action string, resources []string, extra map[string][]string) scpDecision {
	if !s.scpAppliesLocked(c.Caller) {
		return scpDecision{decision: decisionAllow}
	}
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	o := s.org
	path := o.scpPathLocked(c.Caller.Account)
	var implicit *scpDecision
	for _, res := range resources {
		ctx := s.requestContextLocked(c, res)
		for k, v := range extra {
			ctx[k] = v
		}
		req := policyRequest{Action: action, Resource: res, Context: ctx}
		for _, n := range path {
			allowed := false
			for _, a := range n.attached {
				p := o.policies[a.policyID]
				if p == nil || p.typ != orgtypes.PolicyTypeServiceControlPolicy {
					continue
				}
				// Contents that do not parse (they cannot be created, so
				// only through a fixture) decide nothing.
				doc := s.parsedPolicyLocked(p.content, policySCP)
				if doc == nil {
					continue
				}
				switch doc.eval(req) {
				case decisionDeny:
					return scpDecision{decision: decisionDeny, policy: p, resource: res}
				case decisionAllow:
					allowed = true
				}
			}
			if !allowed && implicit == nil {
				implicit = &scpDecision{decision: decisionImplicitDeny, resource: res}
			}
		}
	}
	if implicit != nil {
		return *implicit
	}
	return scpDecision{decision: decisionAllow}
}

// authorizeSCPLocked refuses a call the SCPs deny, with the error the
// service's protocol uses for access denied and AWS's message, which
// names the policy type and, for an explicit deny, the policy's ARN
// ("Troubleshoot access denied error messages", IAM User Guide; "Enhanced
// access denied error messages with policy ARNs", AWS Security Blog, 2025:
// "... with an explicit deny in a service control policy:
// arn:aws:organizations::MGMT:policy/o-ID/service_control_policy/p-ID").
func (s *Server) authorizeSCPLocked(c *Call, action string, resources []string, extra map[string][]string) error {
	d := s.scpDecisionLocked(c, action, resources, extra)
	switch d.decision {
	case decisionDeny:
		return s.accessDenied(c, "User: "+c.Caller.ARN+" is not authorized to perform: "+action+" on resource: "+d.resource+
			" with an explicit deny in a service control policy: "+s.org.policyARN(d.policy))
	case decisionImplicitDeny:
		return s.accessDenied(c, "User: "+c.Caller.ARN+" is not authorized to perform: "+action+" on resource: "+d.resource+
			" because no service control policy allows the "+action+" action")
	}
	return nil
}

// accessDenied is the access-denied error of c's service: AccessDenied
// (HTTP 403) for the query and REST-XML protocols (IAM, STS, S3), SNS's
// own AuthorizationError (403), and AccessDeniedException for the JSON
// protocols, with the status the service's model gives that shape
// (Organizations: 403), else 403 for REST-JSON (AWS Backup) and 400 for
// JSON 1.1 (KMS and the Tagging API, as the emulator's KMS already
// answers).
func (s *Server) accessDenied(c *Call, msg string) error {
	svc := s.services[c.Service]
	if c.Service == "sns" {
		// SNS names every authorization failure AuthorizationError
		// (its model's AuthorizationErrorException; "How do I resolve
		// authorization errors when trying to add subscribers to an
		// Amazon SNS topic?", AWS re:Post Knowledge Center).
		return &awsError{Code: "AuthorizationError", Message: msg, Status: http.StatusForbidden, Sender: true}
	}
	if svc == nil || svc.protocol == awsQuery || svc.protocol == restXML {
		return &awsError{Code: "AccessDenied", Message: msg, Status: http.StatusForbidden, Sender: true}
	}
	status := http.StatusBadRequest
	if svc.protocol == restJSON1 {
		status = http.StatusForbidden
	}
	for _, sch := range svc.errorSchemas {
		if sch.ID().Name != "AccessDeniedException" {
			continue
		}
		if t, ok := smithy.SchemaTrait[*traits.HTTPError](sch); ok && t.Code != 0 {
			status = t.Code
		}
	}
	return &awsError{Code: "AccessDeniedException", Message: msg, Status: status, Sender: true}
}

// authzDecoder wraps an operation's input decoder so that the call is
// authorized once its input is known, before the handler runs: first the
// SCPs (the action is the service prefix and the operation name, the
// resources those the input names), then the access policy of the Backup
// vault the call names.
func (s *Server) authzDecoder(c *Call, decode func(any) error) func(any) error {
	return func(dst any) error {
		if err := decode(dst); err != nil {
			return err
		}
		// GetCallerIdentity needs no permission: "If an administrator
		// attaches a policy to your identity that explicitly denies
		// access to the sts:GetCallerIdentity action, you can still
		// perform this operation" (GetCallerIdentity API reference).
		if s.scpAppliesLocked(c.Caller) && !(c.Service == "sts" && c.Operation == "GetCallerIdentity") {
			if err := s.authorizeSCPLocked(c, scpActionPrefix(c.Service)+":"+c.Operation, s.requestResourcesLocked(c, dst), requestTagContext(dst)); err != nil {
				return err
			}
			if err := s.authorizePassRoleLocked(c, dst); err != nil {
				return err
			}
		}
		return s.vaultPolicyDenyLocked(c, dst)
	}
}

// requestResourcesLocked returns the ARNs of the resources an input names,
// as the Service Authorization Reference lists each action's resource
// types: a recovery point before its vault (DeleteRecoveryPoint,
// UpdateRecoveryPointLifecycle, StartCopyJob act on the recovery point), a
// vault before the protected resource (StartBackupJob acts on the vault),
// a role before a policy (AttachRolePolicy acts on the role); an
// Organizations policy together with its target (AttachPolicy,
// DetachPolicy act on both). None means "*".
func (s *Server) requestResourcesLocked(c *Call, in any) []string {
	f := func(name string) string { return inputString(in, name) }
	switch c.Service {
	case "backup":
		b := regionKey{c.Account, c.Region}
		if acct := f("BackupVaultAccountId"); isAccountID(acct) {
			b.account = acct
		}
		arn := func(kind, id string) string {
			return "arn:aws:backup:" + b.region + ":" + b.account + ":" + kind + ":" + id
		}
		switch {
		case f("RecoveryPointArn") != "":
			return []string{f("RecoveryPointArn")}
		case f("BackupVaultName") != "":
			return []string{arn("backup-vault", f("BackupVaultName"))}
		case f("SourceBackupVaultName") != "":
			return []string{arn("backup-vault", f("SourceBackupVaultName"))}
		case f("BackupPlanId") != "":
			return []string{arn("backup-plan", f("BackupPlanId"))}
		case f("LegalHoldId") != "":
			return []string{arn("legal-hold", f("LegalHoldId"))}
		case f("ResourceArn") != "":
			return []string{f("ResourceArn")}
		}
	case "kms":
		id := f("KeyId")
		if id == "" {
			id = f("TargetKeyId")
		}
		switch {
		case id == "":
		case s.kmsKeyByIDLocked(c.Account, c.Region, id) != nil:
			return []string{s.kmsKeyByIDLocked(c.Account, c.Region, id).arn}
		case strings.HasPrefix(id, "arn:"):
			return []string{id}
		case strings.HasPrefix(id, "alias/"):
			return []string{"arn:aws:kms:" + c.Region + ":" + c.Account + ":" + id}
		default:
			return []string{"arn:aws:kms:" + c.Region + ":" + c.Account + ":key/" + id}
		}
	case "iam":
		switch {
		case f("RoleName") != "":
			if a := s.iam[c.Account]; a != nil {
				if r, err := a.role(f("RoleName")); err == nil {
					return []string{r.arn}
				}
			}
			return []string{"arn:aws:iam::" + c.Account + ":role/" + f("RoleName")}
		case f("PolicyArn") != "":
			return []string{f("PolicyArn")}
		}
	case "sts":
		if f("RoleArn") != "" {
			return []string{f("RoleArn")}
		}
	case "sns":
		if f("TopicArn") != "" {
			return []string{f("TopicArn")}
		}
	case "organizations":
		o := s.org
		var out []string
		if p := o.policies[f("PolicyId")]; p != nil {
			out = append(out, o.policyARN(p))
		}
		for _, id := range []string{f("TargetId"), f("AccountId")} {
			if n := o.nodes[id]; n != nil {
				out = append(out, o.nodeARN(n))
			}
		}
		return out
	}
	return nil
}

// inputString returns the string (or *string) field name of the struct in
// points to, "" when there is none.
func inputString(in any, name string) string {
	v := reflect.ValueOf(in)
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return ""
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return ""
	}
	fv := v.FieldByName(name)
	if !fv.IsValid() {
		return ""
	}
	if fv.Kind() == reflect.Pointer {
		if fv.IsNil() {
			return ""
		}
		fv = fv.Elem()
	}
	if fv.Kind() != reflect.String {
		return ""
	}
	return fv.String()
}

// requestContextLocked is the request context a policy sees for a call by
// c's caller on resource: the caller's keys (callerContextLocked),
// aws:RequestedRegion, the resource's account and organization,
// aws:ViaAWSService (false: the caller signed the
// request itself; "This key is present in the request context for all
// signed API requests", AWS global condition context keys), and
// aws:ResourceTag/<key> for the resources whose tags the emulator keeps
// (Backup vaults, plans and recovery points; KMS keys; IAM roles; SNS
// topics; S3 buckets).
func (s *Server) requestContextLocked(c *Call, resource string) map[string][]string {
	ctx := s.callerContextLocked(c.Caller)
	ctx["aws:RequestedRegion"] = []string{c.Region}
	ctx["aws:ViaAWSService"] = []string{"false"}
	// aws:ResourceAccount, and for accounts of the organization
	// aws:ResourceOrgID and aws:ResourceOrgPaths (same page), from the
	// resource's ARN.
	if parts := strings.SplitN(resource, ":", 6); len(parts) == 6 && isAccountID(parts[4]) {
		ctx["aws:ResourceAccount"] = []string{parts[4]}
		if orgID, path, ok := s.principalOrgLocked(parts[4]); ok {
			ctx["aws:ResourceOrgID"] = []string{orgID}
			ctx["aws:ResourceOrgPaths"] = []string{path}
		}
	}
	for k, v := range s.resourceTagsLocked(resource) {
		ctx["aws:ResourceTag/"+k] = []string{v}
	}
	return ctx
}

// resourceTagsLocked returns the tags of the resource an ARN names, for
// the kinds of resources whose tags are cheap to find.
func (s *Server) resourceTagsLocked(arn string) map[string]string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 {
		return nil
	}
	switch parts[2] {
	case "backup":
		return s.backupTagsLocked(parts[4], parts[3], arn)
	case "kms":
		if k := s.kmsKeyByIDLocked(parts[4], parts[3], arn); k != nil {
			return k.tags
		}
	case "sns":
		if r := s.sns[regionKey{parts[4], parts[3]}]; r != nil {
			if t := r.topics[parts[5]]; t != nil {
				return t.tags
			}
		}
	case "s3":
		// A bucket's tags; an object's are S3's own condition keys
		// (s3:ExistingObjectTag), not aws:ResourceTag.
		if b := s.s3.buckets[parts[5]]; b != nil && !strings.Contains(parts[5], "/") {
			return b.tags
		}
	case "iam":
		if r := s.iamRoleByARNLocked(arn); r != nil {
			out := make(map[string]string, len(r.tags))
			for _, t := range r.tags {
				out[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			return out
		}
	}
	return nil
}

// s3Action is the IAM action of an S3 operation ("Required permissions
// for Amazon S3 API operations"): mostly the operation's name, except
// where S3 names the permission otherwise.
func s3Action(op string) string {
	switch op {
	case "HeadObject":
		op = "GetObject"
	case "HeadBucket", "ListObjects", "ListObjectsV2":
		op = "ListBucket"
	case "ListBuckets":
		op = "ListAllMyBuckets"
	case "GetBucketEncryption":
		op = "GetEncryptionConfiguration"
	case "PutBucketEncryption", "DeleteBucketEncryption":
		op = "PutEncryptionConfiguration"
	case "GetPublicAccessBlock":
		op = "GetBucketPublicAccessBlock"
	case "PutPublicAccessBlock", "DeletePublicAccessBlock":
		op = "PutBucketPublicAccessBlock"
	case "DeleteBucketTagging":
		op = "PutBucketTagging"
	case "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload", "CopyObject":
		op = "PutObject"
	}
	return "s3:" + op
}

// s3ResourceARN is the ARN of a bucket or object, "*" for the service
// (ListBuckets).
func s3ResourceARN(bucket, key string) string {
	switch {
	case bucket == "":
		return "*"
	case key == "":
		return "arn:aws:s3:::" + bucket
	}
	return "arn:aws:s3:::" + bucket + "/" + key
}

// kmsKeyByIDLocked finds a key of account and region by key ID, key ARN,
// alias name or alias ARN, without creating any state; nil when there is
// none.
func (s *Server) kmsKeyByIDLocked(account, region, id string) *kmsKey {
	r := s.kms[regionKey{account, region}]
	if r == nil {
		return nil
	}
	if i := strings.Index(id, ":key/"); strings.HasPrefix(id, "arn:") && i >= 0 {
		id = id[i+len(":key/"):]
	} else if i := strings.Index(id, ":alias/"); strings.HasPrefix(id, "arn:") && i >= 0 {
		id = id[i+1:]
	}
	if a := r.aliases[id]; a != nil {
		id = a.target
	}
	return r.keys[id]
}

// requestTagContext returns aws:RequestTag/<key> and aws:TagKeys for an
// input that sets or removes tags ("Controlling access during AWS
// requests", IAM User Guide): the tags of its Tags member, whichever of
// the services' shapes it has (a map, or a list of Key/Value or
// TagKey/TagValue pairs), and the keys of its TagKeys or TagKeyList
// member.
func requestTagContext(in any) map[string][]string {
	v := reflect.ValueOf(in)
	for v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil
	}
	ctx := map[string][]string{}
	var keys []string
	if tags := v.FieldByName("Tags"); tags.IsValid() {
		switch tags.Kind() {
		case reflect.Map:
			iter := tags.MapRange()
			for iter.Next() {
				if iter.Key().Kind() == reflect.String && iter.Value().Kind() == reflect.String {
					ctx["aws:RequestTag/"+iter.Key().String()] = []string{iter.Value().String()}
					keys = append(keys, iter.Key().String())
				}
			}
		case reflect.Slice:
			for i := 0; i < tags.Len(); i++ {
				t := tags.Index(i).Interface()
				k, val := inputString(t, "Key"), inputString(t, "Value")
				if k == "" {
					k, val = inputString(t, "TagKey"), inputString(t, "TagValue")
				}
				if k != "" {
					ctx["aws:RequestTag/"+k] = []string{val}
					keys = append(keys, k)
				}
			}
		}
	}
	for _, name := range []string{"TagKeys", "TagKeyList"} {
		if f := v.FieldByName(name); f.IsValid() && f.Kind() == reflect.Slice {
			for i := 0; i < f.Len(); i++ {
				if e := f.Index(i); e.Kind() == reflect.String {
					keys = append(keys, e.String())
				}
			}
		}
	}
	if len(keys) == 0 {
		return nil
	}
	slices.Sort(keys)
	ctx["aws:TagKeys"] = keys
	return ctx
}

// scpForUnemulated evaluates the SCPs for a call of an operation the
// emulator does not implement, on resource "*": AWS authorizes a call
// before the service runs it, so an SCP that denies, say,
// organizations:LeaveOrganization is observable even where the emulator
// has no such operation. Only the JSON 1.1 and query protocols name the
// operation of a request that matches no route.
func (s *Server) scpForUnemulated(c *Call, svc *service, r *http.Request, sig *sigV4, body []byte) error {
	var name string
	switch svc.protocol {
	case awsJSON11:
		prefix, op, ok := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
		if !ok || prefix != svc.target {
			return nil
		}
		name = op
	case awsQuery:
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil
		}
		name = form.Get("Action")
	}
	if name == "" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.authenticateLocked(r, sig, body)
	if err != nil {
		return nil
	}
	cc := *c
	cc.Caller, cc.Account, cc.Operation = p, p.Account, name
	if !s.scpAppliesLocked(p) {
		return nil
	}
	return s.authorizeSCPLocked(&cc, scpActionPrefix(svc.name)+":"+name, nil, nil)
}

// authorizePassRoleLocked evaluates iam:PassRole for the role a Backup
// call hands to AWS Backup (StartBackupJob, StartCopyJob, StartRestoreJob
// and CreateBackupSelection's IamRoleArn): passing a role is a permission
// of its own, checked when the role is passed, with iam:PassedToService
// naming the service ("Grant a user permissions to pass a role to an AWS
// service", IAM User Guide).
func (s *Server) authorizePassRoleLocked(c *Call, in any) error {
	if c.Service != "backup" {
		return nil
	}
	role := inputString(in, "IamRoleArn")
	if role == "" {
		v := reflect.ValueOf(in)
		for v.Kind() == reflect.Pointer && !v.IsNil() {
			v = v.Elem()
		}
		if v.Kind() == reflect.Struct {
			if sel := v.FieldByName("BackupSelection"); sel.IsValid() && sel.Kind() == reflect.Pointer && !sel.IsNil() {
				role = inputString(sel.Interface(), "IamRoleArn")
			}
		}
	}
	if role == "" {
		return nil
	}
	return s.authorizeSCPLocked(c, "iam:PassRole", []string{role}, map[string][]string{"iam:PassedToService": {backupServicePrincipal}})
}
