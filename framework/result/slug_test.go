package result

import "testing"

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"overlord in-service upgrade v1 to v2": "overlord-in-service-upgrade-v1-to-v2",
		"negative: crash build (v2)!":          "negative-crash-build-v2",
		"  Spaces  ":                           "spaces",
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}
