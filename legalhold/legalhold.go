// Package legalhold creates, lists and releases AWS Backup legal holds
// across the organization's accounts. A legal hold is per account and
// Region (CreateLegalHold takes a RecoveryPointSelection of vault names,
// resource identifiers and a creation date range); this package turns a
// selection by accounts, resource types, resource tags and dates into one
// hold per account and Region that holds points, including the copies in
// the backup account's central vaults. Releasing always takes a reason.
package legalhold

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awstagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	taggingtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"

	"github.com/orgbackup/orgbackup/crossaccount"
)

// Reader is the part of the AWS Backup client that finding points and
// listing holds reads.
type Reader interface {
	ListBackupVaults(ctx context.Context, in *awsbackup.ListBackupVaultsInput, optFns ...func(*awsbackup.Options)) (*awsbackup.ListBackupVaultsOutput, error)
	ListRecoveryPointsByBackupVault(ctx context.Context, in *awsbackup.ListRecoveryPointsByBackupVaultInput, optFns ...func(*awsbackup.Options)) (*awsbackup.ListRecoveryPointsByBackupVaultOutput, error)
	ListLegalHolds(ctx context.Context, in *awsbackup.ListLegalHoldsInput, optFns ...func(*awsbackup.Options)) (*awsbackup.ListLegalHoldsOutput, error)
	ListRecoveryPointsByLegalHold(ctx context.Context, in *awsbackup.ListRecoveryPointsByLegalHoldInput, optFns ...func(*awsbackup.Options)) (*awsbackup.ListRecoveryPointsByLegalHoldOutput, error)
}

// Writer is the part of the AWS Backup client that creating and releasing
// holds uses.
type Writer interface {
	Reader
	CreateLegalHold(ctx context.Context, in *awsbackup.CreateLegalHoldInput, optFns ...func(*awsbackup.Options)) (*awsbackup.CreateLegalHoldOutput, error)
	CancelLegalHold(ctx context.Context, in *awsbackup.CancelLegalHoldInput, optFns ...func(*awsbackup.Options)) (*awsbackup.CancelLegalHoldOutput, error)
}

// Tagger is the part of the Resource Groups Tagging API client that
// selecting by tags reads.
type Tagger interface {
	GetResources(ctx context.Context, in *awstagging.GetResourcesInput, optFns ...func(*awstagging.Options)) (*awstagging.GetResourcesOutput, error)
}

var (
	_ Writer = (*awsbackup.Client)(nil)
	_ Tagger = (*awstagging.Client)(nil)
)

// Selection says which recovery points a hold keeps; every field given
// narrows it.
type Selection struct {
	// Accounts are the workload accounts whose resources' points are
	// held (tiers are resolved to accounts by the caller). Required.
	Accounts []string
	// ResourceTypes are AWS Backup resource types ("EC2", "RDS", ...).
	ResourceTypes []string
	// Tags select the points of resources that carry all of them.
	Tags map[string]string
	// From and To bound the points' creation time; zero is open. An
	// open To becomes the time of creation: CreateLegalHold's DateRange
	// needs both ends.
	From, To time.Time
}

// Target is one hold in one account and Region: what CreateLegalHold's
// RecoveryPointSelection gets there, and the points it holds now.
type Target struct {
	Account, Region string
	// Vaults are the vaults holding selected points.
	Vaults []string
	// Resources are the selected resources' ARNs; empty means every
	// resource of the account (a workload account without a type or tag
	// filter).
	Resources []string
	// Points are the recovery points selected now.
	Points []string
}

// Options locate the organization's parts.
type Options struct {
	// BackupAccount holds the central vaults; its copies of the selected
	// accounts' resources are held too. Empty: none.
	BackupAccount string
	// Regions are where holds are made. Required.
	Regions []string
	// Now is the time source for an open To. Default time.Now.
	Now func() time.Time
}

