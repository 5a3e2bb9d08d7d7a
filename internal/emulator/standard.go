package emulator

import (
	"crypto/md5"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// wireTime is how the service writes times: UTC with 100 ns precision.
const wireTime = "2006-01-02T15:04:05.0000000Z07:00"

func formatTime(t time.Time) string { return t.UTC().Format(wireTime) }

// Wire structs of the standard data store API.
type (
	datastoreJSON struct {
		Name        string `json:"name"`
		CreatedTime string `json:"createdTime"`
	}
	listDatastoresResponse struct {
		Datastores     []datastoreJSON `json:"datastores"`
		NextPageCursor string          `json:"nextPageCursor"`
	}
	entryKeyJSON struct {
		Scope string `json:"scope"`
		Key   string `json:"key"`
	}
	listEntryKeysResponse struct {
		Keys           []entryKeyJSON `json:"keys"`
		NextPageCursor string         `json:"nextPageCursor"`
	}
	// entryVersionJSON is both a ListEntryVersions item and the SetEntry
	// response.
	entryVersionJSON struct {
		Version           string `json:"version"`
		Deleted           bool   `json:"deleted"`
		ContentLength     int    `json:"contentLength"`
		CreatedTime       string `json:"createdTime"`
		ObjectCreatedTime string `json:"objectCreatedTime"`
	}
	listEntryVersionsResponse struct {
		Versions       []entryVersionJSON `json:"versions"`
		NextPageCursor string             `json:"nextPageCursor"`
	}
)

func versionJSON(v *version) entryVersionJSON {
	return entryVersionJSON{
		Version:           v.id,
		Deleted:           v.deleted,
		ContentLength:     len(v.value),
		CreatedTime:       formatTime(v.created),
		ObjectCreatedTime: formatTime(v.objectCreated),
	}
}

// Header names of entry metadata.
const (
	headerContentMD5         = "content-md5"
	headerVersion            = "roblox-entry-version"
	headerCreatedTime        = "roblox-entry-created-time"
	headerVersionCreatedTime = "roblox-entry-version-created-time"
	headerAttributes         = "roblox-entry-attributes"
	headerUserIDs            = "roblox-entry-userids"
)

func contentMD5(b []byte) string {
	sum := md5.Sum(b)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// setMetadataHeaders writes a version's metadata, leaving out attributes and
// user ids when there are none.
func setMetadataHeaders(h http.Header, v *version) {
	h.Set(headerVersion, v.id)
	h.Set(headerCreatedTime, formatTime(v.objectCreated))
	h.Set(headerVersionCreatedTime, formatTime(v.created))
	if len(v.attributes) > 0 {
		h.Set(headerAttributes, string(v.attributes))
	}
	if len(v.userIDs) > 0 {
		ids, _ := json.Marshal(v.userIDs)
		h.Set(headerUserIDs, string(ids))
	}
}

// entryReply answers with a version's value and metadata, as GetEntry does.
func entryReply(v *version) *reply {
	rep := newReply(http.StatusOK)
	rep.header.Set("Content-Type", "application/json")
	rep.header.Set(headerContentMD5, contentMD5(v.value))
	setMetadataHeaders(rep.header, v)
	rep.body = v.value
	return rep
}

func (c *call) badRequest(code, message string) *reply {
	return c.fail(http.StatusBadRequest, code, message)
}

// limit reads the limit parameter: def when absent, lowered to ceiling.
func (c *call) limit(def, ceiling int) (int, *reply) {
	s := c.param("limit")
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, c.badRequest(codeInvalidArgument, fmt.Sprintf("limit %s is not a positive integer", quoteShort(s)))
	}
	return min(n, ceiling), nil
}

func (c *call) boolParam(name string) (bool, *reply) {
	s := c.param(name)
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, c.badRequest(codeInvalidArgument, fmt.Sprintf("%s %s is not true or false", name, quoteShort(s)))
	}
	return b, nil
}

