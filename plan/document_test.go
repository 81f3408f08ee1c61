package plan

import "testing"

// TestDocument checks that policy documents read from AWS compare the same
// whether IAM URL-encoded them or not, and that one that is not JSON is
// kept as a string.
func TestDocument(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`{"b":1,"a":[true]}`:                       `{"a":[true],"b":1}`,
		`%7B%22b%22%3A1%2C%22a%22%3A%5Btrue%5D%7D`: `{"a":[true],"b":1}`,
		`not json`: `"not json"`,
	} {
		if got := string(Document(in)); got != want {
			t.Errorf("Document(%q) = %s, want %s", in, got, want)
		}
	}
}
