package forms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mosaic-lowcode/mosaic/store"
)

// Resolver finds the compiled form of a key in the live registry; the record
// store uses it to follow relations.
type Resolver interface {
	Form(key string) (*Compiled, bool)
}

// RecordStore reads and writes form records in their tables, keeping the audit
// log in the same transaction as every write.
type RecordStore struct {
	db      *store.DB
	forms   Resolver
	now     func() time.Time
	observe Observer
}

// Observer hears every record write (action record.create, record.update or
// record.delete; before or after is nil) in the write's transaction, so
// what it enqueues exists exactly when the write committed. Its error rolls
// the write back.
type Observer func(ctx context.Context, c *Compiled, action string, id int64, before, after Record) error

// Observe sets the observer of every later write; call it before the store
// is shared.
func (s *RecordStore) Observe(o Observer) { s.observe = o }

// NewRecordStore returns a record store over db; forms resolves relation
// targets.
func NewRecordStore(db *store.DB, forms Resolver) *RecordStore {
	return &RecordStore{db: db, forms: forms, now: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }}
}

// Create validates w and stores the new record with its line items, formulas
// and auto-numbers filled in. It returns the stored record.
func (s *RecordStore) Create(ctx context.Context, c *Compiled, w Write) (Record, error) {
	ctx = c.tag(ctx)
	w.Prev = nil
	var out Record
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		rec, err := c.validate(w, s.filler(ctx, c, w))
		if err != nil {
			return err
		}
		if err := s.checkReferences(ctx, c, rec, nil, 0, w.Actor.ID); err != nil {
			return err
		}
		now := s.now()
		if err := s.assignAutoNumbers(ctx, c, rec, now); err != nil {
			return err
		}
		rec["created_at"], rec["updated_at"] = now, now
		rec["created_by"], rec["updated_by"], rec["owner"] = w.Actor.ID, w.Actor.ID, w.Actor.ID
		rec["row_version"], rec["form_version"] = int64(1), int64(c.Version)
		rec["flow_status"] = ""
		values, err := c.rowValues(rec, true)
		if err != nil {
			return err
		}
		id, err := s.db.Insert(ctx, c.Table, values)
		if err != nil {
			return err
		}
		rec["id"] = id
		if err := s.checkStaysInScope(ctx, c, id, w.Access); err != nil {
			return err
		}
		if err := s.writeChildren(ctx, c, rec, nil); err != nil {
			return err
		}
		out = rec
		return s.audit(ctx, c, "record.create", w.Actor.ID, id, nil, rec)
	})
	return out, err
}

// Update applies w.Input to the record with id. When expectVersion is not
// zero it must equal the stored row version, otherwise the update fails with
// store.ErrConflict (someone else saved first).
func (s *RecordStore) Update(ctx context.Context, c *Compiled, id, expectVersion int64, w Write) (Record, error) {
	if w.Access != nil && w.Access.Rows != nil {
		w.Stored = nil
	}
	rec, err := s.update(ctx, c, id, expectVersion, w)
	if errors.Is(err, errStaleStored) {
		w.Stored = nil
		rec, err = s.update(ctx, c, id, expectVersion, w)
	}
	return rec, err
}

// errStaleStored says the record a write was given (Write.Stored) is no
// longer the stored one; nothing was written.
var errStaleStored = fmt.Errorf("%w: the record was written since it was read", store.ErrConflict)

func (s *RecordStore) update(ctx context.Context, c *Compiled, id, expectVersion int64, w Write) (Record, error) {
	ctx = c.tag(ctx)
	var out Record
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		prev := w.Stored
		if prev == nil {
			var err error
			if prev, err = s.GetAs(ctx, c, id, w.Access); err != nil {
				return err
			}
		}
		if expectVersion != 0 && prev.RowVersion() != expectVersion && w.Stored != nil {
			return errStaleStored
		}
		if expectVersion != 0 && prev.RowVersion() != expectVersion {
			return fmt.Errorf("%w: the record was changed by someone else (version %d, you sent %d); reload it and try again",
				store.ErrConflict, prev.RowVersion(), expectVersion)
		}
		w.Prev = prev
		rec, err := c.validate(w, s.filler(ctx, c, w))
		if err != nil {
			return err
		}
		if err := s.checkReferences(ctx, c, rec, prev, id, w.Actor.ID); err != nil {
			return err
		}
		rec["updated_at"], rec["updated_by"] = s.now(), w.Actor.ID
		rec["row_version"], rec["form_version"] = prev.RowVersion()+1, int64(c.Version)
		values, err := c.rowValues(rec, false)
		if err != nil {
			return err
		}
		n, err := s.db.Update(ctx, c.Table, store.And(
			store.Compare("id", store.OpEq, id), store.Compare("row_version", store.OpEq, prev.RowVersion())), values)
		if err != nil {
			return err
		}
		if n == 0 && w.Stored != nil {
			return errStaleStored
		}
		if n == 0 {
			return fmt.Errorf("%w: the record was changed by someone else; reload it and try again", store.ErrConflict)
		}
		if err := s.checkStaysInScope(ctx, c, id, w.Access); err != nil {
			return err
		}
		if err := s.writeChildren(ctx, c, rec, w.Input); err != nil {
			return err
		}
		out = rec
		return s.audit(ctx, c, "record.update", w.Actor.ID, id, prev, rec)
	})
	return out, err
}

