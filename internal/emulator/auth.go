package emulator

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"time"
)

// Key is an API key and what it may do.
type Key struct {
	// Secret is the value clients send in the x-api-key header.
	Secret string
	// UniverseID is the only universe the key may access; 0 means any.
	UniverseID int64
	// Datastores are the standard and ordered data store names the key may
	// access; empty means all.
	Datastores []string
	// Operations are the permission names the key holds, such as
	// "universe-datastores.objects:read"; empty means all.
	Operations []string
	// ExpiresAt is when the key stops working; the zero time means never.
	ExpiresAt time.Time
	// AllowedCIDRs are the client address ranges the key may be used from,
	// such as "127.0.0.1/32"; a bare address means that address only; empty
	// means any address.
	AllowedCIDRs []string
}

func (k Key) validate() error {
	if k.Secret == "" {
		return errors.New("the key secret is empty")
	}
	if k.UniverseID < 0 {
		return fmt.Errorf("universe id %d is negative (use 0 for any universe)", k.UniverseID)
	}
	for _, op := range k.Operations {
		if !knownPermissions[op] {
			return fmt.Errorf("unknown operation %q (known: %s)", op, strings.Join(sortedKeys(knownPermissions), ", "))
		}
	}
	for _, s := range k.Datastores {
		if s == "" {
			return errors.New("a data store name is empty")
		}
	}
	for _, s := range k.AllowedCIDRs {
		if _, err := parsePrefix(s); err != nil {
			return err
		}
	}
	return nil
}

