package flows

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/expr-lang/expr"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// approval resolves the assignees of an approval or cc node and takes the
// approval as approved.
func (r *dryRun) approval(n *cnode, step *Step) error {
	step.Mode = n.Approval.Mode
	ids, err := r.users(n.assignees)
	if err != nil {
		return r.resolverError(n, err)
	}
	if n.Type == TypeCC {
		step.Assignees = ids
		return nil
	}
	if !r.c.Flow.AllowSelfApproval && slices.Contains(ids, r.submitter.ID) {
		ids = slices.DeleteFunc(ids, func(id int64) bool { return id == r.submitter.ID })
		step.SelfApprovalRemoved = true
	}
	if len(ids) == 0 {
		step.Fallback = true
		if ids, err = r.fallback(); err != nil {
			return r.resolverError(n, err)
		}
		if len(ids) == 0 {
			step.Warning = "nobody could be found for this task, not even a fallback; the instance would wait for an admin to reassign it"
		}
	}
	step.Assignees = ids
	if n.Type == TypeApproval {
		r.decisions[n.ID] = "approved"
	}
	return nil
}

func (r *dryRun) resolverError(n *cnode, err error) error {
	return fmt.Errorf("dry run of flow %s at node %q: %w", r.c.Flow.Key, n.ID, err)
}

// fallback resolves who gets a task nobody else could take: the flow's
// fallback assignee, or else the admins; never the submitter unless the flow
// allows self-approval.
func (r *dryRun) fallback() ([]int64, error) {
	a := Assignee{Type: AssignRole, Value: "admin"}
	if r.c.Flow.FallbackAssignee != "" {
		a = Assignee{Type: AssignUser, Value: r.c.Flow.FallbackAssignee}
	}
	ids, err := r.resolveUsers(a)
	if err != nil {
		return nil, err
	}
	ids = dedupe(ids)
	if !r.c.Flow.AllowSelfApproval {
		ids = slices.DeleteFunc(ids, func(id int64) bool { return id == r.submitter.ID })
	}
	return ids, nil
}

// users resolves assignees in order, merging duplicates. Field and
// expression assignees are read from the record; the rest go to the
// resolver.
func (r *dryRun) users(as []cassignee) ([]int64, error) {
	var ids []int64
	for _, a := range as {
		switch a.Type {
		case AssignField:
			if f, ok := r.c.Form.Field(a.Value); ok {
				if id, ok := r.rec[f.Key].(int64); ok && id > 0 {
					ids = append(ids, id)
				}
			}
		case AssignExpression:
			out, err := expr.Run(a.prog, r.env())
			if err != nil {
				return nil, fmt.Errorf("assignee expression %q: %w", a.Value, err)
			}
			ids = append(ids, idsOf(out)...)
		default:
			got, err := r.resolveUsers(a.Assignee)
			if err != nil {
				return nil, err
			}
			ids = append(ids, got...)
		}
	}
	return dedupe(ids), nil
}

// resolveUsers asks the resolver; without one, nobody is found.
func (r *dryRun) resolveUsers(a Assignee) ([]int64, error) {
	if r.resolve == nil {
		return nil, nil
	}
	return r.resolve.Users(a, r.rec, r.submitter)
}

// idsOf reads the positive ids in an expression's value: a number or a list
// of numbers.
func idsOf(v any) []int64 {
	var out []int64
	add := func(x any) {
		switch n := x.(type) {
		case int:
			out = append(out, int64(n))
		case int64:
			out = append(out, n)
		case float64:
			if n == float64(int64(n)) {
				out = append(out, int64(n))
			}
		}
	}
	switch l := v.(type) {
	case []any:
		for _, x := range l {
			add(x)
		}
	case []int:
		for _, x := range l {
			add(x)
		}
	case []int64:
		out = append(out, l...)
	default:
		add(v)
	}
	return slices.DeleteFunc(out, func(id int64) bool { return id <= 0 })
}

