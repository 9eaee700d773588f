package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/store"
)

// openAPIDoc is the part of an OpenAPI document these tests read.
type openAPIDoc struct {
	OpenAPI    string                                `json:"openapi"`
	Security   []map[string][]string                 `json:"security"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		SecuritySchemes map[string]json.RawMessage `json:"securitySchemes"`
		Schemas         map[string]json.RawMessage `json:"schemas"`
		Responses       map[string]json.RawMessage `json:"responses"`
		Parameters      map[string]json.RawMessage `json:"parameters"`
	} `json:"components"`
}

// operation is one method of one path.
type operation struct {
	OperationID string                     `json:"operationId"`
	Security    *[]map[string][]string     `json:"security"`
	Parameters  []map[string]any           `json:"parameters"`
	Responses   map[string]json.RawMessage `json:"responses"`
}

var (
	docOnce sync.Once
	docRaw  []byte
	docErr  error
)

// loadOpenAPI reads engine/api/openapi.json, the file the server embeds.
func loadOpenAPI(t testing.TB) (*openAPIDoc, map[string]any) {
	t.Helper()
	docOnce.Do(func() { docRaw, docErr = os.ReadFile("openapi.json") })
	if docErr != nil {
		t.Fatal(docErr)
	}
	var doc openAPIDoc
	var generic map[string]any
	if err := json.Unmarshal(docRaw, &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	_ = json.Unmarshal(docRaw, &generic)
	return &doc, generic
}

func (d *openAPIDoc) operation(t testing.TB, path, method string) (operation, bool) {
	t.Helper()
	raw, ok := d.Paths[path][strings.ToLower(method)]
	if !ok {
		return operation{}, false
	}
	var op operation
	if err := json.Unmarshal(raw, &op); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return op, true
}

var fiberParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

// routes lists "METHOD /path/{param}" for every route api.New registers,
// leaving out HEAD (fiber adds it to every GET) and middleware.
func routes(app *enginetest.App) []string {
	var out []string
	for _, r := range app.HTTP.GetRoutes(true) {
		if r.Method == "HEAD" || r.Path == "/" {
			continue
		}
		// note: the studio's catch-all (/studio/*) is documented as {path}.
		path := strings.Replace(fiberParam.ReplaceAllString(r.Path, "{$1}"), "*", "{path}", 1)
		out = append(out, r.Method+" "+path)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

var methods = []string{"get", "put", "post", "patch", "delete", "head", "options", "trace"}

func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	t.Parallel()
	app := enginetest.New(t, store.SQLite)
	doc, _ := loadOpenAPI(t)
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	registered := routes(app)
	if len(registered) < 25 {
		t.Fatalf("only %d routes found: %v", len(registered), registered)
	}
	for _, r := range registered {
		method, path, _ := strings.Cut(r, " ")
		if _, ok := doc.operation(t, path, method); !ok {
			t.Errorf("route %s is not in openapi.json", r)
		}
	}
	for path, ops := range doc.Paths {
		for m := range ops {
			if !slices.Contains(methods, m) {
				continue // parameters, summary…
			}
			if r := strings.ToUpper(m) + " " + path; !slices.Contains(registered, r) {
				t.Errorf("openapi.json documents %s, which the server does not serve", r)
			}
		}
	}
}

func TestOpenAPIOperations(t *testing.T) {
	t.Parallel()
	doc, generic := loadOpenAPI(t)
	if _, ok := doc.Components.SecuritySchemes["bearer"]; !ok {
		t.Error("no bearer security scheme")
	}
	if len(doc.Security) == 0 {
		t.Error("no default security requirement: every endpoint would be documented as public")
	}
	public := []string{"/healthz", "/readyz", "/metrics", "/api/v1/openapi.json", "/api/v1/auth/login", "/api/v1/schemas/{kind}",
		"/studio", "/studio/{path}", "/app", "/app/{path}", "/portal", "/portal/{path}", "/sign/{token}",
		"/api/v1/portal/sign/{token}", "/api/v1/portal/sign/{token}/files/{id}", "/api/v1/portal/login"}
	ids := map[string]string{}
	for path, ops := range doc.Paths {
		for m := range ops {
			if !slices.Contains(methods, m) {
				continue
			}
			name := strings.ToUpper(m) + " " + path
			op, _ := doc.operation(t, path, m)
			if op.OperationID == "" {
				t.Errorf("%s has no operationId", name)
			} else if other, dup := ids[op.OperationID]; dup {
				t.Errorf("%s and %s share operationId %s", name, other, op.OperationID)
			}
			ids[op.OperationID] = name
			isPublic := op.Security != nil && len(*op.Security) == 0
			if isPublic != slices.Contains(public, path) {
				t.Errorf("%s: public = %v, want %v", name, isPublic, !isPublic)
			}
			if _, ok := op.Responses["401"]; !isPublic && !ok {
				t.Errorf("%s needs a token but does not document 401", name)
			}
			checkResponses(t, name, op, generic)
			checkPathParams(t, name, path, op, generic)
		}
	}
}

// checkResponses makes sure every 4xx of op is the Error schema.
func checkResponses(t *testing.T, name string, op operation, generic map[string]any) {
	t.Helper()
	hasSuccess := false
	for status, raw := range op.Responses {
		code, err := strconv.Atoi(status)
		if err != nil {
			t.Errorf("%s: response %q is not a status code", name, status)
			continue
		}
		hasSuccess = hasSuccess || code < 400 // note: a redirect (302) is the success of /sign/{token}
		if code < 400 || code >= 500 {
			continue
		}
		var r any
		_ = json.Unmarshal(raw, &r)
		r = resolve(t, generic, r)
		s := resolve(t, generic, at(r, "content", "application/json", "schema"))
		if at(s, "properties", "error", "required") == nil {
			t.Errorf("%s: %d is not the Error schema", name, code)
		}
	}
	if !hasSuccess {
		t.Errorf("%s documents no success response", name)
	}
}

// checkPathParams makes sure every {param} of path is declared once, in
// path, required.
func checkPathParams(t *testing.T, name, path string, op operation, generic map[string]any) {
	t.Helper()
	declared := map[string]bool{}
	for _, p := range op.Parameters {
		pm, _ := resolve(t, generic, p).(map[string]any)
		if pm["in"] == "path" {
			if pm["required"] != true {
				t.Errorf("%s: path parameter %v is not required", name, pm["name"])
			}
			declared[fmt.Sprint(pm["name"])] = true
		}
	}
	for _, m := range regexp.MustCompile(`\{([^}]+)\}`).FindAllStringSubmatch(path, -1) {
		if !declared[m[1]] {
			t.Errorf("%s: path parameter {%s} is not declared", name, m[1])
		}
		delete(declared, m[1])
	}
	for p := range declared {
		t.Errorf("%s declares path parameter %s, which is not in the path", name, p)
	}
}

// resolve follows a local $ref.
func resolve(t testing.TB, generic map[string]any, v any) any {
	t.Helper()
	for range 5 {
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return v
		}
		var next any = generic
		for _, tok := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			next = at(next, tok)
		}
		if next == nil {
			t.Errorf("$ref %s does not resolve", ref)
		}
		v = next
	}
	return v
}

func TestOpenAPIRefsResolve(t *testing.T) {
	t.Parallel()
	_, generic := loadOpenAPI(t)
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if _, ok := x["$ref"]; ok {
				resolve(t, generic, x)
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(generic)
	errSchema := resolve(t, generic, map[string]any{"$ref": "#/components/schemas/Error"})
	detail := resolve(t, generic, at(errSchema, "properties", "error", "properties", "details", "items"))
	for _, k := range []string{"path", "code", "message", "line", "column"} {
		if at(detail, "properties", k) == nil {
			t.Errorf("the error detail schema lacks %q", k)
		}
	}
}

// TestOpenAPIServed checks the document the server serves is the file.
func TestOpenAPIServed(t *testing.T) {
	t.Parallel()
	app := enginetest.New(t, store.SQLite)
	r := app.Expect(t, 200, "GET", "/api/v1/openapi.json", "", map[string]string{"Authorization": ""})
	loadOpenAPI(t)
	if r.Body != string(docRaw) || !strings.HasPrefix(r.Headers["Content-Type"], "application/json") {
		t.Errorf("GET /api/v1/openapi.json does not serve openapi.json (type %q)", r.Headers["Content-Type"])
	}
	app.Expect(t, 200, "GET", "/healthz", "", map[string]string{"Authorization": ""})
	if ready := app.Expect(t, 200, "GET", "/readyz", "", map[string]string{"Authorization": ""}).Map(t); ready["forms"] != 9.0 {
		t.Errorf("readyz = %v, want the example's 9 live forms", ready)
	}
	if s := app.Expect(t, 200, "GET", "/api/v1/schemas/form", "", map[string]string{"Authorization": ""}); !strings.Contains(s.Body, "2020-12") {
		t.Errorf("the form schema is not a draft 2020-12 schema: %.200s", s.Body)
	}
}

// documented reports whether openapi.json lists status for the route that
// serves method and rawURL, so scenario tables can check that what the API
// answers is what it promises. route is "" when no documented operation
// matches.
func documented(t testing.TB, method, rawURL string, status int) (route string, ok bool) {
	t.Helper()
	doc, _ := loadOpenAPI(t)
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", false
	}
	var matches []string
	for path := range doc.Paths {
		re := "^" + docParam.ReplaceAllString(regexp.QuoteMeta(path), `[^/]+`) + "$"
		if regexp.MustCompile(re).MatchString(u.EscapedPath()) {
			matches = append(matches, path)
		}
	}
	// note: like fiber, prefer the most literal path (/records/import over
	// /records/{id}).
	slices.SortFunc(matches, func(a, b string) int { return strings.Count(a, "{") - strings.Count(b, "{") })
	for _, path := range matches {
		if op, found := doc.operation(t, path, method); found {
			_, ok = op.Responses[strconv.Itoa(status)]
			return method + " " + path, ok
		}
	}
	return "", false // note: unserved methods fall to the catch-all 404
}

var docParam = regexp.MustCompile(`\\\{[^}]+\\\}`)

var (
	schemaMu    sync.Mutex
	schemaCache = map[string]*jsonschema.Schema{}
)

// componentSchema compiles components/schemas/name of openapi.json.
func componentSchema(t testing.TB, name string) *jsonschema.Schema {
	t.Helper()
	loadOpenAPI(t)
	schemaMu.Lock()
	defer schemaMu.Unlock()
	if s, ok := schemaCache[name]; ok {
		return s
	}
	const id = "https://mosaic.test/openapi.json"
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	if err := c.AddResource(id, bytes.NewReader(docRaw)); err != nil {
		t.Fatalf("openapi.json as a schema resource: %v", err)
	}
	s, err := c.Compile(id + "#/components/schemas/" + name)
	if err != nil {
		t.Fatalf("compile schema %s: %v", name, err)
	}
	schemaCache[name] = s
	return s
}

// conforms fails the test unless body (JSON text or a decoded value) is valid
// against the schema openapi.json documents as name: the document promises
// what the API answers.
func conforms(t testing.TB, name string, body any) {
	t.Helper()
	v := body
	if s, ok := body.(string); ok {
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			t.Errorf("%s: not JSON: %.200s", name, s)
			return
		}
	}
	if err := componentSchema(t, name).Validate(v); err != nil {
		t.Errorf("the response does not match the documented %s schema: %v\nbody: %.600s", name, err, enginetest.JSONString(t, v))
	}
}

// conformsEach checks every entry of the list under "items" in body.
func conformsEach(t testing.TB, name, body string) {
	t.Helper()
	var list struct {
		Items []any `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &list); err != nil || list.Items == nil {
		t.Errorf("%s list: no items: %.200s", name, body)
		return
	}
	for _, it := range list.Items {
		conforms(t, name, it)
	}
}
