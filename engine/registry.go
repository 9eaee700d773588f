package engine

import (
	"sort"

	"github.com/mosaic-lowcode/mosaic/documents"
	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/portal"
	"github.com/mosaic-lowcode/mosaic/rbac"
	"github.com/mosaic-lowcode/mosaic/reports"
)

// Snapshot is the immutable set of compiled, published definitions the engine
// serves from. Publishing builds a new snapshot and swaps it in atomically;
// requests in flight keep the one they started with.
type Snapshot struct {
	forms      map[string]*forms.Compiled
	roles      map[string]*rbac.CompiledRole
	flows      map[string]*flows.Compiled
	reports    map[string]*reports.Compiled
	dashboards map[string]*reports.CompiledDashboard
	portals    map[string]*portal.Compiled
	documents  map[string]*documents.Compiled
}

func newSnapshot() *Snapshot {
	return &Snapshot{forms: map[string]*forms.Compiled{}, roles: map[string]*rbac.CompiledRole{},
		flows: map[string]*flows.Compiled{}, reports: map[string]*reports.Compiled{},
		dashboards: map[string]*reports.CompiledDashboard{}, portals: map[string]*portal.Compiled{},
		documents: map[string]*documents.Compiled{}}
}

// Portal returns the live version of a portal.
func (s *Snapshot) Portal(key string) (*portal.Compiled, bool) {
	p, ok := s.portals[key]
	return p, ok
}

