package emulator

import (
	"container/heap"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/orgbackup/orgbackup/policy"
)

// Virtual time. The emulator's clock moves only when Advance or AdvanceTo
// is called; they run everything that falls due in between (scheduled
// backup rules, job completions, copy jobs, lifecycle transitions) in time
// order. Events due at the same instant run in the order they were
// scheduled, so a given seed and sequence of calls always produces the
// same state.

// Default job durations (SetJobDurations changes them). AWS gives no fixed
// figures; these keep scenarios readable: a backup completes 10 minutes
// after it starts, a copy after an hour. Restores follow a model per
// resource type and size (RestoreDuration); DefaultRestoreDuration is its
// base for types it does not list.
const (
	DefaultBackupDuration  = 10 * time.Minute
	DefaultCopyDuration    = time.Hour
	DefaultRestoreDuration = 30 * time.Minute
)

// MaxReportEvents bounds AdvanceReport.Events, so that advancing a large
// organization by weeks yields a report of reasonable size; the counts
// are always complete.
const MaxReportEvents = 10000

// DefaultCopyJobLimit is the number of copy jobs that may run at once for
// one source account to one destination Region, AWS Backup's quota
// "Concurrent backup copies per account outbound to a destination Region"
// (100, "AWS Backup quotas"). Further copy jobs wait in CREATED.
const DefaultCopyJobLimit = 100

// JobDurations are how long jobs run in virtual time.
type JobDurations struct {
	// Backup is from a backup job's start to its completion.
	Backup time.Duration `json:"backup"`
	// Copy is from a copy job's start to its completion.
	Copy time.Duration `json:"copy"`
	// Restore is from a restore job's start to its completion. Once set
	// with SetJobDurations it applies to every restore; until then the
	// restore duration model decides (RestoreDuration, restore.go).
	Restore time.Duration `json:"restore"`
}

// AdvanceReport says what ran while the clock advanced.
type AdvanceReport struct {
	// From and To are the virtual times before and after.
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Counts of what happened.
	RulesRun             int `json:"rules_run"`
	BackupJobsCreated    int `json:"backup_jobs_created"`
	BackupJobsStarted    int `json:"backup_jobs_started"`
	BackupJobsCompleted  int `json:"backup_jobs_completed"`
	BackupJobsFailed     int `json:"backup_jobs_failed"`
	BackupJobsExpired    int `json:"backup_jobs_expired"`
	CopyJobsCreated      int `json:"copy_jobs_created"`
	CopyJobsStarted      int `json:"copy_jobs_started"`
	CopyJobsCompleted    int `json:"copy_jobs_completed"`
	CopyJobsFailed       int `json:"copy_jobs_failed"`
	RestoreJobsCompleted int `json:"restore_jobs_completed"`
	RestoreJobsFailed    int `json:"restore_jobs_failed"`
	ColdMoves            int `json:"cold_moves"`
	Expirations          int `json:"expirations"`
	Notifications        int `json:"notifications"`
	// Events lists job state changes and lifecycle actions in order, the
	// first MaxReportEvents of them; EventsOmitted counts the rest.
	Events        []AdvanceEvent `json:"events,omitempty"`
	EventsOmitted int            `json:"events_omitted,omitempty"`
}

// AdvanceEvent is one thing that happened in virtual time.
type AdvanceEvent struct {
	Time time.Time `json:"time"`
	// Kind is "BACKUP_JOB", "COPY_JOB", "RESTORE_JOB", "RECOVERY_POINT",
	// "BACKUP_RULE" or "RESTORE_TESTING_PLAN".
	Kind    string `json:"kind"`
	Account string `json:"account"`
	Region  string `json:"region"`
	// ID is the job ID, recovery point ARN or plan ID and rule name.
	ID string `json:"id"`
	// State is the job's new state, or for recovery points "COLD" or
	// "EXPIRED", for rules and restore testing plans "RUN"; restore jobs
	// also report "DELETING" and "DELETED" for the resource a restore test
	// restored.
	State string `json:"state"`
	// Message is the status message, if any.
	Message string `json:"message,omitempty"`
}

// event is one entry of the event queue.
type event struct {
	at   time.Time
	seq  uint64
	kind string // for the state dump
	ref  string
	run  func()
}

// eventQueue is a min-heap ordered by (time, sequence number).
type eventQueue []*event