// Delete removes the record with id and its line items, if it is within
// w.Access's rows. expectVersion works as in Update.
func (s *RecordStore) Delete(ctx context.Context, c *Compiled, id, expectVersion int64, w Write) error {
	ctx = c.tag(ctx)
	actor := w.Actor
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		prev, err := s.GetAs(ctx, c, id, w.Access)
		if err != nil {
			return err
		}
		if expectVersion != 0 && prev.RowVersion() != expectVersion {
			return fmt.Errorf("%w: the record was changed by someone else; reload it and try again", store.ErrConflict)
		}
		// note: audited before the row goes, so observers of the delete can
		// still ask whether the row was within a scope; both happen in one
		// transaction, so neither stands without the other.
		if err := s.audit(ctx, c, "record.delete", actor.ID, id, prev, nil); err != nil {
			return err
		}
		_, err = s.db.Delete(ctx, c.Table, store.Compare("id", store.OpEq, id))
		return err
	})
}

// Get reads one record with its line items.
func (s *RecordStore) Get(ctx context.Context, c *Compiled, id int64) (Record, error) {
	return s.GetAs(ctx, c, id, nil)
}

// GetAs reads one record with its line items if it is within acc's rows; a
// record outside them is reported as not found, so its existence is not
// revealed.
func (s *RecordStore) GetAs(ctx context.Context, c *Compiled, id int64, acc *Access) (Record, error) {
	ctx = c.tag(ctx)
	where := store.Compare("id", store.OpEq, id)
	if acc != nil && acc.Rows != nil {
		where = store.And(where, acc.Rows)
	}
	recs, err := s.readAll(ctx, c, store.Query{Table: c.Table, Where: where, Limit: 1}, nil)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%w: %s record %d does not exist", store.ErrNotFound, c.Form.Key, id)
	}
	return recs[0], nil
}

// checkStaysInScope fails the write (rolling back its transaction) when the
// record it stored falls outside the rows acc lets the writer touch: a user
// limited to their region may not create a record of another region, nor
// move one there.
func (s *RecordStore) checkStaysInScope(ctx context.Context, c *Compiled, id int64, acc *Access) error {
	in, err := s.InRows(ctx, c, id, acc)
	if err != nil {
		return err
	}
	if !in {
		return fmt.Errorf("%w: the record would fall outside the records you may change", store.ErrForbidden)
	}
	return nil
}

// InRows reports whether the stored record id is within acc's rows (in the
// transaction ctx carries, so a write's observer sees the write).
func (s *RecordStore) InRows(ctx context.Context, c *Compiled, id int64, acc *Access) (bool, error) {
	if acc == nil || acc.Rows == nil {
		return true, nil
	}
	n, err := s.db.Count(c.tag(ctx), c.Table, store.And(store.Compare("id", store.OpEq, id), acc.Rows))
	return n > 0, err
}

// rowValues lists the column values of rec for an insert (all columns) or an
// update (everything but the creation columns).
func (c *Compiled) rowValues(rec Record, insert bool) ([]store.Value, error) {
	var vals []store.Value
	sys := []string{"updated_at", "updated_by", "row_version", "form_version"}
	if insert {
		sys = append(sys, "created_at", "created_by", "owner", "flow_status")
	}
	if c.parent != nil {
		sys = nil
	}
	for _, k := range sys {
		vals = append(vals, store.Value{Column: store.MustIdent(k), Value: rec[k]})
	}
	for _, f := range c.fields {
		if f.Column == "" {
			continue
		}
		var dbv any
		if v := rec[f.Key]; v != nil {
			var err error
			if dbv, err = f.Kind.ToDB(f.Field, v); err != nil {
				return nil, fmt.Errorf("field %s: %w", f.Key, err)
			}
		}
		vals = append(vals, store.Value{Column: f.Column, Value: dbv})
	}
	return vals, nil
}

