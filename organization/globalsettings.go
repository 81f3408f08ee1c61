package organization

import (
	"context"
	"fmt"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/orgbackup/orgbackup/plan"
)

// KindGlobalSettings is AWS Backup's organization-wide settings of one
// Region: cross-account backup and delegated administration.
const KindGlobalSettings = "backup_global_settings"

type globalSettings struct {
	Settings map[string]string `json:"settings"`
}

func planGlobalSettings(ctx context.Context, settings map[string]SettingsReader, want Desired) ([]plan.Change, error) {
	var changes []plan.Change
	for _, region := range want.Regions {
		api, ok := settings[region]
		if !ok {
			return nil, fmt.Errorf("reading AWS Backup global settings in %s: no client for the Region", region)
		}
		out, err := api.DescribeGlobalSettings(ctx, &awsbackup.DescribeGlobalSettingsInput{})
		if err != nil {
			return nil, fmt.Errorf("reading AWS Backup global settings in %s: %w", region, err)
		}
		wantSettings := map[string]string{"isCrossAccountBackupEnabled": "true", "isDelegatedAdministratorEnabled": "true"}
		before := map[string]string{}
		diff := false
		for k, v := range wantSettings {
			if have, ok := out.GlobalSettings[k]; ok {
				before[k] = have
			}
			if out.GlobalSettings[k] != v {
				diff = true
			}
		}
		if !diff {
			continue
		}
		addr := plan.Address{Account: want.Management, Region: region, Kind: KindGlobalSettings, Name: "backup"}
		changes = append(changes, plan.NewChange(addr, plan.Update, globalSettings{before}, globalSettings{wantSettings},
			"cross-account backup lets workload accounts copy to the central vault; delegated administration enables cross-account monitoring"))
	}
	return changes, nil
}

func applyGlobalSettings(ctx context.Context, api SettingsWriter, c plan.Change) error {
	var v globalSettings
	if err := c.Decode(&v); err != nil {
		return err
	}
	_, err := api.UpdateGlobalSettings(ctx, &awsbackup.UpdateGlobalSettingsInput{GlobalSettings: v.Settings})
	return err
}
