package cost

import "slices"

// ColdStorage is how a resource type's recovery points can leave warm
// storage.
type ColdStorage int

// Kinds of cold storage.
const (
	// NoCold: the type's recovery points stay warm; AWS Backup ignores a
	// lifecycle's MoveToColdStorageAfterDays for it.
	NoCold ColdStorage = iota
	// Cold: the lifecycle's MoveToColdStorageAfterDays moves recovery
	// points to cold storage.
	Cold
	// Archive: recovery points move to the archive tier only when the
	// lifecycle also sets OptInToArchiveForSupportedResources (EBS
	// snapshots); an archived snapshot is stored in full.
	Archive
)

// TypeInfo is how AWS Backup stores one resource type, as far as cost is
// concerned.
type TypeInfo struct {
	// Incremental: after the first full backup a recovery point stores
	// only the data changed since the previous one. DynamoDB backups are
	// full every time.
	Incremental bool
	// Cold is the type's cold storage.
	Cold ColdStorage
	// DailyChangeRate is the default share of a resource's data that
	// changes per day, used for incremental backups and copies; override
	// it per tier, type or tag (Model.ChangeRates) or per workload.
	DailyChangeRate float64
}

// Types returns what the model knows of each resource type the spec can
// select.
//
// Cold storage follows the "Lifecycle to cold storage" column of AWS
// Backup's "Feature availability by resource" table
// (https://docs.aws.amazon.com/aws-backup/latest/devguide/backup-feature-availability.html#features-by-resource),
// which the Lifecycle API reference points to ("Resource types that can
// transition to cold storage are listed in the Feature availability by
// resource table. AWS Backup ignores this expression for other resource
// types."): EFS and DynamoDB (with advanced DynamoDB backup) move to cold
// storage; EBS snapshots move to the archive tier only with
// OptInToArchiveForSupportedResources; EC2, RDS, Aurora, FSx and S3 do not
// transition. The default change rates are planning assumptions, not AWS
// figures.
func Types() map[string]TypeInfo {
	return map[string]TypeInfo{
		"Aurora":   {Incremental: true, DailyChangeRate: 0.03},
		"DynamoDB": {Incremental: false, Cold: Cold},
		"EBS":      {Incremental: true, Cold: Archive, DailyChangeRate: 0.02},
		"EC2":      {Incremental: true, DailyChangeRate: 0.02},
		"EFS":      {Incremental: true, Cold: Cold, DailyChangeRate: 0.01},
		"FSx":      {Incremental: true, DailyChangeRate: 0.01},
		"RDS":      {Incremental: true, DailyChangeRate: 0.03},
		"S3":       {Incremental: true, DailyChangeRate: 0.005},
	}
}

// SupportsCold reports whether recovery points of resourceType move out of
// warm storage under a lifecycle that moves them to cold storage, with
// archive saying whether the lifecycle opts in to the archive tier
// (OptInToArchiveForSupportedResources).
func SupportsCold(resourceType string, archive bool) bool {
	switch Types()[resourceType].Cold {
	case Cold:
		return true
	case Archive:
		return archive
	}
	return false
}

// ColdTypes returns the resource types that can move to cold storage at
// all (with the archive opt-in where needed), sorted.
func ColdTypes() []string {
	var out []string
	for t, info := range Types() {
		if info.Cold != NoCold {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out
}
