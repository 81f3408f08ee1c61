package emulator

import (
	"context"
	"encoding/base64"
	"errors"
	"math/rand"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/google/go-cmp/cmp"
)

// listFixture stores, in a shuffled order, jobs and recovery points whose
// creation times repeat (ties are listed by ID) and go back in time (as a
// copy's recovery point keeps its source's creation date).
type listFixture struct {
	t0 time.Time
	// Expected lists, newest first then by ID.
	backup333, backupAll, copies, restores, vault, resource []string
	// resourceARN has several recovery points in vault "local".
	resourceARN string
}

func newestFirstIDs(items []listKey) []string {
	sort.Slice(items, func(i, j int) bool { return items[i].listsBefore(items[j]) })
	var ids []string
	for _, k := range items {
		ids = append(ids, k.id)
	}
	return ids
}

func seedListFixture(t *testing.T, s *Server) listFixture {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	const region = "us-east-1"
	f := listFixture{t0: s.now, resourceARN: "arn:aws:ec2:us-east-1:333333333333:volume/vol-0"}
	b := s.backupRegionLocked("333333333333", region)
	b.vaults["local"] = &backupVault{name: "local", arn: b.arn("backup-vault", "local"), vaultType: backuptypes.VaultTypeBackupVault, state: backuptypes.VaultStateAvailable, created: s.now}
	rng := rand.New(rand.NewSource(7))
	order := rng.Perm(60)
	var b333, all, copies, restores, vault, resource []listKey
	for _, i := range order {
		at := f.t0.Add(time.Duration(i/4) * time.Hour) // four items per instant
		account := "333333333333"
		if i%3 == 0 {
			account = "444444444444"
		}
		id := s.addBackupJobLocked(account, region, backuptypes.BackupJob{CreationDate: timePtr(at), State: backuptypes.BackupJobStateCompleted, ResourceType: aws.String("EBS")})
		all = append(all, listKey{at, id})
		if account == "333333333333" {
			b333 = append(b333, listKey{at, id})
			cid := s.addCopyJobLocked(account, region, backuptypes.CopyJob{CreationDate: timePtr(at), State: backuptypes.CopyJobStateCompleted})
			copies = append(copies, listKey{at, cid})
			rid := s.addRestoreJobLocked(account, region, backuptypes.RestoreJobsListMember{CreationDate: timePtr(at), Status: backuptypes.RestoreJobStatusCompleted})
			restores = append(restores, listKey{at, rid})
			res := "arn:aws:ec2:us-east-1:333333333333:volume/vol-" + strconv.Itoa(i%2)
			arn, err := s.addRecoveryPointLocked(account, region, backuptypes.RecoveryPointByBackupVault{BackupVaultName: aws.String("local"), ResourceArn: aws.String(res), ResourceType: aws.String("EBS"), CreationDate: timePtr(at)})
			if err != nil {
				t.Fatalf("addRecoveryPointLocked: %v", err)
			}
			vault = append(vault, listKey{at, arn})
			if res == f.resourceARN {
				resource = append(resource, listKey{at, arn})
			}
		}
	}
	f.backup333, f.backupAll, f.copies, f.restores = newestFirstIDs(b333), newestFirstIDs(all), newestFirstIDs(copies), newestFirstIDs(restores)
	f.vault, f.resource = newestFirstIDs(vault), newestFirstIDs(resource)
	return f
}

