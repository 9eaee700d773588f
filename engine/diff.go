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

	compiled *forms.Compiled
}

// RecordSchema is the record schema the draft would have once published (see
// forms.Compiled.RecordSchema), so the studio previews the form with the
// server's own limits; nil unless the draft is a valid form.
func (d *Diff) RecordSchema() map[string]any {
	if d.compiled == nil {
		return nil
	}
	return d.compiled.RecordSchema()
}

// DiffDraft compares the draft of (kind, key) with its live version: fields
// added, removed and changed, and the migration publishing would run, with
// the values destructive steps would lose.
func (e *Engine) DiffDraft(ctx context.Context, kind, key string) (*Diff, error) {
	d, err := e.db.DraftOf(ctx, kind, key)
	if err != nil {
		return nil, fmt.Errorf("%w: %s/%s has no draft", store.ErrNotFound, kind, key)
	}
	return e.DiffBody(ctx, kind, key, []byte(d.Body))
}

// DiffBody is DiffDraft for a text not saved yet, such as the one the studio
// is editing: nothing is stored. The text must name kind and key itself.
func (e *Engine) DiffBody(ctx context.Context, kind, key string, body []byte) (*Diff, error) {
	var h Header
	if err := json.Unmarshal(body, &h); err == nil && (h.Kind != kind || h.Key != key) {
		return nil, invalid("/key", fmt.Sprintf("the definition says it is %s/%s; this is %s/%s", h.Kind, h.Key, kind, key))
	}
	out := &Diff{Kind: kind, Key: key, Fields: []FieldChange{}, Steps: []forms.Step{}, Problems: []forms.Problem{}}
	live := e.Snapshot()
	out.FromVersion = e.nextVersion(ctx, kind, key) - 1
	checked, err := e.Check(body, out.FromVersion+1, live)
	if pl, isProblems := forms.AsProblems(err); isProblems {
		out.Problems = pl.Problems
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	if checked.Compiled == nil {
		// note: roles and flows have no fields or tables to compare.
		return out, nil
	}
	out.compiled = checked.Compiled
	old, ok := live.Form(key)
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
