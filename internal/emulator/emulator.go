// Package emulator is a local stand-in for the Roblox Open Cloud data store
// v1 APIs (standard and ordered data stores).
//
// An Emulator is an http.Handler that serves the same paths as
// https://apis.roblox.com, so any Open Cloud client can be pointed at it by
// changing its base URL. It answers with the service's wire formats, status
// codes, error bodies and limits; keeps versions and tombstones; checks API
// keys with per-universe, per-data-store and per-operation permissions; and
// can rate-limit, slow down and fail requests on purpose so that a client's
// retry logic can be exercised. State lives in memory and, when a state file
// is configured, in a crash-safe journal.
//
// Where the service's behaviour is not documented the emulator makes a
// choice; the choices are listed in the doc comment of ServeHTTP.
package emulator

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Options configures an Emulator.
type Options struct {
	// APIKeys are secrets with full access to every universe, data store and
	// operation.
	APIKeys []string
	// Keys are API keys with restricted permissions.
	Keys []Key
	// RateLimit is the number of requests per minute allowed per universe and
	// request category (standard-read, standard-write, ordered-read,
	// ordered-write). Zero turns rate limiting off.
	RateLimit int
	// Latency is added before every API request is handled.
	Latency time.Duration
	// Fault429 is the probability (0 to 1) that an API request is answered
	// 429 without being processed.
	Fault429 float64
	// Fault500 is the probability (0 to 1) that an API request is answered
	// 500 without being processed.
	Fault500 float64
	// Fault500AfterWrite is the probability (0 to 1) that a successful write
	// is stored and then answered 500, as when a response is lost.
	Fault500AfterWrite float64
	// FaultSeed seeds the random source that decides the faults, so that a
	// run can be repeated.
	FaultSeed int64
	// StatePath is the state file. Empty keeps state in memory only.
	StatePath string
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
}

// Faults are the fault-injection probabilities, each between 0 and 1.
type Faults struct {
	Fault429, Fault500, Fault500AfterWrite float64
}

// Emulator serves the Open Cloud data store v1 APIs from local state. It is
// safe for concurrent use.
type Emulator struct {
	now     func() time.Time
	latency time.Duration

	// mu guards the data and the journal, so that a write is journaled and
	// applied in the same order in which it is answered.
	mu        sync.Mutex
	universes map[int64]*universeState
	journal   *journal
	// lostWrite remembers a journal failure from an accessor that has no
	// error result, so that Close can report it.
	lostWrite error

	keysMu sync.RWMutex
	keys   []*keyEntry

	rateLimit int
	limMu     sync.Mutex
	limiters  map[limiterKey]*rate.Limiter

	faultMu sync.Mutex
	faults  Faults
	rng     *rand.Rand

	statsMu sync.Mutex
	stats   Stats
}

// New returns an Emulator configured by opts. It fails when no API key is
// configured, when an option is out of range, or when the state file cannot
// be loaded.
func New(opts Options) (*Emulator, error) {
	if len(opts.APIKeys) == 0 && len(opts.Keys) == 0 {
		return nil, errors.New("emulator: no API key configured; every request needs a key in the x-api-key header")
	}
	if opts.RateLimit < 0 {
		return nil, fmt.Errorf("emulator: rate limit must be zero (off) or positive, got %d", opts.RateLimit)
	}
	if opts.Latency < 0 {
		return nil, fmt.Errorf("emulator: latency must not be negative, got %s", opts.Latency)
	}
	faults := Faults{Fault429: opts.Fault429, Fault500: opts.Fault500, Fault500AfterWrite: opts.Fault500AfterWrite}
	if err := faults.validate(); err != nil {
		return nil, fmt.Errorf("emulator: %w", err)
	}
	e := &Emulator{
		now:       opts.Now,
		latency:   opts.Latency,
		universes: make(map[int64]*universeState),
		rateLimit: opts.RateLimit,
		limiters:  make(map[limiterKey]*rate.Limiter),
		faults:    faults,
		rng:       rand.New(rand.NewSource(opts.FaultSeed)),
		stats:     Stats{Operations: make(map[string]map[string]int)},
	}
	if e.now == nil {
		e.now = time.Now
	}
	for i, secret := range opts.APIKeys {
		if secret == "" {
			return nil, fmt.Errorf("emulator: API key %d is empty", i+1)
		}
		e.keys = append(e.keys, newKeyEntry(Key{Secret: secret}))
	}
	for i, k := range opts.Keys {
		if err := k.validate(); err != nil {
			return nil, fmt.Errorf("emulator: key %d: %w", i+1, err)
		}
		e.keys = append(e.keys, newKeyEntry(k))
	}
	if opts.StatePath != "" {
		j, err := openJournal(opts.StatePath, e.snapshotAfter)
		if err != nil {
			return nil, fmt.Errorf("emulator: %w", err)
		}
		e.journal = j
	}
	return e, nil
}

