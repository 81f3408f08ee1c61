package githubiam

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// iamPrefix maps SDK service packages to their IAM service prefixes.
var iamPrefix = map[string]string{
	"backup": "backup", "iam": "iam", "kms": "kms", "organizations": "organizations",
	"s3": "s3", "sns": "sns", "sts": "sts", "resourcegroupstaggingapi": "tag", "ram": "ram", "eventbridge": "events", "budgets": "budgets", "configservice": "config",
}

var opRE = regexp.MustCompile(`^(?:New)?([A-Z][A-Za-z0-9]*?)(?:Input|Paginator)$`)

// notEngine are the module's directories whose SDK calls are not the
// engine's: the emulator serves them, the CLI and examples drive the
// library, tests and test helpers check it.
var notEngine = map[string]bool{"emulator": true, "cmd": true, "examples": true, "tests": true, "internal": true, "githubiam": true, "schema": true}

// engineDirs returns every library package directory of the module, so a
// new kind package is scanned without being listed here.
func engineDirs(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir("..")
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() && !notEngine[e.Name()] && !strings.HasPrefix(e.Name(), ".") {
			dirs = append(dirs, e.Name())
		}
	}
	return dirs
}

// engineOperations parses the engine's packages (tests excluded) and
// returns every SDK operation they reference through an input type or a
// paginator: "service:Operation".
func engineOperations(t *testing.T) []string {
	t.Helper()
	ops := map[string]bool{}
	for _, dir := range engineDirs(t) {
		files, err := filepath.Glob(filepath.Join("..", dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			services := map[string]string{} // local name -> IAM prefix
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				svc, ok := strings.CutPrefix(p, "github.com/aws/aws-sdk-go-v2/service/")
				if !ok || strings.Contains(svc, "/") {
					continue
				}
				name := path.Base(p)
				if imp.Name != nil {
					name = imp.Name.Name
				}
				prefix, ok := iamPrefix[svc]
				if !ok {
					t.Errorf("%s imports %s, a service this test does not know", file, p)
				}
				services[name] = prefix
			}
			ast.Inspect(f, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				x, ok := sel.X.(*ast.Ident)
				if !ok {
					return true
				}
				prefix, ok := services[x.Name]
				if !ok {
					return true
				}
				if m := opRE.FindStringSubmatch(sel.Sel.Name); m != nil {
					ops[prefix+":"+m[1]] = true
				}
				return true
			})
		}
	}
	// Role assumption goes through stscreds, which references no input
	// type in our code.
	ops["sts:AssumeRole"] = true
	out := make([]string, 0, len(ops))
	for op := range ops {
		out = append(out, op)
	}
	sort.Strings(out)
	return out
}

// TestOperationsMatchEngine fails when the engine calls an operation the
// policies lack, or the policies grant one the engine no longer calls.
func TestOperationsMatchEngine(t *testing.T) {
	t.Parallel()
	got := engineOperations(t)
	if len(got) < 50 {
		t.Fatalf("found only %d operations in the engine; the scan is broken", len(got))
	}
	want := make([]string, 0, len(Operations))
	for op := range Operations {
		want = append(want, op)
	}
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Operations does not match the engine's SDK calls (-Operations +engine):\n%s", diff)
	}
}

func TestActionsSplit(t *testing.T) {
	t.Parallel()
	reads, writes := Actions()
	for _, a := range reads {
		_, name, _ := strings.Cut(a, ":")
		for _, w := range []string{"Create", "Delete", "Put", "Update", "Tag", "Attach", "Detach", "Enable", "Disable", "Register", "Subscribe", "Unsubscribe", "Schedule", "Set", "Pass", "Mount"} {
			if strings.HasPrefix(name, w) {
				t.Errorf("read-only plan role would get %s", a)
			}
		}
	}
	for _, want := range []string{"backup:CreateBackupVault", "backup-storage:MountCapsule", "iam:PassRole", "s3:PutEncryptionConfiguration"} {
		if !contains(writes, want) {
			t.Errorf("apply actions lack %s", want)
		}
	}
	for _, want := range []string{"backup:ListBackupPlans", "organizations:DescribeEffectivePolicy", "s3:GetEncryptionConfiguration"} {
		if !contains(reads, want) {
			t.Errorf("plan actions lack %s", want)
		}
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
