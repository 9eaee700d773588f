package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/portal"
	"github.com/mosaic-lowcode/mosaic/store"
)

// SignatureRequest is a customer's acceptance of a document, as the portal
// received it.
type SignatureRequest struct {
	Form      string
	RecordID  int64
	Name      string
	Address   string
	IP        string
	UserAgent string
	File      store.File
}

// SignatureResult is what a provider says about a completed signature.
type SignatureResult struct {
	At time.Time
	// Evidence is the provider's own record (an envelope id, a certificate),
	// kept with the signature.
	Evidence string
}

// SignatureProvider completes a signature. The built-in one is click to
// sign: the typed name, the time, the address and the document's hash are
// the evidence. A third-party e-sign service would implement this too.
type SignatureProvider interface {
	Name() string
	Sign(ctx context.Context, r SignatureRequest) (SignatureResult, error)
}

// ClickToSign is the built-in provider: the acceptance recorded by the
// portal is the signature.
type ClickToSign struct{}

// Name is the provider's name as kept with each signature.
func (ClickToSign) Name() string { return "click_to_sign" }

// Sign records nothing beyond the request itself.
func (ClickToSign) Sign(_ context.Context, r SignatureRequest) (SignatureResult, error) {
	ev, _ := json.Marshal(map[string]any{"typed_name": r.Name, "sha256": r.File.SHA256})
	return SignatureResult{At: time.Now().UTC().Truncate(time.Microsecond), Evidence: string(ev)}, nil
}

func (e *Engine) signer() SignatureProvider {
	if e.cfg.Signer != nil {
		return e.cfg.Signer
	}
	return ClickToSign{}
}

// SignView is the signing page of one invitation.
type SignView struct {
	Branding   portal.Branding    `json:"branding"`
	Form       string             `json:"form"`
	RecordID   int64              `json:"record_id"`
	Title      string             `json:"title"`
	Address    string             `json:"address"`
	Expires    time.Time          `json:"expires"`
	Signed     bool               `json:"signed"`
	Documents  []forms.Attachment `json:"documents"`
	Signatures []SignatureView    `json:"signatures"`
}

// SignatureView is a signature as shown to the signer and on the record.
type SignatureView struct {
	Name     string    `json:"name"`
	At       time.Time `json:"at"`
	FileName string    `json:"file_name"`
	SHA256   string    `json:"sha256"`
	Provider string    `json:"provider"`
}

// signTarget is what a signing token points at.
type signTarget struct {
	grant  SignGrant
	portal *portal.Compiled
	form   *forms.Compiled
	rec    forms.Record
}

func (e *Engine) signTarget(ctx context.Context, tok string) (*signTarget, error) {
	g, err := e.VerifySignToken(tok, time.Now())
	if err != nil {
		return nil, err
	}
	closed := fmt.Errorf("%w: signing is not open for this document; ask the sender", store.ErrForbidden)
	snap := e.Snapshot()
	var p *portal.Compiled
	for _, x := range snap.Portals() {
		if x.ESign != nil && x.ESign.Form == g.Form {
			p = x
			break
		}
	}
	if p == nil {
		return nil, closed
	}
	c, ok := snap.Form(g.Form)
	if !ok {
		return nil, closed
	}
	rec, err := e.records.Get(ctx, c, g.Record)
	if err != nil {
		return nil, closed
	}
	return &signTarget{grant: g, portal: p, form: c, rec: rec}, nil
}

