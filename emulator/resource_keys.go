package emulator

import (
	"fmt"
	"strings"
)

// resourceKeyLocked resolves the KMS key a workload resource is encrypted
// with to its ARN in account and region: an AWS managed key by its alias
// ("alias/aws/ebs", or "aws/ebs" as the consoles show it), created on
// first use as KMS does; a customer managed key by its alias
// ("alias/NAME") or by key or alias ARN. ARNs are kept as given.
//
// Which key a backup gets follows from it: AWS Backup encrypts backups of
// the types it does not fully manage (EBS, EC2, RDS, Aurora...) with the
// source resource's key ("Encryption for backups in AWS Backup"), and an
// AWS managed key cannot be used from another account, so such backups
// cannot be copied there (copyPreflightLocked).
func (s *Server) resourceKeyLocked(account, region, key string) (string, error) {
	if key == "" || strings.HasPrefix(key, "arn:") {
		return key, nil
	}
	if svc, ok := strings.CutPrefix(key, "aws/"); ok {
		key = "alias/aws/" + svc
	}
	if strings.HasPrefix(key, "alias/aws/") {
		k := s.kmsAWSManagedKeyLocked(account, region, key)
		if k == nil {
			return "", fmt.Errorf("kms key %s: no AWS managed key has that alias", key)
		}
		return k.arn, nil
	}
	if strings.HasPrefix(key, "alias/") {
		r := s.kmsRegionLocked(account, region)
		if a := r.aliases[key]; a != nil && r.keys[a.target] != nil {
			return r.keys[a.target].arn, nil
		}
		return "", fmt.Errorf("kms key %s: alias not found in account %s and region %s", key, account, region)
	}
	return "", fmt.Errorf("kms key %q: give an alias (alias/aws/ebs, alias/NAME) or an ARN", key)
}
