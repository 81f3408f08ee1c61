package emulator

// Placeholders for services whose files are being written.

type iamAccount struct{}
type kmsRegion struct{}
type snsRegion struct{}
type s3State struct{}
type backupRegion struct{}
type resourceRegion struct{}
type orgState struct{}

func newS3State() *s3State                             { return &s3State{} }
func newOrgState(s *Server, o *Organization) *orgState { return &orgState{} }
func (s *Server) iamService() *service                 { return newService("iam", awsQuery, nil, nil, nil) }
func (s *Server) organizationsService() *service {
	return newService("organizations", awsJSON11, nil, nil, nil)
}
func (s *Server) kmsService() *service     { return newService("kms", awsJSON11, nil, nil, nil) }
func (s *Server) snsService() *service     { return newService("sns", awsQuery, nil, nil, nil) }
func (s *Server) s3Service() *service      { return newService("s3", restXML, nil, nil, nil) }
func (s *Server) backupService() *service  { return newService("backup", restJSON1, nil, nil, nil) }
func (s *Server) taggingService() *service { return newService("tagging", awsJSON11, nil, nil, nil) }
