package crossaccount

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
)

// managementOnly are the operations orgbackup calls that AWS lets only the
// management account make, keyed "ServiceID.Operation" (the SDK's service
// IDs). Organizations' API reference says of each of the first three
// "You can only call this operation from the management account"; AWS
// Backup's UpdateGlobalSettings "Returns an error if the account is not an
// Organizations management account". Every other call addressed to the
// management account — reading the organization, backup policies and
// their attachments, and EnablePolicyType ("from the management account or
// a member account that is a delegated administrator"), which the
// delegation policy lets the backup account make ("Delegated administrator
// for AWS Organizations") — a delegated administrator may make itself.
var managementOnly = map[string]bool{
	"Organizations.EnableAWSServiceAccess":         true,
	"Organizations.PutResourcePolicy":              true,
	"Organizations.RegisterDelegatedAdministrator": true,
	"Backup.UpdateGlobalSettings":                  true,
}

// IsManagementOnly reports whether AWS reserves the operation of the SDK
// service ID (e.g. "Organizations", "EnableAWSServiceAccess") to the
// organization's management account.
func IsManagementOnly(serviceID, operation string) bool {
	return managementOnly[serviceID+"."+operation]
}

// routedProvider hands out the caller's own credentials for every
// operation but the management-only ones, for which it assumes the
// management account's role. The SDK resolves credentials per request
// with the operation's context, and service clients do not cache a
// provider they are given, so each request gets the right identity.
type routedProvider struct {
	own, management aws.CredentialsProvider
}

func (p *routedProvider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	if IsManagementOnly(awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)) {
		return p.management.Retrieve(ctx)
	}
	return p.own.Retrieve(ctx)
}
