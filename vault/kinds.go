package vault

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/orgbackup/orgbackup/plan"
)

// applyFunc is the applier method that applies a change of one kind; each
// kind's file defines it.
type applyFunc func(*applier, plan.Change) error

// kind is one resource kind of this package: its name, its apply stage
// and its apply method.
type kind struct {
	name  string
	stage plan.Stage
	apply applyFunc
	// owner or tags say who owns a live resource of the kind (owner.go).
	owner func(plan.Address) plan.Address
	tags  func(context.Context, aws.Config, plan.Address) (map[string]string, bool, error)
}

// kinds is the package's one table of kinds; Kinds and Apply both read it.
func kinds() []kind {
	return []kind{
		{KindKey, plan.StageIdentity, (*applier).key, nil, liveKeyTags},
		{KindVault, plan.StageVault, (*applier).vault, nil, vaultTags},
		{KindAirGapped, plan.StageVault, (*applier).airGapped, nil, vaultTags},
		{KindAccessPolicy, plan.StageVaultPolicy, (*applier).accessPolicy, ownedByVault, nil},
		{KindLock, plan.StageVaultPolicy, (*applier).lock, ownedByVault, nil},
		{KindTopic, plan.StageNotification, (*applier).topic, nil, topicTags},
		{KindNotifications, plan.StageNotification, (*applier).notifications, ownedByVault, nil},
	}
}

// Kinds returns the resource kinds this package plans and applies, with
// their apply stages: keys before the vaults they encrypt, vaults before
// what guards them, topics with the notifications that publish to them.
func Kinds() []plan.Kind {
	var out []plan.Kind
	for _, k := range kinds() {
		out = append(out, plan.Kind{Name: k.name, Stage: k.stage, Apply: func(ctx context.Context, env plan.ApplyEnv, c plan.Change) error {
			return apply(ctx, NewWriters(env.Config), c, k.apply, func(o *Options) { o.Now = env.Now })
		}, Owner: k.owner, Tags: k.tags})
	}
	return append(out, shareKind())
}
