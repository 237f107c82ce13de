// execs prints every exec (execve) as it happens: time, pid, parent, user,
// and the program with its arguments.
//
//	go run ./execs -condition 'proc.name != sshd'
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
	cond := flag.String("condition", "", "extra condition in the rules language")
	duration := flag.Duration("duration", 0, "stop after this long (0: until interrupted)")
	flag.Parse()
	c := conn.Dial()
	defer c.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *duration)
		defer cancel()
	}
	condition := "evt.type = execve"
	if *cond != "" {
		condition += " and (" + *cond + ")"
	}
	for m, err := range c.Events(ctx, saker.EventOptions{Types: []string{"execve"}, Condition: condition}) {
		if err != nil {
			log.Fatal(err)
		}
		if m.Gap != nil {
			fmt.Printf("!! %s\n", m.Gap)
			continue
		}
		e := m.Event
		fmt.Printf("%s pid=%d ppid=%d uid=%d %s", e.Time.Format(time.TimeOnly+".000"), e.PID, e.PPID, e.UID, e.ProcName)
		exe, _ := e.Arg("exe")
		args, _ := e.Arg("args")
		fmt.Printf(" %s %s\n", exe, args)
	}
}
