package settings

import "testing"

func TestFocus(t *testing.T) {
	if got := Focus("a.b (c)"); got != `^a\.b \(c\)$` {
		t.Errorf("Focus = %q", got)
	}
	if got := Focus("x", "y"); got != `^(x|y)$` {
		t.Errorf("Focus = %q", got)
	}
	c := Config{Runtime: "process", Seed: 7, Package: "./scenarios"}
	if got, want := Replay(c, "it's a.b"), `hatest run --runtime process --seed 7 --focus '^it'\''s a\.b$' ./scenarios`; got != want {
		t.Errorf("Replay\n got %s\nwant %s", got, want)
	}
}
