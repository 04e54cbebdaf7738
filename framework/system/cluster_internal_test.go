package system

import (
	"slices"
	"testing"
)

// A port's name is replaced by its number where a port goes, and only
// there: a file, a scheme or a member may share a port's name.
func TestNumbered(t *testing.T) {
	names := map[string]string{"peer": "6222", "admin": "8222", "nats": "4222", "e2": "9999"}
	got := numbered([]string{"--routes=${OTHERS:peer:nats}", "-m", "${PORT:admin}", "-c", "${FILE:peer}", "${NAME}", "${ADDR:e2:peer}"}, names)
	want := []string{"--routes=${OTHERS:6222:nats}", "-m", "${PORT:8222}", "-c", "${FILE:peer}", "${NAME}", "${ADDR:e2:6222}"}
	if !slices.Equal(got, want) {
		t.Fatalf("numbered:\n got %q\nwant %q", got, want)
	}
}