// Resolve finds, through src, the recovery points a selection takes in
// and returns a Target for every account and Region that has some.
func Resolve(ctx context.Context, src crossaccount.ConfigSource, sel Selection, o Options) ([]Target, error) {
	if len(sel.Accounts) == 0 {
		return nil, errors.New("resolving a legal hold: no accounts selected")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	selected := map[string]bool{}
	for _, a := range sel.Accounts {
		selected[a] = true
	}
	accounts := slices.Sorted(maps.Keys(selected))
	if o.BackupAccount != "" && !selected[o.BackupAccount] {
		accounts = append(accounts, o.BackupAccount)
	}
	var out []Target
	for _, region := range o.Regions {
		var tagged map[string]bool
		if len(sel.Tags) > 0 {
			tagged = map[string]bool{}
			for _, a := range slices.Sorted(maps.Keys(selected)) {
				cfg, err := src.Config(ctx, a, region)
				if err != nil {
					return nil, err
				}
				if err := taggedResources(ctx, awstagging.NewFromConfig(cfg), sel.Tags, tagged); err != nil {
					return nil, fmt.Errorf("listing tagged resources of %s in %s: %w", a, region, err)
				}
			}
		}
		for _, a := range accounts {
			cfg, err := src.Config(ctx, a, region)
			if err != nil {
				return nil, err
			}
			t, err := resolveIn(ctx, awsbackup.NewFromConfig(cfg), a, sel, selected, tagged)
			if err != nil {
				return nil, fmt.Errorf("finding recovery points of %s in %s: %w", a, region, err)
			}
			if len(t.Points) == 0 {
				continue
			}
			t.Account, t.Region = a, region
			// A workload account's own hold needs no resource list when
			// neither types nor tags narrow it.
			if selected[a] && len(sel.ResourceTypes) == 0 && len(sel.Tags) == 0 {
				t.Resources = nil
			}
			out = append(out, t)
		}
	}
	return out, nil
}

// taggedResources adds to set the ARNs of the resources carrying all tags.
func taggedResources(ctx context.Context, api Tagger, tags map[string]string, set map[string]bool) error {
	var filters []taggingtypes.TagFilter
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		filters = append(filters, taggingtypes.TagFilter{Key: aws.String(k), Values: []string{tags[k]}})
	}
	pages := awstagging.NewGetResourcesPaginator(api, &awstagging.GetResourcesInput{TagFilters: filters})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, r := range page.ResourceTagMappingList {
			set[aws.ToString(r.ResourceARN)] = true
		}
	}
	return nil
}

// resolveIn lists one account-Region's points and keeps the selected
// ones: of a selected account's resource, of a selected type, created in
// the range, of a tagged resource when tags are given.
func resolveIn(ctx context.Context, api Reader, account string, sel Selection, selected, tagged map[string]bool) (Target, error) {
	var t Target
	resources := map[string]bool{}
	vaults := awsbackup.NewListBackupVaultsPaginator(api, &awsbackup.ListBackupVaultsInput{})
	for vaults.HasMorePages() {
		vp, err := vaults.NextPage(ctx)
		if err != nil {
			return t, err
		}
		for _, v := range vp.BackupVaultList {
			name := aws.ToString(v.BackupVaultName)
			// ByCreatedAfter and ByCreatedBefore exclude their bounds
			// ("created after", "created before"); the selection's
			// bounds are included, so the filters widen by a second
			// and the exact check is below.
			in := &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String(name)}
			if !sel.From.IsZero() {
				in.ByCreatedAfter = aws.Time(sel.From.Add(-time.Second))
			}
			if !sel.To.IsZero() {
				in.ByCreatedBefore = aws.Time(sel.To.Add(time.Second))
			}
			held := false
			points := awsbackup.NewListRecoveryPointsByBackupVaultPaginator(api, in)
			for points.HasMorePages() {
				pp, err := points.NextPage(ctx)
				if err != nil {
					return t, err
				}
				for _, rp := range pp.RecoveryPoints {
					res := aws.ToString(rp.ResourceArn)
					created := aws.ToTime(rp.CreationDate)
					owner := resourceAccount(res)
					if owner == "" {
						owner = account
					}
					if !selected[owner] ||
						(!sel.From.IsZero() && created.Before(sel.From)) || (!sel.To.IsZero() && created.After(sel.To)) ||
						(len(sel.ResourceTypes) > 0 && !slices.Contains(sel.ResourceTypes, aws.ToString(rp.ResourceType))) ||
						(tagged != nil && !tagged[res]) {
						continue
					}
					held = true
					resources[res] = true
					t.Points = append(t.Points, aws.ToString(rp.RecoveryPointArn))
				}
			}
			if held {
				t.Vaults = append(t.Vaults, name)
			}
		}
	}
	t.Resources = slices.Sorted(maps.Keys(resources))
	slices.Sort(t.Points)
	return t, nil
}

