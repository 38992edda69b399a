// Package version holds the build's version, stamped by the linker:
//
//	-X github.com/sluice-dev/sluice/pkg/version.Version=v1.2.3
//	-X github.com/sluice-dev/sluice/pkg/version.Commit=abc1234
package version

import (
	"fmt"
	"runtime"
)

// Version and Commit are set at link time; they are variables only so that
// the linker can write them, and nothing else assigns them.
var (
	Version = "dev"
	Commit  = "unknown"
)

// String returns "<version> (commit <commit>, <go version>)".
func String() string {
	return fmt.Sprintf("%s (commit %s, %s)", Version, Commit, runtime.Version())
}
