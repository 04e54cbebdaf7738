package scenario

import (
	"github.com/hatest/hatest/framework/plan"
	"github.com/hatest/hatest/framework/step"
)

// The words of the DSL. A scenario's body declares on an S (package
// plan); steps come from packages upgrade and fault and from the
// combinators of package step. They are named here too, so that a
// scenario file needs only this package besides the steps and checks it
// uses.

// S is what a scenario's body declares: see plan.S.
type S = plan.S

// Service is a declared service or program: see plan.Service.
type Service = plan.Service

// Cluster is a declared cluster of your own: see plan.Cluster.
type Cluster = plan.Cluster

// Step is one line of the plan: see step.Step.
type Step = step.Step

// Handle stands for a declared step wherever it ends up in the plan: see
// plan.Handle.
type Handle = plan.Handle

// Options of services, programs and clients; see package plan.
type (
	ServiceOption = plan.ServiceOption
	ClientOption  = plan.ClientOption
	ProgramOption = plan.ProgramOption
)

// DefaultLatencyBudget is plan.DefaultLatencyBudget.
const DefaultLatencyBudget = plan.DefaultLatencyBudget

var (
	// Steps.
	Wait         = step.Wait
	Do           = step.Do
	DoOn         = step.DoOn
	Sequence     = step.Sequence
	Concurrently = step.Concurrently
	ReadBack     = step.ReadBack
	Track        = plan.Track

	// Services and programs.
	Names         = plan.Names
	OverlordFlags = plan.OverlordFlags
	GoSoftware    = plan.GoSoftware
	GoModule      = plan.GoModule
	Port          = plan.Port
	HostPort      = plan.HostPort
	Args          = plan.Args
	Env           = plan.Env
	ReadyHTTP     = plan.ReadyHTTP
	ReadyTimeout  = plan.ReadyTimeout
	StopGrace     = plan.StopGrace
	DataDir       = plan.DataDir
	File          = plan.File
	NamedPort     = plan.NamedPort
	Ready         = plan.Ready

	// Clients.
	Named          = plan.Named
	Every          = plan.Every
	ClientVersion  = plan.ClientVersion
	ClientSoftware = plan.ClientSoftware
	Naive          = plan.Naive
	OpTimeout      = plan.OpTimeout
	ClientArgs     = plan.ClientArgs
)