// storeParam reads and checks datastoreName.
func (c *call) storeParam() (string, *reply) {
	store := c.param("datastoreName")
	if msg := checkName("datastoreName", store); msg != "" {
		return "", c.badRequest(codeInvalidDataStoreName, msg)
	}
	return store, nil
}

// scopeParam reads and checks scope; absent or empty means "global".
func (c *call) scopeParam() (string, *reply) {
	scope := c.param("scope")
	if scope == "" {
		return "global", nil
	}
	if msg := checkName("scope", scope); msg != "" {
		return "", c.badRequest(codeInvalidDataStoreScope, msg)
	}
	return scope, nil
}

// entryAddress reads and checks datastoreName, scope and entryKey.
func (c *call) entryAddress() (store, scope, key string, rep *reply) {
	if store, rep = c.storeParam(); rep != nil {
		return
	}
	if scope, rep = c.scopeParam(); rep != nil {
		return
	}
	key = c.param("entryKey")
	if msg := checkName("entryKey", key); msg != "" {
		return "", "", "", c.badRequest(codeInvalidEntryKey, msg)
	}
	return store, scope, key, nil
}

func describeEntry(u int64, store, scope, key string) string {
	return fmt.Sprintf("entry %s in scope %s of data store %s (universe %d)", quoteShort(key), quoteShort(scope), quoteShort(store), u)
}

func (c *call) entryNotFound(store, scope, key string, deleted bool) *reply {
	msg := describeEntry(c.universe, store, scope, key) + " does not exist"
	if deleted {
		msg = describeEntry(c.universe, store, scope, key) + " has been deleted"
	}
	return c.fail(http.StatusNotFound, codeEntryNotFound, msg)
}

func (c *call) writeFailed(err error) *reply {
	return c.fail(http.StatusInternalServerError, "", "the emulator could not store the write: "+err.Error())
}

func (c *call) cursorParam(kind, query string) (cursor, bool, *reply) {
	s := c.param("cursor")
	if s == "" {
		return cursor{}, false, nil
	}
	cur, err := decodeCursor(s, kind, query)
	if err != nil {
		return cursor{}, false, c.badRequest(codeInvalidCursor, "invalid cursor: "+err.Error())
	}
	return cur, true, nil
}

func (c *call) listDatastores() *reply {
	prefix := c.param("prefix")
	limit, rep := c.limit(1, 100)
	if rep != nil {
		return rep
	}
	query := queryDigest(strconv.FormatInt(c.universe, 10), prefix)
	after, hasAfter, rep := c.cursorParam(cursorDatastores, query)
	if rep != nil {
		return rep
	}
	type item struct {
		name    string
		created time.Time
	}
	var items []item
	c.e.mu.Lock()
	if us := c.e.universe(c.universe, false); us != nil {
		for name, ds := range us.stores {
			if strings.HasPrefix(name, prefix) && c.key.allowsStore(name) && (!hasAfter || name > after.Name) {
				items = append(items, item{name, ds.created})
			}
		}
	}
	c.e.mu.Unlock()
	slices.SortFunc(items, func(a, b item) int { return strings.Compare(a.name, b.name) })
	resp := listDatastoresResponse{Datastores: []datastoreJSON{}}
	for _, it := range items[:min(limit, len(items))] {
		resp.Datastores = append(resp.Datastores, datastoreJSON{Name: it.name, CreatedTime: formatTime(it.created)})
	}
	if len(items) > limit {
		resp.NextPageCursor = encodeCursor(cursor{Kind: cursorDatastores, Query: query, Name: items[limit-1].name})
	}
	return jsonReply(http.StatusOK, resp)
}

