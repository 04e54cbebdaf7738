package health_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/hatest/hatest/framework/health"
)

// A node that serves /healthz on its port 8222, and the framework waiting
// until it says "ok".
func Example() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	}))
	defer srv.Close()
	// Where the host reaches the node's ports; for a runtime node:
	// func(port string) string { return node.Endpoint(port).External }.
	at := health.Map(map[string]string{"8222": strings.TrimPrefix(srv.URL, "http://")})

	check := health.HTTP("8222", "/healthz").BodyContains("ok")
	fmt.Println(check)
	if err := health.Validate(check, []string{"4222", "6222", "8222"}); err != nil {
		fmt.Println(err)
		return
	}
	if err := health.Wait(context.Background(), check, at, 5*time.Second, 0); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("ready")

	// A check on a port the node does not declare fails at declaration.
	fmt.Println(health.Validate(health.TCP("4223"), []string{"4222", "8222"}))
	// Output:
	// HTTP GET :8222/healthz answers 200 with a body containing "ok"
	// ready
	// health check TCP :4223 accepts connections: port 4223 is not a port of the node (it declares 4222, 8222); add it to the node's ports or check another
}
