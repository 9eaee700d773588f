package engine_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

// portalAs returns the headers of a portal request with tok and no staff
// session.
func portalAs(tok string) map[string]string {
	return map[string]string{"Authorization": "", "X-Portal-Token": tok}
}

// portalLink makes customer's link to the example portal as the admin.
func portalLink(t *testing.T, app *enginetest.App, customer int64) string {
	t.Helper()
	var out struct {
		URL   string `json:"url"`
		Token string `json:"token"`
	}
	app.Expect(t, 201, "POST", "/api/v1/portal/links", fmt.Sprintf(`{"portal": "customer_portal", "customer": %d}`, customer), nil).JSON(t, &out)
	if !strings.HasSuffix(out.URL, "/portal/t/"+out.Token) {
		t.Fatalf("link %q does not carry its token", out.URL)
	}
	return out.Token
}

type portalRecords struct {
	Items []engine.PortalRecord `json:"items"`
}

func (w *world) portalRecords(t *testing.T, tok string) []engine.PortalRecord {
	t.Helper()
	var page portalRecords
	w.app.Expect(t, 200, "GET", "/api/v1/portal/records", "", portalAs(tok)).JSON(t, &page)
	return page.Items
}

// attach uploads content to form's attachments field and sets it on record id.
func (w *world) attach(t *testing.T, form string, id int64, name string, content []byte) string {
	t.Helper()
	body, ct := enginetest.Multipart(t, "file", name, "application/pdf", content)
	var f struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		Size int64  `json:"size"`
		Type string `json:"type"`
	}
	w.app.Expect(t, 201, "POST", "/api/v1/forms/"+form+"/files?field=attachments", body, map[string]string{"Content-Type": ct}).JSON(t, &f)
	w.app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/forms/%s/records/%d", form, id),
		fmt.Sprintf(`{"attachments": [{"id": %q, "name": %q, "size": %d, "type": %q}]}`, f.ID, f.Name, f.Size, f.Type), nil)
	return f.ID
}

func stage(r engine.PortalRecord, key string) (bool, *time.Time) {
	for _, s := range r.Stages {
		if s.Key == key {
			return s.Reached, s.At
		}
	}
	return false, nil
}

