package documents

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// Related holds the linked records a document prints, by link (Links) and id.
type Related map[string]map[int64]forms.Record

// Page is a document laid out as text: what Render prints.
type Page struct {
	Heading  string
	Subtitle string
	Blocks   []Block
	Footer   string
}

// Block is a section with its values.
type Block struct {
	Title string
	Pairs [][2]string
	Table *Table
	Text  string
}

// Table is a sub-table printed row by row.
type Table struct {
	Columns []string
	Numeric []bool
	Rows    [][]string
}

// Fill lays rec out by the template. readable says whether the reader may
// see a field (by path, "items.unit_cost"); fields they may not are left
// out, so a document never shows more than the record does.
func (c *Compiled) Fill(rec forms.Record, related Related, readable func(path string) bool) Page {
	p := Page{Heading: c.Heading, Footer: c.Footer}
	if n, ok := rec["number"].(string); ok && n != "" {
		p.Subtitle = n
	}
	for _, s := range c.sections {
		b := Block{Title: s.Title, Text: s.Text}
		for _, f := range s.fields {
			if !readable(f.field.Key) {
				continue
			}
			b.Pairs = append(b.Pairs, [2]string{f.label, value(f, rec, related[f.field.Key])})
		}
		if s.table != nil && readable(s.table.Key) {
			t := &Table{}
			var cols []cpath
			for _, col := range s.columns {
				if readable(s.table.Key + "." + col.field.Key) {
					cols = append(cols, col)
					t.Columns = append(t.Columns, col.label)
					t.Numeric = append(t.Numeric, numeric(col))
				}
			}
			rows, _ := rec[s.table.Key].([]forms.Record)
			for _, row := range rows {
				var line []string
				for _, col := range cols {
					line = append(line, value(col, row, related[s.table.Key+"."+col.field.Key]))
				}
				t.Rows = append(t.Rows, line)
			}
			b.Table = t
		}
		p.Blocks = append(p.Blocks, b)
	}
	return p
}

func numeric(p cpath) bool {
	f := p.field
	if p.leaf != nil {
		f = p.leaf
	}
	switch f.Type {
	case "integer", "decimal", "money", "percent":
		return true
	case "formula":
		return f.Result != "text" && f.Result != "date" && f.Result != "boolean"
	}
	return false
}

// value is the printed text of the field at p in rec.
func value(p cpath, rec forms.Record, linked map[int64]forms.Record) string {
	v := rec[p.field.Key]
	if p.leaf == nil {
		return text(p.field, v)
	}
	id, _ := v.(int64)
	target, ok := linked[id]
	if !ok {
		return ""
	}
	return text(p.leaf, target[p.leaf.Key])
}

func text(f *forms.CField, v any) string {
	if v == nil {
		return ""
	}
	kind := f.Type
	if kind == "formula" {
		kind = f.Result
	}
	switch x := v.(type) {
	case decimal.Decimal:
		if kind == "percent" {
			return x.Mul(decimal.NewFromInt(100)).StringFixed(1) + "%"
		}
		if kind == "money" {
			return grouped(x.StringFixed(2))
		}
		return x.String()
	case time.Time:
		if kind == "datetime" {
			return x.Format("2006-01-02 15:04")
		}
		return x.Format("2006-01-02")
	case bool:
		if x {
			return "是 Yes"
		}
		return "否 No"
	case string:
		for _, o := range f.Options {
			if o.Value == x {
				return o.Label
			}
		}
		return x
	case []string:
		var out []string
		for _, s := range x {
			out = append(out, text(f, s))
		}
		return strings.Join(out, ", ")
	}
	return fmt.Sprint(v)
}

// grouped puts thousands separators into a fixed-point number.
func grouped(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		return sign + b.String() + "." + frac
	}
	return sign + b.String()
}
