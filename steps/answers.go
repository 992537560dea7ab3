package steps

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Answers files drive options without a screen (edge-setup apply): which
// options run, in which order, with which answers. Example
// (steps/testdata/answers/example.yaml has a commented one):
//
//	version: 1
//	options:
//	  - option: 7
//	    answers:
//	      cloud_url: https://acme.cumulocity.com
//	      bootstrap_password: {env: C8Y_BOOTSTRAP_PASSWORD}
//	      tenant_user: admin
//	      tenant_password: {file: /run/secrets/c8y-password}
//	    register: {wait: true, timeout: 10m, create: true, accept: true}
//
// Answer keys are the Prompt.Key values of each option. A value is text
// (numbers are taken as written; an empty or null value is a blank answer),
// or {env: NAME} (an environment variable that must be set and not empty),
// or {file: PATH} (a file's content without trailing line breaks; PATH is a
// host path resolved like HostPath, so it lies under --root). Options 1 to 3
// answer in console mode unless input.mode/input.file say otherwise; the
// re-entered password of options 2, 4 and 6 defaults to the password.
// Option 8 needs `hosting: enabled` or `hosting: disabled` (it is a toggle
// in the menu; a file says the state it wants, so running it twice is safe).
//
// LoadAnswers checks the whole file before anything changes and reports
// every problem with its line: syntax, unknown options and keys, secrets that
// cannot be read, options that are not available, and, walking each option's
// NextPrompt exactly as a front end does, missing and invalid answers (the
// walk of one option stops at its first problem: later prompts may depend
// on that answer). Options 3, 4 and 6 listed after option 2 in a file that
// has yet to complete option 2 are checked just before they run.

// AnswersFileVersion is the only "version:" an answers file may name.
const AnswersFileVersion = 1

// DefaultRegisterTimeout bounds `register: {wait: true}` without a timeout.
const DefaultRegisterTimeout = 30 * time.Minute

// HostingKey is option 8's field in an answers file.
const HostingKey = "hosting"

// answerKeys are the keys each option may answer (its prompts' keys).
var answerKeys = map[int][]string{
	1: {KeyInputMode, KeyInputFile, CfgNetworkIP, CfgNetmask, CfgGateway, CfgDNS, CfgDockerBridge},
	2: {KeyInputMode, KeyInputFile, CfgAdminUser, CfgAdminPassword, keyPasswordAgain, CfgDomain, CfgCertificate, CfgCertKey, CfgLicence, CfgCloudURL},
	3: {KeyInputMode, KeyInputFile, CfgCertificate, CfgCertKey, CfgLicence},
	4: {CfgAdminPassword, keyPasswordAgain},
	5: {},
	6: {CfgAdminPassword, keyPasswordAgain},
	7: {KeyCloudURL, KeyBootstrapPassword, KeyTenantUser, KeyTenantPassword},
	8: {},
}

// AnswerKeys lists the answer keys of option n (nil for an unknown option).
func AnswerKeys(n int) []string { return slices.Clone(answerKeys[n]) }

// AnswerProblem is one problem of an answers file.
type AnswerProblem struct {
	Line int // 1-based; 0 when the problem has no line
	Msg  string
}

func (p AnswerProblem) String() string {
	if p.Line <= 0 {
		return p.Msg
	}
	return fmt.Sprintf("line %d: %s", p.Line, p.Msg)
}

// AnswersError lists every problem of an answers file; nothing was changed.
type AnswersError struct {
	Name     string
	Problems []AnswerProblem
}

func (e *AnswersError) Error() string {
	var b strings.Builder
	n := len(e.Problems)
	fmt.Fprintf(&b, "%s has %d problem", e.Name, n)
	if n != 1 {
		b.WriteString("s")
	}
	b.WriteString("; nothing was changed:")
	for _, p := range e.Problems {
		b.WriteString("\n  " + p.String())
	}
	return b.String()
}

// RegisterSpec is option 7's `register:` entry.
type RegisterSpec struct {
	Line    int
	Wait    bool          // poll until connected (default true)
	Timeout time.Duration // with Wait; 0 waits without limit
	Create  bool          // create the registration request (needs a tenant user)
	Accept  bool          // accept it once pending (needs a tenant user)
}

// PlannedOption is one option of a checked answers file.
type PlannedOption struct {
	Step Step
	Line int
	// Answers are complete and validated; they may hold secrets: never show them.
	Answers  Answers
	Register *RegisterSpec
	// Deferred options depend on an earlier option of the file; their
	// answers are checked just before they run.
	Deferred bool
	// Skip, when set, says why the option has nothing to do (option 8
	// already in the state the file asks for).
	Skip string

	src fileOption
}