// writeChildren stores the line items of rec. On update (input not nil) the
// rows of each sub-table named in the input are replaced; others are kept.
func (s *RecordStore) writeChildren(ctx context.Context, c *Compiled, rec Record, input map[string]any) error {
	for _, f := range c.fields {
		if f.Child == nil {
			continue
		}
		if input != nil {
			if _, touched := input[f.Key]; !touched {
				continue
			}
			if _, err := s.db.Delete(ctx, f.Child.Table, store.Compare("parent_id", store.OpEq, rec.ID())); err != nil {
				return err
			}
		}
		if err := s.insertChildren(ctx, f, []Record{rec}); err != nil {
			return err
		}
	}
	return nil
}

// insertChildren inserts the rows of sub-table f of each of recs, in one
// statement where the dialect allows, and sets their ids.
func (s *RecordStore) insertChildren(ctx context.Context, f *CField, recs []Record) error {
	var vals [][]store.Value
	var rows []Record
	for _, rec := range recs {
		children, _ := rec[f.Key].([]Record)
		for i, row := range children {
			v, err := f.Child.rowValues(row, true)
			if err != nil {
				return err
			}
			vals = append(vals, append(v, store.Value{Column: "parent_id", Value: rec.ID()}, store.Value{Column: "position", Value: int64(i)}))
			rows = append(rows, row)
		}
	}
	if len(vals) == 0 {
		return nil
	}
	cols, data := valueTable(vals)
	ids, err := s.db.InsertMany(ctx, f.Child.Table, cols, data)
	if err != nil {
		return err
	}
	for i, id := range ids {
		rows[i]["id"] = id
	}
	return nil
}

// valueTable turns rows of values, each with the same columns, into the
// columns and data InsertMany takes.
func valueTable(rows [][]store.Value) ([]store.Ident, [][]any) {
	var cols []store.Ident
	for _, v := range rows[0] {
		cols = append(cols, v.Column)
	}
	data := make([][]any, len(rows))
	for i, row := range rows {
		data[i] = make([]any, len(row))
		for j, v := range row {
			data[i][j] = v.Value
		}
	}
	return cols, data
}

func (s *RecordStore) assignAutoNumbers(ctx context.Context, c *Compiled, rec Record, now time.Time) error {
	for _, f := range c.fields {
		if f.Field.Type != "auto_number" {
			continue
		}
		seq, err := s.db.NextInSequence(ctx, c.Form.Key+"."+f.Key, autoNumberPeriod(f.Format, now))
		if err != nil {
			return err
		}
		rec[f.Key] = formatAutoNumber(f.Format, now, seq)
	}
	return nil
}

// audit appends the write to the audit log with a field-level before/after.
func (s *RecordStore) audit(ctx context.Context, c *Compiled, action string, actor, id int64, before, after Record) error {
	changes := c.Diff(before, after)
	b, err := json.Marshal(changes)
	if err != nil {
		return err
	}
	if s.observe != nil {
		if err := s.observe(ctx, c, action, id, before, after); err != nil {
			return err
		}
	}
	return s.db.Append(ctx, &store.AuditEntry{
		ActorID: actor, Action: action, TargetKind: "form", TargetKey: c.Form.Key, RecordID: id,
		Changes: string(b), Summary: fmt.Sprintf("%s %s #%d (%d field(s))", action, c.Form.Key, id, len(changes)),
	})
}

// Change is one field's value before and after a write, in API form.
type Change struct {
	Before any `json:"before"`
	After  any `json:"after"`
}

// Diff lists the fields whose value differs between before and after (either
// may be nil), in API form.
func (c *Compiled) Diff(before, after Record) map[string]Change {
	out := map[string]Change{}
	for _, f := range c.fields {
		var b, a any
		if before != nil {
			b = c.fieldJSON(f, before[f.Key])
		}
		if after != nil {
			a = c.fieldJSON(f, after[f.Key])
		}
		bj, _ := json.Marshal(b)
		aj, _ := json.Marshal(a)
		if string(bj) != string(aj) {
			out[f.Key] = Change{Before: b, After: a}
		}
	}
	return out
}

// tag marks the statements of one form version (see store.WithTag).
func (c *Compiled) tag(ctx context.Context) context.Context {
	return store.WithTag(ctx, fmt.Sprintf("%s.v%d", c.Form.Key, c.Version))
}
