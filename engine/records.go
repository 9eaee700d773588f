package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// Form returns the live compiled form with key, or ErrNotFound.
func (e *Engine) Form(key string) (*forms.Compiled, error) {
	c, ok := e.Snapshot().Form(key)
	if !ok {
		return nil, fmt.Errorf("%w: there is no published form %q", store.ErrNotFound, key)
	}
	return c, nil
}

// Records is the record store.
func (e *Engine) Records() *forms.RecordStore { return e.records }

// Expand follows the relation fields named in expand for every record in
// recs, with one query per field, and returns per record the related records
// in API form: expanded[i][field] is an object (or a list for several). A
// related record p may not read is left out, so the record shows only its
// id; acc is p's access to c, whose hidden fields cannot be expanded.
func (e *Engine) Expand(ctx context.Context, p *Principal, c *forms.Compiled, acc *forms.Access, recs []forms.Record, expand []string) ([]map[string]any, error) {
	out := make([]map[string]any, len(recs))
	for _, key := range expand {
		f, ok := c.Field(key)
		if !ok || f.Type != "relation" || !acc.CanRead(key) {
			return nil, invalid("/expand", fmt.Sprintf("%q is not a relation field of %s", key, c.Form.Key))
		}
		target, err := e.Form(f.Target)
		if err != nil {
			return nil, err
		}
		tacc, err := e.AccessFor(p, target, "read")
		if errors.Is(err, store.ErrForbidden) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var ids []int64
		for _, r := range recs {
			ids = append(ids, linkedIDs(r[key])...)
		}
		related, err := e.records.GetMany(ctx, target, ids, tacc)
		if err != nil {
			return nil, err
		}
		for i, r := range recs {
			if r[key] == nil {
				continue
			}
			if out[i] == nil {
				out[i] = map[string]any{}
			}
			if f.Multiple {
				list := []any{}
				for _, id := range linkedIDs(r[key]) {
					if rel, ok := related[id]; ok {
						list = append(list, target.JSONAs(rel, tacc, nil))
					}
				}
				out[i][key] = list
			} else if rel, ok := related[r[key].(int64)]; ok {
				out[i][key] = target.JSONAs(rel, tacc, nil)
			}
		}
	}
	return out, nil
}

func linkedIDs(v any) []int64 {
	switch x := v.(type) {
	case int64:
		return []int64{x}
	case []int64:
		return x
	}
	return nil
}

// AuditEntry is one audit line in API form, with its field changes decoded.
type AuditEntry struct {
	store.AuditEntry
	Changes any `json:"changes"`
}

// RecordAudit lists the audit trail of one record, newest first, with the
// before/after of each field the viewer (whose access is acc) may not read
// left out, down to sub-table columns.
func (e *Engine) RecordAudit(ctx context.Context, formKey string, id int64, limit int, acc *forms.Access) ([]AuditEntry, error) {
	entries, err := e.db.AuditOf(ctx, "form", formKey, id, limit)
	if err != nil {
		return nil, err
	}
	out := make([]AuditEntry, len(entries))
	for i, en := range entries {
		changes, hidden := visibleChanges(en.Changes, acc)
		if hidden > 0 {
			// note: the stored summary counts every changed field; the
			// count of those the viewer may not read is not theirs to know.
			en.Summary = fmt.Sprintf("%s %s #%d (%d field(s))", en.Action, formKey, id, len(changes.(map[string]forms.Change)))
		}
		out[i] = AuditEntry{AuditEntry: en, Changes: changes}
	}
	return out, nil
}

// visibleChanges keeps the changes of the fields acc can read, and counts
// those it left out.
func visibleChanges(raw string, acc *forms.Access) (any, int) {
	var changes map[string]forms.Change
	if raw == "" || json.Unmarshal([]byte(raw), &changes) != nil {
		return rawJSON(raw), 0
	}
	out := map[string]forms.Change{}
	for key, ch := range changes {
		if !acc.CanRead(key) {
			continue
		}
		out[key] = forms.Change{Before: visibleRows(key, ch.Before, acc), After: visibleRows(key, ch.After, acc)}
	}
	return out, len(changes) - len(out)
}

// visibleRows strips the columns acc hides from sub-table rows.
func visibleRows(key string, v any, acc *forms.Access) any {
	rows, ok := v.([]any)
	if !ok {
		return v
	}
	for _, r := range rows {
		if m, ok := r.(map[string]any); ok {
			for col := range m {
				if col != "id" && !acc.CanRead(key+"."+col) {
					delete(m, col)
				}
			}
		}
	}
	return rows
}

// Audit lists the whole audit log, for administrators, newest first.
func (e *Engine) Audit(ctx context.Context, f store.AuditFilter) ([]AuditEntry, error) {
	entries, err := e.db.AuditQuery(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]AuditEntry, len(entries))
	for i, en := range entries {
		out[i] = AuditEntry{AuditEntry: en, Changes: rawJSON(en.Changes)}
	}
	return out, nil
}
