package emulator

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
)

type universeState struct {
	stores  map[string]*datastore
	ordered map[orderedScope]map[string]int64
}

type orderedScope struct{ store, scope string }

type datastore struct {
	created time.Time
	entries map[entryID]*entry
}

type entryID struct{ scope, key string }

func compareEntryIDs(a, b entryID) int {
	if c := cmp.Compare(a.scope, b.scope); c != 0 {
		return c
	}
	return cmp.Compare(a.key, b.key)
}

type entry struct {
	// firstCreated is when the key was first written. It leads every version
	// id so that ids keep increasing even after the entry is deleted and
	// written again.
	firstCreated time.Time
	seq          int64
	versions     []*version
}

type version struct {
	id            string
	seq           int64
	deleted       bool
	value         []byte
	attributes    []byte
	userIDs       []int64
	created       time.Time
	objectCreated time.Time
}

// current is the latest version, deleted or not; nil when there is none.
func (en *entry) current() *version {
	if en == nil || len(en.versions) == 0 {
		return nil
	}
	return en.versions[len(en.versions)-1]
}

// live is the latest version unless it is a deletion.
func (en *entry) live() *version {
	if v := en.current(); v != nil && !v.deleted {
		return v
	}
	return nil
}

func (en *entry) version(id string) *version {
	for _, v := range en.versions {
		if v.id == id {
			return v
		}
	}
	return nil
}

// ticksAtUnixEpoch converts Unix time to the 100 ns ticks since year 1 that
// the service's version ids carry.
const ticksAtUnixEpoch = 621355968000000000

func versionID(firstCreated time.Time, seq int64, created time.Time) string {
	ticks := func(t time.Time) uint64 { return uint64(t.UnixNano()/100 + ticksAtUnixEpoch) }
	return fmt.Sprintf("%016X.%010d.%016X.01", ticks(firstCreated), seq, ticks(created))
}

func (e *Emulator) universe(u int64, create bool) *universeState {
	us := e.universes[u]
	if us == nil && create {
		us = &universeState{stores: make(map[string]*datastore), ordered: make(map[orderedScope]map[string]int64)}
		e.universes[u] = us
	}
	return us
}

func (e *Emulator) lookupStore(u int64, store string) *datastore {
	if us := e.universe(u, false); us != nil {
		return us.stores[store]
	}
	return nil
}

func (e *Emulator) lookupEntry(u int64, store, scope, key string) *entry {
	if ds := e.lookupStore(u, store); ds != nil {
		return ds.entries[entryID{scope, key}]
	}
	return nil
}

// newVersion describes a standard write before it is journaled.
type newVersion struct {
	deleted    bool
	value      []byte
	attributes []byte
	userIDs    []int64
}

// writeVersion journals and applies a new version of an entry; the caller
// holds e.mu and has done every check.
func (e *Emulator) writeVersion(u int64, store, scope, key string, nv newVersion) (*version, error) {
	now := e.clock()
	rec := record{
		Type: recordVersion, Universe: u, Store: store, Scope: scope, Key: key,
		Deleted: nv.deleted, Value: nv.value, Attributes: string(nv.attributes), UserIDs: nv.userIDs,
		Created: now, ObjectCreated: now,
	}
	ds := e.lookupStore(u, store)
	if ds == nil {
		rec.StoreCreated = &now
	}
	en := e.lookupEntry(u, store, scope, key)
	first := now
	if en == nil {
		rec.FirstCreated = &now
	} else {
		first = en.firstCreated
		rec.Seq = en.seq
		// Any write but one after a deletion continues the same object.
		if cur := en.current(); cur != nil && (!cur.deleted || nv.deleted) {
			rec.ObjectCreated = cur.objectCreated
		}
	}
	rec.Seq++
	rec.Version = versionID(first, rec.Seq, now)
	if err := e.commit(&rec); err != nil {
		return nil, err
	}
	return e.lookupEntry(u, store, scope, key).current(), nil
}

// commit makes a mutation durable, then applies it, so that a mutation is
// never visible before it is in the state file.
func (e *Emulator) commit(rec *record) error {
	if err := rec.check(); err != nil {
		return err
	}
	if e.journal != nil {
		if err := e.journal.append(rec); err != nil {
			return err
		}
	}
	return e.apply(rec)
}

