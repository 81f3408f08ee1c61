package action

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/google/go-cmp/cmp"
)

// workflowStep is the part of a workflow or composite action step the
// tests read.
type workflowStep struct {
	ID   string            `yaml:"id"`
	Name string            `yaml:"name"`
	Uses string            `yaml:"uses"`
	If   string            `yaml:"if"`
	Run  string            `yaml:"run"`
	Env  map[string]string `yaml:"env"`
	With map[string]string `yaml:"with"`
}

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// actionSteps returns the composite steps of action.yml.
func actionSteps(t *testing.T) []workflowStep {
	t.Helper()
	var doc struct {
		Runs struct {
			Steps []workflowStep `yaml:"steps"`
		} `yaml:"runs"`
	}
	readYAML(t, "../action.yml", &doc)
	return doc.Runs.Steps
}

// releaseSteps returns the steps of the release workflow's one job.
func releaseSteps(t *testing.T) []workflowStep {
	t.Helper()
	var doc struct {
		On struct {
			Push struct {
				Tags []string `yaml:"tags"`
			} `yaml:"push"`
		} `yaml:"on"`
		Jobs map[string]struct {
			Permissions map[string]string `yaml:"permissions"`
			Steps       []workflowStep    `yaml:"steps"`
		} `yaml:"jobs"`
	}
	readYAML(t, "../.github/workflows/release.yml", &doc)
	if diff := cmp.Diff([]string{"v*"}, doc.On.Push.Tags); diff != "" {
		t.Errorf("release.yml runs on tags (-want +got):\n%s", diff)
	}
	job, ok := doc.Jobs["release"]
	if !ok || len(doc.Jobs) != 1 {
		t.Fatalf("release.yml: want one job named release, got %d jobs", len(doc.Jobs))
	}
	want := map[string]string{"contents": "write", "id-token": "write", "attestations": "write"}
	if diff := cmp.Diff(want, job.Permissions); diff != "" {
		t.Errorf("release job permissions (-want +got):\n%s", diff)
	}
	return job.Steps
}

func stepByID(t *testing.T, steps []workflowStep, id string) workflowStep {
	t.Helper()
	i := slices.IndexFunc(steps, func(s workflowStep) bool { return s.ID == id })
	if i < 0 {
		t.Fatalf("no step with id %s", id)
	}
	return steps[i]
}

// runnerAsset is what action.yml's download step maps the runner to:
// RUNNER_OS/RUNNER_ARCH to an asset name.
var runnerCaseRE = regexp.MustCompile(`(?m)^\s*([A-Za-z]+)/([A-Z0-9]+)\) asset=([A-Za-z0-9_.-]+) ;;$`)

// TestReleaseAssets proves that the asset names action.yml downloads are
// exactly the names the release workflow builds, that each runner gets the
// binary of its own OS and architecture, and that the release publishes
// and attests checksums.txt.
func TestReleaseAssets(t *testing.T) {
	t.Parallel()
	build := stepByID(t, releaseSteps(t), "build")
	released := map[string]string{} // asset → GOOS/GOARCH
	for line := range strings.SplitSeq(strings.TrimSpace(build.Env["ASSETS"]), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			t.Fatalf("release.yml ASSETS line %q: want GOOS GOARCH ASSET", line)
		}
		want := "orgbackup_" + f[0] + "_" + f[1]
		if f[0] == "windows" {
			want += ".exe"
		}
		if f[2] != want {
			t.Errorf("release.yml builds %s/%s as %s, want %s", f[0], f[1], f[2], want)
		}
		released[f[2]] = f[0] + "/" + f[1]
	}
	if !strings.Contains(build.Run, `-o "dist/$asset"`) || !strings.Contains(build.Run, "-trimpath") ||
		!strings.Contains(build.Run, "sha256sum orgbackup_* > checksums.txt") {
		t.Errorf("release.yml build step no longer builds each ASSETS name with -trimpath into dist/ and sums them into checksums.txt:\n%s", build.Run)
	}
	if !strings.Contains(build.Run, "pkg=github.com/orgbackup/orgbackup/internal/version\n") {
		t.Error("release.yml build step does not stamp package internal/version")
	}
	for _, v := range []string{"Version=$TAG", "Commit=$COMMIT", "Date=$date"} {
		if !strings.Contains(build.Run, "-X $pkg."+v) {
			t.Errorf("release.yml build step does not stamp internal/version.%s", v)
		}
	}

	download := stepByID(t, actionSteps(t), "download")
	goos := map[string]string{"Linux": "linux", "macOS": "darwin", "Windows": "windows"}
	goarch := map[string]string{"X64": "amd64", "ARM64": "arm64"}
	downloaded := map[string]string{}
	for _, m := range runnerCaseRE.FindAllStringSubmatch(download.Run, -1) {
		target := goos[m[1]] + "/" + goarch[m[2]]
		if got, ok := released[m[3]]; ok && got != target {
			t.Errorf("action.yml gives runner %s/%s the asset %s, built for %s", m[1], m[2], m[3], got)
		}
		downloaded[m[3]] = target
	}
	if diff := cmp.Diff(released, downloaded); diff != "" {
		t.Errorf("assets (-released by release.yml +downloaded by action.yml):\n%s", diff)
	}
	if !strings.Contains(download.Run, `"$base/checksums.txt"`) {
		t.Error("action.yml's download step does not fetch checksums.txt")
	}
	if !strings.Contains(download.Run, `--signer-workflow "$repo/.github/workflows/release.yml"`) {
		t.Error("action.yml's download step does not verify the attestation's signer is release.yml")
	}

	i := slices.IndexFunc(releaseSteps(t), func(s workflowStep) bool {
		return strings.HasPrefix(s.Uses, "actions/attest-build-provenance@")
	})
	if i < 0 {
		t.Fatal("release.yml does not attest build provenance")
	}
	if got := releaseSteps(t)[i].With["subject-checksums"]; got != "dist/checksums.txt" {
		t.Errorf("release.yml attests %q, want dist/checksums.txt (every binary)", got)
	}
	publish := releaseSteps(t)[len(releaseSteps(t))-1]
	if !strings.Contains(publish.Run, "gh release create") || !strings.Contains(publish.Run, "dist/orgbackup_* dist/checksums.txt") {
		t.Errorf("release.yml's last step does not publish the binaries and checksums.txt:\n%s", publish.Run)
	}
}

