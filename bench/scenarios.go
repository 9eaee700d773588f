package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
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

// Targets: engine p50 over hand-written p50.
const (
	createTarget = 1.5
	listTarget   = 1.3
)

// scenarios are the measured workloads, in order.
func scenarios(env *benchEnv) []scenario {
	return []scenario{
		{
			name:   "create order with 3 lines",
			target: createTarget,
			engine: func(i int) request {
				return request{method: http.MethodPost, url: env.engineSrv.url + "/api/v1/forms/order/records",
					body: orderBody(env, i), token: env.token, want: http.StatusCreated}
			},
			hand: func(i int) request {
				return request{method: http.MethodPost, url: env.handSrv.url + "/orders",
					body: orderBody(env, i), token: env.token, want: http.StatusCreated}
			},
			check: checkCreate,
		},
		{
			name:   fmt.Sprintf("filtered, sorted list page of %d", perPage),
			target: listTarget,
			engine: func(i int) request {
				return request{method: http.MethodGet, url: engineListURL(env, i), token: env.token, want: http.StatusOK}
			},
			hand: func(i int) request {
				return request{method: http.MethodGet, url: handListURL(env, i), token: env.token, want: http.StatusOK}
			},
			check: checkList,
		},
	}
}

func engineListURL(env *benchEnv, i int) string {
	return fmt.Sprintf("%s/api/v1/forms/order/records?filter=%s&sort=%s&per_page=%d&page=%d",
		env.engineSrv.url, url.QueryEscape(listFilter), url.QueryEscape(listSort), perPage, 1+i%listPages)
}

func handListURL(env *benchEnv, i int) string {
	return fmt.Sprintf("%s/orders?%s&per_page=%d&page=%d", env.handSrv.url, handQuery, perPage, 1+i%listPages)
}

// orderBody is the i-th create request: the same for both sides.
func orderBody(env *benchEnv, i int) []byte {
	type line struct {
		Product     int64       `json:"product"`
		Description string      `json:"description"`
		Qty         int64       `json:"qty"`
		UnitPrice   json.Number `json:"unit_price"`
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
			Qty: int64(1 + (i+k)%5), UnitPrice: json.Number(formatFixed(p.price, 2))})
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
		"currency", "status", "delivery_date", "contract_required", "notes", "row_version", "flow_status", "form_version"} {
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
	if fmt.Sprint(e["total"]) != fmt.Sprint(h["total"]) {
		diffs = append(diffs, fmt.Sprintf("total: engine %v, hand-written %v", e["total"], h["total"]))
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
		if fmt.Sprint(eo["id"], eo["amount"]) != fmt.Sprint(ho["id"], ho["amount"]) {
			diffs = append(diffs, fmt.Sprintf("items/%d: engine id %v amount %v, hand-written id %v amount %v",
				i, eo["id"], eo["amount"], ho["id"], ho["amount"]))
		}
		diffs = append(diffs, itemsDiff(eo["items"], ho["items"])...)
	}
	return diffs
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
		for _, k := range []string{"product", "description", "qty", "unit_price", "line_total"} {
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
