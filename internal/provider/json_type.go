package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// JSON text attributes are plain Terraform strings whose values are compared
// by meaning rather than by spelling, so that a document Roblox hands back
// re-serialized (different key order, whitespace or number spelling) does not
// produce a perpetual diff against the configuration.
//
// Documents with duplicate object keys are rejected as invalid: RFC 8259 leaves
// their meaning undefined and different parsers keep the first or the last
// occurrence, so no comparison of them could be trusted. Nesting depth is
// bounded by encoding/json's own scanner limit (10000 levels), which every
// document passes through before it is walked recursively.

var (
	_ basetypes.StringTypable                    = JSONType{}
	_ basetypes.StringValuableWithSemanticEquals = JSONValue{}
	_ xattr.ValidateableAttribute                = JSONValue{}

	_ basetypes.StringTypable                    = JSONObjectType{}
	_ basetypes.StringValuableWithSemanticEquals = JSONObjectValue{}
	_ xattr.ValidateableAttribute                = JSONObjectValue{}
)

// JSONType is a string attribute type holding an arbitrary JSON document.
// Its values are JSONValue.
type JSONType struct {
	basetypes.StringType
}

// Equal reports whether o is also a JSONType.
func (t JSONType) Equal(o attr.Type) bool {
	_, ok := o.(JSONType)
	return ok
}

// String returns a human readable name of the type.
func (t JSONType) String() string {
	return "provider.JSONType"
}

// ValueFromString wraps a framework string value as a JSONValue.
func (t JSONType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return JSONValue{StringValue: in}, nil
}

// ValueFromTerraform converts a Terraform protocol string into a JSONValue.
func (t JSONType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	return stringValuableFromTerraform(ctx, t, in)
}

// ValueType returns the zero JSONValue, which tells the framework which value
// type to use for this attribute type.
func (t JSONType) ValueType(context.Context) attr.Value {
	return JSONValue{}
}

// JSONValue is a string holding a JSON document. Two values are semantically
// equal when their documents mean the same thing; see JSONSemanticallyEqual.
type JSONValue struct {
	basetypes.StringValue
}

// NewJSONValue returns a known JSONValue holding s. The text is not checked
// here; validation happens when the framework calls ValidateAttribute.
func NewJSONValue(s string) JSONValue {
	return JSONValue{StringValue: basetypes.NewStringValue(s)}
}

// NewJSONNull returns a null JSONValue.
func NewJSONNull() JSONValue {
	return JSONValue{StringValue: basetypes.NewStringNull()}
}

// NewJSONUnknown returns an unknown JSONValue.
func NewJSONUnknown() JSONValue {
	return JSONValue{StringValue: basetypes.NewStringUnknown()}
}

