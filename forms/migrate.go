package forms

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/mosaic-lowcode/mosaic/store"
)

// Migration step operations.
const (
	OpCreateTable = "create_table"
	OpDropTable   = "drop_table"
	OpAddColumn   = "add_column"
	OpDropColumn  = "drop_column"
	OpRescale     = "rescale"
	OpRetype      = "retype"
	OpAddIndex    = "add_index"
	OpDropIndex   = "drop_index"
)

// Step is one change a publish makes to the database. Destructive steps lose
// data and run only when the publisher asks for them explicitly; Loses says
// how many stored values they would lose (filled by Measure).
type Step struct {
	Op    string `json:"op"`
	Table string `json:"table"`
	Field string `json:"field,omitempty"`
	// Columns are the columns of a form-level index the step adds or drops.
	Columns     []string `json:"columns,omitempty"`
	Detail      string   `json:"detail"`
	Destructive bool     `json:"destructive,omitempty"`
	Loses       int64    `json:"loses,omitempty"`

	table  store.Table
	column store.Column
	index  store.Index
	factor int64
	path   string // pointer of a declared index in its definition
}

// PlanMigration compares two versions of a form by field key (labels are free
// to change) and lists the steps that bring old's tables to new's. old is nil
// for a form's first publish.
func PlanMigration(old, new *Compiled) []Step {
	if old == nil {
		steps := createSteps(new)
		for _, f := range new.fields {
			if f.Child != nil {
				steps = append(steps, createSteps(f.Child)...)
			}
		}
		for i, idx := range new.indexes {
			steps = append(steps, declaredIndexStep(idx, false, indexPath(i)))
		}
		return steps
	}
	steps := diffTable(old, new)
	for _, nf := range new.fields {
		if nf.Child == nil {
			continue
		}
		of, ok := old.byKey[nf.Key]
		if !ok || of.Child == nil {
			steps = append(steps, createSteps(nf.Child)...)
			continue
		}
		steps = append(steps, diffTable(of.Child, nf.Child)...)
	}
	for _, of := range old.fields {
		if of.Child == nil {
			continue
		}
		if nf, ok := new.byKey[of.Key]; !ok || nf.Child == nil {
			steps = append(steps, Step{Op: OpDropTable, Table: string(of.Child.Table), Field: of.Key, Destructive: true,
				Detail: fmt.Sprintf("remove sub-table %s and all its rows", of.Key), table: store.Table{Name: of.Child.Table}})
		}
	}
	drops, adds := diffIndexes(old, new, steps)
	return append(append(drops, steps...), adds...)
}

func createSteps(c *Compiled) []Step {
	t := store.Table{Name: c.Table}
	if c.parent == nil {
		t.Columns = systemColumns()
	} else {
		t.Columns = []store.Column{
			{Name: "parent_id", Type: store.TypeBigInt, NotNull: true, References: c.parent.Table, OnDelete: "cascade"},
			{Name: "position", Type: store.TypeBigInt, NotNull: true},
		}
	}
	for _, f := range c.fields {
		if col, ok := columnOf(c, f); ok {
			t.Columns = append(t.Columns, col)
		}
	}
	steps := []Step{{Op: OpCreateTable, Table: string(c.Table), Detail: fmt.Sprintf("create table %s", c.Table), table: t}}
	if c.parent != nil {
		steps = append(steps, indexStep(c.Table, "parent_id", false, ""))
	} else {
		// note: "own" and department row scopes filter on owner.
		steps = append(steps, indexStep(c.Table, "owner", false, ""))
	}
	for _, f := range c.fields {
		steps = append(steps, indexSteps(c, f)...)
	}
	return steps
}

func systemColumns() []store.Column {
	return []store.Column{
		{Name: "created_at", Type: store.TypeTimestamp, NotNull: true},
		{Name: "created_by", Type: store.TypeBigInt, NotNull: true},
		{Name: "updated_at", Type: store.TypeTimestamp, NotNull: true},
		{Name: "updated_by", Type: store.TypeBigInt, NotNull: true},
		{Name: "owner", Type: store.TypeBigInt, NotNull: true},
		{Name: "row_version", Type: store.TypeBigInt, NotNull: true},
		{Name: "flow_status", Type: store.TypeText, NotNull: true},
		{Name: "form_version", Type: store.TypeBigInt, NotNull: true},
	}
}