// Portals lists the live portals ordered by key.
func (s *Snapshot) Portals() []*portal.Compiled {
	out := make([]*portal.Compiled, 0, len(s.portals))
	for _, p := range s.portals {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// FlowForm returns the form a live flow runs on.
func (s *Snapshot) FlowForm(key string) (string, bool) {
	f, ok := s.flows[key]
	if !ok {
		return "", false
	}
	return f.Flow.Form, true
}

// Document returns the live version of a document template.
func (s *Snapshot) Document(key string) (*documents.Compiled, bool) {
	d, ok := s.documents[key]
	return d, ok
}

// Documents lists the live document templates ordered by key.
func (s *Snapshot) Documents() []*documents.Compiled {
	out := make([]*documents.Compiled, 0, len(s.documents))
	for _, d := range s.documents {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// Report returns the live version of a report.
func (s *Snapshot) Report(key string) (*reports.Compiled, bool) {
	r, ok := s.reports[key]
	return r, ok
}

// Reports lists the live reports ordered by key.
func (s *Snapshot) Reports() []*reports.Compiled {
	out := make([]*reports.Compiled, 0, len(s.reports))
	for _, r := range s.reports {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Report.Key < out[j].Report.Key })
	return out
}

// Dashboard returns the live version of a dashboard.
func (s *Snapshot) Dashboard(key string) (*reports.CompiledDashboard, bool) {
	d, ok := s.dashboards[key]
	return d, ok
}

// Dashboards lists the live dashboards ordered by key.
func (s *Snapshot) Dashboards() []*reports.CompiledDashboard {
	out := make([]*reports.CompiledDashboard, 0, len(s.dashboards))
	for _, d := range s.dashboards {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Dashboard.Key < out[j].Dashboard.Key })
	return out
}

// Flow returns the live version of a flow.
func (s *Snapshot) Flow(key string) (*flows.Compiled, bool) {
	f, ok := s.flows[key]
	return f, ok
}

// Flows lists the live flows ordered by key.
func (s *Snapshot) Flows() []*flows.Compiled {
	out := make([]*flows.Compiled, 0, len(s.flows))
	for _, f := range s.flows {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Flow.Key < out[j].Flow.Key })
	return out
}

// Roles lists the published role definitions ordered by key.
func (s *Snapshot) Roles() []*rbac.CompiledRole {
	out := make([]*rbac.CompiledRole, 0, len(s.roles))
	for _, r := range s.roles {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// HasRole reports whether a role is published (or is the built-in admin).
func (s *Snapshot) HasRole(key string) bool {
	_, ok := s.roles[key]
	return ok || key == rbac.AdminRole
}

// Form returns the live version of a form.
func (s *Snapshot) Form(key string) (*forms.Compiled, bool) {
	c, ok := s.forms[key]
	return c, ok
}

// HasForm reports whether a form is published.
func (s *Snapshot) HasForm(key string) bool {
	_, ok := s.forms[key]
	return ok
}

// Forms lists the live forms ordered by key.
func (s *Snapshot) Forms() []*forms.Compiled {
	out := make([]*forms.Compiled, 0, len(s.forms))
	for _, c := range s.forms {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Form.Key < out[j].Form.Key })
	return out
}

// clone copies s's maps, to build the next snapshot.
func (s *Snapshot) clone() *Snapshot {
	next := &Snapshot{forms: make(map[string]*forms.Compiled, len(s.forms)+1),
		roles:      make(map[string]*rbac.CompiledRole, len(s.roles)+1),
		flows:      make(map[string]*flows.Compiled, len(s.flows)+1),
		reports:    make(map[string]*reports.Compiled, len(s.reports)+1),
		dashboards: make(map[string]*reports.CompiledDashboard, len(s.dashboards)+1),
		portals:    make(map[string]*portal.Compiled, len(s.portals)+1),
		documents:  make(map[string]*documents.Compiled, len(s.documents)+1)}
	for k, v := range s.documents {
		next.documents[k] = v
	}
	for k, v := range s.portals {
		next.portals[k] = v
	}
	for k, v := range s.forms {
		next.forms[k] = v
	}
	for k, v := range s.roles {
		next.roles[k] = v
	}
	for k, v := range s.flows {
		next.flows[k] = v
	}
	for k, v := range s.reports {
		next.reports[k] = v
	}
	for k, v := range s.dashboards {
		next.dashboards[k] = v
	}
	return next
}

// with returns a copy of s with the checked definition in place of its
// previous version.
func (s *Snapshot) with(c *Checked) *Snapshot {
	next := s.clone()
	if c.Compiled != nil {
		next.forms[c.Key] = c.Compiled
	}
	if c.Role != nil {
		next.roles[c.Key] = c.Role
	}
	if c.Flow != nil {
		next.flows[c.Key] = c.Flow
	}
	if c.Report != nil {
		next.reports[c.Key] = c.Report
	}
	if c.Dashboard != nil {
		next.dashboards[c.Key] = c.Dashboard
	}
	if c.Portal != nil {
		next.portals[c.Key] = c.Portal
	}
	if c.Document != nil {
		next.documents[c.Key] = c.Document
	}
	if c.Compiled != nil || c.Report != nil {
		next.refreshReports()
	}
	if c.Compiled != nil {
		next.refreshDocuments(c.Key)
	}
	return next
}

// refreshDocuments compiles again the document templates that print form
// or a form it links to, so they read its new version; one that no longer
// compiles stays as it was until it is published again.
func (s *Snapshot) refreshDocuments(form string) {
	for key, d := range s.documents {
		if !d.Reads(form) {
			continue
		}
		if fresh, err := documents.Compile(d.Template, d.Version, s); err == nil {
			s.documents[key] = fresh
		}
	}
}

// refreshReports compiles again the reports that read a form published in
// another version since, then the dashboards showing a report that changed,
// so they follow the new versions. One that no longer compiles stays as it
// was; running it says to republish it (Engine.Report).
func (s *Snapshot) refreshReports() {
	for key, r := range s.reports {
		if !r.Stale(s) {
			continue
		}
		if fresh, err := reports.Compile(r.Report, r.Version, s); err == nil {
			s.reports[key] = fresh
		}
	}
	for key, d := range s.dashboards {
		current := true
		for _, w := range d.Widgets {
			if r, ok := s.reports[w.Report.Report.Key]; !ok || r != w.Report {
				current = false
			}
		}
		if current {
			continue
		}
		if fresh, err := reports.CompileDashboard(d.Dashboard, d.Version, s); err == nil {
			s.dashboards[key] = fresh
		}
	}
}

// formSet answers "does this form (or role) exist" for a batch being
// compiled together with what is already live.
type formSet struct {
	live  *Snapshot
	batch map[string]bool
	// forms compiled earlier in the batch, which roles may refer to.
	compiled map[string]*forms.Compiled
	roles    map[string]bool
	// reports compiled earlier in the batch, which dashboards may show.
	reports map[string]*reports.Compiled
	// flows compiled earlier in the batch, which portals may name.
	flows map[string]*flows.Compiled
	// documents compiled earlier in the batch (key → form), which flows
	// may generate.
	documents map[string]string
}

// FlowForm returns the form of a flow compiled in the batch, or a live one.
func (f formSet) FlowForm(key string) (string, bool) {
	if c, ok := f.flows[key]; ok {
		return c.Flow.Form, true
	}
	return f.live.FlowForm(key)
}

// HasDocument reports whether document template key of form is in the
// batch or live.
func (f formSet) HasDocument(form, key string) bool {
	if f.documents[key] == form && form != "" {
		return true
	}
	return f.live.HasDocument(form, key)
}

func (f formSet) HasForm(key string) bool { return f.batch[key] || f.live.HasForm(key) }

// Form finds a form compiled in the batch, or a live one.
func (f formSet) Form(key string) (*forms.Compiled, bool) {
	if c, ok := f.compiled[key]; ok {
		return c, true
	}
	return f.live.Form(key)
}

// HasRole reports whether a role is in the batch or live.
func (f formSet) HasRole(key string) bool { return f.roles[key] || f.live.HasRole(key) }

// Report finds a report compiled in the batch, or a live one.
func (f formSet) Report(key string) (*reports.Compiled, bool) {
	if r, ok := f.reports[key]; ok {
		return r, true
	}
	return f.live.Report(key)
}
