package policy

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kind is the JSON type of a Node.
type Kind int

// JSON value kinds.
const (
	KindNull Kind = iota
	KindBool
	KindNumber
	KindString
	KindArray
	KindObject
)

// String returns the JSON name of the kind: "null", "boolean", "number",
// "string", "array" or "object".
func (k Kind) String() string {
	switch k {
	case KindNull:
		return "null"
	case KindBool:
		return "boolean"
	case KindNumber:
		return "number"
	case KindString:
		return "string"
	case KindArray:
		return "array"
	case KindObject:
		return "object"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Node is one JSON value together with where it starts in its document.
// Unlike encoding/json it keeps object members in document order, including
// duplicate keys, so that a checker can report them.
type Node struct {
	// Kind is the value's JSON type.
	Kind Kind
	// Line and Col are the 1-based position of the value's first byte;
	// Col counts bytes, as Go tools do.
	Line, Col int
	// Str is the decoded value of a string, or the literal text of a number
	// exactly as written.
	Str string
	// Bool is the value of a boolean.
	Bool bool
	// Elems are the elements of an array.
	Elems []*Node
	// Members are the members of an object, in document order.
	Members []Member
}

// Member is one "key": value pair of a JSON object.
type Member struct {
	// Key is the decoded key.
	Key string
	// Line and Col are the 1-based position of the key's opening quote.
	Line, Col int
	// Value is the member's value.
	Value *Node
}

// Get returns the value of the last member of object n named key (the one
// encoding/json would keep), or nil if n is not an object or has no such
// member.
func (n *Node) Get(key string) *Node {
	if n == nil || n.Kind != KindObject {
		return nil
	}
	for i := len(n.Members) - 1; i >= 0; i-- {
		if n.Members[i].Key == key {
			return n.Members[i].Value
		}
	}
	return nil
}

// Locate returns the position that best matches path below n: each element
// selects an object member by key (the last one of that name) or an array
// element by decimal index. It returns the position of the key of the last
// member matched (or of the value, for array elements and an empty path); if
// the path leaves the document early, it returns the position of the deepest
// part that exists. A nil n gives 0, 0.
func (n *Node) Locate(path []string) (line, col int) {
	if n == nil {
		return 0, 0
	}
	line, col = n.Line, n.Col
	cur := n
	for _, p := range path {
		switch cur.Kind {
		case KindObject:
			var m *Member
			for i := len(cur.Members) - 1; i >= 0; i-- {
				if cur.Members[i].Key == p {
					m = &cur.Members[i]
					break
				}
			}
			if m == nil {
				return line, col
			}
			line, col, cur = m.Line, m.Col, m.Value
		case KindArray:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(cur.Elems) {
				return line, col
			}
			cur = cur.Elems[i]
			line, col = cur.Line, cur.Col
		default:
			return line, col
		}
	}
	return line, col
}

// maxJSONDepth bounds nesting so hostile input cannot exhaust the stack.
// Backup policies nest about a dozen levels deep.
const maxJSONDepth = 200

// ParseJSON parses one JSON value (RFC 8259) from data, recording positions.
// Surrounding whitespace and a leading UTF-8 byte order mark are allowed;
// anything else after the value is an error, as are invalid UTF-8 in
// strings and nesting deeper than 200 levels. The error is a *ParseError
// whose File is filename.
func ParseJSON(filename string, data []byte) (*Node, error) {
	s := &jsonScanner{file: filename, data: data, line: 1, lineStart: 0}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		s.pos = 3
		s.lineStart = 3
	}
	s.skipSpace()
	if s.pos >= len(s.data) {
		return nil, s.errorf("unexpected end of input, want a JSON value")
	}
	n, err := s.value(0)
	if err != nil {
		return nil, err
	}
	s.skipSpace()
	if s.pos < len(s.data) {
		return nil, s.errorf("unexpected %s after the JSON value", s.describe())
	}
	return n, nil
}

type jsonScanner struct {
	file      string
	data      []byte
	pos       int
	line      int
	lineStart int // offset of the first byte of the current line
}

func (s *jsonScanner) col() int { return s.pos - s.lineStart + 1 }

func (s *jsonScanner) errorf(format string, args ...any) *ParseError {
	return &ParseError{File: s.file, Line: s.line, Col: s.col(), Message: fmt.Sprintf(format, args...)}
}

// describe names the byte at pos for error messages.
func (s *jsonScanner) describe() string {
	if s.pos >= len(s.data) {
		return "end of input"
	}
	c := s.data[s.pos]
	if c >= 0x20 && c < 0x7f {
		return strconv.QuoteRune(rune(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

func (s *jsonScanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\r':
			s.pos++
		case '\n':
			s.pos++
			s.line++
			s.lineStart = s.pos
		default:
			return
		}
	}
}

func (s *jsonScanner) value(depth int) (*Node, error) {
	if depth > maxJSONDepth {
		return nil, s.errorf("JSON nested more than %d levels deep", maxJSONDepth)
	}
	n := &Node{Line: s.line, Col: s.col()}
	if s.pos >= len(s.data) {
		return nil, s.errorf("unexpected end of input, want a JSON value")
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		n.Kind = KindObject
		return n, s.object(n, depth)
	case c == '[':
		n.Kind = KindArray
		return n, s.array(n, depth)
	case c == '"':
		n.Kind = KindString
		str, err := s.str()
		n.Str = str
		return n, err
	case c == '-' || (c >= '0' && c <= '9'):
		n.Kind = KindNumber
		lit, err := s.number()
		n.Str = lit
		return n, err
	case s.literal("true"):
		n.Kind, n.Bool = KindBool, true
		return n, nil
	case s.literal("false"):
		n.Kind = KindBool
		return n, nil
	case s.literal("null"):
		n.Kind = KindNull
		return n, nil
	}
	return nil, s.errorf("unexpected %s, want a JSON value", s.describe())
}

func (s *jsonScanner) literal(word string) bool {
	if !strings.HasPrefix(string(s.data[s.pos:min(len(s.data), s.pos+len(word))]), word) {
		return false
	}
	s.pos += len(word)
	return true
}

func (s *jsonScanner) object(n *Node, depth int) error {
	s.pos++ // '{'
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		return nil
	}
	for {
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != '"' {
			return s.errorf("unexpected %s, want a string key", s.describe())
		}
		m := Member{Line: s.line, Col: s.col()}
		key, err := s.str()
		if err != nil {
			return err
		}
		m.Key = key
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != ':' {
			return s.errorf("unexpected %s after object key, want ':'", s.describe())
		}
		s.pos++
		s.skipSpace()
		if m.Value, err = s.value(depth + 1); err != nil {
			return err
		}
		n.Members = append(n.Members, m)
		s.skipSpace()
		if s.pos < len(s.data) && s.data[s.pos] == ',' {
			s.pos++
			continue
		}
		if s.pos < len(s.data) && s.data[s.pos] == '}' {
			s.pos++
			return nil
		}
		return s.errorf("unexpected %s in object, want ',' or '}'", s.describe())
	}
}

func (s *jsonScanner) array(n *Node, depth int) error {
	s.pos++ // '['
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		return nil
	}
	for {
		s.skipSpace()
		e, err := s.value(depth + 1)
		if err != nil {
			return err
		}
		n.Elems = append(n.Elems, e)
		s.skipSpace()
		if s.pos < len(s.data) && s.data[s.pos] == ',' {
			s.pos++
			continue
		}
		if s.pos < len(s.data) && s.data[s.pos] == ']' {
			s.pos++
			return nil
		}
		return s.errorf("unexpected %s in array, want ',' or ']'", s.describe())
	}
}

// str scans a string starting at its opening quote and decodes it.
func (s *jsonScanner) str() (string, error) {
	start := s.pos
	s.pos++ // opening quote
	simple := true
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		switch {
		case c == '"':
			s.pos++
			if simple {
				return string(s.data[start+1 : s.pos-1]), nil
			}
			var out string
			if err := json.Unmarshal(s.data[start:s.pos], &out); err != nil {
				s.pos = start
				return "", s.errorf("invalid string: %v", err)
			}
			return out, nil
		case c == '\\':
			simple = false
			if s.pos+1 >= len(s.data) {
				s.pos++
				return "", s.errorf("unexpected end of input in string")
			}
			switch e := s.data[s.pos+1]; e {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.pos += 2
			case 'u':
				for i := 2; i < 6; i++ {
					if s.pos+i >= len(s.data) || !isHex(s.data[s.pos+i]) {
						return "", s.errorf("invalid \\u escape in string")
					}
				}
				s.pos += 6
			default:
				return "", s.errorf("invalid escape \\%c in string", e)
			}
		case c < 0x20:
			return "", s.errorf("control character %s in string; escape it", s.describe())
		case c < utf8.RuneSelf:
			s.pos++
		default:
			r, size := utf8.DecodeRune(s.data[s.pos:])
			if r == utf8.RuneError && size <= 1 {
				return "", s.errorf("invalid UTF-8 in string")
			}
			s.pos += size
		}
	}
	return "", s.errorf("unexpected end of input in string")
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// number scans a number per RFC 8259 section 6 and returns its text.
func (s *jsonScanner) number() (string, error) {
	start := s.pos
	digits := func() int {
		n := 0
		for s.pos < len(s.data) && s.data[s.pos] >= '0' && s.data[s.pos] <= '9' {
			s.pos++
			n++
		}
		return n
	}
	if s.data[s.pos] == '-' {
		s.pos++
	}
	if s.pos < len(s.data) && s.data[s.pos] == '0' {
		s.pos++
	} else if digits() == 0 {
		return "", s.errorf("invalid number: want a digit, got %s", s.describe())
	}
	if s.pos < len(s.data) && s.data[s.pos] == '.' {
		s.pos++
		if digits() == 0 {
			return "", s.errorf("invalid number: want a digit after '.', got %s", s.describe())
		}
	}
	if s.pos < len(s.data) && (s.data[s.pos] == 'e' || s.data[s.pos] == 'E') {
		s.pos++
		if s.pos < len(s.data) && (s.data[s.pos] == '+' || s.data[s.pos] == '-') {
			s.pos++
		}
		if digits() == 0 {
			return "", s.errorf("invalid number: want a digit in the exponent, got %s", s.describe())
		}
	}
	return string(s.data[start:s.pos]), nil
}

// ParseError is one problem in a JSON or policy document, located by file,
// line and column and, once the document parsed as JSON, by the path of keys
// leading to it.
type ParseError struct {
	// File is the name the document was read from.
	File string
	// Line and Col are 1-based; Col counts bytes. Zero means unknown.
	Line, Col int
	// Path is the chain of object keys from the document root to the
	// problem; nil for JSON syntax errors.
	Path []string
	// Message says what is wrong.
	Message string
}

// Error returns "FILE:LINE:COL: PATH: MESSAGE", leaving out the path when
// there is none.
func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	b.WriteByte(':')
	b.WriteString(strconv.Itoa(e.Line))
	b.WriteByte(':')
	b.WriteString(strconv.Itoa(e.Col))
	b.WriteString(": ")
	if len(e.Path) > 0 {
		b.WriteString(EscapeControl(strings.Join(e.Path, ".")))
		b.WriteString(": ")
	}
	b.WriteString(EscapeControl(e.Message))
	return b.String()
}
