package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/shopspring/decimal"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// note: the seed runs an application's seed plan (seed_plan.go): users,
// then each form in the plan's order, children right after their parents.
// It writes through the record store's bulk path, so formulas, defaults
// and rules hold as for any record, and it is repeatable: the same plan
// and options give the same data.

// SeedOptions sizes the demo data.
type SeedOptions struct {
	Plan *SeedPlan
	// Size is what the plan's counts read as n (the example: orders).
	Size int
	// Seed makes the data repeatable; zero is 1.
	Seed uint64
	// Now is what the plan's dates are relative to; zero is today.
	Now time.Time
	// Progress, when set, is told what is being made.
	Progress func(string)
}

// SeedReport counts what Seed made, by form, and the demo users' password.
type SeedReport struct {
	Records  map[string]int `json:"records"`
	Users    []string       `json:"users"`
	Password string         `json:"password"`
}

// seedBatch is how many top-level records one bulk insert takes.
const seedBatch = 1000

// Seed fills the application's forms as its plan says. The forms must be
// published.
func (e *Engine) Seed(ctx context.Context, o SeedOptions) (*SeedReport, error) {
	if o.Plan == nil {
		return nil, fmt.Errorf("%w: a seed plan is required", store.ErrInvalid)
	}
	if o.Size < 1 || o.Size > 10_000_000 {
		return nil, fmt.Errorf("%w: the size must be from 1 to 10,000,000", store.ErrInvalid)
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Now.IsZero() {
		o.Now = time.Now().UTC()
	}
	if o.Progress == nil {
		o.Progress = func(string) {}
	}
	progs, err := compileSeedPlan(o.Plan)
	if err != nil {
		return nil, err
	}
	r := &seedRun{e: e, o: o, progs: progs, rnd: mrand.New(mrand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)),
		rep: &SeedReport{Records: map[string]int{}}, users: map[string][]any{}, kept: map[string][]map[string]any{},
		pools: map[string][]int64{}, adds: map[seedAddKey]decimal.Decimal{}, compiled: map[string]*forms.Compiled{}}
	if err := r.check(ctx); err != nil {
		return nil, err
	}
	if err := r.seedUsers(ctx); err != nil {
		return nil, err
	}
	for i := range o.Plan.Forms {
		if err := r.seedTop(ctx, fmt.Sprintf("/forms/%d", i), &o.Plan.Forms[i]); err != nil {
			return nil, err
		}
	}
	if err := r.applyAdds(ctx); err != nil {
		return nil, err
	}
	return r.rep, nil
}

type seedAddKey struct {
	form, field string
	id          int64
}

type seedRun struct {
	e        *Engine
	o        SeedOptions
	progs    seedProgram
	rnd      *mrand.Rand
	rep      *SeedReport
	compiled map[string]*forms.Compiled

	users map[string][]any            // user ids by group
	kept  map[string][]map[string]any // records by form, with their id
	pools map[string][]int64
	adds  map[seedAddKey]decimal.Decimal
	// flowsRun counts the flows started, by pointer of the plan's flow.
	flowsRun map[string]int
	// maxWeight caches record_weighted's largest weight by form and name.
	maxWeight map[string]float64
	vars      map[string]any
}

