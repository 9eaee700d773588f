package reports

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// avgDigits are the decimal places an average has beyond its field's.
const avgDigits = 4

// span is a dimension value as a condition on its field: empty, equal to
// eq, or within [lo, hi). Values are canonical (forms.FieldType).
type span struct {
	empty  bool
	eq     any
	lo, hi any
}

// span reads a value of the dimension as results show it ("2026-03" for a
// month, a bin's lower bound, a select's value) into a span.
func (d *cdim) span(raw any) (span, error) {
	if raw == nil {
		return span{empty: true}, nil
	}
	f := d.path.field
	switch {
	case d.Bucket != "":
		s, _ := raw.(string)
		lo, hi, ok := bucketRange(d.Bucket, s)
		if !ok {
			return span{}, fmt.Errorf("%q is not a %s of %s; write it as results show it, such as %s", raw, d.Bucket, d.Key, bucketExample[d.Bucket])
		}
		return span{lo: lo, hi: hi}, nil
	case d.bin > 0:
		v, ok := toDecimal(raw)
		if !ok {
			return span{}, fmt.Errorf("%v is not a bin of %s; give its lower bound", raw, d.Key)
		}
		lo, err := f.Kind.Prepare(f.Field, v)
		if err != nil {
			return span{}, fmt.Errorf("%v is not a bin of %s: %v", raw, d.Key, err)
		}
		hi, err := f.Kind.Prepare(f.Field, v.Add(d.binW))
		if err != nil {
			return span{}, fmt.Errorf("%v is not a bin of %s: %v", raw, d.Key, err)
		}
		return span{lo: lo, hi: hi}, nil
	}
	if n, ok := raw.(float64); ok {
		raw = json.Number(strconv.FormatFloat(n, 'f', -1, 64))
	}
	v, err := f.Kind.Prepare(f.Field, raw)
	if err != nil || v == nil {
		return span{}, fmt.Errorf("%v is not a value of %s (%s): %v", raw, d.Key, d.Field, err)
	}
	return span{eq: v}, nil
}

var bucketExample = map[string]string{store.BucketDay: "2026-03-31", store.BucketWeek: "2026-W14",
	store.BucketMonth: "2026-03", store.BucketQuarter: "2026-Q1", store.BucketYear: "2026"}

// bucketRange is the first instant of bucket text s and of the next one.
func bucketRange(bucket, s string) (time.Time, time.Time, bool) {
	var lo time.Time
	var err error
	switch bucket {
	case store.BucketDay:
		lo, err = time.Parse(forms.DateLayout, s)
		return lo, lo.AddDate(0, 0, 1), err == nil
	case store.BucketWeek:
		var year, week int
		if _, err := fmt.Sscanf(s, "%d-W%d", &year, &week); err != nil || week < 1 || week > 53 || s != fmt.Sprintf("%04d-W%02d", year, week) {
			return lo, lo, false
		}
		// note: ISO week 1 holds January 4th; weeks start on Monday.
		jan4 := time.Date(year, 1, 4, 0, 0, 0, 0, time.UTC)
		monday := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
		lo = monday.AddDate(0, 0, 7*(week-1))
		if y, w := lo.ISOWeek(); y != year || w != week {
			return lo, lo, false
		}
		return lo, lo.AddDate(0, 0, 7), true
	case store.BucketMonth:
		lo, err = time.Parse("2006-01", s)
		return lo, lo.AddDate(0, 1, 0), err == nil
	case store.BucketQuarter:
		var year, q int
		if _, err := fmt.Sscanf(s, "%d-Q%d", &year, &q); err != nil || q < 1 || q > 4 || s != fmt.Sprintf("%04d-Q%d", year, q) {
			return lo, lo, false
		}
		lo = time.Date(year, time.Month(3*q-2), 1, 0, 0, 0, 0, time.UTC)
		return lo, lo.AddDate(0, 3, 0), true
	case store.BucketYear:
		lo, err = time.Parse("2006", s)
		return lo, lo.AddDate(1, 0, 0), err == nil
	}
	return lo, lo, false
}

// filterCond is a dimension filter as a condition on the source's column.
func (d *cdim) filterCond(w DimFilter, ptr string) (store.Cond, error) {
	if w.From != nil || w.To != nil {
		return d.rangeCond(w, ptr)
	}
	if len(w.Values) > 500 {
		return nil, invalidRequest(ptr+"/values", "a dimension filter holds at most 500 values")
	}
	conds := make([]store.Cond, 0, len(w.Values))
	for i, v := range w.Values {
		sp, err := d.span(v)
		if err != nil {
			return nil, invalidRequest(fmt.Sprintf("%s/values/%d", ptr, i), err.Error())
		}
		c, err := d.spanCond(sp)
		if err != nil {
			return nil, err
		}
		conds = append(conds, c)
	}
	return store.Or(conds...), nil
}

