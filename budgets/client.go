package budgets

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awsbudgets "github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/smithy-go/middleware"
)

// NewClient returns a Budgets client of cfg whose operations carry their
// service and operation names from the first middleware on. The Budgets
// module of this SDK version registers them only in the Initialize step,
// after middleware that cfg's API options put first (the read-only guard
// of package crossaccount, which refuses an operation it cannot name).
func NewClient(cfg aws.Config) *awsbudgets.Client {
	return awsbudgets.NewFromConfig(cfg, func(o *awsbudgets.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("orgbackup.BudgetsOperationName",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					ctx = awsmiddleware.SetServiceID(ctx, awsbudgets.ServiceID)
					ctx = awsmiddleware.SetOperationName(ctx, middleware.GetOperationName(ctx))
					return next.HandleInitialize(ctx, in)
				}), middleware.Before)
		})
	})
}
