package action

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// gitHub is a minimal client of the GitHub REST API for the calls the
// action makes: issue comments and the pull requests of a commit.
type gitHub struct {
	base   string // API URL, e.g. https://api.github.com
	token  string
	owner  string
	repo   string
	client *http.Client
}

// comment is an issue comment as the REST API returns it.
type comment struct {
	ID   int64  `json:"id"`
	Body string `json:"body"`
	User struct {
		Login string `json:"login"`
		Type  string `json:"type"`
	} `json:"user"`
	UpdatedAt string `json:"updated_at"`
}

// pullRequest is a pull request as "List pull requests associated with a
// commit" returns it.
type pullRequest struct {
	Number         int     `json:"number"`
	MergedAt       *string `json:"merged_at"`
	MergeCommitSHA string  `json:"merge_commit_sha"`
	Base           struct {
		Ref string `json:"ref"`
	} `json:"base"`
}

// maxPages bounds pagination: 100 per page, so 3,000 comments.
const maxPages = 30

func (g *gitHub) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(g.base, "/")+path, body)
	if err != nil {
		return err
	}
	// "Getting started with the REST API": media type and API version.
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	req.Header.Set("User-Agent", "orgbackup-action")
	if g.token != "" {
		req.Header.Set("Authorization", "Bearer "+g.token)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := g.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		var msg struct {
			Message string `json:"message"`
		}
		json.Unmarshal(b, &msg)
		return fmt.Errorf("%s %s: HTTP %d %s", method, path, resp.StatusCode, msg.Message)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("decoding %s %s: %w", method, path, err)
		}
	}
	return nil
}

func (g *gitHub) repoPath() string {
	return "/repos/" + url.PathEscape(g.owner) + "/" + url.PathEscape(g.repo)
}

// comments lists every comment of an issue or pull request, oldest first.
func (g *gitHub) comments(ctx context.Context, number int) ([]comment, error) {
	var all []comment
	for page := 1; page <= maxPages; page++ {
		var cs []comment
		if err := g.do(ctx, http.MethodGet, fmt.Sprintf("%s/issues/%d/comments?per_page=100&page=%d", g.repoPath(), number, page), nil, &cs); err != nil {
			return nil, fmt.Errorf("listing comments of #%d: %w", number, err)
		}
		all = append(all, cs...)
		if len(cs) < 100 {
			break
		}
	}
	return all, nil
}

func (g *gitHub) createComment(ctx context.Context, number int, body string) (int64, error) {
	var c comment
	if err := g.do(ctx, http.MethodPost, fmt.Sprintf("%s/issues/%d/comments", g.repoPath(), number), map[string]string{"body": body}, &c); err != nil {
		return 0, fmt.Errorf("commenting on #%d: %w", number, err)
	}
	return c.ID, nil
}

func (g *gitHub) updateComment(ctx context.Context, id int64, body string) error {
	if err := g.do(ctx, http.MethodPatch, fmt.Sprintf("%s/issues/comments/%d", g.repoPath(), id), map[string]string{"body": body}, nil); err != nil {
		return fmt.Errorf("updating comment %d: %w", id, err)
	}
	return nil
}

// mergedPullRequest returns the merged pull request that brought commit sha
// into base, preferring the one whose merge commit is sha.
func (g *gitHub) mergedPullRequest(ctx context.Context, sha, base string) (*pullRequest, error) {
	var prs []pullRequest
	if err := g.do(ctx, http.MethodGet, fmt.Sprintf("%s/commits/%s/pulls?per_page=100", g.repoPath(), url.PathEscape(sha)), nil, &prs); err != nil {
		return nil, fmt.Errorf("finding the pull request of commit %s: %w", sha, err)
	}
	var found *pullRequest
	for i := range prs {
		pr := &prs[i]
		if pr.MergedAt == nil || pr.Base.Ref != base {
			continue
		}
		if pr.MergeCommitSHA == sha {
			return pr, nil
		}
		if found == nil {
			found = pr
		}
	}
	return found, nil
}