// Equal reports whether o is a JSONValue with exactly the same state and text.
// Use StringSemanticEquals to compare by meaning.
func (v JSONValue) Equal(o attr.Value) bool {
	other, ok := o.(JSONValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

// Type returns JSONType.
func (v JSONValue) Type(context.Context) attr.Type {
	return JSONType{}
}

// StringSemanticEquals reports whether both values hold JSON documents with
// the same meaning. Invalid JSON on either side is never equal to anything and
// produces no diagnostic, because ValidateAttribute reports it already.
func (v JSONValue) StringSemanticEquals(ctx context.Context, other basetypes.StringValuable) (bool, diag.Diagnostics) {
	return jsonStringSemanticEquals(ctx, v.StringValue, other)
}

// ValidateAttribute reports an error when the value is known but is not a
// single valid JSON document.
func (v JSONValue) ValidateAttribute(_ context.Context, req xattr.ValidateAttributeRequest, resp *xattr.ValidateAttributeResponse) {
	resp.Diagnostics.Append(validateJSONString(v.StringValue, req.Path, false)...)
}

// JSONObjectType is a string attribute type holding a JSON document whose top
// level value must be an object. Its values are JSONObjectValue.
type JSONObjectType struct {
	basetypes.StringType
}

// Equal reports whether o is also a JSONObjectType.
func (t JSONObjectType) Equal(o attr.Type) bool {
	_, ok := o.(JSONObjectType)
	return ok
}

// String returns a human readable name of the type.
func (t JSONObjectType) String() string {
	return "provider.JSONObjectType"
}

// ValueFromString wraps a framework string value as a JSONObjectValue.
func (t JSONObjectType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return JSONObjectValue{StringValue: in}, nil
}

// ValueFromTerraform converts a Terraform protocol string into a
// JSONObjectValue.
func (t JSONObjectType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	return stringValuableFromTerraform(ctx, t, in)
}

// ValueType returns the zero JSONObjectValue, which tells the framework which
// value type to use for this attribute type.
func (t JSONObjectType) ValueType(context.Context) attr.Value {
	return JSONObjectValue{}
}

// JSONObjectValue is a string holding a JSON object. It compares like
// JSONValue and additionally fails validation when the document is valid JSON
// but not an object.
type JSONObjectValue struct {
	basetypes.StringValue
}

// NewJSONObjectValue returns a known JSONObjectValue holding s. The text is
// not checked here; validation happens when the framework calls
// ValidateAttribute.
func NewJSONObjectValue(s string) JSONObjectValue {
	return JSONObjectValue{StringValue: basetypes.NewStringValue(s)}
}

// NewJSONObjectNull returns a null JSONObjectValue.
func NewJSONObjectNull() JSONObjectValue {
	return JSONObjectValue{StringValue: basetypes.NewStringNull()}
}

// NewJSONObjectUnknown returns an unknown JSONObjectValue.
func NewJSONObjectUnknown() JSONObjectValue {
	return JSONObjectValue{StringValue: basetypes.NewStringUnknown()}
}

// Equal reports whether o is a JSONObjectValue with exactly the same state and
// text. Use StringSemanticEquals to compare by meaning.
func (v JSONObjectValue) Equal(o attr.Value) bool {
	other, ok := o.(JSONObjectValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

// Type returns JSONObjectType.
func (v JSONObjectValue) Type(context.Context) attr.Type {
	return JSONObjectType{}
}

// StringSemanticEquals reports whether both values hold JSON documents with
// the same meaning, exactly as JSONValue.StringSemanticEquals does.
func (v JSONObjectValue) StringSemanticEquals(ctx context.Context, other basetypes.StringValuable) (bool, diag.Diagnostics) {
	return jsonStringSemanticEquals(ctx, v.StringValue, other)
}

// ValidateAttribute reports an error when the value is known but is not a
// single valid JSON document whose top level value is an object.
func (v JSONObjectValue) ValidateAttribute(_ context.Context, req xattr.ValidateAttributeRequest, resp *xattr.ValidateAttributeResponse) {
	resp.Diagnostics.Append(validateJSONString(v.StringValue, req.Path, true)...)
}

func stringValuableFromTerraform(ctx context.Context, t basetypes.StringTypable, in tftypes.Value) (attr.Value, error) {
	raw, err := basetypes.StringType{}.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := raw.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T converting to %s", raw, t)
	}
	v, diags := t.ValueFromString(ctx, s)
	if diags.HasError() {
		return nil, fmt.Errorf("converting string value to %s: %v", t, diags)
	}
	return v, nil
}

func jsonStringSemanticEquals(ctx context.Context, v basetypes.StringValue, other basetypes.StringValuable) (bool, diag.Diagnostics) {
	o, diags := other.ToStringValue(ctx)
	if diags.HasError() {
		return false, diags
	}
	// The framework does not ask about null or unknown values; should anyone
	// else, only identical states can be considered equal.
	if v.IsNull() || v.IsUnknown() || o.IsNull() || o.IsUnknown() {
		return v.Equal(o), diags
	}
	equal, err := JSONSemanticallyEqual([]byte(v.ValueString()), []byte(o.ValueString()))
	return err == nil && equal, diags
}

func validateJSONString(v basetypes.StringValue, p path.Path, objectOnly bool) diag.Diagnostics {
	var diags diag.Diagnostics
	if v.IsNull() || v.IsUnknown() {
		return diags
	}
	doc, err := parseJSON([]byte(v.ValueString()))
	if err != nil {
		diags.AddAttributeError(p, "Invalid JSON Value",
			"value is not valid JSON: "+err.Error()+". Write a JSON document, for example with jsonencode(...).")
		return diags
	}
	if objectOnly && doc.root.kind != jsonObject {
		diags.AddAttributeError(p, "Invalid JSON Object",
			"value must be a JSON object, but it is "+doc.root.kind.describe()+". Write a JSON object, for example with jsonencode({ ... }).")
	}
	return diags
}

// JSONSemanticallyEqual reports whether a and b are JSON documents with the
// same meaning: whitespace, object key order, string escaping and number
// spelling are ignored, array order is not, and numbers are compared as exact
// decimals. If either document is invalid, including one with a duplicate
// object key, the result is false together with the error describing it.
func JSONSemanticallyEqual(a, b []byte) (bool, error) {
	ca, err := CanonicalJSON(a)
	if err != nil {
		return false, err
	}
	cb, err := CanonicalJSON(b)
	if err != nil {
		return false, err
	}
	return bytes.Equal(ca, cb), nil
}

// CanonicalJSON re-encodes the JSON document b so that two documents have the
// same meaning exactly when their encodings are byte for byte equal. Object
// keys are sorted by their unescaped UTF-8 bytes, insignificant whitespace is
// removed, strings escape only the quote, the backslash and control
// characters, and each number is written as the one spelling chosen for its
// exact decimal value (see appendNumber). Strings are decoded the way
// encoding/json decodes them, so bytes that are not UTF-8 and unpaired
// escaped surrogates read as U+FFFD. Documents that are not valid JSON,
// that contain a duplicate object key or that nest deeper than 10000 levels
// are rejected with an error giving the position of the problem.
func CanonicalJSON(b []byte) ([]byte, error) {
	doc, err := parseJSON(b)
	if err != nil {
		return nil, err
	}
	return doc.appendCanonical(make([]byte, 0, len(b)), doc.root), nil
}

type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonFalse
	jsonTrue
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

func (k jsonKind) describe() string {
	switch k {
	case jsonNull:
		return "null"
	case jsonFalse, jsonTrue:
		return "a boolean"
	case jsonNumber:
		return "a number"
	case jsonString:
		return "a string"
	case jsonArray:
		return "an array"
	default:
		return "an object"
	}
}

// jsonDocument is a parsed document. A tree is built, rather than canonical
// text being emitted while parsing, so that sorting object members never has
// to move already encoded text around, which would be quadratic in the depth.
// The tree lives in two flat, pointer-free slices: the garbage collector never
// scans them, and a document costs a handful of allocations rather than one
// or more per value.
type jsonDocument struct {
	root jsonNode
	// nodes holds the children of every array and object, each container's
	// children contiguous and, for objects, sorted by key.
	nodes []jsonNode
	// arena holds the canonical spelling of every number and the unescaped
	// contents of every string and object key.
	arena []byte
}

type jsonNode struct {
	kind jsonKind
	// text is the node's bytes in the arena for a number or string, and the
	// range of nodes holding its children for an array or object.
	text span
	// key and keyOffset describe the member name, and where it appears in
	// the source, when the node is a member of an object.
	key       span
	keyOffset int
}

type span struct{ start, end int }

func (s span) in(arena []byte) []byte { return arena[s.start:s.end] }

func (d *jsonDocument) children(n jsonNode) []jsonNode { return d.nodes[n.text.start:n.text.end] }

// jsonParser walks a document that json.Valid has already accepted, so it
// relies on the grammar and only has to find where each value ends. That is
// several times faster than encoding/json's token stream, which re-scans every
// scalar and allocates for each token.
type jsonParser struct {
	jsonDocument
	src []byte
	pos int
	// pending collects the children of the containers being parsed, innermost
	// last, until their container ends and they move to nodes.
	pending []jsonNode
	// digits is scratch space for the significant digits of a number.
	digits []byte
}

// parseJSON parses the document in src, rejecting it if it is not valid JSON
// or has a duplicate object key.
func parseJSON(src []byte) (*jsonDocument, error) {
	// The scanner behind json.Valid is strict (no trailing data, no NaN or
	// Infinity, at most 10000 levels of nesting) and allocation free, so the
	// recursive walk below only ever sees well-formed input of bounded depth.
	if !json.Valid(src) {
		return nil, describeSyntaxError(src)
	}
	p := jsonParser{src: src}
	p.arena = make([]byte, 0, len(src)/2)
	root, err := p.value()
	if err != nil {
		return nil, err
	}
	p.root = root
	return &p.jsonDocument, nil
}

func (p *jsonParser) skipSpace() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// next skips whitespace and consumes one byte of punctuation.
func (p *jsonParser) next() byte {
	p.skipSpace()
	c := p.src[p.pos]
	p.pos++
	return c
}

func (p *jsonParser) value() (jsonNode, error) {
	p.skipSpace()
	switch p.src[p.pos] {
	case '{':
		return p.object()
	case '[':
		return p.array()
	case '"':
		return jsonNode{kind: jsonString, text: p.string()}, nil
	case 't':
		p.pos += len("true")
		return jsonNode{kind: jsonTrue}, nil
	case 'f':
		p.pos += len("false")
		return jsonNode{kind: jsonFalse}, nil
	case 'n':
		p.pos += len("null")
		return jsonNode{kind: jsonNull}, nil
	}
	start := p.pos
	for p.pos < len(p.src) && isNumberByte(p.src[p.pos]) {
		p.pos++
	}
	text := span{start: len(p.arena)}
	p.arena = p.appendNumber(p.arena, p.src[start:p.pos])
	text.end = len(p.arena)
	return jsonNode{kind: jsonNumber, text: text}, nil
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

func (p *jsonParser) array() (jsonNode, error) {
	mark := len(p.pending)
	p.pos++
	p.skipSpace()
	if p.src[p.pos] == ']' {
		p.pos++
	} else {
		for {
			elem, err := p.value()
			if err != nil {
				return jsonNode{}, err
			}
			p.pending = append(p.pending, elem)
			if p.next() == ']' {
				break
			}
		}
	}
	return jsonNode{kind: jsonArray, text: p.adoptPending(mark)}, nil
}

// adoptPending moves the children collected since mark to nodes.
func (p *jsonParser) adoptPending(mark int) span {
	children := span{start: len(p.nodes)}
	p.nodes = append(p.nodes, p.pending[mark:]...)
	p.pending = p.pending[:mark]
	children.end = len(p.nodes)
	return children
}

func (p *jsonParser) object() (jsonNode, error) {
	mark := len(p.pending)
	p.pos++
	p.skipSpace()
	if p.src[p.pos] == '}' {
		p.pos++
	} else {
		for {
			p.skipSpace()
			keyOffset := p.pos
			key := p.string()
			p.next() // the colon
			member, err := p.value()
			if err != nil {
				return jsonNode{}, err
			}
			member.key, member.keyOffset = key, keyOffset
			p.pending = append(p.pending, member)
			if p.next() == '}' {
				break
			}
		}
	}
	members := p.pending[mark:]
	// Stable, so that of two equal keys the later one is reported.
	slices.SortStableFunc(members, func(a, b jsonNode) int {
		return bytes.Compare(a.key.in(p.arena), b.key.in(p.arena))
	})
	for i := 1; i < len(members); i++ {
		later, earlier := members[i], members[i-1]
		if bytes.Equal(later.key.in(p.arena), earlier.key.in(p.arena)) {
			return jsonNode{}, fmt.Errorf("duplicate object key %q %s (first defined %s)",
				later.key.in(p.arena), describePosition(p.src, later.keyOffset), describePosition(p.src, earlier.keyOffset))
		}
	}
	return jsonNode{kind: jsonObject, text: p.adoptPending(mark)}, nil
}

// string consumes a string literal and stores its contents in the arena.
func (p *jsonParser) string() span {
	start := p.pos + 1
	end := start
	escaped := false
	for ; p.src[end] != '"'; end++ {
		if p.src[end] == '\\' {
			escaped = true
			end++
		}
	}
	p.pos = end + 1
	text := span{start: len(p.arena)}
	if raw := p.src[start:end]; !escaped && utf8.Valid(raw) {
		p.arena = append(p.arena, raw...)
	} else {
		p.arena = appendUnescaped(p.arena, raw)
	}
	text.end = len(p.arena)
	return text
}

// appendUnescaped decodes the inside of a valid string literal exactly as
// encoding/json does, including its repairs: bytes that are not UTF-8 and
// escaped surrogates that do not form a pair each become U+FFFD.
func appendUnescaped(dst, raw []byte) []byte {
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			if c < utf8.RuneSelf {
				dst = append(dst, c)
				i++
				continue
			}
			r, size := utf8.DecodeRune(raw[i:])
			dst = utf8.AppendRune(dst, r)
			i += size
			continue
		}
		escape := raw[i+1]
		i += 2
		switch escape {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := hex4(raw[i:])
			i += 4
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if i+6 <= len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
					r2 = hex4(raw[i+2:])
				}
				if pair := utf16.DecodeRune(r, r2); pair != utf8.RuneError {
					r = pair
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			dst = utf8.AppendRune(dst, r)
		default: // '"', '\\' and '/' stand for themselves.
			dst = append(dst, escape)
		}
	}
	return dst
}

// hex4 decodes the four hex digits of a \u escape, or returns -1.
func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// describePosition renders a byte offset the way people find it in an editor:
// a 1-based line and a 1-based column counted in characters.
func describePosition(src []byte, offset int) string {
	offset = min(max(offset, 0), len(src))
	before := src[:offset]
	line := bytes.Count(before, []byte{'\n'}) + 1
	column := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return fmt.Sprintf("at line %d, column %d (byte offset %d)", line, column, offset)
}

func describeSyntaxError(src []byte) error {
	var probe json.RawMessage
	err := json.Unmarshal(src, &probe)
	var syntaxErr *json.SyntaxError
	if !errors.As(err, &syntaxErr) {
		// json.Valid and json.Unmarshal run the same scanner, so this is not
		// expected; still never claim success for a rejected document.
		if err == nil {
			err = errors.New("invalid JSON")
		}
		return err
	}
	if len(bytes.TrimSpace(src)) == 0 {
		return errors.New("the document is empty")
	}
	// The scanner's offset counts the offending byte as already read, except
	// when it ran out of input.
	offset := int(syntaxErr.Offset)
	if syntaxErr.Error() != "unexpected end of JSON input" {
		offset--
	}
	return fmt.Errorf("%s %s", syntaxErr.Error(), describePosition(src, offset))
}

func (d *jsonDocument) appendCanonical(buf []byte, n jsonNode) []byte {
	switch n.kind {
	case jsonNull:
		return append(buf, "null"...)
	case jsonFalse:
		return append(buf, "false"...)
	case jsonTrue:
		return append(buf, "true"...)
	case jsonNumber:
		return append(buf, n.text.in(d.arena)...)
	case jsonString:
		return appendCanonicalString(buf, n.text.in(d.arena))
	case jsonArray:
		buf = append(buf, '[')
		for i, elem := range d.children(n) {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = d.appendCanonical(buf, elem)
		}
		return append(buf, ']')
	default:
		buf = append(buf, '{')
		for i, member := range d.children(n) {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendCanonicalString(buf, member.key.in(d.arena))
			buf = append(buf, ':')
			buf = d.appendCanonical(buf, member)
		}
		return append(buf, '}')
	}
}

// appendCanonicalString writes s as a JSON string. Only what JSON requires is
// escaped, with the short escape forms where they exist; s is always valid
// UTF-8 because invalid bytes and lone surrogates became U+FFFD when the
// document was read.
func appendCanonicalString(buf, s []byte) []byte {
	const hexDigits = "0123456789abcdef"
	buf = append(buf, '"')
	start := 0
	for i, c := range s {
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		buf = append(buf, s[start:i]...)
		switch c {
		case '"', '\\':
			buf = append(buf, '\\', c)
		case '\b':
			buf = append(buf, '\\', 'b')
		case '\f':
			buf = append(buf, '\\', 'f')
		case '\n':
			buf = append(buf, '\\', 'n')
		case '\r':
			buf = append(buf, '\\', 'r')
		case '\t':
			buf = append(buf, '\\', 't')
		default:
			buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}

// appendNumber appends the canonical spelling of the exact decimal value of
// num, which must be a valid JSON number. The value is reduced to a sign, a
// digit string without leading or trailing zeros and the position of the
// decimal point relative to those digits. It is then written the way
// ECMAScript's Number::toString writes doubles (plain notation when the point
// lies within 21 places of the digits' start or within six zeros after "0.",
// exponent notation otherwise), except that integers whose digits alone exceed
// 21 places are written plainly too, so that big integer identifiers stay
// readable. Output length is bounded by the number of significant digits plus
// a small constant, so exponents such as 1e1000000000 cost nothing.
func (p *jsonParser) appendNumber(dst, num []byte) []byte {
	// Most numbers in real documents are integers already in canonical form.
	if !bytes.Equal(num, []byte("-0")) && !bytes.ContainsAny(num, ".eE") &&
		(len(num) <= 21 || num[len(num)-1] != '0') {
		return append(dst, num...)
	}

	negative := num[0] == '-'
	if negative {
		num = num[1:]
	}
	mantissa, exponent := num, []byte(nil)
	if i := bytes.IndexAny(num, "eE"); i >= 0 {
		mantissa, exponent = num[:i], num[i+1:]
	}
	intPart, frac := mantissa, []byte(nil)
	if i := bytes.IndexByte(mantissa, '.'); i >= 0 {
		intPart, frac = mantissa[:i], mantissa[i+1:]
	}
	p.digits = append(append(p.digits[:0], intPart...), frac...)
	leadingZeros := len(p.digits) - len(bytes.TrimLeft(p.digits, "0"))
	digits := bytes.TrimRight(p.digits[leadingZeros:], "0")
	if len(digits) == 0 {
		return append(dst, '0')
	}
	// Without the exponent the value is 0.<digits> × 10^pointBase.
	pointBase := int64(len(intPart) - leadingZeros)

	if negative {
		dst = append(dst, '-')
	}
	expNegative := len(exponent) > 0 && exponent[0] == '-'
	expDigits := bytes.TrimLeft(bytes.TrimLeft(exponent, "+-"), "0")
	// Eighteen digits always fit in an int64, and adding pointBase (bounded
	// by the document length) cannot overflow it either.
	if len(expDigits) <= 18 {
		var exp int64
		for _, c := range expDigits {
			exp = exp*10 + int64(c-'0')
		}
		if expNegative {
			exp = -exp
		}
		return appendDecimal(dst, digits, pointBase+exp)
	}

	point, _ := new(big.Int).SetString(string(expDigits), 10)
	if expNegative {
		point.Neg(point)
	}
	point.Add(point, big.NewInt(pointBase))
	if point.IsInt64() {
		return appendDecimal(dst, digits, point.Int64())
	}
	dst = appendMantissa(dst, digits)
	point.Sub(point, big.NewInt(1))
	if point.Sign() > 0 {
		dst = append(dst, '+')
	}
	return point.Append(dst, 10)
}

// appendDecimal writes 0.<digits> × 10^point.
func appendDecimal(dst, digits []byte, point int64) []byte {
	k := int64(len(digits))
	switch {
	case point >= k && point <= 21:
		dst = append(dst, digits...)
		for range point - k {
			dst = append(dst, '0')
		}
	case point > 0 && point <= k:
		dst = append(dst, digits[:point]...)
		if point < k {
			dst = append(dst, '.')
			dst = append(dst, digits[point:]...)
		}
	case point > -6 && point <= 0:
		dst = append(dst, '0', '.')
		for range -point {
			dst = append(dst, '0')
		}
		dst = append(dst, digits...)
	default:
		dst = appendMantissa(dst, digits)
		exp := point - 1
		if exp > 0 {
			dst = append(dst, '+')
		}
		dst = strconv.AppendInt(dst, exp, 10)
	}
	return dst
}

// appendMantissa writes the digits as d[.ddd]e, ready for the exponent.
func appendMantissa(dst, digits []byte) []byte {
	dst = append(dst, digits[0])
	if len(digits) > 1 {
		dst = append(dst, '.')
		dst = append(dst, digits[1:]...)
	}
	return append(dst, 'e')
}
