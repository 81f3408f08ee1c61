package managedtags

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTagDiff(t *testing.T) {
	t.Parallel()
	want := map[string]string{"cost-center": "storage", "orgbackup:managed": "true"}
	tests := map[string]struct {
		live       map[string]string
		wantSet    map[string]string
		wantRemove []string
		wantView   map[string]string
	}{
		"none": {
			wantSet: want,
		},
		"in sync, others' tags kept": {
			live:     map[string]string{"cost-center": "storage", "orgbackup:managed": "true", "owner": "finance"},
			wantView: want,
		},
		"changed value": {
			live:     map[string]string{"cost-center": "platform", "orgbackup:managed": "true"},
			wantSet:  map[string]string{"cost-center": "storage"},
			wantView: map[string]string{"cost-center": "platform", "orgbackup:managed": "true"},
		},
		"stale key in orgbackup's namespace removed, a dropped spec key kept": {
			live:       map[string]string{"cost-center": "storage", "orgbackup:managed": "true", "orgbackup:old": "x", "team": "storage"},
			wantRemove: []string{"orgbackup:old"},
			wantView:   map[string]string{"cost-center": "storage", "orgbackup:managed": "true", "orgbackup:old": "x"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			set, remove := Diff(tc.live, want)
			if diff := cmp.Diff(tc.wantSet, set); diff != "" {
				t.Errorf("set (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantRemove, remove); diff != "" {
				t.Errorf("remove (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantView, View(tc.live, want)); diff != "" {
				t.Errorf("managedView (-want +got):\n%s", diff)
			}
		})
	}
}
