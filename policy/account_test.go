package policy

import "testing"

func TestIsAccountID(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"111111111111":  true,
		"000000000000":  true,
		"11111111111":   false, // 11 digits
		"1111111111111": false, // 13 digits
		"11111111111a":  false,
		"１１１１１１１１１１１１":  false, // full-width digits are not ASCII
		"":              false,
	} {
		if got := IsAccountID(s); got != want {
			t.Errorf("IsAccountID(%q) = %v, want %v", s, got, want)
		}
	}
}
