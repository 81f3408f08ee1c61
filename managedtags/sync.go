package managedtags

import (
	"context"
	"fmt"
	"maps"
	"slices"
)

// Tagger reads and changes the tags of one resource through its service's
// own tagging calls. BackupTagger and OrganizationsTagger are the ones
// orgbackup uses.
type Tagger interface {
	// Tags lists every tag of the resource.
	Tags(ctx context.Context) (map[string]string, error)
	// Tag sets tags on the resource.
	Tag(ctx context.Context, tags map[string]string) error
	// Untag removes keys from the resource.
	Untag(ctx context.Context, keys []string) error
}

// Sync gives a resource the tags want, removing only keys in orgbackup's
// namespace (see Diff).
func Sync(ctx context.Context, t Tagger, want map[string]string) error {
	live, err := t.Tags(ctx)
	if err != nil {
		return err
	}
	set, remove := Diff(live, want)
	if len(set) > 0 {
		if err := t.Tag(ctx, set); err != nil {
			return err
		}
	}
	if len(remove) > 0 {
		if err := t.Untag(ctx, remove); err != nil {
			return err
		}
	}
	return nil
}

// sortedPairs calls fn for each tag of m in key order.
func sortedPairs(m map[string]string, fn func(k, v string)) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		fn(k, m[k])
	}
}

// wrap names the resource in a tagging error.
func wrap(doing, resource string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s %s: %w", doing, resource, err)
}