// AnswersPlan is a checked answers file, ready for Apply.
type AnswersPlan struct {
	Name     string
	Options  []PlannedOption
	Warnings []AnswerProblem

	data    []byte
	secrets []string
}

// CheckOptions configure LoadAnswers.
type CheckOptions struct {
	// Verify runs the prompts' slow checks (the tenant answers, the tenant
	// user may register devices). Off by default: a tenant that is down
	// does not block an unattended run unless asked.
	Verify bool
}

// LoadAnswers parses and checks an answers file (name is for messages). It
// changes nothing. On problems the error is an *AnswersError listing them all.
func LoadAnswers(ctx context.Context, env *Env, name string, data []byte, o CheckOptions) (*AnswersPlan, error) {
	c := &checker{env: env}
	opts := c.parse(data)
	plan := &AnswersPlan{Name: name, data: data}
	sawPostInstall := false
	for _, fo := range opts {
		po := c.checkOption(ctx, fo, sawPostInstall, o.Verify)
		plan.Options = append(plan.Options, po)
		sawPostInstall = sawPostInstall || fo.number == 2
	}
	for _, fo := range opts {
		for _, v := range fo.values {
			if v.sourced {
				plan.secrets = append(plan.secrets, v.value)
			}
		}
	}
	plan.secrets = append(plan.secrets, c.secrets...)
	plan.Warnings = sortProblems(c.warnings)
	if len(c.problems) > 0 {
		return plan, &AnswersError{Name: name, Problems: sortProblems(c.problems)}
	}
	return plan, nil
}

func sortProblems(ps []AnswerProblem) []AnswerProblem {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Line < ps[j].Line })
	return ps
}

// fileOption is one entry of `options:` as written.
type fileOption struct {
	number   int
	line     int
	values   map[string]fileValue
	register *RegisterSpec
	hosting  string // option 8: "enabled" or "disabled"
	broken   bool   // a structural problem was reported: do not walk it
}

type fileValue struct {
	value   string
	line    int
	sourced bool // from {env:} or {file:}
}

