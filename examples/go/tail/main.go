// tail prints alerts at or above a priority as they happen, and every gap
// notice. The stream reconnects by itself if sakerd restarts.
//
//	go run ./tail -priority warning
//	go run ./tail -address 127.0.0.1:5060 -cert client.pem -key client.key -ca ca.pem
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/saker-security/saker/clients/go/saker"
	"github.com/saker-security/saker/examples/go/internal/conn"
)

func main() {
	prio := flag.String("priority", "warning", "minimum priority")
	rule := flag.String("rule", "", "only this rule")
	duration := flag.Duration("duration", 0, "stop after this long (0: until interrupted)")
	flag.Parse()
	min, err := saker.ParsePriority(*prio)
	if err != nil {
		log.Fatal(err)
	}
	c := conn.Dial()
	defer c.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *duration)
		defer cancel()
	}
	opts := saker.AlertOptions{MinPriority: min}
	if *rule != "" {
		opts.Rules = []string{*rule}
	}
	opts.Reconnect.OnReconnect = func(err error, attempt int, d time.Duration) {
		log.Printf("reconnecting in %v (%v)", d.Round(time.Millisecond), err)
	}
	for m, err := range c.Alerts(ctx, opts) {
		if err != nil {
			log.Fatal(err)
		}
		if m.Gap != nil {
			fmt.Printf("!! %s\n", m.Gap)
			continue
		}
		a := m.Alert
		fmt.Printf("%s %s [%s] %s\n", a.Time.Format(time.RFC3339Nano), a.Priority, a.Rule, a.Output)
	}
}
