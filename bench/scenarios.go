package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The list scenario: the engine's filter and sort, and the same query as the
// hand-written endpoint's parameters.
const (
	listFilter = `region == "east" && status in ["submitted", "approved"] && amount >= 100000`
	listSort   = "-amount"
	handQuery  = "region=east&status=submitted,approved&min_amount=100000&sort=-amount"
	listPages  = 5
	perPage    = 20
)

// The access scenarios (issue 3): a list page of 50 orders with 20 fields,
// as a sales rep (row scope "own", fields hidden) and as an admin.
const (
	accessPerPage = 50
	accessSort    = "-order_date"
)

// accessFields are the 20 fields of the access scenarios' page: every order
// field a sales rep may read (all but cost and margin), the lines among them
// (whose unit_cost and line_cost the rep may not read), and four system
// columns. The id always comes too.
var accessFields = []string{"number", "customer", "order_date", "region", "sales_rep", "type", "items", "discount",
	"subtotal", "amount", "currency", "status", "delivery_date", "contract_required", "attachments", "notes",
	"owner", "created_at", "updated_at", "row_version"}

// repHidden are the order lines' columns the sales rep may not read; the
// order's own hidden fields (cost, margin) are not in accessFields, since
// asking for them is refused.
var repHidden = []string{"unit_cost", "line_cost"}

// Targets: p50 of side a over p50 of side b.
const (
	createTarget = 1.3
	listTarget   = 1.2
	accessTarget = 1.15
)

// Scenario keys.
const (
	keyCreate      = "create"
	keyList        = "list"
	keySameRows    = "rep-same-rows"
	keySameRequest = "rep-same-request"
)

// scenarios are the measured workloads, in order. The access scenarios come
// first, on the seeded orders alone: the create scenario adds thousands of
// the admin's orders, all dated today, which would then top every page
// sorted by -order_date (the admin's, and the rep's through its index scan).
func scenarios(env *benchEnv) []scenario {
	engineVsHand := [2]string{"engine", "hand-written"}
	repVsAdmin := [2]string{"sales rep", "admin"}
	return []scenario{
		{
			key: keySameRows, group: groupAccess, sides: repVsAdmin, target: accessTarget,
			name: fmt.Sprintf("list page of %d, %d fields: same rows (admin filters owner)", accessPerPage, len(accessFields)),
			a: func(i int) request {
				return request{method: http.MethodGet, url: accessURL(env, "", i), token: env.repToken, want: http.StatusOK}
			},
			b: func(i int) request {
				return request{method: http.MethodGet, url: accessURL(env, adminOwnerFilter(env), i), token: env.token,
					want: http.StatusOK}
			},
			check: func(rb, ab []byte) []string { return checkSameRows(env, rb, ab) },
		},
		{
			key: keySameRequest, group: groupAccess, sides: repVsAdmin, target: accessTarget,
			name: fmt.Sprintf("list page of %d, %d fields: same request (admin sees every order)", accessPerPage, len(accessFields)),
			a: func(i int) request {
				return request{method: http.MethodGet, url: accessURL(env, "", i), token: env.repToken, want: http.StatusOK}
			},
			b: func(i int) request {
				return request{method: http.MethodGet, url: accessURL(env, "", i), token: env.token, want: http.StatusOK}
			},
			check: func(rb, ab []byte) []string { return checkSameRequest(env, rb, ab) },
		},
		{
			key: keyCreate, name: "create order with 3 lines", group: groupHand, sides: engineVsHand,
			target: createTarget,
			a: func(i int) request {
				return request{method: http.MethodPost, url: env.engineSrv.url + "/api/v1/forms/order/records",
					body: orderBody(env, i), token: env.token, want: http.StatusCreated}
			},
			b: func(i int) request {
				return request{method: http.MethodPost, url: env.handSrv.url + "/orders",
					body: orderBody(env, i), token: env.token, want: http.StatusCreated}
			},
			check: checkCreate,
		},
		{
			key: keyList, name: fmt.Sprintf("filtered, sorted list page of %d", perPage), group: groupHand,
			sides: engineVsHand, target: listTarget,
			a: func(i int) request {
				return request{method: http.MethodGet, url: engineListURL(env, i), token: env.token, want: http.StatusOK}
			},
			b: func(i int) request {
				return request{method: http.MethodGet, url: handListURL(env, i), token: env.token, want: http.StatusOK}
			},
			check: checkList,
		},
	}
}

