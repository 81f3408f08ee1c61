package emulator

// orgState is the organization's state.
type orgState struct{}

func newOrgState(s *Server, o *Organization) *orgState { return &orgState{} }

func (s *Server) organizationsService() *service {
	return newService("organizations", awsJSON11, nil, nil, nil)
}
