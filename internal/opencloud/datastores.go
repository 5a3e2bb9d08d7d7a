package opencloud

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultScope is the scope the service uses when none is given.
const DefaultScope = "global"

// EntryRef names one entry of a standard data store.
type EntryRef struct {
	UniverseID int64
	Datastore  string
	// Scope is DefaultScope when empty.
	Scope string
	Key   string
}

func (r EntryRef) scope() string {
	if r.Scope == "" {
		return DefaultScope
	}
	return r.Scope
}

func (r EntryRef) query() url.Values {
	return url.Values{"datastoreName": {r.Datastore}, "entryKey": {r.Key}, "scope": {r.scope()}}
}

// EntryMetadata is what the service says of an entry's current (or requested) version.
type EntryMetadata struct {
	Version            string
	CreatedTime        time.Time
	VersionCreatedTime time.Time
	// Attributes is the JSON object text of the entry's attributes; nil when it has none.
	Attributes json.RawMessage
	// UserIDs are the user ids tagged on the entry; nil when it has none.
	UserIDs []int64
}

// Entry is an entry's value with its metadata.
type Entry struct {
	// Value is the stored JSON text, byte for byte.
	Value json.RawMessage
	EntryMetadata
}

// Datastore is one standard data store of a universe.
type Datastore struct {
	Name        string    `json:"name"`
	CreatedTime time.Time `json:"createdTime"`
}

// ListDatastoresInput selects data stores to list.
type ListDatastoresInput struct {
	UniverseID int64
	Prefix     string
	// Limit is the page size the service is asked for; it may return fewer.
	Limit  int
	Cursor string
}

// ListDatastoresOutput is one page of data stores.
type ListDatastoresOutput struct {
	Datastores     []Datastore `json:"datastores"`
	NextPageCursor string      `json:"nextPageCursor"`
}