func TestPortalShowsEachCustomerOnlyTheirOwn(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		a := w.customer
		b := w.newCustomer(t, "")
		orderA := w.approvedOrder(t, "150000")
		w.customer = b
		orderB := w.order(t, "2000", "0")
		contractA := w.contractsOf(t, orderA)
		if len(contractA) != 1 {
			t.Fatalf("order %d has %d contracts", orderA, len(contractA))
		}
		var contractID int64
		_ = json.Unmarshal(contractA[0]["id"], &contractID)
		pdf := []byte("%PDF-1.4 contract of A")
		fileA := w.attach(t, "contract", contractID, "contract-A.pdf", pdf)
		tokA, tokB := portalLink(t, app, a), portalLink(t, app, b)

		recsA := w.portalRecords(t, tokA)
		if len(recsA) != 1 || recsA[0].ID != orderA {
			t.Fatalf("A's portal lists %+v, want only order %d", recsA, orderA)
		}
		if ok, at := stage(recsA[0], "approved"); !ok || at == nil || time.Since(*at) > time.Hour {
			t.Errorf("A's order: approved = %v at %v, want reached today", ok, at)
		}
		if ok, _ := stage(recsA[0], "contract_signed"); ok {
			t.Error("A's contract counts as signed before anyone signed it")
		}
		if recsA[0].Current != 1 {
			t.Errorf("current stage %d, want 1 (approved)", recsA[0].Current)
		}
		if len(recsA[0].Documents) != 1 || recsA[0].Documents[0].File.ID != fileA {
			t.Errorf("A's documents %+v, want the contract file %s", recsA[0].Documents, fileA)
		}
		recsB := w.portalRecords(t, tokB)
		if len(recsB) != 1 || recsB[0].ID != orderB {
			t.Fatalf("B's portal lists %+v, want only order %d", recsB, orderB)
		}
		if ok, _ := stage(recsB[0], "approved"); ok {
			t.Error("B's unsubmitted order shows as approved")
		}

		got := app.Expect(t, 200, "GET", "/api/v1/portal/files/"+fileA, "", portalAs(tokA))
		if got.Body != string(pdf) {
			t.Errorf("A downloaded %q", got.Body)
		}
		for _, req := range []struct{ method, url, body string }{
			{"GET", fmt.Sprintf("/api/v1/portal/records/order/%d", orderA), ""},
			{"GET", "/api/v1/portal/files/" + fileA, ""},
			{"GET", fmt.Sprintf("/api/v1/portal/records/contract/%d", contractID), ""},
		} {
			enginetest.APIScenario{Name: "B reaches for " + req.url, Method: req.method, URL: req.url,
				Headers: portalAs(tokB), ExpectedStatus: 404}.Test(t, app)
		}
		app.Expect(t, 200, "GET", "/api/v1/portal/files/"+fileA+"?token="+tokA, "", map[string]string{"Authorization": ""})

		var ticket engine.PortalTicket
		app.Expect(t, 201, "POST", "/api/v1/portal/tickets",
			fmt.Sprintf(`{"subject": "Server fan noise", "description": "Loud since Monday", "priority": "high", "sales_order": %d}`, orderA),
			portalAs(tokA)).JSON(t, &ticket)
		if ticket.StatusKey != "open" || ticket.Title != "Server fan noise" {
			t.Errorf("the new ticket %+v", ticket)
		}
		staff := w.rawRecord(t, "service_ticket", ticket.ID)
		if text(staff["customer"]) != fmt.Sprint(a) || text(staff["channel"]) != "portal" {
			t.Errorf("the ticket as staff see it: customer %s channel %s", staff["customer"], staff["channel"])
		}
		for _, c := range []struct {
			name, body string
			status     int
		}{
			{"B's order", fmt.Sprintf(`{"subject": "x", "description": "y", "priority": "low", "sales_order": %d}`, orderB), 422},
			{"another customer", fmt.Sprintf(`{"subject": "x", "description": "y", "priority": "low", "customer": %d}`, b), 403},
			{"a staff-only field", `{"subject": "x", "description": "y", "priority": "low", "status": "closed"}`, 403},
			{"the assignee", fmt.Sprintf(`{"subject": "x", "description": "y", "priority": "low", "assignee": %d}`, w.rep.ID), 403},
			{"no subject", `{"description": "y", "priority": "low"}`, 422},
			{"not an object", `[1, 2]`, 400},
		} {
			enginetest.APIScenario{Name: "A files a ticket naming " + c.name, Method: "POST", URL: "/api/v1/portal/tickets", Body: c.body,
				Headers: portalAs(tokA), ExpectedStatus: c.status}.Test(t, app)
		}
		var ticketsB struct {
			Items []engine.PortalTicket `json:"items"`
		}
		app.Expect(t, 200, "GET", "/api/v1/portal/tickets", "", portalAs(tokB)).JSON(t, &ticketsB)
		if len(ticketsB.Items) != 0 {
			t.Errorf("B sees tickets %+v", ticketsB.Items)
		}
		var ticketsA struct {
			Items []engine.PortalTicket `json:"items"`
		}
		app.Expect(t, 200, "GET", "/api/v1/portal/tickets", "", portalAs(tokA)).JSON(t, &ticketsA)
		if len(ticketsA.Items) != 1 || ticketsA.Items[0].ID != ticket.ID {
			t.Errorf("A's tickets %+v", ticketsA.Items)
		}
		// note: a portal token opens the portal API and nothing else.
		app.Expect(t, 401, "GET", "/api/v1/forms/order/records", "", portalAs(tokA))
		app.Expect(t, 401, "GET", "/api/v1/portal/records", "", map[string]string{})
	})
}

