package flows

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/expr-lang/expr/vm"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// Approval modes.
const (
	ModeSingle     = "single"
	ModeAny        = "any"
	ModeAll        = "all"
	ModeSequential = "sequential"
	ModeThreshold  = "threshold"
)

// Assignee types.
const (
	AssignUser           = "user"
	AssignRole           = "role"
	AssignDepartmentHead = "department_head"
	AssignManager        = "manager"
	AssignField          = "field"
	AssignExpression     = "expression"
)

// MaxManagerLevels bounds how far up the management chain an assignee goes.
const MaxManagerLevels = 5

// Deadline outcomes.
var deadlineThens = []string{ThenRemind, ThenEscalate, ThenApprove, ThenReject}

// cassignee is a compiled assignee.
type cassignee struct {
	Assignee
	prog *vm.Program // of an expression assignee
}

// compileApproval checks the approval settings of an approval or cc node.
func (c *compiler) compileApproval(cn *cnode, path string) {
	a, cc := cn.Approval, cn.Type == TypeCC
	switch {
	case a.Mode == "" && !cc:
		c.add(path+"/mode", CodeMissingSetting, "an approval needs a mode: single, any, all, sequential or threshold")
	case a.Mode != "" && !slices.Contains([]string{ModeSingle, ModeAny, ModeAll, ModeSequential, ModeThreshold}, a.Mode):
		c.add(path+"/mode", forms.CodeInvalidSetting, "unknown mode %q; use single, any, all, sequential or threshold", a.Mode)
	}
	if cc {
		c.checkCCSettings(a, path)
	}
	c.checkThreshold(a, path)
	if len(a.Assignees) == 0 {
		c.add(path+"/assignees", CodeMissingSetting, "name at least one assignee")
	}
	cn.assignees = c.compileAssignees(a.Assignees, path+"/assignees")
	if len(a.Assignees) > 0 && mayBeEmpty(c.form, a.Assignees) {
		c.warn(path+"/assignees", CodeMayHaveNoAssignee,
			"these assignees may resolve to nobody (an empty field, no such manager or head, an empty list); the task would go to %s", c.fallbackWords())
	}
	c.checkFieldLists(a, path)
	if a.Deadline != nil {
		if _, err := ParseDuration(a.Deadline.After); err != nil {
			c.add(path+"/deadline/after", CodeInvalidDuration, "%v", err)
		}
		if !slices.Contains(deadlineThens, a.Deadline.Then) {
			c.add(path+"/deadline/then", forms.CodeInvalidSetting, "unknown deadline action %q; use %s", a.Deadline.Then, strings.Join(deadlineThens, ", "))
		}
	}
}

func (c *compiler) fallbackWords() string {
	if c.f.FallbackAssignee != "" {
		return c.f.FallbackAssignee
	}
	return "the admins"
}

// checkCCSettings reports approval settings a notify-only node cannot use.
func (c *compiler) checkCCSettings(a *Approval, path string) {
	set := map[string]bool{"threshold": a.Threshold != 0, "editable": len(a.Editable) > 0,
		"reject_comment_required": a.RejectCommentRequired, "on_reject": a.OnReject != "", "deadline": a.Deadline != nil}
	for _, s := range sortedKeys(set) {
		if set[s] {
			c.add(path+"/"+s, forms.CodeInvalidSetting, "%s does not apply to a cc node, which only notifies", s)
		}
	}
}

// checkThreshold checks the threshold of a threshold approval. When every
// assignee is one person, the threshold cannot exceed their number; roles and
// expressions are counted only at run time.
func (c *compiler) checkThreshold(a *Approval, path string) {
	switch {
	case a.Mode != ModeThreshold && a.Threshold != 0:
		c.add(path+"/threshold", forms.CodeInvalidSetting, "threshold applies only to mode \"threshold\"")
	case a.Mode == ModeThreshold && a.Threshold == 0:
		c.add(path+"/threshold", CodeMissingSetting, "a threshold approval needs the number of approvals it takes")
	case a.Mode == ModeThreshold && a.Threshold < 0:
		c.add(path+"/threshold", forms.CodeInvalidSetting, "the threshold must be at least 1")
	case a.Mode == ModeThreshold && a.Threshold > len(a.Assignees) && allSinglePeople(a.Assignees):
		c.add(path+"/threshold", forms.CodeInvalidSetting, "the threshold (%d) is more than the %d assignee(s)", a.Threshold, len(a.Assignees))
	}
}

// allSinglePeople reports whether each assignee is at most one person.
func allSinglePeople(as []Assignee) bool {
	for _, a := range as {
		if a.Type == AssignRole || a.Type == AssignExpression || a.Type == AssignDepartmentHead {
			return false
		}
	}
	return true
}

