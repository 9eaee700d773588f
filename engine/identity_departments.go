package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

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
