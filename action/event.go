package action

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
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
	// Inputs are a workflow_dispatch event's inputs. The payload carries
	// them as strings ("true"); a JSON boolean is read as well.
	Inputs map[string]json.RawMessage `json:"inputs"`
}

// DispatchApplyInput is the workflow_dispatch input that makes mode auto
// apply: a boolean input named "apply" in the workflow's
// on.workflow_dispatch.inputs.
const DispatchApplyInput = "apply"

// dispatchApply reports whether a workflow_dispatch event asked to apply:
// its apply input is true (the string "true" or the boolean).
func (e *event) dispatchApply() bool {
	raw, ok := e.Inputs[DispatchApplyInput]
	if !ok {
		return false
	}
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return b
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		v, err := strconv.ParseBool(s)
		return err == nil && v
	}
	return false
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
// apply for workflow_dispatch with its apply input true, plan otherwise.
// It also says why, for the step summary.
func resolveMode(m Mode, eventName, ref string, ev *event) (Mode, string) {
	if m != ModeAuto {
		return m, "the mode input is " + string(m)
	}
	switch {
	case isPullRequest(eventName):
		return ModePlan, "auto plans pull requests"
	case eventName == "push" && ev.onDefaultBranch(ref):
		return ModeApply, "auto applies pushes to the default branch"
	case eventName == "schedule":
		return ModeDrift, "auto checks drift on schedule"
	case eventName == "workflow_dispatch" && ev.dispatchApply():
		return ModeApply, "the workflow was dispatched with " + DispatchApplyInput + " true"
	case eventName == "workflow_dispatch":
		return ModePlan, "the workflow was dispatched without " + DispatchApplyInput + " true, so nothing is applied; dispatch it again with " + DispatchApplyInput + " checked to apply"
	}
	return ModePlan, "auto plans on " + eventName
}

// applyAllowed reports whether the event may apply: only push or
// workflow_dispatch on the default branch. Pull requests never may, whatever
// the mode input says, because their code is not yet reviewed and merged.
func applyAllowed(eventName, ref string, ev *event) bool {
	return (eventName == "push" || eventName == "workflow_dispatch") && ev.onDefaultBranch(ref)
}
