package emulator

import (
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
)

type backupLegalHold struct {
	id, arn           string
	seq               int
	title, desc       string
	status            backuptypes.LegalHoldStatus
	selection         *backuptypes.RecoveryPointSelection
	created           time.Time
	cancelled         *time.Time
	cancelDescription *string
	retainUntil       *time.Time
	token             string
}

// createLegalHold makes the hold ACTIVE at once; AWS reports CREATING
// until the hold has been applied to the selected recovery points.
func (s *Server) createLegalHold(c *Call, in *awsbackup.CreateLegalHoldInput) (*awsbackup.CreateLegalHoldOutput, error) {
	if err := bkRequire("Title", in.Title, "Description", in.Description); err != nil {
		return nil, err
	}
	b := s.backupCallLocked(c)
	if tok := aws.ToString(in.IdempotencyToken); tok != "" {
		for _, id := range sortedKeys(b.legalHolds) {
			if h := b.legalHolds[id]; h.token == tok {
				return legalHoldOutput(h), nil
			}
		}
	}
	if sel := in.RecoveryPointSelection; sel != nil && sel.DateRange != nil {
		dr := sel.DateRange
		if dr.FromDate == nil || dr.ToDate == nil {
			return nil, bkInvalidParam("DateRange needs both FromDate and ToDate.")
		}
		if dr.ToDate.Before(*dr.FromDate) {
			return nil, bkInvalidParam("DateRange ToDate must not be before FromDate.")
		}
	}
	id := s.ids.uuid()
	h := &backupLegalHold{
		id:        id,
		seq:       b.next(),
		arn:       b.arn("legal-hold", id),
		title:     *in.Title,
		desc:      *in.Description,
		status:    backuptypes.LegalHoldStatusActive,
		selection: in.RecoveryPointSelection,
		created:   s.now,
		token:     aws.ToString(in.IdempotencyToken),
	}
	b.legalHolds[id] = h
	if len(in.Tags) > 0 {
		b.tags[h.arn] = copyTags(in.Tags)
	}
	return legalHoldOutput(h), nil
}

func legalHoldOutput(h *backupLegalHold) *awsbackup.CreateLegalHoldOutput {
	return &awsbackup.CreateLegalHoldOutput{
		CreationDate:           timePtr(h.created),
		Description:            aws.String(h.desc),
		LegalHoldArn:           aws.String(h.arn),
		LegalHoldId:            aws.String(h.id),
		RecoveryPointSelection: h.selection,
		Status:                 h.status,
		Title:                  aws.String(h.title),
	}
}

func (b *backupRegion) legalHold(id *string) (*backupLegalHold, error) {
	if err := bkRequire("LegalHoldId", id); err != nil {
		return nil, err
	}
	h := b.legalHolds[*id]
	if h == nil {
		return nil, bkNotFound("Legal hold %s does not exist.", *id)
	}
	return h, nil
}

func (s *Server) getLegalHold(c *Call, in *awsbackup.GetLegalHoldInput) (*awsbackup.GetLegalHoldOutput, error) {
	h, err := s.backupCallLocked(c).legalHold(in.LegalHoldId)
	if err != nil {
		return nil, err
	}
	return &awsbackup.GetLegalHoldOutput{
		CancelDescription:      h.cancelDescription,
		CancellationDate:       h.cancelled,
		CreationDate:           timePtr(h.created),
		Description:            aws.String(h.desc),
		LegalHoldArn:           aws.String(h.arn),
		LegalHoldId:            aws.String(h.id),
		RecoveryPointSelection: h.selection,
		RetainRecordUntil:      h.retainUntil,
		Status:                 h.status,
		Title:                  aws.String(h.title),
	}, nil
}

