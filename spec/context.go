package spec

import (
	"context"
	"fmt"
	"io"
	"os"
)

// LoadContext is Load that gives up when ctx is done (Ctrl-C, SIGTERM),
// returning ctx's error at once. Parsing is bounded (MaxSpecBytes, alias
// expansion, nesting depth), so the work left behind ends shortly after.
func LoadContext(ctx context.Context, path string) (*Spec, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("reading spec: %w", err)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading spec: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(ctxReader{ctx, f}, MaxSpecBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading spec: %w", err)
	}
	return ParseContext(ctx, path, data)
}

// ParseContext is Parse that gives up when ctx is done, returning ctx's
// error at once.
func ParseContext(ctx context.Context, filename string, data []byte) (*Spec, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("parsing spec %s: %w", filename, err)
	}
	type result struct {
		s   *Spec
		err error
	}
	done := make(chan result, 1)
	go func() {
		s, err := Parse(filename, data)
		done <- result{s, err}
	}()
	select {
	case r := <-done:
		return r.s, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("parsing spec %s: %w", filename, ctx.Err())
	}
}

// ctxReader stops reading once its context is done (a spec on a slow
// pipe or network file system).
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