// snapshotAfter loads replayed records into the state and returns the
// records that reproduce it, which the journal writes as its compacted form.
func (e *Emulator) snapshotAfter(recs []record) ([]record, error) {
	for i := range recs {
		if err := e.apply(&recs[i]); err != nil {
			return nil, fmt.Errorf("record %d: %w", i+1, err)
		}
	}
	return e.snapshot(), nil
}

// Close flushes and closes the state file. The emulator keeps answering reads
// afterwards, but writes fail with 500 when a state file was configured.
func (e *Emulator) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	var err error
	if e.journal != nil {
		err = e.journal.close()
	}
	return errors.Join(err, e.lostWrite)
}

// SetFaults changes the fault-injection probabilities at run time. Values are
// clamped to the range 0 to 1.
func (e *Emulator) SetFaults(f Faults) {
	f.Fault429 = clampProbability(f.Fault429)
	f.Fault500 = clampProbability(f.Fault500)
	f.Fault500AfterWrite = clampProbability(f.Fault500AfterWrite)
	e.faultMu.Lock()
	e.faults = f
	e.faultMu.Unlock()
}

func (f Faults) validate() error {
	for _, p := range []struct {
		name string
		v    float64
	}{{"Fault429", f.Fault429}, {"Fault500", f.Fault500}, {"Fault500AfterWrite", f.Fault500AfterWrite}} {
		if math.IsNaN(p.v) || p.v < 0 || p.v > 1 {
			return fmt.Errorf("%s must be a probability between 0 and 1, got %v", p.name, p.v)
		}
	}
	return nil
}

func clampProbability(p float64) float64 {
	if math.IsNaN(p) || p < 0 {
		return 0
	}
	return min(p, 1)
}

// clock returns the current time at the precision the service reports
// (100 ns), in UTC, so that stored times survive a round trip through the
// wire format and the state file unchanged.
func (e *Emulator) clock() time.Time {
	return e.now().UTC().Truncate(100 * time.Nanosecond)
}

// reply is a buffered response: handlers build one, and ServeHTTP may still
// replace it (for an injected fault) before anything reaches the client.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func newReply(status int) *reply {
	return &reply{status: status, header: make(http.Header)}
}