// scenarioByKey finds one of scenarios(env).
func scenarioByKey(env *benchEnv, key string) scenario {
	for _, s := range scenarios(env) {
		if s.key == key {
			return s
		}
	}
	panic("no scenario " + key) // note: keys are the constants above.
}

// accessURL is the i-th access list page, with filter when not "".
func accessURL(env *benchEnv, filter string, i int) string {
	u := fmt.Sprintf("%s/api/v1/forms/order/records?per_page=%d&fields=%s&sort=%s&page=%d", env.engineSrv.url,
		accessPerPage, strings.Join(accessFields, ","), url.QueryEscape(accessSort), 1+i%listPages)
	if filter != "" {
		u += "&filter=" + url.QueryEscape(filter)
	}
	return u
}

// accessPageSQL is the page query (page 1) and the count the engine sends
// for an access page, with the condition where (no condition when ""), as
// its statement log shows them; explainAccess runs EXPLAIN on them, and the
// statement trace checks that the engine sent statements of the same shapes.
func accessPageSQL(where string) (page, count string) {
	// note: the engine selects the id, then the columns in the order of the
	// field list; the lines (a sub-table) have none.
	cols := []string{`"id"`}
	for _, k := range accessFields {
		if k != "items" {
			cols = append(cols, `"`+k+`"`)
		}
	}
	if where != "" {
		where = " WHERE " + where
	}
	page = "SELECT " + strings.Join(cols, ", ") + ` FROM "f_order"` + where +
		fmt.Sprintf(` ORDER BY "order_date" DESC, "id" LIMIT %d`, accessPerPage)
	return page, `SELECT COUNT(*) FROM "f_order"` + where
}

// refusal is how the list endpoint answered the sales rep's request for a
// field the rep may not read.
type refusal struct {
	query   string
	status  int
	refused bool // 400, 403 or 422
	body    string
}

// repRefusals asks the list endpoint, as the sales rep, for the order
// fields the rep may not read, through the fields, filter and sort
// parameters.
func repRefusals(ctx context.Context, env *benchEnv, d *driver) ([]refusal, error) {
	var out []refusal
	base := fmt.Sprintf("%s/api/v1/forms/order/records?per_page=%d&", env.engineSrv.url, accessPerPage)
	for _, q := range []string{"fields=margin", "fields=cost", "filter=margin > 0", "sort=-margin"} {
		k, v, _ := strings.Cut(q, "=")
		status, b, err := d.send(ctx, request{method: http.MethodGet, url: base + k + "=" + url.QueryEscape(v),
			token: env.repToken})
		if err != nil {
			return nil, err
		}
		out = append(out, refusal{query: q, status: status, body: shorten(string(b), 200),
			refused: status == http.StatusBadRequest || status == http.StatusForbidden || status == http.StatusUnprocessableEntity})
	}
	return out, nil
}

// adminOwnerFilter makes the admin read the rows the sales rep's scope
// gives the rep.
func adminOwnerFilter(env *benchEnv) string { return fmt.Sprintf("owner == %d", env.rep.ID) }

func engineListURL(env *benchEnv, i int) string {
	return fmt.Sprintf("%s/api/v1/forms/order/records?count=estimate&filter=%s&sort=%s&per_page=%d&page=%d",
		env.engineSrv.url, url.QueryEscape(listFilter), url.QueryEscape(listSort), perPage, 1+i%listPages)
}

