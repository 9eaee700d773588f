package forms

import (
	"context"
	"fmt"
	"slices"

	"github.com/mosaic-lowcode/mosaic/store"
)

// keyTypes are the field types an upsert can match records by: text a
// person or another system writes, such as an external id or an e-mail.
var keyTypes = []string{"text", "email", "phone", "url"}

// KeyFields lists the fields records can be matched by in a bulk upsert:
// unique (so at most one record has a value), stored and writable text.
// A form declares its external id by marking such a field "unique": true.
func (c *Compiled) KeyFields() []*CField {
	var out []*CField
	for _, f := range c.fields {
		if f.Unique && f.Column != "" && !f.ReadOnly && slices.Contains(keyTypes, f.Type) {
			out = append(out, f)
		}
	}
	return out
}

// IDsByKey finds, for each of values, the id of the record whose key field
// f holds it; values no record holds are left out.
func (s *RecordStore) IDsByKey(ctx context.Context, c *Compiled, f *CField, values []string) (map[string]int64, error) {
	out := make(map[string]int64, len(values))
	const chunk = 500 // note: well under every dialect's bound-parameter limit
	for start := 0; start < len(values); start += chunk {
		part := values[start:min(start+chunk, len(values))]
		in := make([]any, len(part))
		for i, v := range part {
			in[i] = v
		}
		rows, err := s.db.Select(ctx, store.Query{Table: c.Table, Columns: []store.Ident{"id", f.Column},
			Where: store.In(f.Column, in, false)})
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			id, ok := asInt64(r["id"])
			if !ok {
				return nil, fmt.Errorf("record id %v of %s is not a number", r["id"], c.Form.Key)
			}
			out[fmt.Sprint(asText(r[string(f.Column)]))] = id
		}
	}
	return out, nil
}

func asInt64(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int32:
		return int64(x), true
	case int:
		return int64(x), true
	}
	return 0, false
}

func asText(v any) any {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return v
}
