package forms

import (
	"time"

	"github.com/expr-lang/expr"
)

// Actor is who performs a write; expressions see it as `user`.
type Actor struct {
	ID    int64
	Email string
	Name  string
	// Attrs are the user's free attributes ({"region": "east"}), which
	// filters and expressions read as user.<name>.
	Attrs map[string]any
}

func (a Actor) exprValue() map[string]any {
	v := make(map[string]any, len(a.Attrs)+3)
	for k, x := range a.Attrs {
		v[k] = x
	}
	v["id"], v["email"], v["name"] = int(a.ID), a.Email, a.Name
	return v
}

// exprOptions are the options every expression in a form compiles with: the
// typed environment, a size bound, and the functions Mosaic adds.
func exprOptions(env map[string]any, extra ...expr.Option) []expr.Option {
	opts := []expr.Option{
		expr.Env(env),
		expr.MaxNodes(maxExprNodes),
		expr.Function("today", func(...any) (any, error) { return today(), nil }, new(func() time.Time)),
	}
	opts = append(opts, ExprBounds()...)
	return append(opts, extra...)
}

func today() time.Time {
	n := time.Now().UTC()
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
}

// zeroEnv is the environment expressions are compiled against: every name
// with a value of the type it will have at run time.
func (c *Compiled) zeroEnv() map[string]any {
	env := c.env(Record{}, nil, Actor{})
	typed := c.typedValues()
	for k, v := range typed {
		env[k] = v
	}
	env["prev"] = typed
	return env
}

// typedValues maps every field key to the zero expression value of its type.
func (c *Compiled) typedValues() map[string]any {
	env := make(map[string]any, len(c.fields))
	for _, f := range c.fields {
		if f.Child != nil {
			env[f.Key] = []map[string]any{f.Child.typedValues()}
			continue
		}
		env[f.Key] = f.Kind.ExprValue(f.Field, nil)
	}
	return env
}

// env is the environment of an expression evaluated on rec: its fields, the
// system columns, `user` and `prev` (the values before this write; empty on
// create).
func (c *Compiled) env(rec Record, prev Record, actor Actor) map[string]any {
	env := c.fieldValues(rec)
	if c.parent == nil {
		env["id"] = intOf(rec["id"])
		env["owner"] = intOf(rec["owner"])
		env["created_by"] = intOf(rec["created_by"])
		env["created_at"], _ = rec["created_at"].(time.Time)
		env["flow_status"], _ = rec["flow_status"].(string)
		if prev == nil {
			prev = Record{}
		}
		env["prev"] = c.fieldValues(prev)
		env["user"] = actor.exprValue()
	}
	return env
}

// fieldValues maps every field key to its expression value.
func (c *Compiled) fieldValues(rec Record) map[string]any {
	env := make(map[string]any, len(c.fields)+8)
	for _, f := range c.fields {
		if f.Child != nil {
			rows, _ := rec[f.Key].([]Record)
			vals := make([]map[string]any, len(rows))
			for i, r := range rows {
				vals[i] = f.Child.fieldValues(r)
			}
			env[f.Key] = vals
			continue
		}
		env[f.Key] = c.exprValue(f, rec[f.Key])
	}
	return env
}

func intOf(v any) int {
	n, _ := v.(int64)
	return int(n)
}

// exprValue is what expressions see of field f holding v.
func (c *Compiled) exprValue(f *CField, v any) any {
	if _, ok := f.Kind.(Nullable); ok && v == nil {
		// note: an empty date or link is nil, so `due == nil` can be tested;
		// numbers and text are zero when empty, as in a spreadsheet.
		return nil
	}
	return f.Kind.ExprValue(f.Field, v)
}
