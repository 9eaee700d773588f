package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// handWritten is the baseline: what a Go developer would write by hand for
// the order form with fiber and pgx, doing the same work as the engine for
// the two scenarios (authenticate the bearer token, validate, compute the
// formulas, take the auto-number, write the order, its lines and an audit
// row in one transaction; or filter, sort, page, count and load the lines),
// and the two-level approval of the flow scenarios (flow_handwritten.go).
type handWritten struct {
	pool        *pgxpool.Pool
	formVersion int64
}

type userKey struct{}

// handUser is the signed-in user.
type handUser struct {
	id          int64
	email, name string
}

func (h *handWritten) app() *fiber.App {
	app := fiber.New(fiber.Config{DisableStartupMessage: true, ErrorHandler: handErrors})
	app.Use(h.authenticate)
	app.Post("/orders", h.createOrder)
	app.Get("/orders", h.listOrders)
	app.Post("/orders/:id/submit", h.submitOrder)
	app.Post("/tasks/:id/decide", h.decideTask)
	return app
}

// handError is the one error shape, as the engine's API has it.
type handError struct {
	status  int
	code    string
	message string
	details []problemJSON
}

type problemJSON struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

func (e *handError) Error() string { return e.message }

func handErrors(c *fiber.Ctx, err error) error {
	var he *handError
	if !errors.As(err, &he) {
		var fe *fiber.Error
		if errors.As(err, &fe) {
			he = &handError{status: fe.Code, code: "http_error", message: fe.Message}
		} else {
			he = &handError{status: fiber.StatusInternalServerError, code: "internal", message: "internal error: " + err.Error()}
		}
	}
	if he.details == nil {
		he.details = []problemJSON{}
	}
	return c.Status(he.status).JSON(fiber.Map{"error": fiber.Map{"code": he.code, "message": he.message, "details": he.details}})
}

// authenticate resolves the bearer token with one query.
func (h *handWritten) authenticate(c *fiber.Ctx) error {
	token, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if !ok || token == "" || len(token) > 200 {
		return &handError{status: fiber.StatusUnauthorized, code: "unauthorized", message: "sign in first"}
	}
	sum := sha256.Sum256([]byte(token))
	var u handUser
	err := h.pool.QueryRow(c.UserContext(), `SELECT u.id, u.email, u.name FROM hw_sessions s
		JOIN mosaic_users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND u.active`,
		hex.EncodeToString(sum[:]), time.Now().UTC()).Scan(&u.id, &u.email, &u.name)
	if err != nil {
		return &handError{status: fiber.StatusUnauthorized, code: "unauthorized", message: "the token is invalid or has expired"}
	}
	c.Locals(userKey{}, &u)
	return c.Next()
}

// orderJSON is an order as the API returns it (the engine's shape: every
// field, null when empty, money as fixed-point strings).
type orderJSON struct {
	ID               int64           `json:"id"`
	CreatedAt        time.Time       `json:"created_at"`
	CreatedBy        int64           `json:"created_by"`
	UpdatedAt        time.Time       `json:"updated_at"`
	UpdatedBy        int64           `json:"updated_by"`
	Owner            int64           `json:"owner"`
	RowVersion       int64           `json:"row_version"`
	FlowStatus       string          `json:"flow_status"`
	FormVersion      int64           `json:"form_version"`
	Number           *string         `json:"number"`
	Customer         *int64          `json:"customer"`
	OrderDate        *string         `json:"order_date"`
	Region           *string         `json:"region"`
	SalesRep         *int64          `json:"sales_rep"`
	Type             *string         `json:"type"`
	Items            []lineJSON      `json:"items"`
	Discount         *json.Number    `json:"discount"`
	Subtotal         *json.Number    `json:"subtotal"`
	Amount           *json.Number    `json:"amount"`
	Cost             *json.Number    `json:"cost"`
	Margin           *json.Number    `json:"margin"`
	ReceivedAmount   *json.Number    `json:"received_amount"`
	Currency         *string         `json:"currency"`
	Status           *string         `json:"status"`
	DeliveryDate     *string         `json:"delivery_date"`
	ContractRequired *bool           `json:"contract_required"`
	Attachments      json.RawMessage `json:"attachments"`
	Notes            *string         `json:"notes"`
}

