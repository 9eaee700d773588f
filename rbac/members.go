package rbac

import "slices"

// note: flows ask these questions when they route a task; they are answered
// from the model, like every access question, without touching the database.

// UsersWithRole lists the active users who hold role themselves (not through
// a role that includes it), by id.
func (m *Model) UsersWithRole(role string) []int64 {
	var out []int64
	for id, u := range m.users {
		if u.active && slices.Contains(u.roles, role) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// ManagerOf returns the user levels steps up userID's management chain (1:
// the direct manager). ok is false when the chain is shorter, or loops back
// to someone already passed.
func (m *Model) ManagerOf(userID int64, levels int) (int64, bool) {
	if levels < 1 {
		levels = 1
	}
	cur := userID
	seen := map[int64]bool{userID: true}
	for range levels {
		u := m.users[cur]
		if u == nil || u.manager == 0 || seen[u.manager] {
			return 0, false
		}
		cur = u.manager
		seen[cur] = true
	}
	return cur, true
}

// DepartmentsOf lists the departments a user is a member of.
func (m *Model) DepartmentsOf(userID int64) []int64 {
	if u := m.users[userID]; u != nil {
		return slices.Clone(u.depts)
	}
	return nil
}

// HeadOf returns the head of a department; ok is false when it has none.
func (m *Model) HeadOf(department int64) (int64, bool) {
	h, ok := m.heads[department]
	return h, ok
}

// IsActive reports whether a user exists and may sign in.
func (m *Model) IsActive(userID int64) bool {
	u := m.users[userID]
	return u != nil && u.active
}
