package emulator

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/schemas"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

func (s *Server) stsService() *service {
	svc := newService("sts", awsQuery, schemas.AWSSecurityTokenServiceV20110615, awssts.TypeRegistry, []*operation{
		handle(schemas.GetCallerIdentity, schemas.GetCallerIdentityRequest, s.getCallerIdentity),
		handle(schemas.AssumeRole, schemas.AssumeRoleRequest, s.stsAssumeRole),
		handle(schemas.AssumeRoleWithWebIdentity, schemas.AssumeRoleWithWebIdentityRequest, s.stsAssumeRoleWithWebIdentity),
	})
	svc.xmlns = "https://sts.amazonaws.com/doc/2011-06-15/"
	return svc
}

func (s *Server) getCallerIdentity(c *Call, _ *awssts.GetCallerIdentityInput) (*awssts.GetCallerIdentityOutput, error) {
	return &awssts.GetCallerIdentityOutput{
		Account: aws.String(c.Caller.Account),
		Arn:     aws.String(c.Caller.ARN),
		UserId:  aws.String(c.Caller.UserID),
	}, nil
}

// STS limits (AssumeRole API reference): sessions last 900 seconds up to
// the role's MaximumSessionDuration, default one hour; role chaining
// limits them to one hour.
const (
	stsMinDuration     = 900
	stsDefaultDuration = 3600
	stsChainedMax      = 3600
)

var (
	stsSessionNameRE  = regexp.MustCompile(`^[\w+=,.@-]*$`)
	stsExternalIDRE   = regexp.MustCompile(`^[\w+=,.@:/-]*$`)
	stsSerialNumberRE = regexp.MustCompile(`^[\w+=/:,.@-]*$`)
	stsTokenCodeRE    = regexp.MustCompile(`^\d*$`)
)

func stsChecks(roleARN, session *string, duration *int32) error {
	var v iamChecks
	if v.required("roleArn", roleARN) {
		v.str("roleArn", roleARN, 20, 2048, nil)
	}
	if v.required("roleSessionName", session) {
		v.str("roleSessionName", session, 2, 64, stsSessionNameRE)
	}
	v.intRange("durationSeconds", duration, stsMinDuration, 43200)
	return v.err()
}

