package engine

import (
	"fmt"
	"math"
	"time"

	"github.com/shopspring/decimal"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// env is the environment of a seed plan's expressions: the frame's names
// (set per evaluation) and the generators, bound to this run. Compiling
// uses a run with no state; its functions are never called then.
func (r *seedRun) env() map[string]any {
	lists := map[string]any{}
	if r.o.Plan != nil && r.o.Plan.Lists != nil {
		lists = r.o.Plan.Lists
	}
	return map[string]any{
		"n": r.o.Size, "seed": int(r.o.Seed), "now": r.o.Now, "lists": lists,
		"i": 0, "k": 0, "count": 0, "at": time.Time{}, "parent_at": time.Time{},
		"this": map[string]any{}, "parent": map[string]any{}, "owner": map[string]any{}, "children": map[string]any{},

		// rand is uniform in [0, 1).
		"rand": func() float64 { return r.rnd.Float64() },
		// between is a whole number from a to b, both included.
		"between": func(x, y any) int {
			a, b := seedWhole(x), seedWhole(y)
			if b <= a {
				return a
			}
			return a + r.rnd.IntN(b-a+1)
		},
		"chance": func(p any) bool { return r.rnd.Float64() < seedFloat(p) },
		"pick": func(list []any) any {
			if len(list) == 0 {
				return nil
			}
			return list[r.rnd.IntN(len(list))]
		},
		// weighted picks an item of list, each an object with a weight.
		"weighted": func(list []any) any { return r.weighted(list) },
		// record is a random kept record of form; record_weighted favours
		// the records whose name (a field or let) is larger.
		"record":          func(form string) map[string]any { return r.record(form, "") },
		"record_weighted": func(form, name string) map[string]any { return r.record(form, name) },
		// take hands out the last id of a pool once, or nil when it is empty.
		"take": func(pool string) any {
			p := r.pools[pool]
			if len(p) == 0 {
				return nil
			}
			r.pools[pool] = p[:len(p)-1]
			return p[len(p)-1]
		},
		// user is a random user of a group made by the plan.
		"user": func(group string) any {
			u := r.users[group]
			if len(u) == 0 {
				return nil
			}
			return u[r.rnd.IntN(len(u))]
		},
		"days": func(t any, n any) time.Time { return seedTime(t).AddDate(0, 0, seedWhole(n)) },
		"add_date": func(t any, y, m, d any) time.Time {
			return seedTime(t).AddDate(seedWhole(y), seedWhole(m), seedWhole(d))
		},
		"clock": func(v any, h, m any) time.Time {
			t := seedTime(v)
			return time.Date(t.Year(), t.Month(), t.Day(), seedWhole(h), seedWhole(m), 0, 0, time.UTC)
		},
		"day": func(v any) time.Time { return seedTime(v) },
		// days_between counts whole days from a to b.
		"days_between": func(a, b any) int {
			x, y := seedTime(a).Truncate(24*time.Hour), seedTime(b).Truncate(24*time.Hour)
			return int(y.Sub(x).Hours() / 24)
		},
		// day_in is a random day in [from, to): rise makes later days more
		// likely (0 is even, 1 is twice as likely at the end), and months,
		// when twelve weights, shape the seasons.
		"day_in": func(from, to any, rise any, months []any) time.Time {
			return r.dayIn(seedTime(from), seedTime(to), seedFloat(rise), months)
		},
		"date": func(t any) string { return seedTime(t).Format(forms.DateLayout) },
		// num reads a number from a number, a decimal or decimal text.
		"num": func(v any) float64 { d, _ := seedDecimal(v); f, _ := d.Float64(); return f },
		// money is a number as the decimal text of an amount, in cents.
		"money": func(v any) string { d, _ := seedDecimal(v); return d.StringFixed(2) },
		// sum_money adds name over a list of records exactly.
		"sum_money": func(list []any, name string) string {
			total := decimal.Zero
			for _, x := range list {
				if m, ok := x.(map[string]any); ok {
					d, _ := seedDecimal(m[name])
					total = total.Add(d)
				}
			}
			return total.StringFixed(2)
		},
		"format": func(f string, args ...any) string { return fmt.Sprintf(f, args...) },
	}
}

func (r *seedRun) weighted(list []any) any {
	total := 0.0
	for _, x := range list {
		if m, ok := x.(map[string]any); ok {
			w, _ := seedDecimal(m["weight"])
			f, _ := w.Float64()
			total += f
		}
	}
	if len(list) == 0 {
		return nil
	}
	x := r.rnd.Float64() * total
	for _, it := range list {
		m, ok := it.(map[string]any)
		if !ok {
			continue
		}
		w, _ := seedDecimal(m["weight"])
		f, _ := w.Float64()
		if x < f {
			return it
		}
		x -= f
	}
	return list[0]
}

func (r *seedRun) record(form, name string) map[string]any {
	recs := r.kept[form]
	if len(recs) == 0 {
		return nil
	}
	if name == "" {
		return recs[r.rnd.IntN(len(recs))]
	}
	if r.maxWeight == nil {
		r.maxWeight = map[string]float64{}
	}
	key := form + "/" + name
	top, ok := r.maxWeight[key]
	if !ok || len(recs) != int(r.maxWeight[key+"#n"]) {
		top = 0
		for _, x := range recs {
			top = math.Max(top, seedFloat(x[name]))
		}
		r.maxWeight[key], r.maxWeight[key+"#n"] = top, float64(len(recs))
	}
	if top <= 0 {
		return recs[r.rnd.IntN(len(recs))]
	}
	// note: rejection sampling; a floor keeps small records reachable and
	// the loop short.
	for {
		x := recs[r.rnd.IntN(len(recs))]
		if r.rnd.Float64()*top < seedFloat(x[name]) || r.rnd.Float64() < 0.05 {
			return x
		}
	}
}

func (r *seedRun) dayIn(from, to time.Time, rise float64, months []any) time.Time {
	span := int(to.Sub(from).Hours() / 24)
	if span < 1 {
		return from
	}
	top := 1 + math.Max(rise, 0)
	season := func(m time.Month) float64 {
		if len(months) != 12 {
			return 1
		}
		return seedFloat(months[m-1])
	}
	peak := 1.0
	for _, w := range months {
		peak = math.Max(peak, seedFloat(w))
	}
	for range 10_000 {
		d := r.rnd.IntN(span)
		day := from.AddDate(0, 0, d)
		w := (1 + math.Max(rise, 0)*float64(d)/float64(span)) * season(day.Month())
		if r.rnd.Float64()*top*peak < w {
			return day
		}
	}
	return from
}

// seedPlain turns what the store computed into what expressions use.
func seedPlain(v any) any {
	if d, ok := v.(decimal.Decimal); ok {
		f, _ := d.Float64()
		return f
	}
	return v
}

func seedFloat(v any) float64 {
	d, _ := seedDecimal(v)
	f, _ := d.Float64()
	return f
}

func seedDecimal(v any) (decimal.Decimal, bool) {
	switch x := v.(type) {
	case decimal.Decimal:
		return x, true
	case float64:
		return decimal.NewFromFloat(x), true
	case float32:
		return decimal.NewFromFloat32(x), true
	case int:
		return decimal.NewFromInt(int64(x)), true
	case int64:
		return decimal.NewFromInt(x), true
	case string:
		d, err := decimal.NewFromString(x)
		return d, err == nil
	}
	return decimal.Zero, false
}

// seedWhole is a number rounded down to a whole one; anything else is 0.
func seedWhole(v any) int { return int(math.Floor(seedFloat(v))) }

func seedInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int64:
		return x, true
	case float64:
		return int64(x), true
	}
	return 0, false
}

func seedTime(v any) time.Time {
	switch x := v.(type) {
	case time.Time:
		return x
	case string:
		t, _ := time.Parse(forms.DateLayout, x)
		return t
	}
	return time.Time{}
}
