package emulator

// s3State holds every bucket; bucket names are global.
type s3State struct{}

func newS3State() *s3State { return &s3State{} }

func (s *Server) s3Service() *service { return newService("s3", restXML, nil, nil, nil) }