// check resolves every form and field the plan names, so a mistake is a
// pointer before anything is written.
func (r *seedRun) check(ctx context.Context) error {
	var probs []forms.Problem
	fail := func(path, code, format string, args ...any) {
		probs = append(probs, forms.Problem{Path: path, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	var values func(at string, c *forms.Compiled, vs []SeedValue)
	values = func(at string, c *forms.Compiled, vs []SeedValue) {
		for i, v := range vs {
			if v.Field == "" {
				continue
			}
			f, ok := c.Field(v.Field)
			if !ok {
				fail(fmt.Sprintf("%s/%d/field", at, i), forms.CodeUnknownFieldRef, "form %s has no field %s", c.Form.Key, v.Field)
				continue
			}
			if v.Rows != "" {
				if f.Child == nil {
					fail(fmt.Sprintf("%s/%d/rows", at, i), forms.CodeInvalidSetting, "%s is not a sub-table", v.Field)
					continue
				}
				values(fmt.Sprintf("%s/%d/values", at, i), f.Child, v.Values)
			}
		}
	}
	var form func(at string, f *SeedForm)
	form = func(at string, f *SeedForm) {
		c, err := r.e.Form(f.Form)
		if err != nil {
			fail(at+"/form", forms.CodeUnknownTarget, "no published form %s", f.Form)
			return
		}
		r.compiled[f.Form] = c
		if _, ok := c.Field(f.Link); f.Link != "" && !ok {
			fail(at+"/link", forms.CodeUnknownFieldRef, "form %s has no field %s", f.Form, f.Link)
		}
		values(at+"/values", c, f.Values)
		values(at+"/after", c, f.After)
		for i, a := range f.Add {
			t, err := r.e.Form(a.Form)
			if err != nil {
				fail(fmt.Sprintf("%s/add/%d/form", at, i), forms.CodeUnknownTarget, "no published form %s", a.Form)
				continue
			}
			r.compiled[a.Form] = t
			if _, ok := t.Field(a.Field); !ok {
				fail(fmt.Sprintf("%s/add/%d/field", at, i), forms.CodeUnknownFieldRef, "form %s has no field %s", a.Form, a.Field)
			}
		}
		for i, fl := range f.Flows {
			if _, err := r.e.LiveFlow(ctx, c, fl.Flow); err != nil {
				fail(fmt.Sprintf("%s/flows/%d/flow", at, i), forms.CodeUnknownTarget, "no published flow %s of form %s", fl.Flow, f.Form)
			}
		}
		for i := range f.Children {
			form(fmt.Sprintf("%s/children/%d", at, i), &f.Children[i])
		}
	}
	for i := range r.o.Plan.Forms {
		form(fmt.Sprintf("/forms/%d", i), &r.o.Plan.Forms[i])
	}
	if len(probs) > 0 {
		return &forms.ProblemList{Subject: "seed plan", Problems: probs}
	}
	return nil
}

func (r *seedRun) seedUsers(ctx context.Context) error {
	b := make([]byte, 9)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	r.rep.Password = hex.EncodeToString(b)
	for _, g := range r.o.Plan.Users {
		for i := 1; i <= g.Count; i++ {
			num := fmt.Sprint(i)
			email := strings.ReplaceAll(g.Email, "{i}", num)
			u, err := r.e.CreateUser(ctx, email, strings.ReplaceAll(g.Name, "{i}", num), r.rep.Password, g.Roles...)
			if errors.Is(err, store.ErrConflict) {
				if u, err = r.e.db.UserByEmail(ctx, email); err != nil {
					return err
				}
			} else if err != nil {
				return fmt.Errorf("seed user %s: %w", email, err)
			}
			r.users[g.Group] = append(r.users[g.Group], u.ID)
			r.rep.Users = append(r.rep.Users, email)
		}
	}
	return nil
}

// seedRec is one generated record waiting for its insert.
type seedRec struct {
	bulk     forms.BulkRecord
	this     map[string]any
	children [][]*seedRec // by child entry
}

// frame is what an expression sees besides the functions.
type seedFrame struct {
	i, k, count  int
	at, parentAt time.Time
	this, parent map[string]any
	owner        map[string]any
	children     map[string]any
}

func (r *seedRun) seedTop(ctx context.Context, at string, f *SeedForm) error {
	n, err := r.evalInt(at+"/count", seedFrame{})
	if err != nil {
		return err
	}
	r.o.Progress(fmt.Sprintf("%d %s", n, f.Form))
	for start := 0; start < n; start += seedBatch {
		if start > 0 && start%(50*seedBatch) == 0 {
			r.o.Progress(fmt.Sprintf("%s %d of %d", f.Form, start, n))
		}
		var recs []*seedRec
		for i := start; i < min(n, start+seedBatch); i++ {
			rec, err := r.generate(at, f, seedFrame{i: i, k: i, count: n})
			if err != nil {
				return err
			}
			if rec != nil {
				recs = append(recs, rec)
			}
		}
		if err := r.insert(ctx, at, f, recs); err != nil {
			return err
		}
	}
	return nil
}

// generate makes one record and, in memory, its children; nil when the
// plan skips it.
func (r *seedRun) generate(at string, f *SeedForm, fr seedFrame) (*seedRec, error) {
	fr.this, fr.children = map[string]any{}, map[string]any{}
	when, err := r.eval(at+"/at", fr)
	if err != nil {
		return nil, err
	}
	t, ok := when.(time.Time)
	if !ok {
		return nil, fmt.Errorf("%s: at gave %T, want a time", at, when)
	}
	fr.at = t
	if f.Skip != "" {
		skip, err := r.eval(at+"/skip", fr)
		if err != nil {
			return nil, err
		}
		if skip == true {
			return nil, nil
		}
	}
	rec := &seedRec{bulk: forms.BulkRecord{At: t, Input: map[string]any{}}, this: fr.this}
	if err := r.values(at+"/values", f.Values, fr, rec.bulk.Input); err != nil {
		return nil, err
	}
	// note: the actor comes after the values, so that it can be the
	// record's own sales rep.
	if f.Actor != "" {
		a, err := r.eval(at+"/actor", fr)
		if err != nil {
			return nil, err
		}
		id, _ := seedInt(a)
		rec.bulk.Actor = forms.Actor{ID: id}
	}
	if len(f.Children) > 0 || len(f.After) > 0 || len(f.Add) > 0 {
		// note: children and totals read the formulas too (an order's
		// amount), so the record is computed as the store will.
		c := r.compiled[f.Form]
		got, err := c.Validate(forms.Write{Input: rec.bulk.Input, Actor: rec.bulk.Actor, Trusted: true})
		if err != nil {
			return nil, fmt.Errorf("%s: generated %s: %w", at, f.Form, err)
		}
		for k, v := range got {
			if _, set := fr.this[k]; !set {
				fr.this[k] = seedPlain(v)
			}
		}
	}
	for ci := range f.Children {
		ch := &f.Children[ci]
		cat := fmt.Sprintf("%s/children/%d", at, ci)
		pf := seedFrame{i: fr.i, parent: fr.this, parentAt: fr.at}
		n, err := r.evalInt(cat+"/count", pf)
		if err != nil {
			return nil, err
		}
		var made []*seedRec
		var these []any
		for k := range n {
			pf.k, pf.count = k, n
			c, err := r.generate(cat, ch, pf)
			if err != nil {
				return nil, err
			}
			if c != nil {
				made = append(made, c)
				these = append(these, c.this)
			}
		}
		rec.children = append(rec.children, made)
		fr.children[ch.Form] = these
	}
	if err := r.values(at+"/after", f.After, fr, rec.bulk.Input); err != nil {
		return nil, err
	}
	for ai, a := range f.Add {
		p := fmt.Sprintf("%s/add/%d", at, ai)
		idv, err := r.eval(p+"/id", fr)
		if err != nil {
			return nil, err
		}
		id, ok := seedInt(idv)
		if !ok {
			continue
		}
		v, err := r.eval(p+"/expr", fr)
		if err != nil {
			return nil, err
		}
		d, ok := seedDecimal(v)
		if !ok {
			return nil, fmt.Errorf("%s/expr: gave %T, want a number", p, v)
		}
		key := seedAddKey{form: a.Form, field: a.Field, id: id}
		r.adds[key] = r.adds[key].Add(d)
	}
	return rec, nil
}

// values evaluates vs in order into in (fields) and frame.this (fields and
// lets); a field whose expression gives nil is left unset.
func (r *seedRun) values(at string, vs []SeedValue, fr seedFrame, in map[string]any) error {
	for i, v := range vs {
		p := fmt.Sprintf("%s/%d", at, i)
		var val any
		if v.Rows != "" {
			n, err := r.evalInt(p+"/rows", fr)
			if err != nil {
				return err
			}
			rows := make([]any, 0, n)
			for k := range n {
				row := map[string]any{}
				rf := fr
				rf.this, rf.owner, rf.k, rf.count = map[string]any{}, fr.this, k, n
				if err := r.values(p+"/values", v.Values, rf, row); err != nil {
					return err
				}
				rows = append(rows, row)
			}
			val = rows
		} else {
			var err error
			if val, err = r.eval(p+"/expr", fr); err != nil {
				return err
			}
		}
		if v.Let != "" {
			fr.this[v.Let] = val
			continue
		}
		if val == nil {
			continue
		}
		if t, ok := val.(time.Time); ok {
			val = t.Format(forms.DateLayout)
		}
		fr.this[v.Field] = val
		in[v.Field] = val
	}
	return nil
}

// insert writes recs, then their children with the parents' ids.
func (r *seedRun) insert(ctx context.Context, at string, f *SeedForm, recs []*seedRec) error {
	if len(recs) == 0 {
		return nil
	}
	c := r.compiled[f.Form]
	bulk := make([]forms.BulkRecord, len(recs))
	for i, rec := range recs {
		bulk[i] = rec.bulk
	}
	ids, err := r.e.records.CreateBulk(ctx, c, bulk)
	if err != nil {
		return fmt.Errorf("%s (%s): %w", at, f.Form, err)
	}
	r.rep.Records[f.Form] += len(ids)
	for i, rec := range recs {
		rec.this["id"] = ids[i]
		if f.Keep {
			r.kept[f.Form] = append(r.kept[f.Form], rec.this)
		}
		if f.Pool != "" {
			ok := true
			if f.PoolWhen != "" {
				v, err := r.eval(at+"/pool_when", seedFrame{this: rec.this, at: rec.bulk.At})
				if err != nil {
					return err
				}
				ok = v == true
			}
			if ok {
				r.pools[f.Pool] = append(r.pools[f.Pool], ids[i])
			}
		}
	}
	if err := r.runFlows(ctx, at, f, recs); err != nil {
		return err
	}
	for ci := range f.Children {
		ch := &f.Children[ci]
		var kids []*seedRec
		for i, rec := range recs {
			for _, kid := range rec.children[ci] {
				kid.bulk.Input[ch.Link] = ids[i]
				kid.this[ch.Link] = ids[i]
				kids = append(kids, kid)
			}
		}
		if err := r.insert(ctx, fmt.Sprintf("%s/children/%d", at, ci), ch, kids); err != nil {
			return err
		}
	}
	return nil
}

// applyAdds writes the running totals, in a stable order.
func (r *seedRun) applyAdds(ctx context.Context) error {
	keys := make([]seedAddKey, 0, len(r.adds))
	for k := range r.adds {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.form != b.form {
			return a.form < b.form
		}
		if a.id != b.id {
			return a.id < b.id
		}
		return a.field < b.field
	})
	for _, k := range keys {
		c := r.compiled[k.form]
		in := map[string]any{k.field: r.adds[k].StringFixed(2)}
		if _, err := r.e.records.Update(ctx, c, k.id, 0, forms.Write{Input: in, Trusted: true}); err != nil {
			return fmt.Errorf("seed total %s of %s %d: %w", k.field, k.form, k.id, err)
		}
	}
	return nil
}

func (r *seedRun) eval(path string, fr seedFrame) (any, error) {
	prog := r.progs[path]
	if prog == nil {
		return nil, fmt.Errorf("%s: no compiled expression", path)
	}
	env := r.vars
	if env == nil {
		env = r.env()
		r.vars = env
	}
	env["i"], env["k"], env["count"] = fr.i, fr.k, fr.count
	env["at"], env["parent_at"] = fr.at, fr.parentAt
	env["this"], env["parent"], env["owner"], env["children"] = fr.this, fr.parent, fr.owner, fr.children
	v, err := expr.Run(prog, env)
	if err != nil {
		return nil, fmt.Errorf("seed plan %s: %w", path, err)
	}
	return v, nil
}

func (r *seedRun) evalInt(path string, fr seedFrame) (int, error) {
	v, err := r.eval(path, fr)
	if err != nil {
		return 0, err
	}
	n, ok := seedInt(v)
	if !ok || n < 0 {
		return 0, fmt.Errorf("seed plan %s: gave %v, want a count", path, v)
	}
	return int(n), nil
}
