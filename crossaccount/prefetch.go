package crossaccount

import (
	"context"
	"sync"
)

// Prefetcher obtains the credentials of accounts in the background, a
// bounded number at once, so that role assumption (rate-limited per
// account and Region at the assuming account's STS endpoint) overlaps
// other work such as listing the organization. Errors are dropped: the
// Config call that needs the account later asks again and reports them.
type Prefetcher struct {
	ctx    context.Context
	src    ConfigSource
	region string

	mu     sync.Mutex
	cond   *sync.Cond
	queue  []string
	seen   map[string]bool
	closed bool
	wg     sync.WaitGroup
}

// NewPrefetcher starts workers workers that call src.Config for each
// account added, in region. Stop it with Close.
func NewPrefetcher(ctx context.Context, src ConfigSource, region string, workers int) *Prefetcher {
	p := &Prefetcher{ctx: ctx, src: src, region: region, seen: map[string]bool{}}
	p.cond = sync.NewCond(&p.mu)
	for range max(1, workers) {
		p.wg.Go(p.work)
	}
	return p
}

// Add queues an account; it never blocks. An account is fetched once.
func (p *Prefetcher) Add(account string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.seen[account] {
		return
	}
	p.seen[account] = true
	p.queue = append(p.queue, account)
	p.cond.Signal()
}

// Close drops what is still queued and waits for the fetches under way.
func (p *Prefetcher) Close() {
	p.mu.Lock()
	p.closed = true
	p.queue = nil
	p.cond.Broadcast()
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *Prefetcher) work() {
	for {
		p.mu.Lock()
		for len(p.queue) == 0 && !p.closed {
			p.cond.Wait()
		}
		if p.closed {
			p.mu.Unlock()
			return
		}
		account := p.queue[0]
		p.queue = p.queue[1:]
		p.mu.Unlock()
		if p.ctx.Err() != nil {
			continue
		}
		_, _ = p.src.Config(p.ctx, account, p.region)
	}
}
