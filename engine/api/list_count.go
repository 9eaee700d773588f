package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// countMode reads how the caller wants a list's total: count=exact (the
// default), estimate or none; the older total=skip still means none.
func countMode(c *fiber.Ctx) (forms.CountMode, error) {
	count, total := c.Query("count"), c.Query("total")
	if total != "" && total != "skip" {
		return "", queryError("/total", `total may only be "skip"; use count=exact, estimate or none`)
	}
	switch forms.CountMode(count) {
	case "":
		if total == "skip" {
			return forms.CountNone, nil
		}
		return forms.CountExact, nil
	case forms.CountExact, forms.CountEstimate, forms.CountNone:
		if total == "skip" && count != string(forms.CountNone) {
			return "", queryError("/total", "total=skip contradicts count="+count)
		}
		return forms.CountMode(count), nil
	}
	return "", queryError("/count", "count must be exact, estimate or none")
}
