// Package logging builds the *zap.Logger every Sluice program uses and
// routes klog (client-go, the apiserver library) into it, so one process
// writes one log stream in one format.
package logging

import (
	"fmt"

	"github.com/go-logr/zapr"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"k8s.io/klog/v2"
)

// Formats accepted by New.
const (
	FormatJSON    = "json"
	FormatConsole = "console"
)

// New returns a logger writing to stderr in format ("json" or "console")
// at level ("debug", "info", "warn", "error"). It returns an error naming
// the bad value when either is unknown.
func New(format, level string) (*zap.Logger, error) {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		return nil, fmt.Errorf("parse log level: %w", err)
	}
	var cfg zap.Config
	switch format {
	case FormatJSON:
		cfg = zap.NewProductionConfig()
		cfg.EncoderConfig.TimeKey = "ts"
		cfg.EncoderConfig.EncodeTime = zapcore.ISO8601TimeEncoder
	case FormatConsole:
		cfg = zap.NewDevelopmentConfig()
	default:
		return nil, fmt.Errorf("unknown log format %q (want %s or %s)", format, FormatJSON, FormatConsole)
	}
	cfg.Level = zap.NewAtomicLevelAt(lvl)
	cfg.Sampling = nil
	log, err := cfg.Build()
	if err != nil {
		return nil, fmt.Errorf("build logger: %w", err)
	}
	return log, nil
}

// ValidFormat reports whether New accepts format.
func ValidFormat(format string) bool {
	return format == FormatJSON || format == FormatConsole
}

// ValidLevel reports whether New accepts level.
func ValidLevel(level string) bool {
	_, err := zapcore.ParseLevel(level)
	return err == nil
}

// RouteKlog sends klog's output to log, named "klog". klog keeps one
// process-wide logger, so call it once, from main.
func RouteKlog(log *zap.Logger) {
	klog.SetLogger(zapr.NewLogger(log.Named("klog")))
}
