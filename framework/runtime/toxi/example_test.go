package toxi_test

import (
	"context"
	"fmt"
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
	upstream, stop, err := echoServer()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()
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
	took, err := roundTrip(addr, 2*time.Second)
	fmt.Println("with 200 ms of latency, an answer takes 200 ms or more:", err == nil && took >= 200*time.Millisecond)

	_ = p.SetEnabled(ctx, false) // partition: closes connections, refuses new ones
	_, err = roundTrip(addr, 2*time.Second)
	fmt.Println("partitioned, the ask fails:", err != nil)
	_ = p.SetEnabled(ctx, true) // heal
	_ = p.RemoveToxic(ctx, "latency_downstream")
	_, err = roundTrip(addr, 2*time.Second)
	fmt.Println("healed, it is answered:", err == nil)
	// Output:
	// with 200 ms of latency, an answer takes 200 ms or more: true
	// partitioned, the ask fails: true
	// healed, it is answered: true
}
