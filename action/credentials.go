package action

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	githubactions "github.com/sethvargo/go-githubactions"
)

// Audience is the audience of the ID token exchanged with STS, the one
// GitHub's "Configuring OpenID Connect in Amazon Web Services" uses and the
// trust policies of `orgbackup iam github-roles` require.
const Audience = "sts.amazonaws.com"

// idToken fetches the runner's ID token for STS. The first token, fetched
// up front to report a missing one clearly, is used once; refreshes fetch a
// new one.
type idToken struct {
	ctx   context.Context
	gha   *githubactions.Action
	first string
}

func (t *idToken) GetIdentityToken() ([]byte, error) {
	if tok := t.first; tok != "" {
		t.first = ""
		return []byte(tok), nil
	}
	tok, err := t.gha.GetIDToken(t.ctx, Audience)
	if err != nil {
		return nil, fmt.Errorf("getting the runner's ID token: %w", err)
	}
	return []byte(tok), nil
}

var sessionNameRE = regexp.MustCompile(`[^\w+=,.@-]`)

// sessionName is the role session name: "orgbackup-RUNID-ATTEMPT", limited
// to what AssumeRoleWithWebIdentity accepts ([\w+=,.@-]{2,64}).
func sessionName(runID, attempt string) string {
	s := sessionNameRE.ReplaceAllString("orgbackup-"+runID+"-"+attempt, "")
	return s[:min(len(s), 64)]
}

// webIdentity makes cfg's credentials those of role, assumed with the
// runner's ID token. It fails with a failure whose message says what to do
// when the job has no ID token, in particular for pull requests from
// forks.
func (r *runner) webIdentity(ctx context.Context, cfg *aws.Config, role string) error {
	tok, err := r.gha.GetIDToken(ctx, Audience)
	if err != nil {
		var missing *githubactions.EnvMissingError
		if errors.As(err, &missing) {
			if r.ev.fromFork() {
				return fail(reasonNoIDToken, errors.New("this pull request comes from a fork, and GitHub gives workflows run for pull requests from forks no ID token, so the role cannot be assumed and nothing was planned. "+
					"A maintainer can plan the change by pushing the branch to this repository or running the workflow with workflow_dispatch on it. "+
					"Do not switch the workflow to pull_request_target: it would run the fork's spec with this repository's credentials"))
			}
			return fail(reasonNoIDToken, errors.New("the job has no ID token, so role-to-assume cannot be assumed: add `permissions: id-token: write` (and `contents: read`) to the job"))
		}
		return fail(reasonNoIDToken, fmt.Errorf("getting the runner's ID token: %w", err))
	}
	client := awssts.NewFromConfig(*cfg, func(o *awssts.Options) {
		// AssumeRoleWithWebIdentity is not signed; ambient credentials,
		// if any, must not be needed or used.
		o.Credentials = aws.AnonymousCredentials{}
	})
	cfg.Credentials = aws.NewCredentialsCache(stscreds.NewWebIdentityRoleProvider(client, role,
		&idToken{ctx: ctx, gha: r.gha, first: tok},
		func(o *stscreds.WebIdentityRoleOptions) {
			o.RoleSessionName = sessionName(r.getenv("GITHUB_RUN_ID"), r.getenv("GITHUB_RUN_ATTEMPT"))
		}))
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return fail(reasonCredentials, fmt.Errorf("assuming %s with the runner's ID token: %w", role, err))
	}
	return nil
}

// checkAccount refuses credentials outside allowed (when not empty).
func checkAccount(ctx context.Context, cfg aws.Config, allowed []string) (string, error) {
	if len(allowed) == 0 {
		return "", nil
	}
	// GetCallerIdentity needs no permission ("GetCallerIdentity", STS API
	// reference).
	out, err := awssts.NewFromConfig(cfg).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err != nil {
		return "", fail(reasonCredentials, fmt.Errorf("checking the credentials' account: %w", err))
	}
	account := aws.ToString(out.Account)
	if !slices.Contains(allowed, account) {
		return account, fail(reasonAccountNotAllowed, fmt.Errorf("the credentials belong to account %s, which is not in allowed-account-ids", account))
	}
	return account, nil
}