type checker struct {
	env      *Env
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
			c.problem(n, "YAML syntax error: %s", m[2])
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
	var answers, register, hosting *yaml.Node
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
		default:
			c.problem(e.key.Line, "unknown key %q in an option entry: use option, answers, register (option 7) or hosting (option 8)", e.key.Value)
			fo.broken = true
		}
	}
	if numNode == nil {
		c.problem(item.Line, "this entry names no option: add `option: N` (1 to 8)")
		return fo, false
	}
	n, err := strconv.Atoi(numNode.Value)
	if numNode.Kind != yaml.ScalarNode || err != nil || ByNumber(n) == nil {
		c.problem(numNode.Line, "unknown option %q: options are numbered 1 to 8 (9, Exit, is not one)", numNode.Value)
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
					c.problem(e.key.Line, "option %d has no answer %q; its keys are %s", n, key, keyList(n))
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
		src := ps[0].val.Value
		if ps[0].key.Value == "env" {
			v := c.env.getenv(src)
			if v == "" {
				c.problem(n.Line, "%s: the environment variable %s is not set or empty", key, src)
				return fileValue{}, false
			}
			return fileValue{value: v, line: n.Line, sourced: true}, true
		}
		data, err := readOperatorFile(c.env, src, "file for "+key)
		if err != nil {
			c.problem(n.Line, "%s: %v", key, err)
			return fileValue{}, false
		}
		v := strings.TrimRight(string(data), "\r\n")
		if v == "" {
			c.problem(n.Line, "%s: %s is empty", key, src)
			return fileValue{}, false
		}
		return fileValue{value: v, line: n.Line, sourced: true}, true
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

// checkOption checks availability and walks the prompts.
func (c *checker) checkOption(ctx context.Context, fo fileOption, afterPostInstall, verify bool) PlannedOption {
	s := ByNumber(fo.number)
	po := PlannedOption{Step: s, Line: fo.line, Register: fo.register, src: fo}
	if fo.broken {
		return po
	}
	if fo.number == 8 {
		hs, err := loadHostingState(c.env)
		if err == nil && hs.Enabled == (fo.hosting == "enabled") {
			po.Skip = "microservice hosting is already " + fo.hosting
			return po
		}
	}
	if err := s.Available(c.env); err != nil {
		if afterPostInstall && dependsOnPostInstall(fo.number) && requirePostInstall(c.env) != nil {
			po.Deferred = true
			return po
		}
		c.problem(fo.line, "option %d (%s) cannot run now: %v", fo.number, s.Title(c.env), err)
		return po
	}
	a, probs, warns := walkAnswers(ctx, c.env, s, fo, verify)
	c.problems = append(c.problems, probs...)
	c.warnings = append(c.warnings, warns...)
	po.Answers = a
	if len(probs) == 0 {
		c.secrets = append(c.secrets, secretAnswers(c.env, s, a)...)
		c.checkRegister(fo, a)
	}
	return po
}

func dependsOnPostInstall(n int) bool { return n == 3 || n == 4 || n == 6 }

// checkRegister checks what the registration needs beyond option 7's answers.
func (c *checker) checkRegister(fo fileOption, a Answers) {
	spec := fo.register
	if spec == nil {
		return
	}
	if a[KeyCloudURL] == "" {
		c.problem(spec.Line, "register: cloud_url is blank, which disables remote management: there is no tenant to register with")
		return
	}
	if (spec.Create || spec.Accept) && a[KeyTenantUser] == "" && envTenantUser(c.env) == nil {
		c.problem(spec.Line, "register: create and accept need a tenant user: give tenant_user and tenant_password, or set C8Y_USER and C8Y_PASSWORD")
	}
}

// maxPrompts stops a walk whose step keeps asking (a bug, not a file problem).
const maxPrompts = 64

// walkAnswers answers s's prompts from the file's values exactly as a front
// end would, stopping at the first problem.
func walkAnswers(ctx context.Context, env *Env, s Step, fo fileOption, verify bool) (Answers, []AnswerProblem, []AnswerProblem) {
	var probs, warns []AnswerProblem
	values := fo.values
	if fo.number <= 3 && !hasKey(values, KeyInputMode) {
		values = cloneValues(values)
		values[KeyInputMode] = fileValue{value: InputConsole, line: fo.line}
	}
	a := Answers{}
	asked := map[string]bool{}
	for range maxPrompts {
		p, err := s.NextPrompt(env, a)
		if err != nil {
			probs = append(probs, AnswerProblem{fo.line, fmt.Sprintf("option %d: %v", fo.number, err)})
			return a, probs, warns
		}
		if p == nil {
			for key, v := range fo.values {
				if !asked[key] && !a.Has(key) {
					warns = append(warns, AnswerProblem{v.line, fmt.Sprintf("option %d does not ask for %s with these answers and the Edge's current state: it is ignored", fo.number, key)})
				}
			}
			return a, probs, warns
		}
		asked[p.Key] = true
		v, ok := values[p.Key]
		if !ok && p.Key == keyPasswordAgain {
			v, ok = values[CfgAdminPassword]
		}
		if !ok {
			msg := fmt.Sprintf("option %d needs %s (%s)", fo.number, p.Key, p.Text)
			if p.Note != "" {
				msg += ": " + p.Note
			}
			probs = append(probs, AnswerProblem{fo.line, msg})
			return a, probs, warns
		}
		norm, err := p.Check(v.value)
		if err != nil {
			probs = append(probs, AnswerProblem{v.line, fmt.Sprintf("%s: %v", p.Key, err)})
			return a, probs, warns
		}
		if verify && p.Verify != nil {
			vctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			err := p.Verify(vctx, norm)
			cancel()
			if err != nil {
				probs = append(probs, AnswerProblem{v.line, fmt.Sprintf("%s: %v (checked because of --verify)", p.Key, err)})
				return a, probs, warns
			}
		}
		if p.Secret && !v.sourced && v.value != "" && p.Key != keyPasswordAgain {
			warns = append(warns, AnswerProblem{v.line, fmt.Sprintf("%s is a secret written in the file itself: prefer {env: VARIABLE} or {file: PATH}, and keep the file private", p.Key)})
		}
		a[p.Key] = norm
	}
	probs = append(probs, AnswerProblem{fo.line, fmt.Sprintf("option %d keeps asking after %d answers: this is a bug in edge-setup, please report it", fo.number, maxPrompts)})
	return a, probs, warns
}

func hasKey(m map[string]fileValue, k string) bool { _, ok := m[k]; return ok }

func cloneValues(m map[string]fileValue) map[string]fileValue {
	out := make(map[string]fileValue, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// secretAnswers are the values of a's secret prompts (replayed to learn
// which prompts are secret).
func secretAnswers(env *Env, s Step, a Answers) []string {
	var out []string
	replay := Answers{}
	for range maxPrompts {
		p, err := s.NextPrompt(env, replay)
		if err != nil || p == nil || !a.Has(p.Key) {
			break
		}
		if p.Secret {
			out = append(out, a[p.Key])
		}
		replay[p.Key] = a[p.Key]
	}
	return out
}

// ErrRegistrationTimeout: `register: {wait: true}` ended before the Edge was connected.
var ErrRegistrationTimeout = errors.New("the Edge was not connected within the registration timeout")

// ApplyError says which option of an answers file failed.
type ApplyError struct {
	Option int
	Title  string
	Err    error
	// Changed is true when earlier options of the file already ran.
	Changed bool
}

func (e *ApplyError) Error() string {
	return fmt.Sprintf("option %d (%s) failed: %v", e.Option, e.Title, e.Err)
}

func (e *ApplyError) Unwrap() error { return e.Err }

// ApplyOptions configure Apply.
type ApplyOptions struct {
	// Start hears each option before it runs, with its Confirm lines.
	Start func(s Step, confirm []string)
	// Event hears every event of every option (secrets of the file redacted).
	Event func(option int, e Event)
	// Log records every event and result; nil logs nothing.
	Log *ActionLog
	// Sleep is the registration's timer (nil: real time).
	Sleep func(context.Context, time.Duration) error
	// NoRecheck skips checking the file again at the start of Apply. Leave
	// it false when the lock was taken after LoadAnswers.
	NoRecheck bool
}

// Apply runs the options of plan in order, stopping at the first failure
// (an *ApplyError). Unless o.NoRecheck it first checks the file again against
// the Edge as it is now (the caller holds the lock by then): problems then
// come back as an *AnswersError and nothing is changed.
func Apply(ctx context.Context, env *Env, plan *AnswersPlan, o ApplyOptions) error {
	if !o.NoRecheck {
		fresh, err := LoadAnswers(ctx, env, plan.Name, plan.data, CheckOptions{})
		if err != nil {
			return err
		}
		plan = fresh
	}
	log := o.Log
	log.Redact(plan.secrets...)
	show := func(n int) Emit {
		return func(e Event) {
			if o.Event == nil {
				return
			}
			e.Name, e.Detail = redact(e.Name, plan.secrets), redact(e.Detail, plan.secrets)
			o.Event(n, e)
		}
	}
	ran := false
	for _, po := range plan.Options {
		n := po.Step.Number()
		title := po.Step.Title(env)
		fail := func(err error) error {
			log.Finished(n, err)
			return &ApplyError{Option: n, Title: title, Err: &redactedError{msg: redact(err.Error(), plan.secrets), err: err}, Changed: ran}
		}
		if po.Deferred {
			a, err := checkDeferred(ctx, env, po, plan)
			if err != nil {
				return fail(err)
			}
			po.Answers = a
		}
		if po.Skip != "" {
			if o.Start != nil {
				o.Start(po.Step, nil)
			}
			log.Wrap(n, show(n))(Event{Kind: SubStepSkipped, Name: title, Detail: po.Skip})
			continue
		}
		if o.Start != nil {
			o.Start(po.Step, po.Step.Confirm(env, po.Answers))
		}
		emit := log.Wrap(n, show(n))
		err := po.Step.Run(ctx, env, po.Answers, emit)
		if err != nil {
			return fail(err)
		}
		ran = true
		log.Finished(n, nil)
		if po.Register != nil {
			if err := applyRegistration(ctx, env, po, emit, show(n), log, o.Sleep); err != nil {
				return fail(err)
			}
		}
	}
	return nil
}

// checkDeferred checks an option that depends on an earlier one of the file,
// now that that one ran.
func checkDeferred(ctx context.Context, env *Env, po PlannedOption, plan *AnswersPlan) (Answers, error) {
	c := &checker{env: env}
	fresh := c.checkOption(ctx, po.src, false, false)
	if len(c.problems) > 0 {
		msgs := make([]string, len(c.problems))
		for i, p := range c.problems {
			msgs[i] = p.String()
		}
		return nil, fmt.Errorf("its answers in %s cannot be used now that the options before it ran (they did change the Edge): %s", plan.Name, strings.Join(msgs, "; "))
	}
	plan.secrets = append(plan.secrets, c.secrets...)
	return fresh.Answers, nil
}

// redactedError is an error whose text lost the file's secrets; errors.Is
// still sees the original.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

func redact(s string, secrets []string) string {
	for _, v := range secrets {
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "****")
		}
	}
	return s
}

// applyRegistration runs option 7's registration as the file asks.
func applyRegistration(ctx context.Context, env *Env, po PlannedOption, emit, show Emit, log *ActionLog, sleep func(context.Context, time.Duration) error) error {
	spec := po.Register
	t := NewTracker(emit)
	const name = "Register with the tenant"
	reg, err := EdgeAgent{}.NewRegistration(env, po.Answers)
	if err == nil && reg == nil {
		err = errors.New("remote management is disabled: there is no tenant to register with")
	}
	if err != nil {
		t.Emit(Event{Kind: SubStepFailed, Name: name, Detail: err.Error()})
		return err
	}
	if (spec.Create || spec.Accept) && !reg.CanManage() {
		err := errors.New("create and accept need a tenant user: give tenant_user and tenant_password, or set C8Y_USER and C8Y_PASSWORD")
		t.Emit(Event{Kind: SubStepFailed, Name: name, Detail: err.Error()})
		return err
	}
	status := func(s string) {
		show(Event{Kind: Info, Name: "Registration", Detail: "registration: " + s})
		log.LogRegistration(s)
	}
	created, accepted := false, false
	// act creates or accepts the request as the file asks; it reports
	// whether it did.
	act := func(st string) bool {
		if st == StatusNotRegistered && spec.Create && !created {
			created = t.Do("Create the registration request", func() (string, error) { return reg.DeviceID, reg.CreateRequest(ctx) }) == nil
			return created
		}
		if st == StatusPending && spec.Accept && !accepted {
			accepted = t.Do("Accept the registration request", func() (string, error) { return reg.DeviceID, reg.Accept(ctx) }) == nil
			return accepted
		}
		return false
	}
	connected := func(conn *Connection) error {
		t.Emit(Event{Kind: SubStepDone, Name: name, Detail: fmt.Sprintf("connected: tenant %s, managed object %s", conn.TenantID, conn.ManagedObjectID)})
		return nil
	}
	if !spec.Wait {
		return registerOnce(ctx, reg, t, status, act, connected)
	}
	wctx := ctx
	if spec.Timeout > 0 {
		var cancel context.CancelFunc
		wctx, cancel = context.WithTimeout(ctx, spec.Timeout)
		defer cancel()
	}
	conn, err := reg.Wait(wctx, func(u WaitUpdate) {
		switch {
		case u.Retrying != nil:
			t.Warn(fmt.Sprintf("retrying in %s: %v", u.Next.Round(time.Second), u.Retrying))
		case u.Warning != nil:
			t.Warn(u.Warning.Error())
		case u.Status != "":
			status(u.Status)
			act(u.Status)
		}
	}, sleep)
	switch {
	case err == nil:
		return connected(conn)
	case ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded):
		err = fmt.Errorf("%w (%s): register %s at %s, or run edge-setup register --wait later", ErrRegistrationTimeout, spec.Timeout, reg.DeviceID, reg.RegisterLink())
	}
	t.Emit(Event{Kind: SubStepFailed, Name: name, Detail: err.Error()})
	return err
}

