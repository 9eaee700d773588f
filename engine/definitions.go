package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mosaic-lowcode/mosaic/documents"
	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/portal"
	"github.com/mosaic-lowcode/mosaic/rbac"
	"github.com/mosaic-lowcode/mosaic/reports"
	"github.com/mosaic-lowcode/mosaic/store"
)

// The kinds of definition this version of Mosaic knows.
const (
	KindForm      = "form"
	KindRole      = "role"
	KindFlow      = "flow"
	KindReport    = "report"
	KindDashboard = "dashboard"
	KindPortal    = "portal"
	KindDocument  = "document"
)

// kinds lists the kinds, in the order a batch is checked and published:
// each may refer to the kinds before it (flows and reports to forms,
// dashboards to reports, portals to forms and flows).
var kinds = []string{KindForm, KindRole, KindFlow, KindReport, KindDashboard, KindDocument, KindPortal}

// Lookup tells the compiler which forms, roles and reports exist besides
// the definition being checked.
type Lookup interface {
	forms.FormSet
	portal.Lookup
	rbac.Forms
	rbac.Roles
	reports.ReportLookup
}

// Header is what every definition says about itself.
type Header struct {
	Kind  string `json:"kind"`
	Key   string `json:"key"`
	Title string `json:"title"`
}

// Checked is a definition that passed the schema and compiled: Compiled is
// set for a form, Role for a role, Flow for a flow, Report for a report and
// Dashboard for a dashboard.
type Checked struct {
	Header
	Body      []byte
	Compiled  *forms.Compiled
	Role      *rbac.CompiledRole
	Flow      *flows.Compiled
	Report    *reports.Compiled
	Dashboard *reports.CompiledDashboard
	Portal    *portal.Compiled
	Document  *documents.Compiled
}

// Check validates raw against its kind's JSON Schema and compiles it as the
// given version; forms says which other forms exist. Every mistake is reported
// in a *forms.ProblemList naming the definition.
func (e *Engine) Check(raw []byte, version int, set Lookup) (*Checked, error) {
	sps, err := e.schemas.Validate(raw)
	if err != nil {
		return nil, err
	}
	var h Header
	_ = json.Unmarshal(raw, &h)
	subject := "definition"
	if h.Kind != "" || h.Key != "" {
		subject = h.Kind + "/" + h.Key
	}
	if len(sps) > 0 {
		pl := &forms.ProblemList{Subject: subject}
		for _, p := range sps {
			pl.Problems = append(pl.Problems, forms.Problem{Path: p.Path, Code: p.Code, Message: p.Message})
		}
		return nil, pl
	}
	switch h.Kind {
	case KindPortal:
		d, err := portal.Parse(raw)
		if err != nil {
			return nil, &forms.ProblemList{Subject: subject, Problems: []forms.Problem{{Code: "invalid_definition", Message: err.Error()}}}
		}
		pc, err := portal.Compile(d, version, set)
		if err != nil {
			return nil, err
		}
		return &Checked{Header: h, Body: compact(raw), Portal: pc}, nil
	case KindReport:
		r, err := reports.Parse(raw)
		if err != nil {
			return nil, &forms.ProblemList{Subject: subject, Problems: []forms.Problem{{Code: "invalid_definition", Message: err.Error()}}}
		}
		rc, err := reports.Compile(r, version, set)
		if err != nil {
			return nil, err
		}
		return &Checked{Header: h, Body: compact(raw), Report: rc}, nil
	case KindDashboard:
		d, err := reports.ParseDashboard(raw)
		if err != nil {
			return nil, &forms.ProblemList{Subject: subject, Problems: []forms.Problem{{Code: "invalid_definition", Message: err.Error()}}}
		}
		dc, err := reports.CompileDashboard(d, version, set)
		if err != nil {
			return nil, err
		}
		return &Checked{Header: h, Body: compact(raw), Dashboard: dc}, nil
	}
	if h.Kind == KindDocument {
		d, err := documents.Parse(raw)
		if err != nil {
			return nil, &forms.ProblemList{Subject: subject, Problems: []forms.Problem{{Code: "invalid_definition", Message: err.Error()}}}
		}
		dc, err := documents.Compile(d, version, set)
		if err != nil {
			return nil, err
		}
		return &Checked{Header: h, Body: compact(raw), Document: dc}, nil
	}
	if h.Kind == KindFlow {
		f, err := flows.ParseFlow(raw)
		if err != nil {
			return nil, &forms.ProblemList{Subject: subject, Problems: []forms.Problem{{Code: "invalid_definition", Message: err.Error()}}}
		}
		cf, err := flows.Compile(f, version, set, set)
		if err != nil {
			return nil, err
		}
		return &Checked{Header: h, Body: compact(raw), Flow: cf}, nil
	}
	if h.Kind == KindRole {
		r, err := rbac.ParseRole(raw)
		if err != nil {
			return nil, &forms.ProblemList{Subject: subject, Problems: []forms.Problem{{Code: "invalid_definition", Message: err.Error()}}}
		}
		cr, err := rbac.Compile(r, version, set, set)
		if err != nil {
			return nil, err
		}
		return &Checked{Header: h, Body: compact(raw), Role: cr}, nil
	}
	f, err := forms.Parse(raw)
	if err != nil {
		return nil, &forms.ProblemList{Subject: subject, Problems: []forms.Problem{{Code: "invalid_definition", Message: err.Error()}}}
	}
	c, err := forms.Compile(f, version, set, e.types)
	if err != nil {
		return nil, err
	}
	ps := c.CompileConversions(set)
	// note: a batch checks fills once all its forms are compiled
	// (checkBatchFills), as a fill may read a form checked after it.
	if _, batch := set.(formSet); !batch {
		ps = append(ps, c.CheckFills(set)...)
	}
	if len(ps) > 0 {
		return nil, &forms.ProblemList{Subject: subject, Problems: ps}
	}
	return &Checked{Header: h, Body: compact(raw), Compiled: c}, nil
}

