package emulator

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
)

// Wire structs of the ordered data store API.
type (
	orderedEntryJSON struct {
		Path  string `json:"path"`
		ID    string `json:"id"`
		Value int64  `json:"value"`
	}
	listOrderedEntriesResponse struct {
		Entries       []orderedEntryJSON `json:"entries"`
		NextPageToken string             `json:"nextPageToken,omitempty"`
	}
)

const (
	orderedDefaultPageSize = 10
	orderedMaxPageSize     = 100
)

func (c *call) orderedEntryJSON(id string, value int64) orderedEntryJSON {
	return orderedEntryJSON{
		Path: fmt.Sprintf("universes/%d/orderedDataStores/%s/scopes/%s/entries/%s",
			c.universe, c.rt.store, c.rt.scope, id),
		ID:    id,
		Value: value,
	}
}

// orderedAddress checks the data store and scope of the path, and the entry
// id when one is given.
func (c *call) orderedAddress(entry string, withEntry bool) *reply {
	if msg := checkName("ordered data store name", c.rt.store); msg != "" {
		return c.badRequest("", msg)
	}
	if msg := checkName("scope", c.rt.scope); msg != "" {
		return c.badRequest("", msg)
	}
	if withEntry {
		if msg := checkName("entry id", entry); msg != "" {
			return c.badRequest("", msg)
		}
	}
	return nil
}

// orderedBody reads a JSON object body and the int64 in its field.
func (c *call) orderedBody(field string) (int64, *reply) {
	body, tooBig, err := c.readBody(maxOrderedBodyBytes)
	switch {
	case err != nil:
		return 0, c.badRequest("", "could not read the request body: "+err.Error())
	case tooBig:
		return 0, c.badRequest("", fmt.Sprintf("request body is larger than %d bytes", maxOrderedBodyBytes))
	}
	var m map[string]json.RawMessage
	if !json.Valid(body) || json.Unmarshal(body, &m) != nil || m == nil {
		return 0, c.badRequest("", fmt.Sprintf("request body must be a JSON object such as {%q: 5}", field))
	}
	raw, ok := m[field]
	if !ok {
		return 0, c.badRequest("", fmt.Sprintf("request body has no %q field", field))
	}
	n, err := parseJSONInt(raw)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, c.badRequest("", fmt.Sprintf("%s %s is outside the int64 range", field, quoteShort(string(raw))))
	case err != nil:
		return 0, c.badRequest("", fmt.Sprintf("%s must be an integer JSON number, got %s", field, quoteShort(string(raw))))
	}
	return n, nil
}

func (c *call) orderedNotFound(id string) *reply {
	return c.fail(http.StatusNotFound, "", fmt.Sprintf("entry %s not found in scope %s of ordered data store %s (universe %d)",
		quoteShort(id), quoteShort(c.rt.scope), quoteShort(c.rt.store), c.universe))
}

// setOrdered journals and applies a new value; the caller holds e.mu.
func (c *call) setOrdered(id string, value int64) *reply {
	rec := record{Type: recordOrderedSet, Universe: c.universe, Store: c.rt.store, Scope: c.rt.scope, Key: id, Number: value}
	if err := c.e.commit(&rec); err != nil {
		return c.writeFailed(err)
	}
	return jsonReply(http.StatusOK, c.orderedEntryJSON(id, value))
}

func (c *call) createOrderedEntry() *reply {
	if !c.hasParam("id") {
		return c.badRequest("", "the id query parameter (the new entry's id) is required")
	}
	id := c.param("id")
	if rep := c.orderedAddress(id, true); rep != nil {
		return rep
	}
	value, rep := c.orderedBody("value")
	if rep != nil {
		return rep
	}
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	if _, ok := c.e.orderedMap(c.universe, c.rt.store, c.rt.scope)[id]; ok {
		return c.badRequest("", "Entry already exists.")
	}
	return c.setOrdered(id, value)
}

func (c *call) getOrderedEntry() *reply {
	if rep := c.orderedAddress(c.rt.entry, true); rep != nil {
		return rep
	}
	c.e.mu.Lock()
	value, ok := c.e.orderedMap(c.universe, c.rt.store, c.rt.scope)[c.rt.entry]
	c.e.mu.Unlock()
	if !ok {
		return c.orderedNotFound(c.rt.entry)
	}
	return jsonReply(http.StatusOK, c.orderedEntryJSON(c.rt.entry, value))
}

