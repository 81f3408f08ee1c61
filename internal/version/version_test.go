package version

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func TestGet(t *testing.T) {
	t.Parallel()
	vcs := &debug.BuildInfo{
		Main: debug.Module{Version: "(devel)"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "abc123"},
			{Key: "vcs.time", Value: "2026-01-02T03:04:05Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	tests := []struct {
		name                  string
		version, commit, date string
		bi                    *debug.BuildInfo
		want                  string
	}{
		{"stamped wins", "v1.2.3", "deadbeef", "2026-12-01T00:00:00Z", vcs, "v1.2.3 (commit deadbeef+modified, built 2026-12-01T00:00:00Z)"},
		{"unstamped uses the VCS stamp", "", "", "", vcs, "devel (commit abc123+modified, built 2026-01-02T03:04:05Z)"},
		{"go install records the module version", "", "", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.9.0"}}, "v0.9.0 (commit unknown, built unknown)"},
		{"nothing known", "", "", "", nil, "devel (commit unknown, built unknown)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := get(tt.version, tt.commit, tt.date, tt.bi).String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestLdflags builds a program with the release workflow's -X flags and
// checks that they reach the variables: a renamed variable or package
// would make the linker ignore them silently.
func TestLdflags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	dir := t.TempDir()
	main := "package main\n\nimport (\n\t\"fmt\"\n\n\t\"github.com/orgbackup/orgbackup/internal/version\"\n)\n\nfunc main() { fmt.Print(version.Get()) }\n"
	// The program must sit inside the module to import an internal package;
	// a name starting with "_" keeps a leftover out of go vet ./... .
	pkg, err := os.MkdirTemp(".", "_ldflags-") // "_": ignored by ./... patterns
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(pkg) })
	if err := os.WriteFile(filepath.Join(pkg, "main.go"), []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	const p = "github.com/orgbackup/orgbackup/internal/version."
	bin := filepath.Join(dir, "v")
	// -buildvcs=false: the program written into the module makes the
	// work tree modified, which the binary would otherwise record.
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-o", bin,
		"-ldflags", "-X "+p+"Version=v9.8.7 -X "+p+"Commit=0123456789abcdef0123456789abcdef01234567 -X "+p+"Date=2026-12-05T04:00:00Z",
		"./"+filepath.Base(pkg))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "v9.8.7 (commit 0123456789abcdef0123456789abcdef01234567, built 2026-12-05T04:00:00Z)"
	if got := strings.TrimSpace(string(out)); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
