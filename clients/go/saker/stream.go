package saker

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	statusv1 "github.com/saker-security/saker/clients/go/gen/saker/status/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Start is where a subscription begins.
type Start struct {
	// FromSequence starts with this sequence number (history, then live).
	// 0 with FromOldest false: live only.
	FromSequence uint64
	// FromOldest starts with the oldest item the server's history holds.
	FromOldest bool
}

// Reconnect is the reconnect policy of a stream. The zero value reconnects
// forever with a backoff from 100ms to 5s.
type Reconnect struct {
	Disable     bool          // end the stream at the first error
	Initial     time.Duration // first delay (default 100ms)
	Max         time.Duration // longest delay (default 5s)
	MaxAttempts int           // consecutive failed attempts before giving up (0: never)
	// OnReconnect, when set, is called before each reconnect with the error
	// that ended the previous stream, the attempt (from 1) and the delay.
	OnReconnect func(err error, attempt int, delay time.Duration)
}

// Retryable reports whether a stream ended by err is reconnected: the server
// went away or is restarting (Unavailable and the like), not a refusal or an
// invalid request.
func Retryable(err error) bool {
	switch status.Code(err) {
	case codes.Unavailable, codes.Aborted, codes.ResourceExhausted, codes.Internal, codes.Unknown:
		return true
	}
	return false
}

type item[T any] struct {
	v   *T
	gap *Gap
}

// opener opens one server stream from start; next returns the items of the
// next message.
type opener[T any] func(ctx context.Context, start Start) (next func() ([]item[T], error), err error)

// resumer is the reconnecting core shared by the alert and event streams.
type resumer[T any] struct {
	ctx       context.Context
	cancel    context.CancelFunc
	open      opener[T]
	seq       func(*T) uint64
	hub       func(*statusv1.GetStatusResponse) *statusv1.HubStatus
	status    statusv1.StatusServiceClient
	policy    Reconnect
	start     Start
	last      uint64 // last sequence seen (item or gap end); 0: none
	epoch     time.Time
	next      func() ([]item[T], error)
	pending   []item[T]
	attempt   int
	err       error
	connected bool
}

func newResumer[T any](ctx context.Context, c *Client, start Start, policy Reconnect, open opener[T],
	seq func(*T) uint64, hub func(*statusv1.GetStatusResponse) *statusv1.HubStatus) *resumer[T] {
	ctx, cancel := context.WithCancel(ctx)
	return &resumer[T]{ctx: ctx, cancel: cancel, open: open, seq: seq, hub: hub, status: c.status, policy: policy, start: start}
}

// serverInfo asks the server when it started and the hub's newest sequence
// (best effort: StatusService may be denied to this client).
func (r *resumer[T]) serverInfo() (time.Time, uint64, bool) {
	ctx, cancel := context.WithTimeout(r.ctx, 2*time.Second)
	defer cancel()
	st, err := r.status.GetStatus(ctx, &statusv1.GetStatusRequest{})
	if err != nil {
		return time.Time{}, 0, false
	}
	return st.GetStartTime().AsTime(), r.hub(st).GetNewestSequence(), true
}

// connect opens the next server stream: the first from the caller's start, a
// reconnect after the last sequence seen. When the server restarted since
// (its start time changed) its sequence numbers began again, so the reconnect
// starts from the new server's oldest item instead.
func (r *resumer[T]) connect() error {
	epoch, newest, ok := r.serverInfo()
	if r.connected && !ok && r.last > 0 {
		// Without the server's start time a restart cannot be told apart, and
		// resuming blindly could skip a new instance's first items: retry.
		return status.Error(codes.Unavailable, "saker: the server's status did not answer")
	}
	start := r.start
	switch {
	case !r.connected:
		if ok && start == (Start{}) {
			r.last = newest // live: a reconnect resumes where live began
		}
	case ok && !r.epoch.IsZero() && !epoch.Equal(r.epoch):
		r.start, r.last = Start{FromOldest: true}, 0
		start = r.start
	case r.last > 0:
		start = Start{FromSequence: r.last + 1}
	}
	if ok {
		r.epoch = epoch
	}
	next, err := r.open(r.ctx, start)
	if err != nil {
		return err
	}
	r.next, r.connected = next, true
	return nil
}

func (r *resumer[T]) backoff(cause error) error {
	if r.policy.Disable || !Retryable(cause) {
		return cause
	}
	r.attempt++
	if r.policy.MaxAttempts > 0 && r.attempt > r.policy.MaxAttempts {
		return cause
	}
	initial, max := r.policy.Initial, r.policy.Max
	if initial <= 0 {
		initial = 100 * time.Millisecond
	}
	if max <= 0 {
		max = 5 * time.Second
	}
	d := initial
	for i := 1; i < r.attempt && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	d = d*4/5 + time.Duration(rand.Int64N(int64(d)*2/5+1)) // ±20%
	if r.policy.OnReconnect != nil {
		r.policy.OnReconnect(cause, r.attempt, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-r.ctx.Done():
		return r.ctx.Err()
	case <-t.C:
		return nil
	}
}

func (r *resumer[T]) recv() (item[T], error) {
	for {
		if r.err != nil {
			return item[T]{}, r.err
		}
		if len(r.pending) > 0 {
			it := r.pending[0]
			r.pending = r.pending[1:]
			if it.gap != nil {
				r.last = max(r.last, it.gap.To)
			} else {
				r.last = max(r.last, r.seq(it.v))
			}
			return it, nil
		}
		if err := r.ctx.Err(); err != nil {
			r.fail(err)
			continue
		}
		if r.next == nil {
			if err := r.connect(); err != nil {
				if r.ctx.Err() != nil {
					r.fail(r.ctx.Err())
					continue
				}
				if err2 := r.backoff(err); err2 != nil {
					r.fail(err2)
				}
				continue
			}
		}
		items, err := r.next()
		if err != nil {
			r.next = nil
			if _, ok := r.ctx.Deadline(); ok && status.Code(err) == codes.DeadlineExceeded {
				// The server may see the deadline a moment before we do.
				select {
				case <-r.ctx.Done():
				case <-time.After(time.Second):
				}
			}
			if r.ctx.Err() != nil {
				r.fail(r.ctx.Err())
				continue
			}
			if err2 := r.backoff(err); err2 != nil {
				r.fail(err2)
			}
			continue
		}
		r.attempt = 0
		r.pending = items
	}
}

func (r *resumer[T]) fail(err error) {
	if r.err == nil {
		if errors.Is(err, context.Canceled) || status.Code(err) == codes.Canceled {
			err = context.Canceled
		}
		r.err = err
		r.cancel()
	}
}

func (r *resumer[T]) close() { r.cancel() }
