package answers

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/system"
)

// Answers files drive options without a screen (edge-setup apply): which
// options run, in which order, with which answers. Example
// (steps/answers/testdata/answers/example.yaml has a commented one):
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
// on that answer). Options run in file order, and what an earlier option
// will do counts as done: an option that cannot run yet but needs only an
// earlier one (3, 4, 6 and B after option 2; S and B after option 7) is
// checked just before it runs. A {env:}/{file:} value is read only when a
// prompt asks for it (or, for such a deferred option, at once), so a rerun
// on an Edge that already matches the file needs no secret it does not use.

// AnswersFileVersion is the only "version:" an answers file may name.
const AnswersFileVersion = 1

// DefaultRegisterTimeout bounds `register: {wait: true}` without a timeout.
const DefaultRegisterTimeout = 30 * time.Minute

// HostingKey is option 8's field in an answers file.
const HostingKey = "hosting"

// answerKeys are the keys each option may answer (its prompts' keys).
var answerKeys = map[int][]string{
	1: {system.KeyInputMode, system.KeyInputFile, steps.CfgNetworkIP, steps.CfgNetmask, steps.CfgGateway, steps.CfgDNS, steps.CfgDockerBridge},
	2: {system.KeyInputMode, system.KeyInputFile, steps.CfgAdminUser, steps.CfgAdminPassword, steps.KeyPasswordAgain, steps.CfgDomain, steps.CfgCertificate, steps.CfgCertKey, steps.CfgLicence, steps.CfgCloudURL},
	3: {system.KeyInputMode, system.KeyInputFile, steps.CfgCertificate, steps.CfgCertKey, steps.CfgLicence},
	4: {steps.CfgAdminPassword, steps.KeyPasswordAgain},
	5: {},
	6: {steps.CfgAdminPassword, steps.KeyPasswordAgain},
	7: {steps.KeyCloudURL, steps.KeyBootstrapPassword, steps.KeyTenantUser, steps.KeyTenantPassword},
	8: {},
	// B, the Data Broker (its title is the entry's `databroker:` key)
	steps.DataBrokerNumber: {options.KeyDBDescription, options.KeyDBShare, options.KeyDBDevices, options.KeyDBFragments, options.KeyDBType, steps.KeyTenantUser, steps.KeyTenantPassword},
	// S, remote access
	steps.RemoteAccessNumber: {options.KeyRAAction, options.KeyRATenantUser, options.KeyRATenantPassword, options.KeySSHHost, options.KeySSHPort, options.KeySSHCredentials, options.KeySSHUser, options.KeySSHPassword, options.KeyRAAllow},
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
	Step steps.Step
	Line int
	// Answers are complete and validated; they may hold secrets: never show them.
	Answers  steps.Answers
	Register *RegisterSpec
	// Deferred options depend on an earlier option of the file (After
	// names them); their answers are checked just before they run.
	Deferred bool
	After    []string // the operator's names of those options: 2, 7
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
	verify  bool // the deferred options' network checks run when they do
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
func LoadAnswers(ctx context.Context, env *steps.Env, name string, data []byte, o CheckOptions) (*AnswersPlan, error) {
	c := &checker{env: env}
	opts := c.parse(data)
	plan := &AnswersPlan{Name: name, data: data, verify: o.Verify}
	for i, fo := range opts {
		plan.Options = append(plan.Options, c.checkOption(ctx, fo, opts[:i], o.Verify))
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
