package saker_test

// End-to-end tests against a live sakerd started by
// clients/testing/sakerd_fixture.sh (clients/go/go_test.sh runs them). They
// skip when SAKER_UNIX_ADDR is not set.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/saker-security/saker/clients/go/saker"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func env(t *testing.T, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Skipf("%s not set: run through clients/go/go_test.sh (a live sakerd)", name)
	}
	return v
}

func unixClient(t *testing.T) *saker.Client {
	c, err := saker.Dial(env(t, "SAKER_UNIX_ADDR"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func tlsClient(t *testing.T) *saker.Client {
	c, err := saker.Dial(env(t, "SAKER_TCP_ADDR"),
		saker.WithTLSFiles(env(t, "SAKER_CLIENT_CERT"), env(t, "SAKER_CLIENT_KEY"), env(t, "SAKER_CA")))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

var uniq atomic.Int64

func marker(t *testing.T) string {
	return fmt.Sprintf("%s-%d-%d", strings.ReplaceAll(t.Name(), "/", "_"), os.Getpid(), uniq.Add(1))
}

// trigger makes one alert of the marker rule through the fixture's command.
func trigger(t *testing.T, name string) {
	// SAKER_TRIGGER takes the suffix appended to the command line.
	cmd := exec.Command("sh", "-c", os.Getenv("SAKER_TRIGGER")+" "+name)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("SAKER_TRIGGER: %v: %s", err, out)
	}
}

// waitAlert triggers name every 300ms until the stream yields its alert.
// Gap notices are recorded in gaps (when not nil).
func waitAlert(t *testing.T, s *saker.AlertStream, name string, gaps *[]saker.Gap) *saker.Alert {
	t.Helper()
	want := "/tmp/saker-sdk-marker-" + name
	got := make(chan *saker.Alert, 1)
	errc := make(chan error, 1)
	go func() {
		for {
			m, err := s.Recv()
			if err != nil {
				errc <- err
				return
			}
			if m.Gap != nil {
				if gaps != nil {
					*gaps = append(*gaps, *m.Gap)
				}
				continue
			}
			if m.Alert.OutputFields["fd.name"] == want {
				got <- m.Alert
				return
			}
		}
	}()
	tick := time.NewTicker(300 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(30 * time.Second)
	trigger(t, name)
	for {
		select {
		case a := <-got:
			return a
		case err := <-errc:
			t.Fatalf("stream ended waiting for %s: %v", name, err)
		case <-tick.C:
			trigger(t, name)
		case <-deadline:
			t.Fatalf("no alert for %s in 30s", name)
		}
	}
}

func TestVersionStatusRules(t *testing.T) {
	c := unixClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	v, err := c.Version(ctx)
	if err != nil || v.Version == "" {
		t.Fatalf("Version: %+v %v", v, err)
	}
	st, err := c.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Driver.ProbeLoaded || st.StartTime.IsZero() || st.Alerts.Capacity == 0 {
		t.Errorf("Status: %+v", st)
	}
	rules, err := c.Rules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(rules, func(r saker.Rule) bool { return r.Name == os.Getenv("SAKER_RULE") })
	if i < 0 || rules[i].Priority != saker.PriorityWarning || !slices.Contains(rules[i].Tags, "sdk_test") {
		t.Fatalf("rule %q not listed right: %+v", os.Getenv("SAKER_RULE"), rules)
	}
	rr, err := c.ReloadRules(ctx)
	if err != nil || rr.RuleCount != len(rules) {
		t.Fatalf("ReloadRules: %+v %v (want %d rules)", rr, err, len(rules))
	}
	ok, err := c.Healthy(ctx, "")
	if err != nil || !ok {
		t.Fatalf("Healthy: %v %v", ok, err)
	}
}

func TestAlertsFiltered(t *testing.T) {
	c := unixClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	name := marker(t)
	s := c.SubscribeAlerts(ctx, saker.AlertOptions{
		MinPriority:  saker.PriorityWarning,
		Rules:        []string{os.Getenv("SAKER_RULE")},
		Tags:         []string{"sdk_test"},
		Sources:      []string{"syscall"},
		Condition:    "fd.name startswith /tmp/saker-sdk-marker-" + name,
		OutputFields: []string{"fd.name"},
		MaxBatch:     16,
	})
	defer s.Close()
	a := waitAlert(t, s, name, nil)
	if a.Rule != os.Getenv("SAKER_RULE") || a.Priority != saker.PriorityWarning || a.Sequence == 0 ||
		a.Source != "syscall" || !slices.Contains(a.Tags, "sdk_test") || a.Hostname == "" ||
		time.Since(a.Time) > time.Minute || a.PublishTime.Before(a.Time) ||
		!strings.Contains(a.Output, "sdk marker opened by") {
		t.Errorf("alert: %+v", a)
	}
	if len(a.OutputFields) != 1 {
		t.Errorf("field selection kept %v, want only fd.name", a.OutputFields)
	}
	if a.Priority.String() != "Warning" {
		t.Errorf("priority name %q", a.Priority)
	}
}

func TestAlertsFieldMaskAndChannel(t *testing.T) {
	c := unixClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	name := marker(t)
	msgs, errc := c.AlertChan(ctx, saker.AlertOptions{
		Rules:  []string{os.Getenv("SAKER_RULE")},
		Fields: []string{"rule", "output_fields"},
	})
	want := "/tmp/saker-sdk-marker-" + name
	tick := time.NewTicker(300 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case m, ok := <-msgs:
			if !ok {
				t.Fatalf("channel closed: %v", <-errc)
			}
			if m.Alert == nil || m.Alert.OutputFields["fd.name"] != want {
				continue
			}
			if m.Alert.Output != "" || m.Alert.Rule == "" || m.Alert.Sequence == 0 {
				t.Errorf("field mask rule,output_fields: %+v", m.Alert)
			}
			cancel()
			for range msgs {
			}
			if err := <-errc; err != nil {
				t.Errorf("after cancel: %v", err)
			}
			return
		case <-tick.C:
			trigger(t, name)
		}
	}
}

func TestBadConditionIsRefused(t *testing.T) {
	c := unixClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, err := range c.Alerts(ctx, saker.AlertOptions{Condition: "proc.name = = ("}) {
		if status.Code(err) != codes.InvalidArgument {
			t.Fatalf("want InvalidArgument, got %v", err)
		}
		return
	}
	t.Fatal("stream ended without the error")
}

func TestEventsExec(t *testing.T) {
	c := unixClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// A uniquely named copy of true, so the condition matches only ours.
	exe := filepath.Join(t.TempDir(), "sdkexec"+fmt.Sprint(os.Getpid()%10000))
	data, err := os.ReadFile("/bin/true")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(exe, data, 0o755); err != nil {
		t.Fatal(err)
	}
	s := c.SubscribeEvents(ctx, saker.EventOptions{
		Types:     []string{"execve"},
		Condition: "evt.type = execve and proc.name = " + filepath.Base(exe),
	})
	defer s.Close()
	got := make(chan *saker.Event, 1)
	go func() {
		for {
			m, err := s.Recv()
			if err != nil {
				return
			}
			if m.Event != nil {
				got <- m.Event
				return
			}
		}
	}()
	tick := time.NewTicker(300 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case e := <-got:
			if e.Type != "execve" || e.ProcName != filepath.Base(exe) || e.PID == 0 || e.Sequence == 0 || e.Time.IsZero() {
				t.Errorf("event: %+v", e)
			}
			return
		case <-tick.C:
			_ = exec.Command(exe).Run()
		case <-ctx.Done():
			t.Fatal("no execve event")
		}
	}
}

func TestMTLS(t *testing.T) {
	c := tlsClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if _, err := c.Version(ctx); err != nil {
		t.Fatal(err)
	}
	s := c.SubscribeAlerts(ctx, saker.AlertOptions{Rules: []string{os.Getenv("SAKER_RULE")}})
	defer s.Close()
	waitAlert(t, s, marker(t), nil)
	st, err := c.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(st.Subscribers, func(s saker.Subscriber) bool { return s.Identity != "" && s.Kind == saker.StreamAlerts }) {
		t.Errorf("no alert subscriber with a TLS identity: %+v", st.Subscribers)
	}
}

func TestMTLSWithPEMBytes(t *testing.T) {
	read := func(name string) []byte {
		b, err := os.ReadFile(env(t, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	c, err := saker.Dial(env(t, "SAKER_TCP_ADDR"), saker.WithTLSPEM(read("SAKER_CLIENT_CERT"), read("SAKER_CLIENT_KEY"), read("SAKER_CA")))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.Version(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestRefusedCertificates(t *testing.T) {
	for _, k := range []string{"BAD", "EXPIRED"} {
		t.Run(k, func(t *testing.T) {
			c, err := saker.Dial(env(t, "SAKER_TCP_ADDR"),
				saker.WithTLSFiles(env(t, "SAKER_"+k+"_CERT"), env(t, "SAKER_"+k+"_KEY"), env(t, "SAKER_CA")))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if v, err := c.Version(ctx); status.Code(err) != codes.Unavailable {
				t.Fatalf("Version with the %s certificate: %+v, %v; want Unavailable", k, v, err)
			}
			// A stream with a bounded reconnect policy gives up with the error.
			for _, err := range c.Alerts(ctx, saker.AlertOptions{Reconnect: saker.Reconnect{MaxAttempts: 2}}) {
				if status.Code(err) != codes.Unavailable {
					t.Fatalf("Subscribe with the %s certificate: %v", k, err)
				}
				break
			}
		})
	}
	if _, err := saker.Dial(os.Getenv("SAKER_TCP_ADDR")); err == nil {
		t.Error("Dial TCP without TLS should fail")
	}
}

func TestGapSlowConsumer(t *testing.T) {
	c := unixClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	name := marker(t)
	s := c.SubscribeAlerts(ctx, saker.AlertOptions{Rules: []string{os.Getenv("SAKER_RULE")}})
	defer s.Close()
	waitAlert(t, s, name, nil) // the subscription is live
	// Lap the 64-alert history many times over while not reading.
	for i := range 5000 {
		f, err := os.Open(fmt.Sprintf("/tmp/saker-sdk-marker-%s-burst-%d", name, i))
		if err == nil {
			f.Close()
		}
	}
	time.Sleep(2 * time.Second)
	var gaps []saker.Gap
	prev := s.LastSequence()
	n := 0
	for len(gaps) == 0 || n < 10 {
		m, err := s.Recv()
		if err != nil {
			t.Fatalf("after %d alerts, %d gaps: %v", n, len(gaps), err)
		}
		if m.Gap != nil {
			g := *m.Gap
			if g.Reason != saker.GapSubscriberOverflow || g.Count != g.To-g.From+1 || g.From != prev+1 {
				t.Errorf("gap %+v after sequence %d", g, prev)
			}
			gaps = append(gaps, g)
			prev = g.To
			time.Sleep(10 * time.Millisecond) // stay slow
			continue
		}
		if m.Alert.Sequence != prev+1 {
			t.Fatalf("sequence %d after %d without a gap notice", m.Alert.Sequence, prev)
		}
		prev = m.Alert.Sequence
		n++
	}
	t.Logf("%d gap notices (first %v), %d alerts", len(gaps), gaps[0], n)

	// A resume older than the history starts with a HISTORY_EXPIRED gap.
	e := c.SubscribeAlerts(ctx, saker.AlertOptions{Start: saker.Start{FromSequence: 1}})
	defer e.Close()
	m, err := e.Recv()
	if err != nil || m.Gap == nil || m.Gap.Reason != saker.GapHistoryExpired || m.Gap.From != 1 {
		t.Fatalf("resume from 1: %+v %v", m, err)
	}
}

func TestResumeFromSequence(t *testing.T) {
	c := unixClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	name := marker(t)
	s := c.SubscribeAlerts(ctx, saker.AlertOptions{Rules: []string{os.Getenv("SAKER_RULE")}})
	a := waitAlert(t, s, name, nil)
	s.Close()
	r := c.SubscribeAlerts(ctx, saker.AlertOptions{Start: saker.Start{FromSequence: a.Sequence}})
	defer r.Close()
	m, err := r.Recv()
	if err != nil || m.Alert == nil || m.Alert.Sequence != a.Sequence || m.Alert.Output != a.Output {
		t.Fatalf("resume from %d: %+v %v", a.Sequence, m, err)
	}
}

func TestReconnectAcrossRestart(t *testing.T) {
	restart := env(t, "SAKER_RESTART_CMD")
	c := unixClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	var reconnects atomic.Int32
	s := c.SubscribeAlerts(ctx, saker.AlertOptions{
		Rules: []string{os.Getenv("SAKER_RULE")},
		Reconnect: saker.Reconnect{Initial: 50 * time.Millisecond, Max: time.Second,
			OnReconnect: func(err error, attempt int, d time.Duration) {
				reconnects.Add(1)
				t.Logf("reconnect %d in %v after %v", attempt, d, err)
			}},
	})
	defer s.Close()
	before := marker(t)
	a := waitAlert(t, s, before, nil)
	st0, err := c.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("bash", "-c", restart).CombinedOutput(); err != nil {
		t.Fatalf("SAKER_RESTART_CMD: %v: %s", err, out)
	}
	st1, err := c.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !st1.StartTime.After(st0.StartTime) {
		t.Fatalf("the server did not restart: %v then %v", st0.StartTime, st1.StartTime)
	}
	after := marker(t)
	var gaps []saker.Gap
	b := waitAlert(t, s, after, &gaps)
	if reconnects.Load() == 0 {
		t.Error("no reconnect reported")
	}
	if b.Output == a.Output {
		t.Error("the same alert twice")
	}
	t.Logf("before: seq %d; after restart: seq %d (%d reconnects, gaps %v)", a.Sequence, b.Sequence, reconnects.Load(), gaps)

}
