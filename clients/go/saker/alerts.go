package saker

import (
	"context"
	"errors"
	"iter"

	alertsv1 "github.com/saker-security/saker/clients/go/gen/saker/alerts/v1"
	statusv1 "github.com/saker-security/saker/clients/go/gen/saker/status/v1"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// AlertOptions selects the alerts of a subscription. Filters are applied on
// the server; an alert is delivered when it passes every one that is set.
type AlertOptions struct {
	MinPriority Priority // this priority or more severe
	Rules       []string // these rule names only
	Tags        []string // rules carrying at least one of these tags
	Sources     []string // these sources only, e.g. "syscall"
	// Condition in the rules language over the alert's fields, compiled on
	// the server (e.g. `proc.name = nginx`); a bad one fails with
	// codes.InvalidArgument.
	Condition string
	// Fields are the Alert fields to fill ("rule", "output",
	// "output_fields", ...); empty fills all. Sequence is always filled.
	Fields []string
	// OutputFields are the keys of OutputFields to keep; empty keeps all.
	OutputFields []string
	// MaxBatch lets the server batch up to this many alerts per message
	// while the subscriber is behind (the stream still yields one at a time).
	MaxBatch  uint32
	Start     Start
	Reconnect Reconnect
}

// AlertMessage is one item of an alert stream: an alert, or a notice that
// alerts were lost (exactly one of the two is set).
type AlertMessage struct {
	Alert *Alert
	Gap   *Gap
}

// AlertStream is a reconnecting alert subscription. Recv is not safe for
// concurrent use; Close may be called from any goroutine.
type AlertStream struct{ r *resumer[Alert] }

// SubscribeAlerts starts an alert subscription. Errors (a bad filter, a
// refused certificate) come from Recv.
func (c *Client) SubscribeAlerts(ctx context.Context, o AlertOptions) *AlertStream {
	req := &alertsv1.SubscribeRequest{
		Filter: &alertsv1.AlertFilter{
			MinPriority: alertsv1.Priority(o.MinPriority), Rules: o.Rules, Tags: o.Tags,
			Sources: o.Sources, Condition: o.Condition,
		},
		MaxBatch: o.MaxBatch,
	}
	if len(o.Fields) > 0 || len(o.OutputFields) > 0 {
		req.Fields = &alertsv1.FieldSelection{OutputFields: o.OutputFields}
		if len(o.Fields) > 0 {
			req.Fields.AlertFields = &fieldmaskpb.FieldMask{Paths: o.Fields}
		}
	}
	open := func(ctx context.Context, start Start) (func() ([]item[Alert], error), error) {
		switch {
		case start.FromOldest:
			req.Start = &alertsv1.SubscribeRequest_FromOldest{FromOldest: true}
		case start.FromSequence > 0:
			req.Start = &alertsv1.SubscribeRequest_FromSequence{FromSequence: start.FromSequence}
		default:
			req.Start = nil
		}
		s, err := c.alerts.Subscribe(ctx, req)
		if err != nil {
			return nil, err
		}
		return func() ([]item[Alert], error) {
			m, err := s.Recv()
			if err != nil {
				return nil, err
			}
			switch x := m.GetMessage().(type) {
			case *alertsv1.SubscribeResponse_Alert:
				return []item[Alert]{{v: alertFromProto(x.Alert)}}, nil
			case *alertsv1.SubscribeResponse_Batch:
				out := make([]item[Alert], 0, len(x.Batch.GetAlerts()))
				for _, a := range x.Batch.GetAlerts() {
					out = append(out, item[Alert]{v: alertFromProto(a)})
				}
				return out, nil
			case *alertsv1.SubscribeResponse_Gap:
				g := x.Gap
				return []item[Alert]{{gap: &Gap{From: g.GetFromSequence(), To: g.GetToSequence(),
					Count: g.GetCount(), Reason: GapReason(g.GetReason())}}}, nil
			}
			return nil, nil
		}, nil
	}
	return &AlertStream{newResumer(ctx, c, o.Start, o.Reconnect, open,
		func(a *Alert) uint64 { return a.Sequence },
		func(s *statusv1.GetStatusResponse) *statusv1.HubStatus { return s.GetAlerts() })}
}

// Recv blocks for the next alert or gap notice. Its error is terminal: the
// context's error when cancelled or closed, or the error that ended the
// stream when it is not retried (see Retryable and Reconnect).
func (s *AlertStream) Recv() (AlertMessage, error) {
	it, err := s.r.recv()
	return AlertMessage{Alert: it.v, Gap: it.gap}, err
}

// LastSequence is the last sequence number seen (an alert's or a gap's end).
func (s *AlertStream) LastSequence() uint64 { return s.r.last }

// Close ends the stream.
func (s *AlertStream) Close() { s.r.close() }

// All yields the stream's messages until an error (yielded once, last);
// breaking out of the loop closes the stream. A cancelled context ends the
// loop without an error.
func (s *AlertStream) All() iter.Seq2[AlertMessage, error] { return all(s.Recv, s.Close) }

func all[M any](recv func() (M, error), closeFn func()) iter.Seq2[M, error] {
	return func(yield func(M, error) bool) {
		defer closeFn()
		for {
			m, err := recv()
			if err != nil {
				if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
					yield(m, err)
				}
				return
			}
			if !yield(m, nil) {
				return
			}
		}
	}
}

// Alerts is SubscribeAlerts(ctx, o).All(): range over alerts and gap notices.
func (c *Client) Alerts(ctx context.Context, o AlertOptions) iter.Seq2[AlertMessage, error] {
	return c.SubscribeAlerts(ctx, o).All()
}

// AlertChan delivers the stream on a channel, closed when the stream ends;
// then the error (nil after a cancellation) is on errc.
func (c *Client) AlertChan(ctx context.Context, o AlertOptions) (msgs <-chan AlertMessage, errc <-chan error) {
	return toChan(ctx, c.Alerts(ctx, o))
}

func toChan[M any](ctx context.Context, seq iter.Seq2[M, error]) (<-chan M, <-chan error) {
	out, errc := make(chan M), make(chan error, 1)
	go func() {
		defer close(errc)
		defer close(out)
		for m, err := range seq {
			if err != nil {
				errc <- err
				return
			}
			select {
			case out <- m:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, errc
}
