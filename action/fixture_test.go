package action

import (
	"bufio"
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/githubiam"
)

const (
	testRepo       = "acme/infra"
	testManagement = "111111111111"
	issuerURL      = "https://" + githubiam.Issuer
	requestToken   = "id-token-request-token"
)

// fixture is a fake GitHub Actions runner around an emulated organization:
// an OIDC token endpoint the emulator trusts, a GitHub API for comments and
// pull request lookup, and the environment files.
type fixture struct {
	t     *testing.T
	srv   *emulator.Server
	gh    *fakeGitHub
	oidc  *httptest.Server
	dir   string
	spec  string
	env   map[string]string
	sub   string // subject of the next ID token
	plan  string // role ARNs
	apply string
	opts  []func(*Options) // applied after the fixture's own on every run
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, dir: t.TempDir(), gh: newFakeGitHub()}
	f.srv = emulator.NewServer(func(o *emulator.Options) {
		o.OIDCIssuers = map[string]crypto.PublicKey{issuerURL: &key.PublicKey}
	})
	t.Cleanup(f.srv.Close)
	f.oidc = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+requestToken {
			http.Error(w, "bad request token", http.StatusUnauthorized)
			return
		}
		tok := signJWT(t, key, map[string]any{
			"iss": issuerURL, "sub": f.sub, "aud": r.URL.Query().Get("audience"),
			"exp": time.Now().Add(5 * time.Minute).Unix(), "iat": time.Now().Unix(),
		})
		json.NewEncoder(w).Encode(map[string]string{"value": tok})
	}))
	t.Cleanup(f.oidc.Close)
	ghSrv := httptest.NewServer(f.gh)
	t.Cleanup(ghSrv.Close)

	// The roles `orgbackup iam github-roles` prints, created in the
	// management account: the emulator evaluates their trust policies.
	roles, err := githubiam.Roles(githubiam.Options{Repo: testRepo, Account: testManagement, Environment: "production"})
	if err != nil {
		t.Fatal(err)
	}
	iamc := awsiam.NewFromConfig(f.srv.Config(testManagement, "us-east-1"))
	var arns []string
	for _, r := range roles {
		trust, _ := json.Marshal(r.Trust)
		out, err := iamc.CreateRole(context.Background(), &awsiam.CreateRoleInput{RoleName: aws.String(r.Name), AssumeRolePolicyDocument: aws.String(string(trust))})
		if err != nil {
			t.Fatalf("creating role %s: %v", r.Name, err)
		}
		arns = append(arns, aws.ToString(out.Role.Arn))
	}
	f.plan, f.apply = arns[0], arns[1]
	f.srv.ResetCallStats()

	src, err := os.ReadFile("../examples/central-backup/backup.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f.spec = filepath.Join(f.dir, "aws-backup.yaml")
	f.writeSpec(string(src))

	// AWS: the emulator through the standard variables, no ambient
	// credentials unless a test sets them.
	t.Setenv("AWS_ENDPOINT_URL", f.srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(f.dir, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(f.dir, "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")

	f.env = map[string]string{
		"GITHUB_ACTIONS":                 "true",
		"GITHUB_REPOSITORY":              testRepo,
		"GITHUB_API_URL":                 ghSrv.URL,
		"GITHUB_SERVER_URL":              "https://github.com",
		"GITHUB_RUN_ID":                  "4242",
		"GITHUB_RUN_ATTEMPT":             "1",
		"RUNNER_TEMP":                    f.dir,
		"ACTIONS_ID_TOKEN_REQUEST_URL":   f.oidc.URL + "/token?api-version=2.0",
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": requestToken,
		"INPUT_SPEC":                     f.spec,
		"INPUT_GITHUB_TOKEN":             "ghs_test",
	}
	return f
}

func (f *fixture) writeSpec(s string) {
	f.t.Helper()
	if err := os.WriteFile(f.spec, []byte(s), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

// pullRequest sets up a pull_request event for PR number.
func (f *fixture) pullRequest(number int, title, headRepo string) {
	f.event("pull_request", "refs/pull/"+strconv.Itoa(number)+"/merge", "feedface", map[string]any{
		"pull_request": map[string]any{"number": number, "title": title,
			"head": map[string]any{"ref": "feature", "repo": map[string]any{"full_name": headRepo, "fork": headRepo != testRepo}}},
		"repository": map[string]any{"full_name": testRepo, "default_branch": "main"},
	})
	f.sub = "repo:" + testRepo + ":pull_request"
}

// push sets up a push to the default branch, in the production
// environment.
func (f *fixture) push(sha string) {
	f.event("push", "refs/heads/main", sha, map[string]any{
		"repository": map[string]any{"full_name": testRepo, "default_branch": "main"},
	})
	f.sub = "repo:" + testRepo + ":environment:production"
}

func (f *fixture) event(name, ref, sha string, payload map[string]any) {
	f.t.Helper()
	b, _ := json.Marshal(payload)
	p := filepath.Join(f.dir, "event.json")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		f.t.Fatal(err)
	}
	f.env["GITHUB_EVENT_NAME"], f.env["GITHUB_EVENT_PATH"], f.env["GITHUB_REF"], f.env["GITHUB_SHA"] = name, p, ref, sha
}

// runResult is one run of the action.
type runResult struct {
	res     *Result
	err     error
	outputs map[string]string
	summary string
	stdout  string
}

// run runs the action in-process with fresh output and summary files.
func (f *fixture) run(inputs map[string]string) runResult {
	f.t.Helper()
	env := map[string]string{}
	for k, v := range f.env {
		env[k] = v
	}
	for k, v := range inputs {
		env[inputEnv(k)] = v
	}
	out, err := os.CreateTemp(f.dir, "output-")
	if err != nil {
		f.t.Fatal(err)
	}
	out.Close()
	sum, err := os.CreateTemp(f.dir, "summary-")
	if err != nil {
		f.t.Fatal(err)
	}
	sum.Close()
	env["GITHUB_OUTPUT"], env["GITHUB_STEP_SUMMARY"] = out.Name(), sum.Name()
	var stdout bytes.Buffer
	res, runErr := Run(context.Background(), func(o *Options) {
		o.Getenv = func(k string) string { return env[k] }
		o.Stdout = &stdout
		for _, fn := range f.opts {
			fn(o)
		}
	})
	ob, _ := os.ReadFile(out.Name())
	sb, _ := os.ReadFile(sum.Name())
	return runResult{res: res, err: runErr, outputs: parseOutputFile(f.t, string(ob)), summary: string(sb), stdout: stdout.String()}
}

// parseOutputFile reads GITHUB_OUTPUT as the runner does: NAME=VALUE lines
// and NAME<<DELIMITER blocks. A name set twice is an error: it would mean
// an injected line.
func parseOutputFile(t *testing.T, s string) map[string]string {
	t.Helper()
	out := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(s))
	set := func(k, v string) {
		if _, dup := out[k]; dup {
			t.Errorf("output %s set twice", k)
		}
		out[k] = v
	}
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		if name, delim, ok := strings.Cut(line, "<<"); ok && !strings.Contains(name, "=") {
			var val []string
			closed := false
			for sc.Scan() {
				if sc.Text() == delim {
					closed = true
					break
				}
				val = append(val, sc.Text())
			}
			if !closed {
				t.Errorf("output %s: unterminated value", name)
			}
			set(name, strings.Join(val, "\n"))
			continue
		}
		name, val, ok := strings.Cut(line, "=")
		if !ok {
			t.Errorf("output file line %q is neither NAME=VALUE nor NAME<<DELIMITER", line)
			continue
		}
		set(name, val)
	}
	return out
}

// mutatingCalls lists the emulator calls that are not reads.
func mutatingCalls(srv *emulator.Server) []string {
	var out []string
	for _, c := range srv.CallStats() {
		switch {
		case c.Operation == "AssumeRole", c.Operation == "AssumeRoleWithWebIdentity", c.Operation == "GetCallerIdentity":
		case strings.HasPrefix(c.Operation, "Get"), strings.HasPrefix(c.Operation, "Describe"),
			strings.HasPrefix(c.Operation, "List"), strings.HasPrefix(c.Operation, "Head"):
		default:
			out = append(out, fmt.Sprintf("%s/%s %s:%s", c.Account, c.Region, c.Service, c.Operation))
		}
	}
	return out
}

func signJWT(t *testing.T, key *rsa.PrivateKey, claims map[string]any) string {
	t.Helper()
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	input := enc(map[string]string{"alg": "RS256", "typ": "JWT", "kid": "test"}) + "." + enc(claims)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// fakeGitHub serves the REST API calls the action makes.
type fakeGitHub struct {
	mu       sync.Mutex
	nextID   int64
	comments map[int][]comment // by issue number
	pulls    map[string][]map[string]any
	posts    int
	patches  int
	failPost bool
}

func newFakeGitHub() *fakeGitHub {
	return &fakeGitHub{nextID: 100, comments: map[int][]comment{}, pulls: map[string][]map[string]any{}}
}

func (g *fakeGitHub) addComment(number int, login, typ, body string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.nextID++
	c := comment{ID: g.nextID, Body: body, UpdatedAt: time.Now().UTC().Format(time.RFC3339Nano)}
	c.User.Login, c.User.Type = login, typ
	g.comments[number] = append(g.comments[number], c)
}

func (g *fakeGitHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer ghs_test" {
		http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
		return
	}
	prefix := "/repos/" + testRepo
	p, ok := strings.CutPrefix(r.URL.Path, prefix)
	if !ok {
		http.NotFound(w, r)
		return
	}
	var n int
	var id int64
	var sha string
	switch {
	case r.Method == http.MethodGet && scan(p, "/issues/%d/comments", &n):
		cs := g.comments[n]
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
		if page < 1 {
			page = 1
		}
		if per < 1 {
			per = 30
		}
		lo, hi := min(len(cs), (page-1)*per), min(len(cs), page*per)
		json.NewEncoder(w).Encode(cs[lo:hi])
	case r.Method == http.MethodPost && scan(p, "/issues/%d/comments", &n):
		if g.failPost {
			http.Error(w, `{"message":"Resource not accessible by integration"}`, http.StatusForbidden)
			return
		}
		var in struct{ Body string }
		json.NewDecoder(r.Body).Decode(&in)
		g.posts++
		g.nextID++
		c := comment{ID: g.nextID, Body: in.Body, UpdatedAt: time.Now().UTC().Format(time.RFC3339Nano)}
		c.User.Login, c.User.Type = "github-actions[bot]", "Bot"
		g.comments[n] = append(g.comments[n], c)
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(c)
	case r.Method == http.MethodPatch && scan(p, "/issues/comments/%d", &id):
		var in struct{ Body string }
		json.NewDecoder(r.Body).Decode(&in)
		for n, cs := range g.comments {
			for i := range cs {
				if cs[i].ID == id {
					g.patches++
					g.comments[n][i].Body = in.Body
					g.comments[n][i].UpdatedAt = time.Now().UTC().Format(time.RFC3339Nano)
					json.NewEncoder(w).Encode(g.comments[n][i])
					return
				}
			}
		}
		http.NotFound(w, r)
	case r.Method == http.MethodGet && scan(p, "/commits/%s", &sha) && strings.HasSuffix(p, "/pulls"):
		json.NewEncoder(w).Encode(g.pulls[strings.TrimSuffix(sha, "/pulls")])
	default:
		http.NotFound(w, r)
	}
}

func scan(s, format string, args ...any) bool {
	n, err := fmt.Sscanf(s, format, args...)
	return err == nil && n == len(args)
}
