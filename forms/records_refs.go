package forms

import (
	"context"
	"fmt"

	"github.com/mosaic-lowcode/mosaic/store"
)

// checkReferences checks what the database alone cannot report precisely:
// related records exist, uploaded files belong to this field and fit its
// limits, and unique fields are unique. Each failure names the field.
//
// actorID is the writer, a user known to exist, whose id needs no lookup
// (user fields default to the writer). prev is the stored record an update
// starts from (nil for a create): what it already holds was checked when it
// was written and is kept so by the database (a single relation is a
// foreign key, a unique field has a unique index), so an update that leaves
// such a value as it was does not look it up again.
func (s *RecordStore) checkReferences(ctx context.Context, c *Compiled, rec, prev Record, selfID, actorID int64) error {
	links := &linkSet{byTarget: map[string][]linkUse{}, actorID: actorID, stored: storedLinks(c, prev)}
	var ps []Problem
	ps = append(ps, s.checkLinks(ctx, c, rec, "", links)...)
	for _, f := range c.fields {
		if f.Child == nil {
			continue
		}
		rows, _ := rec[f.Key].([]Record)
		for i, row := range rows {
			ps = append(ps, s.checkLinks(ctx, f.Child, row, fmt.Sprintf("/%s/%d", f.Key, i), links)...)
		}
	}
	rps, err := s.checkRelations(ctx, links)
	if err != nil {
		return err
	}
	ps = append(ps, rps...)
	ups, err := s.checkUnique(ctx, c, rec, prev, selfID)
	if err != nil {
		return err
	}
	ps = append(ps, ups...)
	if len(ps) > 0 {
		return &ProblemList{Subject: "record", Problems: ps}
	}
	return nil
}

func (s *RecordStore) checkUnique(ctx context.Context, c *Compiled, rec, prev Record, selfID int64) ([]Problem, error) {
	var ps []Problem
	for _, f := range c.fields {
		if !f.Unique || f.Column == "" || rec[f.Key] == nil {
			continue
		}
		dbv, err := f.Kind.ToDB(f.Field, rec[f.Key])
		if err != nil {
			return nil, err
		}
		if prev != nil && prev[f.Key] != nil {
			if was, err := f.Kind.ToDB(f.Field, prev[f.Key]); err == nil && sameScalar(was, dbv) {
				continue
			}
		}
		n, err := s.db.Count(ctx, c.Table, store.And(store.Compare(f.Column, store.OpEq, dbv), store.Compare("id", store.OpNe, selfID)))
		if err != nil {
			return nil, err
		}
		if n > 0 {
			ps = append(ps, problem("/"+f.Key, CodeInvalidValue, "%s must be unique: another record already has this value", labelOf(f)))
		}
	}
	return ps, nil
}

// linkUse is one relation value to check: where it is and which ids it names.
type linkUse struct {
	field *CField
	path  string
	ids   []int64
}

// linkSet gathers the relation values of a record and its line items so each
// target form is checked with one query.
type linkSet struct {
	byTarget map[string][]linkUse
	order    []string
	actorID  int64
	// stored are the single relation values the record held before, by
	// field: they need no lookup.
	stored map[*CField]map[int64]bool
}

// storedLinks gathers the single relation values of prev and its line
// items, by field.
func storedLinks(c *Compiled, prev Record) map[*CField]map[int64]bool {
	if prev == nil {
		return nil
	}
	out := map[*CField]map[int64]bool{}
	add := func(c *Compiled, rec Record) {
		for _, f := range c.fields {
			if id, ok := rec[f.Key].(int64); ok && f.Field.Type == "relation" && !f.Multiple {
				if out[f] == nil {
					out[f] = map[int64]bool{}
				}
				out[f][id] = true
			}
		}
	}
	add(c, prev)
	for _, f := range c.fields {
		if f.Child == nil {
			continue
		}
		rows, _ := prev[f.Key].([]Record)
		for _, row := range rows {
			add(f.Child, row)
		}
	}
	return out
}

func (l *linkSet) add(f *CField, path string, ids []int64) {
	if _, seen := l.byTarget[f.Target]; !seen {
		l.order = append(l.order, f.Target)
	}
	l.byTarget[f.Target] = append(l.byTarget[f.Target], linkUse{f, path, ids})
}

func (s *RecordStore) checkLinks(ctx context.Context, c *Compiled, rec Record, base string, links *linkSet) []Problem {
	var ps []Problem
	for _, f := range c.fields {
		v := rec[f.Key]
		if v == nil {
			continue
		}
		path := base + "/" + f.Key
		switch f.Field.Type {
		case "relation":
			switch x := v.(type) {
			case int64:
				if !f.Multiple && links.stored[f][x] {
					continue
				}
				links.add(f, path, []int64{x})
			case []int64:
				links.add(f, path, x)
			}
		case "user":
			if id := v.(int64); id != 0 && id == links.actorID {
				continue
			}
			if _, err := s.db.UserByID(ctx, v.(int64)); err != nil {
				ps = append(ps, problem(path, CodeNotFound, "%s: there is no user %d", labelOf(f), v))
			}
		case "attachment":
			ps = append(ps, s.checkFiles(ctx, c, f, rec, path)...)
		}
	}
	return ps
}

// checkRelations looks up every linked id, one query per target form, and
// reports each value naming a record that does not exist.
func (s *RecordStore) checkRelations(ctx context.Context, links *linkSet) ([]Problem, error) {
	var ps []Problem
	for _, target := range links.order {
		uses := links.byTarget[target]
		tc, ok := s.forms.Form(target)
		if !ok {
			for _, u := range uses {
				ps = append(ps, problem(u.path, CodeNotFound, "%s links to form %s, which is not published", labelOf(u.field), target))
			}
			continue
		}
		var ids []any
		for _, u := range uses {
			for _, id := range u.ids {
				ids = append(ids, id)
			}
		}
		rows, err := s.db.Select(tc.tag(ctx), store.Query{Table: tc.Table, Columns: []store.Ident{"id"}, Where: store.In("id", ids, false)})
		if err != nil {
			return nil, err
		}
		found := make(map[int64]bool, len(rows))
		for _, r := range rows {
			if id, err := fromDBInt(r["id"]); err == nil && id != nil {
				found[id.(int64)] = true
			}
		}
		for _, u := range uses {
			for _, id := range u.ids {
				if !found[id] {
					ps = append(ps, problem(u.path, CodeNotFound, "%s: no %s record with id %d", labelOf(u.field), target, id))
					break
				}
			}
		}
	}
	return ps, nil
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

// sameScalar reports whether a and b are the same text, integer or boolean
// column value; other kinds are never the same, so they are checked again.
func sameScalar(a, b any) bool {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && x == y
	case int64:
		y, ok := b.(int64)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	}
	return false
}