// Every list pages through its items newest first (ties by ID), whatever
// the page size, view or creation window.
func TestListPagesResumeInOrder(t *testing.T) {
	ctx := context.Background()
	s := NewServer()
	defer s.Close()
	f := seedListFixture(t, s)
	member := bkClient(s, "333333333333")
	mgmt := bkClient(s, ManagementAccountID)
	after, before := f.t0.Add(3*time.Hour), f.t0.Add(11*time.Hour)

	type lister func(token *string, size int32) ([]string, *string, error)
	backupJobs := func(c *awsbackup.Client, in awsbackup.ListBackupJobsInput) lister {
		return func(token *string, size int32) ([]string, *string, error) {
			in.NextToken, in.MaxResults = token, aws.Int32(size)
			out, err := c.ListBackupJobs(ctx, &in)
			if err != nil {
				return nil, nil, err
			}
			var ids []string
			for _, j := range out.BackupJobs {
				ids = append(ids, aws.ToString(j.BackupJobId))
			}
			return ids, out.NextToken, nil
		}
	}
	inWindowIDs := func(s *Server, ids []string, kind string) []string {
		s.mu.Lock()
		defer s.mu.Unlock()
		var out []string
		for _, id := range ids {
			var at time.Time
			for _, b := range s.backup {
				switch kind {
				case "backup":
					if j := b.backupJobs[id]; j != nil {
						at = *j.CreationDate
					}
				case "rp":
					if rp := b.recoveryPoints[id]; rp != nil {
						at = *rp.rp.CreationDate
					}
				}
			}
			if at.After(after) && at.Before(before) {
				out = append(out, id)
			}
		}
		return out
	}
	tests := map[string]struct {
		list lister
		want []string
	}{
		"backup jobs, own account":  {backupJobs(member, awsbackup.ListBackupJobsInput{}), f.backup333},
		"backup jobs, organization": {backupJobs(mgmt, awsbackup.ListBackupJobsInput{ByAccountId: aws.String("*")}), f.backupAll},
		"backup jobs, one member":   {backupJobs(mgmt, awsbackup.ListBackupJobsInput{ByAccountId: aws.String("333333333333")}), f.backup333},
		"backup jobs, window": {backupJobs(mgmt, awsbackup.ListBackupJobsInput{ByAccountId: aws.String("*"), ByCreatedAfter: &after, ByCreatedBefore: &before}),
			inWindowIDs(s, f.backupAll, "backup")},
		"backup jobs, window and state": {backupJobs(mgmt, awsbackup.ListBackupJobsInput{ByAccountId: aws.String("*"), ByCreatedAfter: &after, ByState: backuptypes.BackupJobStateFailed}), nil},
		"copy jobs": {func(token *string, size int32) ([]string, *string, error) {
			out, err := member.ListCopyJobs(ctx, &awsbackup.ListCopyJobsInput{NextToken: token, MaxResults: aws.Int32(size)})
			if err != nil {
				return nil, nil, err
			}
			var ids []string
			for _, j := range out.CopyJobs {
				ids = append(ids, aws.ToString(j.CopyJobId))
			}
			return ids, out.NextToken, nil
		}, f.copies},
		"restore jobs": {func(token *string, size int32) ([]string, *string, error) {
			out, err := member.ListRestoreJobs(ctx, &awsbackup.ListRestoreJobsInput{NextToken: token, MaxResults: aws.Int32(size)})
			if err != nil {
				return nil, nil, err
			}
			var ids []string
			for _, j := range out.RestoreJobs {
				ids = append(ids, aws.ToString(j.RestoreJobId))
			}
			return ids, out.NextToken, nil
		}, f.restores},
		"recovery points by vault": {func(token *string, size int32) ([]string, *string, error) {
			out, err := member.ListRecoveryPointsByBackupVault(ctx, &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("local"), NextToken: token, MaxResults: aws.Int32(size)})
			if err != nil {
				return nil, nil, err
			}
			var ids []string
			for _, rp := range out.RecoveryPoints {
				ids = append(ids, aws.ToString(rp.RecoveryPointArn))
			}
			return ids, out.NextToken, nil
		}, f.vault},
		"recovery points by vault, window": {func(token *string, size int32) ([]string, *string, error) {
			out, err := member.ListRecoveryPointsByBackupVault(ctx, &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("local"), ByCreatedAfter: &after, ByCreatedBefore: &before, NextToken: token, MaxResults: aws.Int32(size)})
			if err != nil {
				return nil, nil, err
			}
			var ids []string
			for _, rp := range out.RecoveryPoints {
				ids = append(ids, aws.ToString(rp.RecoveryPointArn))
			}
			return ids, out.NextToken, nil
		}, inWindowIDs(s, f.vault, "rp")},
		"recovery points by resource": {func(token *string, size int32) ([]string, *string, error) {
			out, err := member.ListRecoveryPointsByResource(ctx, &awsbackup.ListRecoveryPointsByResourceInput{ResourceArn: aws.String(f.resourceARN), NextToken: token, MaxResults: aws.Int32(size)})
			if err != nil {
				return nil, nil, err
			}
			var ids []string
			for _, rp := range out.RecoveryPoints {
				ids = append(ids, aws.ToString(rp.RecoveryPointArn))
			}
			return ids, out.NextToken, nil
		}, f.resource},
	}
	for name, tc := range tests {
		for _, size := range []int32{1, 3, 4, 1000} {
			var got []string
			var token *string
			pages := 0
			for {
				ids, next, err := tc.list(token, size)
				if err != nil {
					t.Fatalf("%s, pages of %d: %v", name, size, err)
				}
				if len(ids) > int(size) || (next != nil && len(ids) != int(size)) {
					t.Fatalf("%s, pages of %d: page %d has %d items, next token %v", name, size, pages, len(ids), next != nil)
				}
				got = append(got, ids...)
				pages++
				if next == nil {
					break
				}
				token = next
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s, pages of %d (-want +got):\n%s", name, size, diff)
			}
			if want := max(1, (len(tc.want)+int(size)-1)/int(size)); pages != want {
				t.Errorf("%s, pages of %d: %d pages, want %d", name, size, pages, want)
			}
		}
	}
	if len(f.backupAll) != 60 || len(f.backup333) != 40 {
		t.Fatalf("fixture has %d and %d backup jobs, want 60 and 40", len(f.backupAll), len(f.backup333))
	}
}