func (c *call) listEntryKeys() *reply {
	store, rep := c.storeParam()
	if rep != nil {
		return rep
	}
	allScopes, rep := c.boolParam("allScopes")
	if rep != nil {
		return rep
	}
	scope := ""
	if allScopes {
		if c.param("scope") != "" {
			return c.badRequest(codeInvalidDataStoreScope, "scope and allScopes=true cannot be used together; leave out scope to list every scope")
		}
	} else if scope, rep = c.scopeParam(); rep != nil {
		return rep
	}
	prefix := c.param("prefix")
	limit, rep := c.limit(16, 1000)
	if rep != nil {
		return rep
	}
	query := queryDigest(strconv.FormatInt(c.universe, 10), store, strconv.FormatBool(allScopes), scope, prefix)
	after, hasAfter, rep := c.cursorParam(cursorKeys, query)
	if rep != nil {
		return rep
	}
	last := entryID{after.Scope, after.Key}
	var ids []entryID
	c.e.mu.Lock()
	if ds := c.e.lookupStore(c.universe, store); ds != nil {
		// Deleted entries stay listed, as on the service until it purges
		// their tombstones.
		for id := range ds.entries {
			if (allScopes || id.scope == scope) && strings.HasPrefix(id.key, prefix) && (!hasAfter || compareEntryIDs(id, last) > 0) {
				ids = append(ids, id)
			}
		}
	}
	c.e.mu.Unlock()
	slices.SortFunc(ids, compareEntryIDs)
	resp := listEntryKeysResponse{Keys: []entryKeyJSON{}}
	for _, id := range ids[:min(limit, len(ids))] {
		resp.Keys = append(resp.Keys, entryKeyJSON{Scope: id.scope, Key: id.key})
	}
	if len(ids) > limit {
		id := ids[limit-1]
		resp.NextPageCursor = encodeCursor(cursor{Kind: cursorKeys, Query: query, Scope: id.scope, Key: id.key})
	}
	return jsonReply(http.StatusOK, resp)
}

func (c *call) getEntry() *reply {
	store, scope, key, rep := c.entryAddress()
	if rep != nil {
		return rep
	}
	c.e.mu.Lock()
	en := c.e.lookupEntry(c.universe, store, scope, key)
	v, cur := en.live(), en.current()
	c.e.mu.Unlock()
	// Versions are never modified once written, so they can be read
	// outside the lock.
	if v == nil {
		return c.entryNotFound(store, scope, key, cur != nil)
	}
	return entryReply(v)
}

// readBody reads at most limit bytes of the request body; tooBig reports a
// longer body.
func (c *call) readBody(limit int64) (body []byte, tooBig bool, err error) {
	if c.r.ContentLength > limit {
		return nil, true, nil
	}
	body, err = io.ReadAll(io.LimitReader(c.r.Body, limit+1))
	if err != nil {
		return nil, false, err
	}
	if int64(len(body)) > limit {
		return nil, true, nil
	}
	return body, false, nil
}

// metadataHeaders reads the attributes and user ids of a write. Either one
// left out clears it on the new version.
func (c *call) metadataHeaders() ([]byte, []int64, *reply) {
	attrs, msg := parseAttributes(c.r.Header.Get(headerAttributes))
	if msg != "" {
		return nil, nil, c.badRequest(codeInvalidAttributes, msg)
	}
	ids, msg := parseUserIDs(c.r.Header.Get(headerUserIDs))
	if msg != "" {
		return nil, nil, c.badRequest(codeInvalidUserIDs, msg)
	}
	return attrs, ids, nil
}

func checksumMatches(header string, body []byte) bool {
	want, err := base64.StdEncoding.DecodeString(strings.TrimSpace(header))
	if err != nil {
		return false
	}
	sum := md5.Sum(body)
	return subtle.ConstantTimeCompare(want, sum[:]) == 1
}

func (c *call) preconditionFailed(cur *version, message string) *reply {
	rep := c.fail(http.StatusPreconditionFailed, "", message)
	if cur != nil {
		setMetadataHeaders(rep.header, cur)
	}
	return rep
}

