package studioui_test

import (
	"io/fs"
	"strings"
	"testing"

	studioui "github.com/mosaic-lowcode/mosaic/studio-ui"
)

// The binary always has a page at the studio's root: the app, or the page
// saying how to build it.
func TestFilesHaveAnIndex(t *testing.T) {
	b, err := fs.ReadFile(studioui.Files(), "index.html")
	if err != nil {
		t.Fatalf("no index.html in the embedded studio: %v", err)
	}
	if !studioui.Built() && !strings.Contains(string(b), "make ui") {
		t.Errorf("the placeholder does not say how to build the studio: %s", b)
	}
	if studioui.Built() && !strings.Contains(string(b), "/studio/assets/") {
		t.Errorf("the built index.html does not load its assets from /studio/assets/: %s", b)
	}
}