func (c *call) updateOrderedEntry() *reply {
	if rep := c.orderedAddress(c.rt.entry, true); rep != nil {
		return rep
	}
	allowMissing, rep := c.boolParam("allow_missing")
	if rep != nil {
		return rep
	}
	value, rep := c.orderedBody("value")
	if rep != nil {
		return rep
	}
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	if _, ok := c.e.orderedMap(c.universe, c.rt.store, c.rt.scope)[c.rt.entry]; !ok && !allowMissing {
		return c.orderedNotFound(c.rt.entry)
	}
	return c.setOrdered(c.rt.entry, value)
}

func (c *call) incrementOrderedEntry() *reply {
	if rep := c.orderedAddress(c.rt.entry, true); rep != nil {
		return rep
	}
	amount, rep := c.orderedBody("amount")
	if rep != nil {
		return rep
	}
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	current := c.e.orderedMap(c.universe, c.rt.store, c.rt.scope)[c.rt.entry]
	next := current + amount
	if (amount > 0 && next < current) || (amount < 0 && next > current) {
		return c.badRequest("", fmt.Sprintf("incrementing %d by %d overflows int64", current, amount))
	}
	return c.setOrdered(c.rt.entry, next)
}

func (c *call) deleteOrderedEntry() *reply {
	if rep := c.orderedAddress(c.rt.entry, true); rep != nil {
		return rep
	}
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	if _, ok := c.e.orderedMap(c.universe, c.rt.store, c.rt.scope)[c.rt.entry]; ok {
		rec := record{Type: recordOrderedDelete, Universe: c.universe, Store: c.rt.store, Scope: c.rt.scope, Key: c.rt.entry}
		if err := c.e.commit(&rec); err != nil {
			return c.writeFailed(err)
		}
	}
	return jsonReply(http.StatusOK, struct{}{})
}

type orderedItem struct {
	id    string
	value int64
}

func compareOrdered(a, b orderedItem) int {
	if c := cmp.Compare(a.value, b.value); c != 0 {
		return c
	}
	return cmp.Compare(a.id, b.id)
}

func (c *call) listOrderedEntries() *reply {
	if rep := c.orderedAddress("", false); rep != nil {
		return rep
	}
	pageSize := orderedDefaultPageSize
	if s := c.param("max_page_size"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return c.badRequest("", fmt.Sprintf("max_page_size %s is not a non-negative integer", quoteShort(s)))
		}
		if n > 0 {
			pageSize = min(n, orderedMaxPageSize)
		}
	}
	orderBy := c.param("order_by")
	descending := false
	switch orderBy {
	case "":
	case "desc":
		descending = true
	default:
		return c.badRequest("", fmt.Sprintf("order_by %s is not supported; leave it empty for ascending or use desc", quoteShort(orderBy)))
	}
	filter := c.param("filter")
	lo, hi, err := parseOrderedFilter(filter)
	if err != nil {
		return c.badRequest("", fmt.Sprintf("filter %s is invalid: %v", quoteShort(filter), err))
	}
	query := queryDigest(strconv.FormatInt(c.universe, 10), c.rt.store, c.rt.scope,
		strconv.FormatBool(descending), filter, strconv.Itoa(pageSize))
	var after orderedItem
	hasAfter := false
	if tok := c.param("page_token"); tok != "" {
		cur, err := decodeCursor(tok, cursorOrdered, query)
		if err != nil {
			return c.badRequest("", "invalid page_token: "+err.Error())
		}
		after, hasAfter = orderedItem{cur.Key, cur.Number}, true
	}
	c.e.mu.Lock()
	var items []orderedItem
	for id, v := range c.e.orderedMap(c.universe, c.rt.store, c.rt.scope) {
		if (lo != nil && v < *lo) || (hi != nil && v > *hi) {
			continue
		}
		it := orderedItem{id, v}
		if hasAfter {
			d := compareOrdered(it, after)
			if (!descending && d <= 0) || (descending && d >= 0) {
				continue
			}
		}
		items = append(items, it)
	}
	c.e.mu.Unlock()
	slices.SortFunc(items, compareOrdered)
	if descending {
		slices.Reverse(items)
	}
	resp := listOrderedEntriesResponse{Entries: []orderedEntryJSON{}}
	for _, it := range items[:min(pageSize, len(items))] {
		resp.Entries = append(resp.Entries, c.orderedEntryJSON(it.id, it.value))
	}
	if len(items) > pageSize {
		last := items[pageSize-1]
		resp.NextPageToken = encodeCursor(cursor{Kind: cursorOrdered, Query: query, Key: last.id, Number: last.value})
	}
	return jsonReply(http.StatusOK, resp)
}
