package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/store"
)

type principalKey struct{}

type tokenKey struct{}

// authenticate accepts a bearer token or the session cookie set at login.
func (s *Server) authenticate(c *fiber.Ctx) error {
	token := ""
	if h := c.Get(fiber.HeaderAuthorization); strings.HasPrefix(h, "Bearer ") {
		token = strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
	} else if token = c.Cookies(sessionCookie); token != "" {
		if err := checkSameOrigin(c); err != nil {
			return err
		}
	}
	if token == "" {
		return newError(fiber.StatusUnauthorized, "unauthorized", "sign in first: POST /api/v1/auth/login, then send Authorization: Bearer <token>")
	}
	p, err := s.e.Authenticate(c.UserContext(), token)
	if store.IsUnavailable(err) {
		return err // note: a session is not lost because the database is
	}
	if err != nil {
		return newError(fiber.StatusUnauthorized, "unauthorized", "the token is invalid or has expired; sign in again")
	}
	c.Locals(principalKey{}, p)
	c.Locals(tokenKey{}, token)
	return c.Next()
}

// checkSameOrigin refuses a state-changing request authenticated by the
// session cookie unless the browser says it comes from a page of this
// server: another site's form or script could otherwise act as the signed-in
// user (CSRF). SameSite=Lax stops most of that; this stops the rest (a
// sibling subdomain is the same site, older browsers ignore SameSite).
// Bearer tokens are not sent by browsers on their own, so they need no check.
func checkSameOrigin(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return nil
	}
	host := c.Get(fiber.HeaderHost)
	from := c.Get(fiber.HeaderOrigin)
	if from == "" || from == "null" {
		from = c.Get(fiber.HeaderReferer)
	}
	if u, err := url.Parse(from); err == nil && u.Host != "" && strings.EqualFold(u.Host, host) &&
		c.Get("Sec-Fetch-Site") != "cross-site" {
		return nil
	}
	return newError(fiber.StatusForbidden, "cross_origin",
		"a request signed in by cookie must come from a page of this server; other clients send Authorization: Bearer <token>")
}

// sessionToken is the token the request was authenticated with.
func sessionToken(c *fiber.Ctx) string {
	t, _ := c.Locals(tokenKey{}).(string)
	return t
}

func principal(c *fiber.Ctx) *engine.Principal {
	p, _ := c.Locals(principalKey{}).(*engine.Principal)
	return p
}

// decodeObject reads the body as one JSON object, keeping numbers exact.
func decodeObject(c *fiber.Ctx) (map[string]any, error) {
	body := c.Body()
	if err := checkJSONBody(c, body); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, badRequest("", "the body is not valid JSON: "+jsonErrorText(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, badRequest("", "the body has data after the JSON object")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, badRequest("", "the body must be a JSON object")
	}
	return obj, nil
}

// decodeStrict reads the body into v, rejecting unknown properties.
func decodeStrict(c *fiber.Ctx, v any) error {
	return decodeStrictBody(c, v, false)
}

// decodeOptional is decodeStrict for a body that may be left out (v keeps
// its zero value then), keeping numbers in untyped values exact
// (json.Number).
func decodeOptional(c *fiber.Ctx, v any) error {
	if len(bytes.TrimSpace(c.Body())) == 0 {
		return nil
	}
	return decodeStrictBody(c, v, true)
}

func decodeStrictBody(c *fiber.Ctx, v any, exact bool) error {
	body := c.Body()
	if err := checkJSONBody(c, body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if exact {
		dec.UseNumber()
	}
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			if te.Field == "" {
				return badRequest("", "the body must be a JSON object")
			}
			return badRequest("/"+strings.ReplaceAll(te.Field, ".", "/"), fmt.Sprintf("%s must be %s", te.Field, jsonKind(te.Type)))
		}
		if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			name, _ = strconv.Unquote(name)
			return badRequest("/"+name, fmt.Sprintf("there is no property %q here", name))
		}
		return badRequest("", "the body is not valid: "+jsonErrorText(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badRequest("", "the body has data after the JSON object")
	}
	return nil
}

// jsonKind names the JSON type a Go type decodes from, for messages: Go
// type names mean nothing to API clients.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	}
	return "an object"
}

func checkJSONBody(c *fiber.Ctx, body []byte) error {
	if len(body) > maxJSONBody {
		return newError(fiber.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("the body is larger than %d bytes", maxJSONBody))
	}
	if ct := c.Get(fiber.HeaderContentType); ct != "" && !strings.Contains(strings.ToLower(ct), "json") {
		return badRequest("", "send the body as application/json")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("", "the body is empty; send a JSON object")
	}
	// note: encoding/json would silently turn invalid bytes into U+FFFD and
	// store text the client never sent.
	if !utf8.Valid(body) {
		return badRequest("", "the body is not valid UTF-8")
	}
	return nil
}

func jsonErrorText(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s at byte %d", se.Error(), se.Offset)
	}
	msg := err.Error()
	return strings.TrimPrefix(msg, "json: ")
}

// intParam reads a positive integer path parameter.
func intParam(c *fiber.Ctx, name string) (int64, error) {
	v, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || v <= 0 {
		return 0, newError(fiber.StatusNotFound, "not_found", fmt.Sprintf("%s must be a positive whole number", name))
	}
	return v, nil
}

// queryInt reads an optional positive integer query parameter.
func queryInt(c *fiber.Ctx, name string, def, max int) (int, error) {
	raw := c.Query(name)
	if raw == "" {
		return def, nil
	}
	v, err := strconv.Atoi(raw)
	if err != nil || v <= 0 {
		return 0, badRequest("/"+name, fmt.Sprintf("%s must be a positive whole number", name))
	}
	if max > 0 && v > max {
		return 0, badRequest("/"+name, fmt.Sprintf("%s must be at most %d", name, max))
	}
	return v, nil
}

// ifMatch reads the row version from If-Match ("3", "\"3\"" or W/"3"); 0
// when absent.
func ifMatch(c *fiber.Ctx) (int64, error) {
	raw := strings.TrimSpace(c.Get(fiber.HeaderIfMatch))
	if raw == "" || raw == "*" {
		return 0, nil
	}
	raw = strings.Trim(strings.TrimPrefix(raw, "W/"), `"`)
	v, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || v <= 0 {
		return 0, badRequest("/If-Match", "If-Match must be the ETag of the record you read, such as \"3\"")
	}
	return v, nil
}

func setETag(c *fiber.Ctx, version int64) {
	c.Set(fiber.HeaderETag, fmt.Sprintf("\"%d\"", version))
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
