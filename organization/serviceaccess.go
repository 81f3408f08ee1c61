package organization

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/orgbackup/orgbackup/plan"
)

// KindServiceAccess is trusted access for AWS Backup in the organization,
// which cross-account monitoring and backup policies need.
const KindServiceAccess = "org_service_access"

type serviceAccess struct {
	ServicePrincipal string `json:"service_principal"`
}

func planServiceAccess(ctx context.Context, orgs Reader, want Desired) ([]plan.Change, error) {
	pages := awsorgs.NewListAWSServiceAccessForOrganizationPaginator(orgs, &awsorgs.ListAWSServiceAccessForOrganizationInput{})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing trusted services of the organization: %w", err)
		}
		for _, p := range out.EnabledServicePrincipals {
			if aws.ToString(p.ServicePrincipal) == backupServicePrincipal {
				return nil, nil
			}
		}
	}
	return []plan.Change{plan.NewChange(want.address(KindServiceAccess, backupServicePrincipal), plan.Create, nil,
		serviceAccess{backupServicePrincipal}, "trusted access for AWS Backup is needed for cross-account monitoring and backup policies")}, nil
}

func applyServiceAccess(ctx context.Context, orgs Writer, c plan.Change) error {
	var v serviceAccess
	if err := c.Decode(&v); err != nil {
		return err
	}
	_, err := orgs.EnableAWSServiceAccess(ctx, &awsorgs.EnableAWSServiceAccessInput{ServicePrincipal: aws.String(v.ServicePrincipal)})
	return err
}