// apply changes the in-memory state by one record, when it is written and
// when the state file is replayed.
func (e *Emulator) apply(rec *record) error {
	if err := rec.check(); err != nil {
		return err
	}
	switch rec.Type {
	case recordVersion:
		us := e.universe(rec.Universe, true)
		ds := us.stores[rec.Store]
		if ds == nil {
			created := rec.Created
			if rec.StoreCreated != nil {
				created = *rec.StoreCreated
			}
			ds = &datastore{created: created, entries: make(map[entryID]*entry)}
			us.stores[rec.Store] = ds
		}
		id := entryID{rec.Scope, rec.Key}
		en := ds.entries[id]
		if en == nil {
			first := rec.Created
			if rec.FirstCreated != nil {
				first = *rec.FirstCreated
			}
			en = &entry{firstCreated: first}
			ds.entries[id] = en
		}
		if rec.Seq <= en.seq {
			return fmt.Errorf("version %d of %q is not after version %d", rec.Seq, rec.Key, en.seq)
		}
		en.seq = rec.Seq
		v := &version{
			id: rec.Version, seq: rec.Seq, deleted: rec.Deleted, value: rec.Value,
			userIDs: rec.UserIDs, created: rec.Created, objectCreated: rec.ObjectCreated,
		}
		if rec.Attributes != "" {
			v.attributes = []byte(rec.Attributes)
		}
		en.versions = append(en.versions, v)
	case recordOrderedSet:
		us := e.universe(rec.Universe, true)
		id := orderedScope{rec.Store, rec.Scope}
		m := us.ordered[id]
		if m == nil {
			m = make(map[string]int64)
			us.ordered[id] = m
		}
		m[rec.Key] = rec.Number
	case recordOrderedDelete:
		if us := e.universe(rec.Universe, false); us != nil {
			id := orderedScope{rec.Store, rec.Scope}
			delete(us.ordered[id], rec.Key)
			if len(us.ordered[id]) == 0 {
				delete(us.ordered, id)
			}
		}
	}
	return nil
}

// snapshot returns records that rebuild the current state, in a stable order.
func (e *Emulator) snapshot() []record {
	var out []record
	for _, u := range slices.Sorted(maps.Keys(e.universes)) {
		us := e.universes[u]
		for _, name := range slices.Sorted(maps.Keys(us.stores)) {
			ds := us.stores[name]
			firstOfStore := true
			for _, id := range slices.SortedFunc(maps.Keys(ds.entries), compareEntryIDs) {
				en := ds.entries[id]
				for i, v := range en.versions {
					rec := record{
						Type: recordVersion, Universe: u, Store: name, Scope: id.scope, Key: id.key,
						Seq: v.seq, Version: v.id, Deleted: v.deleted, Value: v.value,
						Attributes: string(v.attributes), UserIDs: v.userIDs,
						Created: v.created, ObjectCreated: v.objectCreated,
					}
					if i == 0 {
						first := en.firstCreated
						rec.FirstCreated = &first
					}
					if firstOfStore {
						created := ds.created
						rec.StoreCreated = &created
						firstOfStore = false
					}
					out = append(out, rec)
				}
			}
		}
		scopes := slices.SortedFunc(maps.Keys(us.ordered), func(a, b orderedScope) int {
			if c := cmp.Compare(a.store, b.store); c != 0 {
				return c
			}
			return cmp.Compare(a.scope, b.scope)
		})
		for _, id := range scopes {
			m := us.ordered[id]
			for _, k := range slices.Sorted(maps.Keys(m)) {
				out = append(out, record{Type: recordOrderedSet, Universe: u, Store: id.store, Scope: id.scope, Key: k, Number: m[k]})
			}
		}
	}
	return out
}

// Entry is a standard data store entry as the emulator stores it.
type Entry struct {
	// Value is the stored JSON value, byte for byte as written.
	Value []byte
	// Version is the id of the entry's current version.
	Version string
	// Attributes is the attributes JSON object text, or nil when there are
	// none.
	Attributes []byte
	// UserIDs are the user ids tagged on the entry, or nil when there are
	// none.
	UserIDs []int64
	// CreatedTime is when the entry was created (its objectCreatedTime).
	CreatedTime time.Time
	// VersionCreatedTime is when the current version was written.
	VersionCreatedTime time.Time
}

func entryFromVersion(v *version) Entry {
	return Entry{
		Value:              slices.Clone(v.value),
		Version:            v.id,
		Attributes:         slices.Clone(v.attributes),
		UserIDs:            slices.Clone(v.userIDs),
		CreatedTime:        v.objectCreated,
		VersionCreatedTime: v.created,
	}
}

// EntryKey names a standard data store entry within its data store.
type EntryKey struct {
	Scope, Key string
}

// Entry returns the live entry at the given address. It reports false when
// the entry is missing or deleted.
func (e *Emulator) Entry(universeID int64, datastore, scope, key string) (Entry, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	v := e.lookupEntry(universeID, datastore, scope, key).live()
	if v == nil {
		return Entry{}, false
	}
	return entryFromVersion(v), true
}

