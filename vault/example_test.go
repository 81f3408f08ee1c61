package vault_test

import (
	"fmt"

	"github.com/orgbackup/orgbackup/vault"
)

func ExampleTopicPolicy() {
	fmt.Println(vault.TopicPolicy("arn:aws:sns:us-east-1:222222222222:backup-events"))
	// Output:
	// {
	//   "Version": "2008-10-17",
	//   "Id": "__default_policy_ID",
	//   "Statement": [
	//     {
	//       "Sid": "__default_statement_ID",
	//       "Effect": "Allow",
	//       "Principal": {
	//         "Service": "backup.amazonaws.com"
	//       },
	//       "Action": "SNS:Publish",
	//       "Resource": "arn:aws:sns:us-east-1:222222222222:backup-events",
	//       "Condition": {
	//         "StringEquals": {
	//           "aws:SourceAccount": "222222222222"
	//         }
	//       }
	//     }
	//   ]
	// }
}

func ExampleWorkloadVaultAccessPolicy() {
	fmt.Println(vault.WorkloadVaultAccessPolicy("222222222222"))
	// Output:
	// {
	//   "Version": "2012-10-17",
	//   "Statement": [
	//     {
	//       "Sid": "AllowBackupAccountCopyInto",
	//       "Effect": "Allow",
	//       "Principal": {
	//         "AWS": "arn:aws:iam::222222222222:root"
	//       },
	//       "Action": "backup:CopyIntoBackupVault",
	//       "Resource": "*"
	//     }
	//   ]
	// }
}

func ExampleCentralVaultAccessPolicy() {
	fmt.Println(vault.CentralVaultAccessPolicy("o-a1b2c3d4e5", vault.DenyRecoveryPointChanges("arn:aws:iam::222222222222:role/BackupAdmin")))
	// Output:
	// {
	//   "Version": "2012-10-17",
	//   "Statement": [
	//     {
	//       "Sid": "AllowOrganizationCopyInto",
	//       "Effect": "Allow",
	//       "Principal": {
	//         "AWS": "*"
	//       },
	//       "Action": "backup:CopyIntoBackupVault",
	//       "Resource": "*",
	//       "Condition": {
	//         "StringEquals": {
	//           "aws:PrincipalOrgID": "o-a1b2c3d4e5"
	//         }
	//       }
	//     },
	//     {
	//       "Sid": "DenyRecoveryPointChanges",
	//       "Effect": "Deny",
	//       "Principal": {
	//         "AWS": "*"
	//       },
	//       "Action": [
	//         "backup:DeleteRecoveryPoint",
	//         "backup:UpdateRecoveryPointLifecycle"
	//       ],
	//       "Resource": "*",
	//       "Condition": {
	//         "ArnNotLike": {
	//           "aws:PrincipalArn": "arn:aws:iam::222222222222:role/BackupAdmin"
	//         }
	//       }
	//     }
	//   ]
	// }
}

func ExampleDenyRecoveryPointChanges() {
	// Only BackupAdmin may delete recovery points in the workload vault.
	fmt.Println(vault.WorkloadVaultAccessPolicy("222222222222", vault.DenyRecoveryPointChanges("arn:aws:iam::333333333333:role/BackupAdmin")))
	// Output:
	// {
	//   "Version": "2012-10-17",
	//   "Statement": [
	//     {
	//       "Sid": "AllowBackupAccountCopyInto",
	//       "Effect": "Allow",
	//       "Principal": {
	//         "AWS": "arn:aws:iam::222222222222:root"
	//       },
	//       "Action": "backup:CopyIntoBackupVault",
	//       "Resource": "*"
	//     },
	//     {
	//       "Sid": "DenyRecoveryPointChanges",
	//       "Effect": "Deny",
	//       "Principal": {
	//         "AWS": "*"
	//       },
	//       "Action": [
	//         "backup:DeleteRecoveryPoint",
	//         "backup:UpdateRecoveryPointLifecycle"
	//       ],
	//       "Resource": "*",
	//       "Condition": {
	//         "ArnNotLike": {
	//           "aws:PrincipalArn": "arn:aws:iam::333333333333:role/BackupAdmin"
	//         }
	//       }
	//     }
	//   ]
	// }
}

