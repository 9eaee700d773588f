package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// note: a seed plan is data beside an application's definitions, not a
// definition: it is never published, only read by `mosaic seed`. Every
// generator is an expression, so the plan says what the data looks like
// and the engine knows nothing of the forms it fills.

// SeedPlanFile is the plan's name in an application folder; importing the
// folder leaves it out.
const SeedPlanFile = "seed.json"

// SeedPlan describes generated data for an application.
type SeedPlan struct {
	Kind  string `json:"kind"`
	Key   string `json:"key"`
	Title string `json:"title"`
	// Lists are named constants the expressions read as lists.<name>.
	Lists map[string]any `json:"lists"`
	Users []SeedUsers    `json:"users"`
	Forms []SeedForm     `json:"forms"`
}

// SeedUsers makes Count users of one group; {i} in Email and Name is the
// user's number within the group.
type SeedUsers struct {
	Group string   `json:"group"`
	Count int      `json:"count"`
	Email string   `json:"email"`
	Name  string   `json:"name"`
	Roles []string `json:"roles"`
}

// SeedForm makes records of one form: Count of them at the top level, or
// Count per parent record when nested under Children.
type SeedForm struct {
	Form  string `json:"form"`
	Count string `json:"count"`
	// Link is the field that takes the parent record's id.
	Link string `json:"link,omitempty"`
	// At is when the record was made; Skip drops it once At is known.
	At       string      `json:"at"`
	Skip     string      `json:"skip,omitempty"`
	Actor    string      `json:"actor,omitempty"`
	Values   []SeedValue `json:"values"`
	Children []SeedForm  `json:"children,omitempty"`
	// After runs once the children are made (e.g. a sum of payments).
	After []SeedValue `json:"after,omitempty"`
	// Keep keeps the records for record() and record_weighted().
	Keep bool `json:"keep,omitempty"`
	// Pool and PoolWhen feed take(): records for which PoolWhen holds.
	Pool     string    `json:"pool,omitempty"`
	PoolWhen string    `json:"pool_when,omitempty"`
	Add      []SeedAdd `json:"add,omitempty"`
	// Flows run on the records once written, so the approval history is
	// real: tasks, steps and the record changes the flow makes.
	Flows []SeedFlow `json:"flows,omitempty"`
}

// SeedFlow starts Flow on the records for which When holds, at most Limit
// of them, and decides each task as Decide says ("approve" or "reject"; an
// empty text leaves the task open).
type SeedFlow struct {
	Flow   string `json:"flow"`
	When   string `json:"when"`
	Limit  string `json:"limit"`
	Decide string `json:"decide"`
}

// SeedValue is one field of the record (Field), or a name the later
// expressions read but the record does not store (Let). Rows makes a
// sub-table of that many rows, each from Values.
type SeedValue struct {
	Field  string      `json:"field,omitempty"`
	Let    string      `json:"let,omitempty"`
	Expr   string      `json:"expr,omitempty"`
	Rows   string      `json:"rows,omitempty"`
	Values []SeedValue `json:"values,omitempty"`
}

// SeedAdd adds Expr to Field of the record of Form whose id is ID, once
// everything is made (running totals such as what a customer owes).
type SeedAdd struct {
	Form  string `json:"form"`
	ID    string `json:"id"`
	Field string `json:"field"`
	Expr  string `json:"expr"`
}

var seedNameRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,47}$`)

// LoadSeedPlan reads and checks a plan file.
func LoadSeedPlan(path string) (*SeedPlan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read seed plan: %w", err)
	}
	p, err := ParseSeedPlan(b)
	if pl, ok := forms.AsProblems(err); ok {
		pl.Subject = path
	}
	return p, err
}

// ParseSeedPlan decodes a plan and compiles every expression in it; the
// problems name the JSON pointer of what is wrong.
func ParseSeedPlan(b []byte) (*SeedPlan, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var p SeedPlan
	if err := dec.Decode(&p); err != nil {
		return nil, &forms.ProblemList{Subject: "seed plan", Problems: []forms.Problem{{Path: "/", Code: forms.CodeInvalidType, Message: err.Error()}}}
	}
	if _, err := compileSeedPlan(&p); err != nil {
		return nil, err
	}
	return &p, nil
}

// seedProgram is one compiled plan: its expressions by JSON pointer.
type seedProgram map[string]*vm.Program

func compileSeedPlan(p *SeedPlan) (seedProgram, error) {
	c := &seedCompiler{progs: seedProgram{}}
	if p.Kind != "seed" {
		c.fail("/kind", forms.CodeInvalidValue, `kind must be "seed"`)
	}
	groups := map[string]bool{}
	for i, u := range p.Users {
		at := fmt.Sprintf("/users/%d", i)
		if !seedNameRe.MatchString(u.Group) {
			c.fail(at+"/group", forms.CodeInvalidKey, "a group is a key like east or sales_rep")
		}
		if u.Count < 1 || u.Count > 1000 {
			c.fail(at+"/count", forms.CodeInvalidValue, "count must be from 1 to 1000")
		}
		if u.Email == "" {
			c.fail(at+"/email", forms.CodeRequired, "email is required")
		}
		if u.Name == "" {
			c.fail(at+"/name", forms.CodeRequired, "name is required")
		}
		groups[u.Group] = true
	}
	if len(p.Forms) == 0 {
		c.fail("/forms", forms.CodeRequired, "a plan makes records of at least one form")
	}
	seen := map[string]bool{}
	for i := range p.Forms {
		c.form(fmt.Sprintf("/forms/%d", i), &p.Forms[i], false, seen)
	}
	if len(c.problems) > 0 {
		return nil, &forms.ProblemList{Subject: "seed plan", Problems: c.problems}
	}
	return c.progs, nil
}

type seedCompiler struct {
	progs    seedProgram
	problems []forms.Problem
}

func (c *seedCompiler) fail(path, code, format string, args ...any) {
	c.problems = append(c.problems, forms.Problem{Path: path, Code: code, Message: fmt.Sprintf(format, args...)})
}

// expr compiles one expression against the environment it runs in.
func (c *seedCompiler) expr(path, src string, required bool) {
	if src == "" {
		if required {
			c.fail(path, forms.CodeRequired, "an expression is required")
		}
		return
	}
	prog, err := expr.Compile(src, expr.Env(seedEnvShape()))
	if err != nil {
		c.fail(path, forms.CodeInvalidExpr, "%v", err)
		return
	}
	c.progs[path] = prog
}

func (c *seedCompiler) form(at string, f *SeedForm, child bool, seen map[string]bool) {
	if !seedNameRe.MatchString(f.Form) {
		c.fail(at+"/form", forms.CodeInvalidKey, "form must be a form key")
	}
	if child && f.Link == "" {
		c.fail(at+"/link", forms.CodeRequired, "a child names the field that takes its parent's id")
	}
	if !child && f.Link != "" {
		c.fail(at+"/link", forms.CodeInvalidSetting, "only a child has a link")
	}
	if f.Keep {
		seen[f.Form] = true
	}
	c.expr(at+"/count", f.Count, true)
	c.expr(at+"/at", f.At, true)
	c.expr(at+"/skip", f.Skip, false)
	c.expr(at+"/actor", f.Actor, false)
	c.expr(at+"/pool_when", f.PoolWhen, false)
	if f.PoolWhen != "" && f.Pool == "" {
		c.fail(at+"/pool", forms.CodeRequired, "pool_when needs a pool name")
	}
	c.values(at+"/values", f.Values)
	c.values(at+"/after", f.After)
	for i, a := range f.Add {
		p := fmt.Sprintf("%s/add/%d", at, i)
		if !seedNameRe.MatchString(a.Form) {
			c.fail(p+"/form", forms.CodeInvalidKey, "form must be a form key")
		}
		if !seedNameRe.MatchString(a.Field) {
			c.fail(p+"/field", forms.CodeInvalidKey, "field must be a field key")
		}
		c.expr(p+"/id", a.ID, true)
		c.expr(p+"/expr", a.Expr, true)
	}
	for i, fl := range f.Flows {
		p := fmt.Sprintf("%s/flows/%d", at, i)
		if fl.Flow == "" {
			c.fail(p+"/flow", forms.CodeRequired, "flow is required")
		}
		c.expr(p+"/when", fl.When, true)
		c.expr(p+"/limit", fl.Limit, true)
		c.expr(p+"/decide", fl.Decide, true)
	}
	for i := range f.Children {
		c.form(fmt.Sprintf("%s/children/%d", at, i), &f.Children[i], true, seen)
	}
}

func (c *seedCompiler) values(at string, vs []SeedValue) {
	for i, v := range vs {
		p := fmt.Sprintf("%s/%d", at, i)
		switch {
		case (v.Field == "") == (v.Let == ""):
			c.fail(p, forms.CodeInvalidSetting, "a value has either field or let")
		case v.Field != "" && !seedNameRe.MatchString(v.Field):
			c.fail(p+"/field", forms.CodeInvalidKey, "field must be a field key")
		case v.Let != "" && !seedNameRe.MatchString(v.Let):
			c.fail(p+"/let", forms.CodeInvalidKey, "let must be a name like due or weight")
		}
		if v.Rows != "" {
			if v.Expr != "" {
				c.fail(p+"/expr", forms.CodeInvalidSetting, "a sub-table has rows and values, not expr")
			}
			c.expr(p+"/rows", v.Rows, true)
			c.values(p+"/values", v.Values)
			continue
		}
		c.expr(p+"/expr", v.Expr, true)
	}
}

// seedEnvShape is the environment every expression compiles against; the
// functions here only give their types, the run binds the real ones.
func seedEnvShape() map[string]any {
	return (&seedRun{}).env()
}

var _ = time.Time{}
