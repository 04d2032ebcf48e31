package main

import (
	"bufio"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// procsSuffix is the -GOMAXPROCS suffix go test adds to benchmark names.
var procsSuffix = regexp.MustCompile(`-\d+$`)

// result is one line of benchmark output: a name (without the GOMAXPROCS
// suffix), the iteration count, and each value by its unit.
type result struct {
	Name   string
	Iters  int64
	Values map[string]float64
}

// parseLine reads one line in Go's benchmark format,
// "BenchmarkName-2  N  v1 unit1  v2 unit2 ...". It reports false for any
// other line (headers, PASS, progress).
func parseLine(line string) (result, bool) {
	f := strings.Fields(line)
	if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
		return result{}, false
	}
	n, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return result{}, false
	}
	r := result{Name: procsSuffix.ReplaceAllString(f[0], ""), Iters: n, Values: map[string]float64{}}
	for i := 2; i+1 < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return result{}, false
		}
		r.Values[f[i+1]] = v
	}
	return r, true
}

// samples holds every value seen for each benchmark name and unit, in the
// order names first appeared.
type samples struct {
	order []string
	vals  map[string]map[string][]float64 // name -> unit -> values
}

// parse reads benchmark output (Go's, or the Python script's in the same
// format), any number of rounds, and collects the samples.
func parse(r io.Reader) (*samples, error) {
	s := &samples{vals: map[string]map[string][]float64{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		if res, ok := parseLine(sc.Text()); ok {
			s.add(res)
		}
	}
	return s, sc.Err()
}

// add records one result.
func (s *samples) add(r result) {
	m, ok := s.vals[r.Name]
	if !ok {
		m = map[string][]float64{}
		s.vals[r.Name] = m
		s.order = append(s.order, r.Name)
	}
	for u, v := range r.Values {
		m[u] = append(m[u], v)
	}
}

// median returns the median of name's values in unit, and whether there
// were any.
func (s *samples) median(name, unit string) (float64, bool) {
	vs := s.vals[name][unit]
	if len(vs) == 0 {
		return 0, false
	}
	vs = slices.Sorted(slices.Values(vs))
	if len(vs)%2 == 1 {
		return vs[len(vs)/2], true
	}
	return (vs[len(vs)/2-1] + vs[len(vs)/2]) / 2, true
}