func ExampleWorkloadKeyPolicy() {
	fmt.Println(vault.WorkloadKeyPolicy("333333333333", "us-east-1", "222222222222"))
	// Output:
	// {
	//   "Version": "2012-10-17",
	//   "Statement": [
	//     {
	//       "Sid": "EnableIAMPolicies",
	//       "Effect": "Allow",
	//       "Principal": {
	//         "AWS": "arn:aws:iam::333333333333:root"
	//       },
	//       "Action": "kms:*",
	//       "Resource": "*"
	//     },
	//     {
	//       "Sid": "AllowAWSBackupUse",
	//       "Effect": "Allow",
	//       "Principal": {
	//         "AWS": "*"
	//       },
	//       "Action": [
	//         "kms:Decrypt",
	//         "kms:DescribeKey",
	//         "kms:Encrypt",
	//         "kms:GenerateDataKey*",
	//         "kms:ReEncrypt*"
	//       ],
	//       "Resource": "*",
	//       "Condition": {
	//         "StringEquals": {
	//           "kms:CallerAccount": "333333333333",
	//           "kms:ViaService": "backup.us-east-1.amazonaws.com"
	//         }
	//       }
	//     },
	//     {
	//       "Sid": "AllowAWSBackupGrants",
	//       "Effect": "Allow",
	//       "Principal": {
	//         "AWS": "*"
	//       },
	//       "Action": "kms:CreateGrant",
	//       "Resource": "*",
	//       "Condition": {
	//         "Bool": {
	//           "kms:GrantIsForAWSResource": "true"
	//         },
	//         "StringEquals": {
	//           "kms:CallerAccount": "333333333333",
	//           "kms:ViaService": "backup.us-east-1.amazonaws.com"
	//         }
	//       }
	//     },
	//     {
	//       "Sid": "AllowBackupAccountCopies",
	//       "Effect": "Allow",
	//       "Principal": {
	//         "AWS": "arn:aws:iam::222222222222:root"
	//       },
	//       "Action": [
	//         "kms:Decrypt",
	//         "kms:DescribeKey",
	//         "kms:Encrypt",
	//         "kms:GenerateDataKey*",
	//         "kms:ReEncrypt*"
	//       ],
	//       "Resource": "*"
	//     },
	//     {
	//       "Sid": "AllowBackupAccountGrants",
	//       "Effect": "Allow",
	//       "Principal": {
	//         "AWS": "arn:aws:iam::222222222222:root"
	//       },
	//       "Action": "kms:CreateGrant",
	//       "Resource": "*",
	//       "Condition": {
	//         "Bool": {
	//           "kms:GrantIsForAWSResource": "true"
	//         }
	//       }
	//     }
	//   ]
	// }
}

func ExampleCentralKeyPolicy() {
	fmt.Println(vault.CentralKeyPolicy("222222222222", "us-east-1", "o-a1b2c3d4e5"))
	// Output:
	// {
	//   "Version": "2012-10-17",
	//   "Statement": [
	//     {
	//       "Sid": "EnableIAMPolicies",
	//       "Effect": "Allow",
	//       "Principal": {
	//         "AWS": "arn:aws:iam::222222222222:root"
	//       },
	//       "Action": "kms:*",
	//       "Resource": "*"
	//     },
	//     {
	//       "Sid": "AllowAWSBackupUse",
	//       "Effect": "Allow",
	//       "Principal": {
	//         "AWS": "*"
	//       },
	//       "Action": [
	//         "kms:Decrypt",
	//         "kms:DescribeKey",
	//         "kms:Encrypt",
	//         "kms:GenerateDataKey*",
	//         "kms:ReEncrypt*"
	//       ],
	//       "Resource": "*",
	//       "Condition": {
	//         "StringEquals": {
	//           "kms:CallerAccount": "222222222222",
	//           "kms:ViaService": "backup.us-east-1.amazonaws.com"
	//         }
	//       }
	//     },
	//     {
	//       "Sid": "AllowAWSBackupGrants",
	//       "Effect": "Allow",
	//       "Principal": {
	//         "AWS": "*"
	//       },
	//       "Action": "kms:CreateGrant",
	//       "Resource": "*",
	//       "Condition": {
	//         "Bool": {
	//           "kms:GrantIsForAWSResource": "true"
	//         },
	//         "StringEquals": {
	//           "kms:CallerAccount": "222222222222",
	//           "kms:ViaService": "backup.us-east-1.amazonaws.com"
	//         }
	//       }
	//     },
	//     {
	//       "Sid": "AllowOrganizationCopies",
	//       "Effect": "Allow",
	//       "Principal": {
	//         "AWS": "*"
	//       },
	//       "Action": [
	//         "kms:Decrypt",
	//         "kms:DescribeKey",
	//         "kms:Encrypt",
	//         "kms:GenerateDataKey*",
	//         "kms:ReEncrypt*"
	//       ],
	//       "Resource": "*",
	//       "Condition": {
	//         "StringEquals": {
	//           "aws:PrincipalOrgID": "o-a1b2c3d4e5",
	//           "kms:ViaService": "backup.us-east-1.amazonaws.com"
	//         }
	//       }
	//     },
	//     {
	//       "Sid": "AllowOrganizationGrants",
	//       "Effect": "Allow",
	//       "Principal": {
	//         "AWS": "*"
	//       },
	//       "Action": "kms:CreateGrant",
	//       "Resource": "*",
	//       "Condition": {
	//         "Bool": {
	//           "kms:GrantIsForAWSResource": "true"
	//         },
	//         "StringEquals": {
	//           "aws:PrincipalOrgID": "o-a1b2c3d4e5",
	//           "kms:ViaService": "backup.us-east-1.amazonaws.com"
	//         }
	//       }
	//     }
	//   ]
	// }
}

func ExampleEqualPolicies() {
	a := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"backup:CopyIntoBackupVault","Resource":"*"}}`
	b := `{"Statement":[{"Resource":["*"],"Action":["backup:copyintobackupvault"],"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::222222222222:root"]}}],"Version":"2012-10-17"}`
	same, err := vault.EqualPolicies(a, b)
	fmt.Println(same, err)
	// Output: true <nil>
}
