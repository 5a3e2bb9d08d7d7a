package opencloud

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// OrderedRef names one entry of an ordered data store.
type OrderedRef struct {
	UniverseID int64
	Datastore  string
	// Scope is DefaultScope when empty.
	Scope string
	Key   string
}

// OrderedEntry is an entry of an ordered data store.
type OrderedEntry struct {
	// Path is the service's resource path of the entry.
	Path  string `json:"path"`
	ID    string `json:"id"`
	Value int64  `json:"value"`
}

// ListOrderedEntriesInput selects a page of an ordered data store's entries.
type ListOrderedEntriesInput struct {
	UniverseID int64
	Datastore  string
	Scope      string
	// MaxPageSize is at most 100; the service defaults to 10.
	MaxPageSize int
	PageToken   string
	// Descending lists the highest values first.
	Descending bool
	// Filter is a value range in the service's grammar; see OrderedFilter.
	Filter string
}

// ListOrderedEntriesOutput is one page of ordered entries.
type ListOrderedEntriesOutput struct {
	Entries []OrderedEntry `json:"entries"`
	// NextPageToken is empty on the last page.
	NextPageToken string `json:"nextPageToken"`
}

// OrderedFilter renders value bounds in the only filter grammar the service accepts:
// "entry >= MIN", "entry <= MAX" or "entry >= MIN && entry <= MAX". Nil bounds are left out.
func OrderedFilter(minValue, maxValue *int64) string {
	switch {
	case minValue != nil && maxValue != nil:
		return fmt.Sprintf("entry >= %d && entry <= %d", *minValue, *maxValue)
	case minValue != nil:
		return fmt.Sprintf("entry >= %d", *minValue)
	case maxValue != nil:
		return fmt.Sprintf("entry <= %d", *maxValue)
	}
	return ""
}

// ListOrderedEntries lists one page of entries in value order.
func (c *Client) ListOrderedEntries(ctx context.Context, in ListOrderedEntriesInput) (*ListOrderedEntriesOutput, error) {
	q := url.Values{}
	if in.MaxPageSize > 0 {
		q.Set("max_page_size", strconv.Itoa(in.MaxPageSize))
	}
	setIf(q, "page_token", in.PageToken)
	if in.Descending {
		q.Set("order_by", "desc")
	}
	setIf(q, "filter", in.Filter)
	var out ListOrderedEntriesOutput
	err := c.getJSON(ctx, request{
		op: "ListOrderedEntries", method: http.MethodGet, universe: in.UniverseID, category: OrderedRead,
		path: orderedPath(in.UniverseID, in.Datastore, in.Scope) + "/entries", query: q,
	}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateOrderedEntry creates an entry; an existing one is an error matching ErrAlreadyExists.
func (c *Client) CreateOrderedEntry(ctx context.Context, ref OrderedRef, value int64) (*OrderedEntry, error) {
	return c.orderedCall(ctx, request{
		op: "CreateOrderedEntry", method: http.MethodPost, category: OrderedWrite,
		path:  orderedPath(ref.UniverseID, ref.Datastore, ref.Scope) + "/entries",
		query: url.Values{"id": {ref.Key}},
		// Safe to repeat: a create that already landed is answered "already exists", which the
		// caller resolves by reading back.
		repeat: repeatSafe,
	}, ref, map[string]int64{"value": value})
}

// GetOrderedEntry reads one entry; a missing one is ErrNotFound.
func (c *Client) GetOrderedEntry(ctx context.Context, ref OrderedRef) (*OrderedEntry, error) {
	return c.orderedCall(ctx, request{
		op: "GetOrderedEntry", method: http.MethodGet, category: OrderedRead, path: orderedEntryPath(ref),
	}, ref, nil)
}

// UpdateOrderedEntry sets an entry's value. Without allowMissing a missing entry is ErrNotFound.
func (c *Client) UpdateOrderedEntry(ctx context.Context, ref OrderedRef, value int64, allowMissing bool) (*OrderedEntry, error) {
	q := url.Values{}
	if allowMissing {
		q.Set("allow_missing", "true")
	}
	return c.orderedCall(ctx, request{
		op: "UpdateOrderedEntry", method: http.MethodPatch, category: OrderedWrite, path: orderedEntryPath(ref), query: q,
		repeat: repeatSafe,
	}, ref, map[string]int64{"value": value})
}

// IncrementOrderedEntry adds amount to an entry's value. It is never sent twice once it may have
// reached the service.
func (c *Client) IncrementOrderedEntry(ctx context.Context, ref OrderedRef, amount int64) (*OrderedEntry, error) {
	return c.orderedCall(ctx, request{
		op: "IncrementOrderedEntry", method: http.MethodPost, category: OrderedWrite,
		path:   orderedEntryPath(ref) + ":increment",
		repeat: repeatNever,
	}, ref, map[string]int64{"amount": amount})
}

// DeleteOrderedEntry deletes an entry at once; deleting a missing entry succeeds.
func (c *Client) DeleteOrderedEntry(ctx context.Context, ref OrderedRef) error {
	_, err := c.do(ctx, request{
		op: "DeleteOrderedEntry", method: http.MethodDelete, universe: ref.UniverseID, category: OrderedWrite,
		path: orderedEntryPath(ref),
	})
	return err
}

func (c *Client) orderedCall(ctx context.Context, req request, ref OrderedRef, body any) (*OrderedEntry, error) {
	req.universe = ref.UniverseID
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		req.body = b
	}
	var out OrderedEntry
	if err := c.getJSON(ctx, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func orderedPath(universe int64, datastore, scope string) string {
	if scope == "" {
		scope = DefaultScope
	}
	return "/ordered-data-stores/v1/universes/" + strconv.FormatInt(universe, 10) +
		"/orderedDataStores/" + escapeSegment(datastore) + "/scopes/" + escapeSegment(scope)
}

func orderedEntryPath(ref OrderedRef) string {
	return orderedPath(ref.UniverseID, ref.Datastore, ref.Scope) + "/entries/" + escapeSegment(ref.Key)
}
