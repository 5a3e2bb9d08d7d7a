package emulator

import (
	"math"
	"testing"
)

func ptr(v int64) *int64 { return &v }

func TestParseOrderedFilter(t *testing.T) {
	tests := map[string]struct {
		in       string
		min, max *int64
		wantErr  bool
	}{
		"empty":                 {in: ""},
		"min":                   {in: "entry >= 10", min: ptr(10)},
		"max":                   {in: "entry <= 10", max: ptr(10)},
		"range":                 {in: "entry >= -5 && entry <= 5", min: ptr(-5), max: ptr(5)},
		"equal bounds":          {in: "entry >= 3 && entry <= 3", min: ptr(3), max: ptr(3)},
		"zero":                  {in: "entry >= 0", min: ptr(0)},
		"int64 extremes":        {in: "entry >= -9223372036854775808 && entry <= 9223372036854775807", min: ptr(math.MinInt64), max: ptr(math.MaxInt64)},
		"reversed order":        {in: "entry <= 5 && entry >= 1", wantErr: true},
		"min above max":         {in: "entry >= 6 && entry <= 5", wantErr: true},
		"two mins":              {in: "entry >= 1 && entry >= 2", wantErr: true},
		"two maxes":             {in: "entry <= 1 && entry <= 2", wantErr: true},
		"three conditions":      {in: "entry >= 1 && entry <= 5 && entry <= 6", wantErr: true},
		"double space":          {in: "entry  >= 1", wantErr: true},
		"no spaces":             {in: "entry>=1", wantErr: true},
		"space around and":      {in: "entry >= 1 &&  entry <= 2", wantErr: true},
		"leading space":         {in: " entry >= 1", wantErr: true},
		"trailing space":        {in: "entry >= 1 ", wantErr: true},
		"other field":           {in: "value >= 1", wantErr: true},
		"upper case":            {in: "Entry >= 1", wantErr: true},
		"strict greater":        {in: "entry > 1", wantErr: true},
		"equals":                {in: "entry == 1", wantErr: true},
		"and keyword":           {in: "entry >= 1 AND entry <= 2", wantErr: true},
		"plus sign":             {in: "entry >= +1", wantErr: true},
		"leading zero":          {in: "entry >= 01", wantErr: true},
		"negative zero":         {in: "entry >= -0", wantErr: true},
		"fraction":              {in: "entry >= 1.5", wantErr: true},
		"exponent":              {in: "entry >= 1e3", wantErr: true},
		"no number":             {in: "entry >= ", wantErr: true},
		"minus only":            {in: "entry <= -", wantErr: true},
		"above int64":           {in: "entry <= 9223372036854775808", wantErr: true},
		"below int64":           {in: "entry >= -9223372036854775809", wantErr: true},
		"and without condition": {in: "entry >= 1 && ", wantErr: true},
		"just and":              {in: " && ", wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			gotMin, gotMax, err := parseOrderedFilter(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("parseOrderedFilter(%q) = %v, %v; want an error", tc.in, show(gotMin), show(gotMax))
				}
				if err.Error() == "" {
					t.Error("empty error message")
				}
				return
			}
			if err != nil {
				t.Fatalf("parseOrderedFilter(%q): %v", tc.in, err)
			}
			if !sameBound(gotMin, tc.min) || !sameBound(gotMax, tc.max) {
				t.Errorf("parseOrderedFilter(%q) = %v, %v; want %v, %v", tc.in, show(gotMin), show(gotMax), show(tc.min), show(tc.max))
			}
			if got := formatOrderedFilter(gotMin, gotMax); got != tc.in {
				t.Errorf("canonical form %q, want %q", got, tc.in)
			}
		})
	}
}

// FuzzParseOrderedFilter checks that the parser never panics and accepts
// exactly the canonical renderings of bounds: whatever it accepts renders
// back to the same text and parses again to the same bounds.
func FuzzParseOrderedFilter(f *testing.F) {
	for _, s := range []string{
		"", "entry >= 1", "entry <= -1", "entry >= -5 && entry <= 5", "entry >= 01", "entry >= -0",
		"entry <= 5 && entry >= 1", "entry >= 9223372036854775807", "entry <= -9223372036854775808",
		"entry >= 1 && entry <= 2 && entry <= 3", "entry >= 1 &&", "&& entry <= 1", "entry >= \x00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		gotMin, gotMax, err := parseOrderedFilter(s)
		if err != nil {
			if gotMin != nil || gotMax != nil {
				t.Fatalf("error with bounds for %q", s)
			}
			return
		}
		canonical := formatOrderedFilter(gotMin, gotMax)
		if canonical != s {
			t.Fatalf("accepted %q, whose canonical form is %q", s, canonical)
		}
		gotMin2, gotMax2, err := parseOrderedFilter(canonical)
		if err != nil || !sameBound(gotMin, gotMin2) || !sameBound(gotMax, gotMax2) {
			t.Fatalf("canonical %q re-parses to %v, %v, %v", canonical, show(gotMin2), show(gotMax2), err)
		}
		if gotMin != nil && gotMax != nil && *gotMin > *gotMax {
			t.Fatalf("accepted min %d above max %d", *gotMin, *gotMax)
		}
	})
}

// TestOrderedFilterRendersParse is the converse of the fuzz property: every
// pair of bounds renders to a filter the parser accepts.
func TestOrderedFilterRendersParse(t *testing.T) {
	values := []int64{math.MinInt64, math.MinInt64 + 1, -100, -1, 0, 1, 7, 100, math.MaxInt64 - 1, math.MaxInt64}
	for _, lo := range append([]*int64{nil}, ptrs(values)...) {
		for _, hi := range append([]*int64{nil}, ptrs(values)...) {
			if lo != nil && hi != nil && *lo > *hi {
				continue
			}
			s := formatOrderedFilter(lo, hi)
			gotMin, gotMax, err := parseOrderedFilter(s)
			if err != nil || !sameBound(gotMin, lo) || !sameBound(gotMax, hi) {
				t.Errorf("%q parses to %v, %v, %v", s, show(gotMin), show(gotMax), err)
			}
		}
	}
}

func ptrs(vs []int64) []*int64 {
	var out []*int64
	for _, v := range vs {
		out = append(out, ptr(v))
	}
	return out
}

func sameBound(a, b *int64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

func show(p *int64) any {
	if p == nil {
		return "none"
	}
	return *p
}
