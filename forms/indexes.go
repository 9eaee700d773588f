package forms

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mosaic-lowcode/mosaic/store"
)

// Limits on a form's declared indexes: each costs every write of the form,
// and a btree over more than a few columns rarely serves a list page better
// than its first columns do.
const (
	MaxIndexes      = 10
	MaxIndexColumns = 4
)

// indexableSystemColumns are the system columns an index may name. id and the
// version counters are left out: the primary key already orders by id, and
// nobody filters on the others.
var indexableSystemColumns = map[string]bool{
	"created_at": true, "created_by": true, "updated_at": true, "updated_by": true,
	"owner": true, "flow_status": true,
}

// Indexes returns the form's declared indexes as the store creates them.
func (c *Compiled) Indexes() []store.Index { return c.indexes }

// compileIndexes checks the form's declared indexes and resolves their
// columns. Fields that failed to compile are skipped without a second
// problem: their own problem already says what is wrong.
func (c *Compiled) compileIndexes() []Problem {
	var ps []Problem
	if len(c.Form.Indexes) > MaxIndexes {
		ps = append(ps, problem("/indexes", CodeInvalidSetting,
			"a form has at most %d indexes; each one slows every write of the form", MaxIndexes))
	}
	seen := map[store.Ident]int{}
	for i, ix := range c.Form.Indexes {
		path := fmt.Sprintf("/indexes/%d", i)
		cols, cps := c.indexColumns(ix, path)
		ps = append(ps, cps...)
		if len(cps) > 0 || len(cols) == 0 {
			continue
		}
		idx := declaredIndex(c.Table, cols, ix.Unique)
		if j, dup := seen[idx.Name]; dup {
			ps = append(ps, problem(path, CodeDuplicateKey, "the same index as /indexes/%d", j))
			continue
		}
		seen[idx.Name] = i
		c.indexes = append(c.indexes, idx)
	}
	return ps
}

// indexColumns resolves one declared index's fields to columns.
func (c *Compiled) indexColumns(ix Index, path string) ([]store.Ident, []Problem) {
	var ps []Problem
	switch {
	case len(ix.Fields) == 0:
		return nil, []Problem{problem(path+"/fields", CodeRequired, "name at least one field to index")}
	case len(ix.Fields) > MaxIndexColumns:
		return nil, []Problem{problem(path+"/fields", CodeInvalidSetting, "an index covers at most %d fields", MaxIndexColumns)}
	}
	var cols []store.Ident
	for j, key := range ix.Fields {
		fpath := fmt.Sprintf("%s/fields/%d", path, j)
		col, msg, code := c.indexColumn(key)
		switch {
		case code != "":
			ps = append(ps, problem(fpath, code, "%s", msg))
		case col == "":
			// the field failed to compile and has its own problem.
			return nil, ps
		case slices.Contains(cols, col):
			ps = append(ps, problem(fpath, CodeDuplicateKey, "%s appears twice in the index", key))
		default:
			cols = append(cols, col)
		}
	}
	if len(ps) == 0 && len(cols) == 1 && !ix.Unique && c.indexedAlone(ix.Fields[0]) {
		ps = append(ps, problem(path+"/fields", CodeDuplicateKey,
			"%s already has an index of its own (the field's index, unique, or a link's own index)", ix.Fields[0]))
	}
	return cols, ps
}

// indexColumn is the column of key when an index may hold it; otherwise the
// problem's message and code. An empty column without a code means the field
// exists in the definition but failed to compile.
func (c *Compiled) indexColumn(key string) (col store.Ident, msg, code string) {
	if indexableSystemColumns[key] {
		return store.MustIdent(key), "", ""
	}
	f, ok := c.byKey[key]
	if !ok {
		if c.definesField(key) {
			return "", "", ""
		}
		if slices.Contains(SystemColumns, key) {
			return "", fmt.Sprintf("%s cannot be indexed; system columns that can are created_at, created_by, updated_at, updated_by, owner and flow_status", key), CodeInvalidSetting
		}
		return "", fmt.Sprintf("%q is not a field of this form", key), CodeUnknownFieldRef
	}
	t, hasCol := f.Kind.Column(f.Field)
	switch {
	case !hasCol || f.Column == "":
		return "", fmt.Sprintf("%s is a sub-table and has no column to index", key), CodeInvalidSetting
	case t == store.TypeJSON:
		return "", fmt.Sprintf("%s holds a list (%s) and cannot be indexed", key, f.Field.Type), CodeInvalidSetting
	case f.Field.Type == "long_text":
		// note: a btree entry has a size limit (about 2.7 kB on PostgreSQL), so
		// an index over long text would make long values fail to save.
		return "", fmt.Sprintf("%s is long text and cannot be indexed", key), CodeInvalidSetting
	}
	return f.Column, "", ""
}

