package crossaccount

import (
	"context"
	"encoding/json"
	"reflect"
	"sync"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// readCacheID names the read cache in the middleware stack.
const readCacheID = "orgbackup.ReadCache"

// ReadCache answers a read operation (see IsReadOperation) that was
// already made with the same input from the first answer, so one run
// never asks twice for the same thing: a plan discovers the organization's
// roots and then checks the backup policy type on the root, and the two
// share one ListRoots. Concurrent identical reads wait for the first.
// Errors are not cached. Outputs are shared between callers, who must
// treat them as read-only (the SDK's paginators do). A ReadCache lives for
// one run: it never expires anything, so a later run needs a new one.
type ReadCache struct {
	mu      sync.Mutex
	entries map[string]*readEntry
}

type readEntry struct {
	done chan struct{}
	out  middleware.InitializeOutput
	meta middleware.Metadata
	err  error
}

// NewReadCache returns an empty cache.
func NewReadCache() *ReadCache {
	return &ReadCache{entries: map[string]*readEntry{}}
}

// APIOption installs the cache in a client's middleware stack, for
// example in organizations.Options.APIOptions. Place it after the
// read-only guard, which it never bypasses: it is added last in the
// Initialize step.
func (c *ReadCache) APIOption(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc(readCacheID, c.handle), middleware.After)
}

func (c *ReadCache) handle(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
	op := awsmiddleware.GetOperationName(ctx)
	if !IsReadOperation(op) {
		return next.HandleInitialize(ctx, in)
	}
	params, err := json.Marshal(in.Parameters)
	if err != nil {
		return next.HandleInitialize(ctx, in)
	}
	key := awsmiddleware.GetServiceID(ctx) + " " + awsmiddleware.GetRegion(ctx) + " " + op + " " + string(params)
	for {
		c.mu.Lock()
		e, ok := c.entries[key]
		if !ok {
			e = &readEntry{done: make(chan struct{})}
			c.entries[key] = e
			c.mu.Unlock()
			out, meta, err := next.HandleInitialize(ctx, in)
			// The client writes ResultMetadata into the output it
			// returns, so every caller gets its own shallow copy and the
			// cache keeps one nobody writes.
			e.out, e.meta, e.err = middleware.InitializeOutput{Result: shallowCopy(out.Result)}, meta, err
			if e.err != nil {
				c.mu.Lock()
				delete(c.entries, key)
				c.mu.Unlock()
			}
			close(e.done)
			return out, meta, err
		}
		c.mu.Unlock()
		select {
		case <-e.done:
		case <-ctx.Done():
			return middleware.InitializeOutput{}, middleware.Metadata{}, ctx.Err()
		}
		if e.err == nil {
			return middleware.InitializeOutput{Result: shallowCopy(e.out.Result)}, e.meta, nil
		}
		// The first caller failed (perhaps its context was cancelled):
		// try again on this caller's behalf.
	}
}

// shallowCopy returns a pointer to a copy of the struct v points to, or v
// when it is not a pointer to a struct.
func shallowCopy(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return v
	}
	c := reflect.New(rv.Elem().Type())
	c.Elem().Set(rv.Elem())
	return c.Interface()
}