// ServeHTTP answers an Open Cloud request.
//
// Each API request goes through the same steps, in this order: routing
// (unknown paths: 404 in the gateway's error shape); the configured latency;
// authentication (401); the universe id (400); the key's universe, IP,
// operation and data store permissions (403); the rate limit (429 with
// Retry-After); injected 429 and 500 faults; and the operation itself.
// Operations whose permission depends on whether the entry exists (SetEntry
// and IncrementEntry need create or update) check it under the state lock.
//
// Choices made where the service's behaviour is not documented:
//   - List limits: ListDatastores defaults to 1 and is capped at 100,
//     ListEntryKeys defaults to 16 and is capped at 1000, ListEntryVersions
//     defaults to 16 and is capped at 100; larger values are lowered to the
//     cap, and a limit below 1 or not a number is 400.
//   - ListEntryKeys on a data store that was never written is an empty page;
//     prefix matches the entry key (also with allScopes).
//   - An empty scope parameter means "global".
//   - Deleting a missing or already deleted entry is 404 EntryNotFound and
//     writes nothing. GetEntryVersion of a deletion version is 404
//     EntryNotFound; of an unknown version, 404 VersionNotFound.
//   - A write after a deletion starts a new object: its objectCreatedTime is
//     the time of that write.
//   - An empty attributes object and an empty user id list mean "none": the
//     metadata headers are then omitted on reads.
//   - Versions and tombstones are kept for ever (the service purges them
//     after 30 days).
//   - A key restricted to some data stores may list data stores but sees only
//     those.
//   - Ordered lists sort by value, then by entry id; descending reverses both.
//     An ordered entry's path holds the data store, scope and id as given,
//     not percent-encoded.
//   - Ordered filters with a minimum above the maximum are 400. Ordered
//     values must be JSON integer numbers: 1.5, 1e3 and "5" are 400.
//   - IncrementEntry accepts a stored number with a fraction or exponent when
//     its value is a whole number within int64 (10.0 increments to 11).
//   - Parameter errors the service has no documented datastoreErrorCode for
//     use InvalidArgument. The 412 and 500 errors carry no errorDetails; a
//     412 carries the current entry's metadata headers when it is live.
//   - The client address for allowed CIDRs is the connection's; forwarding
//     headers are ignored.
//
// GET /_emulator/stats needs no key and answers the request counts as JSON.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.EscapedPath(), "/_emulator/") {
		e.serveTooling(w, r)
		return
	}
	rt := matchRoute(r)
	rep := e.handle(r, rt)
	if rep == nil {
		// The client went away during the injected latency; 499 is the
		// conventional "client closed request" status for the counts.
		e.record(rt.op, 499)
		return
	}
	h := w.Header()
	for k, v := range rep.header {
		h[k] = v
	}
	if len(rep.body) > 0 || rep.status != http.StatusNoContent {
		h.Set("Content-Length", strconv.Itoa(len(rep.body)))
	}
	e.record(rt.op, rep.status)
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body)
}

func (e *Emulator) handle(r *http.Request, rt *route) *reply {
	if rt.handler == nil {
		return gatewayError(rt.status, rt.message)
	}
	if e.latency > 0 && !sleep(r.Context(), e.latency) {
		return nil
	}
	key, rep := e.authenticate(r)
	if rep != nil {
		return rep
	}
	c := &call{e: e, r: r, rt: rt, key: key, query: r.URL.Query()}
	u, ok := parseUniverseID(rt.universe)
	if !ok {
		return c.fail(http.StatusBadRequest, codeInvalidUniverseID,
			fmt.Sprintf("universe id %q is not a positive integer", rt.universe))
	}
	c.universe = u
	if rep := c.authorizeRequest(); rep != nil {
		return rep
	}
	if rep := e.checkRateLimit(c); rep != nil {
		return rep
	}
	f := e.drawFaults(rt.write)
	switch {
	case f.fail429:
		return c.fail(http.StatusTooManyRequests, codeTooManyRequests,
			"too many requests (a fault injected by the emulator's 429 fault probability)")
	case f.fail500:
		return c.fail(http.StatusInternalServerError, "",
			"internal error (a fault injected by the emulator's 500 fault probability); the request was not processed")
	}
	rep = rt.handler(c)
	if f.fail500AfterWrite && rep.status/100 == 2 {
		return c.fail(http.StatusInternalServerError, "",
			"internal error (a fault injected by the emulator's 500-after-write fault probability); the write was stored")
	}
	return rep
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func parseUniverseID(s string) (int64, bool) {
	u, err := strconv.ParseInt(s, 10, 64)
	if err != nil || u <= 0 {
		return 0, false
	}
	return u, true
}

// call carries what the steps of one request need.
type call struct {
	e        *Emulator
	r        *http.Request
	rt       *route
	key      *keyEntry
	query    map[string][]string
	universe int64
}

func (c *call) param(name string) string {
	if v := c.query[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (c *call) hasParam(name string) bool {
	_, ok := c.query[name]
	return ok
}

// fail builds an error reply in the shape of the request's API family.
func (c *call) fail(status int, datastoreCode, message string) *reply {
	if c.rt.family == familyOrdered {
		return orderedError(status, message)
	}
	return standardError(status, datastoreCode, message)
}

func (e *Emulator) serveTooling(w http.ResponseWriter, r *http.Request) {
	if r.URL.EscapedPath() != "/_emulator/stats" {
		http.Error(w, "unknown emulator tooling path; GET /_emulator/stats answers request counts", http.StatusNotFound)
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "use GET", http.StatusMethodNotAllowed)
		return
	}
	rep := jsonReply(http.StatusOK, e.Stats())
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body)
}
