package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orgbackup/orgbackup/internal/version"
)

// runCLI runs orgbackup in-process and returns its exit code and output.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code = run(context.Background(), e, args)
	return code, out.String(), errb.String()
}

// TestCommandLine checks the command line's surface: nested help, flags
// after arguments, --version, completion, and that usage errors go to
// stderr with exit code 1.
func TestCommandLine(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		args       []string
		code       int
		stdout     []string // substrings of stdout
		stderr     string   // substring of stderr
		nothingOut bool     // stdout must be empty
	}{
		"version": {
			args:   []string{"--version"},
			stdout: []string{"orgbackup " + version.Get().String()},
		},
		"version names commit and date": {
			args:   []string{"--version"},
			stdout: []string{"(commit ", ", built "},
		},
		"root help lists groups and exit codes": {
			args:   []string{"--help"},
			stdout: []string{"emulator", "policy", "completion", exitCodes},
		},
		"emulator help": {
			args:   []string{"emulator", "--help"},
			stdout: []string{"orgbackup emulator [command]", "advance", "serve", "faults"},
		},
		"emulator alone prints its help": {
			args:   []string{"emulator"},
			stdout: []string{"orgbackup emulator [command]"},
		},
		"nested group help": {
			args:   []string{"emulator", "faults", "--help"},
			stdout: []string{"orgbackup emulator faults [command]", "clear", "list", "set"},
		},
		"iam help": {
			args:   []string{"iam", "--help"},
			stdout: []string{"github-roles"},
		},
		"leaf help after arguments": {
			args:   []string{"policy", "effective", "x.json", "--help"},
			stdout: []string{"--account-id ID"},
		},
		"flag after file": {
			args:   []string{"policy", "effective", "testdata/policy/valid.json", "--account-id", "123456789012"},
			stdout: []string{`"arn:aws:iam::123456789012:role/`},
		},
		"global flags after arguments": {
			args:   []string{"policy", "validate", "testdata/policy/valid.json", "--no-color", "--quiet"},
			stdout: nil,
		},
		"unknown command": {
			args: []string{"nope"}, code: exitUsage, nothingOut: true,
			stderr: `orgbackup: unknown command "nope" for "orgbackup"`,
		},
		"unknown group command": {
			args: []string{"emulator", "nope"}, code: exitUsage, nothingOut: true,
			stderr: `unknown command "nope" for "orgbackup emulator"`,
		},
		"unknown flag": {
			args: []string{"plan", "--nope"}, code: exitUsage, nothingOut: true,
			stderr: "orgbackup plan: unknown flag: --nope\nRun 'orgbackup plan --help' for usage.",
		},
		"missing flag value": {
			args: []string{"policy", "effective", "x.json", "--account-id"}, code: exitUsage, nothingOut: true,
			stderr: "flag needs an argument: --account-id",
		},
		"unexpected argument": {
			args: []string{"drift", "extra"}, code: exitUsage, nothingOut: true,
			stderr: `orgbackup drift: unexpected argument "extra"`,
		},
	}
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		tests["completion "+shell] = struct {
			args       []string
			code       int
			stdout     []string
			stderr     string
			nothingOut bool
		}{args: []string{"completion", shell}, stdout: []string{"orgbackup"}}
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runCLI(t, tc.args...)
			if code != tc.code {
				t.Errorf("orgbackup %q: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", tc.args, code, tc.code, stdout, stderr)
			}
			for _, want := range tc.stdout {
				if !strings.Contains(stdout, want) {
					t.Errorf("orgbackup %q: stdout does not contain %q:\n%s", tc.args, want, stdout)
				}
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("orgbackup %q: stderr does not contain %q:\n%s", tc.args, tc.stderr, stderr)
			}
			if tc.nothingOut && stdout != "" {
				t.Errorf("orgbackup %q: stdout %q, want nothing (errors go to stderr)", tc.args, stdout)
			}
		})
	}
}

