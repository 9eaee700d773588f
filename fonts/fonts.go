// Package fonts embeds the fonts Mosaic prints with, so a fresh machine
// renders Chinese in generated documents without any font installed.
//
// NotoSansSC-Regular.ttf is Noto Sans SC (Simplified Chinese with Latin),
// TrueType outlines, under the SIL Open Font License 1.1 (OFL.txt). PDF
// documents embed only the glyphs they use.
package fonts

import _ "embed"

// NotoSansSC is the regular Noto Sans SC TrueType font.
//
//go:embed NotoSansSC-Regular.ttf
var NotoSansSC []byte
