// Package version holds the build's identity. The release workflow sets
// the variables with the linker:
//
//	go build -trimpath -ldflags "-X github.com/orgbackup/orgbackup/internal/version.Version=v1.2.3 \
//	  -X github.com/orgbackup/orgbackup/internal/version.Commit=SHA \
//	  -X github.com/orgbackup/orgbackup/internal/version.Date=2006-01-02T15:04:05Z"
//
// A build without them (go build, go run, go install) reports what the Go
// toolchain recorded in the binary instead.
package version

import (
	"fmt"
	"runtime/debug"
)

// Stamped by -ldflags -X at release; empty in other builds.
var (
	// Version is the release tag, such as v1.2.3.
	Version string
	// Commit is the full SHA of the commit the binary was built from.
	Commit string
	// Date is the commit's time, RFC 3339 in UTC.
	Date string
)

// Info is a build's identity.
type Info struct {
	// Version is the release tag, the module version go install recorded,
	// or "devel".
	Version string
	// Commit is the VCS revision, or "" when unknown.
	Commit string
	// Date is the commit time, or "" when unknown.
	Date string
	// Modified reports a build from a work tree with uncommitted changes
	// (known only from the toolchain's VCS stamp).
	Modified bool
}

// Get returns the stamped identity, completed from the build information
// the toolchain embedded when a variable was not stamped.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	return get(Version, Commit, Date, bi)
}

func get(version, commit, date string, bi *debug.BuildInfo) Info {
	in := Info{Version: version, Commit: commit, Date: date}
	if bi != nil {
		if in.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			in.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if in.Commit == "" {
					in.Commit = s.Value
				}
			case "vcs.time":
				if in.Date == "" {
					in.Date = s.Value
				}
			case "vcs.modified":
				in.Modified = s.Value == "true"
			}
		}
	}
	if in.Version == "" {
		in.Version = "devel"
	}
	return in
}

// String is the one-line form --version prints:
// "v1.2.3 (commit 0123abc..., built 2006-01-02T15:04:05Z)".
func (i Info) String() string {
	s := i.Version
	commit, date := i.Commit, i.Date
	if commit == "" {
		commit = "unknown"
	}
	if i.Modified {
		commit += "+modified"
	}
	if date == "" {
		date = "unknown"
	}
	return fmt.Sprintf("%s (commit %s, built %s)", s, commit, date)
}
