package answers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/system"
)

// fileOption is one entry of `options:` as written.
type fileOption struct {
	number   int
	line     int
	values   map[string]fileValue
	register *RegisterSpec
	hosting  string // option 8: "enabled" or "disabled"
	broker   string // option B: the connector's title (`databroker:`)
	broken   bool   // a structural problem was reported: do not walk it
}

type fileValue struct {
	value   string
	line    int
	sourced bool // from {env:} or {file:}
	// from, when set, is the {env:}/{file:} source not read yet: a value is
	// read only when a prompt asks for it, so a rerun on an Edge that needs
	// no bootstrap password does not need its variable either.
	from *valueSource
}

type valueSource struct{ kind, name string }

type checker struct {
	env      *steps.Env
	problems []AnswerProblem
	warnings []AnswerProblem
	secrets  []string
}

func (c *checker) problem(line int, format string, a ...any) {
	c.problems = append(c.problems, AnswerProblem{Line: line, Msg: fmt.Sprintf(format, a...)})
}

func (c *checker) warn(line int, format string, a ...any) {
	c.warnings = append(c.warnings, AnswerProblem{Line: line, Msg: fmt.Sprintf(format, a...)})
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parse reads the YAML structure; problems are collected, the usable
// options returned.
func (c *checker) parse(data []byte) []fileOption {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			c.problem(0, "the file is empty: write `options:` with a list of `- option: N` entries")
			return nil
		}
		msg := err.Error()
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			c.problem(yamlErrorLine(data, n, m[2]), "YAML syntax error: %s", m[2])
		} else {
			c.problem(0, "YAML syntax error: %s", strings.TrimPrefix(msg, "yaml: "))
		}
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		c.problem(extra.Line, "a second YAML document (---): an answers file holds one")
	}
	if len(doc.Content) == 0 {
		c.problem(0, "the file is empty: write `options:` with a list of `- option: N` entries")
		return nil
	}
	root := resolve(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		c.problem(root.Line, "the file must be a mapping with `options:` (a list of `- option: N` entries)")
		return nil
	}
	var list *yaml.Node
	for _, kv := range c.pairs(root) {
		switch kv.key.Value {
		case "version":
			if kv.val.Kind != yaml.ScalarNode || kv.val.Value != strconv.Itoa(AnswersFileVersion) {
				c.problem(kv.val.Line, "version: this edge-setup reads version %d answers files", AnswersFileVersion)
			}
		case "options":
			list = kv.val
		default:
			c.problem(kv.key.Line, "unknown key %q: an answers file has `version` and `options`", kv.key.Value)
		}
	}
	if list == nil {
		c.problem(root.Line, "no `options:` list: say which options to run, e.g. `options: [{option: 7, answers: {cloud_url: \"\"}}]`")
		return nil
	}
	if list.Kind != yaml.SequenceNode {
		if !(list.Kind == yaml.ScalarNode && list.Tag == "!!null") {
			c.problem(list.Line, "options: must be a list of `- option: N` entries")
			return nil
		}
	}
	if len(list.Content) == 0 {
		c.problem(list.Line, "options: the list is empty: nothing to do")
		return nil
	}
	var out []fileOption
	for _, item := range list.Content {
		if fo, ok := c.parseOption(resolve(item)); ok {
			out = append(out, fo)
		}
	}
	return out
}

type kv struct{ key, val *yaml.Node }

// pairs lists a mapping's entries, reporting duplicate keys.
func (c *checker) pairs(m *yaml.Node) []kv {
	var out []kv
	seen := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := resolve(m.Content[i]), resolve(m.Content[i+1])
		if first, dup := seen[k.Value]; dup {
			c.problem(k.Line, "%s is given twice (first on line %d)", k.Value, first)
			continue
		}
		seen[k.Value] = k.Line
		out = append(out, kv{k, v})
	}
	return out
}

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func (c *checker) parseOption(item *yaml.Node) (fileOption, bool) {
	fo := fileOption{line: item.Line, values: map[string]fileValue{}}
	if item.Kind != yaml.MappingNode {
		c.problem(item.Line, "each entry of options: is a mapping like `- option: 7` with `answers:`")
		return fo, false
	}
	var answers, register, hosting, broker *yaml.Node
	var numNode *yaml.Node
	for _, e := range c.pairs(item) {
		switch e.key.Value {
		case "option":
			numNode = e.val
		case "answers":
			answers = e.val
		case "register":
			register = e.val
		case HostingKey:
			hosting = e.val
		case DataBrokerKey:
			broker = e.val
		default:
			c.problem(e.key.Line, "unknown key %q in an option entry: use option, answers, register (option 7), hosting (option 8) or databroker (option B)", e.key.Value)
			fo.broken = true
		}
	}
	if numNode == nil {
		c.problem(item.Line, "this entry names no option: add `option: N` (1 to 8)")
		return fo, false
	}
	n, known := options.OptionNumberFor(numNode.Value) // the menu's keys: 1-8, S, B
	if numNode.Kind != yaml.ScalarNode || !known || optionStep(n) == nil {
		c.problem(numNode.Line, "unknown option %q: options are numbered 1 to 8 (9, Exit, is not one), S (remote SSH access) or B (Data Broker)", numNode.Value)
		return fo, false
	}
	fo.number, fo.line = n, numNode.Line
	if answers != nil && !(answers.Kind == yaml.ScalarNode && answers.Tag == "!!null") {
		if answers.Kind != yaml.MappingNode {
			c.problem(answers.Line, "answers: must be a mapping of answer keys to values")
			fo.broken = true
		} else {
			for _, e := range c.pairs(answers) {
				key := e.key.Value
				if !slices.Contains(answerKeys[n], key) {
					// An unknown key says nothing about the others: the
					// walk still checks them, so every problem shows at once.
					c.problem(e.key.Line, "option %s has no answer %q; its keys are %s", steps.OptionName(n), key, keyList(n))
					continue
				}
				v, ok := c.value(key, e.val)
				if !ok {
					fo.broken = true
					continue
				}
				fo.values[key] = v
			}
		}
	}
	if register != nil {
		if n != 7 {
			c.problem(register.Line, "register: only option 7 registers the Edge with a tenant")
			fo.broken = true
		} else if spec, ok := c.parseRegister(register); ok {
			fo.register = spec
		} else {
			fo.broken = true
		}
	}
	if !c.parseBroker(&fo, broker, n) {
		fo.broken = true
	}
	switch {
	case hosting != nil && n != 8:
		c.problem(hosting.Line, "%s: only option 8 takes it", HostingKey)
		fo.broken = true
	case n == 8 && hosting == nil:
		c.problem(fo.line, "option 8 needs `%s: enabled` or `%s: disabled` (the menu toggles it; a file says which state it wants)", HostingKey, HostingKey)
		fo.broken = true
	case n == 8:
		switch strings.ToLower(hosting.Value) {
		case "enabled", "enable", "true", "on":
			fo.hosting = "enabled"
		case "disabled", "disable", "false", "off":
			fo.hosting = "disabled"
		default:
			c.problem(hosting.Line, "%s: write enabled or disabled (not %q)", HostingKey, hosting.Value)
			fo.broken = true
		}
	}
	return fo, true
}

