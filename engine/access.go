package engine

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/rbac"
	"github.com/mosaic-lowcode/mosaic/store"
)

// accessCache holds the in-memory access model. It is rebuilt from the
// database only when something changed: here (Invalidate, after a commit) or
// on another replica (the access version counter, polled every second).
type accessCache struct {
	e       *Engine
	mu      sync.Mutex
	current atomic.Pointer[rbac.Model]
	dirty   atomic.Bool
}

// Model returns the current access model, rebuilding it first if it is
// stale.
func (a *accessCache) Model() *rbac.Model {
	if m := a.current.Load(); m != nil && !a.dirty.Load() {
		return m
	}
	if err := a.rebuild(context.Background()); err != nil {
		a.e.log.Error("rebuild access model", "err", err)
	}
	return a.current.Load()
}

// Fresh returns the current access model, rebuilt first if it is stale; an
// error when it is stale and cannot be rebuilt. Signing a request in needs
// this one: a stale model may lack the caller's roles (a user just created,
// a role just granted), and answering from it would refuse them with a 403
// that is really a database that is busy or away.
func (a *accessCache) Fresh(ctx context.Context) (*rbac.Model, error) {
	if m := a.current.Load(); m != nil && !a.dirty.Load() {
		return m, nil
	}
	if err := a.rebuild(ctx); err != nil {
		return nil, fmt.Errorf("%w: rebuilding the access model: %w", store.ErrUnavailable, err)
	}
	return a.current.Load(), nil
}

// Invalidate marks the model stale; the next Model call rebuilds it.
func (a *accessCache) Invalidate() { a.dirty.Store(true) }

func (a *accessCache) rebuild(ctx context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if m := a.current.Load(); m != nil && !a.dirty.Load() {
		return nil
	}
	a.dirty.Store(false)
	version, err := a.e.db.AccessVersionNow(ctx)
	if err != nil {
		a.dirty.Store(true)
		return err
	}
	data, err := a.e.db.LoadAccessData(ctx)
	if err != nil {
		a.dirty.Store(true)
		return err
	}
	m, err := rbac.Build(version, a.e.Snapshot().Roles(), data)
	if err != nil {
		a.dirty.Store(true)
		return err
	}
	a.current.Store(m)
	return nil
}

// poll follows changes made by other replicas, until ctx ends: a new
// publish (of a form or a role) reloads the registry, a changed access
// version rebuilds the access model.
func (a *accessCache) poll(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if m, err := a.e.db.DefinitionsMark(ctx); err == nil && m != a.e.loaded.Load() {
				if err := a.e.Reload(ctx); err != nil {
					a.e.log.Error("reload definitions published elsewhere", "err", err)
				}
			}
			v, err := a.e.db.AccessVersionNow(ctx)
			if m := a.current.Load(); err == nil && m != nil && v != m.Version {
				a.Invalidate()
				_ = a.rebuild(ctx)
			}
		}
	}
}

// catchUp brings this replica level with marks read from the database
// during a request, before the request is served: a permission changed or a
// definition published on another replica is in force here on the next
// request, not at the next poll.
func (e *Engine) catchUp(ctx context.Context, marks store.Marks) {
	if m := e.access.current.Load(); m != nil && marks.Access != 0 && marks.Access != m.Version {
		e.access.Invalidate()
	}
	if marks.Definitions <= max(e.loaded.Load(), e.tried.Load()) {
		return
	}
	// note: one request reloads; the others arriving meanwhile wait for it
	// and find the work done. A mark whose reload failed is not tried again
	// on every request (the poller keeps trying).
	e.catchUpMu.Lock()
	defer e.catchUpMu.Unlock()
	if marks.Definitions <= max(e.loaded.Load(), e.tried.Load()) {
		return
	}
	e.tried.Store(marks.Definitions)
	if err := e.Reload(ctx); err != nil {
		e.log.Error("reload definitions published elsewhere", "err", err)
	}
}

// Access returns the access model in force.
func (e *Engine) Access() *rbac.Model { return e.access.Model() }

// Subject is the principal as the access model sees it.
func (p *Principal) Subject() rbac.Subject {
	return rbac.Subject{Actor: p.Actor(), Roles: p.Roles}
}

// AccessFor is what p may do with form's records for action, or
// store.ErrForbidden.
func (e *Engine) AccessFor(p *Principal, form *forms.Compiled, action string) (*forms.Access, error) {
	return e.access.Model().Access(p.Subject(), form, action)
}

// RequireAdmin fails with store.ErrForbidden unless p has the admin role.
func (e *Engine) RequireAdmin(p *Principal) error {
	if p == nil || !e.access.Model().IsAdmin(p.Roles) {
		return fmt.Errorf("%w: only administrators may do this", store.ErrForbidden)
	}
	return nil
}

// RequireManage fails with store.ErrForbidden unless p may edit the
// definition (kind, key): "manage" on a published form, or the admin role
// for anything else (roles, flows, forms not yet published).
func (e *Engine) RequireManage(p *Principal, kind, key string) error {
	if p == nil {
		return fmt.Errorf("%w: sign in first", store.ErrForbidden)
	}
	if kind == KindForm && e.Snapshot().HasForm(key) && e.access.Model().Can(p.Roles, key, rbac.ActManage) {
		return nil
	}
	if err := e.RequireAdmin(p); err != nil {
		return fmt.Errorf("%w: you may not change the definition of %s/%s", store.ErrForbidden, kind, key)
	}
	return nil
}

// Explanation is rbac's explanation plus, when a record was named, whether
// that record is within the rows the user's grants cover.
type Explanation struct {
	rbac.Explanation
	User    int64  `json:"user"`
	Record  int64  `json:"record,omitempty"`
	InScope *bool  `json:"record_in_scope,omitempty"`
	Verdict string `json:"verdict"`
}

// Explain answers "why can user U (not) do action on form, or see or change
// field F of record R", from the roles, scopes and grants that decide it.
func (e *Engine) Explain(ctx context.Context, userID int64, form *forms.Compiled, action, field string, recordID int64) (*Explanation, error) {
	u, err := e.db.UserByID(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("%w: there is no user %d", store.ErrNotFound, userID)
	}
	p := &Principal{User: *u, Roles: e.access.Model().RolesOf(u.ID)}
	ex := &Explanation{Explanation: e.access.Model().Explain(p.Subject(), form, action, field), User: userID, Record: recordID}
	ex.Verdict = ex.Summary
	if !u.Active {
		ex.Allowed = false
		ex.Verdict = "denied: the user is deactivated"
	}
	if recordID == 0 || !ex.Allowed {
		return ex, nil
	}
	if _, err := e.records.Get(ctx, form, recordID); err != nil {
		return nil, err
	}
	acc, err := e.AccessFor(p, form, action)
	if err != nil {
		return nil, err
	}
	_, err = e.records.GetAs(ctx, form, recordID, acc)
	in := err == nil
	ex.InScope = &in
	if !in {
		ex.Allowed = false
		ex.Verdict = fmt.Sprintf("denied: record %d is outside the rows the user's grants cover for %s", recordID, action)
	}
	return ex, nil
}
