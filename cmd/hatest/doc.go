// Command hatest runs scenario suites against a service, gates releases on
// client-visible outage, and renders the reports. Run `hatest help` for
// the commands.
package main
