package documents

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io"
	"regexp"
	"strings"
	"unicode/utf16"
)

var (
	streamRe = regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`)
	showRe   = regexp.MustCompile(`(?s)\((.*?[^\\])\)\s*Tj`)
)

// Text returns the text of a PDF that Render made, line by line: the text
// strings of its content streams, whose two-byte codes are UTF-16 units
// (the embedded font's ToUnicode map is the identity). It is what a viewer
// copying the text would give, for tests and for checks of a stored
// document; it does not read PDFs made elsewhere.
func Text(pdf []byte) (string, error) {
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		return "", errors.New("not a PDF")
	}
	var out strings.Builder
	for _, m := range streamRe.FindAllSubmatch(pdf, -1) {
		z, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue // not a compressed content stream (the font, images)
		}
		plain, err := io.ReadAll(z)
		if err != nil {
			continue
		}
		for _, s := range showRe.FindAllSubmatch(plain, -1) {
			raw := unescape(s[1])
			units := make([]uint16, 0, len(raw)/2)
			for i := 0; i+1 < len(raw); i += 2 {
				units = append(units, uint16(raw[i])<<8|uint16(raw[i+1]))
			}
			out.WriteString(string(utf16.Decode(units)))
			out.WriteByte('\n')
		}
	}
	return out.String(), nil
}

// unescape undoes a PDF literal string's backslash escapes.
func unescape(s []byte) []byte {
	var out []byte
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			out = append(out, s[i])
			continue
		}
		i++
		switch c := s[i]; c {
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		default:
			if c >= '0' && c <= '7' {
				n := 0
				j := i
				for ; j < len(s) && j < i+3 && s[j] >= '0' && s[j] <= '7'; j++ {
					n = n*8 + int(s[j]-'0')
				}
				out = append(out, byte(n))
				i = j - 1
			} else {
				out = append(out, c)
			}
		}
	}
	return out
}
