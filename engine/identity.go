package engine

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
