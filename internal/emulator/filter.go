package emulator

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

const (
	filterMinPrefix = "entry >= "
	filterMaxPrefix = "entry <= "
	filterAnd       = " && "
)

// parseOrderedFilter parses the filter of ListOrderedEntries. The grammar is
// exactly "entry >= MIN", "entry <= MAX" or "entry >= MIN && entry <= MAX",
// with single spaces and integers written without a plus sign or leading
// zeros; the empty string means no filter. The grammar is strict so that a
// filter the service would reject fails here too, instead of working against
// the emulator only. A minimum above the maximum is rejected as well.
func parseOrderedFilter(s string) (minimum, maximum *int64, err error) {
	if s == "" {
		return nil, nil, nil
	}
	first, second, hasSecond := strings.Cut(s, filterAnd)
	if hasSecond {
		lo, err := filterBound(first, filterMinPrefix)
		if err != nil {
			return nil, nil, err
		}
		hi, err := filterBound(second, filterMaxPrefix)
		if err != nil {
			return nil, nil, err
		}
		if lo > hi {
			return nil, nil, fmt.Errorf("the minimum %d is greater than the maximum %d", lo, hi)
		}
		return &lo, &hi, nil
	}
	if strings.HasPrefix(s, filterMinPrefix) {
		lo, err := filterBound(s, filterMinPrefix)
		if err != nil {
			return nil, nil, err
		}
		return &lo, nil, nil
	}
	if strings.HasPrefix(s, filterMaxPrefix) {
		hi, err := filterBound(s, filterMaxPrefix)
		if err != nil {
			return nil, nil, err
		}
		return nil, &hi, nil
	}
	return nil, nil, errors.New(`use "entry >= MIN", "entry <= MAX" or "entry >= MIN && entry <= MAX"`)
}

func filterBound(s, prefix string) (int64, error) {
	num, ok := strings.CutPrefix(s, prefix)
	if !ok {
		return 0, fmt.Errorf("expected %q followed by an integer; use \"entry >= MIN && entry <= MAX\" for a range", prefix)
	}
	if !isIntegerLiteral(num, false) {
		return 0, fmt.Errorf("%q is not an integer (digits with an optional leading minus, no leading zeros)", num)
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s is outside the int64 range", num)
	}
	return n, nil
}

// formatOrderedFilter writes bounds in the canonical form that
// parseOrderedFilter accepts.
func formatOrderedFilter(lo, hi *int64) string {
	switch {
	case lo != nil && hi != nil:
		return filterMinPrefix + strconv.FormatInt(*lo, 10) + filterAnd + filterMaxPrefix + strconv.FormatInt(*hi, 10)
	case lo != nil:
		return filterMinPrefix + strconv.FormatInt(*lo, 10)
	case hi != nil:
		return filterMaxPrefix + strconv.FormatInt(*hi, 10)
	}
	return ""
}
