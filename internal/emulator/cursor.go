package emulator

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
)

// cursor is the content of a page cursor or page token. Clients see it only
// as opaque base64. It holds the position of the last item returned, not an
// index, so the next page starts strictly after that item even when entries
// are added or removed in between; and a digest of the query it belongs to,
// so a cursor replayed with other parameters is refused instead of silently
// paging through something else.
type cursor struct {
	Kind  string `json:"t"`
	Query string `json:"q"`
	// Position of the last item returned; which fields are used depends on
	// the kind.
	Name   string `json:"n,omitempty"`
	Scope  string `json:"s,omitempty"`
	Key    string `json:"k,omitempty"`
	Seq    int64  `json:"v,omitempty"`
	Number int64  `json:"x,omitempty"`
}

const (
	cursorDatastores = "datastores"
	cursorKeys       = "keys"
	cursorVersions   = "versions"
	cursorOrdered    = "ordered"
)

var (
	errCursorMalformed = errors.New("the cursor is not one this service issued")
	errCursorQuery     = errors.New("the cursor belongs to a request with other parameters; send the same parameters as the request that returned it")
)

// queryDigest binds a cursor to the parameters of the request that issued it.
func queryDigest(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		// Length-prefixed so that ("ab","c") and ("a","bc") differ.
		h.Write([]byte{byte(len(p) >> 24), byte(len(p) >> 16), byte(len(p) >> 8), byte(len(p))})
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads a cursor of the given kind issued for query.
func decodeCursor(s, kind, query string) (cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return cursor{}, errCursorMalformed
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil || c.Kind != kind {
		return cursor{}, errCursorMalformed
	}
	if c.Query != query {
		return cursor{}, errCursorQuery
	}
	return c, nil
}