// SignPage returns the signing page of a signed link.
func (e *Engine) SignPage(ctx context.Context, tok string) (*SignView, error) {
	t, err := e.signTarget(ctx, tok)
	if err != nil {
		return nil, err
	}
	es := t.portal.ESign
	sigs, err := e.db.Signatures(ctx, t.grant.Form, []int64{t.grant.Record})
	if err != nil {
		return nil, err
	}
	v := &SignView{Branding: t.portal.Branding, Form: t.grant.Form, RecordID: t.grant.Record, Address: t.grant.Address,
		Expires: t.grant.Expires, Documents: attachments(t.rec[es.DocumentField]), Signatures: []SignatureView{}}
	if v.Documents == nil {
		v.Documents = []forms.Attachment{}
	}
	if es.TitleField != "" {
		v.Title = fmt.Sprint(valueOr(t.rec[es.TitleField], ""))
	}
	for _, s := range sigs {
		v.Signatures = append(v.Signatures, SignatureView{Name: s.Name, At: s.At, FileName: s.FileName, SHA256: s.SHA256, Provider: s.Provider})
	}
	v.Signed = len(sigs) > 0
	return v, nil
}

// SignFile opens one of the documents of a signing link.
func (e *Engine) SignFile(ctx context.Context, tok, id string) (*store.File, io.ReadCloser, error) {
	t, err := e.signTarget(ctx, tok)
	if err != nil {
		return nil, nil, err
	}
	for _, a := range attachments(t.rec[t.portal.ESign.DocumentField]) {
		if a.ID == id {
			return e.OpenFile(ctx, id)
		}
	}
	return nil, nil, fmt.Errorf("%w: there is no file %q here", store.ErrNotFound, id)
}

// SignInput is a customer's acceptance.
type SignInput struct {
	Name   string `json:"name"`
	FileID string `json:"file_id"`
	Agree  bool   `json:"agree"`
}

// Sign records the acceptance of a signing link's document: the signature
// (name, time, IP, user agent, the document's SHA-256 read from the file
// itself), an audit entry on the record and the record's e-sign fields, in
// one transaction. A document is signed once; signing again is a conflict.
func (e *Engine) Sign(ctx context.Context, tok string, in SignInput, ip, userAgent string) (*SignatureView, error) {
	t, err := e.signTarget(ctx, tok)
	if err != nil {
		return nil, err
	}
	name := strings.TrimSpace(in.Name)
	switch {
	case name == "":
		return nil, invalid("/name", "type your full name to sign")
	case len([]rune(name)) > 200:
		return nil, invalid("/name", "a name is at most 200 characters")
	case !in.Agree:
		return nil, invalid("/agree", "tick the box to accept the document")
	}
	es := t.portal.ESign
	docs := attachments(t.rec[es.DocumentField])
	if in.FileID == "" && len(docs) == 1 {
		in.FileID = docs[0].ID
	}
	var doc *forms.Attachment
	for i := range docs {
		if docs[i].ID == in.FileID {
			doc = &docs[i]
		}
	}
	if doc == nil {
		if len(docs) == 0 {
			return nil, invalid("/file_id", "there is no document to sign yet; ask the sender")
		}
		return nil, invalid("/file_id", "name one of the documents of this invitation")
	}
	f, sum, err := e.fileDigest(ctx, doc.ID)
	if err != nil {
		return nil, err
	}
	f.SHA256 = sum
	req := SignatureRequest{Form: t.grant.Form, RecordID: t.grant.Record, Name: name, Address: t.grant.Address,
		IP: clip(ip, 64), UserAgent: clip(userAgent, 500), File: *f}
	var out *SignatureView
	err = e.db.WithTx(ctx, func(ctx context.Context) error {
		prior, err := e.db.Signatures(ctx, t.grant.Form, []int64{t.grant.Record})
		if err != nil {
			return err
		}
		if len(prior) > 0 {
			return fmt.Errorf("%w: this document was already signed by %s on %s", store.ErrConflict, prior[0].Name, prior[0].At.Format("2006-01-02"))
		}
		res, err := e.signer().Sign(ctx, req)
		if err != nil {
			return err
		}
		sig := &store.Signature{FormKey: req.Form, RecordID: req.RecordID, Provider: e.signer().Name(), Name: name,
			Address: req.Address, FileID: f.ID, FileName: f.Name, SHA256: sum, IP: req.IP, UserAgent: req.UserAgent,
			Evidence: res.Evidence, At: res.At}
		if err := e.db.AddSignature(ctx, sig); err != nil {
			return err
		}
		summary := fmt.Sprintf("signed by %s <%s> from %s: %s sha256 %s", name, req.Address, req.IP, f.Name, sum)
		if err := e.db.Append(ctx, &store.AuditEntry{At: res.At, Action: "record.sign", TargetKind: "form", TargetKey: req.Form,
			RecordID: req.RecordID, Summary: clip(summary, 500)}); err != nil {
			return err
		}
		set := map[string]any{es.StatusField: es.SignedValue}
		if es.DateField != "" {
			set[es.DateField] = res.At.Format("2006-01-02")
		}
		if _, err := e.UpdateRecord(ctx, &Principal{}, t.form, req.RecordID, 0, forms.Write{Input: set, Trusted: true,
			Actor: forms.Actor{Name: name, Email: req.Address}}); err != nil {
			return err
		}
		out = &SignatureView{Name: name, At: res.At, FileName: f.Name, SHA256: sum, Provider: sig.Provider}
		return nil
	})
	return out, err
}

