package emulator

import (
	"net/http"
	"sort"
	"sync"
	"time"
)

// Fault injects misbehaviour into the calls it matches. Empty match fields
// match everything.
type Fault struct {
	// Service is the signing name ("backup", "kms", ...) to match.
	Service string
	// Operation is the operation name to match.
	Operation string
	// Account is the caller account to match.
	Account string

	// Latency delays each matching call before it is handled (outside the
	// server's lock, so concurrent calls overlap as they would on AWS).
	Latency time.Duration
	// RatePerSecond, when positive, throttles matching calls with a token
	// bucket per (account, service, Region; one Region for the global
	// services IAM and Organizations) refilled at this rate, answering
	// with the service's real throttling error.
	RatePerSecond float64
	// Burst is the token bucket's size; default max(1, RatePerSecond).
	Burst float64
	// ThrottleRate is the probability (0..1) that a matching call is
	// answered with the service's real throttling error, whatever the
	// rate of calls. Draws come from the server's seeded generator.
	ThrottleRate float64
	// ErrorRate is the probability (0..1) that a matching call fails with
	// a 500 InternalFailure (or the service's equivalent). Draws come from
	// the server's seeded generator.
	ErrorRate float64
	// FailNext fails the next FailNext matching calls with Err (one-shot
	// failures).
	FailNext int
	// Err is the error for FailNext; default a 500 InternalFailure.
	Err error
	// LoseResponseRate is the probability (0..1) that a matching call
	// that succeeded loses its response: the operation takes effect, then
	// the connection is closed without an answer, as when a network fails
	// between AWS and the caller. Draws come from the server's seeded
	// generator.
	LoseResponseRate float64
	// LoseNext loses the responses of the next LoseNext matching calls
	// that succeed.
	LoseNext int
}

func (f *Fault) matches(service, op, account string) bool {
	return (f.Service == "" || f.Service == service) &&
		(f.Operation == "" || f.Operation == op) &&
		(f.Account == "" || f.Account == account)
}

// CallKey identifies a counter of calls.
type CallKey struct {
	Account, Region, Service, Operation string
}

// CallStats counts the calls for one CallKey.
type CallStats struct {
	CallKey
	// Calls counts every request that reached the operation, throttled or
	// failed ones included.
	Calls int
	// Throttled counts requests answered with a throttling error.
	Throttled int
	// Failed counts requests answered with an injected failure.
	Failed int
	// Lost counts requests that took effect and whose response was lost.
	Lost int
}

// faultState is guarded by its own mutex so latency and throttling never
// wait for the state lock.
type faultState struct {
	mu      sync.Mutex
	faults  []*Fault
	buckets map[bucketKey]*bucket
	stats   map[CallKey]*CallStats
}

type bucketKey struct {
	fault                    *Fault
	account, service, region string
}

// quotaRegion is the Region a throttling bucket belongs to: AWS applies
// request quotas per account and Region unless it says otherwise
// ("Unless otherwise noted, each quota is Region-specific", Service
// Quotas User Guide); IAM and Organizations are global services with one
// endpoint, so their quotas are the account's in every Region.
func quotaRegion(service, region string) string {
	switch service {
	case "iam", "organizations":
		return ""
	}
	return region
}

type bucket struct {
	tokens float64
	last   time.Time
}

// AddFault installs a fault; it applies to calls that start after it.
func (s *Server) AddFault(f Fault) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.faults = append(s.faults.faults, &f)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.faults = nil
	s.faults.buckets = nil
}

// CallStats returns the call counters, sorted by key.
func (s *Server) CallStats() []CallStats {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	out := make([]CallStats, 0, len(s.faults.stats))
	for _, st := range s.faults.stats {
		out = append(out, *st)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].CallKey, out[j].CallKey
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		if a.Service != b.Service {
			return a.Service < b.Service
		}
		return a.Operation < b.Operation
	})
	return out
}

// ResetCallStats zeroes the call counters.
func (s *Server) ResetCallStats() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.stats = nil
}

// applyFaults counts the call and applies matching faults: it sleeps for
// latency, then answers whether the call is throttled or fails.
func (s *Server) applyFaults(c *Call) error {
	fs := &s.faults
	fs.mu.Lock()
	if fs.stats == nil {
		fs.stats = map[CallKey]*CallStats{}
	}
	key := CallKey{Account: c.Account, Region: c.Region, Service: c.Service, Operation: c.Operation}
	st := fs.stats[key]
	if st == nil {
		st = &CallStats{CallKey: key}
		fs.stats[key] = st
	}
	st.Calls++
	var latency time.Duration
	var failure error
	now := time.Now()
	for _, f := range fs.faults {
		if !f.matches(c.Service, c.Operation, c.Account) {
			continue
		}
		latency += f.Latency
		if failure != nil {
			continue
		}
		if f.RatePerSecond > 0 {
			if fs.buckets == nil {
				fs.buckets = map[bucketKey]*bucket{}
			}
			burst := f.Burst
			if burst <= 0 {
				burst = max(1, f.RatePerSecond)
			}
			bk := bucketKey{f, c.Account, c.Service, quotaRegion(c.Service, c.Region)}
			b := fs.buckets[bk]
			if b == nil {
				b = &bucket{tokens: burst, last: now}
				fs.buckets[bk] = b
			}
			b.tokens = min(burst, b.tokens+now.Sub(b.last).Seconds()*f.RatePerSecond)
			b.last = now
			if b.tokens < 1 {
				st.Throttled++
				failure = throttlingError(c.Service)
				continue
			}
			b.tokens--
		}
		if f.ThrottleRate > 0 && s.faultRand() < f.ThrottleRate {
			st.Throttled++
			failure = throttlingError(c.Service)
			continue
		}
		if f.FailNext > 0 {
			f.FailNext--
			st.Failed++
			failure = f.Err
			if failure == nil {
				failure = internalFailure()
			}
			continue
		}
		if f.ErrorRate > 0 && s.faultRand() < f.ErrorRate {
			st.Failed++
			failure = internalFailure()
		}
	}
	fs.mu.Unlock()
	if latency > 0 {
		time.Sleep(latency)
	}
	return failure
}

func (s *Server) faultRand() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ids.r.Float64()
}

func internalFailure() error {
	return &awsError{Code: "InternalFailure", Message: "The request processing has failed because of an unknown error, exception or failure.", Status: http.StatusInternalServerError}
}

// throttlingError is the error each service answers with when it throttles.
func throttlingError(service string) error {
	switch service {
	case "organizations":
		return &awsError{Code: "TooManyRequestsException", Message: "You have sent too many requests in too short a period of time. The quota helps protect against denial-of-service attacks. Try again later.", Status: http.StatusBadRequest, Sender: true}
	case "iam", "sts":
		return &awsError{Code: "Throttling", Message: "Rate exceeded", Status: http.StatusBadRequest, Sender: true}
	case "sns":
		return &awsError{Code: "Throttled", Message: "Rate exceeded", Status: http.StatusBadRequest, Sender: true}
	case "s3":
		return &awsError{Code: "SlowDown", Message: "Please reduce your request rate.", Status: http.StatusServiceUnavailable}
	case "tagging":
		return &awsError{Code: "ThrottledException", Message: "Rate exceeded", Status: http.StatusBadRequest, Sender: true}
	default:
		return &awsError{Code: "ThrottlingException", Message: "Rate exceeded", Status: http.StatusBadRequest, Sender: true}
	}
}
