package flows

import (
	"fmt"
	"slices"
	"strings"

	"github.com/expr-lang/expr/vm"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// MaxNodes bounds the size of a flow.
const MaxNodes = 500

// Node types.
const (
	TypeStart    = "start"
	TypeApproval = "approval"
	TypeCC       = "cc"
	TypeBranch   = "branch"
	TypeSplit    = "split"
	TypeJoin     = "join"
	TypeAction   = "action"
	TypeWait     = "wait"
	TypeSubflow  = "subflow"
	TypeEnd      = "end"
)

// FormLookup finds the live compiled forms a flow refers to: the form it is
// bound to and the targets of its create_record and update_record actions.
type FormLookup interface {
	Form(key string) (*forms.Compiled, bool)
}

// RoleLookup tells which roles exist, for role assignees.
type RoleLookup interface {
	HasRole(key string) bool
}

// Compiled is a flow ready to run: every reference resolved, every expression
// compiled against its form's typed environment, the graph checked. It is
// immutable and safe for concurrent use.
type Compiled struct {
	Flow    *Flow
	Version int
	// Form is the compiled form the flow is bound to.
	Form *forms.Compiled
	// Warnings are problems that do not stop a publish but that the admin
	// should see, such as an approval whose assignees may resolve to nobody.
	Warnings []forms.Problem

	nodes    map[string]*cnode
	start    *cnode
	triggers []*vm.Program // one per trigger; nil without a condition
	// scope compiles and runs the expressions; readsRelated is set when
	// one of them reads related.<field>, so the linked records are loaded.
	scope        *forms.FlowScope
	readsRelated bool
}

// cnode is a compiled node.
type cnode struct {
	*Node
	index     int
	branches  []*vm.Program // one per branch
	join      string        // of a split: the join its paths meet at
	split     string        // of a join: the split it closes
	assignees []cassignee
	actions   []caction
	until     *vm.Program // of a wait with a condition
	record    *vm.Program // of a subflow: the related record's id
}

// Node returns the node with id.
func (c *Compiled) Node(id string) (*Node, bool) {
	n, ok := c.nodes[id]
	if !ok {
		return nil, false
	}
	return n.Node, true
}

// Start returns the start node.
func (c *Compiled) Start() *Node { return c.start.Node }

// JoinOf returns the join where the paths of split meet ("" when split is
// not a split node).
func (c *Compiled) JoinOf(split string) string {
	if n, ok := c.nodes[split]; ok {
		return n.join
	}
	return ""
}

// SplitOf returns the split whose paths join closes ("" when join is not a
// join node).
func (c *Compiled) SplitOf(join string) string {
	if n, ok := c.nodes[join]; ok {
		return n.split
	}
	return ""
}

// compiler holds the state of one Compile.
type compiler struct {
	f     *Flow
	form  *forms.Compiled // nil when the bound form is unknown
	scope *forms.FlowScope
	forms FormLookup
	roles RoleLookup
	out   *Compiled
	ps    []forms.Problem
	warns []forms.Problem
	// approvals are the ids of approval nodes, which decisions.<id> may name.
	approvals map[string]bool
	// broken is set by mistakes that make the graph meaningless: bad or
	// duplicate ids, unknown types, no start or end, missing references.
	broken bool
}

// fail reports a problem that makes the graph meaningless.
func (c *compiler) fail(path, code, format string, args ...any) {
	c.add(path, code, format, args...)
	c.broken = true
}

func (c *compiler) add(path, code, format string, args ...any) {
	c.ps = append(c.ps, forms.Problem{Path: path, Code: code, Message: fmt.Sprintf(format, args...)})
}

func (c *compiler) warn(path, code, format string, args ...any) {
	c.warns = append(c.warns, forms.Problem{Path: path, Code: code, Message: fmt.Sprintf(format, args...)})
}

// Compile checks flow f against the forms and roles that exist and compiles
// its expressions; version is the number it will be published as. Every
// mistake is reported, each with its JSON pointer (and, in an expression, its
// line and column), in a *forms.ProblemList. Problems that do not stop a
// publish come back in Compiled.Warnings.
//
// Example (in engine.Check, as for roles):
//
//	cf, err := flows.Compile(f, version, set, set)
func Compile(f *Flow, version int, fs FormLookup, roles RoleLookup) (*Compiled, error) {
	c := &compiler{f: f, forms: fs, roles: roles, approvals: map[string]bool{},
		out: &Compiled{Flow: f, Version: version, nodes: map[string]*cnode{}}}
	c.checkHeader()
	if len(f.Nodes) > MaxNodes {
		c.add("/nodes", CodeTooManyNodes, "a flow has at most %d nodes; this one has %d", MaxNodes, len(f.Nodes))
		return nil, c.problems()
	}
	c.indexNodes()
	c.compileTriggers()
	for i := range f.Nodes {
		c.compileNode(i)
	}
	if g := c.buildGraph(); g != nil {
		c.checkGraph(g)
	}
	c.checkFallback()
	if len(c.ps) > 0 {
		return nil, c.problems()
	}
	c.out.Form = c.form
	c.out.scope = c.scope
	c.out.Warnings = c.warns
	return c.out, nil
}

func (c *compiler) problems() *forms.ProblemList {
	return &forms.ProblemList{Subject: "flow/" + c.f.Key, Problems: c.ps}
}

// checkHeader checks the flow's key, form and fallback assignee.
func (c *compiler) checkHeader() {
	if msg := forms.CheckKey(c.f.Key, false); msg != "" {
		c.add("/key", forms.CodeInvalidKey, "%s", msg)
	}
	switch form, ok := lookupForm(c.forms, c.f.Form); {
	case c.f.Form == "":
		c.add("/form", CodeMissingSetting, "a flow is bound to a form; name it")
	case !ok:
		c.add("/form", forms.CodeUnknownTarget, "there is no published form %q; publish it first or import it together", c.f.Form)
	default:
		c.form = form
		related := map[string]*forms.Compiled{}
		for _, f := range form.Fields() {
			if f.Field.Type == "relation" && !f.Multiple {
				if target, ok := lookupForm(c.forms, f.Target); ok {
					related[f.Key] = target
				}
			}
		}
		c.scope = form.FlowScope(related)
	}
	if c.f.FallbackAssignee != "" && !looksLikeEmail(c.f.FallbackAssignee) {
		c.add("/fallback_assignee", CodeInvalidAssignee, "%q is not an e-mail address", c.f.FallbackAssignee)
	}
}

func lookupForm(fs FormLookup, key string) (*forms.Compiled, bool) {
	if fs == nil || key == "" {
		return nil, false
	}
	return fs.Form(key)
}

// indexNodes checks node ids and types and counts starts and ends.
func (c *compiler) indexNodes() {
	var starts, ends []int
	for i := range c.f.Nodes {
		n := &c.f.Nodes[i]
		path := fmt.Sprintf("/nodes/%d", i)
		if msg := forms.CheckKey(n.ID, false); msg != "" {
			c.fail(path+"/id", forms.CodeInvalidKey, "%s", msg)
		} else if prev, dup := c.out.nodes[n.ID]; dup {
			c.fail(path+"/id", CodeDuplicateNode, "the id %q is already used by node %d", n.ID, prev.index)
		} else {
			c.out.nodes[n.ID] = &cnode{Node: n, index: i}
		}
		if _, ok := nodeSettings[n.Type]; !ok {
			c.fail(path+"/type", forms.CodeInvalidSetting, "unknown node type %q; use %s", n.Type, strings.Join(nodeTypes, ", "))
		}
		switch n.Type {
		case TypeStart:
			starts = append(starts, i)
		case TypeEnd:
			ends = append(ends, i)
		case TypeApproval, TypeSubflow:
			c.approvals[n.ID] = true // note: a subflow's decision is its child's outcome
		}
	}
	switch {
	case len(starts) == 0:
		c.fail("/nodes", CodeMissingStart, "a flow needs one start node")
	case len(starts) > 1:
		for _, i := range starts[1:] {
			c.fail(fmt.Sprintf("/nodes/%d/type", i), CodeManyStarts, "a flow has one start node; node %d is already the start", starts[0])
		}
	default:
		c.out.start = c.out.nodes[c.f.Nodes[starts[0]].ID]
	}
	if len(ends) == 0 {
		c.fail("/nodes", CodeMissingEnd, "a flow needs at least one end node")
	}
}

// nodeTypes lists the node types in the order messages name them.
var nodeTypes = []string{TypeStart, TypeApproval, TypeCC, TypeBranch, TypeSplit, TypeJoin, TypeAction, TypeWait, TypeSubflow, TypeEnd}

// nodeSettings lists the settings each node type uses; required lists those
// it cannot do without.
var nodeSettings = map[string]struct{ allowed, required []string }{
	TypeStart:    {[]string{"next"}, []string{"next"}},
	TypeApproval: {[]string{"next", "approval"}, []string{"next", "approval"}},
	TypeCC:       {[]string{"next", "approval"}, []string{"next", "approval"}},
	TypeBranch:   {[]string{"branches", "default"}, []string{"branches", "default"}},
	TypeSplit:    {[]string{"targets"}, []string{"targets"}},
	TypeJoin:     {[]string{"join", "n", "next"}, []string{"join", "next"}},
	TypeAction:   {[]string{"actions", "next"}, []string{"actions", "next"}},
	TypeWait:     {[]string{"wait", "next"}, []string{"wait", "next"}},
	TypeSubflow:  {[]string{"subflow", "next"}, []string{"subflow", "next"}},
	TypeEnd:      {[]string{"outcome"}, nil},
}

// settingsOf reports which type-specific settings n has.
func settingsOf(n *Node) map[string]bool {
	return map[string]bool{
		"next": n.Next != "", "branches": len(n.Branches) > 0, "default": n.Default != "",
		"targets": len(n.Targets) > 0, "join": n.Join != "", "n": n.N != 0,
		"approval": n.Approval != nil, "actions": len(n.Actions) > 0, "wait": n.Wait != nil,
		"subflow": n.Subflow != nil, "outcome": n.Outcome != "",
	}
}

// compileNode checks the settings of node i and compiles its expressions.
func (c *compiler) compileNode(i int) {
	n := &c.f.Nodes[i]
	path := fmt.Sprintf("/nodes/%d", i)
	spec, ok := nodeSettings[n.Type]
	if !ok {
		return
	}
	has := settingsOf(n)
	for _, s := range spec.required {
		if !has[s] {
			c.add(path+"/"+s, CodeMissingSetting, "a %s node needs %s", n.Type, s)
			c.broken = c.broken || s == "next" || s == "branches" || s == "default" || s == "targets"
		}
	}
	for _, s := range sortedKeys(has) {
		if has[s] && !slices.Contains(spec.allowed, s) {
			c.add(path+"/"+s, forms.CodeInvalidSetting, "%s does not apply to a %s node", s, n.Type)
		}
	}
	cn := c.out.nodes[n.ID]
	if cn == nil || cn.Node != n {
		cn = &cnode{Node: n, index: i} // note: a duplicate id; checked, never kept
	}
	switch n.Type {
	case TypeBranch:
		c.compileBranches(cn, path)
	case TypeSplit:
		c.checkTargets(n, path)
	case TypeJoin:
		c.checkJoinMode(n, path)
	case TypeApproval, TypeCC:
		if n.Approval != nil {
			c.compileApproval(cn, path+"/approval")
		}
	case TypeAction:
		for j := range n.Actions {
			cn.actions = append(cn.actions, c.compileAction(&n.Actions[j], fmt.Sprintf("%s/actions/%d", path, j)))
		}
	case TypeWait:
		if n.Wait != nil {
			cn.until = c.compileWait(n.Wait, path+"/wait")
		}
	case TypeSubflow:
		if n.Subflow != nil {
			cn.record = c.compileSubflow(n.Subflow, path+"/subflow")
		}
	case TypeEnd:
		if !slices.Contains([]string{"", OutcomeApproved, OutcomeRejected, OutcomeCancelled}, n.Outcome) {
			c.add(path+"/outcome", forms.CodeInvalidSetting, "unknown outcome %q; use approved, rejected or cancelled", n.Outcome)
		}
	}
}

// End outcomes.
const (
	OutcomeApproved  = "approved"
	OutcomeRejected  = "rejected"
	OutcomeCancelled = "cancelled"
)

func (c *compiler) compileBranches(cn *cnode, path string) {
	for j, b := range cn.Branches {
		bp := fmt.Sprintf("%s/branches/%d", path, j)
		if b.Next == "" {
			c.fail(bp+"/next", CodeMissingSetting, "a branch needs the node it leads to")
		}
		cn.branches = append(cn.branches, c.condition(bp+"/when", b.When))
	}
}

func (c *compiler) checkTargets(n *Node, path string) {
	if len(n.Targets) == 1 {
		c.add(path+"/targets", forms.CodeInvalidSetting, "a split starts at least two parallel paths")
	}
	for j, t := range n.Targets {
		if slices.Index(n.Targets, t) < j {
			c.add(fmt.Sprintf("%s/targets/%d", path, j), forms.CodeInvalidSetting, "%q is already a target of this split", t)
		}
	}
}

// Join modes.
const (
	JoinAll = "all"
	JoinAny = "any"
	JoinN   = "n"
)

func (c *compiler) checkJoinMode(n *Node, path string) {
	switch n.Join {
	case "", JoinAll, JoinAny:
		if n.N != 0 {
			c.add(path+"/n", forms.CodeInvalidSetting, "n applies only to a join of mode \"n\"")
		}
	case JoinN:
		if n.N == 0 {
			c.add(path+"/n", CodeMissingSetting, "a join of mode \"n\" needs n, the number of paths to wait for")
		}
	default:
		c.add(path+"/join", forms.CodeInvalidSetting, "unknown join mode %q; use all, any or n", n.Join)
	}
}

// checkFallback warns once when some node may find nobody and the flow has no
// fallback assignee.
func (c *compiler) checkFallback() {
	if c.f.FallbackAssignee != "" {
		return
	}
	for _, w := range c.warns {
		if w.Code == CodeMayHaveNoAssignee {
			c.warn("/fallback_assignee", CodeNoFallbackAssignee,
				"some tasks may find no assignee and the flow names no fallback_assignee: they will go to the admins")
			return
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