// A page resumes after the last item it returned, so items created or
// deleted between two pages neither repeat nor hide others.
func TestListPageResumesAfterChanges(t *testing.T) {
	ctx := context.Background()
	s := NewServer()
	defer s.Close()
	f := seedListFixture(t, s)
	c := bkClient(s, "333333333333")
	first, err := c.ListRecoveryPointsByBackupVault(ctx, &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("local"), MaxResults: aws.Int32(10)})
	if err != nil || first.NextToken == nil {
		t.Fatalf("first page: %v, token %v", err, first.NextToken)
	}
	// Delete the first item of the next page and the newest of all, and
	// store two newer recovery points: an offset into the list would now
	// repeat two items.
	s.mu.Lock()
	s.deleteRecoveryPointLocked("333333333333", "us-east-1", f.vault[10])
	s.deleteRecoveryPointLocked("333333333333", "us-east-1", f.vault[0])
	for _, h := range []time.Duration{100, 101} {
		if _, err := s.addRecoveryPointLocked("333333333333", "us-east-1", backuptypes.RecoveryPointByBackupVault{BackupVaultName: aws.String("local"), CreationDate: timePtr(f.t0.Add(h * time.Hour))}); err != nil {
			t.Fatal(err)
		}
	}
	s.mu.Unlock()
	rest, err := c.ListRecoveryPointsByBackupVault(ctx, &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("local"), NextToken: first.NextToken, MaxResults: aws.Int32(1000)})
	if err != nil {
		t.Fatalf("second page: %v", err)
	}
	var got []string
	for _, rp := range rest.RecoveryPoints {
		got = append(got, aws.ToString(rp.RecoveryPointArn))
	}
	want := append([]string{}, f.vault[11:]...)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("second page (-want +got):\n%s", diff)
	}
	d, err := c.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("local")})
	if err != nil || d.NumberOfRecoveryPoints != int64(len(f.vault)) {
		t.Errorf("DescribeBackupVault: %d recovery points, %v; want %d", d.NumberOfRecoveryPoints, err, len(f.vault))
	}
}

// Tokens the emulator did not issue for the same list are rejected with
// InvalidParameterValueException, as AWS Backup rejects a pagination
// token it cannot read (AWS Backup API Reference, common errors; the
// message is the emulator's).
func TestListTokensAreChecked(t *testing.T) {
	ctx := context.Background()
	s := NewServer()
	defer s.Close()
	seedListFixture(t, s)
	c := bkClient(s, "333333333333")
	cp, err := c.ListCopyJobs(ctx, &awsbackup.ListCopyJobsInput{MaxResults: aws.Int32(1)})
	if err != nil || cp.NextToken == nil {
		t.Fatalf("ListCopyJobs: %v", err)
	}
	enc := func(s string) *string { return aws.String(base64.RawURLEncoding.EncodeToString([]byte(s))) }
	tokens := map[string]*string{
		"not base64":            aws.String("bogus!"),
		"offset token":          enc("10"),
		"another list's token":  cp.NextToken,
		"nanoseconds too large": enc("backup-job:1767225600:1000000000:X"),
		"no time":               enc("backup-job::0:X"),
	}
	for name, tok := range tokens {
		_, err := c.ListBackupJobs(ctx, &awsbackup.ListBackupJobsInput{NextToken: tok})
		bkWant[*backuptypes.InvalidParameterValueException](t, "ListBackupJobs with "+name, err)
	}
	_, err = c.ListRecoveryPointsByBackupVault(ctx, &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("local"), NextToken: cp.NextToken})
	bkWant[*backuptypes.InvalidParameterValueException](t, "ListRecoveryPointsByBackupVault with a copy job token", err)
	if _, err := c.ListBackupJobs(ctx, &awsbackup.ListBackupJobsInput{NextToken: enc("backup-job:1767225600:0:X")}); err != nil {
		t.Errorf("ListBackupJobs with a well-formed token: %v", err)
	}
}

