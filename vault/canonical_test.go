package vault

import (
	"testing"
)

func TestEqualPolicies(t *testing.T) {
	t.Parallel()
	base := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:Decrypt","Resource":"*"}]}`
	tests := []struct {
		name string
		a, b string
		want bool
	}{
		{"identical", base, base, true},
		{"whitespace and key order", base, `{
			"Statement": [ { "Resource": "*", "Action": "kms:Decrypt", "Principal": { "AWS": "arn:aws:iam::111111111111:root" }, "Effect": "Allow" } ],
			"Version": "2012-10-17" }`, true},
		{"single statement object", base, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:Decrypt","Resource":"*"}}`, true},
		{"one-element lists", base, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111111111111:root"]},"Action":["kms:Decrypt"],"Resource":["*"]}]}`, true},
		{"action case", base, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"KMS:decrypt","Resource":"*"}]}`, true},
		{"account ID principal", base, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"kms:Decrypt","Resource":"*"}]}`, true},
		{"different account", base, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"kms:Decrypt","Resource":"*"}]}`, false},
		{"different action", base, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"kms:Encrypt","Resource":"*"}]}`, false},
		{"extra action", base, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":["kms:Decrypt","kms:Encrypt"],"Resource":"*"}]}`, false},
		{"different effect", base, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"111111111111"},"Action":"kms:Decrypt","Resource":"*"}]}`, false},
		{"different version", base, `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"kms:Decrypt","Resource":"*"}]}`, false},
		{"resource case matters", `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::Bucket/*"}]}`,
			`{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}]}`, false},
		{"action order", `{"Statement":[{"Effect":"Allow","Action":["a:B","a:A"],"Resource":"*"}]}`, `{"Statement":[{"Effect":"Allow","Action":["a:A","a:B","a:A"],"Resource":"*"}]}`, true},
		{"statement order", `{"Statement":[{"Sid":"1","Effect":"Allow","Action":"a:A","Resource":"*"},{"Sid":"2","Effect":"Deny","Action":"a:B","Resource":"*"}]}`,
			`{"Statement":[{"Sid":"2","Effect":"Deny","Action":"a:B","Resource":"*"},{"Sid":"1","Effect":"Allow","Action":"a:A","Resource":"*"}]}`, true},
		{"sid matters", `{"Statement":[{"Sid":"1","Effect":"Allow","Action":"a:A","Resource":"*"}]}`, `{"Statement":[{"Sid":"2","Effect":"Allow","Action":"a:A","Resource":"*"}]}`, false},
		{"principal star", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"a:A","Resource":"*"}]}`, `{"Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":"a:A","Resource":"*"}]}`, true},
		{"service principal is not AWS", `{"Statement":[{"Effect":"Allow","Principal":{"Service":"backup.amazonaws.com"},"Action":"a:A","Resource":"*"}]}`,
			`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"backup.amazonaws.com"},"Action":"a:A","Resource":"*"}]}`, false},
		{"condition value forms", `{"Statement":[{"Effect":"Allow","Action":"a:A","Resource":"*","Condition":{"Bool":{"kms:GrantIsForAWSResource":true}}}]}`,
			`{"Statement":[{"Effect":"Allow","Action":"a:A","Resource":"*","Condition":{"Bool":{"kms:GrantIsForAWSResource":["true"]}}}]}`, true},
		{"condition key case", `{"Statement":[{"Effect":"Allow","Action":"a:A","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}]}`,
			`{"Statement":[{"Effect":"Allow","Action":"a:A","Resource":"*","Condition":{"StringEquals":{"AWS:PrincipalOrgId":"o-1"}}}]}`, true},
		{"condition value case matters", `{"Statement":[{"Effect":"Allow","Action":"a:A","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}]}`,
			`{"Statement":[{"Effect":"Allow","Action":"a:A","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-ABC"}}}]}`, false},
		{"condition operator differs", `{"Statement":[{"Effect":"Allow","Action":"a:A","Resource":"*","Condition":{"StringEquals":{"k":"v"}}}]}`,
			`{"Statement":[{"Effect":"Allow","Action":"a:A","Resource":"*","Condition":{"StringLike":{"k":"v"}}}]}`, false},
		{"number condition", `{"Statement":[{"Effect":"Allow","Action":"a:A","Resource":"*","Condition":{"NumericLessThan":{"k":10}}}]}`,
			`{"Statement":[{"Effect":"Allow","Action":"a:A","Resource":"*","Condition":{"NumericLessThan":{"k":"10"}}}]}`, true},
		{"both empty", "", "", true},
		{"one empty", base, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := EqualPolicies(tt.a, tt.b)
			if err != nil {
				t.Fatalf("EqualPolicies() error = %v", err)
			}
			if got != tt.want {
				t.Errorf("EqualPolicies() = %v, want %v", got, tt.want)
			}
			// Symmetric.
			if back, _ := EqualPolicies(tt.b, tt.a); back != got {
				t.Errorf("EqualPolicies() is not symmetric")
			}
		})
	}
}

func TestCanonicalPolicyErrors(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"not JSON":            `{`,
		"trailing data":       `{"Statement":[]} {}`,
		"statement string":    `{"Statement":"x"}`,
		"statement number":    `{"Statement":[1]}`,
		"principal string":    `{"Statement":[{"Principal":"111111111111"}]}`,
		"action object":       `{"Statement":[{"Action":{"a":1}}]}`,
		"condition not map":   `{"Statement":[{"Condition":"x"}]}`,
		"condition op values": `{"Statement":[{"Condition":{"StringEquals":"x"}}]}`,
	}
	for name, doc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := CanonicalPolicy(doc); err == nil {
				t.Errorf("CanonicalPolicy(%s) error = nil", doc)
			}
		})
	}
}

func TestCanonicalPolicyIdempotent(t *testing.T) {
	t.Parallel()
	for _, doc := range []string{
		WorkloadKeyPolicy("111111111111", "us-east-1", "222222222222"),
		CentralKeyPolicy("222222222222", "us-east-1", "o-abc123defg"),
		CentralVaultAccessPolicy("o-abc123defg", DenyRecoveryPointChanges("arn:aws:iam::222222222222:role/Admin")),
		TopicPolicy("arn:aws:sns:us-east-1:222222222222:t"),
	} {
		c1, err := CanonicalPolicy(doc)
		if err != nil {
			t.Fatal(err)
		}
		c2, err := CanonicalPolicy(c1)
		if err != nil {
			t.Fatal(err)
		}
		if c1 != c2 {
			t.Errorf("CanonicalPolicy is not idempotent:\n%s\n%s", c1, c2)
		}
	}
}

func FuzzCanonicalPolicy(f *testing.F) {
	f.Add(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"a:B","Resource":"*"}}`)
	f.Add(WorkloadKeyPolicy("111111111111", "us-east-1", "222222222222"))
	f.Fuzz(func(t *testing.T, doc string) {
		c1, err := CanonicalPolicy(doc)
		if err != nil {
			return
		}
		c2, err := CanonicalPolicy(c1)
		if err != nil {
			t.Fatalf("canonical form %s does not parse: %v", c1, err)
		}
		if c1 != c2 {
			t.Fatalf("not idempotent:\n%s\n%s", c1, c2)
		}
	})
}
