package reports

import (
	"fmt"
	"strings"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// maxHops bounds the relations one path follows.
const maxHops = 3

// cpath is a resolved field path.
type cpath struct {
	text  string
	hops  []hop
	field *forms.CField
	// form holds field: the source, or the form the last hop reaches.
	form *forms.Compiled
	// column is field's column in the report's source: its own name on the
	// source form, "customer__region" for a joined one.
	column store.Ident
	vt     valueType
	join   int // the join providing column; -1 for the source
}

// hop is one relation a path follows.
type hop struct {
	form   *forms.Compiled // holds field
	field  *forms.CField   // a single relation
	target *forms.Compiled
	join   int // the join that brings target in
}

// related reports whether the path leaves the source form.
func (p *cpath) related() bool { return len(p.hops) > 0 }

// cjoin is one join of a report's source, shared by the paths through it.
type cjoin struct {
	prefix string          // the path to the joined form: "customer", "order.customer"
	form   *forms.Compiled // the joined form
	from   int             // -1: the source; else an earlier join
	column store.Ident     // the relation's column on from
	cols   []store.ReportColumn
}

// path resolves text (found at JSON pointer ptr) from the source form;
// problems are reported and nil returned when it does not resolve.
func (cc *compiler) path(ptr, text string) *cpath {
	if p, ok := cc.paths[text]; ok {
		return p
	}
	segs := strings.Split(text, ".")
	if len(segs)-1 > maxHops {
		cc.ps.add(ptr, CodePathTooLong, "%s follows %d relations; a report follows at most %d", text, len(segs)-1, maxHops)
		return nil
	}
	p := &cpath{text: text, form: cc.out.source, join: -1}
	for i, seg := range segs[:len(segs)-1] {
		f, ok := p.form.Field(seg)
		if !ok {
			cc.unknownField(ptr, text, seg, p.form)
			return nil
		}
		if f.ValueType() != "relation" {
			cc.ps.add(ptr, CodeNotARelation, "%s: %s is %s field of %s, not a relation, so .%s cannot follow it",
				text, seg, article(f.ValueType()), p.form.Form.Key, segs[i+1])
			return nil
		}
		if f.Multiple {
			cc.ps.add(ptr, CodeNotARelation, "%s: %s links to several %s records; a report can only follow a relation to one",
				text, seg, f.Target)
			return nil
		}
		target, ok := cc.fs.Form(f.Target)
		if !ok {
			cc.ps.add(ptr, CodeUnknownSource, "%s: %s links to %s, which is not a published form", text, seg, f.Target)
			return nil
		}
		j := cc.join(strings.Join(segs[:i+1], "."), target, p.join, f.Column)
		p.hops = append(p.hops, hop{form: p.form, field: f, target: target, join: j})
		p.form, p.join = target, j
	}
	last := segs[len(segs)-1]
	f, ok := fieldOf(p.form, last)
	if !ok {
		cc.unknownField(ptr, text, last, p.form)
		return nil
	}
	p.field, p.vt = f, typeOf(f)
	if p.vt == vtUnsupported {
		cc.ps.add(ptr, CodeUnsupportedField, "%s is %s field; reports group and aggregate single values, not lists, files or sub-tables",
			text, article(f.ValueType()))
		return nil
	}
	p.column = f.Column
	if p.related() {
		alias, err := store.NewIdent(strings.ReplaceAll(text, ".", "__"))
		if err != nil {
			cc.ps.add(ptr, CodePathTooLong, "%s is too long a path (at most 63 characters with the dots)", text)
			return nil
		}
		p.column = alias
		cc.joins[p.join].add(f.Column, alias)
	}
	cc.paths[text] = p
	return p
}

func (cc *compiler) unknownField(ptr, text, seg string, form *forms.Compiled) {
	if text == seg {
		cc.ps.add(ptr, CodeUnknownField, "%q is not a field of %s", seg, form.Form.Key)
		return
	}
	cc.ps.add(ptr, CodeUnknownField, "%s: %q is not a field of %s", text, seg, form.Form.Key)
}

// join returns the join bringing in target through the relation column of
// from (reached by prefix), adding it the first time.
func (cc *compiler) join(prefix string, target *forms.Compiled, from int, column store.Ident) int {
	for i, j := range cc.joins {
		if j.prefix == prefix {
			return i
		}
	}
	cc.joins = append(cc.joins, &cjoin{prefix: prefix, form: target, from: from, column: column})
	return len(cc.joins) - 1
}

func (j *cjoin) add(column, as store.Ident) {
	for _, c := range j.cols {
		if c.As == as {
			return
		}
	}
	j.cols = append(j.cols, store.ReportColumn{Column: column, As: as})
}

// article is a type name with its article: "a select", "an integer".
func article(t string) string {
	t = strings.ReplaceAll(t, "_", "-")
	if t != "" && strings.ContainsRune("aeiou", rune(t[0])) {
		return "an " + t
	}
	return fmt.Sprintf("a %s", t)
}