func (c *call) setEntry() *reply {
	store, scope, key, rep := c.entryAddress()
	if rep != nil {
		return rep
	}
	exclusiveCreate, rep := c.boolParam("exclusiveCreate")
	if rep != nil {
		return rep
	}
	matchVersion := c.param("matchVersion")
	if exclusiveCreate && matchVersion != "" {
		return c.badRequest(codeBothConditions, "exclusiveCreate and matchVersion cannot be set together")
	}
	body, tooBig, err := c.readBody(maxValueBytes)
	switch {
	case err != nil:
		return c.badRequest(codeInvalidArgument, "could not read the request body: "+err.Error())
	case tooBig:
		return c.badRequest(codeContentTooBig, fmt.Sprintf("value is larger than the limit of %d bytes", maxValueBytes))
	}
	if h := c.r.Header.Values(headerContentMD5); len(h) > 0 && !checksumMatches(h[0], body) {
		return c.badRequest(codeChecksumMismatch, "content-md5 does not match the body; it must be the base64 of the body's MD5 digest ("+contentMD5(body)+" for the body received)")
	}
	if code, msg := checkValue(body); code != "" {
		return c.badRequest(code, msg)
	}
	attrs, userIDs, rep := c.metadataHeaders()
	if rep != nil {
		return rep
	}

	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	en := c.e.lookupEntry(c.universe, store, scope, key)
	live := en.live()
	perm := PermCreateEntry
	if !exclusiveCreate && (matchVersion != "" || live != nil) {
		perm = PermUpdateEntry
	}
	if rep := c.require(perm); rep != nil {
		return rep
	}
	what := describeEntry(c.universe, store, scope, key)
	switch {
	case exclusiveCreate && live != nil:
		return c.preconditionFailed(live, what+" already exists (version "+live.id+") and exclusiveCreate is set")
	case matchVersion != "" && live == nil:
		return c.preconditionFailed(nil, what+" does not exist, so it cannot match version "+quoteShort(matchVersion))
	case matchVersion != "" && live.id != matchVersion:
		return c.preconditionFailed(live, what+" is at version "+live.id+", not the matchVersion "+quoteShort(matchVersion))
	}
	v, err := c.e.writeVersion(c.universe, store, scope, key, newVersion{value: body, attributes: attrs, userIDs: userIDs})
	if err != nil {
		return c.writeFailed(err)
	}
	return jsonReply(http.StatusOK, versionJSON(v))
}

// storedInteger reads an entry value as an integer for IncrementEntry. A
// number with a fraction or exponent is accepted when its value is a whole
// number within int64.
func storedInteger(value []byte) (int64, bool) {
	if n, err := parseJSONInt(value); err == nil {
		return n, true
	}
	var num json.Number
	if err := json.Unmarshal(value, &num); err != nil {
		return 0, false
	}
	f, err := num.Float64()
	if err != nil || f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
		return 0, false
	}
	return int64(f), true
}

func (c *call) incrementEntry() *reply {
	store, scope, key, rep := c.entryAddress()
	if rep != nil {
		return rep
	}
	by := int64(1)
	if s := c.param("incrementBy"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return c.badRequest(codeInvalidArgument, fmt.Sprintf("incrementBy %s is not an integer within int64", quoteShort(s)))
		}
		by = n
	}
	attrs, userIDs, rep := c.metadataHeaders()
	if rep != nil {
		return rep
	}

	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	live := c.e.lookupEntry(c.universe, store, scope, key).live()
	next := by
	if live == nil {
		if rep := c.require(PermCreateEntry); rep != nil {
			return rep
		}
	} else {
		if rep := c.require(PermUpdateEntry); rep != nil {
			return rep
		}
		n, ok := storedInteger(live.value)
		if !ok {
			return c.badRequest(codeExistingValueNotNum, describeEntry(c.universe, store, scope, key)+" does not hold an integer, so it cannot be incremented")
		}
		next = n + by
		if (by > 0 && next < n) || (by < 0 && next > n) {
			return c.badRequest(codeInvalidArgument, fmt.Sprintf("incrementing %d by %d overflows int64", n, by))
		}
	}
	v, err := c.e.writeVersion(c.universe, store, scope, key, newVersion{
		value: []byte(strconv.FormatInt(next, 10)), attributes: attrs, userIDs: userIDs,
	})
	if err != nil {
		return c.writeFailed(err)
	}
	return entryReply(v)
}

