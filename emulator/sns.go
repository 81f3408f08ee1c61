package emulator

// snsRegion is one account-region's SNS state.
type snsRegion struct{}

func (s *Server) snsService() *service { return newService("sns", awsQuery, nil, nil, nil) }
