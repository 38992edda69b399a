package health

import (
	"net/http"
	"net/http/pprof"

	"github.com/spf13/pflag"
)

// ProfilingHelp is the help of --profiling in every program.
const ProfilingHelp = "serve Go's runtime profiles (net/http/pprof) under /debug/pprof/ on --metrics-bind-address, for example /debug/pprof/heap; anyone who reaches that address can read them"

// AddProfilingFlag binds --profiling to on in fs, with *on as the default.
func AddProfilingFlag(fs *pflag.FlagSet, on *bool) {
	fs.BoolVar(on, "profiling", *on, ProfilingHelp)
}

// Profiling returns h itself when on is false. When on, it returns a
// handler that serves net/http/pprof's index and profiles under
// /debug/pprof/ (heap, goroutine, allocs, profile for CPU, trace, …) and
// everything else from h. The command line (/debug/pprof/cmdline) is left
// out: flags are no one's business on a plain-HTTP port.
func Profiling(h http.Handler, on bool) http.Handler {
	if !on {
		return h
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/debug/pprof/cmdline", http.NotFound)
	mux.Handle("/", h)
	return mux
}

// Option changes what Serve serves.
type Option func(*serveConfig)

// serveConfig is what the options of Serve set.
type serveConfig struct {
	profiling bool
}

// WithProfiling makes Serve serve the profiles of Profiling when on.
func WithProfiling(on bool) Option {
	return func(c *serveConfig) { c.profiling = on }
}