// sessionDuration applies the role's MaxSessionDuration and the role
// chaining limit to a requested duration.
func sessionDuration(requested *int32, r *iamRole, chained bool) (time.Duration, error) {
	d := int32(stsDefaultDuration)
	if requested != nil {
		d = *requested
	}
	if chained && d > stsChainedMax {
		return 0, Errorf(400, "ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}
	if d > r.maxSession {
		return 0, Errorf(400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	return time.Duration(d) * time.Second, nil
}

// sessionContext is what a role session carries into the request context
// of its calls besides its role.
type sessionContext struct {
	// mfaAt is when MFA authenticated the session, zero without MFA.
	mfaAt time.Time
	// tags are the session tags.
	tags map[string]string
	// issuedAt is when STS issued the session (virtual clock).
	issuedAt time.Time
	// sourceIdentity is the session's source identity, set by AssumeRole
	// or inherited from the calling session.
	sourceIdentity string
}

// issueRoleSessionLocked issues credentials for a session of role r.
func (s *Server) issueRoleSessionLocked(r *iamRole, account, region, sessionName string, d time.Duration, sc sessionContext) (*ststypes.Credentials, *ststypes.AssumedRoleUser) {
	sc.issuedAt = s.now
	p := Principal{
		Account:     account,
		ARN:         "arn:aws:sts::" + account + ":assumed-role/" + r.name + "/" + sessionName,
		UserID:      r.id + ":" + sessionName,
		RoleARN:     r.arn,
		SessionName: sessionName,
		session:     &sc,
	}
	sess := s.issueSessionLocked(p, d)
	r.lastUsed, r.lastUsedRegion = s.now, region
	creds := &ststypes.Credentials{
		AccessKeyId:     aws.String(sess.accessKey),
		SecretAccessKey: aws.String(sess.secret),
		SessionToken:    aws.String(sess.token),
		Expiration:      aws.Time(sess.expires.UTC().Truncate(time.Second)),
	}
	return creds, &ststypes.AssumedRoleUser{Arn: aws.String(p.ARN), AssumedRoleId: aws.String(p.UserID)}
}

// stsAssumeRole admits a caller the role's trust policy admits. Two
// simplifications: callers are not checked against their own identity
// policies (the emulator does not evaluate identity policies), and account
// keys, which act as the account root, may assume roles although AWS
// refuses root credentials for AssumeRole.
func (s *Server) stsAssumeRole(c *Call, in *awssts.AssumeRoleInput) (*awssts.AssumeRoleOutput, error) {
	if err := stsChecks(in.RoleArn, in.RoleSessionName, in.DurationSeconds); err != nil {
		return nil, err
	}
	var v iamChecks
	v.str("externalId", in.ExternalId, 2, 1224, stsExternalIDRE)
	v.str("sourceIdentity", in.SourceIdentity, 2, 64, stsSessionNameRE)
	if len(in.Tags) > 50 {
		v.msgs = append(v.msgs, fmt.Sprintf("Value '%d' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50", len(in.Tags)))
	}
	for i, t := range in.Tags {
		m := fmt.Sprintf("tags.%d.member", i+1)
		if v.required(m+".key", t.Key) {
			v.str(m+".key", t.Key, 1, 128, iamTagKeyRE)
		}
		if v.required(m+".value", t.Value) {
			v.str(m+".value", t.Value, 0, 256, iamTagValueRE)
		}
	}
	// SerialNumber and TokenCode follow the model's serialNumberType (9 to
	// 256 characters of [\w+=/:,.@-]) and tokenCodeType (six digits).
	v.str("serialNumber", in.SerialNumber, 9, 256, stsSerialNumberRE)
	v.str("tokenCode", in.TokenCode, 6, 6, stsTokenCodeRE)
	if err := v.err(); err != nil {
		return nil, err
	}
	if in.Policy != nil {
		if _, err := parsePolicy(*in.Policy, policyIdentity); err != nil {
			return nil, &ststypes.MalformedPolicyDocumentException{Message: aws.String(err.Error())}
		}
	}
	// A role that does not exist and a trust policy that does not admit
	// the caller look the same to the caller.
	denied := Errorf(403, "AccessDenied", "User: %s is not authorized to perform: sts:AssumeRole on resource: %s", c.Caller.ARN, *in.RoleArn)
	account, _, ok := parseRoleARN(*in.RoleArn)
	if !ok {
		return nil, denied
	}
	r := s.iamRoleByARNLocked(*in.RoleArn)
	if r == nil || r.serviceLinked {
		return nil, denied
	}
	ctx := s.callerContextLocked(c.Caller)
	ctx["aws:RequestedRegion"] = []string{c.Region}
	ctx["sts:RoleSessionName"] = []string{*in.RoleSessionName}
	if in.ExternalId != nil {
		ctx["sts:ExternalId"] = []string{*in.ExternalId}
	}
	if in.SourceIdentity != nil {
		ctx["sts:SourceIdentity"] = []string{*in.SourceIdentity}
	}
	if len(in.Tags) > 0 {
		keys := make([]string, 0, len(in.Tags))
		for _, t := range in.Tags {
			keys = append(keys, aws.ToString(t.Key))
			ctx["aws:RequestTag/"+aws.ToString(t.Key)] = []string{aws.ToString(t.Value)}
		}
		ctx["aws:TagKeys"] = keys
	}
	// MFA given with the request authenticates it: the trust policy sees
	// aws:MultiFactorAuthPresent true and an age of 0, and so do the
	// session's own calls. The emulator accepts any well-formed code of a
	// well-formed device; AWS refuses a request with only one of the two
	// ("if the TokenCode value is missing or expired, the AssumeRole call
	// returns an access denied error", AssumeRole API reference; with the
	// code and no device the documentation is silent, and the emulator
	// refuses too; the message is the emulator's). A session whose caller had MFA but whose AssumeRole
	// request has none starts without it: the documentation does not say
	// that role chaining carries MFA, and not carrying it is stricter.
	var sc sessionContext
	switch {
	case in.SerialNumber != nil && in.TokenCode != nil:
		sc.mfaAt = s.now
		ctx["aws:MultiFactorAuthPresent"] = []string{"true"}
		ctx["aws:MultiFactorAuthAge"] = []string{"0"}
	case in.SerialNumber != nil || in.TokenCode != nil:
		return nil, Errorf(403, "AccessDenied", "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.")
	}
	trusted := func(action string) bool {
		d, err := evalPolicy(r.trust, policyTrust, policyRequest{
			Principal: callerPolicyPrincipal(c.Caller),
			Action:    action,
			Resource:  r.arn,
			Context:   ctx,
		})
		return err == nil && d == decisionAllow
	}
	if !trusted("sts:AssumeRole") {
		return nil, denied
	}
	// Session tags and a source identity need their own permissions in the
	// trust policy ("Passing session tags in AWS STS", "Monitor and control
	// actions taken with assumed roles").
	for _, extra := range []struct {
		action string
		used   bool
	}{{"sts:TagSession", len(in.Tags) > 0}, {"sts:SetSourceIdentity", in.SourceIdentity != nil}} {
		if extra.used && !trusted(extra.action) {
			return nil, Errorf(403, "AccessDenied", "User: %s is not authorized to perform: %s on resource: %s", c.Caller.ARN, extra.action, *in.RoleArn)
		}
	}
	dur, err := sessionDuration(in.DurationSeconds, r, c.Caller.RoleARN != "")
	if err != nil {
		return nil, err
	}
	if len(in.Tags) > 0 {
		sc.tags = make(map[string]string, len(in.Tags))
		for _, t := range in.Tags {
			sc.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	}
	// "The source identity value persists across chained role sessions"
	// (AssumeRole API reference, SourceIdentity).
	sc.sourceIdentity = aws.ToString(in.SourceIdentity)
	if c.Caller.session != nil && sc.sourceIdentity == "" {
		sc.sourceIdentity = c.Caller.session.sourceIdentity
	}
	creds, user := s.issueRoleSessionLocked(r, account, c.Region, *in.RoleSessionName, dur, sc)
	s.emitAssumeRoleEventLocked(c, account, *in.RoleArn, *in.RoleSessionName, !sc.mfaAt.IsZero(), user)
	//lint:ignore SA1019 AssumeRole still returns the deprecated member
	return &awssts.AssumeRoleOutput{Credentials: creds, AssumedRoleUser: user, PackedPolicySize: packedSize(in.Policy), SourceIdentity: in.SourceIdentity}, nil
}

func packedSize(policy *string) *int32 {
	if policy == nil {
		return nil
	}
	return aws.Int32(0)
}

func (s *Server) stsAssumeRoleWithWebIdentity(c *Call, in *awssts.AssumeRoleWithWebIdentityInput) (*awssts.AssumeRoleWithWebIdentityOutput, error) {
	if err := stsChecks(in.RoleArn, in.RoleSessionName, in.DurationSeconds); err != nil {
		return nil, err
	}
	var v iamChecks
	if v.required("webIdentityToken", in.WebIdentityToken) {
		v.str("webIdentityToken", in.WebIdentityToken, 4, 20000, nil)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	claims, err := s.verifyWebIdentityToken(*in.WebIdentityToken)
	if err != nil {
		return nil, err
	}
	denied := Errorf(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
	account, _, ok := parseRoleARN(*in.RoleArn)
	if !ok {
		return nil, denied
	}
	r := s.iamRoleByARNLocked(*in.RoleArn)
	if r == nil || r.serviceLinked {
		return nil, denied
	}
	// The provider's condition keys are prefixed with the issuer without
	// its scheme ("Available keys for AWS OIDC federation"); :aud is the
	// azp claim when present, else aud.
	provider := strings.TrimPrefix(claims.Issuer, "https://")
	aud := claims.Audience
	if claims.AuthorizedParty != "" {
		aud = []string{claims.AuthorizedParty}
	}
	ctx := map[string][]string{
		provider + ":sub":           {claims.Subject},
		provider + ":aud":           aud,
		provider + ":oaud":          claims.Audience,
		"aws:FederatedProvider":     {"arn:aws:iam::" + account + ":oidc-provider/" + provider},
		"aws:RequestedRegion":       {c.Region},
		"sts:RoleSessionName":       {*in.RoleSessionName},
		"aws:CurrentTime":           {s.now.UTC().Format(time.RFC3339)},
		"aws:PrincipalIsAWSService": {"false"},
	}
	d, err := evalPolicy(r.trust, policyTrust, policyRequest{
		Principal: &policyPrincipal{Federated: "arn:aws:iam::" + account + ":oidc-provider/" + provider},
		Action:    "sts:AssumeRoleWithWebIdentity",
		Resource:  r.arn,
		Context:   ctx,
	})
	if err != nil || d != decisionAllow {
		return nil, denied
	}
	dur, err := sessionDuration(in.DurationSeconds, r, false)
	if err != nil {
		return nil, err
	}
	creds, user := s.issueRoleSessionLocked(r, account, c.Region, *in.RoleSessionName, dur, sessionContext{})
	return &awssts.AssumeRoleWithWebIdentityOutput{
		Credentials:                 creds,
		AssumedRoleUser:             user,
		SubjectFromWebIdentityToken: aws.String(claims.Subject),
		Provider:                    aws.String(claims.Issuer),
		Audience:                    aws.String(strings.Join(aud, ",")),
		//lint:ignore SA1019 AssumeRoleWithWebIdentity still returns the deprecated member
		PackedPolicySize: packedSize(in.Policy),
	}, nil
}

// jwtClaims are the claims of an OIDC ID token that STS reads.
type jwtClaims struct {
	Issuer          string
	Subject         string
	Audience        []string
	AuthorizedParty string
	Expiry          int64
}

func invalidToken(msg string) error {
	return &ststypes.InvalidIdentityTokenException{Message: aws.String(msg)}
}

// verifyWebIdentityToken checks a compact JWS ID token: its issuer must be
// one of Options.OIDCIssuers, its signature (RS256 or ES256) must verify
// with that issuer's key and it must not have expired. Expiry is checked
// against the wall clock, like the credentials STS issues.
func (s *Server) verifyWebIdentityToken(token string) (*jwtClaims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, invalidToken("The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)")
	}
	var header struct {
		Alg string `json:"alg"`
	}
	var raw struct {
		Iss string          `json:"iss"`
		Sub string          `json:"sub"`
		Aud json.RawMessage `json:"aud"`
		Azp string          `json:"azp"`
		Exp json.Number     `json:"exp"`
	}
	hb, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	pb, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	sig, err3 := base64.RawURLEncoding.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil || json.Unmarshal(hb, &header) != nil || json.Unmarshal(pb, &raw) != nil {
		return nil, invalidToken("The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)")
	}
	key, ok := s.opts.OIDCIssuers[raw.Iss]
	if !ok {
		return nil, invalidToken(fmt.Sprintf("No OpenIDConnect provider found in your account for %s", raw.Iss))
	}
	if !verifyJWS(header.Alg, key, parts[0]+"."+parts[1], sig) {
		return nil, invalidToken("The ID Token signature could not be verified.")
	}
	claims := &jwtClaims{Issuer: raw.Iss, Subject: raw.Sub, AuthorizedParty: raw.Azp}
	var one string
	if json.Unmarshal(raw.Aud, &one) == nil {
		claims.Audience = []string{one}
	} else if json.Unmarshal(raw.Aud, &claims.Audience) != nil {
		return nil, invalidToken("The ID Token provided has an invalid aud claim.")
	}
	exp, err := raw.Exp.Int64()
	if err != nil {
		return nil, invalidToken("The ID Token provided has no valid exp claim.")
	}
	claims.Expiry = exp
	if now := time.Now().Unix(); now >= exp {
		return nil, &ststypes.ExpiredTokenException{Message: aws.String(fmt.Sprintf("Token expired: current date/time %d must be before the expiration date/time %d", now, exp))}
	}
	return claims, nil
}

func verifyJWS(alg string, key crypto.PublicKey, signingInput string, sig []byte) bool {
	sum := sha256.Sum256([]byte(signingInput))
	switch k := key.(type) {
	case *rsa.PublicKey:
		return alg == "RS256" && rsa.VerifyPKCS1v15(k, crypto.SHA256, sum[:], sig) == nil
	case *ecdsa.PublicKey:
		if alg != "ES256" || len(sig) != 64 {
			return false
		}
		r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
		return ecdsa.Verify(k, sum[:], r, s)
	}
	return false
}