func TestPortalRefusesForgedExpiredAndSwappedTokens(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		a, b := w.customer, w.newCustomer(t, "")
		tokA := portalLink(t, app, a)
		body, mac, _ := strings.Cut(tokA, ".")
		grantB, _ := json.Marshal(engine.PortalGrant{Portal: "customer_portal", Customer: b, Expires: time.Now().Add(time.Hour)})
		expired, err := app.Engine.PortalToken(engine.PortalGrant{Portal: "customer_portal", Customer: a, Expires: time.Now().Add(-time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		unknown, _ := app.Engine.PortalToken(engine.PortalGrant{Portal: "customer_portal", Customer: 999999, Expires: time.Now().Add(time.Hour)})
		otherPortal, _ := app.Engine.PortalToken(engine.PortalGrant{Portal: "staff_portal", Customer: a, Expires: time.Now().Add(time.Hour)})
		_, signTok, err := app.Engine.SignLink(t.Context(), "contract", w.contractOf(t), "li.wei@acme.example")
		if err != nil {
			t.Fatal(err)
		}
		for name, tok := range map[string]string{
			"another customer's grant under A's MAC": b64(grantB) + "." + mac,
			"an altered MAC":                         body + "." + strings.Repeat("A", len(mac)),
			"no MAC":                                 body,
			"an expired link":                        expired,
			"a deleted customer":                     unknown,
			"an unpublished portal":                  otherPortal,
			"an invitation to sign":                  signTok,
			"garbage":                                "%%%.###",
		} {
			r := enginetest.APIScenario{Name: name, Method: "GET", URL: "/api/v1/portal/records", Headers: portalAs(tok), ExpectedStatus: 403}.Test(t, app)
			if strings.Contains(r.Body, "Customer") {
				t.Errorf("%s: the refusal names a customer: %s", name, r.Body)
			}
		}
		if _, err := app.Engine.VerifySignToken(tokA, time.Now()); err == nil {
			t.Error("a portal token was accepted as an invitation to sign")
		}
		if _, err := app.Engine.VerifyPortalToken(tokA, time.Now().Add(engine.PortalLinkLife+time.Minute)); err == nil {
			t.Error("a portal link outlived its life")
		}
		app.Expect(t, 403, "POST", "/api/v1/portal/links", fmt.Sprintf(`{"portal": "customer_portal", "customer": %d}`, a), w.rep.Headers())
		app.Expect(t, 422, "POST", "/api/v1/portal/links", `{"portal": "customer_portal", "customer": 999999}`, nil)
		app.Expect(t, 404, "POST", "/api/v1/portal/links", `{"portal": "nope", "customer": 1}`, nil)
	})
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// contractOf approves a new order of the world's customer and returns its
// contract draft.
func (w *world) contractOf(t *testing.T) int64 {
	t.Helper()
	order := w.approvedOrder(t, "5000")
	cs := w.contractsOf(t, order)
	if len(cs) != 1 {
		t.Fatalf("order %d has %d contracts", order, len(cs))
	}
	var id int64
	_ = json.Unmarshal(cs[0]["id"], &id)
	return id
}

func TestSigningRecordsAnAuditedAcceptanceWithTheDocumentsHash(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		order := w.approvedOrder(t, "5000")
		var contract int64
		_ = json.Unmarshal(w.contractsOf(t, order)[0]["id"], &contract)
		_, tok, err := app.Engine.SignLink(t.Context(), "contract", contract, "li.wei@acme.example")
		if err != nil {
			t.Fatal(err)
		}
		noDoc := map[string]string{"Authorization": ""}
		enginetest.APIScenario{Name: "nothing to sign yet", Method: "POST", URL: "/api/v1/portal/sign/" + tok,
			Body: `{"name": "Li Wei", "agree": true}`, Headers: noDoc, ExpectedStatus: 422}.Test(t, app)
		pdf := []byte("%PDF-1.4 the contract, version 1")
		file := w.attach(t, "contract", contract, "contract.pdf", pdf)
		sum := sha256.Sum256(pdf)

		var page engine.SignView
		app.Expect(t, 200, "GET", "/api/v1/portal/sign/"+tok, "", noDoc).JSON(t, &page)
		if page.RecordID != contract || page.Signed || len(page.Documents) != 1 || page.Documents[0].ID != file {
			t.Fatalf("the signing page %+v", page)
		}
		if got := app.Expect(t, 200, "GET", "/api/v1/portal/sign/"+tok+"/files/"+file, "", noDoc); got.Body != string(pdf) {
			t.Errorf("the document downloaded as %q", got.Body)
		}
		for name, body := range map[string]string{"no name": `{"name": "  ", "agree": true}`, "not agreed": `{"name": "Li Wei"}`,
			"another file": `{"name": "Li Wei", "agree": true, "file_id": "abc"}`} {
			enginetest.APIScenario{Name: name, Method: "POST", URL: "/api/v1/portal/sign/" + tok, Body: body, Headers: noDoc, ExpectedStatus: 422}.Test(t, app)
		}
		enginetest.APIScenario{Name: "forged", Method: "POST", URL: "/api/v1/portal/sign/" + tok[:len(tok)-3] + "xyz",
			Body: `{"name": "Li Wei", "agree": true}`, Headers: noDoc, ExpectedStatus: 403}.Test(t, app)

		var sig engine.SignatureView
		app.Expect(t, 201, "POST", "/api/v1/portal/sign/"+tok, `{"name": "Li Wei", "agree": true}`,
			map[string]string{"Authorization": "", "User-Agent": "PortalTest/1.0"}).JSON(t, &sig)
		if sig.SHA256 != hex.EncodeToString(sum[:]) || sig.Name != "Li Wei" || sig.Provider != "click_to_sign" {
			t.Errorf("signature %+v, want sha256 %x", sig, sum)
		}
		rec := w.rawRecord(t, "contract", contract)
		if text(rec["status"]) != "signed" || text(rec["signed_date"]) != time.Now().UTC().Format("2006-01-02") {
			t.Errorf("contract after signing: status %s, signed_date %s", rec["status"], rec["signed_date"])
		}
		var audit struct {
			Items []struct {
				Action  string `json:"action"`
				Summary string `json:"summary"`
			} `json:"items"`
		}
		app.Expect(t, 200, "GET", fmt.Sprintf("/api/v1/forms/contract/records/%d/audit", contract), "", nil).JSON(t, &audit)
		signed := false
		for _, a := range audit.Items {
			signed = signed || (a.Action == "record.sign" && strings.Contains(a.Summary, "Li Wei") && strings.Contains(a.Summary, sig.SHA256))
		}
		if !signed {
			t.Errorf("the contract's audit has no signature: %+v", audit.Items)
		}
		var onRecord struct {
			Items []engine.RecordSignature `json:"items"`
		}
		app.Expect(t, 200, "GET", fmt.Sprintf("/api/v1/forms/contract/records/%d/signatures", contract), "", nil).JSON(t, &onRecord)
		if len(onRecord.Items) != 1 || onRecord.Items[0].UserAgent != "PortalTest/1.0" || onRecord.Items[0].IP == "" ||
			onRecord.Items[0].SHA256 != sig.SHA256 || onRecord.Items[0].Address != "li.wei@acme.example" {
			t.Errorf("signatures on the record: %+v", onRecord.Items)
		}
		nobody := app.NewUser(t, enginetest.UserSpec{Email: "nobody@example.com", Name: "Nobody"})
		app.Expect(t, 403, "GET", fmt.Sprintf("/api/v1/forms/contract/records/%d/signatures", contract), "", nobody.Headers())
		enginetest.APIScenario{Name: "signed twice", Method: "POST", URL: "/api/v1/portal/sign/" + tok,
			Body: `{"name": "Someone Else", "agree": true}`, Headers: noDoc, ExpectedStatus: 409}.Test(t, app)
		app.Expect(t, 200, "GET", "/api/v1/portal/sign/"+tok, "", noDoc).JSON(t, &page)
		if !page.Signed || len(page.Signatures) != 1 || page.Signatures[0].Name != "Li Wei" {
			t.Errorf("after signing the page says %+v", page)
		}
		recs := w.portalRecords(t, portalLink(t, app, w.customer))
		if len(recs) != 1 {
			t.Fatalf("portal lists %d orders", len(recs))
		}
		if ok, at := stage(recs[0], "contract_signed"); !ok || at == nil || !at.Equal(sig.At) {
			t.Errorf("contract_signed = %v at %v, want the signature's time %v", ok, at, sig.At)
		}
	})
}

