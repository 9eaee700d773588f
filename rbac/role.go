// Package rbac holds who may do what: role definitions (kind "role"), the
// casbin policies they compile to, users' roles and departments, row scopes
// and field levels. It answers for one caller and one form with a
// forms.Access that the record store applies to every read and write. It
// knows nothing of HTTP.
package rbac

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Actions a grant may name.
const (
	ActCreate = "create"
	ActRead   = "read"
	ActUpdate = "update"
	ActDelete = "delete"
	ActExport = "export"
	ActImport = "import"
	ActManage = "manage" // edit the form's definition
)

// Actions lists every action, in the order people read them.
var Actions = []string{ActCreate, ActRead, ActUpdate, ActDelete, ActExport, ActImport, ActManage}

// Row scopes a grant may have.
const (
	ScopeAll            = "all"
	ScopeOwn            = "own"
	ScopeDepartment     = "department"
	ScopeDepartmentTree = "department_tree"
	ScopeFilter         = "filter"
)

// AdminRole is the built-in role that may do everything, on every form and
// in the administration.
const AdminRole = "admin"

// Role is the body of a definition of kind "role".
type Role struct {
	Kind        string   `json:"kind"`
	Key         string   `json:"key"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Includes    []string `json:"includes,omitempty"`
	Grants      []Grant  `json:"grants"`
}

// Grant lets a role do Actions on the records of Form within Scope, seeing
// and changing fields as Fields says.
type Grant struct {
	// Form is a form key, or "*" for every form.
	Form    string   `json:"form"`
	Actions []string `json:"actions"`
	// Scope is own, department, department_tree, all (the default) or
	// filter, with Filter an expression over the record and user, such as
	// `region == user.region`.
	Scope  string `json:"scope,omitempty"`
	Filter string `json:"filter,omitempty"`
	// Fields maps field keys ("margin", "items.unit_cost", or "*" for the
	// rest) to hidden, read or write. Unlisted fields are writable when the
	// grant lets the role create or update, readable otherwise.
	Fields map[string]string `json:"fields,omitempty"`
}

// ParseRole decodes a role definition, rejecting unknown properties.
func ParseRole(raw []byte) (*Role, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var r Role
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("decode role: %w", err)
	}
	return &r, nil
}
