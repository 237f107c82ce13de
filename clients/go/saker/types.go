package saker

import (
	"fmt"
	"strings"
	"time"

	alertsv1 "github.com/saker-security/saker/clients/go/gen/saker/alerts/v1"
	eventsv1 "github.com/saker-security/saker/clients/go/gen/saker/events/v1"
	rulesv1 "github.com/saker-security/saker/clients/go/gen/saker/rules/v1"
	statusv1 "github.com/saker-security/saker/clients/go/gen/saker/status/v1"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// Priority of a rule and its alerts, least severe first (so that
// p >= PriorityWarning means "warning or worse").
type Priority int32

// The priorities, Falco's names.
const (
	PriorityUnspecified   Priority = 0
	PriorityDebug         Priority = 1
	PriorityInformational Priority = 2
	PriorityNotice        Priority = 3
	PriorityWarning       Priority = 4
	PriorityError         Priority = 5
	PriorityCritical      Priority = 6
	PriorityAlert         Priority = 7
	PriorityEmergency     Priority = 8
)

var priorityNames = [...]string{"Unspecified", "Debug", "Informational", "Notice", "Warning", "Error", "Critical", "Alert", "Emergency"}

// String is Falco's name of the priority ("Warning").
func (p Priority) String() string {
	if p >= 0 && int(p) < len(priorityNames) {
		return priorityNames[p]
	}
	return fmt.Sprintf("Priority(%d)", int32(p))
}

// ParsePriority parses a priority name, any case ("warning", "WARNING",
// "info" for informational).
func ParsePriority(s string) (Priority, error) {
	l := strings.ToLower(strings.TrimSpace(s))
	if l == "info" {
		return PriorityInformational, nil
	}
	for i, n := range priorityNames {
		if i > 0 && strings.ToLower(n) == l {
			return Priority(i), nil
		}
	}
	return 0, fmt.Errorf("saker: unknown priority %q (debug, informational, notice, warning, error, critical, alert, emergency)", s)
}

// Alert is one alert, as raised by a rule.
type Alert struct {
	Sequence     uint64 // position in the server's alert sequence (0 from Falco's API)
	Time         time.Time
	Priority     Priority
	Rule         string
	Output       string
	OutputFields map[string]string // every field of the rule's output ("<NA>" if unknown)
	Hostname     string
	Tags         []string
	Source       string    // "syscall", "internal" or a plugin source
	PublishTime  time.Time // when the server published it (zero from Falco's API)
}

// Arg is one decoded argument of an event.
type Arg struct{ Name, Value string }

// Event is one raw syscall event.
type Event struct {
	Sequence uint64
	Time     time.Time
	CPU      uint32
	Type     string // evt.type: "execve", "connect", "procexit", ...
	Res      int64
	PID      int64
	TID      int64
	PPID     int64
	ProcName string
	UID      uint32
	GID      uint32
	CgroupID uint64
	Args     []Arg // in the syscall's order
}

// Arg returns the value of the argument named name.
func (e *Event) Arg(name string) (string, bool) {
	for _, a := range e.Args {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

// GapReason tells why sequence numbers were not delivered.
type GapReason int32

// The gap reasons.
const (
	GapReasonUnspecified GapReason = 0
	// GapSubscriberOverflow: the subscriber fell behind and its queue overflowed.
	GapSubscriberOverflow GapReason = 1
	// GapHistoryExpired: the requested start (e.g. a resume) is older than the history.
	GapHistoryExpired GapReason = 2
)

func (r GapReason) String() string {
	switch r {
	case GapSubscriberOverflow:
		return "subscriber overflow"
	case GapHistoryExpired:
		return "history expired"
	}
	return "unspecified"
}

// Gap is a notice that sequence numbers From..To (inclusive, Count of them)
// were lost for this subscriber.
type Gap struct {
	From, To, Count uint64
	Reason          GapReason
}

func (g Gap) String() string {
	return fmt.Sprintf("gap: %d lost (%d..%d, %s)", g.Count, g.From, g.To, g.Reason)
}

// Rule is one loaded rule.
type Rule struct {
	Name       string
	Priority   Priority
	Tags       []string
	EventTypes []string
	Source     string
	Enabled    bool
	MatchCount uint64
}

// ReloadResult is the outcome of a successful ReloadRules.
type ReloadResult struct {
	RuleCount int
	Warnings  []string
}

// Status is a snapshot of the daemon's state.
type Status struct {
	StartTime   time.Time
	Uptime      time.Duration
	Driver      DriverStatus
	Rules       []Rule
	Alerts      HubStatus
	Events      HubStatus
	Subscribers []Subscriber
}

// DriverStatus is what the kernel driver is doing.
type DriverStatus struct {
	ProbeLoaded    bool
	EventsCaptured uint64
	KernelDrops    map[string]uint64 // by category: process, file, network, kernel
}

// HubStatus holds the counters of the alert or event fan-out.
type HubStatus struct {
	Published, Capacity, OldestSequence, NewestSequence uint64
}

// StreamKind is what a subscriber streams.
type StreamKind int32

// The stream kinds.
const (
	StreamUnspecified StreamKind = 0
	StreamAlerts      StreamKind = 1
	StreamEvents      StreamKind = 2
	StreamFalco       StreamKind = 3
)

// Subscriber is one open subscription on the server.
type Subscriber struct {
	ID         uint64
	Peer       string
	Identity   string // certificate CN or SAN; empty on the unix socket
	Kind       StreamKind
	QueueDepth uint64
	Delivered  uint64
	Dropped    uint64
	Since      time.Time
}

// Version is the server's version (Falco's version service).
type Version struct {
	Version                  string
	Major, Minor, Patch      uint32
	Prerelease, Build        string
	EngineVersion            string
	EngineMajor, EngineMinor uint32
	EnginePatch              uint32
	EngineFieldsChecksum     string
}

func tsTime(t *timestamppb.Timestamp) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.AsTime().Local()
}

func alertFromProto(a *alertsv1.Alert) *Alert {
	return &Alert{
		Sequence:     a.GetSequence(),
		Time:         tsTime(a.GetTime()),
		Priority:     Priority(a.GetPriority()),
		Rule:         a.GetRule(),
		Output:       a.GetOutput(),
		OutputFields: a.GetOutputFields(),
		Hostname:     a.GetHostname(),
		Tags:         a.GetTags(),
		Source:       a.GetSource(),
		PublishTime:  tsTime(a.GetPublishTime()),
	}
}

func eventFromProto(e *eventsv1.Event) *Event {
	args := make([]Arg, 0, len(e.GetArgs()))
	for _, a := range e.GetArgs() {
		args = append(args, Arg{Name: a.GetName(), Value: a.GetValue()})
	}
	return &Event{
		Sequence: e.GetSequence(), Time: tsTime(e.GetTime()), CPU: e.GetCpu(), Type: e.GetType(),
		Res: e.GetRes(), PID: e.GetPid(), TID: e.GetTid(), PPID: e.GetPpid(), ProcName: e.GetProcName(),
		UID: e.GetUid(), GID: e.GetGid(), CgroupID: e.GetCgroupId(), Args: args,
	}
}

func ruleFromProto(r *rulesv1.Rule) Rule {
	return Rule{
		Name: r.GetName(), Priority: Priority(r.GetPriority()), Tags: r.GetTags(),
		EventTypes: r.GetEventTypes(), Source: r.GetSource(), Enabled: r.GetEnabled(),
		MatchCount: r.GetMatchCount(),
	}
}

func hubFromProto(h *statusv1.HubStatus) HubStatus {
	return HubStatus{Published: h.GetPublished(), Capacity: h.GetCapacity(),
		OldestSequence: h.GetOldestSequence(), NewestSequence: h.GetNewestSequence()}
}

func statusFromProto(r *statusv1.GetStatusResponse) *Status {
	s := &Status{
		StartTime: tsTime(r.GetStartTime()),
		Uptime:    r.GetUptime().AsDuration(),
		Driver: DriverStatus{ProbeLoaded: r.GetDriver().GetProbeLoaded(),
			EventsCaptured: r.GetDriver().GetEventsCaptured(), KernelDrops: r.GetDriver().GetKernelDrops()},
		Alerts: hubFromProto(r.GetAlerts()),
		Events: hubFromProto(r.GetEvents()),
	}
	for _, x := range r.GetRules() {
		s.Rules = append(s.Rules, ruleFromProto(x))
	}
	for _, x := range r.GetSubscribers() {
		s.Subscribers = append(s.Subscribers, Subscriber{ID: x.GetId(), Peer: x.GetPeer(),
			Identity: x.GetIdentity(), Kind: StreamKind(x.GetKind()), QueueDepth: x.GetQueueDepth(),
			Delivered: x.GetDelivered(), Dropped: x.GetDropped(), Since: tsTime(x.GetSince())})
	}
	return s
}