func (q eventQueue) Len() int { return len(q) }
func (q eventQueue) Less(i, j int) bool {
	if !q[i].at.Equal(q[j].at) {
		return q[i].at.Before(q[j].at)
	}
	return q[i].seq < q[j].seq
}
func (q eventQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *eventQueue) Push(x any)   { *q = append(*q, x.(*event)) }
func (q *eventQueue) Pop() any {
	old := *q
	n := len(old)
	e := old[n-1]
	old[n-1] = nil
	*q = old[:n-1]
	return e
}

// engine is the state of virtual time: the event queue, running jobs and
// recovery point lifecycles.
type engine struct {
	queue eventQueue
	seq   uint64
	rules map[string]*ruleSlot // pending run of each plan rule
	// restoreTests is the pending run of each restore testing plan, by ARN.
	restoreTests map[string]*ruleSlot
	// restoreCleanups deletes what a restore test restored, by job ID,
	// until it has started.
	restoreCleanups map[string]func()
	copyLimit       int
	durations       JobDurations
	// restoreFixed: SetJobDurations set Restore, which then replaces the
	// restore duration model (restore.go).
	restoreFixed bool

	copyRunning map[copyKey]int
	copyWaiting map[copyKey][]*copyTask
	busy        map[string]bool          // resource ARN → a backup job is running
	waiting     map[string][]*backupTask // resource ARN → jobs waiting for it
	rps         map[string]*rpMeta       // recovery point ARN → lifecycle state
	policyFP    map[string]string        // account → resolved effective backup policy
	schedules   map[string]*policy.Schedule
	locations   map[string]*time.Location
	tokens      map[string]string       // idempotency tokens → job IDs
	copyAllowed map[string]copyDecision // vault policy decisions, cleared at each advance
	report      *AdvanceReport
	discard     AdvanceReport // receives counts outside Advance

	// Allocation savers for the job engine, which stores millions of
	// pointers: events are reused once run; strings that repeat (ARNs of
	// resources and vaults, names, roles, constants) share one pointer,
	// as do the times of one instant. Nothing writes through these
	// pointers: jobs and recovery points change by replacing them.
	free     []*event
	strs     map[string]*string
	nowAt    time.Time
	nowShare *time.Time
}

// str returns a pointer to v shared by every caller asking for the same
// string. Only for strings that repeat; nobody may write through it.
func (e *engine) str(v string) *string {
	if p := e.strs[v]; p != nil {
		return p
	}
	if e.strs == nil {
		e.strs = map[string]*string{}
	}
	p := new(string) // not &v, which would move every v to the heap
	*p = v
	e.strs[v] = p
	return p
}

// vaultARNPtrLocked returns the ARN of vault name in b, shared when the
// vault exists.
func (s *Server) vaultARNPtrLocked(b *backupRegion, name string) *string {
	if v := b.vaults[name]; v != nil {
		return s.engineLocked().str(v.arn)
	}
	return aws.String(b.arn("backup-vault", name))
}

// nowPtrLocked returns a pointer to the current virtual time, shared by
// every caller until the clock moves; nobody may write through it.
func (s *Server) nowPtrLocked() *time.Time {
	e := s.engineLocked()
	if e.nowShare == nil || e.nowAt != s.now {
		e.nowAt = s.now
		e.nowShare = timePtr(s.now)
	}
	return e.nowShare
}

// engineLocked returns the server's engine, creating it on first use.
func (s *Server) engineLocked() *engine {
	if s.engine == nil {
		s.engine = &engine{
			copyLimit:   DefaultCopyJobLimit,
			durations:   JobDurations{Backup: DefaultBackupDuration, Copy: DefaultCopyDuration, Restore: DefaultRestoreDuration},
			copyRunning: map[copyKey]int{},
			copyWaiting: map[copyKey][]*copyTask{},
			busy:        map[string]bool{},
			waiting:     map[string][]*backupTask{},
			rps:         map[string]*rpMeta{},
			policyFP:    map[string]string{},
			schedules:   map[string]*policy.Schedule{},
			locations:   map[string]*time.Location{},
		}
	}
	return s.engine
}

// SetCopyJobLimit sets how many copy jobs may run at once for one source
// account to one destination Region (default DefaultCopyJobLimit); n < 1
// restores the default.
func (s *Server) SetCopyJobLimit(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n < 1 {
		n = DefaultCopyJobLimit
	}
	s.engineLocked().copyLimit = n
}

