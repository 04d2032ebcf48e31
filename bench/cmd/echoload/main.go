// Command echoload drives an echo server with request/response traffic
// and prints requests per second and latency percentiles: each of -conns
// connections sends -size bytes, waits for all of them back, and repeats
// for -duration.
//
//	go run ./bench/cmd/echoload -addr=127.0.0.1:10000 -conns=10 -size=1024 -duration=5s
//
// One line of output: conns, size, requests, req/s, p50 and p99 in µs;
// with -name, a line in Go's benchmark format instead, for
// bench/cmd/report: "NAME  requests  T ns/req  P p50-us  Q p99-us", where
// ns/req is the run's wall time divided by the requests served.
//
// With -idle it opens -conns connections, sends nothing, prints "open N"
// once all are connected, and holds them until its standard input closes:
// for measuring what an idle connection costs a server.
//
// On Linux the load runs as SCHED_BATCH (-sched=batch, the default there;
// -sched=normal leaves it at the normal policy). The load and the server
// share the machine's cores, and at the normal policy the load's threads,
// woken by the server's responses, preempt the server's threads. A server
// with one thread then stops serving every connection until it runs
// again: on 2 cores the single-thread loop's thread was preempted once
// every 6-7 requests (0.14-0.16 involuntary context switches a request;
// 0.02-0.05 switches of any kind with the load as batch). A batch thread
// does not preempt on wakeup; it still gets its share of the CPU, at the
// scheduler's ticks and on an idle core. bench/cmd/report measures both
// ways.
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"sync"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:10000", "the echo server")
	conns := flag.Int("conns", 10, "connections, each with one request in flight")
	size := flag.Int("size", 1024, "bytes per request")
	duration := flag.Duration("duration", 5*time.Second, "how long to run")
	idle := flag.Bool("idle", false, "open -conns idle connections and hold them until stdin closes")
	name := flag.String("name", "", "print one benchmark-format line with this name")
	sched := flag.String("sched", defaultSched, "the load's scheduling policy: batch (Linux) or normal")
	flag.Parse()
	switch *sched {
	case "normal":
	case "batch":
		if err := batchScheduling(); err != nil {
			fmt.Fprintln(os.Stderr, "echoload:", err)
			os.Exit(1)
		}
	default:
		fmt.Fprintf(os.Stderr, "echoload: -sched=%q: want batch or normal\n", *sched)
		os.Exit(2)
	}
	if *idle {
		if err := holdIdle(*addr, *conns); err != nil {
			fmt.Fprintln(os.Stderr, "echoload:", err)
			os.Exit(1)
		}
		return
	}

	var (
		mu   sync.Mutex
		lats []time.Duration
		wg   sync.WaitGroup
		errs = make(chan error, *conns)
	)
	deadline := time.Now().Add(*duration)
	for range *conns {
		wg.Go(func() {
			c, err := net.Dial("tcp", *addr)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			out, in := make([]byte, *size), make([]byte, *size)
			var mine []time.Duration
			for time.Now().Before(deadline) {
				t0 := time.Now()
				if _, err := c.Write(out); err != nil {
					errs <- err
					return
				}
				if _, err := io.ReadFull(c, in); err != nil {
					errs <- err
					return
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lats = append(lats, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		fmt.Fprintln(os.Stderr, "echoload:", err)
		os.Exit(1)
	}
	slices.Sort(lats)
	pct := func(p float64) float64 {
		if len(lats) == 0 {
			return 0
		}
		return float64(lats[int(p*float64(len(lats)-1))].Microseconds())
	}
	if *name != "" {
		fmt.Printf("%s\t%d\t%.1f ns/req\t%.0f p50-us\t%.0f p99-us\n",
			*name, len(lats), float64(duration.Nanoseconds())/float64(max(len(lats), 1)), pct(0.50), pct(0.99))
		return
	}
	fmt.Printf("conns=%d size=%d requests=%d req/s=%.0f p50=%.0fus p99=%.0fus\n",
		*conns, *size, len(lats), float64(len(lats))/duration.Seconds(), pct(0.50), pct(0.99))
}

// holdIdle opens n connections to addr and keeps them open, idle, until
// standard input closes.
func holdIdle(addr string, n int) error {
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range n {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return err
		}
		conns = append(conns, c)
	}
	fmt.Println("open", len(conns))
	_, _ = io.Copy(io.Discard, os.Stdin)
	return nil
}
