package engine

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/rbac"
	"github.com/mosaic-lowcode/mosaic/store"
)

// ConversionInfo describes a conversion offered on the records of a form.
type ConversionInfo struct {
	Key    string `json:"key"`
	Title  string `json:"title,omitempty"`
	From   string `json:"from"`
	Target string `json:"target"`
	When   string `json:"when,omitempty"`
}

// ConversionsFrom lists the conversions that create records from records of
// form source, in the order of their target forms.
func (e *Engine) ConversionsFrom(source string) []ConversionInfo {
	var out []ConversionInfo
	for _, c := range e.Snapshot().Forms() {
		for _, cv := range c.Conversions() {
			if cv.From == source {
				out = append(out, ConversionInfo{Key: cv.Key, Title: cv.Title, From: cv.From, Target: c.Form.Key, When: cv.When})
			}
		}
	}
	return out
}

// conversion finds conversion key from records of source. Keys are unique
// per target form; from one source the first target (by key) wins.
func (e *Engine) conversion(source, key string) (*forms.CConversion, error) {
	snap := e.Snapshot()
	for _, c := range snap.Forms() {
		if cv, ok := c.Conversion(key); ok && cv.From == source {
			fresh, ok := cv.Fresh(snap)
			if !ok {
				return nil, fmt.Errorf("%w: conversion %s of %s no longer fits form %s; publish %s again", store.ErrInvalid, key, c.Form.Key, source, c.Form.Key)
			}
			return fresh, nil
		}
	}
	return nil, fmt.Errorf("%w: form %s has no conversion %q", store.ErrNotFound, source, key)
}

// Convert creates a record of the conversion's target form from record id
// of source, for p, who must be able to read the source record and create
// target records. The read, the new record, the flows its creation starts
// and the audit entry naming the source commit together. The mapping, set
// by whoever defined the conversion, may fill fields p could not type in
// (as a flow action does); the new record must still fall within p's rows.
func (e *Engine) Convert(ctx context.Context, p *Principal, source *forms.Compiled, id int64, key string) (*forms.Compiled, forms.Record, error) {
	cv, err := e.conversion(source.Form.Key, key)
	if err != nil {
		return nil, nil, err
	}
	read, err := e.AccessFor(p, cv.Source, rbac.ActRead)
	if err != nil {
		return nil, nil, err
	}
	create, err := e.AccessFor(p, cv.Target, rbac.ActCreate)
	if err != nil {
		return nil, nil, err
	}
	var rec forms.Record
	err = e.db.WithTx(ctx, func(ctx context.Context) error {
		src, err := e.records.GetAs(ctx, cv.Source, id, read)
		if err != nil {
			return err
		}
		in, err := cv.Input(src, p.Actor())
		if err != nil {
			return err
		}
		rec, err = e.CreateRecord(ctx, p, cv.Target, forms.Write{Input: in, Actor: p.Actor(), Trusted: true,
			Access: forms.NewAccess(create.Rows, nil, forms.Writable)})
		if err != nil {
			return err
		}
		note, _ := json.Marshal(map[string]any{"conversion": cv.Key, "from": map[string]any{"form": cv.From, "id": id},
			"to": map[string]any{"form": cv.Target.Form.Key, "id": rec.ID()}})
		return e.db.Append(ctx, &store.AuditEntry{ActorID: p.User.ID, Action: "record.convert", TargetKind: "form",
			TargetKey: cv.From, RecordID: id, Changes: string(note),
			Summary: fmt.Sprintf("converted %s #%d into %s #%d (%s)", cv.From, id, cv.Target.Form.Key, rec.ID(), cv.Key)})
	})
	if err != nil {
		return nil, nil, err
	}
	return cv.Target, rec, nil
}