// actionlintModule is the actionlint .ci/run uses.
const actionlintModule = "github.com/rhysd/actionlint/cmd/actionlint@v1.7.12"

// TestWorkflowsActionlint checks the repository's workflows and the
// examples with actionlint. Without network access to fetch actionlint the
// test is skipped, except under CI=true.
func TestWorkflowsActionlint(t *testing.T) {
	if testing.Short() {
		t.Skip("runs actionlint with go run")
	}
	files, err := filepath.Glob("../.github/workflows/*.yml")
	if err != nil {
		t.Fatal(err)
	}
	examples, err := filepath.Glob("../examples/workflows/*.yml")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, examples...)
	if len(files) < 5 {
		t.Fatalf("found only %v", files)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// actionlint reports problems with exit status 1; 2 and 3 are its own
	// failures, and go run fails otherwise when it cannot fetch actionlint.
	cmd := exec.CommandContext(ctx, "go", append([]string{"run", actionlintModule, "-no-color"}, files...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && exit.ExitCode() == 1 && !strings.Contains(out.String(), "go: "):
		t.Errorf("actionlint:\n%s", out.String())
	default:
		if os.Getenv("CI") == "true" {
			t.Fatalf("running actionlint: %v\n%s", err, out.String())
		}
		t.Skipf("actionlint unavailable: %v\n%s", err, out.String())
	}
}

// TestDownloadStep runs action.yml's download script with git, curl and gh
// replaced by stubs, and checks which release it fetches, what it
// verifies, and what it refuses.
func TestDownloadStep(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	script := stepByID(t, actionSteps(t), "download").Run
	const (
		repo   = "orgbackup/orgbackup"
		commit = "0123456789abcdef0123456789abcdef01234567"
		other  = "89abcdef0123456789abcdef0123456789abcdef"
		tagObj = "fedcba9876543210fedcba9876543210fedcba98"
	)
	// v1.2.3 is annotated (its own object, peeled to commit); v1 is a
	// lightweight major tag; v1.2.3-rc.1 sorts below v1.2.3.
	lsRemote := strings.Join([]string{
		"1111111111111111111111111111111111111111\trefs/heads/main",
		commit + "\trefs/heads/release",
		commit + "\trefs/tags/v1",
		tagObj + "\trefs/tags/v1.2.3",
		commit + "\trefs/tags/v1.2.3^{}",
		commit + "\trefs/tags/v1.2.3-rc.1",
		other + "\trefs/tags/v1.1.0",
	}, "\n") + "\n"
	binary := []byte("the binary")
	sum := sha256.Sum256(binary)
	good := hex.EncodeToString(sum[:])

	tests := []struct {
		name      string
		env       map[string]string
		checksum  string
		ghFails   bool
		wantErr   string
		wantURL   string // the binary's URL
		wantGHArg string // gh's arguments
	}{
		{
			name:      "release tag",
			env:       map[string]string{"ACTION_REF": "v1.2.3"},
			wantURL:   "https://github.com/orgbackup/orgbackup/releases/download/v1.2.3/orgbackup_linux_amd64",
			wantGHArg: "attestation verify DIR/orgbackup_linux_amd64 --repo orgbackup/orgbackup --signer-workflow orgbackup/orgbackup/.github/workflows/release.yml --source-ref refs/tags/v1.2.3 --deny-self-hosted-runners",
		},
		{
			name:      "commit SHA resolves to its release tag and binds the commit",
			env:       map[string]string{"ACTION_REF": commit},
			wantURL:   "https://github.com/orgbackup/orgbackup/releases/download/v1.2.3/orgbackup_linux_amd64",
			wantGHArg: "attestation verify DIR/orgbackup_linux_amd64 --repo orgbackup/orgbackup --signer-workflow orgbackup/orgbackup/.github/workflows/release.yml --source-ref refs/tags/v1.2.3 --deny-self-hosted-runners --source-digest " + commit,
		},
		{
			name:      "major tag resolves to the release at its commit",
			env:       map[string]string{"ACTION_REF": "v1", "RUNNER_OS": "macOS", "RUNNER_ARCH": "ARM64"},
			wantURL:   "https://github.com/orgbackup/orgbackup/releases/download/v1.2.3/orgbackup_darwin_arm64",
			wantGHArg: "attestation verify DIR/orgbackup_darwin_arm64 --repo orgbackup/orgbackup --signer-workflow orgbackup/orgbackup/.github/workflows/release.yml --source-ref refs/tags/v1.2.3 --deny-self-hosted-runners --source-digest " + commit,
		},
		{
			name:    "version input wins",
			env:     map[string]string{"ACTION_REF": "main", "ORGBACKUP_VERSION": "v1.1.0", "RUNNER_OS": "Windows"},
			wantURL: "https://github.com/orgbackup/orgbackup/releases/download/v1.1.0/orgbackup_windows_amd64.exe",
		},
		{
			name:    "nested composite: repository and ref from the action path",
			env:     map[string]string{"ACTION_REPOSITORY": "", "ACTION_REF": "", "ACTION_PATH": "/home/runner/work/_actions/orgbackup/orgbackup/v1.2.3"},
			wantURL: "https://github.com/orgbackup/orgbackup/releases/download/v1.2.3/orgbackup_linux_amd64",
		},
		{name: "branch without a release", env: map[string]string{"ACTION_REF": "main"}, wantErr: "no release at the action's ref 'main'"},
		{name: "unknown SHA", env: map[string]string{"ACTION_REF": other[:39] + "0"}, wantErr: "no release at the action's ref"},
		{name: "bad version input", env: map[string]string{"ORGBACKUP_VERSION": "latest"}, wantErr: "input version must look like v1.2.3"},
		{name: "checksum mismatch", env: map[string]string{"ACTION_REF": "v1.2.3"}, checksum: strings.Repeat("0", 64), wantErr: "does not match checksums.txt"},
		{name: "attestation refused", env: map[string]string{"ACTION_REF": "v1.2.3"}, ghFails: true, wantErr: "has no valid build provenance"},
		{name: "no token", env: map[string]string{"ACTION_REF": "v1.2.3", "GH_TOKEN": ""}, wantErr: "needs github-token"},
		{name: "unsupported runner", env: map[string]string{"ACTION_REF": "v1.2.3", "RUNNER_ARCH": "ARM"}, wantErr: "no release binary for Linux/ARM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			bin, tmp := filepath.Join(dir, "bin"), filepath.Join(dir, "tmp")
			for _, d := range []string{bin, tmp} {
				if err := os.Mkdir(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			checksum := tt.checksum
			if checksum == "" {
				checksum = good
			}
			files := map[string]string{
				"ls-remote.txt": lsRemote,
				"binary":        string(binary),
				"checksums.txt": checksum + "  orgbackup_linux_amd64\n" + checksum + "  orgbackup_darwin_arm64\n" + checksum + "  orgbackup_windows_amd64.exe\n",
			}
			for name, body := range files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			ghStatus := "0"
			if tt.ghFails {
				ghStatus = "1"
			}
			stubs := map[string]string{
				"git":  `[ "$1" = ls-remote ] && [ "$2" = "https://github.com/orgbackup/orgbackup" ] || exit 9; cat "$STUB/ls-remote.txt"`,
				"curl": `out=""; url=""; while [ $# -gt 0 ]; do case "$1" in -o) out=$2; shift ;; -*) ;; *) url=$1 ;; esac; shift; done; echo "$url" >> "$STUB/urls"; case "$url" in */checksums.txt) cp "$STUB/checksums.txt" "$out" ;; *) cp "$STUB/binary" "$out" ;; esac`,
				"gh":   `echo "$*" > "$STUB/gh"; exit ` + ghStatus,
			}
			for name, body := range stubs {
				if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/usr/bin/env bash\n"+body+"\n"), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			env := map[string]string{
				"PATH":              bin + string(os.PathListSeparator) + os.Getenv("PATH"),
				"STUB":              dir,
				"RUNNER_TEMP":       tmp,
				"RUNNER_OS":         "Linux",
				"RUNNER_ARCH":       "X64",
				"GITHUB_OUTPUT":     filepath.Join(dir, "output"),
				"ACTION_REPOSITORY": repo,
				"ACTION_PATH":       "/home/runner/work/_actions/orgbackup/orgbackup/x",
				"GH_TOKEN":          "token",
				"ORGBACKUP_VERSION": "",
			}
			for k, v := range tt.env {
				env[k] = v
			}
			cmd := exec.Command("bash", "-c", script)
			for k, v := range env {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			out, err := cmd.CombinedOutput()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(string(out), tt.wantErr) {
					t.Fatalf("err %v, output:\n%s\nwant an error containing %q", err, out, tt.wantErr)
				}
				if _, err := os.Stat(filepath.Join(tmp, "orgbackup-bin", "orgbackup")); err == nil {
					t.Error("the binary was installed although the step failed")
				}
				return
			}
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			urls, _ := os.ReadFile(filepath.Join(dir, "urls"))
			if got := strings.Fields(string(urls)); len(got) != 2 || got[0] != tt.wantURL || got[1] != strings.TrimSuffix(tt.wantURL, "/"+filepath.Base(tt.wantURL))+"/checksums.txt" {
				t.Errorf("downloaded %q, want %s and its checksums.txt", got, tt.wantURL)
			}
			if tt.wantGHArg != "" {
				gh, _ := os.ReadFile(filepath.Join(dir, "gh"))
				got := strings.ReplaceAll(strings.TrimSpace(string(gh)), filepath.Join(tmp, "orgbackup-bin"), "DIR")
				if got != tt.wantGHArg {
					t.Errorf("gh %s\nwant gh %s", got, tt.wantGHArg)
				}
			}
			exe := ""
			if env["RUNNER_OS"] == "Windows" {
				exe = ".exe"
			}
			b, err := os.ReadFile(filepath.Join(tmp, "orgbackup-bin", "orgbackup"+exe))
			if err != nil || !bytes.Equal(b, binary) {
				t.Errorf("installed binary: %q, %v", b, err)
			}
		})
	}
}

// TestExamplesPinned checks that every action the examples and the
// repository's workflows use is pinned to a full commit SHA with its tag
// in a comment, so a moved tag cannot change what runs with the
// organization's apply role.
func TestExamplesPinned(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("../examples/workflows/*.yml")
	own, _ := filepath.Glob("../.github/workflows/*.yml")
	files = append(append(files, own...), "../action.yml")
	usesRE := regexp.MustCompile(`(?m)^\s*(?:-\s+)?uses:\s*(\S+)(.*)$`)
	pinnedRE := regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$`)
	tagRE := regexp.MustCompile(`^\s+# v[0-9]+(\.[0-9]+){0,2}\s*$`)
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range usesRE.FindAllStringSubmatch(string(b), -1) {
			n++
			if strings.HasPrefix(m[1], "./") {
				continue
			}
			if !pinnedRE.MatchString(m[1]) || !tagRE.MatchString(m[2]) {
				t.Errorf("%s: uses: %s%s: want OWNER/REPO@<40-hex SHA> # vX.Y.Z", filepath.Base(f), m[1], m[2])
			}
		}
	}
	if n == 0 {
		t.Fatal("found no uses:")
	}
}

// TestDependabot checks that the repository's dependabot.yml and the
// example keep the pinned actions current.
func TestDependabot(t *testing.T) {
	t.Parallel()
	for _, f := range []string{"../.github/dependabot.yml", "../examples/workflows/dependabot/dependabot.yml"} {
		var doc struct {
			Version int `yaml:"version"`
			Updates []struct {
				Ecosystem   string   `yaml:"package-ecosystem"`
				Directory   string   `yaml:"directory"`
				Directories []string `yaml:"directories"`
				Schedule    struct {
					Interval string `yaml:"interval"`
				} `yaml:"schedule"`
			} `yaml:"updates"`
		}
		readYAML(t, f, &doc)
		i := slices.IndexFunc(doc.Updates, func(u struct {
			Ecosystem   string   `yaml:"package-ecosystem"`
			Directory   string   `yaml:"directory"`
			Directories []string `yaml:"directories"`
			Schedule    struct {
				Interval string `yaml:"interval"`
			} `yaml:"schedule"`
		}) bool {
			return u.Ecosystem == "github-actions"
		})
		if doc.Version != 2 || i < 0 {
			t.Errorf("%s: want version 2 with a github-actions update", f)
			continue
		}
		u := doc.Updates[i]
		if (u.Directory != "/" && !slices.Contains(u.Directories, "/")) || u.Schedule.Interval == "" {
			t.Errorf("%s: the github-actions update must cover / (.github/workflows) on a schedule: %+v", f, u)
		}
	}
}
