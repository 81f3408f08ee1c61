package plan

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	goldenfile "github.com/orgbackup/orgbackup/internal/golden"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"
)

func noApply(context.Context, ApplyEnv, Change) error { return nil }

func noTags(context.Context, aws.Config, Address) (map[string]string, bool, error) {
	return nil, false, nil
}

// testKinds are the kinds the tests' plans use, in the engine's stages.
func testKinds(t testing.TB) *Kinds {
	t.Helper()
	k, err := NewKinds([]Kind{
		{Name: "iam_role", Stage: StageIdentity, Apply: noApply, Tags: noTags},
		{Name: "backup_vault", Stage: StageVault, Apply: noApply, Tags: noTags},
		{Name: "vault_access_policy", Stage: StageVaultPolicy, Apply: noApply, Owner: func(a Address) Address { a.Kind = "backup_vault"; return a }},
		{Name: "vault_lock", Stage: StageVaultPolicy, Apply: noApply, Setting: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustSeal(t testing.TB, p *Plan) {
	t.Helper()
	if err := p.Seal(testKinds(t)); err != nil {
		t.Fatal(err)
	}
}

func TestAddressRoundTrip(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"111111111111/global/iam_role/orgbackup-backup", "222222222222/us-east-1/kms_key/alias/orgbackup"} {
		a, err := ParseAddress(s)
		if err != nil {
			t.Fatalf("ParseAddress(%q): %v", s, err)
		}
		if a.String() != s {
			t.Errorf("ParseAddress(%q).String() = %q", s, a.String())
		}
	}
	for _, bad := range []string{"", "a/b/c", "a//c/d", "111111111111/us-east-1/kind/"} {
		if _, err := ParseAddress(bad); err == nil {
			t.Errorf("ParseAddress(%q) = nil error, want one", bad)
		}
	}
}

func TestSealOrdersByStageAddressAndDependency(t *testing.T) {
	t.Parallel()
	vault := Address{Account: "333333333333", Region: "us-east-1", Kind: "backup_vault", Name: "local"}
	role := Address{Account: "333333333333", Region: Global, Kind: "iam_role", Name: "backup"}
	lock := vault.Sibling("vault_lock", "local")
	policyA := vault.Sibling("vault_access_policy", "a")
	p := &Plan{Spec: "s", Changes: []Change{
		// The lock depends on the access policy named after it in
		// address order: dependencies win over address order.
		{Address: lock, Action: Create, DependsOn: []Address{policyA.Sibling("vault_access_policy", "z")}},
		{Address: policyA.Sibling("vault_access_policy", "z"), Action: Create},
		{Address: vault, Action: Create},
		{Address: role, Action: Create},
		{Address: policyA, Action: Create},
	}}
	mustSeal(t, p)
	var got []string
	for _, c := range p.Changes {
		got = append(got, c.Kind+"/"+c.Name)
	}
	want := []string{"iam_role/backup", "backup_vault/local", "vault_access_policy/a", "vault_access_policy/z", "vault_lock/local"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Seal order mismatch (-want +got):\n%s", diff)
	}
	if p.Fingerprint == "" || p.Verify() != nil {
		t.Errorf("sealed plan does not verify: %v", p.Verify())
	}
}

func TestSealRejectsUnknownKind(t *testing.T) {
	t.Parallel()
	p := &Plan{Changes: []Change{{Address: Address{Account: "1", Region: "r", Kind: "mystery", Name: "x"}, Action: Create}}}
	if err := p.Seal(testKinds(t)); err == nil || !strings.Contains(err.Error(), `unknown resource kind "mystery"`) {
		t.Errorf("Seal = %v, want an unknown kind error", err)
	}
	if err := testKinds(t).Check(p); err == nil {
		t.Errorf("Kinds.Check accepted an unknown kind")
	}
}

func TestNewKindsRejectsDuplicates(t *testing.T) {
	t.Parallel()
	k := Kind{Name: "backup_vault", Apply: noApply, Tags: noTags}
	if _, err := NewKinds([]Kind{k}, []Kind{k}); err == nil {
		t.Errorf("NewKinds accepted a kind twice")
	}
	if _, err := NewKinds([]Kind{{Name: "no_apply", Setting: true}}); err == nil {
		t.Errorf("NewKinds accepted a kind without Apply")
	}
	// Fail closed: a kind that does not say who owns its resources
	// would let apply update or delete what orgbackup does not own.
	if _, err := NewKinds([]Kind{{Name: "backup_vault", Apply: noApply}}); err == nil {
		t.Errorf("NewKinds accepted a kind that does not say who owns its resources")
	}
}

func TestChangeJSON(t *testing.T) {
	t.Parallel()
	addr := Address{Account: "222222222222", Region: "us-east-1", Kind: "kms_key", Name: "alias/orgbackup"}
	c := NewChange(addr, Create, nil, map[string]any{"b": 1, "a": "x"}, "why")
	c.DependsOn = []Address{addr.Sibling("iam_role", "r")}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"address":"222222222222/us-east-1/kms_key/alias/orgbackup","kind":"kms_key","account":"222222222222","region":"us-east-1","name":"alias/orgbackup","action":"create","after":{"a":"x","b":1},"reason":"why","depends_on":["222222222222/us-east-1/iam_role/r"]}`
	if string(b) != want {
		t.Errorf("Marshal =\n%s\nwant\n%s", b, want)
	}
	var back Change
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c, back); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
	// An address that disagrees with its parts is an edited plan.
	edited := bytes.Replace(b, []byte(`"kind":"kms_key"`), []byte(`"kind":"backup_vault"`), 1)
	if err := json.Unmarshal(edited, &back); err == nil {
		t.Errorf("Unmarshal accepted an address that disagrees with its kind")
	}
}

func TestJSONEqual(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{`{"a":1,"b":[1,2]}`, `{ "b":[1,2], "a":1 }`, true},
		{`{"a":1}`, `{"a":2}`, false},
		{`not json`, `not json`, true},
		{`not json`, `{}`, false},
	} {
		if got := JSONEqual(json.RawMessage(tc.a), json.RawMessage(tc.b)); got != tc.want {
			t.Errorf("JSONEqual(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

// golden compares got with testdata/NAME (go test ./plan -update rewrites it).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name), got)
}
