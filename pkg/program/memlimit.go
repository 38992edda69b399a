package program

import (
	"math"
	"os"
	"strconv"

	"github.com/KimMachineGun/automemlimit/memlimit"
	"go.uber.org/zap"
)

// memoryRatio is the share of the container's memory limit that a program
// gives the Go runtime as its soft limit when GOMEMLIMIT is not set. The
// rest is for what the runtime does not count: above all the pages of the
// program's own binary (40-60 MiB resident), which count against the same
// limit. With the soft limit at the whole limit, as GOMEMLIMIT taken from
// limits.memory through the downward API sets it, the heap may grow until
// the kernel evicts the program's code and reads it back at every step
// (memory under container limits, docs/performance.md).
const memoryRatio = 0.8

// setMemoryLimit sets the runtime's soft memory limit to memoryRatio of
// the limit limitOf reports (the container's cgroup limit), unless
// GOMEMLIMIT is set or AUTOMEMLIMIT says otherwise (another ratio in
// (0, 1], or "off"), and logs what it set. A limit it cannot read leaves
// the runtime without one, as before; a bad AUTOMEMLIMIT is logged as an
// error naming it.
func setMemoryLimit(log *zap.Logger, limitOf memlimit.Provider) {
	if v := os.Getenv("GOMEMLIMIT"); v != "" {
		log.Info("Go runtime soft memory limit from GOMEMLIMIT", zap.String("GOMEMLIMIT", v))
		return
	}
	if v, ok := os.LookupEnv("AUTOMEMLIMIT"); ok {
		if v == "off" {
			log.Info("AUTOMEMLIMIT=off: the Go runtime runs without a soft memory limit")
			return
		}
		// memlimit.Set reads it too; this says which variable is wrong.
		if r, err := strconv.ParseFloat(v, 64); err != nil || !(r > 0 && r <= 1) {
			log.Error(`AUTOMEMLIMIT must be a ratio in (0, 1] or "off"; the Go runtime runs without a soft memory limit`,
				zap.String("AUTOMEMLIMIT", v))
			return
		}
	}
	limit, err := memlimit.Set(memlimit.WithRatio(memoryRatio), memlimit.WithProvider(limitOf))
	switch {
	case err != nil:
		log.Info("container memory limit not read; the Go runtime runs without a soft memory limit", zap.Error(err))
	case limit != math.MaxInt64:
		log.Info("Go runtime soft memory limit set from the container's memory limit", zap.Int64("bytes", limit))
	}
}