// compileAssignees checks a list of assignees (of an approval, a cc or a
// notification) and compiles their expressions.
func (c *compiler) compileAssignees(as []Assignee, path string) []cassignee {
	out := make([]cassignee, 0, len(as))
	for i, a := range as {
		ap := fmt.Sprintf("%s/%d", path, i)
		ca := cassignee{Assignee: a}
		if a.Levels != 0 && a.Type != AssignManager {
			c.add(ap+"/levels", forms.CodeInvalidSetting, "levels applies only to a manager assignee")
		}
		switch a.Type {
		case AssignUser:
			if !looksLikeEmail(a.Value) {
				c.add(ap+"/value", CodeInvalidAssignee, "a user assignee is given by e-mail; %q is not one", a.Value)
			}
		case AssignRole:
			c.checkRole(a.Value, ap+"/value")
		case AssignDepartmentHead:
			if n, err := strconv.ParseInt(a.Value, 10, 64); a.Value != "" && (err != nil || n <= 0) {
				c.add(ap+"/value", CodeInvalidAssignee, "a department is given by its id (or left empty for the submitter's department); %q is not one", a.Value)
			}
		case AssignManager:
			if a.Value != "" {
				c.add(ap+"/value", forms.CodeInvalidSetting, "a manager assignee has no value; it is the submitter's manager, levels up")
			}
			if a.Levels < 0 || a.Levels > MaxManagerLevels {
				c.add(ap+"/levels", CodeInvalidAssignee, "levels goes from 1 (the direct manager) to %d, not %d", MaxManagerLevels, a.Levels)
			}
		case AssignField:
			c.checkUserField(a.Value, ap+"/value")
		case AssignExpression:
			ca.prog = c.idValue(ap+"/value", a.Value, true, "a user id or a list of user ids")
		default:
			c.add(ap+"/type", forms.CodeInvalidSetting, "unknown assignee type %q; use user, role, department_head, manager, field or expression", a.Type)
		}
		out = append(out, ca)
	}
	return out
}

func (c *compiler) checkRole(key, path string) {
	switch {
	case key == "":
		c.add(path, CodeMissingSetting, "a role assignee names a role")
	case c.roles == nil || !c.roles.HasRole(key):
		c.add(path, CodeUnknownRole, "there is no role %q; publish it first or import it together", key)
	}
}

// checkUserField checks that key is a user field of the flow's form.
func (c *compiler) checkUserField(key, path string) {
	if c.form == nil {
		return
	}
	f, ok := c.form.Field(key)
	switch {
	case !ok:
		c.add(path, forms.CodeUnknownFieldRef, "%s has no field %q", c.f.Form, key)
	case f.Kind.Name() != "user":
		c.add(path, CodeWrongFieldType, "%q is a %s field; an assignee field must be a user field", key, f.Kind.Name())
	}
}

// mayBeEmpty reports whether every assignee of the list may resolve to
// nobody: a field that may be empty, an expression, a manager or a
// department head (who may not exist). Users and roles are taken to resolve;
// a role nobody has is a matter of data, caught at run time by the fallback.
func mayBeEmpty(form *forms.Compiled, as []Assignee) bool {
	for _, a := range as {
		switch a.Type {
		case AssignUser, AssignRole:
			return false
		case AssignField:
			if form == nil {
				return false
			}
			if f, ok := form.Field(a.Value); ok && f.Required && f.VisibleIf == "" {
				return false
			}
		}
	}
	return true
}

// checkFieldLists checks the visible and editable fields of a node.
func (c *compiler) checkFieldLists(a *Approval, path string) {
	if c.form == nil {
		return
	}
	for i, key := range a.Visible {
		if _, ok := fieldAt(c.form, key); !ok {
			c.add(fmt.Sprintf("%s/visible/%d", path, i), forms.CodeUnknownFieldRef, "%s has no field %q", c.f.Form, key)
		}
	}
	for i, key := range a.Editable {
		p := fmt.Sprintf("%s/editable/%d", path, i)
		f, ok := fieldAt(c.form, key)
		switch {
		case !ok:
			c.add(p, forms.CodeUnknownFieldRef, "%s has no field %q", c.f.Form, key)
		case f.Computed():
			c.add(p, forms.CodeInvalidSetting, "%q is computed by the engine; nobody can edit it", key)
		case len(a.Visible) > 0 && !slices.Contains(a.Visible, key):
			c.add(p, CodeEditableNotVisible, "%q is editable but not in visible; an approver cannot edit what they do not see", key)
		}
	}
}

// fieldAt finds "key" or "subtable.column" in form.
func fieldAt(form *forms.Compiled, path string) (*forms.CField, bool) {
	key, col, child := strings.Cut(path, ".")
	f, ok := form.Field(key)
	if !ok || !child {
		return f, ok
	}
	if f.Child == nil {
		return nil, false
	}
	return f.Child.Field(col)
}

// looksLikeEmail is a plausibility check, not RFC 5322: one @, something
// before it, a dotted domain after it, no spaces.
func looksLikeEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || strings.Contains(domain, "@") || strings.ContainsAny(s, " \t\r\n<>,;\"") {
		return false
	}
	dot := strings.LastIndexByte(domain, '.')
	return dot > 0 && dot < len(domain)-1 && len(s) <= 254
}
