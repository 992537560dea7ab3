package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/answers"
	"github.com/edge-setup/edge-setup/steps/options"
)

// applyReport is `apply --json`: what each option did, so that automation
// (the Ansible role) reports "changed" truthfully.
type applyReport struct {
	File    string                 `json:"file"`
	Changed bool                   `json:"changed"` // some option changed the Edge or the tenant
	Failed  bool                   `json:"failed"`
	Options []answers.OptionResult `json:"options"`
	Error   string                 `json:"error,omitempty"` // the failure, as the tool says it
}

func (r *applyReport) add(o answers.OptionResult) {
	r.Options = append(r.Options, o)
	r.Changed = r.Changed || len(o.Changes) > 0
	r.Failed = r.Failed || o.Result == answers.ResultFailed
}

// summary counts the options by result: "2 changed, 4 unchanged".
func (r *applyReport) summary() string {
	changed := 0
	for _, o := range r.Options {
		if o.Result == answers.ResultChanged {
			changed++
		}
	}
	return fmt.Sprintf("%d changed, %d unchanged", changed, len(r.Options)-changed)
}

// resultLine is an option's result in apply's text output.
func resultLine(r answers.OptionResult) string {
	switch {
	case r.Result == answers.ResultChanged:
		return "  => changed: " + strings.Join(r.Changes, ", ")
	case r.Result == answers.ResultFailed && len(r.Changes) > 0:
		return "  => failed after changing: " + strings.Join(r.Changes, ", ")
	case r.Result == answers.ResultFailed:
		return "  => failed"
	}
	return "  => unchanged"
}

// printPlan is `apply --check`: every option in order with what it would
// do on this Edge now, or, for an option that needs an earlier one, which.
func printPlan(w io.Writer, env *steps.Env, path string, plan *answers.AnswersPlan) {
	fmt.Fprintf(w, "%s is valid; it would run:\n", path)
	for _, po := range plan.Options {
		fmt.Fprintf(w, "  %s - %s%s\n", options.OptionLabel(po.Step), po.Step.Title(env), planNote(po))
		if po.Skip != "" || po.Deferred {
			continue
		}
		for _, l := range po.Step.Confirm(env, po.Answers) {
			fmt.Fprintln(w, "      - "+l)
		}
	}
}
