package forms

import (
	"time"
)

// Record is a form record with canonical values, keyed by field key, plus the
// system columns (id, created_at, …). Sub-table values are []Record.
type Record map[string]any

// ID returns the record's id, or 0 before it is stored.
func (r Record) ID() int64 { n, _ := r["id"].(int64); return n }

// RowVersion returns the record's row version, used for optimistic locking.
func (r Record) RowVersion() int64 { n, _ := r["row_version"].(int64); return n }

// clone copies r one level deep (sub-table slices are copied too).
func (r Record) clone() Record {
	out := make(Record, len(r))
	for k, v := range r {
		if rows, ok := v.([]Record); ok {
			cp := make([]Record, len(rows))
			for i, row := range rows {
				cp[i] = row.clone()
			}
			v = cp
		}
		out[k] = v
	}
	return out
}

// JSON renders rec for the API. When only is not empty it keeps just those
// fields (and id). Empty values are rendered as null so clients see every
// field they may read.
func (c *Compiled) JSON(rec Record, only map[string]bool) map[string]any {
	return c.JSONAs(rec, nil, only)
}

// JSONAs is JSON for a caller with access acc: fields acc hides are absent.
func (c *Compiled) JSONAs(rec Record, acc *Access, only map[string]bool) map[string]any {
	out := make(map[string]any, len(c.fields)+len(SystemColumns))
	if c.parent == nil {
		for _, k := range SystemColumns {
			if only != nil && !only[k] && k != "id" {
				continue
			}
			v := rec[k]
			if t, ok := v.(time.Time); ok {
				v = t.Format(time.RFC3339Nano)
			}
			out[k] = v
		}
	} else if id, ok := rec["id"]; ok {
		out["id"] = id
	}
	for _, f := range c.fields {
		if (only != nil && !only[f.Key]) || !acc.CanRead(c.fieldPath(f.Key)) {
			continue
		}
		out[f.Key] = c.fieldJSONAs(f, rec[f.Key], acc)
	}
	return out
}

func (c *Compiled) fieldJSON(f *CField, v any) any { return c.fieldJSONAs(f, v, nil) }

func (c *Compiled) fieldJSONAs(f *CField, v any, acc *Access) any {
	if v == nil {
		if f.Child != nil {
			return []any{}
		}
		return nil
	}
	if f.Child != nil {
		rows, _ := v.([]Record)
		out := make([]any, len(rows))
		for i, r := range rows {
			out[i] = f.Child.JSONAs(r, acc, nil)
		}
		return out
	}
	return f.Kind.ToJSON(f.Field, v)
}
