package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/portal"
	"github.com/mosaic-lowcode/mosaic/store"
)

// PortalRecord is one tracked record as its customer sees it.
type PortalRecord struct {
	Form      string              `json:"form"`
	ID        int64               `json:"id"`
	Number    string              `json:"number"`
	CreatedAt time.Time           `json:"created_at"`
	Fields    []PortalField       `json:"fields"`
	Stages    []portal.StageState `json:"stages"`
	Current   int                 `json:"current"`
	Documents []PortalDocument    `json:"documents"`
}

// PortalField is a field of a tracked record shown read only.
type PortalField struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Type  string `json:"type"`
	Value any    `json:"value"`
	// Text is a select's option label.
	Text string `json:"text,omitempty"`
}

// PortalDocument is a file the customer may download.
type PortalDocument struct {
	Title portal.Text      `json:"title"`
	Form  string           `json:"form"`
	File  forms.Attachment `json:"file"`
}

// PortalRecords lists the session customer's records of every tracked form,
// newest first, each with its stages and documents.
func (e *Engine) PortalRecords(ctx context.Context, s *PortalSession) ([]PortalRecord, error) {
	out := []PortalRecord{}
	for i := range s.Portal.Tracked {
		recs, err := e.portalTracked(ctx, s, &s.Portal.Tracked[i], 0)
		if err != nil {
			return nil, err
		}
		out = append(out, recs...)
	}
	return out, nil
}

// PortalRecord returns one tracked record of the session's customer; any
// other record, whoever's it is, is not found.
func (e *Engine) PortalRecord(ctx context.Context, s *PortalSession, form string, id int64) (*PortalRecord, error) {
	t, ok := s.Portal.TrackedForm(form)
	if ok && id > 0 {
		recs, err := e.portalTracked(ctx, s, t, id)
		if err != nil {
			return nil, err
		}
		if len(recs) == 1 {
			return &recs[0], nil
		}
	}
	return nil, fmt.Errorf("%w: there is no %s %d here", store.ErrNotFound, form, id)
}

// portalTracked loads the customer's records of t (only id when not 0) and
// evaluates them.
func (e *Engine) portalTracked(ctx context.Context, s *PortalSession, t *portal.Tracked, id int64) ([]PortalRecord, error) {
	snap := e.Snapshot()
	c, ok := snap.Form(t.Form)
	if !ok {
		return nil, nil
	}
	rows, err := ownedBy(c, t.CustomerField, s.CustomerID)
	if err != nil {
		return nil, err
	}
	if id != 0 {
		rows = store.And(rows, store.Compare("id", "=", id))
	}
	res, err := e.records.List(ctx, c, forms.ListQuery{Access: forms.NewAccess(rows, nil, forms.ReadOnly),
		Sort: "-created_at", PerPage: maxPortalRecords, SkipTotal: true})
	if err != nil {
		return nil, err
	}
	ids := recordIDs(res.Items)
	related, err := e.portalRelated(ctx, t, ids)
	if err != nil {
		return nil, err
	}
	signed, err := e.portalSigned(ctx, t, related)
	if err != nil {
		return nil, err
	}
	out := make([]PortalRecord, 0, len(res.Items))
	for _, rec := range res.Items {
		ends, err := e.flowEnds(ctx, t.Form, rec.ID())
		if err != nil {
			return nil, err
		}
		mine := map[portal.Relation][]forms.Record{}
		for rel, recs := range related {
			for _, r := range recs {
				if linkedID(r[rel.Link]) == rec.ID() {
					mine[rel] = append(mine[rel], r)
				}
			}
		}
		states := t.Evaluate(portal.Facts{Record: rec, Flows: ends, Related: mine, Signed: signed})
		created, _ := rec["created_at"].(time.Time)
		out = append(out, PortalRecord{Form: t.Form, ID: rec.ID(), Number: fmt.Sprint(valueOr(rec[t.NumberField], rec.ID())),
			CreatedAt: created, Fields: portalFields(c, t, rec), Stages: states, Current: portal.Current(states),
			Documents: portalDocuments(t, rec, mine)})
	}
	return out, nil
}