// compact is the canonical text of a definition: keys sorted, no spaces,
// no HTML escaping, numbers as written. Equal definitions have equal text, so
// publishing one that is already live is recognised whatever its layout.
func compact(raw []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return raw
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return raw
	}
	return bytes.TrimRight(b.Bytes(), "\n")
}

// SaveDraft stores raw as the draft of its definition, whatever its state, and
// returns the problems that would stop it from being published.
func (e *Engine) SaveDraft(ctx context.Context, raw []byte, actor forms.Actor) (Header, []forms.Problem, error) {
	return e.SaveDraftIf(ctx, raw, DraftCondition{}, actor)
}

// SaveDraftIf is SaveDraft that first checks the draft is still the one the
// caller read (see DraftCondition); otherwise it is an ErrConflict naming who
// saved meanwhile.
func (e *Engine) SaveDraftIf(ctx context.Context, raw []byte, cond DraftCondition, actor forms.Actor) (Header, []forms.Problem, error) {
	var h Header
	if err := json.Unmarshal(raw, &h); err != nil || h.Kind == "" || h.Key == "" {
		_, err := e.Check(raw, 1, e.Snapshot())
		if pl, ok := forms.AsProblems(err); ok {
			return h, nil, pl
		}
		return h, nil, invalid("/", "a definition is a JSON object with kind and key")
	}
	if msg := forms.CheckKey(h.Key, false); msg != "" {
		return h, nil, invalid("/key", msg)
	}
	if !slices.Contains(kinds, h.Kind) {
		return h, nil, invalid("/kind", fmt.Sprintf("unknown kind %q; this version of Mosaic knows: %s", h.Kind, strings.Join(kinds, ", ")))
	}
	err := e.db.WithTx(ctx, func(ctx context.Context) error {
		if err := e.checkDraftCondition(ctx, h, cond); err != nil {
			return err
		}
		if err := e.db.SaveDraft(ctx, &store.Draft{Kind: h.Kind, Key: h.Key, Body: string(compact(raw)),
			UpdatedAt: time.Now().UTC(), UpdatedBy: actor.ID}); err != nil {
			return err
		}
		return e.db.Append(ctx, &store.AuditEntry{ActorID: actor.ID, Action: "definition.draft",
			TargetKind: h.Kind, TargetKey: h.Key, Summary: "saved draft"})
	})
	if err != nil {
		return h, nil, err
	}
	_, cerr := e.Check(raw, e.nextVersion(ctx, h.Kind, h.Key), e.Snapshot())
	if pl, ok := forms.AsProblems(cerr); ok {
		return h, pl.Problems, nil
	}
	return h, nil, cerr
}

