package engine

// Identity administration: users, departments, sessions and out-of-office
// periods, as the admin API and the /me endpoints change them. Every change
// that affects access bumps the access version and is audited in its own
// transaction, and the access model is invalidated once it has committed.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/rbac"
	"github.com/mosaic-lowcode/mosaic/store"
)

// Validation codes of identity administration, beside the forms.Code* ones.
const (
	CodeDepartmentCycle = "validation_department_cycle"
	CodeManagerCycle    = "validation_manager_cycle"
	CodeRoleNotHeld     = "validation_role_not_held"
)

// Limits on what an admin may store about a user.
const (
	maxAttributes     = 50
	maxAttributeText  = 1000
	maxAttributeList  = 100
	maxNameLength     = 200
	maxManagerHops    = 100
	maxDelegationHops = 5
)

// Optional is one property of a patch: Set says the patch has it, Null that
// it was JSON null, Value what it was otherwise.
type Optional[T any] struct {
	Set   bool
	Null  bool
	Value T
}

// UnmarshalJSON records that the property was present; numbers inside
// stay exact (json.Number).
func (o *Optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Null = true
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(&o.Value)
}

// Attributes are a user's free key/values, such as {"region": "east"}.
type Attributes map[string]any

// UnmarshalJSON keeps numbers exact (json.Number).
func (a *Attributes) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return err
	}
	*a = m
	return nil
}

// UserView is a user as the admin API shows it: the row with its roles,
// departments and attributes. The password hash is never part of it.
type UserView struct {
	store.User
	Roles         []string       `json:"roles"`
	DepartmentIDs []int64        `json:"department_ids"`
	Attributes    map[string]any `json:"attributes"`
}

// NewUser is what an admin gives to create a user.
type NewUser struct {
	Email         string     `json:"email"`
	Name          string     `json:"name"`
	Password      string     `json:"password"`
	Roles         []string   `json:"roles"`
	DepartmentIDs []int64    `json:"department_ids"`
	ManagerID     *int64     `json:"manager_id"`
	Attributes    Attributes `json:"attributes"`
}

// UserPatch is a change to a user; properties not Set stay as they are.
// Roles, departments and attributes are replaced as a whole; a null
// manager_id removes the manager; a password resets the password, unlocks
// the account and signs the user out everywhere.
type UserPatch struct {
	Name          Optional[string]     `json:"name"`
	Active        Optional[bool]       `json:"active"`
	Roles         Optional[[]string]   `json:"roles"`
	DepartmentIDs Optional[[]int64]    `json:"department_ids"`
	ManagerID     Optional[int64]      `json:"manager_id"`
	Attributes    Optional[Attributes] `json:"attributes"`
	Password      Optional[string]     `json:"password"`
}

// problems collects the mistakes of one request.
type problems []forms.Problem

func (p *problems) add(path, code, format string, args ...any) {
	*p = append(*p, forms.Problem{Path: path, Code: code, Message: fmt.Sprintf(format, args...)})
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &forms.ProblemList{Subject: "request", Problems: p}
}

