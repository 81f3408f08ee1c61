package action

import (
	"context"
	"net/url"
	"regexp"
	"strings"
)

// MarkerPrefix starts the hidden marker of the plan comment:
// "<!-- orgbackup-plan spec=NAME digest=HEX fingerprint=HEX -->", where
// NAME is the spec's name, query-escaped, and digest its content digest
// (spec.Spec.Digest). The action finds its comment by the spec's name, so
// two jobs planning two specs in one pull request keep one comment each,
// and apply reads the reviewed spec digest and plan fingerprint from it.
const MarkerPrefix = "<!-- orgbackup-plan "

// planMarker is what a plan comment's marker says.
type planMarker struct {
	// Spec is the spec's name; "" in a marker written before markers
	// carried the spec (fingerprint only).
	Spec string
	// Digest is the spec's content digest, "" when Spec is.
	Digest string
	// Fingerprint is the plan's fingerprint.
	Fingerprint string
}

// text is the marker text (inside the HTML comment). Query escaping
// leaves no space and no '>', so the name can neither end the comment nor
// add a field.
func (m planMarker) text() string {
	return "orgbackup-plan spec=" + url.QueryEscape(m.Spec) + " digest=" + m.Digest + " fingerprint=" + m.Fingerprint
}

var markerRE = regexp.MustCompile(`\A<!-- orgbackup-plan (?:spec=([^\s>]+) digest=([0-9a-f]{64}) )?fingerprint=([0-9a-f]{64}) -->`)

// parseMarker reads the marker a comment body starts with.
func parseMarker(body string) (planMarker, bool) {
	m := markerRE.FindStringSubmatch(body)
	if m == nil {
		return planMarker{}, false
	}
	name, err := url.QueryUnescape(m[1])
	if err != nil {
		return planMarker{}, false
	}
	return planMarker{Spec: name, Digest: m[2], Fingerprint: m[3]}, true
}

// markerFingerprint returns the fingerprint in a comment body that starts
// with the marker, or "".
func markerFingerprint(body string) string {
	m, _ := parseMarker(body)
	return m.Fingerprint
}

// planComment returns the action's plan comment for the spec named
// specName among cs: the latest one written by a bot (the GITHUB_TOKEN's
// github-actions[bot] or a GitHub App) whose marker names that spec.
// Comments by users are ignored, so nobody can plant a fingerprint by
// quoting the marker. With legacy true, a comment whose marker names no
// spec (written by an earlier version) counts when none names the spec.
func planComment(cs []comment, specName string, legacy bool) (*comment, planMarker) {
	var found, old *comment
	var foundM, oldM planMarker
	for i := range cs {
		c := &cs[i]
		if c.User.Type != "Bot" || !strings.HasPrefix(c.Body, MarkerPrefix) {
			continue
		}
		m, ok := parseMarker(c.Body)
		switch {
		case !ok:
		case m.Spec == specName && m.Digest != "":
			if found == nil || c.UpdatedAt >= found.UpdatedAt {
				found, foundM = c, m
			}
		case m.Digest == "" && legacy:
			if old == nil || c.UpdatedAt >= old.UpdatedAt {
				old, oldM = c, m
			}
		}
	}
	if found == nil {
		return old, oldM
	}
	return found, foundM
}

// upsertComment updates the plan comment of the spec named specName on
// pull request number, or creates it when there is none and create is
// true. It reports whether a comment was written.
func upsertComment(ctx context.Context, g *gitHub, number int, specName, body string, create bool) (bool, error) {
	cs, err := g.comments(ctx, number)
	if err != nil {
		return false, err
	}
	// Take over the comment of an earlier version rather than leave its
	// plan beside the new one.
	if c, _ := planComment(cs, specName, true); c != nil {
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
