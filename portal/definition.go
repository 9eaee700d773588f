// Package portal holds customer portal definitions: the branding, the
// customer form, the tracked forms with their stages, the documents a
// customer may download, the service-request form and the e-sign settings.
// It compiles them against the published forms and flows, and evaluates a
// tracked record's stages from facts the engine gathers (the relation graph,
// flow instances and signatures), so no stage needs a hand-kept status field.
package portal

import (
	"bytes"
	"encoding/json"
)

// Definition is one portal, as written in a `portal` definition.
type Definition struct {
	Kind        string    `json:"kind"`
	Key         string    `json:"key"`
	Title       string    `json:"title"`
	Description string    `json:"description,omitempty"`
	Branding    Branding  `json:"branding"`
	Customer    Customer  `json:"customer"`
	Tracked     []Tracked `json:"tracked"`
	Service     *Service  `json:"service,omitempty"`
	ESign       *ESign    `json:"esign,omitempty"`
}

// Text is a label in English and Chinese.
type Text struct {
	EN string `json:"en"`
	ZH string `json:"zh"`
}

// Branding is how the portal looks to customers.
type Branding struct {
	Name    Text   `json:"name"`
	LogoURL string `json:"logo_url,omitempty"`
	// Primary and Accent are CSS hex colours, "#1f6feb".
	Primary string `json:"primary,omitempty"`
	Accent  string `json:"accent,omitempty"`
}

// Customer names the form whose records are the portal's customers.
type Customer struct {
	Form      string `json:"form"`
	NameField string `json:"name_field"`
	// EmailField links a portal user (by e-mail address) to a customer.
	EmailField string `json:"email_field,omitempty"`
}

// Tracked is a form whose records customers follow, with the relation field
// that links a record to its customer.
type Tracked struct {
	Form          string     `json:"form"`
	Title         Text       `json:"title"`
	CustomerField string     `json:"customer_field"`
	NumberField   string     `json:"number_field"`
	Fields        []string   `json:"fields,omitempty"`
	Stages        []Stage    `json:"stages"`
	Documents     []Document `json:"documents,omitempty"`
}

// Stage is one step of a tracker and the fact that reaches it.
type Stage struct {
	Key   string `json:"key"`
	Title Text   `json:"title"`
	When  When   `json:"when"`
}

// Stage kinds: what makes a stage reached.
const (
	// WhenCreated is reached when the tracked record exists.
	WhenCreated = "created"
	// WhenFlow is reached when a flow on the record ended with an outcome.
	WhenFlow = "flow"
	// WhenRelated is reached when a related record (matching Where) exists.
	WhenRelated = "related"
	// WhenSigned is reached when a related record has an e-sign acceptance.
	WhenSigned = "signed"
	// WhenSum is reached when the sum of a related field reaches a field of
	// the tracked record.
	WhenSum = "sum"
)

// When is the fact behind a stage.
type When struct {
	Type string `json:"type"`
	// Flow and Outcome, for "flow".
	Flow    string `json:"flow,omitempty"`
	Outcome string `json:"outcome,omitempty"`
	// Form and Link (the related form's relation field pointing at the
	// tracked record), for "related", "signed" and "sum".
	Form  string `json:"form,omitempty"`
	Link  string `json:"link,omitempty"`
	Where *Where `json:"where,omitempty"`
	// DateField dates a related record (its creation time otherwise).
	DateField string `json:"date_field,omitempty"`
	// Field is summed until it reaches the tracked record's Reaches field.
	Field   string `json:"field,omitempty"`
	Reaches string `json:"reaches,omitempty"`
}

// Where keeps the related records whose Field is one of In.
type Where struct {
	Field string   `json:"field"`
	In    []string `json:"in"`
}

// Document is an attachment field whose files customers may download: on
// the tracked record itself (no Link) or on records related through Link.
type Document struct {
	Form  string `json:"form"`
	Link  string `json:"link,omitempty"`
	Field string `json:"field"`
	Title Text   `json:"title"`
}

// Service is the service-request form: which field links a request to its
// customer (and optionally to a tracked record), which fields the customer
// fills, and which field says where the request stands.
type Service struct {
	Form          string   `json:"form"`
	CustomerField string   `json:"customer_field"`
	OrderField    string   `json:"order_field,omitempty"`
	Fields        []string `json:"fields"`
	// Set are values the portal writes on every request (the channel).
	Set         map[string]string `json:"set,omitempty"`
	TitleField  string            `json:"title_field"`
	StatusField string            `json:"status_field"`
}

// ESign says which form customers sign, which attachment field holds the
// document, and which fields record the signing.
type ESign struct {
	Form          string `json:"form"`
	CustomerField string `json:"customer_field"`
	DocumentField string `json:"document_field"`
	StatusField   string `json:"status_field"`
	SignedValue   string `json:"signed_value"`
	DateField     string `json:"date_field,omitempty"`
	TitleField    string `json:"title_field,omitempty"`
}

// Parse decodes a portal definition, refusing unknown properties (the
// schema has already said where).
func Parse(raw []byte) (*Definition, error) {
	var d Definition
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return nil, err
	}
	return &d, nil
}
