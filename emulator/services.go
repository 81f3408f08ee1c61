package emulator

// buildServices is the emulator's service table, keyed by SigV4 signing
// name. Each service's routing table lives in its own file.
func (s *Server) buildServices() map[string]*service {
	m := map[string]*service{}
	for _, svc := range []*service{
		s.stsService(),
		s.iamService(),
		s.organizationsService(),
		s.kmsService(),
		s.snsService(),
		s.s3Service(),
		s.backupService(),
		s.taggingService(),
		s.ramService(),
		s.eventsService(),
		s.budgetsService(),
		s.configService(),
	} {
		m[svc.name] = svc
	}
	return m
}
