package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The service's documented limits.
const (
	maxNameBytes        = 50
	maxValueBytes       = 4 * 1024 * 1024
	maxAttributesBytes  = 300 // the serialized object must be smaller
	maxAttributeKeyLen  = 50  // characters
	maxAttributeValLen  = 250 // characters
	maxUserIDs          = 4
	maxOrderedBodyBytes = 64 * 1024
)

// checkName checks a data store name, scope or entry key and returns a
// message for the client, or "" when it is valid.
func checkName(what, v string) string {
	if v == "" {
		return what + " is empty; it must be 1 to 50 bytes"
	}
	if len(v) > maxNameBytes {
		return fmt.Sprintf("%s %s is %d bytes; it must be 1 to 50 bytes", what, quoteShort(v), len(v))
	}
	return ""
}

// quoteShort quotes a client-supplied string for an error message without
// echoing an arbitrarily long input back.
func quoteShort(s string) string {
	const limit = 60
	if len(s) <= limit {
		return strconv.Quote(s)
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "…"
}

// checkValue checks an entry value and returns the datastoreErrorCode and a
// message, or two empty strings when it is valid. json.Valid rejects NaN and
// Infinity, which are not JSON.
func checkValue(value []byte) (code, message string) {
	if len(value) > maxValueBytes {
		return codeContentTooBig, fmt.Sprintf("value is %d bytes; the limit is %d bytes", len(value), maxValueBytes)
	}
	if !json.Valid(value) {
		return codeContentNotJSON, "value is not valid JSON (the body must be a JSON value such as {\"a\":1}, \"text\" or 42; NaN and Infinity are not JSON)"
	}
	return "", ""
}

// parseAttributes checks the roblox-entry-attributes header and returns its
// compact form, or nil for none (absent, blank or an empty object).
func parseAttributes(h string) ([]byte, string) {
	h = strings.TrimSpace(h)
	if h == "" {
		return nil, ""
	}
	if !json.Valid([]byte(h)) || h[0] != '{' {
		return nil, "attributes must be a JSON object such as {\"owner\":\"ops\"}"
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(h), &m); err != nil {
		return nil, "attributes must be a JSON object such as {\"owner\":\"ops\"}"
	}
	for _, k := range sortedKeys(m) {
		if n := utf8.RuneCountInString(k); n > maxAttributeKeyLen {
			return nil, fmt.Sprintf("attribute key %s is %d characters; the limit is %d", quoteShort(k), n, maxAttributeKeyLen)
		}
		raw := m[k]
		n := len(raw)
		var s string
		if json.Unmarshal(raw, &s) == nil {
			n = utf8.RuneCountInString(s)
		}
		if n > maxAttributeValLen {
			return nil, fmt.Sprintf("the value of attribute %s is %d characters; the limit is %d", quoteShort(k), n, maxAttributeValLen)
		}
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(h)); err != nil {
		return nil, "attributes must be a JSON object"
	}
	if buf.Len() >= maxAttributesBytes {
		return nil, fmt.Sprintf("attributes serialize to %d bytes; they must be under %d bytes", buf.Len(), maxAttributesBytes)
	}
	if len(m) == 0 {
		return nil, ""
	}
	return buf.Bytes(), ""
}

// parseUserIDs reads the roblox-entry-userids header: a JSON array such as
// [1,2], or the comma-separated list the reference describes. It returns nil
// for none.
func parseUserIDs(h string) ([]int64, string) {
	h = strings.TrimSpace(h)
	if h == "" {
		return nil, ""
	}
	var ids []int64
	if strings.HasPrefix(h, "[") {
		var raws []json.RawMessage
		if err := json.Unmarshal([]byte(h), &raws); err != nil {
			return nil, "user ids must be a JSON array of positive integers such as [1,2]"
		}
		for _, raw := range raws {
			id, err := parseJSONInt(raw)
			if err != nil {
				return nil, fmt.Sprintf("user id %s is not an integer", quoteShort(string(raw)))
			}
			ids = append(ids, id)
		}
	} else {
		for _, part := range strings.Split(h, ",") {
			id, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
			if err != nil {
				return nil, fmt.Sprintf("user id %s is not an integer; send a JSON array such as [1,2]", quoteShort(strings.TrimSpace(part)))
			}
			ids = append(ids, id)
		}
	}
	if msg := checkUserIDs(ids); msg != "" {
		return nil, msg
	}
	return normalizeUserIDs(ids), ""
}

func checkUserIDs(ids []int64) string {
	if len(ids) > maxUserIDs {
		return fmt.Sprintf("%d user ids given; at most %d are allowed", len(ids), maxUserIDs)
	}
	for _, id := range ids {
		if id <= 0 {
			return fmt.Sprintf("user id %d is not a positive integer", id)
		}
	}
	return ""
}

func normalizeUserIDs(ids []int64) []int64 {
	if len(ids) == 0 {
		return nil
	}
	return append([]int64(nil), ids...)
}

var errNotInteger = errors.New("not an integer")

// parseJSONInt reads a JSON number written as an integer (no fraction, no
// exponent) that fits in int64.
func parseJSONInt(raw []byte) (int64, error) {
	s := string(bytes.TrimSpace(raw))
	if !isIntegerLiteral(s, true) {
		return 0, errNotInteger
	}
	return strconv.ParseInt(s, 10, 64)
}

// isIntegerLiteral reports whether s is an optional minus sign and digits,
// without leading zeros; allowNegativeZero also accepts "-0", which JSON
// allows.
func isIntegerLiteral(s string, allowNegativeZero bool) bool {
	digits := strings.TrimPrefix(s, "-")
	if digits == "" {
		return false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return false
		}
	}
	if digits[0] == '0' && (len(digits) > 1 || (len(digits) != len(s) && !allowNegativeZero)) {
		return false
	}
	return true
}
