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
// pprof labels side=<side> and user=<users[its bearer token]> ("other" for
// unknown tokens), so a CPU profile can be narrowed to one server or one user
// (go tool pprof -tagfocus=side=engine, -tagfocus=user=rep).
func serve(app *fiber.App, side string, users map[string]string) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for %s: %w", side, err)
	}
	// note: fiber builds its fasthttp server in fiber.New and Listener serves
	// it as is, so wrapping the handler here labels every request.
	srv := app.Server()
	srv.Handler = labelled(srv.Handler, side, users)
	s := &server{app: app, url: "http://" + ln.Addr().String(), done: make(chan error, 1)}
	go func() { s.done <- app.Listener(ln) }()
	return s, nil
}

func labelled(h fasthttp.RequestHandler, side string, users map[string]string) fasthttp.RequestHandler {
	other := pprof.Labels("side", side, "user", "other")
	byAuth := map[string]pprof.LabelSet{}
	for token, user := range users {
		byAuth["Bearer "+token] = pprof.Labels("side", side, "user", user)
	}
	return func(rc *fasthttp.RequestCtx) {
		labels, ok := byAuth[string(rc.Request.Header.Peek("Authorization"))]
		if !ok {
			labels = other
		}
		pprof.Do(context.Background(), labels, func(context.Context) { h(rc) })
	}
}
