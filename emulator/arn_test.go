package emulator

import (
	"strings"
	"testing"
)

// arnRegionAccount splits ARNs as strings.SplitN(arn, ":", 6) does.
func TestARNRegionAccount(t *testing.T) {
	for _, arn := range []string{
		"arn:aws:backup:us-east-1:111111111111:backup-vault:central",
		"arn:aws:s3:::bucket", "arn:aws:iam::111111111111:role/a:b", "arn:aws:ec2:us-east-1::snapshot/snap-1",
		"arn:aws:backup:us-east-1:111111111111", "arn", "", "arn:", "arn:::::", "ARN:aws:s3:::b", "x:aws:s3:::b",
	} {
		parts := strings.SplitN(arn, ":", 6)
		wantOK := len(parts) == 6 && parts[0] == "arn"
		svc, region, account, res, ok := arnRegionAccount(arn)
		if ok != wantOK || (ok && (svc != parts[2] || region != parts[3] || account != parts[4] || res != parts[5])) {
			t.Errorf("arnRegionAccount(%q) = %q %q %q %q %v, want %v %v", arn, svc, region, account, res, ok, parts, wantOK)
		}
	}
}
