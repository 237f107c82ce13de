package saker

import (
	"context"
	"iter"

	eventsv1 "github.com/saker-security/saker/clients/go/gen/saker/events/v1"
	statusv1 "github.com/saker-security/saker/clients/go/gen/saker/status/v1"
)

// EventOptions selects the raw events of a subscription (filtered on the server).
type EventOptions struct {
	Types []string // evt.type names ("execve", "connect", ...); empty: all
	// Condition in the rules language, compiled on the server, e.g.
	// `evt.type in (execve, connect) and proc.name != sshd`; a bad one fails
	// with codes.InvalidArgument.
	Condition string
	MaxBatch  uint32
	Start     Start
	Reconnect Reconnect
}

// EventMessage is one item of an event stream: an event, or a notice that
// events were lost (exactly one of the two is set).
type EventMessage struct {
	Event *Event
	Gap   *Gap
}

// EventStream is a reconnecting event subscription (see AlertStream).
type EventStream struct{ r *resumer[Event] }

// SubscribeEvents starts an event subscription; errors come from Recv.
func (c *Client) SubscribeEvents(ctx context.Context, o EventOptions) *EventStream {
	req := &eventsv1.SubscribeRequest{
		Filter:   &eventsv1.EventFilter{Types: o.Types, Condition: o.Condition},
		MaxBatch: o.MaxBatch,
	}
	open := func(ctx context.Context, start Start) (func() ([]item[Event], error), error) {
		switch {
		case start.FromOldest:
			req.Start = &eventsv1.SubscribeRequest_FromOldest{FromOldest: true}
		case start.FromSequence > 0:
			req.Start = &eventsv1.SubscribeRequest_FromSequence{FromSequence: start.FromSequence}
		default:
			req.Start = nil
		}
		s, err := c.events.Subscribe(ctx, req)
		if err != nil {
			return nil, err
		}
		return func() ([]item[Event], error) {
			m, err := s.Recv()
			if err != nil {
				return nil, err
			}
			switch x := m.GetMessage().(type) {
			case *eventsv1.SubscribeResponse_Event:
				return []item[Event]{{v: eventFromProto(x.Event)}}, nil
			case *eventsv1.SubscribeResponse_Batch:
				out := make([]item[Event], 0, len(x.Batch.GetEvents()))
				for _, e := range x.Batch.GetEvents() {
					out = append(out, item[Event]{v: eventFromProto(e)})
				}
				return out, nil
			case *eventsv1.SubscribeResponse_Gap:
				g := x.Gap
				return []item[Event]{{gap: &Gap{From: g.GetFromSequence(), To: g.GetToSequence(),
					Count: g.GetCount(), Reason: GapReason(g.GetReason())}}}, nil
			}
			return nil, nil
		}, nil
	}
	return &EventStream{newResumer(ctx, c, o.Start, o.Reconnect, open,
		func(e *Event) uint64 { return e.Sequence },
		func(s *statusv1.GetStatusResponse) *statusv1.HubStatus { return s.GetEvents() })}
}

// Recv blocks for the next event or gap notice; its error is terminal.
func (s *EventStream) Recv() (EventMessage, error) {
	it, err := s.r.recv()
	return EventMessage{Event: it.v, Gap: it.gap}, err
}

// LastSequence is the last sequence number seen.
func (s *EventStream) LastSequence() uint64 { return s.r.last }

// Close ends the stream.
func (s *EventStream) Close() { s.r.close() }

// All yields the stream's messages until an error (see AlertStream.All).
func (s *EventStream) All() iter.Seq2[EventMessage, error] { return all(s.Recv, s.Close) }

// Events is SubscribeEvents(ctx, o).All().
func (c *Client) Events(ctx context.Context, o EventOptions) iter.Seq2[EventMessage, error] {
	return c.SubscribeEvents(ctx, o).All()
}

// EventChan delivers the stream on a channel (see AlertChan).
func (c *Client) EventChan(ctx context.Context, o EventOptions) (msgs <-chan EventMessage, errc <-chan error) {
	return toChan(ctx, c.Events(ctx, o))
}