func handListURL(env *benchEnv, i int) string {
	return fmt.Sprintf("%s/orders?count=estimate&%s&per_page=%d&page=%d", env.handSrv.url, handQuery, perPage, 1+i%listPages)
}

// orderBody is the i-th create request: the same for both sides.
func orderBody(env *benchEnv, i int) []byte {
	type line struct {
		Product     int64       `json:"product"`
		Description string      `json:"description"`
		Qty         int64       `json:"qty"`
		UnitPrice   json.Number `json:"unit_price"`
		UnitCost    json.Number `json:"unit_cost"`
	}
	type order struct {
		Customer     int64       `json:"customer"`
		Region       string      `json:"region"`
		Type         string      `json:"type"`
		Discount     json.Number `json:"discount"`
		Currency     string      `json:"currency"`
		DeliveryDate string      `json:"delivery_date"`
		Notes        string      `json:"notes"`
		Items        []line      `json:"items"`
	}
	o := order{
		Customer: env.customers[i%len(env.customers)],
		Region:   []string{"east", "north", "south", "west", "central"}[i%5],
		Type:     "standard", Currency: "CNY",
		Discount:     json.Number([]string{"0", "0.05", "0.1"}[i%3]),
		DeliveryDate: time.Now().UTC().AddDate(0, 0, 14).Format("2006-01-02"),
		Notes:        "benchmark order " + strconv.Itoa(i),
	}
	for k := range 3 {
		p := env.products[(i*3+k*7)%len(env.products)]
		o.Items = append(o.Items, line{Product: p.id, Description: "line " + strconv.Itoa(k),
			Qty: int64(1 + (i+k)%5), UnitPrice: json.Number(formatFixed(p.price, 2)),
			UnitCost: json.Number(formatFixed(p.cost, 2))})
	}
	b, err := json.Marshal(o)
	if err != nil {
		panic(err) // note: a fixed struct of plain values always marshals.
	}
	return b
}

// checkCreate compares the two created orders: the same properties, and the
// same values where they do not depend on ids or time.
func checkCreate(eb, hb []byte) []string {
	e, h, diffs := decodePair(eb, hb)
	if diffs != nil {
		return diffs
	}
	diffs = keyDiff("", e, h)
	for _, k := range []string{"customer", "order_date", "region", "type", "discount", "subtotal", "amount",
		"cost", "margin", "received_amount", "currency", "status", "delivery_date", "contract_required", "notes", "row_version", "flow_status", "form_version"} {
		if fmt.Sprint(e[k]) != fmt.Sprint(h[k]) {
			diffs = append(diffs, fmt.Sprintf("%s: engine %v, hand-written %v", k, e[k], h[k]))
		}
	}
	diffs = append(diffs, itemsDiff(e["items"], h["items"])...)
	return diffs
}

// checkList compares two list pages: the same total and the same orders in
// the same order.
func checkList(eb, hb []byte) []string {
	e, h, diffs := decodePair(eb, hb)
	if diffs != nil {
		return diffs
	}
	diffs = keyDiff("", e, h)
	if !sameTotal(e, h) {
		diffs = append(diffs, fmt.Sprintf("total: engine %v (%v), hand-written %v (%v)", e["total"], e["count"], h["total"], h["count"]))
	}
	ei, _ := e["items"].([]any)
	hi, _ := h["items"].([]any)
	if len(ei) != len(hi) {
		return append(diffs, fmt.Sprintf("items: engine %d, hand-written %d", len(ei), len(hi)))
	}
	for i := range ei {
		eo, _ := ei[i].(map[string]any)
		ho, _ := hi[i].(map[string]any)
		if i == 0 {
			diffs = append(diffs, keyDiff("/items/0", eo, ho)...)
		}
		if fmt.Sprint(eo["id"], eo["amount"], eo["margin"]) != fmt.Sprint(ho["id"], ho["amount"], ho["margin"]) {
			diffs = append(diffs, fmt.Sprintf("items/%d: engine id %v amount %v margin %v, hand-written id %v amount %v margin %v",
				i, eo["id"], eo["amount"], eo["margin"], ho["id"], ho["amount"], ho["margin"]))
		}
		diffs = append(diffs, itemsDiff(eo["items"], ho["items"])...)
	}
	return diffs
}

