package vault

import (
	"context"

	"github.com/orgbackup/orgbackup/plan"
)

// Kinds returns the resource kinds this package plans and applies, with
// their apply stages: keys before the vaults they encrypt, vaults before
// what guards them, topics with the notifications that publish to them.
func Kinds() []plan.Kind {
	apply := func(ctx context.Context, env plan.ApplyEnv, c plan.Change) error {
		return Apply(ctx, NewWriters(env.Config), c, func(o *Options) { o.Now = env.Now })
	}
	return []plan.Kind{
		{Name: KindKey, Stage: plan.StageIdentity, Apply: apply},
		{Name: KindVault, Stage: plan.StageVault, Apply: apply},
		{Name: KindAirGapped, Stage: plan.StageVault, Apply: apply},
		{Name: KindAccessPolicy, Stage: plan.StageVaultPolicy, Apply: apply},
		{Name: KindLock, Stage: plan.StageVaultPolicy, Apply: apply},
		{Name: KindTopic, Stage: plan.StageNotification, Apply: apply},
		{Name: KindNotifications, Stage: plan.StageNotification, Apply: apply},
	}
}
