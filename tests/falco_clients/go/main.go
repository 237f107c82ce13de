// Falco's own Go client (github.com/falcosecurity/client-go, unchanged)
// against a Saker server: version, get, and the polling subscribe helper
// receiving a real alert. Prints PASS/FAIL lines and "N passed, N failed".
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/falcosecurity/client-go/pkg/api/outputs"
	"github.com/falcosecurity/client-go/pkg/api/version"
	"github.com/falcosecurity/client-go/pkg/client"
)

var (
	socket  = flag.String("unix", "", "unix:///path of the server")
	host    = flag.String("host", "", "host of an mTLS server")
	port    = flag.Uint("port", 0, "port of an mTLS server")
	cert    = flag.String("cert", "", "client certificate")
	key     = flag.String("key", "", "client key")
	ca      = flag.String("ca", "", "CA certificate")
	trigger = flag.String("trigger", "", "shell command that makes the server alert")
	rule    = flag.String("rule", "", "the rule the trigger fires")
)

var passed, failed int

func check(name string, err error) {
	if err != nil {
		failed++
		fmt.Printf("FAIL %s: %v\n", name, err)
		return
	}
	passed++
	fmt.Printf("PASS %s\n", name)
}

func main() {
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cfg := &client.Config{UnixSocketPath: *socket, Hostname: *host, Port: uint16(*port),
		CertFile: *cert, KeyFile: *key, CARootFile: *ca}
	c, err := client.NewForConfig(ctx, cfg)
	if err != nil {
		fmt.Printf("FAIL connect: %v\n0 passed, 1 failed\n", err)
		os.Exit(1)
	}
	defer c.Close()

	vc, err := c.Version()
	if err == nil {
		var v *version.Response
		v, err = vc.Version(ctx, &version.Request{})
		// client-go calls field 7 EngineVersion: the engine minor.
		if err == nil && (v.Version == "" || v.EngineVersion == 0) {
			err = fmt.Errorf("empty version fields: %+v", v)
		}
	}
	check("client-go version", err)

	oc, err := c.Outputs()
	if err == nil {
		var g outputs.Service_GetClient
		g, err = oc.Get(ctx, &outputs.Request{})
		for err == nil {
			if _, err = g.Recv(); err != nil {
				break
			}
		}
		if err != nil && strings.Contains(err.Error(), "EOF") {
			err = nil
		}
	}
	check("client-go get", err)

	// OutputsWatch: the helper falco-exporter uses, polling every second.
	watchCtx, stop := context.WithTimeout(ctx, 20*time.Second)
	defer stop()
	got := make(chan *outputs.Response, 1)
	go func() {
		_ = c.OutputsWatch(watchCtx, func(r *outputs.Response) error {
			if r.Rule == *rule {
				select {
				case got <- r:
				default:
				}
			}
			return nil
		}, time.Second)
	}()
	go func() {
		for watchCtx.Err() == nil {
			_ = exec.Command("sh", "-c", *trigger).Run()
			time.Sleep(300 * time.Millisecond)
		}
	}()
	select {
	case r := <-got:
		if r.Output == "" || r.Hostname == "" || r.Time == nil || len(r.OutputFields) == 0 {
			err = fmt.Errorf("incomplete alert: %+v", r)
		} else {
			err = nil
		}
	case <-watchCtx.Done():
		err = fmt.Errorf("no %q alert within 20 s", *rule)
	}
	check("client-go OutputsWatch", err)
	fmt.Printf("%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		os.Exit(1)
	}
}
