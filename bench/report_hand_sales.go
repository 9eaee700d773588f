package main

import (
	"context"
	"time"
)

// The sales dashboard's reports, written by hand.

// salesRevenue is sales_revenue: approved orders' revenue and count by
// order month and region in [from, to), with a subtotal per month and the
// grand total; owner > 0 keeps one owner's orders (a sales rep's scope).
func (h *handDB) salesRevenue(ctx context.Context, from, to string, owner int64) (*figures, error) {
	where, args := "", []any{h.date(from), h.date(to)}
	if owner > 0 {
		where, args = " AND owner = $3", append(args, owner)
	}
	pg := `SELECT to_char(date_trunc('month', order_date::timestamp), 'YYYY-MM') AS month, region,
			sum(amount), count(*)
		FROM f_order
		WHERE status = 'approved' AND order_date >= $1 AND order_date < $2` + where + `
		GROUP BY date_trunc('month', order_date::timestamp), region
		ORDER BY 1, 2`
	lite := litePlaceholders(`SELECT strftime('%Y-%m', order_date) AS month, region, sum(amount), count(*)
		FROM f_order
		WHERE status = 'approved' AND order_date >= $1 AND order_date < $2` + where + `
		GROUP BY 1, 2
		ORDER BY 1, 2`)
	f := &figures{}
	err := h.each(ctx, pg, lite, args, func(scan rowScanner) error {
		var month string
		var region *string
		var revenue, orders int64
		if err := scan(&month, &region, &revenue, &orders); err != nil {
			return err
		}
		f.rows = append(f.rows, figRow{"month": month, "region": nullString(region), "revenue": money(revenue), "orders": orders})
		return nil
	})
	if err != nil {
		return nil, err
	}
	months, byMonth := groupRows(f.rows, "month")
	for _, m := range months {
		sub := sumRows(byMonth[m], "revenue", "orders")
		sub["month"] = m
		f.subtotals = append(f.subtotals, sub)
	}
	f.totals = sumRows(f.rows, "revenue", "orders")
	return f, nil
}

// averageOrder is sales_average_order: approved orders' revenue, count and
// average in [from, to), against the period of the same length before.
func (h *handDB) averageOrder(ctx context.Context, from, to string) (*figures, error) {
	const q = `SELECT order_date >= $2 AS current, sum(amount), count(*)
		FROM f_order
		WHERE status = 'approved' AND order_date >= $1 AND order_date < $3
		GROUP BY 1`
	start, _ := time.Parse("2006-01-02", from)
	end, _ := time.Parse("2006-01-02", to)
	before := start.Add(-end.Sub(start)).Format("2006-01-02")
	period := map[bool]figRow{true: {"revenue": nil, "orders": int64(0)}, false: {"revenue": nil, "orders": int64(0)}}
	err := h.each(ctx, q, "", []any{h.date(before), h.date(from), h.date(to)}, func(scan rowScanner) error {
		var current bool
		var revenue, orders int64
		if err := scan(&current, &revenue, &orders); err != nil {
			return err
		}
		period[current] = figRow{"revenue": money(revenue), "orders": orders}
		return nil
	})
	if err != nil {
		return nil, err
	}
	f := &figures{}
	for _, r := range period {
		r["average"] = nil
		if n := r["orders"].(int64); n > 0 {
			r["average"] = float(r["revenue"].(decimalValue)) / float64(n)
		}
	}
	f.rows, f.previous = []figRow{period[true]}, period[false]
	f.change = figRow{}
	for _, k := range []string{"revenue", "orders", "average"} {
		a, aok := asFloat(period[true][k])
		b, bok := asFloat(period[false][k])
		f.change[k] = nil
		if aok && bok && b != 0 {
			f.change[k] = (a - b) / b
		}
	}
	return f, nil
}

// funnel is sales_funnel: the leads, those that reached a quote and those
// won, and the conversion; owner > 0 keeps one owner's leads.
func (h *handDB) funnel(ctx context.Context, owner int64) (*figures, error) {
	q, args := `SELECT count(*), count(*) FILTER (WHERE reached_quote), count(*) FILTER (WHERE stage = 'won')
		FROM f_lead`, []any(nil)
	if owner > 0 {
		q, args = q+" WHERE owner = $1", []any{owner}
	}
	var row figRow
	err := h.each(ctx, q, "", args, func(scan rowScanner) error {
		var leads, quoted, won int64
		if err := scan(&leads, &quoted, &won); err != nil {
			return err
		}
		row = figRow{"leads": leads, "quoted": quoted, "won": won, "conversion": ratioOf(float64(won), float64(leads))}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &figures{rows: []figRow{row}}, nil
}

// topCustomers is sales_top_customers: the ten customers with the most
// approved revenue in [from, to), and the others folded into one row. The
// window sums give the grand total in the same pass, so the others are the
// total less the ten.
func (h *handDB) topCustomers(ctx context.Context, from, to string) (*figures, error) {
	const q = `SELECT c.name, sum(o.amount) AS revenue, count(*),
			sum(sum(o.amount)) OVER (), sum(count(*)) OVER (), count(*) OVER ()
		FROM f_order o LEFT JOIN f_customer c ON c.id = o.customer
		WHERE o.status = 'approved' AND o.order_date >= $1 AND o.order_date < $2
		GROUP BY c.name
		ORDER BY revenue DESC, c.name
		LIMIT 10`
	f := &figures{}
	var allRevenue, allOrders, groups int64
	err := h.each(ctx, q, "", []any{h.date(from), h.date(to)}, func(scan rowScanner) error {
		var name *string
		var revenue, orders int64
		if err := scan(&name, &revenue, &orders, &allRevenue, &allOrders, &groups); err != nil {
			return err
		}
		f.rows = append(f.rows, figRow{"customer": nullString(name), "revenue": money(revenue), "orders": orders})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if groups > int64(len(f.rows)) {
		top := sumRows(f.rows, "revenue", "orders")
		f.others = figRow{"customer": nil, "revenue": money(allRevenue).Sub(top["revenue"].(decimalValue)),
			"orders": allOrders - top["orders"].(int64)}
	}
	return f, nil
}
