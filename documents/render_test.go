package documents_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/ledongthuc/pdf"

	"github.com/mosaic-lowcode/mosaic/documents"
)

// pdfText checks that a PDF parses (ledongthuc/pdf reads its structure)
// and embeds a TrueType font, and returns its text.
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil || r.NumPage() < 1 {
		t.Fatalf("the PDF does not parse: %v", err)
	}
	if !bytes.Contains(b, []byte("/FontFile2")) {
		t.Error("the PDF embeds no TrueType font")
	}
	text, err := documents.Text(b)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

func TestRenderPrintsChinese(t *testing.T) {
	t.Parallel()
	page := documents.Page{Heading: "报价单 Quotation", Subtitle: "QT-202611-00001",
		Blocks: []documents.Block{
			{Title: "客户 Customer", Pairs: [][2]string{{"客户名称", "上海明远机械有限公司"}, {"Amount 金额", "150,000.00"}}},
			{Title: "明细 Lines", Table: &documents.Table{Columns: []string{"产品 Product", "数量 Qty"}, Numeric: []bool{false, true},
				Rows: [][]string{{"服务器 2U", "3"}}}},
		}, Footer: "有效期三十天 Valid for 30 days"}
	at := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	b, err := documents.Render(page, at)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) || len(b) > 2_000_000 {
		t.Fatalf("not a PDF of reasonable size: %d bytes, starts %q", len(b), b[:min(8, len(b))])
	}
	text := pdfText(t, b)
	for _, want := range []string{"上海明远机械有限公司", "报价单", "Quotation", "150,000.00", "服务器"} {
		if !strings.Contains(strings.ReplaceAll(text, " ", ""), strings.ReplaceAll(want, " ", "")) {
			t.Errorf("the PDF text lacks %q: %q", want, text)
		}
	}
	again, _ := documents.Render(page, at)
	if !bytes.Equal(b, again) {
		t.Error("the same page at the same time renders different bytes")
	}
}
