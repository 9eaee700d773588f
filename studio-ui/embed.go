// Package studioui holds the studio — the React app in this folder — built
// to static files and embedded in the binary, for engine/api to serve.
//
// note: `make ui` builds it into dist/ before `make build` compiles the
// binary. Without a build (a machine without Node.js, or plain `go build`)
// the binary embeds dist-placeholder/, a page saying how to build the studio,
// so the Go code builds and tests anywhere.
package studioui

import (
	"embed"
	"io/fs"
)

//go:embed all:dist*
var files embed.FS

// Files returns the built studio, or the placeholder page when it was not
// built. Either has index.html at its root.
func Files() fs.FS {
	if Built() {
		sub, _ := fs.Sub(files, "dist")
		return sub
	}
	sub, _ := fs.Sub(files, "dist-placeholder")
	return sub
}

// Built reports whether the binary carries the real studio.
func Built() bool {
	_, err := fs.Stat(files, "dist/index.html")
	return err == nil
}