// rangeCond is From <= field < To, in the field's own terms.
func (d *cdim) rangeCond(w DimFilter, ptr string) (store.Cond, error) {
	f := d.path.field
	var conds []store.Cond
	for _, side := range []struct {
		name string
		v    any
		op   string
	}{{"from", w.From, store.OpGe}, {"to", w.To, store.OpLt}} {
		if side.v == nil {
			continue
		}
		v, err := f.Kind.Prepare(f.Field, side.v)
		if err != nil || v == nil {
			return nil, invalidRequest(ptr+"/"+side.name, fmt.Sprintf("%v is not a value of %s: %v", side.v, d.Field, err))
		}
		dbv, err := f.Kind.ToDB(f.Field, v)
		if err != nil {
			return nil, err
		}
		conds = append(conds, store.Compare(d.path.column, side.op, dbv))
	}
	return store.And(conds...), nil
}

// spanCond is a span as a condition on the source's column, grouping
// empties as the statement does (empty text is no value, an empty yes/no
// is false).
func (d *cdim) spanCond(sp span) (store.Cond, error) {
	f, col := d.path.field, d.path.column
	toDB := func(v any) (any, error) { return f.Kind.ToDB(f.Field, v) }
	switch {
	case sp.empty && d.path.vt == vtText:
		return store.Or(store.IsNull(col, true), store.Compare(col, store.OpEq, "")), nil
	case sp.empty:
		return store.IsNull(col, true), nil
	case sp.eq != nil:
		v, err := toDB(sp.eq)
		if err != nil {
			return nil, err
		}
		if b, ok := sp.eq.(bool); ok && !b {
			yes, _ := toDB(true)
			return store.Or(store.Compare(col, store.OpNe, yes), store.IsNull(col, true)), nil
		}
		return store.Compare(col, store.OpEq, v), nil
	}
	lo, err := toDB(sp.lo)
	if err != nil {
		return nil, err
	}
	hi, err := toDB(sp.hi)
	if err != nil {
		return nil, err
	}
	return store.And(store.Compare(col, store.OpGe, lo), store.Compare(col, store.OpLt, hi)), nil
}

// dimValue turns a dimension value read from the database into its result
// form, and its label for a select field.
func (d *cdim) dimValue(raw any) (any, string, error) {
	if raw == nil {
		return nil, "", nil
	}
	f := d.path.field
	switch {
	case d.Bucket != "":
		s, ok := raw.(string)
		if !ok {
			return nil, "", fmt.Errorf("report %s: bucket %T", d.Key, raw)
		}
		return s, "", nil
	case d.bin > 0:
		n, ok := toDecimal(raw)
		if !ok {
			return nil, "", fmt.Errorf("report %s: bin %T", d.Key, raw)
		}
		if d.path.vt == vtDecimal {
			return json.Number(n.Shift(-int32(f.Decimals())).StringFixed(int32(f.Decimals()))), "", nil
		}
		return n.IntPart(), "", nil
	}
	v, err := f.Kind.FromDB(f.Field, raw)
	if err != nil || v == nil {
		return nil, "", err
	}
	return f.Kind.ToJSON(f.Field, v), optionLabel(f.Field, v), nil
}

// optionLabel is the label of a select field's value.
func optionLabel(f *forms.Field, v any) string {
	s, ok := v.(string)
	if !ok || f.Type != "select" {
		return ""
	}
	for _, o := range f.Options {
		if o.Value == s {
			return o.Label
		}
	}
	return ""
}

// measureValue turns a measure's aggregates into its result form: int64
// for counts, json.Number for sums and averages (exact), the field's JSON
// form for min and max; nil when there is no value.
func (c *Compiled) measureValue(m *cmeasure, aggs []any) (any, error) {
	raw := aggs[m.agg]
	switch m.Agg {
	case AggCount, AggCountDistinct:
		n, ok := toDecimal(orZero(raw))
		if !ok {
			return nil, fmt.Errorf("report %s: count %T", m.Key, raw)
		}
		return n.IntPart(), nil
	case AggSum, AggAvg:
		if raw == nil {
			return nil, nil
		}
		sum, ok := toDecimal(raw)
		if !ok {
			return nil, fmt.Errorf("report %s: sum %T", m.Key, raw)
		}
		scale := 0
		if m.path.vt == vtDecimal {
			scale = m.path.field.Decimals()
		}
		sum = sum.Shift(-int32(scale))
		if m.Agg == AggSum {
			return json.Number(sum.StringFixed(int32(scale))), nil
		}
		n, _ := toDecimal(orZero(aggs[m.count]))
		if n.IsZero() {
			return nil, nil
		}
		return json.Number(sum.DivRound(n, int32(scale+avgDigits)).StringFixed(int32(scale + avgDigits))), nil
	}
	if raw == nil {
		return nil, nil
	}
	f := m.path.field
	v, err := f.Kind.FromDB(f.Field, raw)
	if err != nil || v == nil {
		return nil, err
	}
	return f.Kind.ToJSON(f.Field, v), nil
}

func orZero(v any) any {
	if v == nil {
		return int64(0)
	}
	return v
}

// number reads a measure's result value as a float, for derived measures.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}

// literal writes a canonical value as a literal of the filter language.
func literal(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case string:
		return strconv.Quote(x)
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case decimal.Decimal:
		return x.String()
	case time.Time:
		if x.Equal(time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, time.UTC)) {
			return strconv.Quote(x.Format(forms.DateLayout))
		}
		return strconv.Quote(x.UTC().Format(time.RFC3339Nano))
	case []any:
		parts := make([]string, len(x))
		for i, it := range x {
			parts[i] = literal(it)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v)
}
