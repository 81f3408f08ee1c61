package emulator

import (
	"fmt"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/orgbackup/orgbackup/policy"
)

// Bounds on an organization fixture: its size, and the number of values
// it stands for once its YAML aliases are expanded, so that a small file
// of nested aliases (a "billion laughs" document) cannot exhaust memory.
// The largest organization AWS allows by default has 10 levels of OUs and
// at most a few thousand accounts; these leave ample room.
const (
	maxFixtureBytes  = 8 << 20
	maxFixtureValues = 1_000_000
)

// checkFixtureSize refuses a fixture over maxFixtureBytes or whose aliases
// expand to more than maxFixtureValues values, before it is decoded.
func checkFixtureSize(data []byte) error {
	if len(data) > maxFixtureBytes {
		return fmt.Errorf("the fixture is %d bytes, over the limit of %d", len(data), maxFixtureBytes)
	}
	// The YAML parser recurses once per level of nesting: checked first.
	if line, col, deep := policy.FlowDepthExceeded(data, policy.MaxYAMLFlowDepth); deep {
		return fmt.Errorf("line %d, column %d: brackets are nested more than %d levels deep", line, col, policy.MaxYAMLFlowDepth)
	}
	if line, col, long := policy.BlockKeysExceeded(data, 4*policy.MaxYAMLBlockKeys); long {
		return fmt.Errorf("line %d, column %d: a mapping has more than %d keys", line, col, 4*policy.MaxYAMLBlockKeys)
	}
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return err
	}
	c := expansion{anchors: map[string]int{}}
	for _, doc := range file.Docs {
		if c.size(doc) > maxFixtureValues {
			return fmt.Errorf("the fixture stands for more than %d values once its YAML aliases are expanded", maxFixtureValues)
		}
	}
	return nil
}

// expansion counts the values a YAML node stands for, aliases expanded,
// each anchor's count computed once, in document order (an alias names
// the latest anchor of its name before it). Counts saturate just above
// maxFixtureValues, so nested aliases cannot overflow them.
type expansion struct {
	anchors map[string]int
}

func add(a, b int) int { return min(a+b, maxFixtureValues+1) }

func (e *expansion) size(n ast.Node) int {
	switch x := n.(type) {
	case nil:
		return 0
	case *ast.DocumentNode:
		return e.size(x.Body)
	case *ast.MappingNode:
		s := 1
		for _, v := range x.Values {
			s = add(s, e.size(v))
		}
		return s
	case *ast.MappingValueNode:
		return add(e.size(x.Key), e.size(x.Value))
	case *ast.MappingKeyNode:
		return e.size(x.Value)
	case *ast.SequenceNode:
		s := 1
		for _, v := range x.Values {
			s = add(s, e.size(v))
		}
		return s
	case *ast.TagNode:
		return e.size(x.Value)
	case *ast.AnchorNode:
		s := e.size(x.Value)
		if x.Name != nil {
			e.anchors[x.Name.String()] = s
		}
		return s
	case *ast.AliasNode:
		if x.Value == nil {
			return 1
		}
		return e.anchors[x.Value.String()]
	}
	return 1
}