func keyList(n int) string {
	if len(answerKeys[n]) == 0 {
		return "none (it asks nothing)"
	}
	return strings.Join(answerKeys[n], ", ")
}

// value reads an answer: text, {env: NAME} or {file: PATH}.
func (c *checker) value(key string, n *yaml.Node) (fileValue, bool) {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return fileValue{line: n.Line}, true
		}
		return fileValue{value: n.Value, line: n.Line}, true
	case yaml.MappingNode:
		ps := c.pairs(n)
		if len(ps) != 1 || (ps[0].key.Value != "env" && ps[0].key.Value != "file") || ps[0].val.Kind != yaml.ScalarNode || ps[0].val.Value == "" {
			c.problem(n.Line, "%s: write a value, {env: VARIABLE} or {file: /path/to/file}", key)
			return fileValue{}, false
		}
		return fileValue{line: n.Line, sourced: true, from: &valueSource{kind: ps[0].key.Value, name: ps[0].val.Value}}, true
	}
	c.problem(n.Line, "%s: write a value, {env: VARIABLE} or {file: /path/to/file}, not a list", key)
	return fileValue{}, false
}

func (c *checker) parseRegister(n *yaml.Node) (*RegisterSpec, bool) {
	spec := &RegisterSpec{Line: n.Line, Wait: true, Timeout: DefaultRegisterTimeout}
	if n.Kind == yaml.ScalarNode && (n.Tag == "!!null" || n.Value == "true") {
		return spec, true
	}
	if n.Kind != yaml.MappingNode {
		c.problem(n.Line, "register: write {wait: true, timeout: 10m, create: true, accept: true} (each optional)")
		return nil, false
	}
	ok := true
	flag := func(e kv, dst *bool) {
		b, err := strconv.ParseBool(e.val.Value)
		if e.val.Kind != yaml.ScalarNode || err != nil {
			c.problem(e.val.Line, "register: %s: write true or false (not %q)", e.key.Value, e.val.Value)
			ok = false
			return
		}
		*dst = b
	}
	for _, e := range c.pairs(n) {
		switch e.key.Value {
		case "wait":
			flag(e, &spec.Wait)
		case "create":
			flag(e, &spec.Create)
		case "accept":
			flag(e, &spec.Accept)
		case "timeout":
			v := e.val.Value
			if v == "0" {
				spec.Timeout = 0
				break
			}
			d, err := time.ParseDuration(v)
			if e.val.Kind != yaml.ScalarNode || err != nil || d < 0 {
				c.problem(e.val.Line, "register: timeout: write a duration such as 10m or 1h30m, or 0 for no limit (not %q)", v)
				ok = false
				break
			}
			spec.Timeout = d
		default:
			c.problem(e.key.Line, "register: unknown key %q: use wait, timeout, create and accept", e.key.Value)
			ok = false
		}
	}
	return spec, ok
}

// read reads a {env:}/{file:} value (a literal comes back as it is).
func (v fileValue) read(env *steps.Env, key string) (fileValue, error) {
	if v.from == nil {
		return v, nil
	}
	src := v.from.name
	if v.from.kind == "env" {
		s := env.EnvVar(src)
		if s == "" {
			return v, fmt.Errorf("the environment variable %s is not set or empty", src)
		}
		return fileValue{value: s, line: v.line, sourced: true}, nil
	}
	data, err := system.ReadOperatorFile(env, src, "file for "+key)
	if err != nil {
		return v, err
	}
	s := strings.TrimRight(string(data), "\r\n")
	if s == "" {
		return v, fmt.Errorf("%s is empty", src)
	}
	return fileValue{value: s, line: v.line, sourced: true}, nil
}
