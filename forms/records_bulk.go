package forms

import (
	"context"
	"fmt"
	"time"

	"github.com/mosaic-lowcode/mosaic/store"
)

// BulkRecord is one record of a bulk load: its input, who made it and when.
type BulkRecord struct {
	Input map[string]any
	Actor Actor
	At    time.Time
}

// CreateBulk validates recs like Create (fills, defaults, formulas, rules) and
// inserts them, with their sub-table rows, a few statements per batch
// instead of several per record, in the transaction carried by ctx (or a
// new one). It is for loads the caller vouches for, such as generated
// demo data: relations and unique fields are left to the database's
// foreign keys and unique indexes, and one audit entry records the load
// rather than one per record. It returns the new ids in order.
func (s *RecordStore) CreateBulk(ctx context.Context, c *Compiled, recs []BulkRecord) ([]int64, error) {
	ctx = c.tag(ctx)
	var ids []int64
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		rows := make([]Record, len(recs))
		for i, b := range recs {
			w := Write{Input: b.Input, Actor: b.Actor, Trusted: true}
			rec, err := c.validate(w, s.filler(ctx, c, w))
			if err != nil {
				return fmt.Errorf("record %d: %w", i, err)
			}
			at := b.At
			if at.IsZero() {
				at = s.now()
			}
			rec["created_at"], rec["updated_at"] = at, at
			rec["created_by"], rec["updated_by"], rec["owner"] = b.Actor.ID, b.Actor.ID, b.Actor.ID
			rec["row_version"], rec["form_version"] = int64(1), int64(c.Version)
			rec["flow_status"] = ""
			rows[i] = rec
		}
		if err := s.reserveAutoNumbers(ctx, c, rows); err != nil {
			return err
		}
		vals := make([][]store.Value, len(rows))
		for i, rec := range rows {
			v, err := c.rowValues(rec, true)
			if err != nil {
				return err
			}
			vals[i] = v
		}
		if len(vals) == 0 {
			return nil
		}
		cols, data := valueTable(vals)
		var err error
		if ids, err = s.db.InsertMany(ctx, c.Table, cols, data); err != nil {
			return err
		}
		for i, rec := range rows {
			rec["id"] = ids[i]
		}
		if err := s.writeChildrenBulk(ctx, c, rows); err != nil {
			return err
		}
		actor := int64(0)
		if len(recs) > 0 {
			actor = recs[0].Actor.ID
		}
		return s.db.Append(ctx, &store.AuditEntry{ActorID: actor, Action: "record.bulk_create", TargetKind: "form", TargetKey: c.Form.Key,
			Changes: "{}", Summary: fmt.Sprintf("loaded %d %s records", len(rows), c.Form.Key)})
	})
	return ids, err
}

// reserveAutoNumbers numbers rows, taking each period's values in one go.
func (s *RecordStore) reserveAutoNumbers(ctx context.Context, c *Compiled, rows []Record) error {
	for _, f := range c.fields {
		if f.Field.Type != "auto_number" {
			continue
		}
		byPeriod := map[string][]Record{}
		var periods []string
		for _, rec := range rows {
			p := autoNumberPeriod(f.Format, rec["created_at"].(time.Time))
			if _, ok := byPeriod[p]; !ok {
				periods = append(periods, p)
			}
			byPeriod[p] = append(byPeriod[p], rec)
		}
		for _, p := range periods {
			group := byPeriod[p]
			first, err := s.db.ReserveInSequence(ctx, c.Form.Key+"."+f.Key, p, int64(len(group)))
			if err != nil {
				return err
			}
			for i, rec := range group {
				rec[f.Key] = formatAutoNumber(f.Format, rec["created_at"].(time.Time), first+int64(i))
			}
		}
	}
	return nil
}

// writeChildrenBulk inserts the sub-table rows of many records at once.
func (s *RecordStore) writeChildrenBulk(ctx context.Context, c *Compiled, recs []Record) error {
	for _, f := range c.fields {
		if f.Child != nil {
			if err := s.insertChildren(ctx, f, recs); err != nil {
				return err
			}
		}
	}
	return nil
}