// definesField reports whether the definition has a field with key, whether
// or not it compiled.
func (c *Compiled) definesField(key string) bool {
	for i := range c.Form.Fields {
		if c.Form.Fields[i].Key == key {
			return true
		}
	}
	return false
}

// indexedAlone reports whether key's column already has a one-column index:
// owner always does, fields through their own settings.
func (c *Compiled) indexedAlone(key string) bool {
	if key == "owner" {
		return true
	}
	f, ok := c.byKey[key]
	return ok && (f.Unique || wantsIndex(f))
}

// declaredIndex names a declared index after its table and columns, and
// ends a non-unique one with id. The
// "idx_"/"uidx_" prefixes keep these names apart from the one-column "ix_"
// ones, and "__" between columns cannot be ambiguous since keys never hold
// it; a name over PostgreSQL's 63 bytes becomes a hash of itself.
func declaredIndex(table store.Ident, cols []store.Ident, unique bool) store.Index {
	prefix := "idx_"
	if unique {
		prefix = "uidx_"
	}
	parts := make([]string, len(cols))
	for i, col := range cols {
		parts[i] = string(col)
	}
	name := prefix + string(table) + "__" + strings.Join(parts, "__")
	if len(name) > 63 {
		sum := sha1.Sum([]byte(name))
		name = prefix + hex.EncodeToString(sum[:])[:24]
	}
	if !unique {
		// note: every list sort ends with id (see Sort), so an index that
		// ends with it too hands a page over in order, reading only its rows,
		// however many records tie on the other columns.
		cols = append(slices.Clip(cols), "id")
	}
	return store.Index{Name: store.Ident(name), Table: table, Columns: cols, Unique: unique}
}

// declaredIndexStep adds (or with drop, removes) a declared index; path is
// the index's pointer in the definition that declares it.
func declaredIndexStep(idx store.Index, drop bool, path string) Step {
	kind := "index"
	if idx.Unique {
		kind = "unique index"
	}
	cols := make([]string, len(idx.Columns))
	for i, col := range idx.Columns {
		cols[i] = string(col)
	}
	op, verb := OpAddIndex, "add"
	if drop {
		op, verb = OpDropIndex, "remove"
	}
	return Step{Op: op, Table: string(idx.Table), Columns: cols,
		Detail: fmt.Sprintf("%s %s on %s (%s)", verb, kind, idx.Table, strings.Join(cols, ", ")), index: idx, path: path}
}

// diffIndexes lists the declared-index steps between two versions: drops
// (run before anything else, since SQLite will not drop an indexed column)
// and adds (run last, once every column exists). An index over a column the
// plan drops and re-adds is dropped and created again even when unchanged,
// because dropping the column takes the index with it on PostgreSQL.
func diffIndexes(old, new *Compiled, steps []Step) (drops, adds []Step) {
	rebuilt := map[store.Ident]bool{}
	for _, s := range steps {
		if s.Table == string(new.Table) && (s.Op == OpRetype || s.Op == OpDropColumn) {
			rebuilt[s.column.Name] = true
		}
	}
	touches := func(idx store.Index) bool {
		return slices.ContainsFunc(idx.Columns, func(c store.Ident) bool { return rebuilt[c] })
	}
	has := func(list []store.Index, idx store.Index) bool {
		return slices.ContainsFunc(list, idx.Equal)
	}
	for i, idx := range old.indexes {
		if !has(new.indexes, idx) || touches(idx) {
			drops = append(drops, declaredIndexStep(idx, true, indexPath(i)))
		}
	}
	for i, idx := range new.indexes {
		if !has(old.indexes, idx) || touches(idx) {
			adds = append(adds, declaredIndexStep(idx, false, indexPath(i)))
		}
	}
	return drops, adds
}

// indexPath is the pointer of the i-th declared index. A compiled form has
// one store.Index per declared index, in order: any mistake stops the
// compile.
func indexPath(i int) string { return fmt.Sprintf("/indexes/%d", i) }

// uniqueProblem explains a unique index the stored records already break, at
// the index's pointer; nil when err is something else.
func uniqueProblem(st Step, err error) error {
	if st.Op != OpAddIndex || !st.index.Unique || st.path == "" || !errors.Is(err, store.ErrConflict) {
		return nil
	}
	return &ProblemList{Subject: "migration", Problems: []Problem{problem(st.path, CodeMigrationUnique,
		"stored records already share the same %s; make them differ before making the index unique", strings.Join(st.Columns, ", "))}}
}
