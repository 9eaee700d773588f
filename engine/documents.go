package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mosaic-lowcode/mosaic/documents"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/rbac"
	"github.com/mosaic-lowcode/mosaic/store"
)

// DocumentInfo describes a document template offered on a form's records.
type DocumentInfo struct {
	Key   string `json:"key"`
	Title string `json:"title"`
	Form  string `json:"form"`
}

// DocumentsOf lists the live document templates of form, by key.
func (e *Engine) DocumentsOf(form string) []DocumentInfo {
	out := []DocumentInfo{}
	for _, d := range e.Snapshot().Documents() {
		if d.Template.Form == form {
			out = append(out, DocumentInfo{Key: d.Key, Title: d.Title, Form: form})
		}
	}
	return out
}

// GenerateDocument prints record id of form with the document template key
// for p and adds the PDF to the record's attachment field that the
// template names. p must be able to update the record; the document shows
// only what p may read of it and of the records it links to. The answer is
// the stored file, with its SHA-256.
func (e *Engine) GenerateDocument(ctx context.Context, p *Principal, form *forms.Compiled, id int64, key string) (*store.File, error) {
	tpl, ok := e.Snapshot().Document(key)
	if !ok || tpl.Template.Form != form.Form.Key {
		return nil, fmt.Errorf("%w: form %s has no document %q", store.ErrNotFound, form.Form.Key, key)
	}
	read, err := e.AccessFor(p, form, rbac.ActRead)
	if err != nil {
		return nil, err
	}
	if _, err := e.AccessFor(p, form, rbac.ActUpdate); err != nil {
		return nil, err
	}
	var file *store.File
	err = e.db.WithTx(ctx, func(ctx context.Context) error {
		rec, err := e.records.GetAs(ctx, tpl.Form, id, read)
		if err != nil {
			return err
		}
		file, err = e.printDocument(ctx, tpl, rec, read, func(target *forms.Compiled) (*forms.Access, error) {
			return e.AccessFor(p, target, rbac.ActRead)
		}, p.Actor())
		return err
	})
	return file, err
}

// printDocument renders rec with tpl, as read lets its reader see it, and
// attaches the PDF to the record; linked says how much of a linked form the
// reader may see. The flow action and the API share it.
func (e *Engine) printDocument(ctx context.Context, tpl *documents.Compiled, rec forms.Record, read *forms.Access,
	linked func(*forms.Compiled) (*forms.Access, error), actor forms.Actor) (*store.File, error) {
	related := documents.Related{}
	for link, target := range tpl.Links() {
		tacc, err := linked(target)
		if errors.Is(err, store.ErrForbidden) {
			continue
		}
		if err != nil {
			return nil, err
		}
		recs, err := e.records.GetMany(ctx, target, linkValues(rec, link), tacc)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			for k := range r {
				if _, isField := target.Field(k); isField && !tacc.CanRead(k) {
					delete(r, k)
				}
			}
		}
		related[link] = recs
	}
	now := time.Now().UTC().Truncate(time.Second)
	pdf, err := documents.Render(tpl.Fill(rec, related, read.CanRead), now)
	if err != nil {
		return nil, err
	}
	name := fmt.Sprintf("%s-%d.pdf", tpl.Key, rec.ID())
	if n, ok := rec["number"].(string); ok && n != "" {
		name = fmt.Sprintf("%s-%s.pdf", tpl.Key, n)
	}
	file, err := e.Upload(ctx, tpl.Form.Form.Key, tpl.Attach, name, "application/pdf", bytes.NewReader(pdf), actor)
	if err != nil {
		return nil, err
	}
	var ids []any
	if list, ok := rec[tpl.Attach].([]forms.Attachment); ok {
		for _, a := range list {
			ids = append(ids, a.ID)
		}
	}
	ids = append(ids, file.ID)
	if _, err := e.records.Update(ctx, tpl.Form, rec.ID(), 0, forms.Write{Input: map[string]any{tpl.Attach: ids},
		Actor: actor, Trusted: true}); err != nil {
		return nil, err
	}
	return file, nil
}

// linkValues lists the ids a document link ("customer", "items.product")
// names in rec.
func linkValues(rec forms.Record, link string) []int64 {
	table, col, inRows := strings.Cut(link, ".")
	if !inRows {
		return linkedIDs(rec[link])
	}
	var ids []int64
	rows, _ := rec[table].([]forms.Record)
	for _, r := range rows {
		ids = append(ids, linkedIDs(r[col])...)
	}
	return ids
}

// flowDocuments prints documents for generate_document flow actions, as
// the engine: the whole record, whoever's decision it was.
type flowDocuments struct{ e *Engine }

func (d flowDocuments) Generate(ctx context.Context, c *forms.Compiled, key string, rec forms.Record, actor forms.Actor) (forms.Record, string, string, error) {
	tpl, ok := d.e.Snapshot().Document(key)
	if !ok || tpl.Template.Form != c.Form.Key {
		return nil, "", "", fmt.Errorf("%w: form %s has no document %q", store.ErrNotFound, c.Form.Key, key)
	}
	full := forms.FullAccess()
	file, err := d.e.printDocument(ctx, tpl, rec, full, func(*forms.Compiled) (*forms.Access, error) { return full, nil }, actor)
	if err != nil {
		return nil, "", "", err
	}
	stored, err := d.e.records.Get(ctx, c, rec.ID())
	return stored, file.ID, file.SHA256, err
}

// HasDocument reports whether document template key of form is live.
func (s *Snapshot) HasDocument(form, key string) bool {
	d, ok := s.documents[key]
	return ok && d.Template.Form == form
}