// resourceAccount is the account in a resource ARN. S3 bucket ARNs carry
// none; resolveIn counts them as the account whose vault holds them.
func resourceAccount(arn string) string {
	f := strings.SplitN(arn, ":", 6)
	if len(f) < 6 {
		return ""
	}
	return f[4]
}

// token makes CreateLegalHold idempotent per hold title, account and
// Region: a retried create returns the hold already made.
func token(title, account, region string) string {
	sum := sha256.Sum256([]byte(title + "\x00" + account + "\x00" + region))
	return hex.EncodeToString(sum[:16])
}

// Created is a hold that Create made or found.
type Created struct {
	Target
	// ID is the hold's ID in its account and Region.
	ID string
	// Existing is true when an active hold of that title was there.
	Existing bool
}

// Create makes the hold title in every account and Region where the
// selection has points, unless an active hold of that title is there.
func Create(ctx context.Context, src crossaccount.ConfigSource, title, description string, sel Selection, tags map[string]string, o Options) ([]Created, error) {
	if strings.TrimSpace(title) == "" || strings.TrimSpace(description) == "" {
		return nil, errors.New("creating a legal hold: a title and a description are required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	targets, err := Resolve(ctx, src, sel, o)
	if err != nil {
		return nil, err
	}
	from, to := sel.From, sel.To
	if to.IsZero() {
		to = o.Now()
	}
	var out []Created
	for _, t := range targets {
		cfg, err := src.Config(ctx, t.Account, t.Region)
		if err != nil {
			return out, err
		}
		api := awsbackup.NewFromConfig(cfg)
		id, err := activeHold(ctx, api, title)
		if err != nil {
			return out, fmt.Errorf("listing legal holds of %s in %s: %w", t.Account, t.Region, err)
		}
		if id != "" {
			out = append(out, Created{Target: t, ID: id, Existing: true})
			continue
		}
		created, err := api.CreateLegalHold(ctx, createInput(title, description, t, from, to, tags))
		if err != nil {
			return out, fmt.Errorf("creating legal hold %q in %s/%s: %w", title, t.Account, t.Region, err)
		}
		out = append(out, Created{Target: t, ID: aws.ToString(created.LegalHoldId)})
	}
	return out, nil
}

func createInput(title, description string, t Target, from, to time.Time, tags map[string]string) *awsbackup.CreateLegalHoldInput {
	sel := &backuptypes.RecoveryPointSelection{VaultNames: t.Vaults, ResourceIdentifiers: t.Resources}
	if !from.IsZero() || !to.IsZero() {
		if from.IsZero() {
			from = time.Unix(0, 0).UTC()
		}
		sel.DateRange = &backuptypes.DateRange{FromDate: aws.Time(from), ToDate: aws.Time(to)}
	}
	return &awsbackup.CreateLegalHoldInput{
		Title: aws.String(title), Description: aws.String(description), IdempotencyToken: aws.String(token(title, t.Account, t.Region)),
		RecoveryPointSelection: sel, Tags: tags,
	}
}

// activeHold returns the ID of an active (or creating) hold titled title.
func activeHold(ctx context.Context, api Reader, title string) (string, error) {
	pages := awsbackup.NewListLegalHoldsPaginator(api, &awsbackup.ListLegalHoldsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return "", err
		}
		for _, h := range page.LegalHolds {
			if aws.ToString(h.Title) == title && (h.Status == backuptypes.LegalHoldStatusActive || h.Status == backuptypes.LegalHoldStatusCreating) {
				return aws.ToString(h.LegalHoldId), nil
			}
		}
	}
	return "", nil
}

// Held is one legal hold and the points it keeps.
type Held struct {
	Account     string    `json:"account"`
	Region      string    `json:"region"`
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	Description string    `json:"description,omitempty"`
	Status      string    `json:"status"`
	Created     time.Time `json:"created"`
	// Points are the recovery points it keeps, sorted.
	Points []string `json:"recovery_points"`
}

// List returns every legal hold of the accounts in the Regions, active or
// not, with the points each keeps, sorted by account, Region and title.
func List(ctx context.Context, src crossaccount.ConfigSource, accounts, regions []string) ([]Held, error) {
	var out []Held
	for _, a := range slices.Sorted(slices.Values(accounts)) {
		for _, region := range regions {
			cfg, err := src.Config(ctx, a, region)
			if err != nil {
				return nil, err
			}
			hs, err := listIn(ctx, awsbackup.NewFromConfig(cfg), a, region)
			if err != nil {
				return nil, fmt.Errorf("listing legal holds of %s in %s: %w", a, region, err)
			}
			out = append(out, hs...)
		}
	}
	return out, nil
}

func listIn(ctx context.Context, api Reader, account, region string) ([]Held, error) {
	var out []Held
	pages := awsbackup.NewListLegalHoldsPaginator(api, &awsbackup.ListLegalHoldsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, h := range page.LegalHolds {
			held := Held{Account: account, Region: region, ID: aws.ToString(h.LegalHoldId), Title: aws.ToString(h.Title), Description: aws.ToString(h.Description), Status: string(h.Status), Created: aws.ToTime(h.CreationDate)}
			if h.Status == backuptypes.LegalHoldStatusActive {
				points := awsbackup.NewListRecoveryPointsByLegalHoldPaginator(api, &awsbackup.ListRecoveryPointsByLegalHoldInput{LegalHoldId: h.LegalHoldId})
				for points.HasMorePages() {
					pp, err := points.NextPage(ctx)
					if err != nil {
						return nil, err
					}
					for _, rp := range pp.RecoveryPoints {
						held.Points = append(held.Points, aws.ToString(rp.RecoveryPointArn))
					}
				}
				slices.Sort(held.Points)
			}
			out = append(out, held)
		}
	}
	slices.SortFunc(out, func(a, b Held) int { return strings.Compare(a.Title+"\x00"+a.ID, b.Title+"\x00"+b.ID) })
	return out, nil
}

// Released is a hold Release cancelled.
type Released struct {
	Account, Region, ID string
}

// Release cancels every active hold titled title in the accounts and
// Regions, recording reason as its CancelDescription. A reason is
// required: a hold is released only on purpose.
func Release(ctx context.Context, src crossaccount.ConfigSource, title, reason string, accounts, regions []string) ([]Released, error) {
	if strings.TrimSpace(reason) == "" {
		return nil, errors.New("releasing a legal hold: a reason is required")
	}
	var out []Released
	for _, a := range slices.Sorted(slices.Values(accounts)) {
		for _, region := range regions {
			cfg, err := src.Config(ctx, a, region)
			if err != nil {
				return out, err
			}
			api := awsbackup.NewFromConfig(cfg)
			id, err := activeHold(ctx, api, title)
			if err != nil {
				return out, fmt.Errorf("listing legal holds of %s in %s: %w", a, region, err)
			}
			if id == "" {
				continue
			}
			if _, err := api.CancelLegalHold(ctx, &awsbackup.CancelLegalHoldInput{LegalHoldId: aws.String(id), CancelDescription: aws.String(reason)}); err != nil {
				return out, fmt.Errorf("releasing legal hold %q in %s/%s: %w", title, a, region, err)
			}
			out = append(out, Released{Account: a, Region: region, ID: id})
		}
	}
	return out, nil
}
