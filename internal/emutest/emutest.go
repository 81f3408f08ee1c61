// Package emutest holds what tests of several packages do to an emulated
// organization, so that each does it the same way.
package emutest

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
)

// DeleteRole deletes an IAM role as an administrator of its account would,
// through cfg (that account's configuration): its managed and inline
// policies first, as DeleteRole requires ("you must first remove" attached
// and inline policies, IAM API Reference).
func DeleteRole(t testing.TB, cfg aws.Config, name string) {
	t.Helper()
	ctx := context.Background()
	c := awsiam.NewFromConfig(cfg)
	attached := awsiam.NewListAttachedRolePoliciesPaginator(c, &awsiam.ListAttachedRolePoliciesInput{RoleName: aws.String(name)})
	for attached.HasMorePages() {
		page, err := attached.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListAttachedRolePolicies: %v", err)
		}
		for _, p := range page.AttachedPolicies {
			if _, err := c.DetachRolePolicy(ctx, &awsiam.DetachRolePolicyInput{RoleName: aws.String(name), PolicyArn: p.PolicyArn}); err != nil {
				t.Fatalf("DetachRolePolicy: %v", err)
			}
		}
	}
	inline := awsiam.NewListRolePoliciesPaginator(c, &awsiam.ListRolePoliciesInput{RoleName: aws.String(name)})
	for inline.HasMorePages() {
		page, err := inline.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListRolePolicies: %v", err)
		}
		for _, p := range page.PolicyNames {
			if _, err := c.DeleteRolePolicy(ctx, &awsiam.DeleteRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(p)}); err != nil {
				t.Fatalf("DeleteRolePolicy: %v", err)
			}
		}
	}
	if _, err := c.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String(name)}); err != nil {
		t.Fatalf("DeleteRole: %v", err)
	}
}
