package forms

import (
	"context"
	"fmt"

	"github.com/mosaic-lowcode/mosaic/store"
)

// checkReferences checks what the database alone cannot report precisely:
// related records exist, uploaded files belong to this field and fit its
// limits, and unique fields are unique. Each failure names the field.
func (s *RecordStore) checkReferences(ctx context.Context, c *Compiled, rec Record, selfID int64) error {
	var ps []Problem
	ps = append(ps, s.checkLinks(ctx, c, rec, "")...)
	for _, f := range c.fields {
		if f.Child == nil {
			continue
		}
		rows, _ := rec[f.Key].([]Record)
		for i, row := range rows {
			ps = append(ps, s.checkLinks(ctx, f.Child, row, fmt.Sprintf("/%s/%d", f.Key, i))...)
		}
	}
	for _, f := range c.fields {
		if !f.Unique || f.Column == "" || rec[f.Key] == nil {
			continue
		}
		dbv, err := f.Kind.ToDB(f.Field, rec[f.Key])
		if err != nil {
			return err
		}
		n, err := s.db.Count(ctx, c.Table, store.And(store.Compare(f.Column, store.OpEq, dbv), store.Compare("id", store.OpNe, selfID)))
		if err != nil {
			return err
		}
		if n > 0 {
			ps = append(ps, problem("/"+f.Key, CodeInvalidValue, "%s must be unique: another record already has this value", labelOf(f)))
		}
	}
	if len(ps) > 0 {
		return &ProblemList{Subject: "record", Problems: ps}
	}
	return nil
}

func (s *RecordStore) checkLinks(ctx context.Context, c *Compiled, rec Record, base string) []Problem {
	var ps []Problem
	for _, f := range c.fields {
		v := rec[f.Key]
		if v == nil {
			continue
		}
		path := base + "/" + f.Key
		switch f.Field.Type {
		case "relation":
			if p := s.checkRelation(ctx, f, v, path); p != nil {
				ps = append(ps, *p)
			}
		case "user":
			if _, err := s.db.UserByID(ctx, v.(int64)); err != nil {
				ps = append(ps, problem(path, CodeNotFound, "%s: there is no user %d", labelOf(f), v))
			}
		case "attachment":
			ps = append(ps, s.checkFiles(ctx, c, f, rec, path)...)
		}
	}
	return ps
}

func (s *RecordStore) checkRelation(ctx context.Context, f *CField, v any, path string) *Problem {
	target, ok := s.forms.Form(f.Target)
	if !ok {
		p := problem(path, CodeNotFound, "%s links to form %s, which is not published", labelOf(f), f.Target)
		return &p
	}
	var ids []any
	switch x := v.(type) {
	case int64:
		ids = []any{x}
	case []int64:
		for _, id := range x {
			ids = append(ids, id)
		}
	}
	n, err := s.db.Count(ctx, target.Table, store.In("id", ids, false))
	if err != nil || n != int64(len(ids)) {
		p := problem(path, CodeNotFound, "%s: no %s record with id %v", labelOf(f), f.Target, v)
		return &p
	}
	return nil
}

func (s *RecordStore) checkFiles(ctx context.Context, c *Compiled, f *CField, rec Record, path string) []Problem {
	as := rec[f.Key].([]Attachment)
	ids := make([]string, len(as))
	for i, a := range as {
		ids[i] = a.ID
	}
	files, err := s.db.FilesByID(ctx, ids)
	if err != nil {
		return []Problem{problem(path, CodeNotFound, "%s: the files could not be checked", labelOf(f))}
	}
	byID := map[string]store.File{}
	for _, fl := range files {
		byID[fl.ID] = fl
	}
	var ps []Problem
	for i, a := range as {
		fl, ok := byID[a.ID]
		p := fmt.Sprintf("%s/%d", path, i)
		switch {
		case !ok || fl.Form != c.Form.Key || fl.Field != f.Key:
			ps = append(ps, problem(p, CodeNotFound, "%s: file %s was not uploaded for this field", labelOf(f), a.ID))
		case f.MaxSize > 0 && fl.Size > f.MaxSize:
			ps = append(ps, problem(p, CodeTooLarge, "%s: %s is larger than %d bytes", labelOf(f), fl.Name, f.MaxSize))
		case !f.AcceptsType(fl.ContentType):
			ps = append(ps, problem(p, CodeInvalidValue, "%s: files of type %s are not accepted", labelOf(f), fl.ContentType))
		default:
			as[i] = Attachment{ID: fl.ID, Name: fl.Name, Size: fl.Size, Type: fl.ContentType}
		}
	}
	return ps
}
