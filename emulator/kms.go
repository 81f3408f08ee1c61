package emulator

// kmsRegion is one account-region's KMS state.
type kmsRegion struct{}

func (s *Server) kmsService() *service { return newService("kms", awsJSON11, nil, nil, nil) }