// columnOf is the column of field f, with its foreign key for relations.
func columnOf(c *Compiled, f *CField) (store.Column, bool) {
	t, ok := f.Kind.Column(f.Field)
	if !ok || f.Column == "" {
		return store.Column{}, false
	}
	col := store.Column{Name: f.Column, Type: t}
	if f.Field.Type == "relation" && !f.Multiple {
		if target, err := TableName(f.Target); err == nil {
			col.References = target
		}
	}
	return col, true
}

func indexSteps(c *Compiled, f *CField) []Step {
	if f.Column == "" {
		return nil
	}
	var steps []Step
	if f.Unique {
		steps = append(steps, indexStep(c.Table, f.Column, true, f.Key))
	}
	if wantsIndex(f) && !f.Unique {
		steps = append(steps, indexStep(c.Table, f.Column, false, f.Key))
	}
	return steps
}

func wantsIndex(f *CField) bool {
	return f.Index || (f.Field.Type == "relation" && !f.Multiple)
}

func indexStep(table, column store.Ident, unique bool, field string) Step {
	prefix := "ix_"
	if unique {
		prefix = "ux_"
	}
	name := prefix + string(table) + "_" + string(column)
	if len(name) > 63 {
		sum := sha1.Sum([]byte(name))
		name = prefix + hex.EncodeToString(sum[:])[:20]
	}
	kind := "index"
	if unique {
		kind = "unique index"
	}
	return Step{Op: OpAddIndex, Table: string(table), Field: field,
		Detail: fmt.Sprintf("add %s on %s.%s", kind, table, column),
		index:  store.Index{Name: store.Ident(name), Table: table, Columns: []store.Ident{column}, Unique: unique}}
}

// diffTable compares the columns of one table across two versions.
func diffTable(old, new *Compiled) []Step {
	var steps []Step
	for _, nf := range new.fields {
		if nf.Column == "" {
			continue
		}
		of, existed := old.byKey[nf.Key]
		if !existed || of.Column == "" {
			col, _ := columnOf(new, nf)
			steps = append(steps, Step{Op: OpAddColumn, Table: string(new.Table), Field: nf.Key,
				Detail: fmt.Sprintf("add column %s (%s)", nf.Key, nf.Field.Type), column: col})
			steps = append(steps, indexSteps(new, nf)...)
			continue
		}
		steps = append(steps, changeSteps(old, new, of, nf)...)
	}
	for _, of := range old.fields {
		if of.Column == "" {
			continue
		}
		if nf, ok := new.byKey[of.Key]; !ok || nf.Column == "" {
			steps = append(steps, dropIndexSteps(old, of)...)
			steps = append(steps, Step{Op: OpDropColumn, Table: string(old.Table), Field: of.Key, Destructive: true,
				Detail: fmt.Sprintf("remove column %s and its values", of.Key), column: store.Column{Name: of.Column}})
		}
	}
	return steps
}

func dropIndexSteps(c *Compiled, f *CField) []Step {
	var out []Step
	for _, s := range indexSteps(c, f) {
		out = append(out, Step{Op: OpDropIndex, Table: s.Table, Field: f.Key,
			Detail: strings.Replace(s.Detail, "add", "remove", 1), index: s.index})
	}
	return out
}

// changeSteps handles a field kept under the same key whose type or settings
// changed.
func changeSteps(old, new *Compiled, of, nf *CField) []Step {
	var steps []Step
	ot, _ := of.Kind.Column(of.Field)
	nt, _ := nf.Kind.Column(nf.Field)
	oldExact, newExact := isExact(of), isExact(nf)
	switch {
	case oldExact && newExact && nf.scale() > of.scale():
		steps = append(steps, Step{Op: OpRescale, Table: string(new.Table), Field: nf.Key,
			Detail: fmt.Sprintf("widen %s from %d to %d decimal places", nf.Key, of.scale(), nf.scale()),
			column: store.Column{Name: nf.Column}, factor: pow10(nf.scale() - of.scale())})
	case of.Field.Type == "integer" && newExact:
		steps = append(steps, Step{Op: OpRescale, Table: string(new.Table), Field: nf.Key,
			Detail: fmt.Sprintf("widen %s from integer to %s", nf.Key, nf.Field.Type),
			column: store.Column{Name: nf.Column}, factor: pow10(nf.scale())})
	case oldExact && newExact && nf.scale() < of.scale(),
		ot != nt,
		of.Field.Type == "relation" && (of.Target != nf.Target || of.Multiple != nf.Multiple),
		oldExact != newExact && ot == store.TypeBigInt:
		col, _ := columnOf(new, nf)
		steps = append(steps, dropIndexSteps(old, of)...)
		steps = append(steps, Step{Op: OpRetype, Table: string(new.Table), Field: nf.Key, Destructive: true,
			Detail: fmt.Sprintf("change %s from %s to %s: its current values are removed", nf.Key, describeType(of), describeType(nf)),
			column: col})
		return append(steps, indexSteps(new, nf)...)
	}
	oldIdx, newIdx := indexSteps(old, of), indexSteps(new, nf)
	if !sameIndexes(oldIdx, newIdx) {
		steps = append(steps, dropIndexSteps(old, of)...)
		steps = append(steps, newIdx...)
	}
	return steps
}