// SetJobDurations sets how long jobs run; zero fields keep their current
// value.
func (s *Server) SetJobDurations(d JobDurations) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.engineLocked()
	if d.Backup > 0 {
		e.durations.Backup = d.Backup
	}
	if d.Copy > 0 {
		e.durations.Copy = d.Copy
	}
	if d.Restore > 0 {
		e.durations.Restore = d.Restore
		e.restoreFixed = true
	}
}

// Advance moves the virtual clock forward by d, running everything due
// on the way, and reports what ran.
func (s *Server) Advance(d time.Duration) AdvanceReport {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.advanceLocked(s.now.Add(d))
}

// AdvanceTo moves the virtual clock to t (never backwards), running
// everything due up to and including t, and reports what ran.
func (s *Server) AdvanceTo(t time.Time) AdvanceReport {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.advanceLocked(t)
}

func (s *Server) advanceLocked(t time.Time) AdvanceReport {
	e := s.engineLocked()
	t = t.UTC()
	if t.Before(s.now) {
		t = s.now
	}
	rep := &AdvanceReport{From: s.now, To: t}
	e.report = rep
	defer func() { e.report = nil }()
	// Organizations deploys backup policies to member accounts
	// asynchronously; the emulator does it when the clock moves.
	e.copyAllowed = map[string]copyDecision{}
	s.syncPolicyPlansLocked()
	s.scheduleRulesLocked()
	s.scheduleRestoreTestingLocked()
	for e.queue.Len() > 0 && !e.queue[0].at.After(t) {
		ev := heap.Pop(&e.queue).(*event)
		if ev.at.After(s.now) {
			s.now = ev.at
		}
		run := ev.run
		*ev = event{}
		e.free = append(e.free, ev)
		run()
	}
	s.now = t
	return *rep
}

// atLocked schedules fn at t (never before now).
func (s *Server) atLocked(t time.Time, kind, ref string, fn func()) {
	e := s.engineLocked()
	if t.Before(s.now) {
		t = s.now
	}
	e.seq++
	var ev *event
	if n := len(e.free); n > 0 {
		ev, e.free = e.free[n-1], e.free[:n-1]
	} else {
		ev = &event{}
	}
	*ev = event{at: t, seq: e.seq, kind: kind, ref: ref, run: fn}
	heap.Push(&e.queue, ev)
}

// reportLocked is the report of the Advance in progress (a scratch one
// for jobs that API calls start between advances).
func (s *Server) reportLocked() *AdvanceReport {
	e := s.engineLocked()
	if e.report != nil {
		return e.report
	}
	e.discard = AdvanceReport{}
	return &e.discard
}

// logEventLocked records one event in the current report.
func (s *Server) logEventLocked(kind, account, region, id, state, msg string) {
	s.emitBackupEventLocked(kind, account, region, id, state)
	r := s.reportLocked()
	if len(r.Events) >= MaxReportEvents {
		r.EventsOmitted++
		return
	}
	r.Events = append(r.Events, AdvanceEvent{Time: s.now, Kind: kind, Account: account, Region: region, ID: id, State: state, Message: msg})
}

// locationLocked loads a time zone once.
func (s *Server) locationLocked(name string) *time.Location {
	e := s.engineLocked()
	if loc, ok := e.locations[name]; ok {
		return loc
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc = time.UTC
	}
	e.locations[name] = loc
	return loc
}

// scheduleLocked parses a schedule expression once.
func (s *Server) scheduleLocked(expr string) *policy.Schedule {
	e := s.engineLocked()
	if sc, ok := e.schedules[expr]; ok {
		return sc
	}
	sc, err := policy.ParseCron(expr)
	if err != nil {
		sc = nil
	}
	e.schedules[expr] = sc
	return sc
}

func days(n int64) time.Duration { return time.Duration(n) * 24 * time.Hour }

// policyKey identifies a policy document of a kind.
type policyKey struct {
	kind policyKind
	doc  string
}

// parsedPolicyLocked parses a policy document once; nil when it is
// malformed. Documents are immutable strings, so the cache never goes
// stale.
func (s *Server) parsedPolicyLocked(doc string, kind policyKind) *policyDocument {
	// The cache has a lock of its own: authorization also runs under the
	// server's shared lock.
	s.policyCacheMu.Lock()
	defer s.policyCacheMu.Unlock()
	if s.policyCache == nil {
		s.policyCache = map[policyKey]*policyDocument{}
	}
	key := policyKey{kind, doc}
	if p, ok := s.policyCache[key]; ok {
		return p
	}
	p, err := parsePolicy(doc, kind)
	if err != nil {
		p = nil
	}
	s.policyCache[key] = p
	return p
}
