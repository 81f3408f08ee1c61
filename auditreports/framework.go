package auditreports

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
)

// KindFramework is an AWS Backup Audit Manager framework.
const KindFramework = "framework"

// Framework is a desired AWS Backup Audit Manager framework.
type Framework struct {
	Name     string            `json:"name"`
	Controls []string          `json:"controls"`
	Tags     map[string]string `json:"tags,omitempty"`
}

// PlanFramework reads a framework and returns its change.
func PlanFramework(ctx context.Context, api Reader, account, region string, want Framework) ([]plan.Change, error) {
	out, err := api.DescribeFramework(ctx, &awsbackup.DescribeFrameworkInput{FrameworkName: aws.String(want.Name)})
	var nf *backuptypes.ResourceNotFoundException
	if errors.As(err, &nf) {
		return []plan.Change{plan.NewChange(plan.Address{Account: account, Region: region, Kind: KindFramework, Name: want.Name}, plan.Create, nil, want, "Audit Manager framework evaluating backup compliance")}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading framework %s: %w", want.Name, err)
	}
	tags, err := managedtags.BackupTags(ctx, api, aws.ToString(out.FrameworkArn))
	if err != nil {
		return nil, fmt.Errorf("reading framework %s: %w", want.Name, err)
	}
	live := Framework{Name: want.Name, Tags: managedtags.View(tags, want.Tags)}
	for _, c := range out.FrameworkControls {
		live.Controls = append(live.Controls, aws.ToString(c.ControlName))
	}
	sort.Strings(live.Controls)
	if plan.JSONEqual(plan.JSON(live), plan.JSON(want)) {
		return nil, nil
	}
	return []plan.Change{plan.NewChange(plan.Address{Account: account, Region: region, Kind: KindFramework, Name: want.Name}, plan.Update, live, want, "the framework's controls or tags differ from the spec")}, nil
}

func applyFramework(ctx context.Context, api Writer, c plan.Change) error {
	var w Framework
	if err := c.Decode(&w); err != nil {
		return err
	}
	var controls []backuptypes.FrameworkControl
	for _, name := range w.Controls {
		controls = append(controls, backuptypes.FrameworkControl{ControlName: aws.String(name)})
	}
	out, err := api.DescribeFramework(ctx, &awsbackup.DescribeFrameworkInput{FrameworkName: aws.String(w.Name)})
	var nf *backuptypes.ResourceNotFoundException
	if errors.As(err, &nf) {
		_, err = api.CreateFramework(ctx, &awsbackup.CreateFrameworkInput{FrameworkName: aws.String(w.Name), FrameworkControls: controls, FrameworkTags: w.Tags, IdempotencyToken: aws.String(c.Address.String())})
		return err
	}
	if err != nil {
		return err
	}
	if !sameControls(out.FrameworkControls, w.Controls) {
		if _, err = api.UpdateFramework(ctx, &awsbackup.UpdateFrameworkInput{FrameworkName: aws.String(w.Name), FrameworkControls: controls}); err != nil {
			return err
		}
	}
	return managedtags.Sync(ctx, managedtags.BackupTagger{API: api, ARN: aws.ToString(out.FrameworkArn)}, w.Tags)
}

// sameControls reports whether a framework's controls are the names
// want, in any order.
func sameControls(live []backuptypes.FrameworkControl, want []string) bool {
	names := make([]string, 0, len(live))
	for _, c := range live {
		names = append(names, aws.ToString(c.ControlName))
	}
	sort.Strings(names)
	w := slices.Clone(want)
	sort.Strings(w)
	return slices.Equal(names, w)
}