// PutEntry writes a new version of an entry as a game server would, behind
// any client's back. The address, value, attributes (JSON object text or
// nil) and user ids are validated like the API's SetEntry.
func (e *Emulator) PutEntry(universeID int64, datastore, scope, key string, value []byte, attributes []byte, userIDs []int64) (Entry, error) {
	if universeID <= 0 {
		return Entry{}, fmt.Errorf("universe id %d is not positive", universeID)
	}
	for _, check := range []struct{ what, v string }{{"data store name", datastore}, {"scope", scope}, {"entry key", key}} {
		if msg := checkName(check.what, check.v); msg != "" {
			return Entry{}, errors.New(msg)
		}
	}
	if code, msg := checkValue(value); code != "" {
		return Entry{}, errors.New(msg)
	}
	attrs, msg := parseAttributes(string(attributes))
	if msg != "" {
		return Entry{}, errors.New(msg)
	}
	if msg := checkUserIDs(userIDs); msg != "" {
		return Entry{}, errors.New(msg)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	v, err := e.writeVersion(universeID, datastore, scope, key, newVersion{
		value: slices.Clone(value), attributes: attrs, userIDs: normalizeUserIDs(userIDs),
	})
	if err != nil {
		return Entry{}, err
	}
	return entryFromVersion(v), nil
}

// DeleteEntry deletes an entry as a game server would, behind any client's
// back, by writing a deletion version. It reports false when there was no
// live entry to delete. A failure to write the state file is reported by
// Close.
func (e *Emulator) DeleteEntry(universeID int64, datastore, scope, key string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.lookupEntry(universeID, datastore, scope, key).live() == nil {
		return false
	}
	if _, err := e.writeVersion(universeID, datastore, scope, key, newVersion{deleted: true}); err != nil {
		e.lostWrite = errors.Join(e.lostWrite, err)
		return false
	}
	return true
}

// Entries returns the addresses of the live entries of a standard data
// store, sorted by scope, then key.
func (e *Emulator) Entries(universeID int64, datastore string) []EntryKey {
	e.mu.Lock()
	defer e.mu.Unlock()
	ds := e.lookupStore(universeID, datastore)
	if ds == nil {
		return nil
	}
	var out []EntryKey
	for id, en := range ds.entries {
		if en.live() != nil {
			out = append(out, EntryKey{Scope: id.scope, Key: id.key})
		}
	}
	slices.SortFunc(out, func(a, b EntryKey) int { return compareEntryIDs(entryID{a.Scope, a.Key}, entryID{b.Scope, b.Key}) })
	return out
}

// OrderedEntry returns the value of an ordered data store entry.
func (e *Emulator) OrderedEntry(universeID int64, datastore, scope, key string) (int64, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	v, ok := e.orderedMap(universeID, datastore, scope)[key]
	return v, ok
}

// PutOrderedEntry sets an ordered data store entry behind any client's back.
// A failure to write the state file is reported by Close.
func (e *Emulator) PutOrderedEntry(universeID int64, datastore, scope, key string, value int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	rec := record{Type: recordOrderedSet, Universe: universeID, Store: datastore, Scope: scope, Key: key, Number: value}
	if err := e.commit(&rec); err != nil {
		e.lostWrite = errors.Join(e.lostWrite, err)
	}
}

// DeleteOrderedEntry deletes an ordered data store entry behind any client's
// back. It reports whether the entry existed. A failure to write the state
// file is reported by Close.
func (e *Emulator) DeleteOrderedEntry(universeID int64, datastore, scope, key string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.orderedMap(universeID, datastore, scope)[key]; !ok {
		return false
	}
	rec := record{Type: recordOrderedDelete, Universe: universeID, Store: datastore, Scope: scope, Key: key}
	if err := e.commit(&rec); err != nil {
		e.lostWrite = errors.Join(e.lostWrite, err)
		return false
	}
	return true
}

// OrderedEntries returns a copy of the entries of one scope of an ordered
// data store, by entry id.
func (e *Emulator) OrderedEntries(universeID int64, datastore, scope string) map[string]int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make(map[string]int64)
	maps.Copy(out, e.orderedMap(universeID, datastore, scope))
	return out
}

// orderedMap returns the live map of one ordered scope, or nil; the caller
// holds e.mu and must not modify it.
func (e *Emulator) orderedMap(u int64, store, scope string) map[string]int64 {
	if us := e.universe(u, false); us != nil {
		return us.ordered[orderedScope{store, scope}]
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
