package emulator

import (
	"maps"
	"math"
	"net/http"
	"strconv"

	"golang.org/x/time/rate"
)

type limiterKey struct {
	universe int64
	category string
}

// checkRateLimit spends a token of the request's universe and category, as
// the service's per-universe budgets do regardless of the API key.
func (e *Emulator) checkRateLimit(c *call) *reply {
	if e.rateLimit <= 0 {
		return nil
	}
	now := e.now()
	k := limiterKey{c.universe, c.rt.category}
	e.limMu.Lock()
	lim := e.limiters[k]
	if lim == nil {
		lim = rate.NewLimiter(rate.Limit(float64(e.rateLimit)/60), e.rateLimit)
		e.limiters[k] = lim
	}
	if lim.AllowN(now, 1) {
		e.limMu.Unlock()
		return nil
	}
	// The time until one token is back, rounded up to whole seconds as
	// Retry-After requires; the microsecond of slack keeps float error from
	// turning an exact 20 s into 21.
	wait := (1 - lim.TokensAt(now)) / float64(lim.Limit())
	e.limMu.Unlock()
	retry := max(int(math.Ceil(wait-1e-6)), 1)
	rep := c.fail(http.StatusTooManyRequests, codeTooManyRequests,
		"too many "+c.rt.category+" requests for universe "+strconv.FormatInt(c.universe, 10)+
			": the limit is "+strconv.Itoa(e.rateLimit)+" per minute; retry after "+strconv.Itoa(retry)+" s")
	rep.header.Set("Retry-After", strconv.Itoa(retry))
	return rep
}

type faultDraw struct {
	fail429, fail500, fail500AfterWrite bool
}

// drawFaults decides the injected faults of one request. A probability of
// zero draws nothing, so turning one fault on does not change the sequence
// another one sees from the same seed.
func (e *Emulator) drawFaults(write bool) faultDraw {
	e.faultMu.Lock()
	defer e.faultMu.Unlock()
	var d faultDraw
	f := e.faults
	if f.Fault429 > 0 {
		d.fail429 = e.rng.Float64() < f.Fault429
	}
	if f.Fault500 > 0 && !d.fail429 {
		d.fail500 = e.rng.Float64() < f.Fault500
	}
	if write && f.Fault500AfterWrite > 0 && !d.fail429 && !d.fail500 {
		d.fail500AfterWrite = e.rng.Float64() < f.Fault500AfterWrite
	}
	return d
}

// Stats are request counts by operation name and final HTTP status.
type Stats struct {
	// Total is the number of API requests counted.
	Total int `json:"total"`
	// Operations maps an operation name (such as "SetEntry", or "Unknown"
	// for unmatched paths) to counts by status code (such as "200").
	Operations map[string]map[string]int `json:"operations"`
}

func (e *Emulator) record(op string, status int) {
	e.statsMu.Lock()
	defer e.statsMu.Unlock()
	e.stats.Total++
	m := e.stats.Operations[op]
	if m == nil {
		m = make(map[string]int)
		e.stats.Operations[op] = m
	}
	m[strconv.Itoa(status)]++
}

// Stats returns a copy of the request counts.
func (e *Emulator) Stats() Stats {
	e.statsMu.Lock()
	defer e.statsMu.Unlock()
	out := Stats{Total: e.stats.Total, Operations: make(map[string]map[string]int, len(e.stats.Operations))}
	for op, m := range e.stats.Operations {
		out.Operations[op] = maps.Clone(m)
	}
	return out
}

// ResetStats sets every request count back to zero.
func (e *Emulator) ResetStats() {
	e.statsMu.Lock()
	e.stats = Stats{Operations: make(map[string]map[string]int)}
	e.statsMu.Unlock()
}
