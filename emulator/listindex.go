package emulator

import (
	"encoding/base64"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
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
// the last item listed (the oldest), entries[len-1] the first. Inserts
// that do not extend the order (items created at the same instant, which
// a schedule makes common, or back-dated ones) wait in pending until the
// next read sorts them in, so a burst of inserts costs O(1) each and the
// read that follows O(p log p + ties).
type listIndex[T any] struct {
	key func(*T) listKey
	// mu guards entries and pending against readers that share the
	// server's lock and sort pending in; writers hold the server's lock
	// exclusively.
	mu      sync.Mutex
	entries []listEntry[T]
	pending []listEntry[T]
}

func newListIndex[T any](key func(*T) listKey) *listIndex[T] {
	return &listIndex[T]{key: key}
}

func (x *listIndex[T]) len() int {
	if x == nil {
		return 0
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	return len(x.entries) + len(x.pending)
}

// storedBefore is reverse list order: older first, then by ID descending.
func (x *listIndex[T]) storedBefore(a, b listEntry[T]) int {
	ka, kb := x.key(a.item), x.key(b.item)
	switch {
	case kb.listsBefore(ka):
		return -1
	case ka.listsBefore(kb):
		return 1
	}
	return 0
}

// sorted sorts pending in and returns the entries. The slice stays valid
// while the server's lock is held.
func (x *listIndex[T]) sorted() []listEntry[T] {
	x.mu.Lock()
	defer x.mu.Unlock()
	if len(x.pending) == 0 {
		return x.entries
	}
	slices.SortStableFunc(x.pending, x.storedBefore)
	// Entries before the oldest pending one stay; the rest merge.
	p := cut(x.entries, x.key, x.key(x.pending[0].item))
	tail := make([]listEntry[T], 0, len(x.entries)-p+len(x.pending))
	a, b := x.entries[p:], x.pending
	for len(a) > 0 && len(b) > 0 {
		if x.storedBefore(b[0], a[0]) < 0 {
			tail, b = append(tail, b[0]), b[1:]
		} else {
			tail, a = append(tail, a[0]), a[1:]
		}
	}
	tail = append(append(tail, a...), b...)
	x.entries = append(x.entries[:p], tail...)
	clear(x.pending)
	x.pending = x.pending[:0]
	return x.entries
}

// cut returns the number of entries that come after k in list order: they
// are entries[:cut].
func cut[T any](entries []listEntry[T], key func(*T) listKey, k listKey) int {
	return sort.Search(len(entries), func(i int) bool {
		return !k.listsBefore(key(entries[i].item))
	})
}

// insert adds item: an append when it is the newest, else a pending
// insert.
func (x *listIndex[T]) insert(item *T, owner *backupRegion) {
	e := listEntry[T]{item: item, owner: owner}
	n := len(x.entries)
	if len(x.pending) == 0 && (n == 0 || x.key(item).listsBefore(x.key(x.entries[n-1].item))) {
		x.entries = append(x.entries, e)
		return
	}
	x.pending = append(x.pending, e)
}

// remove deletes item, moving the shorter side of the slice: expiring the
// oldest items costs O(1) each.
func (x *listIndex[T]) remove(item *T) {
	entries := x.sorted()
	k := x.key(item)
	n := len(entries)
	i := cut(entries, x.key, k)
	for i < n && entries[i].item != item {
		if kk := x.key(entries[i].item); !kk.t.Equal(k.t) || kk.id != k.id {
			return
		}
		i++
	}
	if i == n {
		return
	}
	if i < n/2 {
		copy(entries[1:i+1], entries[:i])
		entries[0] = listEntry[T]{}
		x.entries = entries[1:]
		return
	}
	copy(entries[i:], entries[i+1:])
	entries[n-1] = listEntry[T]{}
	x.entries = entries[:n-1]
}

// newest returns the first item in list order, nil when empty.
func (x *listIndex[T]) newest() *T {
	if x == nil {
		return nil
	}
	entries := x.sorted()
	if len(entries) == 0 {
		return nil
	}
	return entries[len(entries)-1].item
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
	entries := x.sorted()
	size := 1000
	if max != nil && *max > 0 {
		size = int(*max)
	}
	i := len(entries)
	if before != nil {
		i = sort.Search(len(entries), func(j int) bool { return !x.key(entries[j].item).t.Before(*before) })
	}
	if resume != nil {
		i = min(i, cut(entries, x.key, *resume))
	}
	var page []T
	for i--; i >= 0; i-- {
		e := entries[i]
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
