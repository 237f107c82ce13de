package saker

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	alertsv1 "github.com/saker-security/saker/clients/go/gen/saker/alerts/v1"
	eventsv1 "github.com/saker-security/saker/clients/go/gen/saker/events/v1"
	rulesv1 "github.com/saker-security/saker/clients/go/gen/saker/rules/v1"
	statusv1 "github.com/saker-security/saker/clients/go/gen/saker/status/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

const (
	// DefaultAddress is where sakerd serves its API without --grpc-bind.
	DefaultAddress = "unix:///run/saker/saker.sock"
	// DefaultFalcoAddress is Falco's unix socket (sakerd --grpc-falco-socket).
	DefaultFalcoAddress = "unix:///run/falco/falco.sock"
	// AddressEnv names the environment variable Dial reads when given no address.
	AddressEnv = "SAKER_ADDRESS"
)

// Client is a connection to sakerd (or to Falco, see Client.Falco). It is safe
// for concurrent use; Close it when done.
type Client struct {
	conn   *grpc.ClientConn
	alerts alertsv1.AlertServiceClient
	events eventsv1.EventServiceClient
	rules  rulesv1.RuleServiceClient
	status statusv1.StatusServiceClient
	health healthpb.HealthClient
	falco  *FalcoClient
}

type options struct {
	tlsCfg     *tls.Config
	tlsErr     error
	serverName string
	dialOpts   []grpc.DialOption
}

// Option configures Dial.
type Option func(*options)

// WithTLSFiles sets the client certificate, its key and the CA that signed the
// server's certificate, as PEM files (mutual TLS, required on TCP).
func WithTLSFiles(certFile, keyFile, caFile string) Option {
	return func(o *options) {
		cert, err1 := os.ReadFile(certFile)
		key, err2 := os.ReadFile(keyFile)
		ca, err3 := os.ReadFile(caFile)
		if err := errors.Join(err1, err2, err3); err != nil {
			o.tlsErr = fmt.Errorf("saker: reading TLS files: %w", err)
			return
		}
		WithTLSPEM(cert, key, ca)(o)
	}
}

