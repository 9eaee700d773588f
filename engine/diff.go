package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// FieldChange is one field added, removed or changed between two versions of
// a form.
type FieldChange struct {
	Key    string       `json:"key"`
	Change string       `json:"change"` // added, removed, changed
	Before *forms.Field `json:"before,omitempty"`
	After  *forms.Field `json:"after,omitempty"`
}

// Diff says what publishing a draft would do.
type Diff struct {
	Kind        string          `json:"kind"`
	Key         string          `json:"key"`
	FromVersion int             `json:"from_version"`
	Fields      []FieldChange   `json:"fields"`
	Steps       []forms.Step    `json:"steps"`
	Destructive bool            `json:"destructive"`
	Problems    []forms.Problem `json:"problems"`
}

// DiffDraft compares the draft of (kind, key) with its live version: fields
// added, removed and changed, and the migration publishing would run, with
// the values destructive steps would lose.
func (e *Engine) DiffDraft(ctx context.Context, kind, key string) (*Diff, error) {
	d, err := e.db.DraftOf(ctx, kind, key)
	if err != nil {
		return nil, fmt.Errorf("%w: %s/%s has no draft", store.ErrNotFound, kind, key)
	}
	out := &Diff{Kind: kind, Key: key, Fields: []FieldChange{}, Steps: []forms.Step{}, Problems: []forms.Problem{}}
	live := e.Snapshot()
	old, ok := live.Form(key)
	if ok && kind == KindForm {
		out.FromVersion = old.Version
	}
	if kind != KindForm {
		// note: only forms have fields and migrations; for other kinds the
		// diff is whether the draft would publish.
		out.FromVersion = e.nextVersion(ctx, kind, key) - 1
		ok = false
	}
	checked, err := e.Check([]byte(d.Body), out.FromVersion+1, live)
	if pl, isProblems := forms.AsProblems(err); isProblems {
		out.Problems = pl.Problems
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	if checked.Compiled == nil {
		return out, nil
	}
	var oldForm *forms.Form
	if ok {
		oldForm = old.Form
	}
	out.Fields = fieldChanges(oldForm, checked.Compiled.Form)
	out.Steps = forms.PlanMigration(old, checked.Compiled)
	if err := e.records.Measure(ctx, out.Steps); err != nil {
		return nil, err
	}
	for _, s := range out.Steps {
		out.Destructive = out.Destructive || s.Destructive
	}
	return out, nil
}

func fieldChanges(old, new *forms.Form) []FieldChange {
	out := []FieldChange{}
	before := map[string]*forms.Field{}
	if old != nil {
		for i := range old.Fields {
			before[old.Fields[i].Key] = &old.Fields[i]
		}
	}
	seen := map[string]bool{}
	for i := range new.Fields {
		f := &new.Fields[i]
		seen[f.Key] = true
		b, existed := before[f.Key]
		switch {
		case !existed:
			out = append(out, FieldChange{Key: f.Key, Change: "added", After: f})
		case !sameField(b, f):
			out = append(out, FieldChange{Key: f.Key, Change: "changed", Before: b, After: f})
		}
	}
	if old != nil {
		for i := range old.Fields {
			if f := &old.Fields[i]; !seen[f.Key] {
				out = append(out, FieldChange{Key: f.Key, Change: "removed", Before: f})
			}
		}
	}
	return out
}

func sameField(a, b *forms.Field) bool {
	aj, _ := json.Marshal(a)
	bj, _ := json.Marshal(b)
	return reflect.DeepEqual(aj, bj)
}