func parsePrefix(s string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("allowed CIDR %q is neither a CIDR range such as 10.0.0.0/8 nor an IP address", s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// keyEntry is a Key prepared for checking requests.
type keyEntry struct {
	key    Key
	digest [sha256.Size]byte
	ops    map[string]bool
	stores map[string]bool
	// nets is nil when any address is allowed. An unparsable range in a key
	// added with AddKey matches nothing, so a typo fails closed.
	nets []netip.Prefix
}

func newKeyEntry(k Key) *keyEntry {
	ke := &keyEntry{key: k, digest: sha256.Sum256([]byte(k.Secret))}
	if len(k.Operations) > 0 {
		ke.ops = make(map[string]bool)
		for _, op := range k.Operations {
			ke.ops[op] = true
		}
	}
	if len(k.Datastores) > 0 {
		ke.stores = make(map[string]bool)
		for _, s := range k.Datastores {
			ke.stores[s] = true
		}
	}
	if len(k.AllowedCIDRs) > 0 {
		ke.nets = []netip.Prefix{}
		for _, s := range k.AllowedCIDRs {
			if p, err := parsePrefix(s); err == nil {
				ke.nets = append(ke.nets, p)
			}
		}
	}
	return ke
}

func (k *keyEntry) allowsOperation(perm string) bool { return k.ops == nil || k.ops[perm] }
func (k *keyEntry) allowsStore(name string) bool     { return k.stores == nil || k.stores[name] }
func (k *keyEntry) allowsUniverse(u int64) bool {
	return k.key.UniverseID == 0 || k.key.UniverseID == u
}

func (k *keyEntry) allowsAddr(remoteAddr string) bool {
	if k.nets == nil {
		return true
	}
	a, ok := remoteIP(remoteAddr)
	if !ok {
		return false
	}
	for _, p := range k.nets {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// remoteIP reads the connection's address only: a forwarded-for header is
// set by the client and would let it choose its own address.
func remoteIP(remoteAddr string) (netip.Addr, bool) {
	host := remoteAddr
	if h, _, err := net.SplitHostPort(remoteAddr); err == nil {
		host = h
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// AddKey adds an API key at run time. A key with the same secret as an
// earlier one replaces it.
func (e *Emulator) AddKey(k Key) {
	ke := newKeyEntry(k)
	e.keysMu.Lock()
	e.keys = append(e.keys, ke)
	e.keysMu.Unlock()
}

const invalidKeyMessage = "Invalid API Key"

// authenticate finds the key named by the x-api-key header. Secrets are
// compared as SHA-256 digests in constant time against every configured key,
// so neither the time taken nor an early exit reveals which key matched or
// how long it is; the last key added with a secret wins.
func (e *Emulator) authenticate(r *http.Request) (*keyEntry, *reply) {
	secret := r.Header.Get("x-api-key")
	if secret == "" {
		return nil, gatewayError(http.StatusUnauthorized, invalidKeyMessage+": send the API key in the x-api-key header")
	}
	digest := sha256.Sum256([]byte(secret))
	e.keysMu.RLock()
	keys := e.keys
	e.keysMu.RUnlock()
	match := -1
	for i, k := range keys {
		eq := subtle.ConstantTimeCompare(digest[:], k.digest[:])
		match = subtle.ConstantTimeSelect(eq, i, match)
	}
	if match < 0 {
		return nil, gatewayError(http.StatusUnauthorized, invalidKeyMessage)
	}
	k := keys[match]
	if !k.key.ExpiresAt.IsZero() && !e.now().Before(k.key.ExpiresAt) {
		return nil, gatewayError(http.StatusUnauthorized,
			invalidKeyMessage+": the key expired at "+k.key.ExpiresAt.UTC().Format(time.RFC3339))
	}
	return k, nil
}

// authorizeRequest checks what can be checked before the operation runs: the
// universe, the client address, the operation (unless it depends on the
// entry) and the data store.
func (c *call) authorizeRequest() *reply {
	k := c.key
	if !k.allowsUniverse(c.universe) {
		return c.forbidden(fmt.Sprintf("API key lacks permission for universe %d", c.universe))
	}
	if !k.allowsAddr(c.r.RemoteAddr) {
		ip, _ := remoteIP(c.r.RemoteAddr)
		return c.forbidden(fmt.Sprintf("API key may not be used from IP address %s (not in its allowed CIDRs)", ip))
	}
	if c.rt.perm != "" && !k.allowsOperation(c.rt.perm) {
		return c.forbidden("API key lacks permission " + c.rt.perm)
	}
	if c.rt.op == opListDatastores {
		return nil
	}
	store := c.rt.store
	if c.rt.family == familyStandard {
		store = c.param("datastoreName")
	}
	if !k.allowsStore(store) {
		return c.forbidden(fmt.Sprintf("API key lacks permission for data store %q", store))
	}
	return nil
}

// require checks a permission decided by the operation itself.
func (c *call) require(perm string) *reply {
	if c.key.allowsOperation(perm) {
		return nil
	}
	return c.forbidden("API key lacks permission " + perm)
}

func (c *call) forbidden(message string) *reply {
	return c.fail(http.StatusForbidden, codeInsufficientScope, message)
}

// keysFile is the JSON format of a keys file.
type keysFile struct {
	Keys []keyFileEntry `json:"keys"`
}

type keyFileEntry struct {
	Key          string    `json:"key"`
	UniverseID   int64     `json:"universeId"`
	Datastores   []string  `json:"datastores"`
	Operations   []string  `json:"operations"`
	ExpiresAt    time.Time `json:"expiresAt"`
	AllowedCIDRs []string  `json:"allowedCidrs"`
}

// LoadKeysFile reads API keys with permissions from a JSON file of the form
//
//	{"keys":[{"key":"secret","universeId":123,"datastores":["Inventory"],
//	  "operations":["universe-datastores.objects:read"],
//	  "expiresAt":"2027-01-01T00:00:00Z","allowedCidrs":["127.0.0.1/32"]}]}
//
// Every field but "key" is optional; an omitted restriction allows all.
func LoadKeysFile(path string) ([]Key, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read keys file: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f keysFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("keys file %s: %w", path, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("keys file %s: unexpected data after the JSON object", path)
	}
	keys := make([]Key, 0, len(f.Keys))
	for i, fk := range f.Keys {
		k := Key{
			Secret:       fk.Key,
			UniverseID:   fk.UniverseID,
			Datastores:   fk.Datastores,
			Operations:   fk.Operations,
			ExpiresAt:    fk.ExpiresAt,
			AllowedCIDRs: fk.AllowedCIDRs,
		}
		if err := k.validate(); err != nil {
			return nil, fmt.Errorf("keys file %s: key %d: %w", path, i+1, err)
		}
		keys = append(keys, k)
	}
	return keys, nil
}
