package toxi_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http/httptest"
	"time"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/runtime/toxi"
)

// A proxy in front of a line echo server, made through the API of a
// toxiproxy server embedded in this process (as runtime/process does):
// latency on the link, then a partition and its healing.
func Example() {
	api := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(prometheus.NewRegistry()), zerolog.Nop())
	hs := httptest.NewServer(api.Routes())
	defer hs.Close()
	upstream := echoServer()
	ctx := context.Background()

	srv := toxi.New(hs.URL)
	p, err := srv.CreateProxy(ctx, "driver", "127.0.0.1:0", upstream)
	if err != nil {
		fmt.Println(err)
		return
	}
	addr := p.Endpoint().External
	err = p.AddToxic(ctx, runtime.Toxic{Type: "latency", Attributes: map[string]any{"latency": 200}})
	if err != nil {
		fmt.Println(err)
		return
	}
	took, err := ask(addr)
	fmt.Println("with 200 ms of latency, an answer takes 200 ms or more:", err == nil && took >= 200*time.Millisecond)

	_ = p.SetEnabled(ctx, false) // partition: closes connections, refuses new ones
	_, err = ask(addr)
	fmt.Println("partitioned, the ask fails:", err != nil)
	_ = p.SetEnabled(ctx, true) // heal
	_ = p.RemoveToxic(ctx, "latency_downstream")
	_, err = ask(addr)
	fmt.Println("healed, it is answered:", err == nil)
	// Output:
	// with 200 ms of latency, an answer takes 200 ms or more: true
	// partitioned, the ask fails: true
	// healed, it is answered: true
}

// echoServer answers every line it is sent with the same line.
func echoServer() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					c.Write([]byte(line))
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// ask sends one line on a new connection and waits for it to come back.
func ask(addr string) (time.Duration, error) {
	start := time.Now()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Write([]byte("ping\n")); err != nil {
		return 0, err
	}
	if _, err := bufio.NewReader(c).ReadString('\n'); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}
