package emulator

// resourceRegion holds one account-region's emulated workload resources.
type resourceRegion struct{}

func (s *Server) taggingService() *service { return newService("tagging", awsJSON11, nil, nil, nil) }
