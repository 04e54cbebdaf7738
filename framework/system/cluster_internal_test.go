package system

import (
	"slices"
	"testing"
)

// A port's name is replaced by its number inside port placeholders only:
// a file may share a port's name.
func TestNumbered(t *testing.T) {
	names := map[string]string{"peer": "6222", "admin": "8222"}
	got := numbered([]string{"--routes=${OTHERS:peer:nats}", "-m", "${PORT:admin}", "-c", "${FILE:peer}", "${NAME}"}, names)
	want := []string{"--routes=${OTHERS:6222:nats}", "-m", "${PORT:8222}", "-c", "${FILE:peer}", "${NAME}"}
	if !slices.Equal(got, want) {
		t.Fatalf("numbered:\n got %q\nwant %q", got, want)
	}
}
