package invquery

import (
	"fmt"
	"slices"
	"strings"
)

// OrderKey is one key of $orderby.
type OrderKey struct {
	Field string
	Desc  bool
}

// Parse reads "[$filter=]<expr> [$orderby=<keys>]".
func Parse(q string) (Node, []OrderKey, error) {
	filter, order := q, ""
	if i := strings.Index(q, "$orderby="); i >= 0 {
		filter, order = q[:i], q[i+len("$orderby="):]
	}
	filter = strings.TrimSpace(filter)
	filter = strings.TrimSpace(strings.TrimPrefix(filter, "$filter="))
	var keys []OrderKey
	for _, part := range strings.Split(order, ",") {
		f := strings.Fields(part)
		if len(f) == 0 {
			continue
		}
		k := OrderKey{Field: idField(f[0])}
		if len(f) > 2 || (len(f) == 2 && f[1] != "asc" && f[1] != "desc") {
			return nil, nil, fmt.Errorf("$orderby %q: write <field> asc or <field> desc", strings.TrimSpace(part))
		}
		k.Desc = len(f) == 2 && f[1] == "desc"
		if !slices.Contains([]string{"name", "creationTime", "id", "type", "lastUpdated"}, k.Field) {
			return nil, nil, fmt.Errorf("tenantsim does not simulate $orderby on %q (simulated: name, creationTime, lastUpdated, id, type)", k.Field)
		}
		keys = append(keys, k)
	}
	if filter == "" {
		return nil, keys, nil
	}
	p := &qparser{toks: tokenize(filter)}
	n, err := p.expr()
	if err == nil && p.pos < len(p.toks) {
		err = fmt.Errorf("unexpected %q", p.toks[p.pos].text)
	}
	if err != nil {
		return nil, nil, err
	}
	return n, keys, nil
}

type qtok struct {
	text   string
	quoted bool
}

func tokenize(s string) []qtok {
	var out []qtok
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			i++
		case c == '(' || c == ')' || c == ',':
			out = append(out, qtok{text: string(c)})
			i++
		case c == '\'':
			var b strings.Builder
			i++
			for i < len(s) {
				if s[i] == '\'' {
					if i+1 < len(s) && s[i+1] == '\'' { // '' is a quote
						b.WriteByte('\'')
						i += 2
						continue
					}
					break
				}
				b.WriteByte(s[i])
				i++
			}
			i++ // the closing quote (or the end)
			out = append(out, qtok{text: b.String(), quoted: true})
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n(),'", rune(s[j])) {
				j++
			}
			out = append(out, qtok{text: s[i:j]})
			i = j
		}
	}
	return out
}

type qparser struct {
	toks  []qtok
	pos   int
	depth int // open parentheses, bounded by maxQueryDepth
}

const maxQueryDepth = 32

func (p *qparser) peek() (qtok, bool) {
	if p.pos < len(p.toks) {
		return p.toks[p.pos], true
	}
	return qtok{}, false
}

func (p *qparser) next() (qtok, error) {
	t, ok := p.peek()
	if !ok {
		return t, fmt.Errorf("the query ends too early")
	}
	p.pos++
	return t, nil
}

func (p *qparser) word(w string) bool {
	t, ok := p.peek()
	if ok && !t.quoted && strings.EqualFold(t.text, w) {
		p.pos++
		return true
	}
	return false
}

func (p *qparser) expr() (Node, error) {
	l, err := p.term()
	for err == nil && p.word("or") {
		var r Node
		if r, err = p.term(); err == nil {
			l = qor{l, r}
		}
	}
	return l, err
}

func (p *qparser) term() (Node, error) {
	l, err := p.factor()
	for err == nil && p.word("and") {
		var r Node
		if r, err = p.factor(); err == nil {
			l = qand{l, r}
		}
	}
	return l, err
}

func (p *qparser) factor() (Node, error) {
	t, err := p.next()
	if err != nil {
		return nil, err
	}
	if t.text == "(" && !t.quoted {
		if p.depth++; p.depth > maxQueryDepth {
			return nil, fmt.Errorf("the query nests parentheses deeper than %d", maxQueryDepth)
		}
		defer func() { p.depth-- }()
		n, err := p.expr()
		if err != nil {
			return nil, err
		}
		if c, err := p.next(); err != nil || c.text != ")" {
			return nil, fmt.Errorf("a ( is not closed")
		}
		return n, nil
	}
	if t.quoted {
		return nil, fmt.Errorf("a quoted value %q where a field or function belongs", t.text)
	}
	if open, ok := p.peek(); ok && open.text == "(" && !open.quoted {
		p.pos++
		arg, err := p.next()
		if err != nil {
			return nil, err
		}
		if c, err := p.next(); err != nil || c.text != ")" {
			return nil, fmt.Errorf("%s() takes one argument", t.text)
		}
		switch strings.ToLower(t.text) {
		case "has":
			return qhas{arg.text}, nil
		case "bygroupid":
			return qgroup{arg.text}, nil
		}
		return nil, fmt.Errorf("tenantsim does not simulate the function %s() (simulated: has, bygroupid)", t.text)
	}
	op, err := p.next()
	if err != nil {
		return nil, err
	}
	val, err := p.next()
	if err != nil {
		return nil, err
	}
	switch strings.ToLower(op.text) {
	case "eq":
		return qcmp{field: idField(t.text), value: val.text}, nil
	case "ne":
		return qcmp{field: idField(t.text), value: val.text, negate: true}, nil
	case "gt", "lt":
		if idField(t.text) != "id" {
			return nil, fmt.Errorf("tenantsim simulates %s only on _id (go-c8y-cli's paging), not on %q", op.text, t.text)
		}
		return qidOrder{value: val.text, greater: strings.EqualFold(op.text, "gt")}, nil
	}
	return nil, fmt.Errorf("tenantsim does not simulate the operator %q (simulated: eq, ne, has(), bygroupid(), and, or; gt and lt on _id)", op.text)
}