func (e *Engine) nextVersion(ctx context.Context, kind, key string) int {
	vs, err := e.db.Versions(ctx, kind, key)
	if err != nil || len(vs) == 0 {
		return 1
	}
	return vs[0].Version + 1
}

// invalid is a one-problem validation error.
func invalid(path, msg string) error {
	return &forms.ProblemList{Subject: "request", Problems: []forms.Problem{{Path: path, Code: "validation_invalid_value", Message: msg}}}
}

// PublishOptions tune a publish.
type PublishOptions struct {
	// AllowDestructive lets the migration drop columns or change types,
	// losing the values it reports.
	AllowDestructive bool
	Note             string
	// BaseVersion, when set, is the live version the caller's change was
	// made on (0: never published); if another version has been published
	// since, the publish is an ErrConflict rather than a silent overwrite.
	BaseVersion *int
}

// PublishResult says what a publish did.
type PublishResult struct {
	Kind    string       `json:"kind"`
	Key     string       `json:"key"`
	Version int          `json:"version"`
	Steps   []forms.Step `json:"steps"`
	// Unchanged is set when the body equals the live version, so nothing was
	// published.
	Unchanged bool `json:"unchanged,omitempty"`
}

// Publish publishes the draft of (kind, key).
func (e *Engine) Publish(ctx context.Context, kind, key string, opts PublishOptions, actor forms.Actor) (*PublishResult, error) {
	d, err := e.db.DraftOf(ctx, kind, key)
	if err != nil {
		return nil, fmt.Errorf("%w: there is no draft of %s/%s to publish; save one first", store.ErrNotFound, kind, key)
	}
	res, err := e.publishBodies(ctx, [][]byte{[]byte(d.Body)}, opts, actor)
	if err != nil {
		return nil, err
	}
	return &res[0], nil
}

// Rollback publishes the body of an older version as a new version.
func (e *Engine) Rollback(ctx context.Context, kind, key string, version int, opts PublishOptions, actor forms.Actor) (*PublishResult, error) {
	v, err := e.db.Version(ctx, kind, key, version)
	if err != nil {
		return nil, fmt.Errorf("%w: %s/%s has no version %d", store.ErrNotFound, kind, key, version)
	}
	if opts.Note == "" {
		opts.Note = fmt.Sprintf("rollback to version %d", version)
	}
	res, err := e.publishBodies(ctx, [][]byte{[]byte(v.Body)}, opts, actor)
	if err != nil {
		return nil, err
	}
	return &res[0], nil
}