func (c *call) deleteEntry() *reply {
	store, scope, key, rep := c.entryAddress()
	if rep != nil {
		return rep
	}
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	en := c.e.lookupEntry(c.universe, store, scope, key)
	if en.live() == nil {
		return c.entryNotFound(store, scope, key, en.current() != nil)
	}
	if _, err := c.e.writeVersion(c.universe, store, scope, key, newVersion{deleted: true}); err != nil {
		return c.writeFailed(err)
	}
	return newReply(http.StatusNoContent)
}

func (c *call) timeParam(name string) (time.Time, bool, *reply) {
	s := c.param(name)
	if s == "" {
		return time.Time{}, false, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false, c.badRequest(codeInvalidArgument, fmt.Sprintf("%s %s is not an RFC 3339 time such as 2024-01-02T15:04:05Z", name, quoteShort(s)))
	}
	return t, true, nil
}

func (c *call) listEntryVersions() *reply {
	store, scope, key, rep := c.entryAddress()
	if rep != nil {
		return rep
	}
	start, hasStart, rep := c.timeParam("startTime")
	if rep != nil {
		return rep
	}
	end, hasEnd, rep := c.timeParam("endTime")
	if rep != nil {
		return rep
	}
	descending := false
	switch order := c.param("sortOrder"); order {
	case "", "Ascending":
	case "Descending":
		descending = true
	default:
		return c.badRequest(codeInvalidSortOrder, fmt.Sprintf("sortOrder %s is neither Ascending nor Descending", quoteShort(order)))
	}
	limit, rep := c.limit(16, 100)
	if rep != nil {
		return rep
	}
	query := queryDigest(strconv.FormatInt(c.universe, 10), store, scope, key,
		c.param("startTime"), c.param("endTime"), strconv.FormatBool(descending))
	after, hasAfter, rep := c.cursorParam(cursorVersions, query)
	if rep != nil {
		return rep
	}
	c.e.mu.Lock()
	en := c.e.lookupEntry(c.universe, store, scope, key)
	var versions []*version
	if en != nil {
		versions = slices.Clone(en.versions)
	}
	c.e.mu.Unlock()
	if en == nil {
		return c.entryNotFound(store, scope, key, false)
	}
	if descending {
		slices.Reverse(versions)
	}
	var page []*version
	more := false
	for _, v := range versions {
		switch {
		case hasStart && v.created.Before(start), hasEnd && v.created.After(end):
			continue
		case hasAfter && !descending && v.seq <= after.Seq, hasAfter && descending && v.seq >= after.Seq:
			continue
		}
		if len(page) == limit {
			more = true
			break
		}
		page = append(page, v)
	}
	resp := listEntryVersionsResponse{Versions: []entryVersionJSON{}}
	for _, v := range page {
		resp.Versions = append(resp.Versions, versionJSON(v))
	}
	if more {
		resp.NextPageCursor = encodeCursor(cursor{Kind: cursorVersions, Query: query, Seq: page[len(page)-1].seq})
	}
	return jsonReply(http.StatusOK, resp)
}

func (c *call) getEntryVersion() *reply {
	store, scope, key, rep := c.entryAddress()
	if rep != nil {
		return rep
	}
	id := c.param("versionId")
	if id == "" {
		return c.badRequest(codeInvalidVersionID, "versionId is empty; take one from ListEntryVersions or the roblox-entry-version header")
	}
	c.e.mu.Lock()
	en := c.e.lookupEntry(c.universe, store, scope, key)
	var v *version
	if en != nil {
		v = en.version(id)
	}
	c.e.mu.Unlock()
	switch {
	case en == nil:
		return c.entryNotFound(store, scope, key, false)
	case v == nil:
		return c.fail(http.StatusNotFound, codeVersionNotFound, fmt.Sprintf("%s has no version %s", describeEntry(c.universe, store, scope, key), quoteShort(id)))
	case v.deleted:
		return c.fail(http.StatusNotFound, codeEntryNotFound, fmt.Sprintf("version %s of %s is a deletion", quoteShort(id), describeEntry(c.universe, store, scope, key)))
	}
	return entryReply(v)
}