// pointerToken escapes s as one JSON pointer token.
func pointerToken(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// changes is the before/after of each changed field, as audit entries keep
// it.
type changes map[string]any

// note records a field when before and after differ (as JSON).
func (c changes) note(field string, before, after any) {
	b, _ := json.Marshal(before)
	a, _ := json.Marshal(after)
	if !bytes.Equal(a, b) {
		c[field] = map[string]any{"before": before, "after": after}
	}
}

func (c changes) fields() []string {
	fs := make([]string, 0, len(c))
	for f := range c {
		fs = append(fs, f)
	}
	sort.Strings(fs)
	return fs
}

// accessChange runs fn in a transaction that first bumps the access version
// and invalidates the access model once it has committed.
//
// note: the bump comes first on purpose: on PostgreSQL its row lock makes
// concurrent access changes take turns, so the checks fn makes ("is this the
// last admin", "would this parent make a cycle") see a picture nobody else
// is changing. SQLite serialises writers anyway.
func (e *Engine) accessChange(ctx context.Context, fn func(ctx context.Context) error) error {
	return e.db.WithTx(ctx, func(ctx context.Context) error {
		if err := e.db.BumpAccessVersion(ctx); err != nil {
			return err
		}
		store.AfterCommit(ctx, e.access.Invalidate)
		return fn(ctx)
	})
}

// audit appends one entry for an identity change made by by.
func (e *Engine) audit(ctx context.Context, by Principal, action, kind, key string, id int64, ch changes, summary string) error {
	text := ""
	if ch != nil {
		b, err := json.Marshal(ch)
		if err != nil {
			return err
		}
		text = string(b)
	}
	if by.APIKeyID != 0 {
		summary += fmt.Sprintf(" (through API key %d)", by.APIKeyID)
	}
	return e.db.Append(ctx, &store.AuditEntry{ActorID: by.User.ID, Action: action, TargetKind: kind,
		TargetKey: key, RecordID: id, Changes: text, Summary: summary})
}

// newUserRow checks an e-mail address and password and returns the user row
// to insert, its password hashed with bcrypt.
func newUserRow(email, name, password string) (*store.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	var ps problems
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 {
		ps.add("/email", forms.CodeInvalidValue, "must be an e-mail address such as name@example.com")
	}
	checkPassword(&ps, password)
	name = strings.TrimSpace(name)
	checkName(&ps, "/name", name, false)
	if err := ps.err(); err != nil {
		return nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return nil, err
	}
	if name == "" {
		name = strings.SplitN(email, "@", 2)[0]
	}
	return &store.User{Email: email, Name: name, PasswordHash: string(hash), Active: true,
		Attributes: "{}", CreatedAt: time.Now().UTC()}, nil
}

func checkPassword(ps *problems, password string) {
	if len(password) < 8 || len(password) > 72 {
		ps.add("/password", forms.CodeInvalidValue, "must be 8 to 72 characters")
	}
}

func checkName(ps *problems, path, name string, required bool) {
	switch {
	case name == "" && required:
		ps.add(path, forms.CodeRequired, "a name is required")
	case utf8.RuneCountInString(name) > maxNameLength:
		ps.add(path, forms.CodeTooLong, "must be at most %d characters", maxNameLength)
	case strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		ps.add(path, forms.CodeInvalidValue, "must not contain control characters")
	}
}

// checkRoles reports the roles that cannot be given (neither admin nor a
// published role) and returns the rest sorted, without duplicates.
func checkRoles(m *rbac.Model, ps *problems, roles []string) []string {
	out := []string{}
	for i, r := range roles {
		if r != RoleAdmin && !m.HasRole(r) {
			ps.add(fmt.Sprintf("/roles/%d", i), forms.CodeNotAnOption,
				"there is no published role %q; publish its definition first, or use %q", r, RoleAdmin)
			continue
		}
		out = append(out, r)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// checkDepartments reports the ids that are not departments and returns the
// rest sorted, without duplicates.
func (e *Engine) checkDepartments(ctx context.Context, ps *problems, ids []int64) ([]int64, error) {
	found, err := e.db.DepartmentsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	exists := map[int64]bool{}
	for _, d := range found {
		exists[d.ID] = true
	}
	out := []int64{}
	for i, id := range ids {
		if !exists[id] {
			ps.add(fmt.Sprintf("/department_ids/%d", i), forms.CodeNotFound, "there is no department %d", id)
			continue
		}
		out = append(out, id)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// checkAttributes reports attributes that filters could not read: names
// must be keys, values text, numbers, true/false or lists of those.
func checkAttributes(ps *problems, attrs Attributes) {
	if len(attrs) > maxAttributes {
		ps.add("/attributes", forms.CodeTooMany, "a user may have at most %d attributes", maxAttributes)
		return
	}
	for _, k := range sortedKeys(attrs) {
		path := "/attributes/" + pointerToken(k)
		if msg := forms.CheckKey(k, false); msg != "" {
			ps.add(path, forms.CodeInvalidKey, "%s", msg)
			continue
		}
		if l, ok := attrs[k].([]any); ok {
			if len(l) > maxAttributeList {
				ps.add(path, forms.CodeTooMany, "a list attribute may have at most %d values", maxAttributeList)
				continue
			}
			for i, v := range l {
				if _, isBool := v.(bool); isBool || !scalarAttribute(v) {
					ps.add(fmt.Sprintf("%s/%d", path, i), forms.CodeInvalidType, "a list attribute holds text or numbers")
				}
			}
			continue
		}
		if !scalarAttribute(attrs[k]) {
			ps.add(path, forms.CodeInvalidType, "an attribute is text, a number, true or false, or a list of text or numbers")
		}
	}
}

func scalarAttribute(v any) bool {
	switch x := v.(type) {
	case string:
		return utf8.RuneCountInString(x) <= maxAttributeText
	case json.Number, bool, float64:
		return true
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// checkManager reports a manager that is not a user, is the user, or would
// make the chain of managers loop back to the user (userID 0 for a new
// user).
func (e *Engine) checkManager(ctx context.Context, ps *problems, userID int64, managerID *int64) error {
	if managerID == nil {
		return nil
	}
	if *managerID == userID {
		ps.add("/manager_id", forms.CodeInvalidValue, "a user cannot be their own manager")
		return nil
	}
	m, err := e.db.UserByID(ctx, *managerID)
	if errors.Is(err, store.ErrNotFound) {
		ps.add("/manager_id", forms.CodeNotFound, "there is no user %d", *managerID)
		return nil
	}
	for hops := 0; err == nil && userID != 0 && m.ManagerID != nil && hops < maxManagerHops; hops++ {
		if *m.ManagerID == userID {
			ps.add("/manager_id", CodeManagerCycle, "user %d is managed (through others) by this user; managers cannot go round in a circle", *managerID)
			return nil
		}
		m, err = e.db.UserByID(ctx, *m.ManagerID)
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

// ListUsers returns one page of users matching f and how many match in all.
func (e *Engine) ListUsers(ctx context.Context, f store.UserFilter) ([]UserView, int64, error) {
	us, total, err := e.db.ListUsers(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	views, err := e.userViews(ctx, us)
	return views, total, err
}

// ViewUser returns one user with roles, departments and attributes.
func (e *Engine) ViewUser(ctx context.Context, id int64) (*UserView, error) {
	u, err := e.db.UserByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: there is no user %d", store.ErrNotFound, id)
	}
	if err != nil {
		return nil, err
	}
	views, err := e.userViews(ctx, []store.User{*u})
	if err != nil {
		return nil, err
	}
	return &views[0], nil
}

func (e *Engine) userViews(ctx context.Context, us []store.User) ([]UserView, error) {
	ids := make([]int64, len(us))
	for i, u := range us {
		ids[i] = u.ID
	}
	roles, err := e.db.RolesOfUsers(ctx, ids)
	if err != nil {
		return nil, err
	}
	depts, err := e.db.DepartmentsOfUsers(ctx, ids)
	if err != nil {
		return nil, err
	}
	views := make([]UserView, len(us))
	for i, u := range us {
		views[i] = UserView{User: u, Roles: orEmpty(roles[u.ID]), DepartmentIDs: orEmpty(depts[u.ID]),
			Attributes: exactAttributes(u.Attributes)}
	}
	return views, nil
}

// exactAttributes decodes stored attributes keeping numbers as written.
func exactAttributes(text string) map[string]any {
	var a Attributes
	if err := a.UnmarshalJSON([]byte(text)); err != nil || a == nil {
		return map[string]any{}
	}
	return a
}

func orEmpty[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}

// AddUser creates a user with roles, departments, manager and attributes in
// one transaction.
func (e *Engine) AddUser(ctx context.Context, in NewUser, by Principal) (*UserView, error) {
	u, err := newUserRow(in.Email, in.Name, in.Password)
	var ps problems
	if pl, ok := forms.AsProblems(err); ok {
		ps = append(ps, pl.Problems...)
	} else if err != nil {
		return nil, err
	}
	roles := checkRoles(e.access.Model(), &ps, in.Roles)
	checkAttributes(&ps, in.Attributes)
	err = e.accessChange(ctx, func(ctx context.Context) error {
		depts, err := e.checkDepartments(ctx, &ps, in.DepartmentIDs)
		if err != nil {
			return err
		}
		if err := e.checkManager(ctx, &ps, 0, in.ManagerID); err != nil {
			return err
		}
		if err := ps.err(); err != nil {
			return err
		}
		attrs := encodeAttributes(in.Attributes)
		u.ManagerID, u.Attributes = in.ManagerID, attrs
		if err := e.db.CreateUser(ctx, u); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return fmt.Errorf("%w: a user with e-mail %s already exists", store.ErrConflict, u.Email)
			}
			return err
		}
		if err := e.db.SetUserRoles(ctx, u.ID, roles); err != nil {
			return err
		}
		if err := e.db.SetUserDepartments(ctx, u.ID, depts); err != nil {
			return err
		}
		ch := changes{}
		ch.note("email", nil, u.Email)
		ch.note("name", nil, u.Name)
		ch.note("active", nil, true)
		ch.note("roles", nil, roles)
		ch.note("department_ids", nil, depts)
		ch.note("manager_id", nil, u.ManagerID)
		ch.note("attributes", nil, json.RawMessage(attrs))
		return e.audit(ctx, by, "user.create", "user", u.Email, u.ID, ch, "created user "+u.Email)
	})
	if err != nil {
		return nil, err
	}
	return e.ViewUser(ctx, u.ID)
}

// encodeAttributes is the stored text of attributes ({} for none).
func encodeAttributes(a Attributes) string {
	if len(a) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(a)
	return string(b)
}

// UpdateUser applies p to user id. Nobody may change their own roles or
// deactivate themselves, and no change may leave the system without an
// active admin (both store.ErrConflict). Deactivating a user or resetting
// their password revokes their sessions (all but the one making the
// request, when they reset their own password).
func (e *Engine) UpdateUser(ctx context.Context, id int64, p UserPatch, by Principal) (*UserView, error) {
	// NB! Read the access model before the transaction: rebuilding it needs
	// a connection, and on SQLite the transaction holds the only one.
	model := e.access.Model()
	var ps problems
	checkPatchNulls(&ps, p)
	var roles []string
	if p.Roles.Set {
		roles = checkRoles(model, &ps, p.Roles.Value)
	}
	if p.Name.Set {
		p.Name.Value = strings.TrimSpace(p.Name.Value)
		checkName(&ps, "/name", p.Name.Value, true)
	}
	if p.Password.Set {
		checkPassword(&ps, p.Password.Value)
	}
	if p.Attributes.Set {
		checkAttributes(&ps, p.Attributes.Value)
	}
	var hash []byte
	if p.Password.Set && len(ps) == 0 {
		var err error
		if hash, err = bcrypt.GenerateFromPassword([]byte(p.Password.Value), bcrypt.DefaultCost); err != nil {
			return nil, err
		}
	}
	err := e.accessChange(ctx, func(ctx context.Context) error {
		before, err := e.ViewUser(ctx, id)
		if err != nil {
			return err
		}
		var depts []int64
		if p.DepartmentIDs.Set {
			if depts, err = e.checkDepartments(ctx, &ps, p.DepartmentIDs.Value); err != nil {
				return err
			}
		}
		if p.ManagerID.Set && !p.ManagerID.Null {
			if err := e.checkManager(ctx, &ps, id, &p.ManagerID.Value); err != nil {
				return err
			}
		}
		if err := ps.err(); err != nil {
			return err
		}
		if err := checkSelfChange(before, p, roles, by); err != nil {
			return err
		}
		ch, err := e.applyUserPatch(ctx, before, p, roles, depts, hash, by)
		if err != nil || len(ch) == 0 {
			return err
		}
		if ch["roles"] != nil || ch["active"] != nil {
			if err := e.checkAnAdminRemains(ctx, model); err != nil {
				return err
			}
		}
		return e.audit(ctx, by, "user.update", "user", before.Email, id, ch,
			"updated user "+before.Email+": "+strings.Join(ch.fields(), ", "))
	})
	if err != nil {
		return nil, err
	}
	return e.ViewUser(ctx, id)
}

// checkPatchNulls refuses null for the properties that cannot be empty.
func checkPatchNulls(ps *problems, p UserPatch) {
	for _, f := range []struct {
		path string
		null bool
	}{{"/name", p.Name.Null}, {"/active", p.Active.Null}, {"/roles", p.Roles.Null},
		{"/department_ids", p.DepartmentIDs.Null}, {"/attributes", p.Attributes.Null}, {"/password", p.Password.Null}} {
		if f.null {
			ps.add(f.path, forms.CodeInvalidType, "cannot be null; leave it out to keep the current value")
		}
	}
}

// checkSelfChange refuses a change of one's own roles or one's own
// deactivation: nobody locks themselves out, and nobody grants themselves
// more.
func checkSelfChange(before *UserView, p UserPatch, roles []string, by Principal) error {
	if before.ID != by.User.ID {
		return nil
	}
	if p.Roles.Set && !slices.Equal(roles, before.Roles) {
		return fmt.Errorf("%w: you cannot change your own roles; ask another admin", store.ErrConflict)
	}
	if p.Active.Set && !p.Active.Value && before.Active {
		return fmt.Errorf("%w: you cannot deactivate yourself; ask another admin", store.ErrConflict)
	}
	return nil
}

// applyUserPatch writes p and returns what changed.
func (e *Engine) applyUserPatch(ctx context.Context, before *UserView, p UserPatch, roles []string,
	depts []int64, hash []byte, by Principal) (changes, error) {
	ch := changes{}
	cols := map[string]any{}
	if p.Name.Set {
		ch.note("name", before.Name, p.Name.Value)
		cols["name"] = p.Name.Value
	}
	if p.Active.Set {
		ch.note("active", before.Active, p.Active.Value)
		cols["active"] = p.Active.Value
	}
	if p.ManagerID.Set {
		var m *int64
		if !p.ManagerID.Null {
			m = &p.ManagerID.Value
		}
		ch.note("manager_id", before.ManagerID, m)
		cols["manager_id"] = m
	}
	if p.Attributes.Set {
		attrs := encodeAttributes(p.Attributes.Value)
		ch.note("attributes", json.RawMessage(before.User.Attributes), json.RawMessage(attrs))
		cols["attributes"] = attrs
	}
	if hash != nil {
		ch["password"] = map[string]any{"changed": true}
		cols["password_hash"], cols["failed_logins"], cols["locked_until"] = string(hash), 0, nil
	}
	if len(cols) > 0 {
		if err := e.db.UpdateUser(ctx, before.ID, cols); err != nil {
			return nil, err
		}
	}
	if p.Roles.Set {
		ch.note("roles", before.Roles, roles)
		if err := e.db.SetUserRoles(ctx, before.ID, roles); err != nil {
			return nil, err
		}
	}
	if p.DepartmentIDs.Set {
		ch.note("department_ids", before.DepartmentIDs, depts)
		if err := e.db.SetUserDepartments(ctx, before.ID, depts); err != nil {
			return nil, err
		}
	}
	return ch, e.revokeAfterChange(ctx, before, p, hash, by, ch)
}

// revokeAfterChange signs a deactivated user out everywhere, and a user
// whose password was reset everywhere but in the request doing it.
func (e *Engine) revokeAfterChange(ctx context.Context, before *UserView, p UserPatch, hash []byte, by Principal, ch changes) error {
	keep := ""
	switch {
	case p.Active.Set && !p.Active.Value:
	case hash != nil:
		if by.User.ID == before.ID {
			keep = by.TokenHash
		}
	default:
		return nil
	}
	n, err := e.db.RevokeUserSessions(ctx, before.ID, keep, time.Now().UTC())
	if n > 0 {
		ch["sessions_revoked"] = n
	}
	return err
}

// adminRoles are the roles that make a user an admin: admin itself and any
// role that includes it.
func (e *Engine) adminRoles(ctx context.Context, m *rbac.Model) ([]string, error) {
	held, err := e.db.DistinctRoles(ctx)
	if err != nil {
		return nil, err
	}
	out := []string{RoleAdmin}
	for _, r := range held {
		if r != RoleAdmin && m.IsAdmin([]string{r}) {
			out = append(out, r)
		}
	}
	return out, nil
}

// checkAnAdminRemains refuses a change that leaves no active admin.
func (e *Engine) checkAnAdminRemains(ctx context.Context, m *rbac.Model) error {
	roles, err := e.adminRoles(ctx, m)
	if err != nil {
		return err
	}
	n, err := e.db.CountActiveWithRoles(ctx, roles)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%w: this would leave no active admin; make someone else an admin first", store.ErrConflict)
	}
	return nil
}

// DepartmentView is a department with the ids of its members.
type DepartmentView struct {
	store.Department
	MemberIDs []int64 `json:"member_ids"`
}

// NewDepartment is what an admin gives to create a department.
type NewDepartment struct {
	Name     string `json:"name"`
	ParentID *int64 `json:"parent_id"`
	HeadID   *int64 `json:"head_id"`
}

// DepartmentPatch is a change to a department; a null parent_id makes it a
// root, a null head_id leaves it without a head.
type DepartmentPatch struct {
	Name     Optional[string] `json:"name"`
	ParentID Optional[int64]  `json:"parent_id"`
	HeadID   Optional[int64]  `json:"head_id"`
}

// ListDepartments returns every department with its members, by id; the
// tree is in the parent ids.
func (e *Engine) ListDepartments(ctx context.Context) ([]DepartmentView, error) {
	ds, err := e.db.Departments(ctx)
	if err != nil {
		return nil, err
	}
	members, err := e.db.DepartmentMembers(ctx)
	if err != nil {
		return nil, err
	}
	views := make([]DepartmentView, len(ds))
	for i, d := range ds {
		views[i] = DepartmentView{Department: d, MemberIDs: orEmpty(members[d.ID])}
	}
	return views, nil
}

// ViewDepartment returns one department with its members.
func (e *Engine) ViewDepartment(ctx context.Context, id int64) (*DepartmentView, error) {
	d, err := e.department(ctx, id)
	if err != nil {
		return nil, err
	}
	members, err := e.db.DepartmentMembers(ctx)
	if err != nil {
		return nil, err
	}
	return &DepartmentView{Department: *d, MemberIDs: orEmpty(members[id])}, nil
}

func (e *Engine) department(ctx context.Context, id int64) (*store.Department, error) {
	d, err := e.db.DepartmentByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: there is no department %d", store.ErrNotFound, id)
	}
	return d, err
}

// CreateDepartment adds a department under parent (a root without one).
func (e *Engine) CreateDepartment(ctx context.Context, in NewDepartment, by Principal) (*DepartmentView, error) {
	d := &store.Department{Name: strings.TrimSpace(in.Name), ParentID: in.ParentID, HeadID: in.HeadID, CreatedAt: time.Now().UTC()}
	err := e.accessChange(ctx, func(ctx context.Context) error {
		if err := e.checkDepartment(ctx, d, nil); err != nil {
			return err
		}
		if err := e.db.CreateDepartment(ctx, d); err != nil {
			return err
		}
		ch := changes{}
		ch.note("name", nil, d.Name)
		ch.note("parent_id", nil, d.ParentID)
		ch.note("head_id", nil, d.HeadID)
		return e.audit(ctx, by, "department.create", "department", d.Name, d.ID, ch, "created department "+d.Name)
	})
	if err != nil {
		return nil, err
	}
	return e.ViewDepartment(ctx, d.ID)
}

// UpdateDepartment renames, moves or changes the head of a department.
// Moving it under itself or one of its sub-departments is refused.
func (e *Engine) UpdateDepartment(ctx context.Context, id int64, p DepartmentPatch, by Principal) (*DepartmentView, error) {
	var ps problems
	if p.Name.Null {
		ps.add("/name", forms.CodeInvalidType, "cannot be null; leave it out to keep the current value")
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	err := e.accessChange(ctx, func(ctx context.Context) error {
		before, err := e.department(ctx, id)
		if err != nil {
			return err
		}
		d := *before
		if p.Name.Set {
			d.Name = strings.TrimSpace(p.Name.Value)
		}
		if p.ParentID.Set {
			d.ParentID = optionalID(p.ParentID)
		}
		if p.HeadID.Set {
			d.HeadID = optionalID(p.HeadID)
		}
		if err := e.checkDepartment(ctx, &d, before); err != nil {
			return err
		}
		ch := changes{}
		ch.note("name", before.Name, d.Name)
		ch.note("parent_id", before.ParentID, d.ParentID)
		ch.note("head_id", before.HeadID, d.HeadID)
		if len(ch) == 0 {
			return nil
		}
		if err := e.db.SaveDepartment(ctx, &d); err != nil {
			return err
		}
		return e.audit(ctx, by, "department.update", "department", d.Name, id, ch,
			"updated department "+d.Name+": "+strings.Join(ch.fields(), ", "))
	})
	if err != nil {
		return nil, err
	}
	return e.ViewDepartment(ctx, id)
}

func optionalID(o Optional[int64]) *int64 {
	if o.Null {
		return nil
	}
	v := o.Value
	return &v
}

// checkDepartment checks a department about to be saved (before is nil
// when it is new): a name unique among its siblings, an existing parent that
// is not itself or below it, and an existing head, active unless it already
// was the head.
func (e *Engine) checkDepartment(ctx context.Context, d, before *store.Department) error {
	var ps problems
	checkName(&ps, "/name", d.Name, true)
	if d.ParentID != nil {
		if err := e.checkParent(ctx, &ps, d); err != nil {
			return err
		}
	}
	if d.HeadID != nil {
		u, err := e.db.UserByID(ctx, *d.HeadID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			ps.add("/head_id", forms.CodeNotFound, "there is no user %d", *d.HeadID)
		case err != nil:
			return err
		case !u.Active && (before == nil || !sameID(before.HeadID, d.HeadID)):
			ps.add("/head_id", forms.CodeInvalidValue, "user %d is deactivated and cannot head a department", *d.HeadID)
		}
	}
	if err := ps.err(); err != nil {
		return err
	}
	siblings, err := e.db.DepartmentChildren(ctx, d.ParentID)
	if err != nil {
		return err
	}
	for _, s := range siblings {
		if s.ID != d.ID && strings.EqualFold(s.Name, d.Name) {
			return fmt.Errorf("%w: department %d under the same parent is already called %q", store.ErrConflict, s.ID, s.Name)
		}
	}
	return nil
}

// checkParent reports a parent that does not exist, or that is d itself or
// one of its sub-departments (which would make the tree a cycle), or that
// would make the tree too deep.
func (e *Engine) checkParent(ctx context.Context, ps *problems, d *store.Department) error {
	if _, err := e.db.DepartmentByID(ctx, *d.ParentID); errors.Is(err, store.ErrNotFound) {
		ps.add("/parent_id", forms.CodeNotFound, "there is no department %d", *d.ParentID)
		return nil
	} else if err != nil {
		return err
	}
	if d.ID != 0 {
		below, err := e.db.DepartmentSubtree(ctx, d.ID)
		if err != nil {
			return err
		}
		if slices.Contains(below, *d.ParentID) {
			ps.add("/parent_id", CodeDepartmentCycle,
				"department %d is this department or one of its sub-departments; a department cannot be moved under itself", *d.ParentID)
		}
	}
	return nil
}

func sameID(a, b *int64) bool { return a != nil && b != nil && *a == *b }

// DeleteDepartment removes a department that has neither sub-departments
// nor members (store.ErrConflict otherwise).
func (e *Engine) DeleteDepartment(ctx context.Context, id int64, by Principal) error {
	return e.accessChange(ctx, func(ctx context.Context) error {
		d, err := e.department(ctx, id)
		if err != nil {
			return err
		}
		children, err := e.db.DepartmentChildren(ctx, &id)
		if err != nil {
			return err
		}
		if len(children) > 0 {
			return fmt.Errorf("%w: department %q has %d sub-departments; move or delete them first", store.ErrConflict, d.Name, len(children))
		}
		members, err := e.db.DepartmentMembers(ctx)
		if err != nil {
			return err
		}
		if n := len(members[id]); n > 0 {
			return fmt.Errorf("%w: department %q has %d members; move them to another department first", store.ErrConflict, d.Name, n)
		}
		if err := e.db.DeleteDepartment(ctx, id); err != nil {
			return err
		}
		ch := changes{}
		ch.note("name", d.Name, nil)
		ch.note("parent_id", d.ParentID, nil)
		ch.note("head_id", d.HeadID, nil)
		return e.audit(ctx, by, "department.delete", "department", d.Name, id, ch, "deleted department "+d.Name)
	})
}

// SessionView is a live session as its user and admins see it; the token
// is never shown.
type SessionView struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"user_id"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	// Current marks the session the request was made with.
	Current bool `json:"current"`
}

// Sessions lists the live sessions of a user, newest first.
func (e *Engine) Sessions(ctx context.Context, userID int64, by Principal) ([]SessionView, error) {
	if _, err := e.ViewUser(ctx, userID); err != nil {
		return nil, err
	}
	ss, err := e.db.LiveSessions(ctx, userID, time.Now().UTC())
	if err != nil {
		return nil, err
	}
	out := make([]SessionView, len(ss))
	for i, s := range ss {
		out[i] = SessionView{ID: s.ID, UserID: s.UserID, CreatedAt: s.CreatedAt, ExpiresAt: s.ExpiresAt,
			Current: by.TokenHash != "" && s.TokenHash == by.TokenHash}
	}
	return out, nil
}

// RevokeSession ends a session. With ownerID not zero it must be a session
// of that user: anyone else's is not found, so nobody learns which ids
// exist.
func (e *Engine) RevokeSession(ctx context.Context, id, ownerID int64, by Principal) error {
	return e.db.WithTx(ctx, func(ctx context.Context) error {
		s, err := e.db.SessionByID(ctx, id)
		if errors.Is(err, store.ErrNotFound) || (err == nil && ownerID != 0 && s.UserID != ownerID) {
			return fmt.Errorf("%w: there is no session %d", store.ErrNotFound, id)
		}
		if err != nil {
			return err
		}
		now := time.Now().UTC()
		revoked, err := e.db.RevokeSessionByID(ctx, id, now)
		if err != nil || !revoked {
			return err
		}
		u, err := e.db.UserByID(ctx, s.UserID)
		if err != nil {
			return err
		}
		ch := changes{"session_id": id}
		ch.note("revoked_at", nil, now)
		return e.audit(ctx, by, "session.revoke", "user", u.Email, u.ID, ch, fmt.Sprintf("revoked session %d of %s", id, u.Email))
	})
}

// OutOfOfficeInput is a period when a user is away and who acts for them.
type OutOfOfficeInput struct {
	DelegateID int64
	StartsAt   time.Time
	EndsAt     time.Time
	Note       string
}

// OutOfOfficeOf lists a user's out-of-office periods by start.
func (e *Engine) OutOfOfficeOf(ctx context.Context, userID int64) ([]store.OutOfOffice, error) {
	if _, err := e.ViewUser(ctx, userID); err != nil {
		return nil, err
	}
	os, err := e.db.OutOfOfficeOf(ctx, userID)
	return orEmpty(os), err
}

// AddOutOfOffice records that userID is away from in.StartsAt to in.EndsAt
// and in.DelegateID acts for them. The delegate must be another active
// user; the period must end after it starts and after now, and must not
// overlap another of the user's periods (store.ErrConflict).
func (e *Engine) AddOutOfOffice(ctx context.Context, userID int64, in OutOfOfficeInput, by Principal) (*store.OutOfOffice, error) {
	var ps problems
	in.StartsAt, in.EndsAt = in.StartsAt.UTC().Truncate(time.Second), in.EndsAt.UTC().Truncate(time.Second)
	switch {
	case !in.EndsAt.After(in.StartsAt):
		ps.add("/ends_at", forms.CodeTooSmall, "must be after starts_at")
	case !in.EndsAt.After(time.Now()):
		ps.add("/ends_at", forms.CodeTooSmall, "must be in the future: the period has already ended")
	}
	if utf8.RuneCountInString(in.Note) > 500 {
		ps.add("/note", forms.CodeTooLong, "must be at most 500 characters")
	}
	o := &store.OutOfOffice{UserID: userID, DelegateID: in.DelegateID, StartsAt: in.StartsAt, EndsAt: in.EndsAt,
		Note: in.Note, CreatedAt: time.Now().UTC()}
	err := e.db.WithTx(ctx, func(ctx context.Context) error {
		u, err := e.db.UserByID(ctx, userID)
		if err != nil {
			return err
		}
		if err := e.checkDelegate(ctx, &ps, userID, in.DelegateID); err != nil {
			return err
		}
		if err := ps.err(); err != nil {
			return err
		}
		if other, err := e.db.OverlappingOutOfOffice(ctx, userID, in.StartsAt, in.EndsAt); err == nil {
			return fmt.Errorf("%w: this period overlaps your out-of-office period %d (%s to %s); change or delete that one first",
				store.ErrConflict, other.ID, other.StartsAt.UTC().Format(time.RFC3339), other.EndsAt.UTC().Format(time.RFC3339))
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := e.db.CreateOutOfOffice(ctx, o); err != nil {
			return err
		}
		ch := changes{"out_of_office_id": o.ID}
		ch.note("delegate_id", nil, o.DelegateID)
		ch.note("starts_at", nil, o.StartsAt)
		ch.note("ends_at", nil, o.EndsAt)
		return e.audit(ctx, by, "out_of_office.create", "user", u.Email, u.ID, ch,
			fmt.Sprintf("%s is away from %s to %s", u.Email, o.StartsAt.Format(time.RFC3339), o.EndsAt.Format(time.RFC3339)))
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

func (e *Engine) checkDelegate(ctx context.Context, ps *problems, userID, delegateID int64) error {
	if delegateID == userID {
		ps.add("/delegate_id", forms.CodeInvalidValue, "you cannot delegate to yourself; choose someone else")
		return nil
	}
	d, err := e.db.UserByID(ctx, delegateID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		ps.add("/delegate_id", forms.CodeNotFound, "there is no user %d", delegateID)
	case err != nil:
		return err
	case !d.Active:
		ps.add("/delegate_id", forms.CodeInvalidValue, "user %d is deactivated; choose an active user", delegateID)
	}
	return nil
}

// RemoveOutOfOffice deletes one of userID's out-of-office periods; another
// user's is not found.
func (e *Engine) RemoveOutOfOffice(ctx context.Context, userID, id int64, by Principal) error {
	return e.db.WithTx(ctx, func(ctx context.Context) error {
		o, err := e.db.OutOfOfficeByID(ctx, id)
		if errors.Is(err, store.ErrNotFound) || (err == nil && o.UserID != userID) {
			return fmt.Errorf("%w: there is no out-of-office period %d", store.ErrNotFound, id)
		}
		if err != nil {
			return err
		}
		u, err := e.db.UserByID(ctx, userID)
		if err != nil {
			return err
		}
		if err := e.db.DeleteOutOfOffice(ctx, id); err != nil {
			return err
		}
		ch := changes{"out_of_office_id": id}
		ch.note("delegate_id", o.DelegateID, nil)
		ch.note("starts_at", o.StartsAt, nil)
		ch.note("ends_at", o.EndsAt, nil)
		return e.audit(ctx, by, "out_of_office.delete", "user", u.Email, u.ID, ch,
			fmt.Sprintf("%s removed out-of-office period %d", u.Email, id))
	})
}

// DelegateOf says who acts for userID at the given time: when the user is
// out of office, their delegate; when the delegate is away too, the
// delegate's delegate, and so on for up to five hops. The chain stops before
// a user it has already visited (A away to B, B away to A: B acts for A) and
// before a deactivated delegate. ok is false when the user is not away or
// nobody can act for them, and the user keeps their own tasks.
//
// Example:
//
//	if d, ok, err := e.DelegateOf(ctx, assignee, time.Now()); err == nil && ok {
//		assignee = d
//	}
func (e *Engine) DelegateOf(ctx context.Context, userID int64, at time.Time) (int64, bool, error) {
	cur := userID
	seen := map[int64]bool{userID: true}
	for range maxDelegationHops {
		o, err := e.db.OutOfOfficeAt(ctx, cur, at.UTC())
		if errors.Is(err, store.ErrNotFound) {
			break
		}
		if err != nil {
			return 0, false, err
		}
		if seen[o.DelegateID] {
			break
		}
		d, err := e.db.UserByID(ctx, o.DelegateID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && !d.Active) {
			break
		}
		if err != nil {
			return 0, false, err
		}
		seen[o.DelegateID] = true
		cur = o.DelegateID
	}
	return cur, cur != userID, nil
}
