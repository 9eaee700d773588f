// Package reports holds report and dashboard definitions (kinds "report"
// and "dashboard"), their compiler, the planner that turns a report into
// one parameterised SQL statement per dialect (rendered and run by the
// store), the runner that shapes its rows into a typed result (totals,
// others, pivot, derived measures), and drill-down to the records behind a
// cell. It knows nothing of HTTP.
//
// A report reads one source: a form, or a built-in source (the audit log,
// flow tasks). Dimensions and measures name fields by path: "amount" on the
// source, "customer.region" on a form reached through the relation field
// customer, "order.customer.industry" two relations away. Aggregation runs
// in the database; derived measures (expressions over other measures, such
// as won / total) are computed on the aggregated rows.
//
// Permissions apply as for records: the viewer's row scope on the source
// filters the rows aggregated, a related record the viewer may not read
// counts as if absent (its fields are empty), and a report that uses a
// field the viewer may not read is refused with a *ForbiddenError naming it.
//
// The usual sequence:
//
//	r, _ := reports.Parse(raw)
//	c, err := reports.Compile(r, version, forms)     // at publish
//	res, err := reports.Run(ctx, db, c, reports.Request{Params: p}, viewer)
//	d, err := reports.Drill(ctx, db, c, reports.Request{Params: p}, cell, viewer)
package reports
