package edgeprops

// This file splits a .properties document into items the way
// java.util.Properties.load reads it (JDK 9+ LineReader and load0), keeping
// the exact bytes of every item so that an unchanged document is written back
// byte for byte.
//
// Known differences from the JDK, all on input no one writes on purpose: a
// comment ending in a backslash never affects the next line (the JDK carries
// its backslash state over), and a malformed \u escape reads as the letter u
// (the JDK rejects the file).

// item is one piece of a document: an entry (one key and its value, possibly
// spread over several natural lines by trailing backslashes) or trivia (a
// blank line or a comment), with its exact bytes including the line
// terminator.
type item struct {
	raw   string
	entry bool

	// entries only
	key, value string // decoded
	prefix     string // raw bytes before the value: indentation, key, separator
	bareKey    bool   // nothing separates the key from the end of the line: a rewrite adds "="
	eol        string // the terminator of the last natural line, "" at end of file
	// dangling: the entry runs into the end of the file inside a line
	// continuation, so anything appended after it would become part of its
	// value; it is rewritten before something is appended.
	dangling bool
}

func isPropSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\f' }

// lineEnd returns the offset after the line terminator starting at i (\n, \r
// or \r\n) and the terminator.
func lineEnd(data string, i int) (int, string) {
	if data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n' {
		return i + 2, "\r\n"
	}
	return i + 1, data[i : i+1]
}

// scanItems splits data into items.
func scanItems(data string) []item {
	var items []item
	n := len(data)
	for pos := 0; pos < n; {
		start := pos
		i := pos
		for i < n && isPropSpace(data[i]) {
			i++
		}
		if i == n { // whitespace up to the end of the file
			items = append(items, item{raw: data[start:]})
			break
		}
		switch data[i] {
		case '\r', '\n': // blank line
			end, _ := lineEnd(data, i)
			items = append(items, item{raw: data[start:end]})
			pos = end
			continue
		case '#', '!': // comment: never continued
			j := i
			for j < n && data[j] != '\r' && data[j] != '\n' {
				j++
			}
			end := n
			if j < n {
				end, _ = lineEnd(data, j)
			}
			items = append(items, item{raw: data[start:end]})
			pos = end
			continue
		}
		it, end := scanEntry(data, start, i)
		items = append(items, it)
		pos = end
	}
	return items
}

// scanEntry reads the logical line whose first non-blank byte is at i.
func scanEntry(data string, start, i int) (item, int) {
	n := len(data)
	var logical []byte // the logical line, continuations removed
	var offs []int     // offset in data of each byte of logical
	backslash := false
	dangling := false
	end, eol := n, ""
	j := i
	for {
		for j < n && data[j] != '\r' && data[j] != '\n' {
			c := data[j]
			logical = append(logical, c)
			offs = append(offs, j)
			if c == '\\' {
				backslash = !backslash
			} else {
				backslash = false
			}
			j++
		}
		if j == n { // end of file
			if len(logical) == 0 {
				// only continuations and blanks: Java sees no line
				return item{raw: data[start:]}, n
			}
			if backslash {
				logical, offs = logical[:len(logical)-1], offs[:len(offs)-1]
				dangling = true
			}
			break
		}
		e, t := lineEnd(data, j)
		if len(logical) == 0 {
			// a continuation followed by an empty line: Java drops it
			return item{raw: data[start:e]}, e
		}
		if !backslash {
			end, eol = e, t
			break
		}
		// continuation: drop the backslash, skip the next line's indentation
		logical, offs = logical[:len(logical)-1], offs[:len(offs)-1]
		backslash = false
		if e == n {
			end, eol, dangling = e, t, true
			break
		}
		j = e
		for j < n && isPropSpace(data[j]) {
			j++
		}
		dangling = j == n
	}

	keyLen, valueStart := splitKeyValue(logical)
	it := item{
		raw:      data[start:end],
		entry:    true,
		key:      unescapeProp(logical[:keyLen]),
		value:    unescapeProp(logical[valueStart:]),
		eol:      eol,
		dangling: dangling,
	}
	switch {
	case valueStart < len(logical):
		it.prefix = data[start:offs[valueStart]]
	case len(logical) > 0:
		it.prefix = data[start : offs[len(logical)-1]+1]
	default:
		it.prefix = data[start:i]
	}
	it.bareKey = keyLen == len(logical)
	return it, end
}

// splitKeyValue finds where the key ends and the value starts in a logical
// line, as java.util.Properties.load0 does: the key ends at the first
// unescaped '=', ':' or blank; blanks and at most one '=' or ':' follow.
func splitKeyValue(line []byte) (keyLen, valueStart int) {
	limit := len(line)
	valueStart = limit
	hasSep := false
	backslash := false
	for keyLen < limit {
		c := line[keyLen]
		if (c == '=' || c == ':') && !backslash {
			valueStart = keyLen + 1
			hasSep = true
			break
		}
		if isPropSpace(c) && !backslash {
			valueStart = keyLen + 1
			break
		}
		if c == '\\' {
			backslash = !backslash
		} else {
			backslash = false
		}
		keyLen++
	}
	for valueStart < limit {
		c := line[valueStart]
		if !isPropSpace(c) {
			if !hasSep && (c == '=' || c == ':') {
				hasSep = true
			} else {
				break
			}
		}
		valueStart++
	}
	return keyLen, valueStart
}
