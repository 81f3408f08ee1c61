package emulator

import (
	"maps"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
)

// defaultOptIn is a new Region's ResourceTypeOptInPreference: the resource
// types AWS Backup protected from the start are opted in; the ones added
// later (CloudFormation, DSQL, Redshift, S3, SAP HANA, Timestream) need an
// explicit opt-in (Service opt-in, AWS Backup developer guide).
func defaultOptIn() map[string]bool {
	return map[string]bool{
		"Aurora":                 true,
		"CloudFormation":         false,
		"DocumentDB":             true,
		"DSQL":                   false,
		"DynamoDB":               true,
		"EBS":                    true,
		"EC2":                    true,
		"EFS":                    true,
		"FSx":                    true,
		"Neptune":                true,
		"RDS":                    true,
		"Redshift":               false,
		"Redshift Serverless":    false,
		"S3":                     false,
		"SAP HANA on Amazon EC2": false,
		"Storage Gateway":        true,
		"Timestream":             false,
		"VirtualMachine":         true,
	}
}

// defaultManagement is ResourceTypeManagementPreference: full AWS Backup
// management is on for EFS and off for DynamoDB until advanced DynamoDB
// backup is enabled (DescribeRegionSettings: 'If "DynamoDB":false, you can
// enable full AWS Backup management ...').
func defaultManagement() map[string]bool {
	return map[string]bool{"DynamoDB": false, "EFS": true}
}

// Global settings names (UpdateGlobalSettings API reference).
var globalSettingNames = map[string]bool{
	"isCrossAccountBackupEnabled":     true,
	"isMpaEnabled":                    true,
	"isDelegatedAdministratorEnabled": true,
}

// orgHasAccount reports whether account belongs to the emulated
// organization.
func (s *Server) orgHasAccount(account string) bool {
	return s.orgMembers[account]
}

// backupGlobalSettingsLocked returns the organization's Backup global
// settings in region. They belong to the management account, which alone
// may change them; members read the same values.
func (s *Server) backupGlobalSettingsLocked(region string) *backupRegion {
	b := s.backupRegionLocked(s.opts.Organization.ManagementAccount, region)
	if b.globalSettings == nil {
		b.globalSettings = map[string]string{"isCrossAccountBackupEnabled": "false"}
	}
	return b
}

// backupCrossAccountEnabledLocked reports whether cross-account backup is
// enabled for the organization in region.
func (s *Server) backupCrossAccountEnabledLocked(region string) bool {
	return s.backupGlobalSettingsLocked(region).globalSettings["isCrossAccountBackupEnabled"] == "true"
}

func (s *Server) describeGlobalSettings(c *Call, _ *awsbackup.DescribeGlobalSettingsInput) (*awsbackup.DescribeGlobalSettingsOutput, error) {
	// "Returns an error if the account is not a member of an Organizations
	// organization."
	if !s.orgHasAccount(c.Account) {
		return nil, bkInvalidRequest("Account %s is not a member of an AWS Organizations organization.", c.Account)
	}
	g := s.backupGlobalSettingsLocked(c.Region)
	return &awsbackup.DescribeGlobalSettingsOutput{GlobalSettings: maps.Clone(g.globalSettings), LastUpdateTime: g.globalUpdated}, nil
}

func (s *Server) updateGlobalSettings(c *Call, in *awsbackup.UpdateGlobalSettingsInput) (*awsbackup.UpdateGlobalSettingsOutput, error) {
	// "Returns an error if the account is not an Organizations management
	// account."
	if c.Account != s.opts.Organization.ManagementAccount {
		return nil, bkInvalidRequest("Account %s is not the management account of an AWS Organizations organization.", c.Account)
	}
	if len(in.GlobalSettings) == 0 {
		return nil, bkMissing("GlobalSettings")
	}
	for _, k := range sortedKeys(in.GlobalSettings) {
		if !globalSettingNames[k] {
			return nil, bkInvalidParam("Unknown global setting %q.", k)
		}
		if v := in.GlobalSettings[k]; v != "true" && v != "false" {
			return nil, bkInvalidParam("Global setting %s must be true or false, not %q.", k, v)
		}
	}
	g := s.backupGlobalSettingsLocked(c.Region)
	maps.Copy(g.globalSettings, in.GlobalSettings)
	g.globalUpdated = timePtr(s.now)
	return &awsbackup.UpdateGlobalSettingsOutput{}, nil
}

func (s *Server) describeRegionSettings(c *Call, _ *awsbackup.DescribeRegionSettingsInput) (*awsbackup.DescribeRegionSettingsOutput, error) {
	b := s.backupCallLocked(c)
	return &awsbackup.DescribeRegionSettingsOutput{
		ResourceTypeOptInPreference:      maps.Clone(b.optIn),
		ResourceTypeManagementPreference: maps.Clone(b.management),
	}, nil
}

func (s *Server) updateRegionSettings(c *Call, in *awsbackup.UpdateRegionSettingsInput) (*awsbackup.UpdateRegionSettingsOutput, error) {
	b := s.backupCallLocked(c)
	for _, k := range sortedKeys(in.ResourceTypeOptInPreference) {
		if _, ok := b.optIn[k]; !ok {
			return nil, bkInvalidParam("Unsupported resource type %q in ResourceTypeOptInPreference.", k)
		}
	}
	for _, k := range sortedKeys(in.ResourceTypeManagementPreference) {
		if _, ok := b.management[k]; !ok {
			return nil, bkInvalidParam("Unsupported resource type %q in ResourceTypeManagementPreference.", k)
		}
	}
	maps.Copy(b.optIn, in.ResourceTypeOptInPreference)
	maps.Copy(b.management, in.ResourceTypeManagementPreference)
	return &awsbackup.UpdateRegionSettingsOutput{}, nil
}
