// Package managedtags is how orgbackup marks and recognises what it owns:
// the tag keys it sets on everything it creates, the desired tags of a
// spec, and one synchroniser that gives a resource its desired tags while
// keeping tags others added.
//
// AWS is orgbackup's state store: a resource carrying Managed=true and
// Spec=NAME is orgbackup's, for that spec.
package managedtags

import (
	"maps"
	"slices"
	"strings"
)

// Tag keys orgbackup sets on what it creates.
const (
	// Prefix starts every key only orgbackup sets; spec validation
	// refuses such keys in the spec's own tags.
	Prefix = "orgbackup:"
	// Managed is "true" on everything orgbackup creates.
	Managed = Prefix + "managed"
	// Spec names the spec that manages the resource.
	Spec = Prefix + "spec"
	// KeyAlias is set on every KMS key orgbackup creates, with the key's
	// alias as value, so that a key created by an apply that failed before
	// its alias was attached is found and reused instead of duplicated.
	KeyAlias = Prefix + "alias"
)

// For returns the tags everything a spec manages carries: the spec's own
// tags plus Managed and Spec.
func For(specName string, specTags map[string]string) map[string]string {
	tags := maps.Clone(specTags)
	if tags == nil {
		tags = map[string]string{}
	}
	tags[Managed] = "true"
	tags[Spec] = specName
	return tags
}

// View returns the part of live tags that orgbackup manages on a resource
// whose desired tags are want: want's keys and keys in orgbackup's own
// namespace. Tags others added are not in it. It is nil when empty, so
// that it compares equal to no tags.
func View(live, want map[string]string) map[string]string {
	var out map[string]string
	for k, v := range live {
		if _, ok := want[k]; ok || strings.HasPrefix(k, Prefix) {
			if out == nil {
				out = map[string]string{}
			}
			out[k] = v
		}
	}
	return out
}

// Diff returns the tags to set on a resource whose tags are live so that
// it carries want, and the keys to remove: keys in orgbackup's namespace
// that want lacks. A key of the spec's tags that the spec no longer has is
// kept, as it cannot be told from a tag someone else added.
func Diff(live, want map[string]string) (set map[string]string, remove []string) {
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if v, ok := live[k]; !ok || v != want[k] {
			if set == nil {
				set = map[string]string{}
			}
			set[k] = want[k]
		}
	}
	for _, k := range slices.Sorted(maps.Keys(live)) {
		if _, ok := want[k]; !ok && strings.HasPrefix(k, Prefix) {
			remove = append(remove, k)
		}
	}
	return set, remove
}

// Missing returns the keys of want that live lacks or holds with another
// value, sorted.
func Missing(want, live map[string]string) []string {
	set, _ := Diff(live, want)
	return slices.Sorted(maps.Keys(set))
}
