package saker

import (
	"context"
	"errors"
	"io"
	"iter"
	"time"

	"github.com/saker-security/saker/clients/go/gen/falco/outputs"
	"github.com/saker-security/saker/clients/go/gen/falco/schema"
	"github.com/saker-security/saker/clients/go/gen/falco/version"
	"google.golang.org/grpc"
)

// FalcoClient speaks Falco's gRPC API (falco.outputs, falco.version), which
// both sakerd and Falco servers serve. Alerts from it have no Sequence and
// no PublishTime, and there are no filters, resume or gap notices.
type FalcoClient struct {
	outputs outputs.ServiceClient
	version version.ServiceClient
}

func newFalcoClient(conn *grpc.ClientConn) *FalcoClient {
	return &FalcoClient{outputs: outputs.NewServiceClient(conn), version: version.NewServiceClient(conn)}
}

// DialFalco connects to a Falco (or Saker) server for Falco's API; address
// "" is DefaultFalcoAddress. Options as for Dial.
func DialFalco(address string, opts ...Option) (*FalcoClient, *grpc.ClientConn, error) {
	if address == "" {
		address = DefaultFalcoAddress
	}
	c, err := Dial(address, opts...)
	if err != nil {
		return nil, nil, err
	}
	return c.falco, c.conn, nil
}

// Version is falco.version.service/version.
func (f *FalcoClient) Version(ctx context.Context) (*Version, error) {
	r, err := f.version.Version(ctx, &version.Request{})
	if err != nil {
		return nil, err
	}
	return &Version{Version: r.GetVersion(), Major: r.GetMajor(), Minor: r.GetMinor(), Patch: r.GetPatch(),
		Prerelease: r.GetPrerelease(), Build: r.GetBuild(), EngineVersion: r.GetEngineVersion(),
		EngineMajor: r.GetEngineMajor(), EngineMinor: r.GetEngineMinor(), EnginePatch: r.GetEnginePatch(),
		EngineFieldsChecksum: r.GetEngineFieldsChecksum()}, nil
}

// FalcoPriority converts Falco's priority (EMERGENCY=0 .. DEBUG=7).
func FalcoPriority(p schema.Priority) Priority {
	if p < 0 || p > 7 {
		return PriorityUnspecified
	}
	return Priority(8 - int32(p))
}

func falcoAlert(r *outputs.Response) *Alert {
	return &Alert{Time: tsTime(r.GetTime()), Priority: FalcoPriority(r.GetPriority()), Rule: r.GetRule(),
		Output: r.GetOutput(), OutputFields: r.GetOutputFields(), Hostname: r.GetHostname(),
		Tags: r.GetTags(), Source: r.GetSource()}
}

// Get returns the alerts the server's history holds (falco.outputs.service/get).
func (f *FalcoClient) Get(ctx context.Context) ([]Alert, error) {
	s, err := f.outputs.Get(ctx, &outputs.Request{})
	if err != nil {
		return nil, err
	}
	var out []Alert
	for {
		r, err := s.Recv()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, *falcoAlert(r))
	}
}

// Sub yields the alerts of falco.outputs.service/sub until ctx ends (no
// error then) or the stream fails (the error, last). sakerd pushes alerts;
// older Falco servers answer polls, so a request is sent every pollInterval
// (0: one second).
func (f *FalcoClient) Sub(ctx context.Context, pollInterval time.Duration) iter.Seq2[*Alert, error] {
	if pollInterval <= 0 {
		pollInterval = time.Second
	}
	return func(yield func(*Alert, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		s, err := f.outputs.Sub(ctx)
		if err == nil {
			err = s.Send(&outputs.Request{})
		}
		if err != nil {
			if ctx.Err() == nil {
				yield(nil, err)
			}
			return
		}
		go func() {
			t := time.NewTicker(pollInterval)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					if s.Send(&outputs.Request{}) != nil {
						return
					}
				}
			}
		}()
		for {
			r, err := s.Recv()
			if err != nil {
				if ctx.Err() == nil && !errors.Is(err, io.EOF) {
					yield(nil, err)
				}
				return
			}
			if !yield(falcoAlert(r), nil) {
				return
			}
		}
	}
}