// The index keeps list order through any sequence of inserts and removals.
func TestListIndexOrder(t *testing.T) {
	type item struct{ k listKey }
	x := newListIndex(func(i *item) listKey { return i.k })
	rng := rand.New(rand.NewSource(1))
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var live []*item
	for step := 0; step < 5000; step++ {
		if len(live) > 0 && rng.Intn(3) == 0 {
			i := rng.Intn(len(live))
			if rng.Intn(2) == 0 {
				i = 0 // the oldest, as lifecycle deletes
			}
			x.remove(live[i])
			live = slices.Delete(live, i, i+1)
		} else {
			it := &item{listKey{t0.Add(time.Duration(rng.Intn(50)) * time.Minute), strconv.Itoa(rng.Intn(1 << 30))}}
			x.insert(it, nil)
			live = append(live, it)
		}
		sort.Slice(live, func(i, j int) bool { return live[j].k.listsBefore(live[i].k) })
		if step%7 != 0 {
			continue // let inserts pile up in pending
		}
		entries := x.sorted()
		if len(entries) != len(live) {
			t.Fatalf("step %d: index holds %d items, want %d", step, len(entries), len(live))
		}
		for i := range live {
			if entries[i].item != live[i] {
				t.Fatalf("step %d: entry %d out of order", step, i)
			}
		}
	}
}

// Read-only operations share the server's lock: many of them at once,
// for accounts with and without state, while jobs are being stored, must
// not race (run with -race), and hooks still see them.
func TestReadOnlyOperationsShareTheLock(t *testing.T) {
	ctx := context.Background()
	s := NewServer()
	defer s.Close()
	f := seedListFixture(t, s)
	done := make(chan struct{})
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			s.mu.Lock()
			s.addBackupJobLocked("333333333333", "us-east-1", backuptypes.BackupJob{State: backuptypes.BackupJobStateCreated})
			s.mu.Unlock()
		}
	}()
	errs := make(chan error, 8)
	for _, account := range []string{"333333333333", "555555555555", ManagementAccountID, "666666666666"} {
		go func() {
			c := bkClient(s, account)
			for range 20 {
				if _, err := c.ListBackupJobs(ctx, &awsbackup.ListBackupJobsInput{ByAccountId: aws.String("*")}); err != nil {
					errs <- err
					return
				}
				if _, err := c.ListRecoveryPointsByResource(ctx, &awsbackup.ListRecoveryPointsByResourceInput{ResourceArn: aws.String(f.resourceARN)}); err != nil {
					errs <- err
					return
				}
				if _, err := c.ListProtectedResources(ctx, &awsbackup.ListProtectedResourcesInput{}); err != nil {
					errs <- err
					return
				}
				_, err := c.ListRecoveryPointsByBackupVault(ctx, &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("local")})
				var nf *backuptypes.ResourceNotFoundException
				if err != nil && !(account != "333333333333" && errors.As(err, &nf)) {
					errs <- err
					return
				}
				_, err = c.DescribeBackupJob(ctx, &awsbackup.DescribeBackupJobInput{BackupJobId: aws.String(f.backup333[0])})
				if err != nil && !(account != "333333333333" && errors.As(err, &nf)) {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	close(done)
	<-writerDone
	s.mu.RLock()
	_, created := s.backup[regionKey{"555555555555", "us-east-1"}]
	s.mu.RUnlock()
	if created {
		t.Error("a read created Backup state for an account that had none")
	}

	var seen []string
	s.OnCall(func(c *Call) error {
		seen = append(seen, c.Operation)
		return &backuptypes.ServiceUnavailableException{Message: aws.String("injected")}
	})
	_, err := bkClient(s, "333333333333").ListBackupJobs(ctx, &awsbackup.ListBackupJobsInput{})
	bkWant[*backuptypes.ServiceUnavailableException](t, "ListBackupJobs with a failing hook", err)
	if diff := cmp.Diff([]string{"ListBackupJobs"}, seen); diff != "" {
		t.Errorf("hooked operations (-want +got):\n%s", diff)
	}
}
