package api_test

import (
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

// TestUploadsWithLyingContentTypes: a file is judged by its bytes as well as
// by the type it was sent as. A page or script dressed as a PDF, or a type
// the field refuses hidden behind one it accepts, is refused; honest files
// pass, and no stored name keeps a folder.
func TestUploadsWithLyingContentTypes(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		const url = "/api/v1/forms/order/files?field=attachments"
		for _, c := range []struct {
			name, file, ct string
			body           string
			status         int
		}{
			{"html sent as a pdf", "invoice.pdf", "application/pdf", "<!DOCTYPE html><html><script>alert(document.cookie)</script></html>", 422},
			{"html sent as an image", "logo.png", "image/png", "<html><body onload=alert(1)>", 422},
			{"a zip archive sent as a pdf", "scan.pdf", "application/pdf", "PK\x03\x04\x14\x00\x06\x00 payload", 422},
			{"a gzip sent as an image", "photo.jpg", "image/jpeg", "\x1f\x8b\x08\x00\x00\x00\x00\x00", 422},
			{"a real pdf", "contract.pdf", "application/pdf", "%PDF-1.4 honest contract", 201},
			{"a real png", "logo.png", "image/png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 201},
			{"plain text as a pdf", "note.pdf", "application/pdf", "just some words", 201},
			{"a name climbing folders", "../../../../etc/passwd.pdf", "application/pdf", "%PDF-1.4 x", 201},
			{"a name with backslashes", "..\\..\\windows\\x.pdf", "application/pdf", "%PDF-1.4 x", 201},
		} {
			r := fileUpload(t, app, url, c.file, c.ct, []byte(c.body))
			if r.Status != c.status {
				t.Errorf("%s: %d, want %d: %s", c.name, r.Status, c.status, r.Body)
				continue
			}
			if c.status != 201 {
				enginetest.CheckErrorShape(t, c.name, r)
				continue
			}
			var f struct{ Name string }
			r.JSON(t, &f)
			for _, bad := range []string{"/", "\\", "..", "\x00"} {
				if len(f.Name) == 0 || containsStr(f.Name, bad) {
					t.Errorf("%s: stored name %q keeps %q", c.name, f.Name, bad)
				}
			}
		}
	})
}

func containsStr(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
