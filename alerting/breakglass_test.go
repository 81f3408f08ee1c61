package alerting_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/accessrole"
	"github.com/orgbackup/orgbackup/alerting"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/githubiam"
	"github.com/orgbackup/orgbackup/plan"
)

// TestBreakGlassAlert is the break-glass alert end to end: the spec's
// break-glass role is created in a workload account as accessrole plans
// it, the alert path as this package plans it; a permitted person assumes
// the role with MFA, and the recipient, not the notification emails, gets
// CloudTrail's AssumeRole event. Assuming another role alerts nobody.
func TestBreakGlassAlert(t *testing.T) {
	t.Parallel()
	const recipient = "security@example.com"
	sp := loadSpec(t, testSpec+`team_roles:
  break_glass:
    principals: ["arn:aws:iam::`+backupID+`:role/Emergency"]
    recipients: [`+recipient+`]
`)
	tests := map[string]struct {
		role string
		want []string
	}{
		"break-glass role": {role: githubiam.BreakGlassRole, want: []string{githubiam.RoleARN("aws", workload, githubiam.BreakGlassRole)}},
		"another role":     {role: "Other"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := emulator.NewServer()
			t.Cleanup(srv.Close)
			ctx := context.Background()
			wiam := awsiam.NewFromConfig(srv.Config(workload, "us-east-1"))

			// The break-glass role, as accessrole plans and applies it.
			cs, err := accessrole.PlanRole(ctx, wiam, workload, accessrole.BreakGlass("aws", sp.TeamRoles.BreakGlass, nil))
			if err != nil {
				t.Fatal(err)
			}
			kinds, err := plan.NewKinds(accessrole.Kinds())
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				k, _ := kinds.Lookup(c.Kind)
				if err := k.Apply(ctx, plan.ApplyEnv{Config: srv.Config(workload, "us-east-1")}, c); err != nil {
					t.Fatalf("applying %s: %v", c.Address, err)
				}
			}
			roleARN := githubiam.RoleARN("aws", workload, tc.role)
			if tc.role != githubiam.BreakGlassRole {
				trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + backupID + `:root"},"Action":"sts:AssumeRole"}]}`
				out, err := wiam.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String(tc.role), AssumeRolePolicyDocument: aws.String(trust)})
				if err != nil {
					t.Fatal(err)
				}
				roleARN = aws.ToString(out.Role.Arn)
			}

			central := planAccount(t, srv, sp, backupID, "")
			member := planAccount(t, srv, sp, workload, "production")
			wantRule := "create " + workload + "/us-east-1/" + alerting.KindRule + "/default/" + alerting.BreakGlassRuleName
			if !slices.Contains(addresses(member), wantRule) {
				t.Errorf("workload plan %v lacks %q", addresses(member), wantRule)
			}
			applyAll(t, srv, append(central, member...))
			if again := append(planAccount(t, srv, sp, backupID, ""), planAccount(t, srv, sp, workload, "production")...); len(again) > 0 {
				t.Errorf("after apply: %v", addresses(again))
			}
			sns := awssns.NewFromConfig(srv.Config(backupID, "us-east-1"))
			for _, d := range srv.SNSDeliveries(recipient) {
				if _, err := sns.ConfirmSubscription(ctx, &awssns.ConfirmSubscriptionInput{TopicArn: aws.String(d.TopicARN), Token: aws.String(d.Token)}); err != nil {
					t.Fatal(err)
				}
			}

			// A person in the backup account assumes the role with MFA.
			bcfg := srv.Config(backupID, "us-east-1")
			trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + backupID + `:root"},"Action":"sts:AssumeRole"}]}`
			if _, err := awsiam.NewFromConfig(bcfg).CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("Emergency"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
				t.Fatal(err)
			}
			person, err := awssts.NewFromConfig(bcfg).AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + backupID + ":role/Emergency"), RoleSessionName: aws.String("alice")})
			if err != nil {
				t.Fatal(err)
			}
			pcfg := srv.Config("000000000000", "eu-west-1")
			pcfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(person.Credentials.AccessKeyId), aws.ToString(person.Credentials.SecretAccessKey), aws.ToString(person.Credentials.SessionToken))
			if _, err := awssts.NewFromConfig(pcfg).AssumeRole(ctx, &awssts.AssumeRoleInput{
				RoleArn: aws.String(roleARN), RoleSessionName: aws.String("alice"),
				SerialNumber: aws.String("arn:aws:iam::" + backupID + ":mfa/alice"), TokenCode: aws.String("123456"),
			}); err != nil {
				t.Fatalf("AssumeRole(%s): %v", roleARN, err)
			}
			srv.Advance(10 * time.Minute)

			var got []string
			for _, d := range srv.SNSDeliveries(recipient) {
				if d.Type != emulator.DeliveryNotification {
					continue
				}
				var ev struct {
					Detail struct {
						EventName         string `json:"eventName"`
						RequestParameters struct {
							RoleArn string `json:"roleArn"`
						} `json:"requestParameters"`
					} `json:"detail"`
				}
				if err := json.Unmarshal([]byte(d.Message), &ev); err != nil {
					t.Fatal(err)
				}
				got = append(got, ev.Detail.RequestParameters.RoleArn)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("alerts to %s (-want +got):\n%s\nundelivered: %+v", recipient, diff, srv.EventTargetFailures())
			}
			for _, d := range srv.SNSDeliveries("oncall@example.com") {
				if d.Type == emulator.DeliveryNotification {
					t.Errorf("the notification emails heard of the break-glass role: %s", d.Message)
				}
			}
		})
	}
}
