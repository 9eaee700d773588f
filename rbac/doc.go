// Package rbac will hold users, departments, roles, casbin policies, row
// scopes and field-level permissions (see DESIGN.md, Permissions). It is built
// by the identity-and-permissions issue; until then every signed-in user may
// do everything, and users live in the store's system tables.
package rbac