// sameTotal compares two pages' totals: exact ones must be equal; two
// planner estimates over two tables with the same rows come from separately
// sampled statistics, so they need only agree within a fifth.
func sameTotal(e, h map[string]any) bool {
	if e["count"] != h["count"] {
		return false
	}
	if e["count"] != "estimate" {
		return fmt.Sprint(e["total"]) == fmt.Sprint(h["total"])
	}
	et, _ := e["total"].(float64)
	ht, _ := h["total"].(float64)
	return et > 0 && ht > 0 && et/ht < 1.2 && ht/et < 1.2
}

func itemsDiff(e, h any) []string {
	el, _ := e.([]any)
	hl, _ := h.([]any)
	if len(el) != len(hl) {
		return []string{fmt.Sprintf("lines: engine %d, hand-written %d", len(el), len(hl))}
	}
	var diffs []string
	for i := range el {
		eo, _ := el[i].(map[string]any)
		ho, _ := hl[i].(map[string]any)
		if i == 0 {
			diffs = append(diffs, keyDiff("/items/0", eo, ho)...)
		}
		for _, k := range []string{"product", "description", "qty", "unit_price", "unit_cost", "line_total", "line_cost"} {
			if fmt.Sprint(eo[k]) != fmt.Sprint(ho[k]) {
				diffs = append(diffs, fmt.Sprintf("line %d %s: engine %v, hand-written %v", i, k, eo[k], ho[k]))
			}
		}
	}
	return diffs
}

func decodePair(eb, hb []byte) (map[string]any, map[string]any, []string) {
	var e, h map[string]any
	for _, p := range []struct {
		b []byte
		v *map[string]any
	}{{eb, &e}, {hb, &h}} {
		dec := json.NewDecoder(bytes.NewReader(p.b))
		dec.UseNumber()
		if err := dec.Decode(p.v); err != nil {
			return nil, nil, []string{"response is not a JSON object: " + err.Error()}
		}
	}
	return e, h, nil
}

// keyDiff lists the properties only one side's object has.
func keyDiff(path string, e, h map[string]any) []string {
	var diffs []string
	var only []string
	for k := range e {
		if _, ok := h[k]; !ok {
			only = append(only, k)
		}
	}
	sort.Strings(only)
	for _, k := range only {
		diffs = append(diffs, fmt.Sprintf("%s/%s: only the engine returns it", path, k))
	}
	only = only[:0]
	for k := range h {
		if _, ok := e[k]; !ok {
			only = append(only, k)
		}
	}
	sort.Strings(only)
	for _, k := range only {
		diffs = append(diffs, fmt.Sprintf("%s/%s: only the hand-written side returns it", path, k))
	}
	return diffs
}

