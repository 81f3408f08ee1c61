package emulator

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/smithy-go"
)

var updateCoverage = flag.Bool("update-coverage", false, "rewrite the coverage table in README.md")

// sdkModules maps each emulated service (SigV4 name) to its SDK module and
// the name the table shows.
var sdkModules = []struct{ service, module, title string }{
	{"backup", "github.com/aws/aws-sdk-go-v2/service/backup", "AWS Backup"},
	{"organizations", "github.com/aws/aws-sdk-go-v2/service/organizations", "AWS Organizations"},
	{"kms", "github.com/aws/aws-sdk-go-v2/service/kms", "AWS KMS"},
	{"iam", "github.com/aws/aws-sdk-go-v2/service/iam", "IAM"},
	{"sts", "github.com/aws/aws-sdk-go-v2/service/sts", "STS"},
	{"sns", "github.com/aws/aws-sdk-go-v2/service/sns", "Amazon SNS"},
	{"events", "github.com/aws/aws-sdk-go-v2/service/eventbridge", "Amazon EventBridge"},
	{"s3", "github.com/aws/aws-sdk-go-v2/service/s3", "Amazon S3"},
	{"tagging", "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi", "Resource Groups Tagging API"},
}

// modelOperations lists the operations of an SDK module: one api_op_NAME.go
// file each, in the module version go.mod selects.
func modelOperations(t *testing.T, module string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", module).Output()
	if err != nil {
		t.Skipf("locating %s: %v", module, err)
	}
	files, err := filepath.Glob(filepath.Join(strings.TrimSpace(string(out)), "api_op_*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("listing the operations of %s: %v (%d files)", module, err, len(files))
	}
	var ops []string
	for _, f := range files {
		ops = append(ops, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "api_op_"), ".go"))
	}
	sort.Strings(ops)
	return ops
}

// TestModelOperationListsAreCurrent fails when the SDK's AWS Backup model
// and backupModelOperations differ, so that a new operation is either
// implemented or given a deliberate error.
func TestModelOperationListsAreCurrent(t *testing.T) {
	var listed []string
	for _, op := range backupModelOperations() {
		listed = append(listed, op.ID().Name)
	}
	sort.Strings(listed)
	model := modelOperations(t, "github.com/aws/aws-sdk-go-v2/service/backup")
	if !slices.Equal(listed, model) {
		t.Errorf("backupModelOperations() is stale:\nlisted: %v\nmodel:  %v", listed, model)
	}
}

// s3RoutedOperations reads the operation names s3Route returns with a
// handler: `return "Name", s.handler` and the sub-resource tables'
// "METHOD": "Name" entries.
func s3RoutedOperations(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile("s3.go")
	if err != nil {
		t.Fatal(err)
	}
	body := string(src)
	start := strings.Index(body, "func (s *Server) s3Route(")
	if start < 0 {
		t.Fatal("s3Route not found in s3.go")
	}
	body = body[start:]
	if end := strings.Index(body, "\n}\n"); end > 0 {
		body = body[:end]
	}
	var out []string
	for _, re := range []string{`return "([A-Za-z0-9]+)", s\.`, `"(?:PUT|GET|DELETE)": "([A-Za-z0-9]+)"`} {
		for _, m := range regexp.MustCompile(re).FindAllStringSubmatch(body, -1) {
			if !slices.Contains(out, m[1]) {
				out = append(out, m[1])
			}
		}
	}
	sort.Strings(out)
	return out
}

// coverageTable renders, per service, how many operations of the SDK's
// model the emulator implements and how many it answers with a deliberate
// unsupported-operation error.
func coverageTable(t *testing.T) string {
	t.Helper()
	srv := NewServer()
	defer srv.Close()
	services := srv.buildServices()
	var b strings.Builder
	b.WriteString("| service | operations in the SDK model | implemented | deliberately unsupported (named error) | handled |\n")
	b.WriteString("|---|--:|--:|--:|--:|\n")
	for _, m := range sdkModules {
		model := modelOperations(t, m.module)
		implemented, unsupported := 0, 0
		if m.service == "s3" {
			routed := s3RoutedOperations(t)
			if listed := s3ImplementedOperations(); !slices.Equal(routed, listed) {
				t.Errorf("s3ImplementedOperations() = %v, but s3Route serves %v", listed, routed)
			}
			for _, op := range routed {
				if !slices.Contains(model, op) {
					t.Errorf("s3: operation %s is not in the SDK's model", op)
				}
			}
			implemented = len(routed)
		} else {
			svc := services[m.service]
			if svc == nil {
				t.Fatalf("service %s is not served", m.service)
			}
			for name, op := range svc.ops {
				if !slices.Contains(model, name) {
					t.Errorf("%s: operation %s is not in the SDK's model", m.service, name)
				}
				if op.unsupported != "" {
					unsupported++
				} else {
					implemented++
				}
			}
		}
		handled := implemented + unsupported
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d%% |\n", m.title, len(model), implemented, unsupported, handled*100/len(model))
	}
	return b.String()
}

const (
	coverageBegin = "<!-- emulator coverage: begin (go test ./emulator -run TestCoverageTable -update-coverage) -->\n"
	coverageEnd   = "<!-- emulator coverage: end -->\n"
)

// TestCoverageTable fails when the coverage table in README.md is not the
// one the emulator yields; -update-coverage rewrites it.
func TestCoverageTable(t *testing.T) {
	want := coverageTable(t)
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(readme, []byte(coverageBegin))
	j := bytes.Index(readme, []byte(coverageEnd))
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the coverage markers %q and %q", coverageBegin, coverageEnd)
	}
	got := string(readme[i+len(coverageBegin) : j])
	if got == want {
		return
	}
	if *updateCoverage {
		out := append(append(slices.Clone(readme[:i+len(coverageBegin)]), want...), readme[j:]...)
		if err := os.WriteFile("../README.md", out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's emulator coverage table is stale; run go test ./emulator -run TestCoverageTable -update-coverage\ngot:\n%s\nwant:\n%s", got, want)
}

// TestUnsupportedOperationsAreNamed: an operation of the model the
// emulator leaves out answers an error that names it and says why, rather
// than an anonymous routing failure.
func TestUnsupportedOperationsAreNamed(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	_, err := bkClient(srv, "222222222222").ListTieringConfigurations(context.Background(), &awsbackup.ListTieringConfigurationsInput{})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "UnknownOperationException" ||
		!strings.Contains(ae.ErrorMessage(), "ListTieringConfigurations is not supported: S3 tiering configurations are not emulated") {
		t.Errorf("ListTieringConfigurations: %v, want UnknownOperationException naming the operation and the reason", err)
	}
}