func (s *Server) listLegalHolds(c *Call, in *awsbackup.ListLegalHoldsInput) (*awsbackup.ListLegalHoldsOutput, error) {
	b := s.backupCallLocked(c)
	holds := make([]*backupLegalHold, 0, len(b.legalHolds))
	for _, h := range b.legalHolds {
		holds = append(holds, h)
	}
	sort.Slice(holds, func(i, j int) bool { return holds[i].seq < holds[j].seq })
	var items []backuptypes.LegalHold
	for _, h := range holds {
		items = append(items, backuptypes.LegalHold{
			CancellationDate: h.cancelled,
			CreationDate:     timePtr(h.created),
			Description:      aws.String(h.desc),
			LegalHoldArn:     aws.String(h.arn),
			LegalHoldId:      aws.String(h.id),
			Status:           h.status,
			Title:            aws.String(h.title),
		})
	}
	page, next, err := backupPage(items, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsbackup.ListLegalHoldsOutput{LegalHolds: page, NextToken: next}, nil
}

func (s *Server) cancelLegalHold(c *Call, in *awsbackup.CancelLegalHoldInput) (*awsbackup.CancelLegalHoldOutput, error) {
	b := s.backupCallLocked(c)
	h, err := b.legalHold(in.LegalHoldId)
	if err != nil {
		return nil, err
	}
	if err := bkRequire("CancelDescription", in.CancelDescription); err != nil {
		return nil, err
	}
	if h.status != backuptypes.LegalHoldStatusActive {
		return nil, &backuptypes.InvalidResourceStateException{Message: aws.String("Legal hold " + h.id + " is " + string(h.status) + " and cannot be canceled.")}
	}
	if in.RetainRecordInDays != nil && *in.RetainRecordInDays < 0 {
		return nil, bkInvalidParam("RetainRecordInDays must not be negative.")
	}
	h.status = backuptypes.LegalHoldStatusCanceled
	h.cancelled = timePtr(s.now)
	h.cancelDescription = aws.String(*in.CancelDescription)
	if in.RetainRecordInDays != nil {
		h.retainUntil = timePtr(s.now.Add(time.Duration(*in.RetainRecordInDays) * 24 * time.Hour))
	}
	return &awsbackup.CancelLegalHoldOutput{}, nil
}

// recoveryPointHeldLocked reports whether an active legal hold of the
// account-region covers the recovery point (by vault name, resource ARN
// and creation date), so that it cannot be deleted.
func (s *Server) recoveryPointHeldLocked(account, region, recoveryPointARN string) bool {
	b := s.backup[regionKey{account, region}]
	if b == nil {
		return false
	}
	rp := b.recoveryPoints[recoveryPointARN]
	if rp == nil {
		return false
	}
	for _, h := range b.legalHolds {
		if h.status == backuptypes.LegalHoldStatusActive && h.covers(rp) {
			return true
		}
	}
	return false
}

// covers reports whether the hold's selection takes in rp.
func (h *backupLegalHold) covers(rp *backupRecoveryPoint) bool {
	sel := h.selection
	if sel == nil {
		return false
	}
	if len(sel.VaultNames) > 0 && !containsString(sel.VaultNames, rp.vault) {
		return false
	}
	if len(sel.ResourceIdentifiers) > 0 && !containsString(sel.ResourceIdentifiers, aws.ToString(rp.rp.ResourceArn)) {
		return false
	}
	if dr := sel.DateRange; dr != nil && rp.rp.CreationDate != nil {
		if (dr.FromDate != nil && rp.rp.CreationDate.Before(*dr.FromDate)) || (dr.ToDate != nil && rp.rp.CreationDate.After(*dr.ToDate)) {
			return false
		}
	}
	return true
}

// listRecoveryPointsByLegalHold lists the recovery points of the
// account-region a hold's selection takes in (ListRecoveryPointsByLegalHold
// in the AWS Backup API reference), newest first.
func (s *Server) listRecoveryPointsByLegalHold(c *Call, in *awsbackup.ListRecoveryPointsByLegalHoldInput) (*awsbackup.ListRecoveryPointsByLegalHoldOutput, error) {
	b := s.backupCallLocked(c)
	h, err := b.legalHold(in.LegalHoldId)
	if err != nil {
		return nil, err
	}
	var held []*backupRecoveryPoint
	for _, rp := range b.recoveryPoints {
		if h.covers(rp) {
			held = append(held, rp)
		}
	}
	sort.Slice(held, func(i, j int) bool {
		a, b := held[i].rp, held[j].rp
		return newestFirst(a.CreationDate, b.CreationDate, *a.RecoveryPointArn, *b.RecoveryPointArn)
	})
	items := make([]backuptypes.RecoveryPointMember, 0, len(held))
	for _, rp := range held {
		items = append(items, backuptypes.RecoveryPointMember{
			BackupVaultName:  aws.String(rp.vault),
			RecoveryPointArn: rp.rp.RecoveryPointArn,
			ResourceArn:      rp.rp.ResourceArn,
			ResourceType:     rp.rp.ResourceType,
		})
	}
	page, next, err := backupPage(items, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsbackup.ListRecoveryPointsByLegalHoldOutput{RecoveryPoints: page, NextToken: next}, nil
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
