package portal

import (
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// Relation is a related form and its relation field pointing at a tracked
// record: the records the engine loads to evaluate stages or list documents.
type Relation struct {
	Form string
	Link string
}

// FlowEnd is a flow instance on a tracked record that ended.
type FlowEnd struct {
	Flow    string
	Outcome string
	At      time.Time
}

// Facts are what the engine knows of one tracked record: the record, its
// ended flows, its related records by relation, and when related records
// were first signed (by form, then record id).
type Facts struct {
	Record  forms.Record
	Flows   []FlowEnd
	Related map[Relation][]forms.Record
	Signed  map[string]map[int64]time.Time
}

// StageState is a stage of one record: whether it was reached, and when.
type StageState struct {
	Key     string     `json:"key"`
	Title   Text       `json:"title"`
	Reached bool       `json:"reached"`
	At      *time.Time `json:"at,omitempty"`
}

// Relations lists the related records the stages and documents read.
func (t *Tracked) Relations() []Relation {
	var out []Relation
	seen := map[Relation]bool{}
	add := func(r Relation) {
		if r.Link != "" && !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	for _, s := range t.Stages {
		add(Relation{s.When.Form, s.When.Link})
	}
	for _, d := range t.Documents {
		add(Relation{d.Form, d.Link})
	}
	return out
}

// Evaluate says which stages facts reach, each with its date.
func (t *Tracked) Evaluate(f Facts) []StageState {
	out := make([]StageState, len(t.Stages))
	for i, s := range t.Stages {
		at, ok := s.When.reached(f)
		out[i] = StageState{Key: s.Key, Title: s.Title, Reached: ok}
		if ok && !at.IsZero() {
			a := at.UTC()
			out[i].At = &a
		}
	}
	return out
}

// Current is the index of the last reached stage, -1 when none is.
func Current(states []StageState) int {
	cur := -1
	for i, s := range states {
		if s.Reached {
			cur = i
		}
	}
	return cur
}

func (w When) reached(f Facts) (time.Time, bool) {
	switch w.Type {
	case WhenCreated:
		at, _ := f.Record["created_at"].(time.Time)
		return at, f.Record != nil
	case WhenFlow:
		var last time.Time
		found := false
		for _, e := range f.Flows {
			if e.Flow == w.Flow && e.Outcome == w.Outcome && (!found || e.At.After(last)) {
				last, found = e.At, true
			}
		}
		return last, found
	case WhenRelated:
		return earliest(w.matching(f), w.dateOf)
	case WhenSigned:
		var first time.Time
		found := false
		for _, r := range w.matching(f) {
			if at, ok := f.Signed[w.Form][r.ID()]; ok && (!found || at.Before(first)) {
				first, found = at, true
			}
		}
		return first, found
	case WhenSum:
		return w.sumReached(f)
	}
	return time.Time{}, false
}

// matching lists the related records that pass Where.
func (w When) matching(f Facts) []forms.Record {
	var out []forms.Record
	for _, r := range f.Related[Relation{w.Form, w.Link}] {
		if w.Where == nil || contains(w.Where.In, fmt.Sprint(r[w.Where.Field])) {
			out = append(out, r)
		}
	}
	return out
}

// dateOf is when a related record counts: its date field, or its creation.
func (w When) dateOf(r forms.Record) time.Time {
	if w.DateField != "" {
		if t, ok := r[w.DateField].(time.Time); ok {
			return t
		}
	}
	t, _ := r["created_at"].(time.Time)
	return t
}

func earliest(recs []forms.Record, date func(forms.Record) time.Time) (time.Time, bool) {
	if len(recs) == 0 {
		return time.Time{}, false
	}
	first := date(recs[0])
	for _, r := range recs[1:] {
		if d := date(r); d.Before(first) {
			first = d
		}
	}
	return first, true
}

// sumReached adds the related amounts in date order and says when the sum
// first reached the tracked record's target; a target of zero or less is
// never reached (nothing is owed yet).
func (w When) sumReached(f Facts) (time.Time, bool) {
	target, ok := number(f.Record[w.Reaches])
	if !ok || !target.IsPositive() {
		return time.Time{}, false
	}
	recs := w.matching(f)
	sort.SliceStable(recs, func(i, j int) bool { return w.dateOf(recs[i]).Before(w.dateOf(recs[j])) })
	sum := decimal.Zero
	for _, r := range recs {
		n, _ := number(r[w.Field])
		sum = sum.Add(n)
		if sum.GreaterThanOrEqual(target) {
			return w.dateOf(r), true
		}
	}
	return time.Time{}, false
}

func number(v any) (decimal.Decimal, bool) {
	switch n := v.(type) {
	case nil:
		return decimal.Zero, false
	case decimal.Decimal:
		return n, true
	case int64:
		return decimal.NewFromInt(n), true
	case float64:
		return decimal.NewFromFloat(n), true
	}
	d, err := decimal.NewFromString(fmt.Sprint(v))
	return d, err == nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