func TestPortalUsersSignInToTheirOwnCustomer(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		a := w.customer
		b := w.newCustomer(t, `, "contact_email": "buyer@b.example"`)
		w.customer = b
		orderB := w.order(t, "2000", "0")
		const pw = "portal user password"
		app.Expect(t, 201, "POST", "/api/v1/admin/users", enginetest.JSONString(t, map[string]any{
			"email": "buyer@a.example", "name": "A buyer", "password": pw, "attributes": map[string]any{"portal_customer": a}}), nil)
		app.Expect(t, 201, "POST", "/api/v1/admin/users", enginetest.JSONString(t, map[string]any{
			"email": "buyer@b.example", "name": "B buyer", "password": pw}), nil)
		app.Expect(t, 201, "POST", "/api/v1/admin/users", enginetest.JSONString(t, map[string]any{
			"email": "nobody@c.example", "name": "Unlinked", "password": pw}), nil)
		login := func(email string, status int) string {
			var out struct {
				Token string `json:"token"`
			}
			r := app.Expect(t, status, "POST", "/api/v1/portal/login", enginetest.JSONString(t, map[string]any{
				"portal": "customer_portal", "email": email, "password": pw}), map[string]string{"Authorization": ""})
			if status == 200 {
				r.JSON(t, &out)
			}
			return out.Token
		}
		tokA := login("buyer@a.example", 200)
		var home engine.PortalHome
		app.Expect(t, 200, "GET", "/api/v1/portal/me", "", portalAs(tokA)).JSON(t, &home)
		if home.Customer.ID != a {
			t.Errorf("A's buyer is signed in as customer %d, want %d", home.Customer.ID, a)
		}
		tokB := login("buyer@b.example", 200)
		if recs := w.portalRecords(t, tokB); len(recs) != 1 || recs[0].ID != orderB {
			t.Errorf("B's buyer (linked by e-mail) sees %+v, want order %d", recs, orderB)
		}
		if recs := w.portalRecords(t, tokA); len(recs) != 0 {
			t.Errorf("A's buyer sees %+v", recs)
		}
		login("nobody@c.example", 401)
		app.Expect(t, 401, "POST", "/api/v1/portal/login", `{"portal": "customer_portal", "email": "buyer@a.example", "password": "wrong"}`,
			map[string]string{"Authorization": ""})
		// note: signing in to the portal opens no staff session.
		app.Expect(t, 401, "GET", "/api/v1/auth/me", "", map[string]string{"Authorization": "Bearer " + tokA})
	})
}
