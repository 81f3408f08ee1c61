package action

import (
	"encoding/json"
	"fmt"
	"os"
)

// event is the part of the webhook payload (GITHUB_EVENT_PATH) a run reads.
type event struct {
	PullRequest *struct {
		Number int `json:"number"`
		Head   struct {
			Repo *struct {
				FullName string `json:"full_name"`
				Fork     bool   `json:"fork"`
			} `json:"repo"`
		} `json:"head"`
	} `json:"pull_request"`
	Repository struct {
		FullName      string `json:"full_name"`
		DefaultBranch string `json:"default_branch"`
	} `json:"repository"`
}

func readEvent(path string) (*event, error) {
	var ev event
	if path == "" {
		return &ev, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the event payload: %w", err)
	}
	if err := json.Unmarshal(b, &ev); err != nil {
		return nil, fmt.Errorf("decoding the event payload: %w", err)
	}
	return &ev, nil
}

// fromFork reports whether the event is a pull request whose head is in
// another repository: GitHub gives such runs a read-only GITHUB_TOKEN and
// no ID token.
func (e *event) fromFork() bool {
	if e.PullRequest == nil {
		return false
	}
	r := e.PullRequest.Head.Repo
	// A deleted fork leaves head.repo null.
	return r == nil || r.FullName != e.Repository.FullName
}

// isPullRequest reports whether the event is one of the pull request
// events.
func isPullRequest(eventName string) bool {
	return eventName == "pull_request" || eventName == "pull_request_target"
}

// onDefaultBranch reports whether ref is the repository's default branch.
// An unknown default branch is never matched.
func (e *event) onDefaultBranch(ref string) bool {
	return e.Repository.DefaultBranch != "" && ref == "refs/heads/"+e.Repository.DefaultBranch
}

// resolveMode turns auto into what the event calls for: plan for pull
// requests, apply for a push to the default branch, drift for schedule,
// plan otherwise.
func resolveMode(m Mode, eventName, ref string, ev *event) Mode {
	if m != ModeAuto {
		return m
	}
	switch {
	case isPullRequest(eventName):
		return ModePlan
	case eventName == "push" && ev.onDefaultBranch(ref):
		return ModeApply
	case eventName == "schedule":
		return ModeDrift
	}
	return ModePlan
}

// applyAllowed reports whether the event may apply: only push or
// workflow_dispatch on the default branch. Pull requests never may, whatever
// the mode input says, because their code is not yet reviewed and merged.
func applyAllowed(eventName, ref string, ev *event) bool {
	return (eventName == "push" || eventName == "workflow_dispatch") && ev.onDefaultBranch(ref)
}
