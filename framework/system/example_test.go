package system_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/hatest/hatest/fixtures/reference"
	"github.com/hatest/hatest/framework/runtime/process"
	"github.com/hatest/hatest/framework/system"
	"github.com/hatest/hatest/framework/timeline"
)

// The reference system by hand: an overlord, four clients, an upgrade on
// the timeline. (Compiled, not run: it starts processes.)
func Example() {
	ctx := context.Background()
	rt, err := process.New(ctx)
	if rt != nil {
		defer rt.Close(ctx)
	}
	if err != nil {
		return
	}
	sys := system.New(rt, os.Stderr)
	defer sys.StopWatching() // runs before rt.Close: the teardown's exits are asked for
	o, err := sys.StartOverlord(ctx, system.OverlordSpec{Name: "driver", Version: "v1", Software: reference.OverlordSoftware()})
	if err != nil {
		return
	}
	if _, err := sys.StartClients(ctx, system.ClientSpec{Count: 4, Addrs: o.Addrs(), Software: reference.ClientSoftware()}); err != nil {
		return
	}
	end := sys.Events.BeginEvent(timeline.Event{ID: "step-3", Kind: timeline.KindStep, Desc: "upgrade driver v1 -> v2", ExpectOutage: true})
	_, err = o.Upgrade(ctx, "v2", system.Replacement{})
	end()
	if _, err := sys.ReadBack(ctx, "after the upgrade to v2", 0); err != nil {
		return
	}
	_ = sys.StopClients(ctx, 15*time.Second)
	for _, c := range sys.Clients() {
		ok, failed := c.Log.Counts()
		fmt.Println(c.Name, ok, failed, err)
	}
}