// lineJSON is one order line as the API returns it.
type lineJSON struct {
	ID          int64        `json:"id"`
	Product     *int64       `json:"product"`
	Description *string      `json:"description"`
	Qty         *int64       `json:"qty"`
	UnitPrice   *json.Number `json:"unit_price"`
	UnitCost    *json.Number `json:"unit_cost"`
	LineTotal   *json.Number `json:"line_total"`
	LineCost    *json.Number `json:"line_cost"`
}

// createOrder is POST /orders.
func (h *handWritten) createOrder(c *fiber.Ctx) error {
	var in orderInput
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return &handError{status: fiber.StatusBadRequest, code: "bad_request", message: "the body is not a valid order: " + err.Error()}
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	o, problems := in.validate(now)
	if len(problems) > 0 {
		return &handError{status: fiber.StatusUnprocessableEntity, code: "validation_failed",
			message: "the order is not valid", details: problems}
	}
	u := c.Locals(userKey{}).(*handUser)
	out, err := h.insertOrder(c.UserContext(), o, u, now)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, `"1"`)
	c.Location("/orders/" + itoa(out.ID))
	return c.Status(fiber.StatusCreated).JSON(out)
}

// insertOrder writes o, its lines and the audit row in one transaction and
// returns the stored order.
func (h *handWritten) insertOrder(ctx context.Context, o *validOrder, u *handUser, now time.Time) (*orderJSON, error) {
	tx, err := h.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	period := now.Format("200601")
	var seq int64
	if err := tx.QueryRow(ctx, `INSERT INTO hw_sequences (name, period, value) VALUES ($1, $2, 1)
		ON CONFLICT (name, period) DO UPDATE SET value = hw_sequences.value + 1 RETURNING value`,
		"order.number", period).Scan(&seq); err != nil {
		return nil, err
	}
	o.number = "SO-" + period + "-" + zeroPad(seq, 5)
	var id int64
	if err := tx.QueryRow(ctx, `INSERT INTO hw_order (created_at, created_by, updated_at, updated_by, owner,
		row_version, flow_status, form_version, number, customer, order_date, region, sales_rep, type, discount,
		subtotal, amount, cost, margin, received_amount, currency, status, delivery_date, contract_required, attachments, notes)
		VALUES ($1, $2, $1, $2, $2, 1, '', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, NULL, $20)
		RETURNING id`,
		now, u.id, h.formVersion, o.number, o.customer, o.orderDate, o.region, o.salesRep, o.typ, o.discount,
		o.subtotal, o.amount, o.cost, o.margin, o.receivedAmount, o.currency, o.status, o.deliveryDate, o.contractRequired, o.notes).Scan(&id); err != nil {
		return nil, err
	}
	lineIDs, err := insertLines(ctx, tx, id, o.lines)
	if err != nil {
		return nil, err
	}
	out := o.toJSON(id, u.id, h.formVersion, now, lineIDs)
	if err := writeAudit(ctx, tx, u.id, out, now); err != nil {
		return nil, err
	}
	return out, tx.Commit(ctx)
}

// insertLines writes all lines with one statement and returns their ids in
// order.
func insertLines(ctx context.Context, tx pgx.Tx, orderID int64, lines []validLine) ([]int64, error) {
	n := len(lines)
	pos, prod, qty, price, total := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	lineCost := make([]int64, n)
	desc := make([]*string, n)
	unitCost := make([]*int64, n)
	for i, l := range lines {
		pos[i], prod[i], desc[i], qty[i], price[i], total[i] = int64(i), l.product, l.description, l.qty, l.unitPrice, l.lineTotal
		unitCost[i], lineCost[i] = l.unitCost, l.lineCost
	}
	rows, err := tx.Query(ctx, `INSERT INTO hw_order__items (parent_id, position, product, description, qty, unit_price,
			unit_cost, line_total, line_cost)
		SELECT $1, p, pr, d, q, u, uc, t, lc
		FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[],
			$9::bigint[]) AS l(p, pr, d, q, u, uc, t, lc)
		RETURNING id, position`, orderID, pos, prod, desc, qty, price, unitCost, total, lineCost)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := make([]int64, n)
	for rows.Next() {
		var id, p int64
		if err := rows.Scan(&id, &p); err != nil {
			return nil, err
		}
		if p >= 0 && p < int64(n) {
			ids[p] = id
		}
	}
	return ids, rows.Err()
}

