package documents

import (
	"bytes"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/mosaic-lowcode/mosaic/fonts"
)

const fontName = "noto"

// Render prints p as an A4 PDF. The embedded Noto Sans SC font is used for
// every text, subset to the glyphs the page uses, so Chinese and Latin both
// print on a machine with no fonts installed. created stamps the file, so
// the same page at the same time gives the same bytes.
func Render(p Page, created time.Time) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	pdf.SetTitle(p.Heading+" "+p.Subtitle, true)
	pdf.SetCreator("Mosaic", true)
	pdf.AddUTF8FontFromBytes(fontName, "", fonts.NotoSansSC)
	pdf.SetMargins(18, 18, 18)
	pdf.SetAutoPageBreak(true, 18)
	pdf.AddPage()
	width, _ := pdf.GetPageSize()
	left, _, right, _ := pdf.GetMargins()
	usable := width - left - right

	pdf.SetFont(fontName, "", 18)
	pdf.CellFormat(usable, 10, p.Heading, "", 1, "L", false, 0, "")
	if p.Subtitle != "" {
		pdf.SetFont(fontName, "", 11)
		pdf.SetTextColor(90, 90, 90)
		pdf.CellFormat(usable, 6, p.Subtitle, "", 1, "L", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	}
	pdf.Ln(4)
	for _, b := range p.Blocks {
		if b.Title != "" {
			pdf.SetFont(fontName, "", 12)
			pdf.SetFillColor(235, 240, 248)
			pdf.CellFormat(usable, 7, b.Title, "", 1, "L", true, 0, "")
			pdf.Ln(1)
		}
		pdf.SetFont(fontName, "", 10)
		for _, kv := range b.Pairs {
			pdf.SetTextColor(90, 90, 90)
			pdf.CellFormat(usable*0.35, 6, kv[0], "", 0, "L", false, 0, "")
			pdf.SetTextColor(0, 0, 0)
			pdf.MultiCell(usable*0.65, 6, kv[1], "", "L", false)
		}
		if b.Table != nil {
			table(pdf, b.Table, usable)
		}
		if b.Text != "" {
			pdf.MultiCell(usable, 5.5, b.Text, "", "L", false)
		}
		pdf.Ln(4)
	}
	if p.Footer != "" {
		pdf.SetFont(fontName, "", 9)
		pdf.SetTextColor(90, 90, 90)
		pdf.MultiCell(usable, 5, p.Footer, "T", "L", false)
	}
	var out bytes.Buffer
	if err := pdf.Output(&out); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func table(pdf *fpdf.Fpdf, t *Table, usable float64) {
	if len(t.Columns) == 0 {
		return
	}
	// note: text columns share what the numeric ones leave, numbers get a
	// fixed narrow width; a long cell is cut rather than breaking the grid.
	narrow := usable * 0.14
	wide := usable
	texts := 0
	for _, n := range t.Numeric {
		if n {
			wide -= narrow
		} else {
			texts++
		}
	}
	if texts > 0 {
		wide /= float64(texts)
	}
	widths := make([]float64, len(t.Columns))
	for i, n := range t.Numeric {
		widths[i] = wide
		if n {
			widths[i] = narrow
		}
	}
	if texts == 0 {
		for i := range widths {
			widths[i] = usable / float64(len(widths))
		}
	}
	align := func(i int) string {
		if t.Numeric[i] {
			return "R"
		}
		return "L"
	}
	pdf.SetFont(fontName, "", 9)
	pdf.SetFillColor(245, 245, 245)
	for i, c := range t.Columns {
		pdf.CellFormat(widths[i], 7, fit(pdf, c, widths[i]), "1", 0, align(i), true, 0, "")
	}
	pdf.Ln(-1)
	for _, row := range t.Rows {
		for i, cell := range row {
			pdf.CellFormat(widths[i], 6.5, fit(pdf, cell, widths[i]), "1", 0, align(i), false, 0, "")
		}
		pdf.Ln(-1)
	}
}

// fit cuts s to the width w of a cell.
func fit(pdf *fpdf.Fpdf, s string, w float64) string {
	r := []rune(s)
	for len(r) > 0 && pdf.GetStringWidth(string(r))+2 > w {
		r = r[:len(r)-1]
	}
	return string(r)
}