// portalRelated loads, for each relation t reads, the records linked to ids.
func (e *Engine) portalRelated(ctx context.Context, t *portal.Tracked, ids []int64) (map[portal.Relation][]forms.Record, error) {
	out := map[portal.Relation][]forms.Record{}
	for _, rel := range t.Relations() {
		c, ok := e.Snapshot().Form(rel.Form)
		if !ok {
			continue
		}
		recs, err := e.linkedTo(ctx, c, rel.Link, ids)
		if err != nil {
			return nil, err
		}
		out[rel] = recs
	}
	return out, nil
}

// portalSigned finds when the related records a "signed" stage reads were
// first signed.
func (e *Engine) portalSigned(ctx context.Context, t *portal.Tracked, related map[portal.Relation][]forms.Record) (map[string]map[int64]time.Time, error) {
	out := map[string]map[int64]time.Time{}
	for _, st := range t.Stages {
		if st.When.Type != portal.WhenSigned || out[st.When.Form] != nil {
			continue
		}
		sigs, err := e.db.Signatures(ctx, st.When.Form, recordIDs(related[portal.Relation{Form: st.When.Form, Link: st.When.Link}]))
		if err != nil {
			return nil, err
		}
		first := map[int64]time.Time{}
		for _, sg := range sigs {
			if at, ok := first[sg.RecordID]; !ok || sg.At.Before(at) {
				first[sg.RecordID] = sg.At
			}
		}
		out[st.When.Form] = first
	}
	return out, nil
}

func (e *Engine) flowEnds(ctx context.Context, form string, id int64) ([]portal.FlowEnd, error) {
	is, err := e.db.FlowInstancesOfRecord(ctx, form, id)
	if err != nil {
		return nil, err
	}
	var out []portal.FlowEnd
	for _, i := range is {
		if i.EndedAt != nil {
			out = append(out, portal.FlowEnd{Flow: i.FlowKey, Outcome: i.State, At: *i.EndedAt})
		}
	}
	return out, nil
}

func linkedID(v any) int64 {
	n, _ := v.(int64)
	return n
}

func portalFields(c *forms.Compiled, t *portal.Tracked, rec forms.Record) []PortalField {
	js := c.JSON(rec, nil)
	out := make([]PortalField, 0, len(t.Fields))
	for _, k := range t.Fields {
		f, ok := c.Field(k)
		if !ok {
			continue
		}
		typ := f.Type
		if typ == "formula" && f.Result != "" {
			typ = f.Result
		}
		pf := PortalField{Key: k, Label: f.Label, Type: typ, Value: js[k]}
		for _, o := range f.Options {
			if fmt.Sprint(pf.Value) == o.Value {
				pf.Text = o.Label
			}
		}
		out = append(out, pf)
	}
	return out
}

// portalDocuments lists the files of t's document fields on rec and the
// records related to it.
func portalDocuments(t *portal.Tracked, rec forms.Record, related map[portal.Relation][]forms.Record) []PortalDocument {
	out := []PortalDocument{}
	for _, d := range t.Documents {
		holders := []forms.Record{rec}
		if d.Link != "" {
			holders = related[portal.Relation{Form: d.Form, Link: d.Link}]
		}
		for _, h := range holders {
			for _, a := range attachments(h[d.Field]) {
				out = append(out, PortalDocument{Title: d.Title, Form: d.Form, File: a})
			}
		}
	}
	return out
}

// attachments reads an attachment field's value, whatever shape it was
// decoded in.
func attachments(v any) []forms.Attachment {
	if as, ok := v.([]forms.Attachment); ok {
		return as
	}
	var as []forms.Attachment
	if b, err := json.Marshal(v); err == nil {
		_ = json.Unmarshal(b, &as)
	}
	return as
}

// PortalFile opens a file that is one of the session customer's documents;
// any other file is not found.
func (e *Engine) PortalFile(ctx context.Context, s *PortalSession, id string) (*store.File, io.ReadCloser, error) {
	recs, err := e.PortalRecords(ctx, s)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range recs {
		if slices.ContainsFunc(r.Documents, func(d PortalDocument) bool { return d.File.ID == id }) {
			return e.OpenFile(ctx, id)
		}
	}
	return nil, nil, fmt.Errorf("%w: there is no file %q here", store.ErrNotFound, id)
}
