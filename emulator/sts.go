package emulator

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/schemas"
)

func (s *Server) stsService() *service {
	svc := newService("sts", awsQuery, schemas.AWSSecurityTokenServiceV20110615, awssts.TypeRegistry, []*operation{
		handle(schemas.GetCallerIdentity, schemas.GetCallerIdentityRequest, s.getCallerIdentity),
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
