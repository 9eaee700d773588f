package forms

import (
	"errors"
	"fmt"
	"strings"

	"github.com/expr-lang/expr/file"
)

// Problem is one mistake found in a definition or a record: where (a JSON
// pointer), a stable code the studio can translate, and a message a person can
// act on. Expression problems also carry the line and column in the
// expression.
type Problem struct {
	Path    string `json:"path"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
}

// Problem codes.
const (
	CodeRequired        = "validation_required"
	CodeInvalidType     = "validation_invalid_type"
	CodeInvalidValue    = "validation_invalid_value"
	CodeTooSmall        = "validation_too_small"
	CodeTooLarge        = "validation_too_large"
	CodeTooShort        = "validation_too_short"
	CodeTooLong         = "validation_too_long"
	CodeTooPrecise      = "validation_too_many_decimals"
	CodeTooMany         = "validation_too_many"
	CodePattern         = "validation_pattern"
	CodeNotAnOption     = "validation_not_an_option"
	CodeUnknownField    = "validation_unknown_field"
	CodeReadOnly        = "validation_read_only"
	CodeForbiddenField  = "forbidden_field"
	CodeRule            = "validation_rule"
	CodeNotFound        = "validation_not_found"
	CodeDuplicateKey    = "definition_duplicate_key"
	CodeInvalidKey      = "definition_invalid_key"
	CodeReservedKey     = "definition_reserved_key"
	CodeInvalidSetting  = "definition_invalid_setting"
	CodeUnknownTarget   = "definition_unknown_target"
	CodeInvalidExpr     = "definition_invalid_expression"
	CodeFormulaCycle    = "definition_formula_cycle"
	CodeFillCycle       = "definition_fill_cycle"
	CodeUnknownFieldRef = "definition_unknown_field"
	CodeMigrationUnique = "migration_unique_violated"
)

// ProblemList is an error made of problems; it is how a definition that does
// not compile, or a record that does not validate, is reported.
type ProblemList struct {
	Subject  string // e.g. "form/order" or "record"
	Problems []Problem
}

// Error lists the problems one per line.
func (p *ProblemList) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d problem(s)", p.Subject, len(p.Problems))
	for _, pr := range p.Problems {
		fmt.Fprintf(&b, "\n  %s: %s", pr.Path, pr.Message)
	}
	return b.String()
}

// AsProblems returns the problems inside err, if it is (or wraps) a ProblemList.
func AsProblems(err error) (*ProblemList, bool) {
	var pl *ProblemList
	ok := errors.As(err, &pl)
	return pl, ok
}

func problem(path, code, format string, args ...any) Problem {
	return Problem{Path: path, Code: code, Message: fmt.Sprintf(format, args...)}
}

// exprProblem turns an expr compile error into a Problem at path, keeping
// expr's line and column.
func exprProblem(path string, err error) Problem {
	// note: type errors found after parsing (expected bool, got int) come
	// without a position; they concern the whole expression, line 1 column 1.
	p := Problem{Path: path, Code: CodeInvalidExpr, Message: err.Error(), Line: 1, Column: 1}
	var fe *file.Error
	if errors.As(err, &fe) {
		p.Message = fe.Message
		if fe.Line > 0 {
			p.Line, p.Column = fe.Line, fe.Column+1
		}
	}
	return p
}

// pointerEscape escapes one JSON pointer segment.
func pointerEscape(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return pointerReplacer.Replace(s)
}

var pointerReplacer = strings.NewReplacer("~", "~0", "/", "~1")
