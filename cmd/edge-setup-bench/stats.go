package main

import (
	"slices"
	"time"
)

// Medians, means and percentiles of the measurements.

func durations(ds []time.Duration) (median, p95 time.Duration) {
	if len(ds) == 0 {
		return 0, 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	fs := make([]float64, len(s))
	for i, d := range s {
		fs[i] = float64(d)
	}
	return s[(len(s)-1)/2], time.Duration(percentile(fs, 0.95))
}

// summary is mean and 95th percentile.
type summary struct{ Mean, P95 float64 }

func summarize(xs []float64) summary {
	if len(xs) == 0 {
		return summary{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	var sum float64
	for _, x := range s {
		sum += x
	}
	return summary{Mean: sum / float64(len(s)), P95: percentile(s, 0.95)}
}

// percentile of sorted xs by nearest rank.
func percentile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	k := int(q*float64(len(sorted))+0.999999999) - 1
	return sorted[max(0, min(k, len(sorted)-1))]
}

func ints(xs []int) (median, p95 int) {
	fs := make([]time.Duration, len(xs))
	for i, x := range xs {
		fs[i] = time.Duration(x)
	}
	m, q := durations(fs)
	return int(m), int(q)
}
