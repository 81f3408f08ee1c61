package distribution

import (
	"regexp"
	"testing"

	"github.com/orgbackup/orgbackup/plan"
)

// TestCreatorRequestID checks the token's format (CreateBackupPlan API
// reference: 1 to 50 alphanumeric or '-_.' characters) and that it is the
// same for an address and different across addresses.
func TestCreatorRequestID(t *testing.T) {
	t.Parallel()
	a := plan.Address{Account: "333333333333", Region: "us-east-1", Kind: KindPlan, Name: "orgbackup-production"}
	b := a
	b.Region = "us-west-2"
	valid := regexp.MustCompile(`^[A-Za-z0-9._-]{1,50}$`)
	for _, id := range []string{creatorRequestID(a), creatorRequestID(b)} {
		if !valid.MatchString(id) {
			t.Errorf("CreatorRequestId %q is not 1 to 50 alphanumeric or '-_.' characters", id)
		}
	}
	again := a
	if creatorRequestID(a) != creatorRequestID(again) || creatorRequestID(a) == creatorRequestID(b) {
		t.Errorf("tokens are not one per address")
	}
}
