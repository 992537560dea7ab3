package flow_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/flow"
)

// twoQuestions asks "url" then "user"; it fills "derived" by itself once
// the url is known, as a parameter file's values are filled.
type twoQuestions struct{}

func (twoQuestions) Number() int                { return 42 }
func (twoQuestions) Title(*steps.Env) string    { return "test" }
func (twoQuestions) Available(*steps.Env) error { return nil }
func (twoQuestions) NextPrompt(_ *steps.Env, a steps.Answers) (*steps.Prompt, error) {
	if !a.Has("url") {
		return &steps.Prompt{Key: "url", Text: "url?", Verify: func(context.Context, string) error {
			return errors.New("no answer")
		}}, nil
	}
	if !a.Has("derived") {
		a["derived"] = "from " + a["url"]
	}
	if !a.Has("user") {
		return &steps.Prompt{Key: "user", Text: "user?"}, nil
	}
	return nil, nil
}
func (twoQuestions) Confirm(_ *steps.Env, a steps.Answers) []string {
	return []string{"user " + a["user"] + " at " + a["derived"]}
}
func (twoQuestions) Run(context.Context, *steps.Env, steps.Answers, steps.Emit) error { return nil }

func TestAnswersTheStepFillsAreKeptAndBackUndoesThem(t *testing.T) {
	f := flow.New(&steps.Env{}, twoQuestions{})
	p, _ := f.Next()
	o := flow.Check(context.Background(), p, "http://x")
	if o.VerifyErr == nil || !o.Keepable {
		t.Fatalf("outcome %+v", o)
	}
	f.Accept("http://x", o.Value, true)
	if p, _ = f.Next(); p.Key != "user" || f.Answers()["derived"] != "from http://x" {
		t.Fatalf("prompt %v answers %v", p.Key, f.Answers())
	}
	f.Accept("bob", "bob", false)
	if p, _ = f.Next(); p != nil {
		t.Fatalf("asked %s again", p.Key)
	}
	plan := strings.Join(f.Plan(), "\n")
	if !strings.Contains(plan, "user bob at from http://x") || !strings.Contains(plan, "Use http://x unchecked") {
		t.Fatalf("plan %q", plan)
	}
	if !f.Back("") {
		t.Fatal("no way back")
	}
	if p, _ = f.Next(); p.Key != "user" || p.Default != "bob" {
		t.Fatalf("back asked %v with %q", p.Key, p.Default)
	}
	f.Back("bo")
	if p, _ = f.Next(); p.Key != "url" || p.Default != "http://x" || f.Answers().Has("derived") {
		t.Fatalf("second back: %v %q %v", p.Key, p.Default, f.Answers())
	}
	if f.Back("") {
		t.Fatal("went back from the first question")
	}
}