func sameIndexes(a, b []Step) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].index.Equal(b[i].index) {
			return false
		}
	}
	return true
}

func isExact(f *CField) bool {
	switch f.Field.Type {
	case "decimal", "money", "percent":
		return true
	case "formula":
		switch f.Result {
		case "", "decimal", "money", "percent":
			return true
		}
	}
	return false
}

func describeType(f *CField) string {
	if f.Field.Type == "relation" {
		if f.Multiple {
			return "links to several " + f.Target
		}
		return "a link to " + f.Target
	}
	if isExact(f) {
		return fmt.Sprintf("%s with %d decimals", f.Field.Type, f.scale())
	}
	return f.Field.Type
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// Measure fills Loses on destructive steps: how many stored values each would
// remove.
func (s *RecordStore) Measure(ctx context.Context, steps []Step) error {
	for i := range steps {
		st := &steps[i]
		if !st.Destructive {
			continue
		}
		var n int64
		var err error
		table := store.Ident(st.Table)
		if st.Op == OpDropTable {
			n, err = s.db.Count(ctx, table, nil)
		} else {
			n, err = s.db.CountNotNull(ctx, table, st.column.Name)
		}
		if err != nil {
			return err
		}
		st.Loses = n
	}
	return nil
}

// Migrate applies steps in ctx's transaction. Destructive steps need
// allowDestructive; without it nothing runs and the error lists what would be
// lost.
func (s *RecordStore) Migrate(ctx context.Context, steps []Step, allowDestructive bool) error {
	if !allowDestructive {
		if err := s.Measure(ctx, steps); err != nil {
			return err
		}
		var ps []Problem
		for _, st := range steps {
			if st.Destructive {
				ps = append(ps, Problem{Path: "/fields", Code: "migration_destructive",
					Message: fmt.Sprintf("%s (%d stored value(s) would be lost); publish with allow_destructive to do it", st.Detail, st.Loses)})
			}
		}
		if len(ps) > 0 {
			return &ProblemList{Subject: "migration", Problems: ps}
		}
	}
	for _, st := range steps {
		if err := s.apply(ctx, st); err != nil {
			if pl := uniqueProblem(st, err); pl != nil {
				return pl
			}
			return fmt.Errorf("%s: %w", st.Detail, err)
		}
	}
	return nil
}

func (s *RecordStore) apply(ctx context.Context, st Step) error {
	table := store.Ident(st.Table)
	switch st.Op {
	case OpCreateTable:
		return s.db.CreateTable(ctx, st.table)
	case OpDropTable:
		return s.db.DropTable(ctx, table)
	case OpAddColumn:
		return s.db.AddColumn(ctx, table, st.column)
	case OpDropColumn:
		return s.db.DropColumn(ctx, table, st.column.Name)
	case OpRescale:
		return s.db.ScaleColumn(ctx, table, st.column.Name, st.factor)
	case OpRetype:
		if err := s.db.DropColumn(ctx, table, st.column.Name); err != nil {
			return err
		}
		return s.db.AddColumn(ctx, table, st.column)
	case OpAddIndex:
		return s.db.CreateIndex(ctx, st.index)
	case OpDropIndex:
		return s.db.DropIndex(ctx, st.index.Name)
	}
	return fmt.Errorf("unknown migration step %q", st.Op)
}
