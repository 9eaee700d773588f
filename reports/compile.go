package reports

import (
	"fmt"
	"slices"
	"strings"

	"github.com/expr-lang/expr/vm"
	"github.com/shopspring/decimal"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// Limits of one report.
const (
	// MaxLimitRows bounds a top-N limit.
	MaxLimitRows = 1000
	// maxDims bounds the dimensions (and the drill path), maxMeasures the
	// measures.
	maxDims     = 8
	maxMeasures = 50
)

// Chart types.
const (
	ChartTable  = "table"
	ChartBar    = "bar"
	ChartLine   = "line"
	ChartArea   = "area"
	ChartPie    = "pie"
	ChartFunnel = "funnel"
	ChartKPI    = "kpi"
	ChartPivot  = "pivot"
)

// Aggregates a measure may use.
const (
	AggCount         = "count"
	AggCountDistinct = "count_distinct"
	AggSum           = "sum"
	AggAvg           = "avg"
	AggMin           = "min"
	AggMax           = "max"
)

// Compiled is a report ready to run: every path resolved against the forms
// it reaches, every expression compiled, the statement's shape fixed. It is
// immutable and safe for concurrent use.
type Compiled struct {
	Report  *Report
	Version int

	source   *forms.Compiled
	builtin  string // the store's built-in view, for a built-in source
	params   []*cparam
	dims     []*cdim
	drill    []*cdim
	measures []*cmeasure // in definition order
	derived  []*cmeasure // derived measures, each after those it reads
	aggs     []store.ReportAgg
	joins    []*cjoin
	paths    []*cpath // every path the report uses
	sort     []csort
	// filterFields are the source fields the filter names.
	filterFields []string
	// forms are the versions of the forms the report was compiled against.
	forms map[string]int
}

// cdim is a compiled dimension.
type cdim struct {
	Dimension
	ptr  string
	path *cpath
	bin  int64           // width in stored units (minor units for decimals)
	binW decimal.Decimal // width as written
}

// cmeasure is a compiled measure.
type cmeasure struct {
	Measure
	ptr  string
	path *cpath // nil for a count of rows and for derived measures
	// agg is the index of the statement's aggregate giving the measure
	// (for avg, the sum); count is avg's count; rank is the aggregate the
	// rows are ranked by when sorted by this measure (-1: none).
	agg, count, rank int
	prog             *vm.Program // derived
	deps             []string    // derived: the measures it reads
	// filterFields are the source fields the measure's filter names;
	// filtered are the aggregates its filter applies to.
	filterFields []string
	filtered     []int
}

func (m *cmeasure) isDerived() bool { return m.Expr != "" }

// csort is a compiled sort key.
type csort struct {
	key  string
	desc bool
	dim  int       // index in dims, or -1
	m    *cmeasure // when sorting by a measure
}

// compiler holds the state of one Compile.
type compiler struct {
	r     *Report
	fs    Forms
	out   *Compiled
	ps    problems
	paths map[string]*cpath
	joins []*cjoin
	// keys are the dimension and measure keys seen, by key: the JSON
	// pointer of the first.
	keys map[string]string
}

// Compile checks report r against the forms that exist and compiles it as
// the given version. Every mistake is reported, each with its JSON pointer
// (and, in an expression or the filter, its column), in a
// *forms.ProblemList.
//
// Example (in engine.Check):
//
//	c, err := reports.Compile(r, version, snapshot)
func Compile(r *Report, version int, fs Forms) (*Compiled, error) {
	cc := &compiler{r: r, fs: fs, paths: map[string]*cpath{}, keys: map[string]string{},
		out: &Compiled{Report: r, Version: version, forms: map[string]int{}}}
	subject := "report/" + r.Key
	if msg := forms.CheckKey(r.Key, false); msg != "" {
		cc.ps.add("/key", forms.CodeInvalidKey, "%s", msg)
	}
	if !cc.compileSource() {
		return nil, cc.ps.err(subject)
	}
	cc.compileParams()
	cc.out.dims = cc.compileDims(r.Dimensions, "/dimensions")
	cc.out.drill = cc.compileDims(r.Drill, "/drill")
	cc.compileMeasures()
	cc.compileFilter()
	cc.compileSort()
	cc.compileLimit()
	cc.compileTotals()
	cc.compilePivot()
	cc.compileChart()
	if err := cc.ps.err(subject); err != nil {
		return nil, err
	}
	cc.out.joins = cc.joins
	for _, p := range cc.paths {
		cc.out.paths = append(cc.out.paths, p)
		for _, h := range p.hops {
			cc.out.forms[h.target.Form.Key] = h.target.Version
		}
	}
	slices.SortFunc(cc.out.paths, func(a, b *cpath) int { return strings.Compare(a.text, b.text) })
	return cc.out, nil
}

// Stale reports whether a form c reads has been published in another
// version than c was compiled against (or is gone): c may then name a field
// that no longer exists, and should be compiled again.
func (c *Compiled) Stale(fs Forms) bool {
	for key, version := range c.forms {
		f, ok := fs.Form(key)
		if !ok || f.Version != version {
			return true
		}
	}
	return false
}

// compileSource resolves the source; false when it does not resolve, as
// nothing else can be checked then.
func (cc *compiler) compileSource() bool {
	if b, ok := Builtin(cc.r.Source); ok {
		cc.out.source, cc.out.builtin = b, builtinForms[cc.r.Source].view
		return true
	}
	c, ok := cc.fs.Form(cc.r.Source)
	if !ok {
		cc.ps.add("/source", CodeUnknownSource, "the source %q is neither a published form nor a built-in source (%s, %s, %s)",
			cc.r.Source, SourceAudit, SourceFlowTasks, SourceFlowInstances)
		return false
	}
	cc.out.source = c
	cc.out.forms[c.Form.Key] = c.Version
	return true
}

// claim records a dimension or measure key, reporting a bad or repeated one.
func (cc *compiler) claim(ptr, key string) bool {
	if msg := forms.CheckKey(key, false); msg != "" {
		cc.ps.add(ptr+"/key", forms.CodeInvalidKey, "%s", msg)
		return false
	}
	if first, dup := cc.keys[key]; dup {
		cc.ps.add(ptr+"/key", forms.CodeDuplicateKey, "the key %q is already used at %s; dimensions and measures need keys of their own", key, first)
		return false
	}
	cc.keys[key] = ptr
	return true
}

func (cc *compiler) compileDims(list []Dimension, base string) []*cdim {
	if len(list) > maxDims {
		cc.ps.add(base, forms.CodeInvalidSetting, "a report has at most %d dimensions here", maxDims)
		return nil
	}
	var out []*cdim
	for i, d := range list {
		ptr := fmt.Sprintf("%s/%d", base, i)
		if !cc.claim(ptr, d.Key) {
			continue
		}
		p := cc.path(ptr+"/field", d.Field)
		if p == nil {
			continue
		}
		cd := &cdim{Dimension: d, ptr: ptr, path: p}
		if cc.checkBucket(cd) && cc.checkBin(cd) {
			out = append(out, cd)
		}
	}
	return out
}

func (cc *compiler) checkBucket(d *cdim) bool {
	if d.Bucket == "" {
		return true
	}
	if !slices.Contains(store.Buckets, d.Bucket) {
		cc.ps.add(d.ptr+"/bucket", CodeBadBucket, "unknown bucket %q; use %s", d.Bucket, strings.Join(store.Buckets, ", "))
		return false
	}
	if d.path.vt != vtDate && d.path.vt != vtDatetime {
		cc.ps.add(d.ptr+"/bucket", CodeBadBucket, "%s is %s field; date buckets apply to dates and date-times",
			d.Field, article(d.path.field.ValueType()))
		return false
	}
	return true
}

func (cc *compiler) checkBin(d *cdim) bool {
	if d.Bin == nil {
		return true
	}
	w, err := decimal.NewFromString(d.Bin.String())
	switch {
	case d.Bucket != "":
		cc.ps.add(d.ptr+"/bin", CodeBadBin, "a dimension has a bucket or a bin, not both")
	case d.path.vt != vtDecimal && d.path.field.ValueType() != "integer":
		cc.ps.add(d.ptr+"/bin", CodeBadBin, "%s is %s field; bins apply to numbers", d.Field, article(d.path.field.ValueType()))
	case err != nil || !w.IsPositive():
		cc.ps.add(d.ptr+"/bin", CodeBadBin, "the bin width must be a number greater than 0")
	default:
		scale := 0
		if d.path.vt == vtDecimal {
			scale = d.path.field.Decimals()
		}
		minor := w.Shift(int32(scale))
		if !minor.IsInteger() || minor.GreaterThan(decimal.NewFromInt(1<<53)) {
			cc.ps.add(d.ptr+"/bin", CodeBadBin, "the bin width %s does not fit %s, which has %d decimal place(s)", w, d.Field, scale)
			return false
		}
		d.bin, d.binW = minor.IntPart(), w
		return true
	}
	return false
}

// dimension finds a dimension of the report (not of the drill path) by key.
func (c *Compiled) dimension(key string) (int, bool) {
	for i, d := range c.dims {
		if d.Key == key {
			return i, true
		}
	}
	return -1, false
}

// measure finds a measure by key.
func (c *Compiled) measure(key string) (*cmeasure, bool) {
	for _, m := range c.measures {
		if m.Key == key {
			return m, true
		}
	}
	return nil, false
}

func (cc *compiler) compileSort() {
	for i, s := range cc.r.Sort {
		ptr := fmt.Sprintf("/sort/%d/key", i)
		if di, ok := cc.out.dimension(s.Key); ok {
			cc.out.sort = append(cc.out.sort, csort{key: s.Key, desc: s.Desc, dim: di})
			continue
		}
		if m, ok := cc.out.measure(s.Key); ok {
			if m.Agg == AggAvg && m.rank < 0 {
				m.rank = cc.aggFor(m, store.ReportAgg{Func: store.AggAvg, Column: m.path.column, Type: columnType(m.path)})
			}
			cc.out.sort = append(cc.out.sort, csort{key: s.Key, desc: s.Desc, dim: -1, m: m})
			continue
		}
		if _, known := cc.keys[s.Key]; known {
			continue // note: a key that failed to compile is reported already.
		}
		cc.ps.add(ptr, CodeUnknownKey, "the report sorts by %q, which is not one of its dimensions or measures: %s", s.Key, cc.keyList())
	}
}

// keyList lists the report's dimension and measure keys, for messages.
func (cc *compiler) keyList() string {
	var keys []string
	for _, d := range cc.out.dims {
		keys = append(keys, d.Key)
	}
	for _, m := range cc.out.measures {
		keys = append(keys, m.Key)
	}
	if len(keys) == 0 {
		return "(none)"
	}
	return strings.Join(keys, ", ")
}

func (cc *compiler) compileLimit() {
	l := cc.r.Limit
	if l == nil {
		return
	}
	switch {
	case l.Rows < 1 || l.Rows > MaxLimitRows:
		cc.ps.add("/limit/rows", CodeInvalidLimit, "a limit keeps 1 to %d rows", MaxLimitRows)
	case len(cc.r.Dimensions) == 0:
		cc.ps.add("/limit", CodeInvalidLimit, "a limit ranks groups, so the report needs a dimension")
	case len(cc.r.Sort) == 0:
		cc.ps.add("/limit", CodeInvalidLimit, "a limit keeps the top rows of the sort; add a sort, such as [{\"key\": \"revenue\", \"desc\": true}]")
	}
	for i, s := range cc.out.sort {
		if s.m != nil && s.m.isDerived() {
			cc.ps.add(fmt.Sprintf("/sort/%d/key", i), CodeInvalidLimit,
				"%s is a derived measure, computed after the database ranks the rows; a report with a limit sorts by dimensions and aggregated measures only", s.key)
		}
	}
}

func (cc *compiler) compileTotals() {
	t := cc.r.Totals
	if t != nil && t.Subtotals && len(cc.r.Dimensions) < 2 && cc.r.Pivot == nil {
		cc.ps.add("/totals/subtotals", forms.CodeInvalidSetting, "subtotals are per value of the first dimension, so they need two dimensions")
	}
}

func (cc *compiler) compilePivot() {
	p := cc.r.Pivot
	if p == nil {
		return
	}
	if len(cc.r.Dimensions) != 2 {
		cc.ps.add("/pivot", CodeInvalidPivot, "a pivot lays out two dimensions; the report has %d", len(cc.r.Dimensions))
		return
	}
	r, rok := cc.out.dimension(p.Rows)
	c, cok := cc.out.dimension(p.Columns)
	if !rok {
		cc.ps.add("/pivot/rows", CodeInvalidPivot, "the pivot's rows name %q, which is not a dimension of the report", p.Rows)
	}
	if !cok {
		cc.ps.add("/pivot/columns", CodeInvalidPivot, "the pivot's columns name %q, which is not a dimension of the report", p.Columns)
	}
	if rok && cok && r == c {
		cc.ps.add("/pivot/columns", CodeInvalidPivot, "the pivot's rows and columns must be different dimensions")
	}
}

// columnType is the storage type of a path's column.
func columnType(p *cpath) store.ColumnType {
	t, _ := p.field.Kind.Column(p.field.Field)
	return t
}
