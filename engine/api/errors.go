package api

import (
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/reports"
	"github.com/mosaic-lowcode/mosaic/store"
)

// Detail is one problem in an error response, located by a JSON pointer.
type Detail struct {
	Path    string `json:"path"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
}

// apiError is the one error shape of the API. Its cause is kept for the log
// and never shown.
type apiError struct {
	Status  int
	Code    string
	Message string
	Details []Detail
	cause   error
	// retryAfter, when set, is the Retry-After of a 429 or 503, in seconds.
	retryAfter int
}

func (e *apiError) Error() string { return e.Message }

type errorBody struct {
	Error errorInfo `json:"error"`
}

// errorInfo is the inside of the error shape, also one entry's error in a
// batch's results.
type errorInfo struct {
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Details []Detail `json:"details"`
}

func (e *apiError) info() errorInfo {
	info := errorInfo{Code: e.Code, Message: e.Message, Details: e.Details}
	if info.Details == nil {
		info.Details = []Detail{}
	}
	return info
}

func newError(status int, code, msg string, details ...Detail) *apiError {
	return &apiError{Status: status, Code: code, Message: msg, Details: details}
}

func badRequest(path, msg string) *apiError {
	return newError(http.StatusBadRequest, "bad_request", msg, Detail{Path: path, Message: msg})
}

// toAPIError maps any error to what the client sees. Only errors of known
// kinds show their text; anything else is logged and shown as a fixed
// message.
func toAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	if pl, ok := forms.AsProblems(err); ok {
		return problemsError(pl)
	}
	var fe *forms.FilterError
	if errors.As(err, &fe) {
		return newError(http.StatusBadRequest, "invalid_query", fe.Error(), Detail{Path: "/filter", Message: fe.Message, Column: fe.Column})
	}
	var se *forms.SortError
	if errors.As(err, &se) {
		return newError(http.StatusBadRequest, "invalid_query", se.Error(), Detail{Path: "/sort", Message: se.Message, Column: se.Column})
	}
	var rf *reports.ForbiddenError
	if errors.As(err, &rf) {
		return forbiddenRead(rf)
	}
	var fiberErr *fiber.Error
	if errors.As(err, &fiberErr) {
		return fiberError(fiberErr)
	}
	var soon *flows.TooSoonError
	if errors.As(err, &soon) {
		ae := newError(http.StatusTooManyRequests, "too_many_requests", soon.Error())
		ae.retryAfter = max(1, int(math.Ceil(time.Until(soon.RetryAt).Seconds())))
		return ae
	}
	switch {
	case errors.Is(err, engine.ErrLockedOut):
		return newError(http.StatusUnauthorized, "locked", err.Error())
	case errors.Is(err, engine.ErrBadCredentials):
		return newError(http.StatusUnauthorized, "unauthorized", err.Error())
	case errors.Is(err, store.ErrNotFound):
		return newError(http.StatusNotFound, "not_found", publicMessage(err, store.ErrNotFound))
	case errors.Is(err, store.ErrConflict):
		return newError(http.StatusConflict, "conflict", publicMessage(err, store.ErrConflict))
	case errors.Is(err, store.ErrForbidden):
		return newError(http.StatusForbidden, "forbidden", publicMessage(err, store.ErrForbidden))
	case errors.Is(err, store.ErrInvalid):
		return newError(http.StatusBadRequest, "bad_request", publicMessage(err, store.ErrInvalid))
	case engine.IsTooLarge(err):
		return newError(http.StatusRequestEntityTooLarge, "too_large", err.Error())
	case errors.Is(err, engine.ErrStorageFull), store.IsStorageFull(err):
		return &apiError{Status: http.StatusInsufficientStorage, Code: "storage_full", cause: err,
			Message: "the server has run out of disk space, so nothing was saved; tell the operator to free space, then try again"}
	case store.IsUnavailable(err):
		// note: a lost database is a wait, not a bug: the pool reconnects by
		// itself, so the client is told when to try again.
		return &apiError{Status: http.StatusServiceUnavailable, Code: "unavailable", cause: err, retryAfter: unavailableRetry,
			Message: "the database cannot be reached just now; try again in a few seconds"}
	}
	return &apiError{Status: http.StatusInternalServerError, Code: "internal_error",
		Message: "something went wrong on our side; it has been logged", cause: err}
}

// unavailableRetry is the Retry-After, in seconds, of a 503 for a lost
// database: about the time a restarted PostgreSQL takes to accept again.
const unavailableRetry = 2

// publicMessage keeps the sentence our own code wrote after the sentinel and
// drops any driver text after it.
func publicMessage(err, kind error) string {
	msg := err.Error()
	prefix := kind.Error() + ": "
	if i := strings.Index(msg, prefix); i >= 0 {
		msg = msg[i+len(prefix):]
	}
	if i := strings.Index(msg, ": ERROR:"); i >= 0 {
		msg = msg[:i]
	}
	if i := strings.Index(msg, ": constraint failed"); i >= 0 {
		msg = msg[:i]
	}
	if i := strings.Index(msg, ": UNIQUE constraint"); i >= 0 {
		msg = msg[:i]
	}
	if i := strings.Index(msg, ": FOREIGN KEY constraint"); i >= 0 {
		msg = msg[:i]
	}
	if msg == "" {
		msg = kind.Error()
	}
	return msg
}

func problemsError(pl *forms.ProblemList) *apiError {
	if e := forbiddenFields(pl); e != nil {
		return e
	}
	details := make([]Detail, len(pl.Problems))
	for i, p := range pl.Problems {
		details[i] = Detail{Path: p.Path, Code: p.Code, Message: p.Message, Line: p.Line, Column: p.Column}
	}
	msg := "the input is not valid; see details"
	if len(details) == 1 {
		msg = details[0].Message
	}
	return newError(http.StatusUnprocessableEntity, "validation_failed", msg, details...)
}

// forbiddenFields is a 403 naming each field the caller may not write, when
// a write was refused for any; nil otherwise.
//
// note: a field the caller may not change is a permission problem, not a
// validation one: it is reported alone, as 403, whatever else was wrong.
func forbiddenFields(pl *forms.ProblemList) *apiError {
	var details []Detail
	for _, p := range pl.Problems {
		if p.Code == forms.CodeForbiddenField {
			details = append(details, Detail{Path: p.Path, Code: p.Code, Message: p.Message})
		}
	}
	if len(details) == 0 {
		return nil
	}
	msg := "you may not change some of the fields you sent; see details"
	if len(details) == 1 {
		msg = details[0].Message
	}
	return newError(http.StatusForbidden, "forbidden", msg, details...)
}

// forbiddenRead is a 403 naming what a report uses that the caller may
// not read; the detail's path is the field's path ("/customer/credit_limit").
func forbiddenRead(rf *reports.ForbiddenError) *apiError {
	d := Detail{Path: "", Code: forms.CodeForbiddenField, Message: rf.Error()}
	if rf.Field != "" {
		d.Path = "/" + strings.ReplaceAll(rf.Field, ".", "/")
	}
	return newError(http.StatusForbidden, "forbidden", rf.Error(), d)
}

func fiberError(e *fiber.Error) *apiError {
	switch e.Code {
	case http.StatusNotFound:
		return newError(e.Code, "not_found", "there is no such endpoint; see /api/v1/openapi.json")
	case http.StatusMethodNotAllowed:
		return newError(e.Code, "method_not_allowed", "this endpoint does not take that method")
	case http.StatusRequestEntityTooLarge:
		return newError(e.Code, "too_large", "the request body is too large")
	case http.StatusRequestHeaderFieldsTooLarge:
		return newError(e.Code, "too_large", "the URL or the request headers are too long")
	case http.StatusBadRequest:
		return newError(e.Code, "bad_request", "the request could not be read")
	}
	if e.Code >= 500 {
		return &apiError{Status: http.StatusInternalServerError, Code: "internal_error", Message: "something went wrong on our side", cause: e}
	}
	return newError(e.Code, "error", e.Message)
}

// errorHandler is fiber's error handler: every error leaves as the one shape.
func errorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		ae := toAPIError(err)
		if ae.Status >= 500 {
			log.Error("request failed", "method", c.Method(), "path", c.Path(), "err", err)
		}
		if ae.retryAfter > 0 {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(ae.retryAfter))
		}
		return c.Status(ae.Status).JSON(errorBody{Error: ae.info()})
	}
}
