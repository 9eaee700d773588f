package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/portal"
	"github.com/mosaic-lowcode/mosaic/store"
)

// maxPortalRecords bounds the tracked records one customer is shown.
const maxPortalRecords = 200

// PortalSession is a customer in a portal: everything the portal API serves
// is limited to records linked to Customer.
type PortalSession struct {
	Portal     *portal.Compiled
	CustomerID int64
	Customer   forms.Record
	Expires    time.Time
	UserID     int64
}

// OpenPortal turns a portal token into a session. The customer must still
// exist; a portal unpublished since the link was made refuses it.
func (e *Engine) OpenPortal(ctx context.Context, tok string, now time.Time) (*PortalSession, error) {
	g, err := e.VerifyPortalToken(tok, now)
	if err != nil {
		return nil, err
	}
	p, ok := e.Snapshot().Portal(g.Portal)
	if !ok {
		return nil, fmt.Errorf("%w: this portal is closed", store.ErrForbidden)
	}
	cf, ok := e.Snapshot().Form(p.Customer.Form)
	if !ok {
		return nil, fmt.Errorf("%w: this portal is closed", store.ErrForbidden)
	}
	cust, err := e.records.Get(ctx, cf, g.Customer)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: this portal link is not valid any more", store.ErrForbidden)
	}
	if err != nil {
		return nil, err
	}
	return &PortalSession{Portal: p, CustomerID: g.Customer, Customer: cust, Expires: g.Expires, UserID: g.User}, nil
}

// PortalLink makes a link to portal key for customer id, good for life.
func (e *Engine) PortalLink(ctx context.Context, key string, customer int64, life time.Duration) (string, string, time.Time, error) {
	p, ok := e.Snapshot().Portal(key)
	if !ok {
		return "", "", time.Time{}, fmt.Errorf("%w: there is no published portal %q", store.ErrNotFound, key)
	}
	cf, ok := e.Snapshot().Form(p.Customer.Form)
	if !ok {
		return "", "", time.Time{}, fmt.Errorf("%w: form %q is not published", store.ErrNotFound, p.Customer.Form)
	}
	if _, err := e.records.Get(ctx, cf, customer); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return "", "", time.Time{}, invalid("/customer", fmt.Sprintf("there is no %s record %d", p.Customer.Form, customer))
		}
		return "", "", time.Time{}, err
	}
	if life <= 0 {
		life = PortalLinkLife
	}
	exp := time.Now().UTC().Add(life).Truncate(time.Second)
	tok, err := e.PortalToken(PortalGrant{Portal: key, Customer: customer, Expires: exp})
	if err != nil {
		return "", "", time.Time{}, err
	}
	return e.baseURL() + "/portal/t/" + tok, tok, exp, nil
}

// PortalHome is what the portal shows first: its branding, who is signed
// in, what is tracked and the service-request form.
type PortalHome struct {
	Key      string          `json:"key"`
	Branding portal.Branding `json:"branding"`
	Customer PortalCustomer  `json:"customer"`
	Tracked  []PortalTracked `json:"tracked"`
	Service  *PortalService  `json:"service,omitempty"`
	Expires  time.Time       `json:"expires"`
}

// PortalCustomer names the customer.
type PortalCustomer struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// PortalTracked names a tracked form.
type PortalTracked struct {
	Form  string      `json:"form"`
	Title portal.Text `json:"title"`
}

// PortalService is the service-request form as the customer fills it.
type PortalService struct {
	Form       *forms.Form `json:"form"`
	OrderField string      `json:"order_field,omitempty"`
}

// PortalHome returns the session's home.
func (e *Engine) PortalHome(s *PortalSession) *PortalHome {
	h := &PortalHome{Key: s.Portal.Key, Branding: s.Portal.Branding, Expires: s.Expires,
		Customer: PortalCustomer{ID: s.CustomerID, Name: fmt.Sprint(valueOr(s.Customer[s.Portal.Customer.NameField], ""))}}
	for _, t := range s.Portal.Tracked {
		h.Tracked = append(h.Tracked, PortalTracked{Form: t.Form, Title: t.Title})
	}
	if sv := s.Portal.Service; sv != nil {
		if c, ok := e.Snapshot().Form(sv.Form); ok {
			h.Service = &PortalService{Form: forms.VisibleDefinition(c.Form, serviceAccess(sv)), OrderField: sv.OrderField}
		}
	}
	return h
}

// serviceAccess lets a customer write the service form's listed fields
// and nothing else.
func serviceAccess(sv *portal.Service) *forms.Access {
	levels := map[string]forms.FieldLevel{}
	for _, f := range sv.Fields {
		levels[f] = forms.Writable
	}
	return forms.NewAccess(nil, levels, forms.Hidden)
}

func valueOr(v, def any) any {
	if v == nil {
		return def
	}
	return v
}

// ownedBy is the condition "field links to the session's customer".
func ownedBy(c *forms.Compiled, field string, customer int64) (store.Cond, error) {
	f, ok := c.Field(field)
	if !ok || f.Column == "" {
		return nil, fmt.Errorf("form %s has no relation column %q", c.Form.Key, field)
	}
	return store.Compare(f.Column, "=", customer), nil
}

// linkedTo lists the records of c whose field is one of ids.
func (e *Engine) linkedTo(ctx context.Context, c *forms.Compiled, field string, ids []int64) ([]forms.Record, error) {
	f, ok := c.Field(field)
	if !ok || f.Column == "" || len(ids) == 0 {
		return nil, nil
	}
	vals := make([]any, len(ids))
	for i, id := range ids {
		vals[i] = id
	}
	res, err := e.records.List(ctx, c, forms.ListQuery{Access: forms.NewAccess(store.In(f.Column, vals, false), nil, forms.ReadOnly),
		PerPage: 500, SkipTotal: true, Sort: "created_at"})
	return res.Items, err
}

func recordIDs(recs []forms.Record) []int64 {
	out := make([]int64, len(recs))
	for i, r := range recs {
		out[i] = r.ID()
	}
	return out
}
