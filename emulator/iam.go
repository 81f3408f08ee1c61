package emulator

// iamAccount is one account's IAM state.
type iamAccount struct{}

func (s *Server) iamService() *service { return newService("iam", awsQuery, nil, nil, nil) }
