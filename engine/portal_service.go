package engine

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// PortalTicket is a service request as its customer follows it.
type PortalTicket struct {
	ID        int64          `json:"id"`
	Title     string         `json:"title"`
	Status    string         `json:"status"`
	StatusKey string         `json:"status_key"`
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`
	Values    map[string]any `json:"values"`
}

// portalService returns the portal's service form, or not found.
func (e *Engine) portalService(s *PortalSession) (*forms.Compiled, error) {
	if sv := s.Portal.Service; sv != nil {
		if c, ok := e.Snapshot().Form(sv.Form); ok {
			return c, nil
		}
	}
	return nil, fmt.Errorf("%w: this portal takes no service requests", store.ErrNotFound)
}

// PortalTickets lists the customer's service requests, newest first.
func (e *Engine) PortalTickets(ctx context.Context, s *PortalSession) ([]PortalTicket, error) {
	c, err := e.portalService(s)
	if err != nil {
		return nil, err
	}
	sv := s.Portal.Service
	rows, err := ownedBy(c, sv.CustomerField, s.CustomerID)
	if err != nil {
		return nil, err
	}
	res, err := e.records.List(ctx, c, forms.ListQuery{Access: forms.NewAccess(rows, nil, forms.ReadOnly),
		Sort: "-created_at", PerPage: maxPortalRecords, SkipTotal: true})
	if err != nil {
		return nil, err
	}
	out := make([]PortalTicket, 0, len(res.Items))
	for _, rec := range res.Items {
		out = append(out, e.portalTicket(c, s, rec))
	}
	return out, nil
}

func (e *Engine) portalTicket(c *forms.Compiled, s *PortalSession, rec forms.Record) PortalTicket {
	sv := s.Portal.Service
	js := c.JSONAs(rec, serviceAccess(sv), nil)
	values := map[string]any{}
	for _, k := range sv.Fields {
		values[k] = js[k]
	}
	status := fmt.Sprint(valueOr(rec[sv.StatusField], ""))
	label := status
	if f, ok := c.Field(sv.StatusField); ok {
		for _, o := range f.Options {
			if o.Value == status {
				label = o.Label
			}
		}
	}
	created, _ := rec["created_at"].(time.Time)
	updated, _ := rec["updated_at"].(time.Time)
	return PortalTicket{ID: rec.ID(), Title: fmt.Sprint(valueOr(rec[sv.TitleField], "")), Status: label, StatusKey: status,
		CreatedAt: created, UpdatedAt: updated, Values: values}
}

// PortalCreateTicket files a service request for the session's customer.
// Only the fields the portal lists may be sent; the customer link is set
// here, and a linked order must be one of the customer's own.
func (e *Engine) PortalCreateTicket(ctx context.Context, s *PortalSession, input map[string]any) (*PortalTicket, error) {
	c, err := e.portalService(s)
	if err != nil {
		return nil, err
	}
	sv := s.Portal.Service
	acc := serviceAccess(sv)
	pl := &forms.ProblemList{Subject: "request"}
	for k := range input {
		if !acc.CanWrite(k) {
			pl.Problems = append(pl.Problems, forms.Problem{Path: "/" + k, Code: forms.CodeForbiddenField,
				Message: fmt.Sprintf("the portal does not let you set %q", k)})
		}
	}
	if len(pl.Problems) > 0 {
		return nil, pl
	}
	if v, ok := input[sv.OrderField]; ok && sv.OrderField != "" && v != nil && len(s.Portal.Tracked) > 0 {
		id, _ := strconv.ParseInt(fmt.Sprint(v), 10, 64)
		if _, err := e.PortalRecord(ctx, s, s.Portal.Tracked[0].Form, id); err != nil {
			return nil, &forms.ProblemList{Subject: "request", Problems: []forms.Problem{{Path: "/" + sv.OrderField,
				Code: forms.CodeNotFound, Message: "pick one of your own records"}}}
		}
	}
	in := make(map[string]any, len(input)+1)
	for k, v := range input {
		in[k] = v
	}
	in[sv.CustomerField] = s.CustomerID
	fixed := []string{sv.CustomerField}
	for k, v := range sv.Set {
		in[k] = v
		fixed = append(fixed, k)
	}
	actor := forms.Actor{ID: s.UserID, Name: "portal"}
	rec, err := e.CreateRecord(ctx, &Principal{}, c, forms.Write{Input: in, Actor: actor, Access: acc.Widen(fixed...)})
	if err != nil {
		return nil, err
	}
	t := e.portalTicket(c, s, rec)
	return &t, nil
}
