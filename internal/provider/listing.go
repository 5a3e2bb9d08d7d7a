package provider

import (
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

const (
	// maxPageSize is the largest page the list operations return.
	maxPageSize = 100
	// maxConcurrentReads bounds the GetEntry requests in flight for include_values. The client's
	// rate limiter still paces them; this only keeps a large listing from opening hundreds of
	// connections at once.
	maxConcurrentReads = 8
)

// errRepeatedCursor ends a listing whose service answered the same cursor twice, which would
// otherwise loop for ever.
var errRepeatedCursor = errors.New("the service returned the same page cursor twice; try again later")

// readPages follows a listing page by page until it ends or until limit items are collected (all of
// them when limit is null). fetch gets the page size to ask for and the cursor of the page, and
// returns the page's items and the next cursor ("" on the last page). It returns the items and the
// number of pages read.
func readPages[T any](limit types.Int64, fetch func(size int, cursor string) ([]T, string, error)) ([]T, int, error) {
	out := make([]T, 0)
	remaining := -1 // no limit
	if !limit.IsNull() {
		remaining = int(limit.ValueInt64())
	}
	cursor, pages := "", 0
	for remaining != 0 {
		size := maxPageSize
		if remaining > 0 {
			size = min(remaining, maxPageSize)
		}
		items, next, err := fetch(size, cursor)
		if err != nil {
			return nil, pages, err
		}
		pages++
		if remaining > 0 {
			items = items[:min(len(items), remaining)]
			remaining -= len(items)
		}
		out = append(out, items...)
		if next == "" {
			break
		}
		if next == cursor {
			return nil, pages, errRepeatedCursor
		}
		cursor = next
	}
	return out, pages, nil
}
