package main

import (
	"fmt"
	"html"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Colours: this library's rows, the floor, other alternatives.
const (
	colourOurs  = "#2b6cb0"
	colourFloor = "#718096"
	colourAlt   = "#dd6b20"
)

// writeRatioSVG draws one horizontal bar per row with a floor, its length
// the row's ratio to the floor on a log10 scale, grouped by workload.
func writeRatioSVG(w io.Writer, machine string, rows []row) error {
	const left, barW, barH, top = 360, 420, 14, 40
	var body strings.Builder
	// The axis runs from the lowest decade (at most 1x, at least 0.01x)
	// to the highest, so a row faster than its floor has a bar too.
	minR, maxR := 1.0, 1.0
	for _, r := range rows {
		if r.VsFloor > 0 {
			minR, maxR = min(minR, r.VsFloor), max(maxR, r.VsFloor)
		}
	}
	lo := max(math.Floor(math.Log10(minR)), -2)
	decades := max(math.Ceil(math.Log10(maxR))-lo, 1)
	x := func(r float64) float64 { return left + barW*(math.Log10(max(r, 0.01))-lo)/decades }
	y := top
	last := ""
	for _, r := range rows {
		if r.VsFloor == 0 {
			continue
		}
		if r.Workload+r.Title != last {
			last = r.Workload + r.Title
			y += 6
			fmt.Fprintf(&body, `<text x="4" y="%d" font-weight="bold">%s %s</text>`+"\n", y+barH-3, html.EscapeString(r.Workload), html.EscapeString(r.Title))
			y += barH + 2
		}
		colour := colourAlt
		switch {
		case r.Ours:
			colour = colourOurs
		case r.Floor:
			colour = colourFloor
		}
		x0, x1 := x(1), x(r.VsFloor)
		if x1 < x0 {
			x0, x1 = x1, x0
		}
		fmt.Fprintf(&body, `<text x="%d" y="%d" text-anchor="end">%s</text>`+"\n", left-6, y+barH-3, html.EscapeString(subName(r.Name)))
		fmt.Fprintf(&body, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>`+"\n", x0, y, max(x1-x0, 1), barH, colour)
		fmt.Fprintf(&body, `<text x="%.1f" y="%d">%s</text>`+"\n", max(x1, x0)+4, y+barH-3, ratio(r.VsFloor))
		y += barH + 2
	}
	height := y + 30
	var grid strings.Builder
	for d := 0.0; d <= decades; d++ {
		gx := left + barW*d/decades
		fmt.Fprintf(&grid, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ccc"/>`+"\n", gx, top, gx, height-24)
		fmt.Fprintf(&grid, `<text x="%.1f" y="%d" text-anchor="middle">%gx</text>`+"\n", gx, height-10, math.Pow(10, lo+d))
	}
	width := left + barW + 70
	_, err := fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">
<rect width="100%%" height="100%%" fill="white"/>
<text x="4" y="16" font-size="13" font-weight="bold">Each row's median (time, p99 lateness or bytes) as a multiple of its workload's floor; log scale, lower is better</text>
<text x="4" y="30" fill="#555">%s</text>
%s%s</svg>
`, width, height, html.EscapeString(machine), grid.String(), body.String())
	return err
}

// nSuffix finds the task count in a scaling row's name.
var nSuffix = regexp.MustCompile(`^(.*)/N=(\d+)$`)

// series is one line of the scaling chart.
type series struct {
	Name   string
	Points [][2]float64 // task count, ns/task
}

// scalingSeries collects, from every row with an N= suffix and an ns/task
// value, one series per name without that suffix.
func scalingSeries(s *samples) []series {
	var out []series
	idx := map[string]int{}
	for _, n := range s.order {
		m := nSuffix.FindStringSubmatch(n)
		if m == nil {
			continue
		}
		v, ok := s.median(n, "ns/task")
		if !ok {
			continue
		}
		count, _ := strconv.ParseFloat(m[2], 64)
		i, ok := idx[m[1]]
		if !ok {
			i = len(out)
			idx[m[1]] = i
			out = append(out, series{Name: strings.TrimPrefix(m[1], "Benchmark")})
		}
		out[i].Points = append(out[i].Points, [2]float64{count, v})
	}
	for i := range out {
		slices.SortFunc(out[i].Points, func(a, b [2]float64) int { return int(a[0] - b[0]) })
	}
	return out
}

// writeScalingSVG draws ns/task against the task count, both on log10
// scales, one line per series.
func writeScalingSVG(w io.Writer, machine string, ss []series) error {
	const left, top, pw, ph = 70, 40, 480, 280
	palette := []string{"#2b6cb0", "#38a169", "#dd6b20", "#805ad5", "#e53e3e", "#718096", "#d69e2e", "#319795"}
	minX, maxX, minY, maxY := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, s := range ss {
		for _, p := range s.Points {
			minX, maxX = min(minX, p[0]), max(maxX, p[0])
			minY, maxY = min(minY, p[1]), max(maxY, p[1])
		}
	}
	if math.IsInf(minX, 1) {
		minX, maxX, minY, maxY = 1e3, 1e6, 1, 1e3
	}
	lx0, lx1 := math.Floor(math.Log10(minX)), math.Ceil(math.Log10(maxX))
	ly0, ly1 := math.Floor(math.Log10(minY)), math.Ceil(math.Log10(maxY))
	if lx1 == lx0 {
		lx1++
	}
	if ly1 == ly0 {
		ly1++
	}
	px := func(v float64) float64 { return left + pw*(math.Log10(v)-lx0)/(lx1-lx0) }
	py := func(v float64) float64 { return top + ph - ph*(math.Log10(v)-ly0)/(ly1-ly0) }
	var b strings.Builder
	for d := lx0; d <= lx1; d++ {
		gx := left + pw*(d-lx0)/(lx1-lx0)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/><text x="%.1f" y="%d" text-anchor="middle">%g</text>`+"\n", gx, top, gx, top+ph, gx, top+ph+14, math.Pow(10, d))
	}
	for d := ly0; d <= ly1; d++ {
		gy := top + ph - ph*(d-ly0)/(ly1-ly0)
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/><text x="%d" y="%.1f" text-anchor="end">%g</text>`+"\n", left, gy, left+pw, gy, left-4, gy+4, math.Pow(10, d))
	}
	for i, s := range ss {
		c := palette[i%len(palette)]
		var pts []string
		for _, p := range s.Points {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(p[0]), py(p[1])))
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`+"\n", px(p[0]), py(p[1]), c)
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", strings.Join(pts, " "), c)
		ly := top + 10 + 16*i
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d">%s</text>`+"\n", left+pw+14, ly, c, left+pw+28, ly+9, html.EscapeString(s.Name))
	}
	_, err := fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">
<rect width="100%%" height="100%%" fill="white"/>
<text x="4" y="16" font-size="13" font-weight="bold">Time per task (ns, log scale) against the number of tasks in a round (log scale)</text>
<text x="4" y="30" fill="#555">%s</text>
%s</svg>
`, left+pw+300, top+ph+40, html.EscapeString(machine), b.String())
	return err
}
