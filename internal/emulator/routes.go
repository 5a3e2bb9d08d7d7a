package emulator

import (
	"net/http"
	"net/url"
	"strings"
)

type family int

const (
	familyStandard family = iota + 1
	familyOrdered
)

// Rate-limit categories, per universe.
const (
	categoryStandardRead  = "standard-read"
	categoryStandardWrite = "standard-write"
	categoryOrderedRead   = "ordered-read"
	categoryOrderedWrite  = "ordered-write"
)

// Operation names as they appear in the stats.
const (
	opListDatastores        = "ListDatastores"
	opListEntryKeys         = "ListEntryKeys"
	opGetEntry              = "GetEntry"
	opSetEntry              = "SetEntry"
	opDeleteEntry           = "DeleteEntry"
	opIncrementEntry        = "IncrementEntry"
	opListEntryVersions     = "ListEntryVersions"
	opGetEntryVersion       = "GetEntryVersion"
	opListOrderedEntries    = "ListOrderedEntries"
	opCreateOrderedEntry    = "CreateOrderedEntry"
	opGetOrderedEntry       = "GetOrderedEntry"
	opUpdateOrderedEntry    = "UpdateOrderedEntry"
	opDeleteOrderedEntry    = "DeleteOrderedEntry"
	opIncrementOrderedEntry = "IncrementOrderedEntry"
	opUnknown               = "Unknown"
)

// Permission (scope) names of Open Cloud API keys, for Key.Operations.
const (
	// PermListDatastores allows ListDatastores.
	PermListDatastores = "universe-datastores.control:list"
	// PermListEntries allows ListEntryKeys.
	PermListEntries = "universe-datastores.objects:list"
	// PermReadEntry allows GetEntry.
	PermReadEntry = "universe-datastores.objects:read"
	// PermCreateEntry allows SetEntry and IncrementEntry of a key without a
	// live entry, and SetEntry with exclusiveCreate.
	PermCreateEntry = "universe-datastores.objects:create"
	// PermUpdateEntry allows SetEntry and IncrementEntry of a live entry, and
	// SetEntry with matchVersion.
	PermUpdateEntry = "universe-datastores.objects:update"
	// PermDeleteEntry allows DeleteEntry.
	PermDeleteEntry = "universe-datastores.objects:delete"
	// PermListVersions allows ListEntryVersions.
	PermListVersions = "universe-datastores.versions:list"
	// PermReadVersion allows GetEntryVersion.
	PermReadVersion = "universe-datastores.versions:read"
	// PermOrderedRead allows listing and getting ordered data store entries.
	PermOrderedRead = "universe.ordered-data-store.scope.entry:read"
	// PermOrderedWrite allows creating, updating, incrementing and deleting
	// ordered data store entries.
	PermOrderedWrite = "universe.ordered-data-store.scope.entry:write"
)

var knownPermissions = map[string]bool{
	PermListDatastores: true, PermListEntries: true, PermReadEntry: true,
	PermCreateEntry: true, PermUpdateEntry: true, PermDeleteEntry: true,
	PermListVersions: true, PermReadVersion: true,
	PermOrderedRead: true, PermOrderedWrite: true,
}

// route is a matched request path: which operation, how it is guarded, and
// the path parameters.
type route struct {
	op       string
	family   family
	category string
	write    bool
	// perm is the permission checked before the operation runs; empty when
	// it depends on the entry's existence and is checked under the lock.
	perm    string
	handler func(*call) *reply

	universe     string
	store, scope string // ordered data stores only; standard ones use the query
	entry        string // ordered entry id, when in the path

	// status and message answer an unmatched request.
	status  int
	message string
}

const (
	standardPrefix = "/datastores/v1/universes/"
	orderedPrefix  = "/ordered-data-stores/v1/universes/"
	incrementVerb  = ":increment"
)

// matchRoute routes on the escaped path and unescapes each segment on its
// own, so that an encoded "/" inside an entry id does not split it.
func matchRoute(r *http.Request) *route {
	p := r.URL.EscapedPath()
	switch {
	case strings.HasPrefix(p, standardPrefix):
		return matchStandard(r.Method, strings.Split(p[len(standardPrefix):], "/"))
	case strings.HasPrefix(p, orderedPrefix):
		return matchOrdered(r.Method, strings.Split(p[len(orderedPrefix):], "/"))
	}
	return notFound()
}

func notFound() *route {
	return &route{op: opUnknown, status: http.StatusNotFound,
		message: "Not Found: no Open Cloud data store operation has this path"}
}

func methodNotAllowed(method string) *route {
	return &route{op: opUnknown, status: http.StatusMethodNotAllowed,
		message: "Method Not Allowed: " + method + " is not an operation on this path"}
}