// ListDatastores lists one page of a universe's standard data stores.
func (c *Client) ListDatastores(ctx context.Context, in ListDatastoresInput) (*ListDatastoresOutput, error) {
	q := url.Values{}
	setIf(q, "prefix", in.Prefix)
	setIf(q, "cursor", in.Cursor)
	if in.Limit > 0 {
		q.Set("limit", strconv.Itoa(in.Limit))
	}
	var out ListDatastoresOutput
	err := c.getJSON(ctx, request{
		op: "ListDatastores", method: http.MethodGet, universe: in.UniverseID, category: StandardRead,
		path: standardPath(in.UniverseID, "/standard-datastores"), query: q,
	}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// EntryKey is one key of a listing: the scope it lives in and the key.
type EntryKey struct {
	Scope string `json:"scope"`
	Key   string `json:"key"`
}

// ListEntryKeysInput selects keys of one data store.
type ListEntryKeysInput struct {
	UniverseID int64
	Datastore  string
	// Scope limits the listing to one scope; DefaultScope when empty and AllScopes is false.
	Scope string
	// AllScopes lists the keys of every scope. It cannot be combined with Scope.
	AllScopes bool
	Prefix    string
	Limit     int
	Cursor    string
}

// ListEntryKeysOutput is one page of keys. Deleted entries may still be listed.
type ListEntryKeysOutput struct {
	Keys           []EntryKey `json:"keys"`
	NextPageCursor string     `json:"nextPageCursor"`
}

// ListEntryKeys lists one page of a data store's entry keys.
func (c *Client) ListEntryKeys(ctx context.Context, in ListEntryKeysInput) (*ListEntryKeysOutput, error) {
	q := url.Values{"datastoreName": {in.Datastore}}
	if in.AllScopes {
		q.Set("allScopes", "true")
	}
	setIf(q, "scope", in.Scope)
	setIf(q, "prefix", in.Prefix)
	setIf(q, "cursor", in.Cursor)
	if in.Limit > 0 {
		q.Set("limit", strconv.Itoa(in.Limit))
	}
	var out ListEntryKeysOutput
	err := c.getJSON(ctx, request{
		op: "ListEntryKeys", method: http.MethodGet, universe: in.UniverseID, category: StandardRead,
		path: standardPath(in.UniverseID, "/standard-datastores/datastore/entries"), query: q,
	}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetEntry reads an entry's current value and metadata. A missing or deleted entry is ErrNotFound.
func (c *Client) GetEntry(ctx context.Context, ref EntryRef) (*Entry, error) {
	return c.getEntry(ctx, "GetEntry", ref, "/standard-datastores/datastore/entries/entry", ref.query())
}

// GetEntryVersion reads an entry as it was at one version.
func (c *Client) GetEntryVersion(ctx context.Context, ref EntryRef, versionID string) (*Entry, error) {
	q := ref.query()
	q.Set("versionId", versionID)
	return c.getEntry(ctx, "GetEntryVersion", ref, "/standard-datastores/datastore/entries/entry/versions/version", q)
}

func (c *Client) getEntry(ctx context.Context, op string, ref EntryRef, path string, q url.Values) (*Entry, error) {
	resp, err := c.do(ctx, request{
		op: op, method: http.MethodGet, universe: ref.UniverseID, category: StandardRead,
		path: standardPath(ref.UniverseID, path), query: q,
	})
	if err != nil {
		return nil, err
	}
	if resp.status == http.StatusNoContent {
		// The spec documents 204 for a deleted key.
		return nil, &Error{Operation: op, StatusCode: http.StatusNotFound, Code: "NOT_FOUND", Message: "the entry is deleted"}
	}
	if err := verifyMD5(op, resp.header, resp.body); err != nil {
		return nil, err
	}
	md, err := parseMetadata(resp.header)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return &Entry{Value: resp.body, EntryMetadata: *md}, nil
}

// SetEntryInput is a write of one entry.
type SetEntryInput struct {
	EntryRef
	// Value is the JSON text to store.
	Value []byte
	// Attributes is JSON object text; nil sends {} (the service clears what a write omits).
	Attributes json.RawMessage
	// UserIDs are sent on every write; nil clears them.
	UserIDs []int64
	// MatchVersion makes the write fail with 412 unless the entry is at this version.
	MatchVersion string
	// ExclusiveCreate makes the write fail with 412 if the entry exists.
	ExclusiveCreate bool
}

// EntryVersion describes one version of an entry.
type EntryVersion struct {
	Version           string    `json:"version"`
	Deleted           bool      `json:"deleted"`
	ContentLength     int64     `json:"contentLength"`
	CreatedTime       time.Time `json:"createdTime"`
	ObjectCreatedTime time.Time `json:"objectCreatedTime"`
}

// SetEntry writes an entry and returns the version it created. A failed MatchVersion or
// ExclusiveCreate is an *Error with status 412 whose Current holds the entry's current metadata.
func (c *Client) SetEntry(ctx context.Context, in SetEntryInput) (*EntryVersion, error) {
	q := in.query()
	if in.MatchVersion != "" {
		q.Set("matchVersion", in.MatchVersion)
	}
	if in.ExclusiveCreate {
		q.Set("exclusiveCreate", "true")
	}
	h := metadataHeader(in.Attributes, in.UserIDs)
	h.Set("content-md5", contentMD5(in.Value))
	body := in.Value
	if body == nil {
		body = []byte{}
	}
	resp, err := c.do(ctx, request{
		op: "SetEntry", method: http.MethodPost, universe: in.UniverseID, category: StandardWrite,
		path: standardPath(in.UniverseID, "/standard-datastores/datastore/entries/entry"), query: q, header: h, body: body,
		// Safe to repeat: an unconditional write stores the same value again, and a conditional one
		// that already landed is answered 412, which the caller resolves by reading back.
		repeat: repeatSafe,
	})
	if err != nil {
		return nil, err
	}
	var out EntryVersion
	if err := json.Unmarshal(resp.body, &out); err != nil {
		return nil, fmt.Errorf("SetEntry: decoding the answer: %w", err)
	}
	return &out, nil
}

// IncrementEntryInput adds to an integer entry.
type IncrementEntryInput struct {
	EntryRef
	// IncrementBy is added to the value, or is the starting value when the entry is missing.
	IncrementBy int64
	Attributes  json.RawMessage
	UserIDs     []int64
}

// IncrementEntry adds to an entry's integer value and returns the entry after the increment. It is
// never sent twice once it may have reached the service.
func (c *Client) IncrementEntry(ctx context.Context, in IncrementEntryInput) (*Entry, error) {
	q := in.query()
	q.Set("incrementBy", strconv.FormatInt(in.IncrementBy, 10))
	resp, err := c.do(ctx, request{
		op: "IncrementEntry", method: http.MethodPost, universe: in.UniverseID, category: StandardWrite,
		path:   standardPath(in.UniverseID, "/standard-datastores/datastore/entries/entry/increment"),
		query:  q,
		header: metadataHeader(in.Attributes, in.UserIDs),
		repeat: repeatNever,
	})
	if err != nil {
		return nil, err
	}
	if err := verifyMD5("IncrementEntry", resp.header, resp.body); err != nil {
		return nil, err
	}
	md, err := parseMetadata(resp.header)
	if err != nil {
		return nil, fmt.Errorf("IncrementEntry: %w", err)
	}
	return &Entry{Value: resp.body, EntryMetadata: *md}, nil
}

// DeleteEntry marks an entry deleted (a tombstone version).
func (c *Client) DeleteEntry(ctx context.Context, ref EntryRef) error {
	_, err := c.do(ctx, request{
		op: "DeleteEntry", method: http.MethodDelete, universe: ref.UniverseID, category: StandardWrite,
		path: standardPath(ref.UniverseID, "/standard-datastores/datastore/entries/entry"), query: ref.query(),
	})
	return err
}

// ListEntryVersionsInput selects versions of one entry.
type ListEntryVersionsInput struct {
	EntryRef
	StartTime, EndTime time.Time
	// Descending lists the newest versions first.
	Descending bool
	Limit      int
	Cursor     string
}

// ListEntryVersionsOutput is one page of versions.
type ListEntryVersionsOutput struct {
	Versions       []EntryVersion `json:"versions"`
	NextPageCursor string         `json:"nextPageCursor"`
}

// ListEntryVersions lists one page of an entry's versions, deletions included.
func (c *Client) ListEntryVersions(ctx context.Context, in ListEntryVersionsInput) (*ListEntryVersionsOutput, error) {
	q := in.query()
	if !in.StartTime.IsZero() {
		q.Set("startTime", in.StartTime.UTC().Format(time.RFC3339Nano))
	}
	if !in.EndTime.IsZero() {
		q.Set("endTime", in.EndTime.UTC().Format(time.RFC3339Nano))
	}
	if in.Descending {
		q.Set("sortOrder", "Descending")
	} else {
		q.Set("sortOrder", "Ascending")
	}
	setIf(q, "cursor", in.Cursor)
	if in.Limit > 0 {
		q.Set("limit", strconv.Itoa(in.Limit))
	}
	var out ListEntryVersionsOutput
	err := c.getJSON(ctx, request{
		op: "ListEntryVersions", method: http.MethodGet, universe: in.UniverseID, category: StandardRead,
		path: standardPath(in.UniverseID, "/standard-datastores/datastore/entries/entry/versions"), query: q,
	}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func standardPath(universe int64, rest string) string {
	return "/datastores/v1/universes/" + strconv.FormatInt(universe, 10) + rest
}

func setIf(q url.Values, k, v string) {
	if v != "" {
		q.Set(k, v)
	}
}

func (c *Client) getJSON(ctx context.Context, req request, out any) error {
	resp, err := c.do(ctx, req)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(resp.body, out); err != nil {
		return fmt.Errorf("%s: decoding the answer: %w", req.op, err)
	}
	return nil
}

// metadataHeader builds the attribute and user id headers, always both: the service clears what a
// write omits.
func metadataHeader(attributes json.RawMessage, userIDs []int64) http.Header {
	h := http.Header{}
	attrs := strings.TrimSpace(string(attributes))
	if attrs == "" || attrs == "null" {
		attrs = "{}"
	}
	h.Set("roblox-entry-attributes", attrs)
	ids := make([]string, len(userIDs))
	for i, id := range userIDs {
		ids[i] = strconv.FormatInt(id, 10)
	}
	h.Set("roblox-entry-userids", "["+strings.Join(ids, ",")+"]")
	return h
}

// parseMetadata reads the roblox-entry-* headers of a Get, Increment or 412 answer.
func parseMetadata(h http.Header) (*EntryMetadata, error) {
	md := &EntryMetadata{
		Version:            h.Get("roblox-entry-version"),
		CreatedTime:        timeHeader(h, "roblox-entry-created-time"),
		VersionCreatedTime: timeHeader(h, "roblox-entry-version-created-time"),
	}
	if v := strings.TrimSpace(h.Get("roblox-entry-attributes")); v != "" {
		if !json.Valid([]byte(v)) {
			return nil, fmt.Errorf("roblox-entry-attributes header is not JSON")
		}
		md.Attributes = json.RawMessage(v)
	}
	if v := strings.TrimSpace(h.Get("roblox-entry-userids")); v != "" {
		ids, err := parseUserIDs(v)
		if err != nil {
			return nil, err
		}
		md.UserIDs = ids
	}
	return md, nil
}

// parseUserIDs reads a JSON array such as [1,2]; the spec also describes a comma-separated list.
func parseUserIDs(v string) ([]int64, error) {
	var ids []int64
	if strings.HasPrefix(v, "[") {
		if err := json.Unmarshal([]byte(v), &ids); err != nil {
			return nil, fmt.Errorf("roblox-entry-userids header %q is not a list of user ids", v)
		}
		return ids, nil
	}
	for _, part := range strings.Split(v, ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("roblox-entry-userids header %q is not a list of user ids", v)
		}
		ids = append(ids, id)
	}
	return ids, nil
}
