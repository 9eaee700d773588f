package engine

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// PortalCustomerAttribute is the user attribute linking a portal user to
// their customer record: {"portal_customer": 42}.
const PortalCustomerAttribute = "portal_customer"

// portalUserLife is how long a portal user's sign-in lasts.
const portalUserLife = SessionTTL

// PortalLogin signs a portal user in to portal key and returns a portal
// token bound to their customer: the record named by their
// portal_customer attribute, or else the one customer whose e-mail field
// (the portal's customer.email_field) is their address. Passwords,
// lockout and audit are those of every sign-in; the user gets no staff
// session. A user linked to no customer is refused like a wrong password.
func (e *Engine) PortalLogin(ctx context.Context, key, email, password, ip string) (string, time.Time, error) {
	p, ok := e.Snapshot().Portal(key)
	if !ok {
		return "", time.Time{}, fmt.Errorf("%w: there is no published portal %q", store.ErrNotFound, key)
	}
	staff, u, err := e.Login(ctx, email, password, ip)
	if err != nil {
		return "", time.Time{}, err
	}
	// note: the password was checked the usual way; the staff session it
	// opened is closed at once, so a portal sign-in reaches only the portal.
	if err := e.Logout(ctx, staff); err != nil {
		return "", time.Time{}, err
	}
	customer, err := e.portalCustomerOf(ctx, p.Customer.Form, p.Customer.EmailField, u)
	if err != nil {
		return "", time.Time{}, err
	}
	exp := time.Now().UTC().Add(portalUserLife).Truncate(time.Second)
	tok, err := e.PortalToken(PortalGrant{Portal: key, Customer: customer, Expires: exp, User: u.ID})
	return tok, exp, err
}

func (e *Engine) portalCustomerOf(ctx context.Context, form, emailField string, u *store.User) (int64, error) {
	c, ok := e.Snapshot().Form(form)
	if !ok {
		return 0, ErrBadCredentials
	}
	if v, ok := userAttributes(*u)[PortalCustomerAttribute]; ok {
		id, err := strconv.ParseInt(fmt.Sprint(v), 10, 64)
		if err != nil || id <= 0 {
			return 0, ErrBadCredentials
		}
		if _, err := e.records.Get(ctx, c, id); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return 0, ErrBadCredentials
			}
			return 0, err
		}
		return id, nil
	}
	f, ok := c.Field(emailField)
	if emailField == "" || !ok || f.Column == "" {
		return 0, ErrBadCredentials
	}
	res, err := e.records.List(ctx, c, forms.ListQuery{Access: forms.NewAccess(store.Compare(f.Column, "=", u.Email), nil, forms.ReadOnly),
		PerPage: 2, SkipTotal: true})
	if err != nil {
		return 0, err
	}
	// note: an address shared by two customers links to neither.
	if len(res.Items) != 1 {
		return 0, ErrBadCredentials
	}
	return res.Items[0].ID(), nil
}