// publishBodies checks every body, then publishes them all in one
// transaction, in an order where relation targets come first. Nothing is
// published unless everything is valid; all problems are reported together.
func (e *Engine) publishBodies(ctx context.Context, bodies [][]byte, opts PublishOptions, actor forms.Actor) ([]PublishResult, error) {
	e.publishMu.Lock()
	defer e.publishMu.Unlock()
	live := e.Snapshot()
	checked, err := e.checkBatch(ctx, bodies, live)
	if err != nil {
		return nil, err
	}
	results := make([]PublishResult, 0, len(checked))
	next := live
	rolesChanged := false
	err = e.db.WithTx(ctx, func(ctx context.Context) error {
		results = results[:0]
		next = live
		for _, c := range checked {
			res, err := e.publishOne(ctx, c, live, opts, actor)
			if err != nil {
				return err
			}
			if !res.Unchanged {
				next = next.with(c)
				rolesChanged = rolesChanged || c.Role != nil
			}
			results = append(results, *res)
		}
		if rolesChanged {
			return e.db.BumpAccessVersion(ctx)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	e.snapshot.Store(next)
	// note: field levels are cached per form version, so a form publish
	// also refreshes the access model.
	e.access.Invalidate()
	return results, nil
}

func (e *Engine) checkBatch(ctx context.Context, bodies [][]byte, live *Snapshot) ([]*Checked, error) {
	set := formSet{live: live, batch: map[string]bool{}, compiled: map[string]*forms.Compiled{}, roles: map[string]bool{},
		reports: map[string]*reports.Compiled{}, flows: map[string]*flows.Compiled{}, documents: map[string]string{}}
	for _, b := range bodies {
		var h Header
		if json.Unmarshal(b, &h) == nil && h.Kind == KindForm {
			set.batch[h.Key] = true
		}
		if h.Kind == KindRole {
			set.roles[h.Key] = true
		}
	}
	all := &forms.ProblemList{Subject: "definitions"}
	var checked []*Checked
	// note: forms first, so roles, flows and reports in the same batch can
	// refer to them, and reports before the dashboards that show them.
	ordered := make([]int, 0, len(bodies))
	for pass := 0; pass < 5; pass++ {
		for i, b := range bodies {
			if batchPass(b) == pass {
				ordered = append(ordered, i)
			}
		}
	}
	for _, i := range ordered {
		b := bodies[i]
		var h Header
		_ = json.Unmarshal(b, &h)
		c, err := e.Check(b, e.nextVersion(ctx, h.Kind, h.Key), set)
		if pl, ok := forms.AsProblems(err); ok {
			// note: "/form/order/fields/2" when the definition names itself,
			// otherwise its place in the batch: "/definitions/0/kind".
			prefix := fmt.Sprintf("/definitions/%d", i)
			if h.Kind != "" && h.Key != "" {
				prefix = "/" + h.Kind + "/" + h.Key
			}
			for _, p := range pl.Problems {
				p.Path = prefix + p.Path
				all.Problems = append(all.Problems, p)
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		if c.Compiled != nil {
			set.compiled[c.Key] = c.Compiled
		}
		if c.Report != nil {
			set.reports[c.Key] = c.Report
		}
		if c.Flow != nil {
			set.flows[c.Key] = c.Flow
		}
		if c.Document != nil {
			set.documents[c.Key] = c.Document.Template.Form
		}
		checked = append(checked, c)
	}
	if len(all.Problems) == 0 {
		all.Problems = checkBatchFills(checked, set)
	}
	if len(all.Problems) > 0 {
		return nil, all
	}
	return orderByRelations(checked)
}

// checkBatchFills checks the fills of the batch's forms against the forms
// they read, and those of the live forms outside the batch that read a
// form of the batch: a change that removes or retypes a field another form
// fills from is refused, naming the filling form's field.
func checkBatchFills(checked []*Checked, set formSet) []forms.Problem {
	var ps []forms.Problem
	add := func(c *forms.Compiled) {
		for _, p := range c.CheckFills(set) {
			p.Path = "/form/" + c.Form.Key + p.Path
			ps = append(ps, p)
		}
	}
	for _, c := range checked {
		if c.Compiled != nil {
			add(c.Compiled)
		}
	}
	for _, c := range set.live.Forms() {
		if set.compiled[c.Form.Key] == nil && readsAny(c, set.compiled) {
			add(c)
		}
	}
	return ps
}

// readsAny reports whether c links to one of the forms in batch.
func readsAny(c *forms.Compiled, batch map[string]*forms.Compiled) bool {
	for _, t := range relationTargets(c) {
		if batch[t] != nil {
			return true
		}
	}
	return false
}

// batchPass is kindPass in a batch, where forms with conversions come
// after the other forms, whose records they convert, and document
// templates before the flows that generate them.
func batchPass(b []byte) int {
	var h struct {
		Header
		Conversions []json.RawMessage `json:"conversions"`
	}
	_ = json.Unmarshal(b, &h)
	switch {
	case h.Kind == KindForm && len(h.Conversions) > 0:
		return 1
	case h.Kind == KindDocument:
		return 2
	case kindPass(h.Kind) == 0:
		return 0
	}
	return kindPass(h.Kind) + 2
}

// kindPass is the pass of a batch in which a kind is checked: forms (and
// anything unknown, which the check reports) first, then roles, flows and
// reports, then dashboards.
func kindPass(kind string) int {
	switch kind {
	case KindRole, KindFlow, KindReport, KindDocument:
		return 1
	case KindDashboard, KindPortal:
		return 2
	}
	return 0
}

// orderByRelations sorts forms so each comes after the forms it links to.
func orderByRelations(list []*Checked) ([]*Checked, error) {
	byKey := map[string]*Checked{}
	var roles []*Checked
	for _, c := range list {
		if c.Compiled == nil {
			roles = append(roles, c) // roles and flows, after every form
			continue
		}
		if byKey[c.Key] != nil {
			return nil, invalid("/"+c.Kind+"/"+c.Key, "the same definition appears twice")
		}
		byKey[c.Key] = c
	}
	var out []*Checked
	state := map[string]int{}
	var visit func(c *Checked) error
	visit = func(c *Checked) error {
		switch state[c.Key] {
		case 1:
			return invalid("/form/"+c.Key, "forms link to each other in a cycle; publish one of them first without the relation")
		case 2:
			return nil
		}
		state[c.Key] = 1
		for _, t := range relationTargets(c.Compiled) {
			if dep := byKey[t]; dep != nil && t != c.Key {
				if err := visit(dep); err != nil {
					return err
				}
			}
		}
		state[c.Key] = 2
		out = append(out, c)
		return nil
	}
	for _, c := range list {
		if c.Compiled == nil {
			continue
		}
		if err := visit(c); err != nil {
			return nil, err
		}
	}
	return append(out, roles...), nil
}

func relationTargets(c *forms.Compiled) []string {
	var out []string
	for _, f := range c.Fields() {
		if f.Target != "" {
			out = append(out, f.Target)
		}
		if f.Child != nil {
			out = append(out, relationTargets(f.Child)...)
		}
	}
	return out
}

// publishOne stores a new version of c and migrates its tables, inside ctx's
// transaction.
func (e *Engine) publishOne(ctx context.Context, c *Checked, live *Snapshot, opts PublishOptions, actor forms.Actor) (*PublishResult, error) {
	res := &PublishResult{Kind: c.Kind, Key: c.Key}
	prev, err := e.db.Versions(ctx, c.Kind, c.Key)
	if err != nil {
		return nil, err
	}
	if err := e.checkBaseVersion(ctx, c.Header, prev, opts.BaseVersion); err != nil {
		return nil, err
	}
	if len(prev) > 0 && prev[0].Body == string(c.Body) {
		res.Version, res.Unchanged = prev[0].Version, true
		return res, nil
	}
	steps := []forms.Step{}
	res.Version = len(prev) + 1
	if len(prev) > 0 {
		res.Version = prev[0].Version + 1
	}
	if c.Compiled != nil {
		old, _ := live.Form(c.Key)
		steps = forms.PlanMigration(old, c.Compiled)
		if err := e.records.Migrate(ctx, steps, opts.AllowDestructive); err != nil {
			return nil, namedMigrationProblems(err, c.Kind, c.Key)
		}
		res.Version = c.Compiled.Version
	}
	res.Steps = steps
	if err := e.db.AddVersion(ctx, &store.DefinitionVersion{Kind: c.Kind, Key: c.Key, Version: res.Version,
		Body: string(c.Body), PublishedBy: actor.ID, PublishedAt: time.Now().UTC(), Note: opts.Note}); err != nil {
		return nil, err
	}
	changes, _ := json.Marshal(steps)
	if c.Role != nil {
		// note: for a role the audit keeps what it granted before and after,
		// so every permission change can be read back.
		var before any
		if len(prev) > 0 {
			var old rbac.Role
			if json.Unmarshal([]byte(prev[0].Body), &old) == nil {
				before = map[string]any{"includes": old.Includes, "grants": old.Grants}
			}
		}
		after := map[string]any{"includes": c.Role.Includes, "grants": c.Role.Grants}
		changes, _ = json.Marshal(map[string]forms.Change{"role": {Before: before, After: after}})
	}
	return res, e.db.Append(ctx, &store.AuditEntry{ActorID: actor.ID, Action: "definition.publish",
		TargetKind: c.Kind, TargetKey: c.Key, Changes: string(changes),
		Summary: fmt.Sprintf("published version %d (%d migration step(s))", res.Version, len(steps))})
}

// namedMigrationProblems points a migration's problems into the definition
// being published ("/form/order/indexes/0"), as compile problems are; a
// migration problem at the definition's root keeps the path it has
// ("/fields"), since the studio matches those by code.
func namedMigrationProblems(err error, kind, key string) error {
	pl, ok := forms.AsProblems(err)
	if !ok {
		return err
	}
	for i, p := range pl.Problems {
		if p.Code == forms.CodeMigrationUnique {
			pl.Problems[i].Path = "/" + kind + "/" + key + p.Path
		}
	}
	return pl
}
