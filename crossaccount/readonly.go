package crossaccount

import (
	"context"
	"fmt"
	"strings"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// MutationError is returned by clients of a read-only Fleet for every
// operation that is not a read, before the request is sent. The SDK wraps
// it in a *smithy.OperationError; find it with errors.As.
type MutationError struct {
	// Service is the SDK's service ID ("Backup", "KMS", ...).
	Service string
	// Operation is the API operation name ("CreateBackupVault").
	Operation string
}

// Error names the rejected operation.
func (e *MutationError) Error() string {
	return fmt.Sprintf("%s %s is not a read operation and this client is read-only", e.Service, e.Operation)
}

// readPrefixes start the names of the operations that only read. AWS
// names its read operations with these verbs across the services
// orgbackup uses (Backup, Organizations, IAM, STS, KMS, SNS, S3, Resource
// Groups Tagging).
var readPrefixes = []string{"Get", "Describe", "List", "Head", "Lookup", "Search"}

// IsReadOperation reports whether a read-only client lets the operation
// through: names starting with Get, Describe, List, Head, Lookup or
// Search, and the STS AssumeRole operations, which change nothing and
// which reaching other accounts needs.
func IsReadOperation(operation string) bool {
	if strings.HasPrefix(operation, "AssumeRole") {
		return true
	}
	for _, p := range readPrefixes {
		if rest, ok := strings.CutPrefix(operation, p); ok && (rest == "" || rest[0] >= 'A' && rest[0] <= 'Z') {
			return true
		}
	}
	return false
}

// readOnlyID names the read-only guard in the middleware stack.
const readOnlyID = "orgbackup.ReadOnly"

// addReadOnly installs the read-only guard first in the Initialize step,
// so a rejected operation never reaches serialization, signing or the
// network.
func addReadOnly(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc(readOnlyID, func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		op := awsmiddleware.GetOperationName(ctx)
		if !IsReadOperation(op) {
			return middleware.InitializeOutput{}, middleware.Metadata{}, &MutationError{Service: awsmiddleware.GetServiceID(ctx), Operation: op}
		}
		return next.HandleInitialize(ctx, in)
	}), middleware.Before)
}