// registerOnce is `register: {wait: false}`: one round, no waiting.
func registerOnce(ctx context.Context, reg *Registration, t *Tracker, status func(string), act func(string) bool, connected func(*Connection) error) error {
	const name = "Register with the tenant"
	conn, err := reg.CheckExisting(ctx)
	if err == nil {
		status(StatusConnected)
		return connected(conn)
	}
	if !errors.Is(err, ErrNoCredentials) && !errors.Is(err, ErrCredentialsInvalid) {
		t.Emit(Event{Kind: SubStepFailed, Name: name, Detail: err.Error()})
		return err
	}
	last := ""
	for range 5 { // not registered -> create -> waiting -> pending -> accept -> accepted
		out := reg.PollOnce(ctx, 0, 0)
		switch {
		case out.Fatal != nil:
			t.Emit(Event{Kind: SubStepFailed, Name: name, Detail: out.Fatal.Error()})
			return out.Fatal
		case out.Retrying != nil:
			t.Emit(Event{Kind: SubStepFailed, Name: name, Detail: out.Retrying.Error()})
			return out.Retrying
		case out.Credentials != nil:
			status(StatusAccepted)
			conn, err := reg.Complete(ctx, out.Credentials)
			if err != nil {
				t.Emit(Event{Kind: SubStepFailed, Name: name, Detail: err.Error()})
				return err
			}
			status(StatusConnected)
			return connected(conn)
		}
		if out.Status != last {
			status(out.Status)
		}
		acted := act(out.Status)
		if !acted && out.Status == last {
			break
		}
		last = out.Status
	}
	t.Skip(name, fmt.Sprintf("not connected yet (wait: false): register %s at %s, or run edge-setup register --wait", reg.DeviceID, reg.RegisterLink()))
	return nil
}
