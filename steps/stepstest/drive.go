package stepstest

import (
	"context"
	"fmt"
	"sync"

	"github.com/edge-setup/edge-setup/steps"
)

// Transcript is what an operator saw while a step was driven.
type Transcript struct {
	Prompts []string // prompt texts in the order asked (repeats included)
	Errors  []string // validation and verification messages
	Answers steps.Answers
	Confirm []string
	Events  []steps.Event
}

// Drive plays an operator: it answers each prompt with the next input
// (an invalid or unverifiable input is followed by the next one for the
// same prompt, as a front end re-asks), then confirms and runs the step.
func Drive(ctx context.Context, env *steps.Env, s steps.Step, inputs ...string) (*Transcript, error) {
	tr := &Transcript{Answers: steps.Answers{}}
	if err := s.Available(env); err != nil {
		return tr, err
	}
	for {
		p, err := s.NextPrompt(env, tr.Answers)
		if err != nil {
			return tr, err
		}
		if p == nil {
			break
		}
		tr.Prompts = append(tr.Prompts, p.Text)
		if len(inputs) == 0 {
			return tr, fmt.Errorf("no input left for prompt %q", p.Text)
		}
		in := inputs[0]
		inputs = inputs[1:]
		v, err := p.Check(in)
		if err == nil && p.Verify != nil {
			err = p.Verify(ctx, v)
		}
		if err != nil {
			tr.Errors = append(tr.Errors, err.Error())
			steps.Forget(tr.Answers, err)
			continue
		}
		tr.Answers[p.Key] = v
	}
	tr.Confirm = s.Confirm(env, tr.Answers)
	var mu sync.Mutex
	err := s.Run(ctx, env, tr.Answers, func(e steps.Event) {
		mu.Lock()
		tr.Events = append(tr.Events, e)
		mu.Unlock()
	})
	return tr, err
}