// TestCompletionScripts checks that each shell's completion script is the
// real thing, not only a mention of the command.
func TestCompletionScripts(t *testing.T) {
	t.Parallel()
	for shell, marker := range map[string]string{
		"bash":       "complete -o default -F __start_orgbackup orgbackup",
		"zsh":        "#compdef orgbackup",
		"fish":       "complete -c orgbackup",
		"powershell": "Register-ArgumentCompleter",
	} {
		code, stdout, stderr := runCLI(t, "completion", shell)
		if code != exitOK || !strings.Contains(stdout, marker) {
			t.Errorf("completion %s: exit %d, stdout lacks %q (%d bytes); stderr %q", shell, code, marker, len(stdout), stderr)
		}
	}
	// Completion of commands, through cobra's hidden __complete.
	if _, stdout, _ := runCLI(t, "__complete", "emulator", "fa"); !strings.Contains(stdout, "faults") {
		t.Errorf("completing 'emulator fa': %q, want faults", stdout)
	}
	if _, stdout, _ := runCLI(t, "__complete", "plan", "--det"); !strings.Contains(stdout, "--detailed-exitcode") {
		t.Errorf("completing 'plan --det': %q, want --detailed-exitcode", stdout)
	}
}

// TestExitCodes checks the exit code table's codes on real runs, and
// that README.md documents the same table as the root help.
func TestExitCodes(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "plan.json")
	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{"ok", []string{"validate", "--spec", seedSpec}, exitOK},
		{"error", []string{"validate", "--spec", "nope.yaml"}, exitProblem},
		{"usage error", []string{"validate", "--nope"}, exitProblem},
		{"changes", []string{"plan", "--spec", seedSpec, "--emulator", "--detailed-exitcode", "--out", out}, exitChanges},
		{"drift", []string{"drift", "--spec", seedSpec, "--emulator"}, exitChanges},
		{"apply plan.json --emulator", []string{"apply", out, "--emulator", "--spec", seedSpec, "--acknowledge-irreversible"}, exitOK},
	} {
		if code, _, stderr := runCLI(t, tc.args...); code != tc.want {
			t.Errorf("%s: orgbackup %q: exit %d, want %d; stderr:\n%s", tc.name, tc.args, code, tc.want, stderr)
		}
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range []string{"| 0 | success", "| 1 | error", "| 2 | changes", "| 3 | incomplete protection"} {
		if !strings.Contains(string(readme), row) {
			t.Errorf("README.md's exit code table lacks %q", row)
		}
	}
	if exitUnprotected != 3 || exitChanges != 2 || exitProblem != 1 || exitUsage != exitProblem {
		t.Errorf("exit codes differ from the documented table")
	}
}

// TestProgress checks that every long command reports its progress on
// stderr off a terminal (lines naming accounts and API calls, more than
// one when the interval is short), and nothing with --quiet.
func TestProgress(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		label string
		args  []string
	}{
		{"plan", []string{"plan", "--spec", seedSpec, "--emulator"}},
		{"drift", []string{"drift", "--spec", seedSpec, "--emulator"}},
		{"apply: planning", []string{"apply", "--spec", seedSpec, "--emulator", "--auto-approve", "--acknowledge-irreversible"}},
		{"apply", []string{"apply", "--spec", seedSpec, "--emulator", "--auto-approve", "--acknowledge-irreversible"}},
		{"report", []string{"report", "--spec", seedSpec, "--emulator", "--days", "1"}},
		{"copy", []string{"copy", "--spec", seedSpec, "--emulator", "--dry-run"}},
		{"remediate", []string{"remediate", "--spec", seedSpec, "--emulator"}},
		{"drill", []string{"drill", "--spec", seedSpec, "--emulator", "--out", "DIR"}},
	} {
		t.Run(tc.label, func(t *testing.T) {
			t.Parallel()
			for _, quiet := range []bool{false, true} {
				var stdout, stderr bytes.Buffer
				e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }, progressInterval: time.Nanosecond}
				args := slices.Clone(tc.args)
				if i := slices.Index(args, "DIR"); i >= 0 {
					args[i] = t.TempDir()
				}
				if quiet {
					args = append(args[:len(args):len(args)], "--quiet")
				}
				run(context.Background(), e, args)
				var lines int
				for _, l := range strings.Split(stderr.String(), "\n") {
					rest, ok := strings.CutPrefix(l, tc.label+": ")
					if ok && rest != "" && rest[0] >= '0' && rest[0] <= '9' && strings.Contains(l, " API call") && strings.Contains(l, " account") {
						lines++
					}
				}
				switch {
				case quiet && lines > 0:
					t.Errorf("orgbackup %q --quiet printed %d progress lines:\n%s", tc.args, lines, stderr.String())
				case !quiet && lines < 2:
					t.Errorf("orgbackup %q printed %d progress lines, want several:\n%s", tc.args, lines, stderr.String())
				}
			}
		})
	}
}
