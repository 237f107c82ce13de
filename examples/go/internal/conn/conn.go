// Package conn holds the connection flags every example shares: -address
// (default $SAKER_ADDRESS, else unix:///run/saker/saker.sock) and, for mutual
// TLS over TCP, -cert, -key and -ca.
package conn

import (
	"flag"
	"log"

	"github.com/saker-security/saker/clients/go/saker"
)

var (
	address = flag.String("address", "", "unix:///PATH or HOST:PORT (default $SAKER_ADDRESS, else "+saker.DefaultAddress+")")
	cert    = flag.String("cert", "", "client certificate (PEM), for mutual TLS")
	key     = flag.String("key", "", "client key (PEM)")
	ca      = flag.String("ca", "", "CA certificate that signed the server's (PEM)")
)

// Dial connects as the flags say; call after flag.Parse.
func Dial() *saker.Client {
	var opts []saker.Option
	if *cert != "" || *key != "" || *ca != "" {
		opts = append(opts, saker.WithTLSFiles(*cert, *key, *ca))
	}
	c, err := saker.Dial(*address, opts...)
	if err != nil {
		log.Fatal(err)
	}
	return c
}
