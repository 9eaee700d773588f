package forms

import (
	"errors"
	"reflect"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// Flow expressions — routing conditions, assignee expressions, action field
// mappings, waits and triggers — run in the environment of the form's rules
// (the record's fields, the system columns, user, prev, now() and today())
// plus two names of their own:
//
//	submitter  who started the flow, shaped like user (id, email, name and
//	           their attributes)
//	decisions  the decision taken so far at each approval node, by node id:
//	           "approved" or "rejected" ("" while undecided)
//
//	related    the records the record's relation fields link to, by field:
//	           related.customer.contact_email (a FlowScope knows their forms;
//	           a link that is empty reads as a record of empty fields, id 0)
//
// note: a field keyed "submitter", "decisions" or "related" is hidden from
// flow expressions by these names.

// FlowVars are the values a flow expression sees besides the record.
type FlowVars struct {
	// Prev is the record before the write that triggered the flow (nil when
	// there is none).
	Prev Record
	// User is who acts now: the submitter, an approver, or nobody for a timer.
	User Actor
	// Submitter is who started the flow.
	Submitter Actor
	// Decisions maps approval node ids to "approved" or "rejected".
	Decisions map[string]string
	// Related are the linked records, by relation field (see FlowScope).
	Related map[string]Record
}

// FlowScope compiles and runs flow expressions over records of a form
// whose single relation fields link to the forms in related, by field key:
// expressions read those records as related.<field>.<key>.
type FlowScope struct {
	c       *Compiled
	related map[string]*Compiled
}

// FlowScope returns the scope of flow expressions over records of c with
// the linked forms related (nil: none).
func (c *Compiled) FlowScope(related map[string]*Compiled) *FlowScope {
	return &FlowScope{c: c, related: related}
}

// Related lists the relation fields whose records the scope reads.
func (s *FlowScope) Related() map[string]*Compiled { return s.related }

// flowZeroEnv is the environment flow expressions are compiled against.
func (s *FlowScope) flowZeroEnv() map[string]any {
	env := s.c.zeroEnv()
	env["submitter"] = Actor{}.exprValue()
	env["decisions"] = map[string]string{}
	related := make(map[string]any, len(s.related))
	for key, target := range s.related {
		related[key] = target.targetValues(target.typedValues(), 0)
	}
	env["related"] = related
	return env
}

// CompileCondition compiles src as a flow condition over a record of c: it
// must give true or false. Errors are expr's, with their position; turn them
// into problems with ExprProblem.
//
// Example:
//
//	prog, err := order.CompileCondition(`amount >= 100000 && decisions.finance == "approved"`)
func (c *Compiled) CompileCondition(src string) (*vm.Program, error) {
	return c.FlowScope(nil).CompileCondition(src)
}

// CompileCondition is Compiled.CompileCondition in the scope s.
func (s *FlowScope) CompileCondition(src string) (*vm.Program, error) {
	return expr.Compile(src, exprOptions(s.flowZeroEnv(), expr.AsBool())...)
}

// CompileValue compiles src as a flow expression of any type over a record
// of c.
func (c *Compiled) CompileValue(src string) (*vm.Program, error) {
	return c.FlowScope(nil).CompileValue(src)
}

// CompileValue is Compiled.CompileValue in the scope s.
func (s *FlowScope) CompileValue(src string) (*vm.Program, error) {
	return expr.Compile(src, exprOptions(s.flowZeroEnv())...)
}

// CompileFieldValue compiles src as a flow expression over a record of c
// whose value is stored in target, a field of c or of another form, and
// checks that the expression's type fits the field (as defaults and formulas
// are checked).
func (c *Compiled) CompileFieldValue(src string, target *CField) (*vm.Program, error) {
	return c.FlowScope(nil).CompileFieldValue(src, target)
}

// CompileFieldValue is Compiled.CompileFieldValue in the scope s.
func (s *FlowScope) CompileFieldValue(src string, target *CField) (*vm.Program, error) {
	prog, err := s.CompileValue(src)
	if err != nil {
		return nil, err
	}
	if t := prog.Node().Type(); t != nil && t.Kind() != reflect.Interface {
		if msg := checkResultType(target, t); msg != "" {
			return nil, errors.New(msg)
		}
	}
	return prog, nil
}

// CompileUpdateValue compiles src as the value an update_record action
// stores in target, a field of into: src runs over a record of c and also
// reads the record being updated, as it is before the update, as `target`
// (its fields and id). That is how a payment adds its amount to its order:
//
//	payment.CompileUpdateValue(`target.received_amount + amount`, order, receivedAmount)
//
// note: a field of c keyed "target" is hidden by that name here.
func (c *Compiled) CompileUpdateValue(src string, into *Compiled, target *CField) (*vm.Program, error) {
	return c.FlowScope(nil).CompileUpdateValue(src, into, target)
}

// CompileUpdateValue is Compiled.CompileUpdateValue in the scope s.
func (s *FlowScope) CompileUpdateValue(src string, into *Compiled, target *CField) (*vm.Program, error) {
	env := s.flowZeroEnv()
	env["target"] = into.targetValues(into.typedValues(), 0)
	prog, err := expr.Compile(src, exprOptions(env)...)
	if err != nil {
		return nil, err
	}
	if t := prog.Node().Type(); t != nil && t.Kind() != reflect.Interface {
		if msg := checkResultType(target, t); msg != "" {
			return nil, errors.New(msg)
		}
	}
	return prog, nil
}

// TargetValues is what an update_record mapping sees of rec, the record of
// c it updates, as `target`.
func (c *Compiled) TargetValues(rec Record) map[string]any {
	return c.targetValues(c.fieldValues(rec), intOf(rec["id"]))
}

func (c *Compiled) targetValues(fields map[string]any, id int) map[string]any {
	fields["id"] = id
	return fields
}

// FlowEnv is the environment a flow program compiled by c runs in on rec.
func (c *Compiled) FlowEnv(rec Record, v FlowVars) map[string]any {
	env := c.env(rec, v.Prev, v.User)
	env["submitter"] = v.Submitter.exprValue()
	decisions := v.Decisions
	if decisions == nil {
		decisions = map[string]string{}
	}
	env["decisions"] = decisions
	return env
}

// FlowEnv is Compiled.FlowEnv in the scope s, with the linked records of
// v.Related.
func (s *FlowScope) FlowEnv(rec Record, v FlowVars) map[string]any {
	env := s.c.FlowEnv(rec, v)
	related := make(map[string]any, len(s.related))
	for key, target := range s.related {
		r := v.Related[key]
		if r == nil {
			r = Record{}
		}
		related[key] = target.TargetValues(r)
	}
	env["related"] = related
	return env
}

// ExprProblem turns an error from compiling an expression into a Problem at
// path, with expr's line and column (1-based) when it has them, and line 1
// column 1 for errors about the whole expression, such as its type.
func ExprProblem(path string, err error) Problem {
	return exprProblem(path, err)
}