// matchStandard matches segs, the path after ".../universes/".
func matchStandard(method string, segs []string) *route {
	if len(segs) < 2 || segs[1] != "standard-datastores" {
		return notFound()
	}
	universe, err := url.PathUnescape(segs[0])
	if err != nil {
		return notFound()
	}
	rest := ""
	if len(segs) > 2 {
		rest = "/" + strings.Join(segs[2:], "/")
	}
	type opDef struct {
		op, category, perm string
		write              bool
		handler            func(*call) *reply
	}
	var ops map[string]opDef
	switch rest {
	case "":
		ops = map[string]opDef{http.MethodGet: {opListDatastores, categoryStandardRead, PermListDatastores, false, (*call).listDatastores}}
	case "/datastore/entries":
		ops = map[string]opDef{http.MethodGet: {opListEntryKeys, categoryStandardRead, PermListEntries, false, (*call).listEntryKeys}}
	case "/datastore/entries/entry":
		ops = map[string]opDef{
			http.MethodGet:    {opGetEntry, categoryStandardRead, PermReadEntry, false, (*call).getEntry},
			http.MethodPost:   {opSetEntry, categoryStandardWrite, "", true, (*call).setEntry},
			http.MethodDelete: {opDeleteEntry, categoryStandardWrite, PermDeleteEntry, true, (*call).deleteEntry},
		}
	case "/datastore/entries/entry/increment":
		ops = map[string]opDef{http.MethodPost: {opIncrementEntry, categoryStandardWrite, "", true, (*call).incrementEntry}}
	case "/datastore/entries/entry/versions":
		ops = map[string]opDef{http.MethodGet: {opListEntryVersions, categoryStandardRead, PermListVersions, false, (*call).listEntryVersions}}
	case "/datastore/entries/entry/versions/version":
		ops = map[string]opDef{http.MethodGet: {opGetEntryVersion, categoryStandardRead, PermReadVersion, false, (*call).getEntryVersion}}
	default:
		return notFound()
	}
	d, ok := ops[method]
	if !ok {
		return methodNotAllowed(method)
	}
	return &route{op: d.op, family: familyStandard, category: d.category, write: d.write, perm: d.perm,
		handler: d.handler, universe: universe}
}

// matchOrdered matches segs, the path after ".../universes/":
// {u}/orderedDataStores/{name}/scopes/{scope}/entries[/{entry}[:increment]].
func matchOrdered(method string, segs []string) *route {
	if len(segs) < 6 || len(segs) > 7 || segs[1] != "orderedDataStores" || segs[3] != "scopes" || segs[5] != "entries" {
		return notFound()
	}
	var parts [3]string
	for i, s := range []string{segs[0], segs[2], segs[4]} {
		v, err := url.PathUnescape(s)
		if err != nil {
			return notFound()
		}
		parts[i] = v
	}
	rt := &route{family: familyOrdered, universe: parts[0], store: parts[1], scope: parts[2]}
	if len(segs) == 6 {
		switch method {
		case http.MethodGet:
			rt.op, rt.category, rt.perm, rt.handler = opListOrderedEntries, categoryOrderedRead, PermOrderedRead, (*call).listOrderedEntries
		case http.MethodPost:
			rt.op, rt.category, rt.perm, rt.handler = opCreateOrderedEntry, categoryOrderedWrite, PermOrderedWrite, (*call).createOrderedEntry
			rt.write = true
		default:
			return methodNotAllowed(method)
		}
		return rt
	}
	raw := segs[6]
	// Only an unencoded ":increment" is the verb; an id that really ends in
	// ":increment" arrives as "%3Aincrement".
	increment := strings.HasSuffix(raw, incrementVerb)
	if increment {
		raw = strings.TrimSuffix(raw, incrementVerb)
	}
	entry, err := url.PathUnescape(raw)
	if err != nil {
		return notFound()
	}
	rt.entry = entry
	rt.perm, rt.category = PermOrderedWrite, categoryOrderedWrite
	rt.write = true
	switch {
	case increment && method == http.MethodPost:
		rt.op, rt.handler = opIncrementOrderedEntry, (*call).incrementOrderedEntry
	case increment:
		return methodNotAllowed(method)
	case method == http.MethodGet:
		rt.op, rt.handler = opGetOrderedEntry, (*call).getOrderedEntry
		rt.perm, rt.category, rt.write = PermOrderedRead, categoryOrderedRead, false
	case method == http.MethodPatch:
		rt.op, rt.handler = opUpdateOrderedEntry, (*call).updateOrderedEntry
	case method == http.MethodDelete:
		rt.op, rt.handler = opDeleteOrderedEntry, (*call).deleteOrderedEntry
	default:
		return methodNotAllowed(method)
	}
	return rt
}
