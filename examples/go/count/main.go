// count counts alerts by rule for a while (a minute by default) and prints
// a table, most frequent first.
//
//	go run ./count -duration 1m
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"log"
	"maps"
	"os"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/saker-security/saker/clients/go/saker"
	"github.com/saker-security/saker/examples/go/internal/conn"
)

func main() {
	duration := flag.Duration("duration", time.Minute, "how long to count")
	flag.Parse()
	c := conn.Dial()
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), *duration)
	defer cancel()
	counts := map[string]int{}
	var lost uint64
	// Only the rule is needed: ask the server for that field alone, in batches.
	for m, err := range c.Alerts(ctx, saker.AlertOptions{Fields: []string{"rule"}, MaxBatch: 256}) {
		if err != nil {
			log.Fatal(err)
		}
		if m.Gap != nil {
			lost += m.Gap.Count
			continue
		}
		counts[m.Alert.Rule]++
	}
	rules := slices.SortedFunc(maps.Keys(counts), func(a, b string) int {
		return cmp.Or(cmp.Compare(counts[b], counts[a]), cmp.Compare(a, b))
	})
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight|tabwriter.Debug)
	fmt.Fprintf(w, "COUNT\tRULE\n")
	total := 0
	for _, r := range rules {
		fmt.Fprintf(w, "%d\t %s\n", counts[r], r)
		total += counts[r]
	}
	fmt.Fprintf(w, "%d\t TOTAL in %v\n", total, *duration)
	w.Flush()
	if lost > 0 {
		fmt.Printf("(%d alerts lost to gaps)\n", lost)
	}
}