// WithTLSPEM is WithTLSFiles with the PEM bytes themselves.
func WithTLSPEM(certPEM, keyPEM, caPEM []byte) Option {
	return func(o *options) {
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			o.tlsErr = fmt.Errorf("saker: client certificate: %w", err)
			return
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(caPEM) {
			o.tlsErr = errors.New("saker: no CA certificate in the CA PEM")
			return
		}
		o.tlsCfg = &tls.Config{Certificates: []tls.Certificate{pair}, RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
}

// WithTLSConfig uses cfg as is (it must hold a client certificate for sakerd).
func WithTLSConfig(cfg *tls.Config) Option { return func(o *options) { o.tlsCfg = cfg } }

// WithServerName overrides the name the server's certificate is verified
// against (by default the address's host).
func WithServerName(name string) Option { return func(o *options) { o.serverName = name } }

// WithDialOptions passes extra options to grpc.NewClient.
func WithDialOptions(opts ...grpc.DialOption) Option {
	return func(o *options) { o.dialOpts = append(o.dialOpts, opts...) }
}

// ResolveAddress returns the address Dial connects to: address, else
// $SAKER_ADDRESS, else DefaultAddress; a bare absolute path is a unix socket.
func ResolveAddress(address string) string {
	if address == "" {
		address = os.Getenv(AddressEnv)
	}
	if address == "" {
		address = DefaultAddress
	}
	if strings.HasPrefix(address, "/") {
		address = "unix://" + address
	}
	return address
}

func isUnix(address string) bool { return strings.HasPrefix(address, "unix:") }

// Dial connects to sakerd at address (see ResolveAddress): a unix socket
// (unix:///path) or HOST:PORT over mutual TLS. The connection is made lazily;
// a refused certificate or an absent server shows as an error of the first
// call (codes.Unavailable).
func Dial(address string, opts ...Option) (*Client, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if o.tlsErr != nil {
		return nil, o.tlsErr
	}
	address = ResolveAddress(address)
	dopts := []grpc.DialOption{
		grpc.WithConnectParams(grpc.ConnectParams{
			Backoff:           backoff.Config{BaseDelay: 100 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: 5 * time.Second},
			MinConnectTimeout: 5 * time.Second,
		}),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(16 << 20)),
	}
	switch {
	case isUnix(address):
		dopts = append(dopts, grpc.WithTransportCredentials(insecure.NewCredentials()))
	case o.tlsCfg != nil:
		cfg := o.tlsCfg.Clone()
		if o.serverName != "" {
			cfg.ServerName = o.serverName
		}
		dopts = append(dopts, grpc.WithTransportCredentials(credentials.NewTLS(cfg)))
	default:
		return nil, fmt.Errorf("saker: %s is TCP, which requires mutual TLS: use WithTLSFiles or WithTLSPEM", address)
	}
	dopts = append(dopts, o.dialOpts...)
	conn, err := grpc.NewClient(address, dopts...)
	if err != nil {
		return nil, fmt.Errorf("saker: %w", err)
	}
	return NewClient(conn), nil
}

// NewClient wraps an existing connection (which the caller closes, or Close does).
func NewClient(conn *grpc.ClientConn) *Client {
	return &Client{
		conn:   conn,
		alerts: alertsv1.NewAlertServiceClient(conn),
		events: eventsv1.NewEventServiceClient(conn),
		rules:  rulesv1.NewRuleServiceClient(conn),
		status: statusv1.NewStatusServiceClient(conn),
		health: healthpb.NewHealthClient(conn),
		falco:  newFalcoClient(conn),
	}
}

// Conn is the underlying gRPC connection (for the generated stubs under gen/).
func (c *Client) Conn() *grpc.ClientConn { return c.conn }

// Close closes the connection; open streams end.
func (c *Client) Close() error { return c.conn.Close() }

// Falco is the client of Falco's API on the same connection (sakerd serves it
// too; so do Falco servers, where the Saker v1 calls are Unimplemented).
func (c *Client) Falco() *FalcoClient { return c.falco }

// Version is the server's version, from Falco's version service.
func (c *Client) Version(ctx context.Context) (*Version, error) { return c.falco.Version(ctx) }

// Status is a snapshot of the daemon's state.
func (c *Client) Status(ctx context.Context) (*Status, error) {
	r, err := c.status.GetStatus(ctx, &statusv1.GetStatusRequest{})
	if err != nil {
		return nil, err
	}
	return statusFromProto(r), nil
}

// Rules lists the loaded rules, in load order.
func (c *Client) Rules(ctx context.Context) ([]Rule, error) {
	r, err := c.rules.ListRules(ctx, &rulesv1.ListRulesRequest{})
	if err != nil {
		return nil, err
	}
	out := make([]Rule, 0, len(r.GetRules()))
	for _, x := range r.GetRules() {
		out = append(out, ruleFromProto(x))
	}
	return out, nil
}

// ReloadRules re-reads the server's rule files. A file with errors is
// rejected (codes.InvalidArgument, the errors in the message) and the running
// rules stay.
func (c *Client) ReloadRules(ctx context.Context) (*ReloadResult, error) {
	r, err := c.rules.ReloadRules(ctx, &rulesv1.ReloadRulesRequest{})
	if err != nil {
		return nil, err
	}
	return &ReloadResult{RuleCount: int(r.GetRuleCount()), Warnings: r.GetWarnings()}, nil
}

// Healthy asks the standard health service about service ("" for the server).
func (c *Client) Healthy(ctx context.Context, service string) (bool, error) {
	r, err := c.health.Check(ctx, &healthpb.HealthCheckRequest{Service: service})
	if err != nil {
		return false, err
	}
	return r.GetStatus() == healthpb.HealthCheckResponse_SERVING, nil
}
