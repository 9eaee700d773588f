package engine

import (
	"context"
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
// in API form: expanded[i][field] is an object (or a list for several).
func (e *Engine) Expand(ctx context.Context, c *forms.Compiled, recs []forms.Record, expand []string) ([]map[string]any, error) {
	out := make([]map[string]any, len(recs))
	for _, key := range expand {
		f, ok := c.Field(key)
		if !ok || f.Type != "relation" {
			return nil, invalid("/expand", fmt.Sprintf("%q is not a relation field of %s", key, c.Form.Key))
		}
		target, err := e.Form(f.Target)
		if err != nil {
			return nil, err
		}
		var ids []int64
		for _, r := range recs {
			ids = append(ids, linkedIDs(r[key])...)
		}
		related, err := e.records.GetMany(ctx, target, ids)
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
						list = append(list, target.JSON(rel, nil))
					}
				}
				out[i][key] = list
			} else if rel, ok := related[r[key].(int64)]; ok {
				out[i][key] = target.JSON(rel, nil)
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

// RecordAudit lists the audit trail of one record, newest first.
func (e *Engine) RecordAudit(ctx context.Context, formKey string, id int64, limit int) ([]AuditEntry, error) {
	entries, err := e.db.AuditOf(ctx, "form", formKey, id, limit)
	if err != nil {
		return nil, err
	}
	out := make([]AuditEntry, len(entries))
	for i, en := range entries {
		out[i] = AuditEntry{AuditEntry: en, Changes: rawJSON(en.Changes)}
	}
	return out, nil
}
