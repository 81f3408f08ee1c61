package action

import (
	"context"
	"regexp"
	"strings"
)

// MarkerPrefix starts the hidden marker of the plan comment:
// "<!-- orgbackup-plan fingerprint=HEX -->". The action finds its comment by
// it and apply reads the reviewed fingerprint from it.
const MarkerPrefix = "<!-- orgbackup-plan "

// marker is the marker text (inside the HTML comment) for a fingerprint.
func marker(fingerprint string) string { return "orgbackup-plan fingerprint=" + fingerprint }

var markerRE = regexp.MustCompile(`\A<!-- orgbackup-plan fingerprint=([0-9a-f]{64}) -->`)

// markerFingerprint returns the fingerprint in a comment body that starts
// with the marker, or "".
func markerFingerprint(body string) string {
	m := markerRE.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// planComment returns the action's plan comment among cs: the latest one
// written by a bot (the GITHUB_TOKEN's github-actions[bot] or a GitHub
// App) that starts with the marker. Comments by users are ignored, so
// nobody can plant a fingerprint by quoting the marker.
func planComment(cs []comment) *comment {
	var found *comment
	for i := range cs {
		c := &cs[i]
		if c.User.Type != "Bot" || !strings.HasPrefix(c.Body, MarkerPrefix) || markerFingerprint(c.Body) == "" {
			continue
		}
		if found == nil || c.UpdatedAt >= found.UpdatedAt {
			found = c
		}
	}
	return found
}

// upsertComment updates the plan comment of pull request number, or
// creates it when there is none and create is true. It reports whether a
// comment was written.
func upsertComment(ctx context.Context, g *gitHub, number int, body string, create bool) (bool, error) {
	cs, err := g.comments(ctx, number)
	if err != nil {
		return false, err
	}
	if c := planComment(cs); c != nil {
		if c.Body == body {
			return true, nil
		}
		return true, g.updateComment(ctx, c.ID, body)
	}
	if !create {
		return false, nil
	}
	_, err = g.createComment(ctx, number, body)
	return err == nil, err
}
