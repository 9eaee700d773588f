package main

import (
	"context"
	"fmt"
	"net"
	"runtime/pprof"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// serve starts app on a free loopback port. Every request runs under the
// pprof label side=<side>, so a CPU profile can be narrowed to one server
// (go tool pprof -tagfocus=side=engine).
func serve(app *fiber.App, side string) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for %s: %w", side, err)
	}
	// note: fiber builds its fasthttp server in fiber.New and Listener serves
	// it as is, so wrapping the handler here labels every request.
	srv := app.Server()
	srv.Handler = labelled(srv.Handler, side)
	s := &server{app: app, url: "http://" + ln.Addr().String(), done: make(chan error, 1)}
	go func() { s.done <- app.Listener(ln) }()
	return s, nil
}

func labelled(h fasthttp.RequestHandler, side string) fasthttp.RequestHandler {
	labels := pprof.Labels("side", side)
	return func(rc *fasthttp.RequestCtx) {
		pprof.Do(context.Background(), labels, func(context.Context) { h(rc) })
	}
}