func dedupe(ids []int64) []int64 {
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// actions works out the effects of an action node. set_fields changes the
// run's copy of the record, through the form's validation as at run time;
// nothing is written.
func (r *dryRun) actions(n *cnode, step *Step) error {
	for _, a := range n.actions {
		eff, err := r.action(a, step)
		if err != nil {
			return r.resolverError(n, err)
		}
		if step.Error != "" {
			return nil
		}
		step.Effects = append(step.Effects, eff)
	}
	return nil
}

func (r *dryRun) action(a caction, step *Step) (Effect, error) {
	eff := Effect{Action: a.Type, Form: a.Form, URL: a.URL}
	env := r.env()
	switch a.Type {
	case ActionSetFields:
		step.Error = r.setFields(a, env, &eff)
	case ActionCreateRecord, ActionUpdateRecord:
		if a.record != nil {
			id, err := r.id(a.record)
			if err != nil {
				step.Error = fmt.Sprintf("the record to update: %v", err)
				return eff, nil
			}
			eff.Record = id
			if a.readsTarget {
				target, err := r.target(a, id)
				if errors.Is(err, store.ErrNotFound) {
					step.Error = fmt.Sprintf("the record to update: %v", err)
					return eff, nil
				}
				if err != nil {
					return eff, err
				}
				env["target"] = target
			}
		}
		step.Error = r.mapValues(a, env, &eff)
	case ActionNotify:
		to, err := r.users(a.to)
		if err != nil {
			return eff, err
		}
		eff.To = to
		eff.Message, step.Error = r.render(a.message, env)
	}
	return eff, nil
}

// target is what an update_record mapping sees of record id: the record as
// the resolver reads it when it can (see RecordReader), else an empty one.
// A record that does not exist is store.ErrNotFound.
func (r *dryRun) target(a caction, id int64) (map[string]any, error) {
	rec := forms.Record{"id": id}
	if rr, ok := r.resolve.(RecordReader); ok {
		got, err := rr.Record(a.target, id)
		if err != nil {
			return nil, err
		}
		if got != nil {
			rec = got
		}
	}
	return a.target.TargetValues(rec), nil
}

// setFields computes the values of a set_fields action and applies them to
// the run's record; it returns why that failed, or "".
func (r *dryRun) setFields(a caction, env map[string]any, eff *Effect) string {
	input := map[string]any{}
	for _, s := range a.set {
		out, err := expr.Run(s.prog, env)
		if err != nil {
			return fmt.Sprintf("%s could not be computed: %v", s.field.Key, err)
		}
		input[s.field.Key] = out
	}
	rec, err := r.c.Form.Validate(forms.Write{Input: input, Prev: r.rec, Actor: r.submitter, Trusted: true})
	if err != nil {
		return "the record would not be valid: " + problemWords(err)
	}
	r.rec = rec
	for _, s := range a.set {
		eff.Set = append(eff.Set, Value{Name: s.field.Key, Value: fieldText(s.field, rec[s.field.Key])})
	}
	return ""
}

// mapValues computes the values a created or updated record would get.
func (r *dryRun) mapValues(a caction, env map[string]any, eff *Effect) string {
	for _, s := range a.set {
		out, err := expr.Run(s.prog, env)
		if err != nil {
			return fmt.Sprintf("%s could not be computed: %v", s.field.Key, err)
		}
		// note: as at run time, nothing (an empty date) leaves the field
		// empty. A record not saved has no id yet, so a link to it (a
		// contract's order) is shown empty rather than as a failure.
		if out == nil || (r.rec.ID() == 0 && s.field.Kind.Name() == "relation" && isZero(out)) {
			eff.Set = append(eff.Set, Value{Name: s.field.Key, Value: json.RawMessage("null")})
			continue
		}
		v, err := s.field.Kind.Prepare(s.field.Field, out)
		if err != nil {
			return fmt.Sprintf("%s %v", s.field.Key, err)
		}
		eff.Set = append(eff.Set, Value{Name: s.field.Key, Value: fieldText(s.field, v)})
	}
	return ""
}

func isZero(v any) bool {
	switch n := v.(type) {
	case int:
		return n == 0
	case int64:
		return n == 0
	}
	return false
}

// render fills in a message's placeholders.
func (r *dryRun) render(t template, env map[string]any) (string, string) {
	var b strings.Builder
	for _, seg := range t {
		if seg.prog == nil {
			b.WriteString(seg.text)
			continue
		}
		if seg.field != nil {
			if v := r.rec[seg.field.Key]; v != nil {
				writeText(&b, seg.field.Kind.ToJSON(seg.field.Field, v))
			}
			continue
		}
		out, err := expr.Run(seg.prog, env)
		if err != nil {
			return "", fmt.Sprintf("the message could not be written: %v", err)
		}
		writeText(&b, out)
	}
	return b.String(), ""
}

// writeText writes a text as it is and any other value as JSON.
func writeText(b *strings.Builder, v any) {
	switch x := v.(type) {
	case string:
		b.WriteString(x)
	case json.Number:
		b.WriteString(string(x))
	default:
		b.Write(jsonText(v))
	}
}

func problemWords(err error) string {
	pl, ok := forms.AsProblems(err)
	if !ok {
		return err.Error()
	}
	parts := make([]string, len(pl.Problems))
	for i, p := range pl.Problems {
		parts[i] = p.Path + ": " + p.Message
	}
	return strings.Join(parts, "; ")
}
