package emulator

// backupRegion is one account-region's AWS Backup state.
type backupRegion struct{}

func (s *Server) backupService() *service { return newService("backup", restJSON1, nil, nil, nil) }