// fileDigest reads a stored file through and returns its SHA-256.
func (e *Engine) fileDigest(ctx context.Context, id string) (*store.File, string, error) {
	f, r, err := e.OpenFile(ctx, id)
	if err != nil {
		return nil, "", err
	}
	defer r.Close()
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return nil, "", err
	}
	return f, hex.EncodeToString(h.Sum(nil)), nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// SignLink makes (again) the invitation to sign record id of a form that a
// portal lets customers sign, for address: what the flow's link: "sign"
// e-mails, for an admin resending it.
func (e *Engine) SignLink(ctx context.Context, form string, id int64, address string) (string, string, error) {
	signable := false
	for _, p := range e.Snapshot().Portals() {
		signable = signable || (p.ESign != nil && p.ESign.Form == form)
	}
	if !signable {
		return "", "", invalid("/form", fmt.Sprintf("no portal lets customers sign %q records", form))
	}
	if address = strings.TrimSpace(address); address == "" || len(address) > 320 || !strings.Contains(address, "@") {
		return "", "", invalid("/address", "the signer's e-mail address, e.g. li.wei@acme.example")
	}
	c, _ := e.Snapshot().Form(form)
	if c == nil {
		return "", "", invalid("/form", fmt.Sprintf("form %q is not published", form))
	}
	if _, err := e.records.Get(ctx, c, id); err != nil {
		return "", "", invalid("/record", fmt.Sprintf("there is no %s record %d", form, id))
	}
	link, err := signLinks{e}.Sign(form, id, address)
	if err != nil {
		return "", "", err
	}
	return link, link[strings.LastIndex(link, "/")+1:], nil
}

// RecordSignature is a signature as staff see it on the record: the
// signature with where it came from.
type RecordSignature struct {
	SignatureView
	Address   string `json:"address"`
	IP        string `json:"ip"`
	UserAgent string `json:"user_agent"`
	FileID    string `json:"file_id"`
}

// RecordSignatures lists the signatures of a record, oldest first; the
// caller has checked that the record may be read.
func (e *Engine) RecordSignatures(ctx context.Context, form string, id int64) ([]RecordSignature, error) {
	sigs, err := e.db.Signatures(ctx, form, []int64{id})
	if err != nil {
		return nil, err
	}
	out := make([]RecordSignature, 0, len(sigs))
	for _, s := range sigs {
		out = append(out, RecordSignature{SignatureView: SignatureView{Name: s.Name, At: s.At, FileName: s.FileName, SHA256: s.SHA256,
			Provider: s.Provider}, Address: s.Address, IP: s.IP, UserAgent: s.UserAgent, FileID: s.FileID})
	}
	return out, nil
}
