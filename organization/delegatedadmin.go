package organization

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgbackup/orgbackup/plan"
)

// KindDelegatedAdmin is the backup account registered as delegated
// administrator for AWS Backup.
const KindDelegatedAdmin = "org_delegated_admin"

type delegatedAdmin struct {
	AccountID        string `json:"account_id"`
	ServicePrincipal string `json:"service_principal"`
}

// planDelegatedAdmin plans the registration, after the changes named in
// after (trusted access, when it is being enabled).
func planDelegatedAdmin(ctx context.Context, orgs Reader, want Desired, after []plan.Address) ([]plan.Change, error) {
	pages := awsorgs.NewListDelegatedAdministratorsPaginator(orgs, &awsorgs.ListDelegatedAdministratorsInput{ServicePrincipal: aws.String(backupServicePrincipal)})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing delegated administrators for %s: %w", backupServicePrincipal, err)
		}
		for _, a := range out.DelegatedAdministrators {
			if aws.ToString(a.Id) == want.BackupAccount {
				return nil, nil
			}
		}
	}
	c := plan.NewChange(want.address(KindDelegatedAdmin, want.BackupAccount), plan.Create, nil,
		delegatedAdmin{want.BackupAccount, backupServicePrincipal}, "the backup account administers AWS Backup for the organization")
	c.DependsOn = after
	return []plan.Change{c}, nil
}

func applyDelegatedAdmin(ctx context.Context, orgs Writer, c plan.Change) error {
	var v delegatedAdmin
	if err := c.Decode(&v); err != nil {
		return err
	}
	_, err := orgs.RegisterDelegatedAdministrator(ctx, &awsorgs.RegisterDelegatedAdministratorInput{AccountId: aws.String(v.AccountID), ServicePrincipal: aws.String(v.ServicePrincipal)})
	var already *orgtypes.AccountAlreadyRegisteredException
	if errors.As(err, &already) {
		return nil
	}
	return err
}
