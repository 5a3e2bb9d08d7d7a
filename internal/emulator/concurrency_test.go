package emulator

import (
	"net/http"
	"strconv"
	"sync"
	"testing"
)

// TestConcurrentClients hammers every kind of operation from many goroutines
// (run with -race) and then checks that the counters add up, which they only
// do if read-modify-write operations are atomic.
func TestConcurrentClients(t *testing.T) {
	e, _ := newTestEmulator(t, Options{RateLimit: 1000000, Fault429: 0.01})
	const workers, rounds = 16, 40
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		stdOK   int
		ordOK   int
		created int
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			own := "w" + strconv.Itoa(w)
			for i := 0; i < rounds; i++ {
				rec := do(t, e, request{method: http.MethodPost, target: std(pathInc, "datastoreName", "D", "entryKey", "shared")})
				if rec.Code == http.StatusOK {
					mu.Lock()
					stdOK++
					mu.Unlock()
				}
				rec = do(t, e, request{method: http.MethodPost, target: ord("Top", "global", "shared", ":increment"), body: `{"amount": 2}`})
				if rec.Code == http.StatusOK {
					mu.Lock()
					ordOK++
					mu.Unlock()
				}
				// Everyone races to create the same entry; one may win.
				rec = do(t, e, request{method: http.MethodPost, target: std(pathEntry, "datastoreName", "D", "entryKey", "once-"+strconv.Itoa(i), "exclusiveCreate", "true"), body: own})
				if rec.Code == http.StatusOK {
					mu.Lock()
					created++
					mu.Unlock()
				}
				do(t, e, request{method: http.MethodPost, target: std(pathEntry, "datastoreName", "D", "entryKey", own, "scope", own), body: strconv.Itoa(i)})
				do(t, e, request{method: http.MethodGet, target: std(pathEntry, "datastoreName", "D", "entryKey", own, "scope", own)})
				do(t, e, request{method: http.MethodGet, target: std(pathEntries, "datastoreName", "D", "allScopes", "true", "limit", "7")})
				do(t, e, request{method: http.MethodGet, target: std(pathVersions, "datastoreName", "D", "entryKey", "shared", "sortOrder", "Descending")})
				do(t, e, request{method: http.MethodGet, target: std("")})
				do(t, e, request{method: http.MethodGet, target: ord("Top", "global", "", "", "order_by", "desc", "max_page_size", "3")})
				if i%5 == 0 {
					do(t, e, request{method: http.MethodDelete, target: std(pathEntry, "datastoreName", "D", "entryKey", own, "scope", own)})
					do(t, e, request{method: http.MethodDelete, target: ord("Top", "global", own, "")})
					e.PutOrderedEntry(testUniverse, "Top", "global", own, int64(i))
					e.Stats()
				}
				if i == rounds/2 && w == 0 {
					e.SetFaults(Faults{})
					e.AddKey(Key{Secret: "late"})
				}
			}
		}()
	}
	wg.Wait()

	if ent, ok := e.Entry(testUniverse, "D", "global", "shared"); !ok || string(ent.Value) != strconv.Itoa(stdOK) {
		t.Errorf("standard counter %s after %d successful increments", ent.Value, stdOK)
	}
	if v, _ := e.OrderedEntry(testUniverse, "Top", "global", "shared"); v != int64(2*ordOK) {
		t.Errorf("ordered counter %d after %d successful increments of 2", v, ordOK)
	}
	if created > rounds {
		t.Errorf("%d exclusive creates succeeded for %d keys", created, rounds)
	}
	rec := do(t, e, request{method: http.MethodGet, target: std(pathVersions, "datastoreName", "D", "entryKey", "shared", "limit", "100")})
	if rec.Code != http.StatusOK {
		t.Fatalf("versions: %d", rec.Code)
	}
	if s := e.Stats(); s.Total < workers*rounds*9 {
		t.Errorf("only %d requests counted", s.Total)
	}
}
