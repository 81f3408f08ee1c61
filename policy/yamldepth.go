package policy

// MaxYAMLFlowDepth bounds how deeply flow collections ([...] and {...})
// may nest in the YAML files orgbackup reads (specs, emulator fixtures).
// YAML parsers descend recursively: half a megabyte of "[" exhausts a
// goroutine's stack and kills the process, before any other limit can
// apply. Real files nest a few levels.
const MaxYAMLFlowDepth = 64

// FlowDepthExceeded scans YAML (or JSON) text for flow collections nested
// deeper than max and returns the 1-based line and column of the first
// bracket past it, or ok=false when there is none. It is a linear scan
// that skips quoted scalars and comments, not a parser: it never
// undercounts real nesting, and may overcount only brackets inside plain
// scalars, which is harmless at any sensible max.
func FlowDepthExceeded(data []byte, max int) (line, col int, exceeded bool) {
	depth := 0
	line, col = 1, 0
	var quote byte     // the open quote, 0 outside quoted scalars
	prev := byte('\n') // the previous byte outside quoted scalars
	comment := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		col++
		if c == '\n' {
			line, col = line+1, 0
			comment = false
			if quote == 0 {
				prev = c
			}
			continue
		}
		switch {
		case comment:
			continue
		case quote == '\'':
			if c == '\'' {
				if i+1 < len(data) && data[i+1] == '\'' {
					i++
					col++
					continue
				}
				quote = 0
			}
			continue
		case quote == '"':
			if c == '\\' {
				i++
				col++
				continue
			}
			if c == '"' {
				quote = 0
			}
			continue
		}
		switch c {
		case '#':
			if isYAMLSpace(prev) {
				comment = true
				continue
			}
		case '\'', '"':
			// A quoted scalar starts a node: after white space or a
			// flow indicator, never inside a plain scalar (don't).
			if isYAMLSpace(prev) || prev == '[' || prev == '{' || prev == ',' {
				quote = c
				continue
			}
		case '[', '{':
			depth++
			if depth > max {
				return line, col, true
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
		}
		prev = c
	}
	return 0, 0, false
}

func isYAMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// MaxYAMLBlockKeys bounds the keys of one block mapping in the YAML files
// orgbackup reads. The YAML parser orgbackup uses (goccy/go-yaml) parses
// the keys of a block mapping recursively, each level copying the keys
// after it: time and memory grow with the square of their number (a
// mapping of 80,000 keys takes minutes and gigabytes). Real mappings have
// a few dozen keys.
const MaxYAMLBlockKeys = 1000

// BlockKeysExceeded scans YAML text for a block mapping with more than max
// keys and returns the 1-based line and column of the first key past it,
// or ok=false when there is none. It is a linear scan of lines, not a
// parser: lines that only look like keys (in block scalars, multi-line
// strings) count too, so it may refuse a strange but valid file, never
// let a long mapping through.
func BlockKeysExceeded(data []byte, max int) (line, col int, exceeded bool) {
	type level struct{ indent, keys int }
	var stack []level
	for n, start := 1, 0; start < len(data); n++ {
		end := start
		for end < len(data) && data[end] != '\n' {
			end++
		}
		text := data[start:end]
		start = end + 1
		i := 0
		for i < len(text) && text[i] == ' ' {
			i++
		}
		newItem := false
		// "- " starts a sequence item, whose mapping is a new one.
		for i+1 < len(text) && text[i] == '-' && (text[i+1] == ' ' || text[i+1] == '\t') {
			for len(stack) > 0 && stack[len(stack)-1].indent > i {
				stack = stack[:len(stack)-1]
			}
			newItem = true
			i += 2
			for i < len(text) && text[i] == ' ' {
				i++
			}
		}
		if !looksLikeKey(text[i:]) {
			continue
		}
		for len(stack) > 0 && (stack[len(stack)-1].indent > i || newItem && stack[len(stack)-1].indent == i) {
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 && stack[len(stack)-1].indent == i {
			stack[len(stack)-1].keys++
			if stack[len(stack)-1].keys > max {
				return n, i + 1, true
			}
			continue
		}
		stack = append(stack, level{indent: i, keys: 1})
	}
	return 0, 0, false
}

// looksLikeKey reports whether a line's text (indentation removed) starts
// a block mapping entry: "key:" followed by white space or the line's end,
// or an explicit "? key".
func looksLikeKey(s []byte) bool {
	if len(s) == 0 || s[0] == '#' {
		return false
	}
	if s[0] == '?' && (len(s) == 1 || s[1] == ' ') {
		return true
	}
	for j := 1; j < len(s); j++ {
		if s[j] == ':' && (j+1 == len(s) || s[j+1] == ' ' || s[j+1] == '\t' || s[j+1] == '\r') {
			return true
		}
	}
	return false
}