// change is one field's before and after in the audit row.
type change struct {
	Before any `json:"before"`
	After  any `json:"after"`
}

// writeAudit appends the create with its field-level changes.
func writeAudit(ctx context.Context, tx pgx.Tx, actor int64, o *orderJSON, now time.Time) error {
	changes := map[string]change{}
	add := func(key string, v any, set bool) {
		if set {
			changes[key] = change{After: v}
		}
	}
	add("number", o.Number, o.Number != nil)
	add("customer", o.Customer, o.Customer != nil)
	add("order_date", o.OrderDate, o.OrderDate != nil)
	add("region", o.Region, o.Region != nil)
	add("sales_rep", o.SalesRep, o.SalesRep != nil)
	add("type", o.Type, o.Type != nil)
	add("items", o.Items, len(o.Items) > 0)
	add("discount", o.Discount, o.Discount != nil)
	add("subtotal", o.Subtotal, o.Subtotal != nil)
	add("amount", o.Amount, o.Amount != nil)
	add("cost", o.Cost, o.Cost != nil)
	add("margin", o.Margin, o.Margin != nil)
	add("received_amount", o.ReceivedAmount, o.ReceivedAmount != nil)
	add("currency", o.Currency, o.Currency != nil)
	add("status", o.Status, o.Status != nil)
	add("delivery_date", o.DeliveryDate, o.DeliveryDate != nil)
	add("contract_required", o.ContractRequired, o.ContractRequired != nil)
	add("notes", o.Notes, o.Notes != nil)
	b, err := json.Marshal(changes)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO hw_audit (at, actor_id, action, target_kind, target_key, record_id, changes, summary)
		VALUES ($1, $2, 'record.create', 'form', 'order', $3, $4, $5)`,
		now, actor, o.ID, string(b), "record.create order #"+itoa(o.ID)+" ("+itoa(int64(len(changes)))+" field(s))")
	return err
}

// listSorts maps the sort parameters the endpoint accepts to SQL.
var listSorts = map[string]string{
	"":        "id DESC",
	"-amount": "amount DESC, id DESC",
	"amount":  "amount, id",
	"-id":     "id DESC",
}

const orderColumns = `id, created_at, created_by, updated_at, updated_by, owner, row_version, flow_status,
	form_version, number, customer, order_date, region, sales_rep, type, discount, subtotal, amount, cost, margin,
	received_amount, currency, status, delivery_date, contract_required, attachments, notes`

// listOrders is GET /orders?region=&status=a,b&min_amount=&sort=&page=&per_page=.
func (h *handWritten) listOrders(c *fiber.Ctx) error {
	page, perPage := c.QueryInt("page", 1), c.QueryInt("per_page", 20)
	if page < 1 || perPage < 1 || perPage > 500 {
		return &handError{status: fiber.StatusBadRequest, code: "bad_request", message: "bad page or per_page"}
	}
	orderBy, ok := listSorts[c.Query("sort")]
	if !ok {
		return &handError{status: fiber.StatusBadRequest, code: "bad_request", message: "unknown sort"}
	}
	var where []string
	var args []any
	arg := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.Replace(cond, "?", "$"+itoa(int64(len(args))), 1))
	}
	if r := c.Query("region"); r != "" {
		arg("region = ?", r)
	}
	if s := c.Query("status"); s != "" {
		arg("status = ANY(?)", strings.Split(s, ","))
	}
	if m := c.Query("min_amount"); m != "" {
		v, ok := parseFixed(m, 2)
		if !ok {
			return &handError{status: fiber.StatusBadRequest, code: "bad_request", message: "min_amount must be a number"}
		}
		arg("amount >= ?", v)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	ctx := c.UserContext()
	pageArgs := append(append([]any{}, args...), perPage, (page-1)*perPage)
	n := int64(len(args))
	items, err := h.queryOrders(ctx, "SELECT "+orderColumns+" FROM hw_order"+cond+" ORDER BY "+orderBy+
		" LIMIT $"+itoa(n+1)+" OFFSET $"+itoa(n+2), pageArgs)
	if err != nil {
		return err
	}
	if err := h.loadLines(ctx, items); err != nil {
		return err
	}
	total, count, err := h.countOrders(ctx, cond, args, c.Query("count") == "estimate")
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items, "page": page, "per_page": perPage, "total": total, "count": count})
}

// queryOrders runs a SELECT of orderColumns.
func (h *handWritten) queryOrders(ctx context.Context, sql string, args []any) ([]*orderJSON, error) {
	rows, err := h.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	items := []*orderJSON{}
	for rows.Next() {
		var o orderJSON
		var orderDate, deliveryDate *time.Time
		var discount, subtotal, amount, cost, margin, received *int64
		if err := rows.Scan(&o.ID, &o.CreatedAt, &o.CreatedBy, &o.UpdatedAt, &o.UpdatedBy, &o.Owner, &o.RowVersion,
			&o.FlowStatus, &o.FormVersion, &o.Number, &o.Customer, &orderDate, &o.Region, &o.SalesRep, &o.Type,
			&discount, &subtotal, &amount, &cost, &margin, &received, &o.Currency, &o.Status, &deliveryDate, &o.ContractRequired,
			&o.Attachments, &o.Notes); err != nil {
			return nil, err
		}
		o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
		o.OrderDate, o.DeliveryDate = dateJSON(orderDate), dateJSON(deliveryDate)
		o.Discount, o.Subtotal, o.Amount = fixedJSON(discount, 4), fixedJSON(subtotal, 2), fixedJSON(amount, 2)
		o.Cost, o.Margin, o.ReceivedAmount = fixedJSON(cost, 2), fixedJSON(margin, 2), fixedJSON(received, 2)
		o.Items = []lineJSON{}
		items = append(items, &o)
	}
	return items, rows.Err()
}

// loadLines loads the lines of every order in items with one query.
func (h *handWritten) loadLines(ctx context.Context, items []*orderJSON) error {
	if len(items) == 0 {
		return nil
	}
	ids := make([]int64, len(items))
	byID := make(map[int64]*orderJSON, len(items))
	for i, o := range items {
		ids[i], byID[o.ID] = o.ID, o
	}
	rows, err := h.pool.Query(ctx, `SELECT id, parent_id, product, description, qty, unit_price, unit_cost, line_total,
		line_cost FROM hw_order__items WHERE parent_id = ANY($1) ORDER BY parent_id, position`, ids)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var l lineJSON
		var parent int64
		var price, cost, total, lineCost *int64
		if err := rows.Scan(&l.ID, &parent, &l.Product, &l.Description, &l.Qty, &price, &cost, &total, &lineCost); err != nil {
			return err
		}
		l.UnitPrice, l.UnitCost = fixedJSON(price, 2), fixedJSON(cost, 2)
		l.LineTotal, l.LineCost = fixedJSON(total, 2), fixedJSON(lineCost, 2)
		if o := byID[parent]; o != nil {
			o.Items = append(o.Items, l)
		}
	}
	return rows.Err()
}

// countOrders counts the orders matching cond, or, when estimate is asked
// for, reads the planner's row estimate and counts only below 10,000 rows,
// as a developer would write it by hand.
func (h *handWritten) countOrders(ctx context.Context, cond string, args []any, estimate bool) (int64, string, error) {
	if estimate {
		var plan []struct {
			Plan struct {
				Rows float64 `json:"Plan Rows"`
			} `json:"Plan"`
		}
		var doc string
		if err := h.pool.QueryRow(ctx, "EXPLAIN (FORMAT JSON) SELECT 1 FROM hw_order"+cond, args...).Scan(&doc); err != nil {
			return 0, "", err
		}
		if err := json.Unmarshal([]byte(doc), &plan); err != nil {
			return 0, "", err
		}
		if len(plan) > 0 && plan[0].Plan.Rows >= 10_000 {
			return int64(plan[0].Plan.Rows + 0.5), "estimate", nil
		}
	}
	var total int64
	if err := h.pool.QueryRow(ctx, "SELECT count(*) FROM hw_order"+cond, args...).Scan(&total); err != nil {
		return 0, "", err
	}
	return total, "exact", nil
}
