package shrink

import "fmt"

// Rate is a reproduction rate: Failed of Runs failed for the same reason;
// Invalid of them could not be vouched for (they count as not failing).
type Rate struct{ Failed, Runs, Invalid int }

// String is "3 of 3", or "2 of 3 (1 invalid)".
func (r Rate) String() string {
	if r.Invalid > 0 {
		return fmt.Sprintf("%d of %d (%d invalid)", r.Failed, r.Runs, r.Invalid)
	}
	return fmt.Sprintf("%d of %d", r.Failed, r.Runs)
}
