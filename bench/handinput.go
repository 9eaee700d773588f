package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// orderInput is the body of POST /orders. Unknown properties are rejected
// by the decoder; read-only and computed fields are therefore not accepted.
type orderInput struct {
	Customer         *int64       `json:"customer"`
	OrderDate        *string      `json:"order_date"`
	Region           *string      `json:"region"`
	SalesRep         *int64       `json:"sales_rep"`
	Type             *string      `json:"type"`
	Items            []lineInput  `json:"items"`
	Discount         *json.Number `json:"discount"`
	Currency         *string      `json:"currency"`
	DeliveryDate     *string      `json:"delivery_date"`
	ContractRequired *bool        `json:"contract_required"`
	Notes            *string      `json:"notes"`
}

// lineInput is one order line of the body.
type lineInput struct {
	Product     *int64       `json:"product"`
	Description *string      `json:"description"`
	Qty         *int64       `json:"qty"`
	UnitPrice   *json.Number `json:"unit_price"`
	UnitCost    *json.Number `json:"unit_cost"`
}

// validOrder is an order ready to insert: defaults applied, formulas
// computed, money in minor units.
type validOrder struct {
	number           string
	customer         int64
	orderDate        time.Time
	region           *string
	salesRep         *int64
	typ              string
	lines            []validLine
	discount         int64 // scale 4
	subtotal, amount int64 // scale 2
	cost, margin     int64 // scale 2
	receivedAmount   int64 // scale 2; read-only, 0 until payments are confirmed
	currency         string
	status           string
	deliveryDate     *time.Time
	contractRequired *bool
	notes            *string
}

// validLine is an order line ready to insert.
type validLine struct {
	product              int64
	description          *string
	qty                  int64
	unitPrice, lineTotal int64
	unitCost             *int64
	lineCost             int64 // qty * unit cost; an empty unit cost counts as 0
}

var (
	regions    = map[string]bool{"east": true, "north": true, "south": true, "west": true, "central": true}
	orderTypes = map[string]bool{"standard": true, "framework": true, "urgent": true}
	currencies = map[string]bool{"CNY": true, "USD": true, "EUR": true}
)

// Bounds that keep the minor-unit arithmetic below in int64.
const (
	maxLines      = 1000
	maxQty        = 1_000_000_000
	maxUnitPrice  = 1_000_000_000_00
	maxSubtotal   = 900_000_000_000_000 // for the subtotal and the cost
	contractAbove = 100_000_00          // amount above which contract_required is shown
)

// validate checks the input the way the order form does and computes the
// formulas: line_total = qty * unit_price, line_cost = qty * unit_cost,
// subtotal and cost = sums of the lines, amount = subtotal * (1 - discount),
// margin = amount - cost.
func (in *orderInput) validate(now time.Time) (*validOrder, []problemJSON) {
	var ps []problemJSON
	bad := func(path, msg string) { ps = append(ps, problemJSON{Path: path, Message: msg}) }
	o := &validOrder{status: "draft", typ: "standard", currency: "CNY", region: in.Region, salesRep: in.SalesRep,
		contractRequired: in.ContractRequired, notes: in.Notes}
	switch {
	case in.Customer == nil:
		bad("/customer", "Customer is required")
	case *in.Customer <= 0:
		bad("/customer", "Customer must be the id of a customer record")
	default:
		o.customer = *in.Customer
	}
	o.orderDate = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if in.OrderDate != nil {
		if t, err := time.Parse("2006-01-02", *in.OrderDate); err == nil {
			o.orderDate = t
		} else {
			bad("/order_date", "Order date must be a date such as 2026-03-31")
		}
	}
	if in.Region != nil && !regions[*in.Region] {
		bad("/region", "Region must be one of the options")
	}
	if in.SalesRep != nil && *in.SalesRep <= 0 {
		bad("/sales_rep", "Sales rep must be the id of a user")
	}
	if in.Type != nil {
		o.typ = *in.Type
		if !orderTypes[o.typ] {
			bad("/type", "Order type must be one of the options")
		}
	}
	if in.Currency != nil {
		o.currency = *in.Currency
		if !currencies[o.currency] {
			bad("/currency", "Currency must be one of the options")
		}
	}
	if in.Discount != nil {
		d, ok := parseFixed(in.Discount.String(), 4)
		switch {
		case !ok:
			bad("/discount", "Discount must be a number with at most 4 decimals")
		case d < 0 || d > 5000:
			bad("/discount", "Discount must be between 0 and 0.5")
		default:
			o.discount = d
		}
	}
	if in.DeliveryDate != nil {
		if t, err := time.Parse("2006-01-02", *in.DeliveryDate); err == nil {
			o.deliveryDate = &t
		} else {
			bad("/delivery_date", "Delivery date must be a date such as 2026-03-31")
		}
	}
	if in.Notes != nil && utf8.RuneCountInString(*in.Notes) > 5000 {
		bad("/notes", "Notes must be at most 5000 characters")
	}
	ps = append(ps, o.validateLines(in.Items)...)
	if len(ps) > 0 {
		return nil, ps
	}
	o.amount = (o.subtotal*(10000-o.discount) + 5000) / 10000
	o.margin = o.amount - o.cost
	if o.deliveryDate != nil && o.deliveryDate.Before(o.orderDate) {
		bad("/delivery_date", "Delivery date cannot be before the order date")
	}
	if o.typ == "urgent" && o.deliveryDate == nil {
		bad("/delivery_date", "Urgent orders need a delivery date")
	}
	if o.amount <= contractAbove {
		o.contractRequired = nil
	}
	return o, ps
}