// checkSameRows compares the sales rep's page with the admin's page filtered
// to the rep's orders: the same total and orders in the same order with the
// same values, except the line columns the rep may not read, which must be
// absent from the rep's page (and present in the admin's).
func checkSameRows(env *benchEnv, rb, ab []byte) []string {
	r, a, diffs := decodePair(rb, ab)
	if diffs != nil {
		return diffs
	}
	if fmt.Sprint(r["total"]) != fmt.Sprint(a["total"]) {
		diffs = append(diffs, fmt.Sprintf("total: sales rep %v, admin %v", r["total"], a["total"]))
	}
	ri, _ := r["items"].([]any)
	ai, _ := a["items"].([]any)
	if len(ri) != accessPerPage || len(ai) != accessPerPage {
		return append(diffs, fmt.Sprintf("items: sales rep %d, admin %d, want %d each", len(ri), len(ai), accessPerPage))
	}
	for i := range ri {
		ro, _ := ri[i].(map[string]any)
		ao, _ := ai[i].(map[string]any)
		diffs = append(diffs, repOrderProblems(env, i, ro)...)
		for _, d := range keyDiff(fmt.Sprintf("/items/%d", i), ro, ao) {
			diffs = append(diffs, strings.NewReplacer("the engine", "the sales rep", "the hand-written side", "the admin").Replace(d))
		}
		for k, v := range ro {
			if k != "items" && fmt.Sprint(v) != fmt.Sprint(ao[k]) {
				diffs = append(diffs, fmt.Sprintf("items/%d %s: sales rep %v, admin %v", i, k, v, ao[k]))
			}
		}
		rl, _ := ro["items"].([]any)
		al, _ := ao["items"].([]any)
		if len(rl) != len(al) {
			diffs = append(diffs, fmt.Sprintf("items/%d lines: sales rep %d, admin %d", i, len(rl), len(al)))
			continue
		}
		for j := range rl {
			rline, _ := rl[j].(map[string]any)
			aline, _ := al[j].(map[string]any)
			for _, k := range repHidden {
				if _, ok := aline[k]; !ok {
					diffs = append(diffs, fmt.Sprintf("items/%d line %d: the admin does not see %s", i, j, k))
				}
			}
			for k, v := range aline {
				hidden := false
				for _, h := range repHidden {
					hidden = hidden || k == h
				}
				if !hidden && fmt.Sprint(v) != fmt.Sprint(rline[k]) {
					diffs = append(diffs, fmt.Sprintf("items/%d line %d %s: sales rep %v, admin %v", i, j, k, rline[k], v))
				}
			}
		}
	}
	return diffs
}

// checkSameRequest checks the two answers to the same request: full pages,
// only the rep's own orders on the rep's, fewer orders in all than the
// admin's.
func checkSameRequest(env *benchEnv, rb, ab []byte) []string {
	r, a, diffs := decodePair(rb, ab)
	if diffs != nil {
		return diffs
	}
	rtn, _ := r["total"].(json.Number)
	atn, _ := a["total"].(json.Number)
	rt, _ := rtn.Int64()
	at, _ := atn.Int64()
	if rt <= 0 || rt >= at {
		diffs = append(diffs, fmt.Sprintf("total: sales rep %d, admin %d; want 0 < rep < admin", rt, at))
	}
	ri, _ := r["items"].([]any)
	ai, _ := a["items"].([]any)
	if len(ri) != accessPerPage || len(ai) != accessPerPage {
		return append(diffs, fmt.Sprintf("items: sales rep %d, admin %d, want %d each", len(ri), len(ai), accessPerPage))
	}
	for i := range ri {
		ro, _ := ri[i].(map[string]any)
		diffs = append(diffs, repOrderProblems(env, i, ro)...)
	}
	return diffs
}

// repOrderProblems checks one order of the sales rep's page: the rep's own,
// and none of the fields the rep may not read.
func repOrderProblems(env *benchEnv, i int, o map[string]any) []string {
	var out []string
	if fmt.Sprint(o["owner"]) != strconv.FormatInt(env.rep.ID, 10) {
		out = append(out, fmt.Sprintf("items/%d: the sales rep sees order %v of owner %v", i, o["id"], o["owner"]))
	}
	for _, k := range []string{"cost", "margin"} {
		if _, ok := o[k]; ok {
			out = append(out, fmt.Sprintf("items/%d: the sales rep sees %s", i, k))
		}
	}
	lines, _ := o["items"].([]any)
	if len(lines) == 0 {
		out = append(out, fmt.Sprintf("items/%d: no lines", i))
	}
	for j, l := range lines {
		lo, _ := l.(map[string]any)
		for _, k := range repHidden {
			if _, ok := lo[k]; ok {
				out = append(out, fmt.Sprintf("items/%d line %d: the sales rep sees %s", i, j, k))
			}
		}
	}
	return out
}
