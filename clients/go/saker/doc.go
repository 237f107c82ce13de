// Package saker is the Go client of Saker's gRPC API (and of Falco's).
//
// Connect with Dial: a unix socket (the default, unix:///run/saker/saker.sock,
// or $SAKER_ADDRESS) or mutual-TLS TCP (WithTLSFiles / WithTLSPEM):
//
//	c, err := saker.Dial("", nil)                      // $SAKER_ADDRESS or the default socket
//	c, err := saker.Dial("10.0.0.5:5060", saker.WithTLSFiles("client.pem", "client.key", "ca.pem"))
//	defer c.Close()
//
// Subscribe to alerts with server-side filters. The stream survives the
// server: it reconnects with backoff and resumes after the last sequence it
// saw; alerts lost meanwhile (or to a slow consumer) arrive as Gap notices.
//
//	for m, err := range c.Alerts(ctx, saker.AlertOptions{MinPriority: saker.PriorityWarning}) {
//		if err != nil { ... }       // terminal: ctx cancelled, bad filter, refused, ...
//		if m.Gap != nil { ... }     // m.Gap.Count alerts were lost
//		fmt.Println(m.Alert.Rule, m.Alert.Output)
//	}
//
// The generated stubs are under gen/ (gen/saker/... for Saker v1,
// gen/falco/... for Falco's API) for anything this layer does not cover.
package saker