// validateLines checks the lines and sums them into o.subtotal and o.cost.
func (o *validOrder) validateLines(items []lineInput) []problemJSON {
	var ps []problemJSON
	if len(items) == 0 {
		return []problemJSON{{Path: "/items", Message: "Order lines are required"}}
	}
	if len(items) > maxLines {
		return []problemJSON{{Path: "/items", Message: "Order lines has more than 1000 rows"}}
	}
	o.lines = make([]validLine, len(items))
	for i, it := range items {
		path := "/items/" + strconv.Itoa(i)
		bad := func(field, msg string) { ps = append(ps, problemJSON{Path: path + "/" + field, Message: msg}) }
		l := validLine{description: it.Description}
		if it.Product == nil || *it.Product <= 0 {
			bad("product", "Product is required and must be the id of a product record")
		} else {
			l.product = *it.Product
		}
		if it.Description != nil && utf8.RuneCountInString(*it.Description) > 500 {
			bad("description", "Description must be at most 500 characters")
		}
		if it.Qty == nil || *it.Qty < 1 || *it.Qty > maxQty {
			bad("qty", "Quantity is required and must be at least 1")
		} else {
			l.qty = *it.Qty
		}
		if it.UnitPrice == nil {
			bad("unit_price", "Unit price is required")
		} else if p, ok := parseFixed(it.UnitPrice.String(), 2); !ok || p < 0 || p > maxUnitPrice {
			bad("unit_price", "Unit price must be a number of at least 0 with at most 2 decimals")
		} else {
			l.unitPrice = p
		}
		if it.UnitCost != nil {
			if c, ok := parseFixed(it.UnitCost.String(), 2); !ok || c < 0 || c > maxUnitPrice {
				bad("unit_cost", "Unit cost must be a number of at least 0 with at most 2 decimals")
			} else {
				l.unitCost = &c
				l.lineCost = l.qty * c
			}
		}
		l.lineTotal = l.qty * l.unitPrice
		o.subtotal += l.lineTotal
		o.cost += l.lineCost
		o.lines[i] = l
	}
	if len(ps) == 0 && (o.subtotal > maxSubtotal || o.cost > maxSubtotal) {
		ps = append(ps, problemJSON{Path: "/items", Message: "the order total is too large"})
	}
	return ps
}

// toJSON is the stored order as the API returns it.
func (o *validOrder) toJSON(id, actor, formVersion int64, now time.Time, lineIDs []int64) *orderJSON {
	out := &orderJSON{ID: id, CreatedAt: now, CreatedBy: actor, UpdatedAt: now, UpdatedBy: actor, Owner: actor,
		RowVersion: 1, FormVersion: formVersion, Number: &o.number, Customer: &o.customer,
		OrderDate: dateJSON(&o.orderDate), Region: o.region, SalesRep: o.salesRep, Type: &o.typ,
		Discount: fixedJSON(&o.discount, 4), Subtotal: fixedJSON(&o.subtotal, 2), Amount: fixedJSON(&o.amount, 2),
		Cost: fixedJSON(&o.cost, 2), Margin: fixedJSON(&o.margin, 2), ReceivedAmount: fixedJSON(&o.receivedAmount, 2), Currency: &o.currency, Status: &o.status, DeliveryDate: dateJSON(o.deliveryDate),
		ContractRequired: o.contractRequired, Notes: o.notes}
	out.Items = make([]lineJSON, len(o.lines))
	for i := range o.lines {
		l := &o.lines[i]
		out.Items[i] = lineJSON{ID: lineIDs[i], Product: &l.product, Description: l.description, Qty: &l.qty,
			UnitPrice: fixedJSON(&l.unitPrice, 2), UnitCost: fixedJSON(l.unitCost, 2), LineTotal: fixedJSON(&l.lineTotal, 2),
			LineCost: fixedJSON(&l.lineCost, 2)}
	}
	return out
}

// parseFixed reads a plain decimal such as "-12.50" as an integer in units
// of 10^-scale; ok is false for anything else or for more decimals than
// scale (trailing zeros aside).
func parseFixed(s string, scale int) (int64, bool) {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" {
		return 0, false
	}
	if len(frac) > scale {
		if strings.TrimRight(frac[scale:], "0") != "" {
			return 0, false
		}
		frac = frac[:scale]
	}
	if len(whole)+scale > 17 {
		return 0, false
	}
	var v int64
	for _, digits := range []string{whole, frac, strings.Repeat("0", scale-len(frac))} {
		for i := 0; i < len(digits); i++ {
			d := digits[i]
			if d < '0' || d > '9' {
				return 0, false
			}
			v = v*10 + int64(d-'0')
		}
	}
	if neg {
		v = -v
	}
	return v, true
}

// formatFixed renders v units of 10^-scale with exactly scale decimals.
func formatFixed(v int64, scale int) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	s := strconv.FormatInt(v, 10)
	if scale == 0 {
		return sign + s
	}
	if len(s) <= scale {
		s = strings.Repeat("0", scale-len(s)+1) + s
	}
	return sign + s[:len(s)-scale] + "." + s[len(s)-scale:]
}

func fixedJSON(v *int64, scale int) *json.Number {
	if v == nil {
		return nil
	}
	n := json.Number(formatFixed(*v, scale))
	return &n
}

func dateJSON(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.Format("2006-01-02")
	return &s
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func zeroPad(v int64, width int) string {
	s := strconv.FormatInt(v, 10)
	if len(s) < width {
		s = strings.Repeat("0", width-len(s)) + s
	}
	return s
}
