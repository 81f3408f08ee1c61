package emulator

import (
	"encoding/base64"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// Ordered indexes for the lists that grow with time: jobs and recovery
// points. AWS Backup lists them newest first; the emulator breaks ties of
// creation time by ID. Each index keeps its items in that order (stored
// reversed, so that the newest item, the usual insertion, is an append),
// and a page resumes after the last item of the previous one with a binary
// search, so a page costs O(log n + page), not a copy and sort of every
// match.

// listKey is an item's place in list order: its creation time and ID.
type listKey struct {
	t  time.Time
	id string
}

// listsBefore reports whether a comes before b in list order: newer
// first, then by ID.
func (a listKey) listsBefore(b listKey) bool {
	if c := a.t.Compare(b.t); c != 0 {
		return c > 0
	}
	return a.id < b.id
}

// listEntry is one indexed item and the account-region state it belongs
// to.
type listEntry[T any] struct {
	item  *T
	owner *backupRegion
}

// listIndex holds items of one kind in reverse list order: entries[0] is
// the last item listed (the oldest), entries[len-1] the first.
type listIndex[T any] struct {
	key     func(*T) listKey
	entries []listEntry[T]
}

func newListIndex[T any](key func(*T) listKey) *listIndex[T] {
	return &listIndex[T]{key: key}
}

func (x *listIndex[T]) len() int {
	if x == nil {
		return 0
	}
	return len(x.entries)
}

// cut returns the number of entries that come after k in list order: they
// are entries[:cut].
func (x *listIndex[T]) cut(k listKey) int {
	return sort.Search(len(x.entries), func(i int) bool {
		return !k.listsBefore(x.key(x.entries[i].item))
	})
}

// insert adds item at its place, in O(log n) plus the entries newer than
// it (none for the common append of the newest item).
func (x *listIndex[T]) insert(item *T, owner *backupRegion) {
	e := listEntry[T]{item: item, owner: owner}
	n := len(x.entries)
	k := x.key(item)
	if n == 0 || k.listsBefore(x.key(x.entries[n-1].item)) {
		x.entries = append(x.entries, e)
		return
	}
	i := x.cut(k)
	x.entries = append(x.entries, listEntry[T]{})
	copy(x.entries[i+1:], x.entries[i:n])
	x.entries[i] = e
}

// remove deletes item, moving the shorter side of the slice: expiring the
// oldest items costs O(1) each.
func (x *listIndex[T]) remove(item *T) {
	k := x.key(item)
	n := len(x.entries)
	i := x.cut(k)
	for i < n && x.entries[i].item != item {
		if kk := x.key(x.entries[i].item); !kk.t.Equal(k.t) || kk.id != k.id {
			return
		}
		i++
	}
	if i == n {
		return
	}
	if i < n/2 {
		copy(x.entries[1:i+1], x.entries[:i])
		x.entries[0] = listEntry[T]{}
		x.entries = x.entries[1:]
		return
	}
	copy(x.entries[i:], x.entries[i+1:])
	x.entries[n-1] = listEntry[T]{}
	x.entries = x.entries[:n-1]
}

// newest returns the first item in list order, nil when empty.
func (x *listIndex[T]) newest() *T {
	if x.len() == 0 {
		return nil
	}
	return x.entries[len(x.entries)-1].item
}

// listPage returns one page of x's items in list order: those created
// strictly between after and before (nil for no bound) that keep accepts,
// resuming after the item named by token (a token that listPage issued
// for the same kind of list), at most max items (1000 when max is nil or
// not positive), and the token of the next page, nil when no accepted item
// follows. A nil index is empty.
func listPage[T any](x *listIndex[T], kind string, token *string, max *int32, after, before *time.Time, keep func(*T, *backupRegion) bool) ([]T, *string, error) {
	var resume *listKey
	if token != nil && *token != "" {
		k, ok := decodeListToken(kind, *token)
		if !ok {
			return nil, nil, bkInvalidParam("The specified pagination token is invalid.")
		}
		resume = &k
	}
	if x == nil {
		return nil, nil, nil
	}
	size := 1000
	if max != nil && *max > 0 {
		size = int(*max)
	}
	i := len(x.entries)
	if before != nil {
		i = sort.Search(len(x.entries), func(j int) bool { return !x.key(x.entries[j].item).t.Before(*before) })
	}
	if resume != nil {
		i = min(i, x.cut(*resume))
	}
	var page []T
	for i--; i >= 0; i-- {
		e := x.entries[i]
		if after != nil && !x.key(e.item).t.After(*after) {
			break
		}
		if !keep(e.item, e.owner) {
			continue
		}
		if len(page) == size {
			next := encodeListToken(kind, x.key(&page[len(page)-1]))
			return page, &next, nil
		}
		if page == nil {
			page = make([]T, 0, min(size, i+1))
		}
		page = append(page, *e.item)
	}
	return page, nil, nil
}

// encodeListToken names the last item of a page: the kind of list, its
// creation time and ID, base64url-encoded so callers treat it as opaque.
func encodeListToken(kind string, k listKey) string {
	raw := kind + ":" + strconv.FormatInt(k.t.Unix(), 10) + ":" + strconv.Itoa(k.t.Nanosecond()) + ":" + k.id
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// decodeListToken reads a token encodeListToken issued for kind.
func decodeListToken(kind, token string) (listKey, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return listKey{}, false
	}
	parts := strings.SplitN(string(raw), ":", 4)
	if len(parts) != 4 || parts[0] != kind {
		return listKey{}, false
	}
	sec, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return listKey{}, false
	}
	nsec, err := strconv.Atoi(parts[2])
	if err != nil || nsec < 0 || nsec > 999999999 {
		return listKey{}, false
	}
	return listKey{t: time.Unix(sec, int64(nsec)).UTC(), id: parts[3]}, true
}

// Keys of the indexed kinds.

func backupJobKey(j *backuptypes.BackupJob) listKey {
	return listKey{t: aws.ToTime(j.CreationDate), id: aws.ToString(j.BackupJobId)}
}

func copyJobKey(j *backuptypes.CopyJob) listKey {
	return listKey{t: aws.ToTime(j.CreationDate), id: aws.ToString(j.CopyJobId)}
}

func restoreJobKey(j *backuptypes.RestoreJobsListMember) listKey {
	return listKey{t: aws.ToTime(j.CreationDate), id: aws.ToString(j.RestoreJobId)}
}

func recoveryPointKey(rp *backupRecoveryPoint) listKey {
	return listKey{t: aws.ToTime(rp.rp.CreationDate), id: aws.ToString(rp.rp.RecoveryPointArn)}
}

// jobIndexes are the job indexes of one account-region, or of every
// account in one region (for ByAccountId "*").
type jobIndexes struct {
	backup  *listIndex[backuptypes.BackupJob]
	copy    *listIndex[backuptypes.CopyJob]
	restore *listIndex[backuptypes.RestoreJobsListMember]
}

func newJobIndexes() *jobIndexes {
	return &jobIndexes{
		backup:  newListIndex(backupJobKey),
		copy:    newListIndex(copyJobKey),
		restore: newListIndex(restoreJobKey),
	}
}
