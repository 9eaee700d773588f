package main

import (
	"context"
	"slices"

	"github.com/shopspring/decimal"
)

// The finance and delivery dashboards' reports, written by hand.

// receivables is finance_receivables: approved orders' billed and received
// amounts by order month, what is outstanding, and the grand total.
func (h *handDB) receivables(ctx context.Context) (*figures, error) {
	const pg = `SELECT to_char(date_trunc('month', order_date::timestamp), 'YYYY-MM'), sum(amount), sum(received_amount)
		FROM f_order
		WHERE status = 'approved'
		GROUP BY date_trunc('month', order_date::timestamp)
		ORDER BY 1`
	const lite = `SELECT strftime('%Y-%m', order_date), sum(amount), sum(received_amount)
		FROM f_order
		WHERE status = 'approved'
		GROUP BY 1
		ORDER BY 1`
	f := &figures{}
	err := h.each(ctx, pg, lite, nil, func(scan rowScanner) error {
		var month *string
		var billed, received int64
		if err := scan(&month, &billed, &received); err != nil {
			return err
		}
		f.rows = append(f.rows, owed(figRow{"month": nullString(month), "billed": money(billed), "received": money(received)}, "outstanding"))
		return nil
	})
	if err != nil {
		return nil, err
	}
	f.totals = owed(sumRows(f.rows, "billed", "received"), "outstanding")
	return f, nil
}

// owed sets key to billed - received (nil when either is).
func owed(r figRow, key string) figRow {
	b, bok := r["billed"].(decimal.Decimal)
	x, xok := r["received"].(decimal.Decimal)
	r[key] = nil
	if bok && xok {
		r[key] = float(b) - float(x)
	}
	return r
}

// unpaid is finance_unpaid: approved orders ordered before a date (any
// date for ""), by region: how many, billed, received and still owed, the most owed first.
func (h *handDB) unpaid(ctx context.Context, before string) (*figures, error) {
	where, args := "", []any(nil)
	if before != "" {
		where, args = " AND order_date < $1", []any{h.date(before)}
	}
	q := `SELECT region, count(*), sum(amount), sum(received_amount)
		FROM f_order
		WHERE status = 'approved'` + where + `
		GROUP BY region
		ORDER BY sum(amount) - sum(received_amount) DESC, region`
	f := &figures{}
	err := h.each(ctx, q, liteScan(q, "GROUP BY region", "GROUP BY +region"), args, func(scan rowScanner) error {
		var region *string
		var orders, billed, received int64
		if err := scan(&region, &orders, &billed, &received); err != nil {
			return err
		}
		f.rows = append(f.rows, owed(figRow{"region": nullString(region), "orders": orders, "billed": money(billed),
			"received": money(received)}, "owed"))
		return nil
	})
	return f, err
}

// paymentCycle is finance_payment_cycle: confirmed payments by their
// order's region: the average days to pay, how many, and the amount, the
// slowest region first.
func (h *handDB) paymentCycle(ctx context.Context) (*figures, error) {
	const q = `SELECT o.region, avg(p.days_to_pay) AS days, count(*), sum(p.amount)
		FROM f_payment p LEFT JOIN f_order o ON o.id = p.sales_order
		WHERE p.status = 'confirmed'
		GROUP BY o.region
		ORDER BY days DESC, o.region`
	f := &figures{}
	err := h.each(ctx, q, "", nil, func(scan rowScanner) error {
		var region *string
		var days *float64
		var payments, amount int64
		if err := scan(&region, &days, &payments, &amount); err != nil {
			return err
		}
		r := figRow{"region": nullString(region), "days": nil, "payments": payments, "amount": money(amount)}
		if days != nil {
			r["days"] = *days
		}
		f.rows = append(f.rows, r)
		return nil
	})
	return f, err
}

// ordersByStatus is delivery_orders_by_status: orders by status and type,
// laid out as a pivot with its row, column and grand totals.
func (h *handDB) ordersByStatus(ctx context.Context) (*figures, error) {
	const q = `SELECT status, type, count(*) FROM f_order GROUP BY status, type ORDER BY 1, 2`
	f := &figures{}
	err := h.each(ctx, q, liteScan(q, "GROUP BY status", "GROUP BY +status"), nil, func(scan rowScanner) error {
		var status, typ *string
		var orders int64
		if err := scan(&status, &typ, &orders); err != nil {
			return err
		}
		f.rows = append(f.rows, figRow{"status": nullString(status), "type": nullString(typ), "orders": orders})
		return nil
	})
	if err != nil {
		return nil, err
	}
	statuses, byStatus := groupRows(f.rows, "status")
	for _, s := range statuses {
		t := sumRows(byStatus[s], "orders")
		t["status"] = s
		f.rowTotals = append(f.rowTotals, t)
	}
	_, byType := groupRows(f.rows, "type")
	for _, typ := range sortedValues(f.rows, "type") {
		t := sumRows(byType[typ], "orders")
		t["type"] = typ
		f.colTotals = append(f.colTotals, t)
	}
	f.totals = sumRows(f.rows, "orders")
	return f, nil
}

// margin is delivery_margin: approved orders' revenue, cost and margin by
// region, with the margin rate, the lowest rate first.
func (h *handDB) margin(ctx context.Context) (*figures, error) {
	const q = `SELECT region, sum(amount), sum(cost), sum(margin)
		FROM f_order
		WHERE status = 'approved'
		GROUP BY region
		ORDER BY region`
	f := &figures{}
	err := h.each(ctx, q, liteScan(q, "GROUP BY region", "GROUP BY +region"), nil, func(scan rowScanner) error {
		var region *string
		var revenue, cost, margin int64
		if err := scan(&region, &revenue, &cost, &margin); err != nil {
			return err
		}
		f.rows = append(f.rows, figRow{"region": nullString(region), "revenue": money(revenue), "cost": money(cost),
			"margin": money(margin), "rate": ratioOf(float64(margin), float64(revenue))})
		return nil
	})
	slices.SortStableFunc(f.rows, func(a, b figRow) int { return compareFloats(a["rate"], b["rate"]) })
	return f, err
}

// compareFloats orders float figures ascending, none last.
func compareFloats(a, b any) int {
	x, xok := a.(float64)
	y, yok := b.(float64)
	switch {
	case !xok && !yok:
		return 0
	case !xok:
		return 1
	case !yok:
		return -1
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}
