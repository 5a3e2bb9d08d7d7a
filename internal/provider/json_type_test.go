package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestJSONSemanticallyEqual(t *testing.T) {
	t.Parallel()

	tests := map[string]struct {
		a, b    string
		want    bool
		wantErr string
	}{
		"identical":                   {a: `{"a":1}`, b: `{"a":1}`, want: true},
		"whitespace":                  {a: "{\n  \"a\" : [ 1 , 2 ]\r\n}\t", b: `{"a":[1,2]}`, want: true},
		"key order":                   {a: `{"a":1,"b":2,"c":3}`, b: `{"c":3,"a":1,"b":2}`, want: true},
		"nested key order":            {a: `{"x":{"b":[{"d":1,"c":2}],"a":null}}`, b: `{"x":{"a":null,"b":[{"c":2,"d":1}]}}`, want: true},
		"nested value differs":        {a: `{"x":{"b":[{"d":1,"c":2}]}}`, b: `{"x":{"b":[{"d":1,"c":3}]}}`, want: false},
		"array order matters":         {a: `[1,2]`, b: `[2,1]`, want: false},
		"array length matters":        {a: `[1,2]`, b: `[1,2,2]`, want: false},
		"number 1 and 1.0":            {a: `1`, b: `1.0`, want: true},
		"number 1 and 1e0":            {a: `1`, b: `1e0`, want: true},
		"number 1 and 10e-1":          {a: `1`, b: `10e-1`, want: true},
		"number 1 and 0.1e1":          {a: `1`, b: `0.1e1`, want: true},
		"number 1 and 1E+0":           {a: `1`, b: `1E+0`, want: true},
		"number 100 and 1e2":          {a: `100`, b: `1e2`, want: true},
		"number 0.0012 and 12e-4":     {a: `0.0012`, b: `12e-4`, want: true},
		"negative zero":               {a: `-0`, b: `0`, want: true},
		"negative zero spellings":     {a: `-0.0e5`, b: `0e-7`, want: true},
		"negative differs":            {a: `-1`, b: `1`, want: false},
		"big integers differ":         {a: `9007199254740993`, b: `9007199254740992`, want: false},
		"big integers equal":          {a: `9007199254740993`, b: `9007199254740993.000`, want: true},
		"long integers":               {a: `123456789012345678901234567890`, b: `1.2345678901234567890123456789e29`, want: true},
		"close decimals differ":       {a: `0.1`, b: `0.10000000000000001`, want: false},
		"trailing zero decimals":      {a: `0.1`, b: `0.100000`, want: true},
		"huge exponent":               {a: `1e400`, b: `10e399`, want: true},
		"huge exponent differs":       {a: `1e400`, b: `1e401`, want: false},
		"tiny exponent":               {a: `1e-400`, b: `0.01e-398`, want: true},
		"tiny exponent differs":       {a: `1e-400`, b: `1e-401`, want: false},
		"enormous exponent":           {a: `1e1000000000`, b: `0.1e1000000001`, want: true},
		"exponent beyond int64":       {a: `1e99999999999999999999`, b: `10e99999999999999999998`, want: true},
		"exponent beyond int64 diff":  {a: `1e99999999999999999999`, b: `1e99999999999999999998`, want: false},
		"negative exponent beyond":    {a: `-5e-99999999999999999999`, b: `-50e-100000000000000000000`, want: true},
		"leading zero exponent":       {a: `1e0000000000000000000000002`, b: `100`, want: true},
		"number vs string":            {a: `1`, b: `"1"`, want: false},
		"unicode escape":              {a: `"\u0041"`, b: `"A"`, want: true},
		"surrogate pair":              {a: `"\ud83d\ude00"`, b: `"😀"`, want: true},
		"escaped slash":               {a: `"a\/b"`, b: `"a/b"`, want: true},
		"escaped key":                 {a: `{"\u0061":1}`, b: `{"a":1}`, want: true},
		"string case differs":         {a: `"a"`, b: `"A"`, want: false},
		"empty object vs empty array": {a: `{}`, b: `[]`, want: false},
		"empty object vs null":        {a: `{}`, b: `null`, want: false},
		"null vs missing member":      {a: `{"a":null}`, b: `{}`, want: false},
		"false vs null":               {a: `false`, b: `null`, want: false},
		"true vs 1":                   {a: `true`, b: `1`, want: false},
		"empty string vs null":        {a: `""`, b: `null`, want: false},
		"invalid left":                {a: `{`, b: `{}`, wantErr: "unexpected end of JSON input"},
		"invalid right":               {a: `{}`, b: `{,}`, wantErr: "invalid character ','"},
		"identical invalid":           {a: `nope`, b: `nope`, wantErr: "invalid character 'o'"},
		"duplicate key":               {a: `{"a":1,"a":1}`, b: `{"a":1}`, wantErr: `duplicate object key "a"`},
		"duplicate escaped key":       {a: `{"a":1,"\u0061":2}`, b: `{"a":2}`, wantErr: `duplicate object key "a"`},
		"trailing data":               {a: `{} {}`, b: `{}`, wantErr: "after top-level value"},
		"NaN":                         {a: `NaN`, b: `NaN`, wantErr: "invalid character 'N'"},
		"Infinity":                    {a: `[Infinity]`, b: `[1]`, wantErr: "invalid character 'I'"},
	}

	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			got, err := JSONSemanticallyEqual([]byte(tc.a), []byte(tc.b))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
				}
				if got {
					t.Fatal("invalid documents reported equal")
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if got != tc.want {
				t.Fatalf("JSONSemanticallyEqual(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
			if reversed, _ := JSONSemanticallyEqual([]byte(tc.b), []byte(tc.a)); reversed != got {
				t.Fatalf("comparison is not symmetric")
			}
			ca, _ := CanonicalJSON([]byte(tc.a))
			cb, _ := CanonicalJSON([]byte(tc.b))
			if bytes.Equal(ca, cb) != got {
				t.Fatalf("canonical forms %s and %s disagree with the comparison", ca, cb)
			}
		})
	}
}

func TestJSONValueStringSemanticEquals(t *testing.T) {
	t.Parallel()

	tests := map[string]struct {
		value basetypes.StringValuableWithSemanticEquals
		other basetypes.StringValuable
		want  bool
	}{
		"equal meaning":           {value: NewJSONValue(`{"b":1,"a":[true]}`), other: NewJSONValue(`{ "a": [ true ], "b": 1.0 }`), want: true},
		"different meaning":       {value: NewJSONValue(`{"a":1}`), other: NewJSONValue(`{"a":2}`), want: false},
		"new value invalid":       {value: NewJSONValue(`{"a":}`), other: NewJSONValue(`{"a":1}`), want: false},
		"prior value invalid":     {value: NewJSONValue(`{"a":1}`), other: NewJSONValue(`{"a":1`), want: false},
		"both null":               {value: NewJSONNull(), other: NewJSONNull(), want: true},
		"null and empty object":   {value: NewJSONNull(), other: NewJSONValue(`{}`), want: false},
		"unknown and known":       {value: NewJSONUnknown(), other: NewJSONValue(`{}`), want: false},
		"plain string other":      {value: NewJSONValue(`[1]`), other: basetypes.NewStringValue(`[1.0]`), want: true},
		"object equal meaning":    {value: NewJSONObjectValue(`{"x":1e2,"y":"\u00e9"}`), other: NewJSONObjectValue(`{"y":"é","x":100}`), want: true},
		"object different":        {value: NewJSONObjectValue(`{"x":1}`), other: NewJSONObjectValue(`{"x":1,"y":2}`), want: false},
		"object both null":        {value: NewJSONObjectNull(), other: NewJSONObjectNull(), want: true},
		"object unknown and null": {value: NewJSONObjectUnknown(), other: NewJSONObjectNull(), want: false},
	}

	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			got, diags := tc.value.StringSemanticEquals(context.Background(), tc.other)
			if diags.HasError() {
				t.Fatalf("unexpected diagnostics: %v", diags)
			}
			if got != tc.want {
				t.Fatalf("StringSemanticEquals = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestJSONValueValidateAttribute(t *testing.T) {
	t.Parallel()

	attrPath := path.Root("entries").AtMapKey("player_1").AtName("value")

	tests := map[string]struct {
		value       xattr.ValidateableAttribute
		wantSummary string
		wantDetail  []string
	}{
		"valid object":          {value: NewJSONValue(`{"a":[1,2,{"b":null}]}`)},
		"valid array":           {value: NewJSONValue(`[1, "two", 3.0]`)},
		"valid string":          {value: NewJSONValue(`"hello"`)},
		"valid number":          {value: NewJSONValue(`-12.5e3`)},
		"valid literal":         {value: NewJSONValue(`null`)},
		"surrounding space":     {value: NewJSONValue(" \n{}\n ")},
		"null value":            {value: NewJSONNull()},
		"unknown value":         {value: NewJSONUnknown()},
		"object null value":     {value: NewJSONObjectNull()},
		"object unknown value":  {value: NewJSONObjectUnknown()},
		"object valid":          {value: NewJSONObjectValue(`{"coins": 10}`)},
		"object valid empty":    {value: NewJSONObjectValue(` {} `)},
		"trailing comma object": {value: NewJSONValue(`{"a": 1, }`), wantSummary: "Invalid JSON Value", wantDetail: []string{"value is not valid JSON: invalid character '}'", "line 1, column 10 (byte offset 9)", "jsonencode"}},
		"trailing comma array":  {value: NewJSONValue(`[1,]`), wantSummary: "Invalid JSON Value", wantDetail: []string{"invalid character ']'", "byte offset 3"}},
		"second line":           {value: NewJSONValue("{\n  \"a\": tru\n}"), wantSummary: "Invalid JSON Value", wantDetail: []string{"invalid character '\\n' in literal true", "line 2, column 11 (byte offset 12)"}},
		"column counts runes":   {value: NewJSONValue(`["é", x]`), wantSummary: "Invalid JSON Value", wantDetail: []string{"invalid character 'x'", "line 1, column 7 (byte offset 7)"}},
		"truncated":             {value: NewJSONValue(`{"a": [1, 2`), wantSummary: "Invalid JSON Value", wantDetail: []string{"unexpected end of JSON input", "byte offset 11"}},
		"empty":                 {value: NewJSONValue(``), wantSummary: "Invalid JSON Value", wantDetail: []string{"the document is empty"}},
		"whitespace only":       {value: NewJSONValue(" \n "), wantSummary: "Invalid JSON Value", wantDetail: []string{"the document is empty"}},
		"trailing data":         {value: NewJSONValue(`{"a":1} {"b":2}`), wantSummary: "Invalid JSON Value", wantDetail: []string{"after top-level value", "byte offset 8"}},
		"trailing garbage":      {value: NewJSONValue(`[1]]`), wantSummary: "Invalid JSON Value", wantDetail: []string{"invalid character ']' after top-level value"}},
		"NaN":                   {value: NewJSONValue(`{"a": NaN}`), wantSummary: "Invalid JSON Value", wantDetail: []string{"invalid character 'N'"}},
		"Infinity":              {value: NewJSONValue(`-Infinity`), wantSummary: "Invalid JSON Value", wantDetail: []string{"invalid character 'I'"}},
		"single quotes":         {value: NewJSONValue(`{'a': 1}`), wantSummary: "Invalid JSON Value", wantDetail: []string{"invalid character '\\''"}},
		"unquoted key":          {value: NewJSONValue(`{a: 1}`), wantSummary: "Invalid JSON Value", wantDetail: []string{"invalid character 'a'"}},
		"leading zero":          {value: NewJSONValue(`01`), wantSummary: "Invalid JSON Value", wantDetail: []string{"after top-level value"}},
		"raw control character": {value: NewJSONValue("\"a\tb\""), wantSummary: "Invalid JSON Value", wantDetail: []string{"in string literal"}},
		"bad escape":            {value: NewJSONValue(`"\x41"`), wantSummary: "Invalid JSON Value", wantDetail: []string{"in string escape code"}},
		"duplicate key":         {value: NewJSONValue(`{"a": 1, "b": {"c": 1, "c": 2}}`), wantSummary: "Invalid JSON Value", wantDetail: []string{`duplicate object key "c" at line 1, column 24 (byte offset 23) (first defined at line 1, column 16 (byte offset 15))`}},
		"object array":          {value: NewJSONObjectValue(`[{"a":1}]`), wantSummary: "Invalid JSON Object", wantDetail: []string{"value must be a JSON object, but it is an array", "jsonencode({"}},
		"object string":         {value: NewJSONObjectValue(`"{}"`), wantSummary: "Invalid JSON Object", wantDetail: []string{"but it is a string"}},
		"object number":         {value: NewJSONObjectValue(`42`), wantSummary: "Invalid JSON Object", wantDetail: []string{"but it is a number"}},
		"object bool":           {value: NewJSONObjectValue(`true`), wantSummary: "Invalid JSON Object", wantDetail: []string{"but it is a boolean"}},
		"object literal null":   {value: NewJSONObjectValue(`null`), wantSummary: "Invalid JSON Object", wantDetail: []string{"but it is null"}},
		"object invalid JSON":   {value: NewJSONObjectValue(`{"a":`), wantSummary: "Invalid JSON Value", wantDetail: []string{"unexpected end of JSON input"}},
	}

	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			resp := xattr.ValidateAttributeResponse{}
			tc.value.ValidateAttribute(context.Background(), xattr.ValidateAttributeRequest{Path: attrPath}, &resp)

			if tc.wantSummary == "" {
				if len(resp.Diagnostics) != 0 {
					t.Fatalf("unexpected diagnostics: %v", resp.Diagnostics)
				}
				return
			}
			if len(resp.Diagnostics) != 1 {
				t.Fatalf("got %d diagnostics, want 1: %v", len(resp.Diagnostics), resp.Diagnostics)
			}
			d := resp.Diagnostics[0]
			if d.Severity() != diag.SeverityError {
				t.Errorf("severity = %v, want error", d.Severity())
			}
			if d.Summary() != tc.wantSummary {
				t.Errorf("summary = %q, want %q", d.Summary(), tc.wantSummary)
			}
			for _, want := range tc.wantDetail {
				if !strings.Contains(d.Detail(), want) {
					t.Errorf("detail %q does not contain %q", d.Detail(), want)
				}
			}
			withPath, ok := d.(diag.DiagnosticWithPath)
			if !ok || !withPath.Path().Equal(attrPath) {
				t.Errorf("diagnostic is not attached to %s: %#v", attrPath, d)
			}
		})
	}
}

func TestJSONTypeValueFromTerraform(t *testing.T) {
	t.Parallel()

	ctx := context.Background()
	tests := map[string]struct {
		typ  attr.Type
		in   tftypes.Value
		want attr.Value
	}{
		"known":          {typ: JSONType{}, in: tftypes.NewValue(tftypes.String, `{"a":1}`), want: NewJSONValue(`{"a":1}`)},
		"null":           {typ: JSONType{}, in: tftypes.NewValue(tftypes.String, nil), want: NewJSONNull()},
		"unknown":        {typ: JSONType{}, in: tftypes.NewValue(tftypes.String, tftypes.UnknownValue), want: NewJSONUnknown()},
		"object known":   {typ: JSONObjectType{}, in: tftypes.NewValue(tftypes.String, `{}`), want: NewJSONObjectValue(`{}`)},
		"object null":    {typ: JSONObjectType{}, in: tftypes.NewValue(tftypes.String, nil), want: NewJSONObjectNull()},
		"object unknown": {typ: JSONObjectType{}, in: tftypes.NewValue(tftypes.String, tftypes.UnknownValue), want: NewJSONObjectUnknown()},
	}

	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			got, err := tc.typ.ValueFromTerraform(ctx, tc.in)
			if err != nil {
				t.Fatalf("ValueFromTerraform: %v", err)
			}
			if !got.Equal(tc.want) {
				t.Fatalf("ValueFromTerraform = %#v, want %#v", got, tc.want)
			}
			if !got.Type(ctx).Equal(tc.typ) {
				t.Fatalf("value type %s does not match %s", got.Type(ctx), tc.typ)
			}
			if zero := tc.typ.ValueType(ctx); fmt.Sprintf("%T", zero) != fmt.Sprintf("%T", got) {
				t.Fatalf("ValueType is %T, values are %T", zero, got)
			}
			back, err := got.ToTerraformValue(ctx)
			if err != nil {
				t.Fatalf("ToTerraformValue: %v", err)
			}
			if !back.Equal(tc.in) {
				t.Fatalf("round trip gave %s, want %s", back, tc.in)
			}
		})
	}

	if _, err := (JSONType{}).ValueFromTerraform(ctx, tftypes.NewValue(tftypes.Number, big.NewFloat(1))); err == nil {
		t.Error("a Terraform number was accepted as JSON text")
	}
}

func TestJSONTypeEquality(t *testing.T) {
	t.Parallel()

	if !(JSONType{}).Equal(JSONType{}) || !(JSONObjectType{}).Equal(JSONObjectType{}) {
		t.Error("types are not equal to themselves")
	}
	if (JSONType{}).Equal(JSONObjectType{}) || (JSONObjectType{}).Equal(JSONType{}) {
		t.Error("JSON and JSON object types are interchangeable")
	}
	if (JSONType{}).Equal(basetypes.StringType{}) {
		t.Error("JSONType equals the plain string type")
	}
	if NewJSONValue(`{}`).Equal(NewJSONObjectValue(`{}`)) || NewJSONValue(`{}`).Equal(basetypes.NewStringValue(`{}`)) {
		t.Error("values of different types are equal")
	}
	if NewJSONValue(`{"a":1}`).Equal(NewJSONValue(`{"a": 1}`)) {
		t.Error("Equal must compare text exactly; meaning is for StringSemanticEquals")
	}
}

func TestJSONCanonical(t *testing.T) {
	t.Parallel()

	tests := map[string]struct {
		in, want string
	}{
		"sorted keys":       {in: `{ "b": 1, "a": { "d": [ ], "c": { } } }`, want: `{"a":{"c":{},"d":[]},"b":1}`},
		"byte order keys":   {in: `{"b":0,"B":0,"é":0,"a":0,"":0}`, want: `{"":0,"B":0,"a":0,"b":0,"é":0}`},
		"literals":          {in: `[true, false, null]`, want: `[true,false,null]`},
		"string escapes":    {in: `"\"\\\/\b\f\n\r\t\u0001\u001f\u007f<>&\u2028é"`, want: "\"\\\"\\\\/\\b\\f\\n\\r\\t\\u0001\\u001f\u007f<>&\u2028é\""},
		"lone surrogate":    {in: `"\ud800"`, want: "\"\ufffd\""},
		"invalid utf8":      {in: "\"a\xffb\"", want: "\"a\ufffdb\""},
		"zero":              {in: `-0.000e-3`, want: `0`},
		"integer":           {in: `1200`, want: `1200`},
		"integer exp":       {in: `12e2`, want: `1200`},
		"21 digits":         {in: `1e20`, want: `100000000000000000000`},
		"22 digits":         {in: `1e21`, want: `1e+21`},
		"long integer":      {in: `12345678901234567890123456789`, want: `12345678901234567890123456789`},
		"long integer pad":  {in: `12345678901234567890123456789e2`, want: `1.2345678901234567890123456789e+30`},
		"decimal":           {in: `1.50`, want: `1.5`},
		"decimal exp":       {in: `-150e-2`, want: `-1.5`},
		"small decimal":     {in: `0.000001`, want: `0.000001`},
		"smaller decimal":   {in: `0.0000001`, want: `1e-7`},
		"smaller mantissa":  {in: `0.00000012`, want: `1.2e-7`},
		"huge":              {in: `1e400`, want: `1e+400`},
		"tiny":              {in: `-25e-401`, want: `-2.5e-400`},
		"exponent too big":  {in: `7e123456789012345678901234567890`, want: `7e+123456789012345678901234567890`},
		"exponent too neg":  {in: `7.5e-123456789012345678901234567890`, want: `7.5e-123456789012345678901234567890`},
		"exponent back":     {in: `1000e-00000000000000000000000000003`, want: `1`},
		"exponent plus":     {in: `1E+2`, want: `100`},
		"long fraction":     {in: `0.10000000000000000000000000000000000001`, want: `0.10000000000000000000000000000000000001`},
		"mixed document":    {in: "{\"z\": [1.0, \"x\"], \"a\": {\"k\": -0}}", want: `{"a":{"k":0},"z":[1,"x"]}`},
		"surrounding space": {in: " \t\n\"s\"\r\n", want: `"s"`},
	}

	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			got, err := CanonicalJSON([]byte(tc.in))
			if err != nil {
				t.Fatalf("CanonicalJSON: %v", err)
			}
			if string(got) != tc.want {
				t.Fatalf("CanonicalJSON(%s) = %s, want %s", tc.in, got, tc.want)
			}
			if !json.Valid(got) {
				t.Fatalf("canonical form %s is not valid JSON", got)
			}
			again, err := CanonicalJSON(got)
			if err != nil || !bytes.Equal(again, got) {
				t.Fatalf("CanonicalJSON is not idempotent: %s -> %s (%v)", got, again, err)
			}
		})
	}
}

func TestJSONCanonicalRejectsDeepNesting(t *testing.T) {
	t.Parallel()

	deep := func(n int) []byte {
		return []byte(strings.Repeat(`{"a":[`, n) + strings.Repeat(`]}`, n))
	}
	if _, err := CanonicalJSON(deep(4999)); err != nil {
		t.Fatalf("9998 levels of nesting rejected: %v", err)
	}
	_, err := CanonicalJSON(deep(6000))
	if err == nil || !strings.Contains(err.Error(), "exceeded max depth") {
		t.Fatalf("12000 levels of nesting: error = %v, want a depth error", err)
	}
}

// TestJSONCanonicalNumberMatchesRational checks the decimal reduction against
// exact rational arithmetic over many spellings of nearby values.
func TestJSONCanonicalNumberMatchesRational(t *testing.T) {
	t.Parallel()

	mantissas := []string{"0", "-0", "1", "-1", "10", "100", "0.1", "0.10", "1.0", "12.5", "125", "0.0125", "9007199254740993", "9007199254740992", "0.10000000000000001", "0.5", "5"}
	exponents := []string{"", "e0", "E+0", "e1", "e-1", "e2", "e-2", "E-3", "e21", "e22", "e-7", "e-6", "e400", "e-400", "e017"}
	var numbers []string
	for _, m := range mantissas {
		for _, e := range exponents {
			numbers = append(numbers, m+e)
		}
	}

	rats := make([]*big.Rat, len(numbers))
	canon := make([]string, len(numbers))
	for i, n := range numbers {
		r, ok := new(big.Rat).SetString(n)
		if !ok {
			t.Fatalf("big.Rat cannot parse %s", n)
		}
		rats[i] = r
		canon[i] = canonicalNumber(n)
		back, ok := new(big.Rat).SetString(canon[i])
		if !ok || back.Cmp(r) != 0 {
			t.Fatalf("canonicalNumber(%s) = %s changes the value", n, canon[i])
		}
	}
	for i := range numbers {
		for j := range numbers {
			if (rats[i].Cmp(rats[j]) == 0) != (canon[i] == canon[j]) {
				t.Fatalf("%s and %s: rational equality %v, canonical forms %s and %s",
					numbers[i], numbers[j], rats[i].Cmp(rats[j]) == 0, canon[i], canon[j])
			}
		}
	}
}

// TestJSONSemanticallyEqualMatchesCanonicalBytes checks, over every pair of a
// corpus, that comparing and canonicalizing agree.
func TestJSONSemanticallyEqualMatchesCanonicalBytes(t *testing.T) {
	t.Parallel()

	corpus := []string{
		`{}`, `[]`, `null`, `0`, `-0`, `0.0`, `1`, `1.0`, `1e0`, `2`, `""`, `"a"`, `"\u0061"`,
		`{"a":1}`, `{"a":1.0}`, `{ "a" : 1 }`, `{"a":2}`, `{"b":1}`, `{"a":1,"b":2}`, `{"b":2,"a":1}`,
		`[1,2]`, `[2,1]`, `[1.0,2e0]`, `[[]]`, `[{}]`, `{"a":[]}`, `{"a":{}}`, `{"a":null}`,
		`1e400`, `10e399`, `1e-400`, `"1"`, `true`, `false`,
	}
	for _, a := range corpus {
		ca, err := CanonicalJSON([]byte(a))
		if err != nil {
			t.Fatalf("CanonicalJSON(%s): %v", a, err)
		}
		for _, b := range corpus {
			cb, err := CanonicalJSON([]byte(b))
			if err != nil {
				t.Fatalf("CanonicalJSON(%s): %v", b, err)
			}
			eq, err := JSONSemanticallyEqual([]byte(a), []byte(b))
			if err != nil {
				t.Fatalf("JSONSemanticallyEqual(%s, %s): %v", a, b, err)
			}
			if eq != bytes.Equal(ca, cb) {
				t.Fatalf("JSONSemanticallyEqual(%s, %s) = %v, canonical forms %s and %s", a, b, eq, ca, cb)
			}
		}
	}
}

// largeDocuments renders the same random tree twice with different
// spellings: member order reversed, indentation, escaped strings and numbers
// with a shifted exponent.
func largeDocuments(size int) (a, b []byte) {
	r := rand.New(rand.NewPCG(1, 2))
	var bufA, bufB bytes.Buffer
	var gen func(depth int)
	gen = func(depth int) {
		switch k := r.IntN(10); {
		case depth < 6 && k < 2:
			n := r.IntN(12)
			type member struct{ keyA, keyB string }
			members := make([]member, n)
			values := make([][2][]byte, n)
			for i := range members {
				key := "key_" + strconv.Itoa(i) + "_" + strconv.Itoa(r.IntN(1000))
				members[i] = member{keyA: strconv.Quote(key), keyB: `"\u006b` + key[1:] + `"`}
				startA, startB := bufA.Len(), bufB.Len()
				gen(depth + 1)
				values[i] = [2][]byte{bytes.Clone(bufA.Bytes()[startA:]), bytes.Clone(bufB.Bytes()[startB:])}
				bufA.Truncate(startA)
				bufB.Truncate(startB)
			}
			bufA.WriteByte('{')
			bufB.WriteString("{\n")
			for i := range members {
				if i > 0 {
					bufA.WriteByte(',')
				}
				bufA.WriteString(members[i].keyA + ":")
				bufA.Write(values[i][0])
			}
			for i := n - 1; i >= 0; i-- {
				bufB.WriteString("  " + members[i].keyB + " : ")
				bufB.Write(values[i][1])
				if i > 0 {
					bufB.WriteString(",\n")
				}
			}
			bufA.WriteByte('}')
			bufB.WriteString("\n}")
		case depth < 6 && k < 4:
			n := r.IntN(12)
			bufA.WriteByte('[')
			bufB.WriteString("[ ")
			for i := range n {
				if i > 0 {
					bufA.WriteByte(',')
					bufB.WriteString(" , ")
				}
				gen(depth + 1)
			}
			bufA.WriteByte(']')
			bufB.WriteString(" ]")
		case k < 7:
			m, e := r.Int64N(1e15)-5e14, r.IntN(800)-400
			fmt.Fprintf(&bufA, "%de%d", m, e)
			fmt.Fprintf(&bufB, "%d0E%+d", m, e-1)
		case k < 9:
			s := "player \"" + strconv.Itoa(r.IntN(1e6)) + "\" é\n"
			bufA.WriteString(strconv.Quote(s))
			bufB.WriteString(`"\u0070` + strconv.Quote(s)[2:])
		default:
			lit := []string{"true", "false", "null"}[r.IntN(3)]
			bufA.WriteString(lit)
			bufB.WriteString(lit)
		}
	}

	bufA.WriteByte('[')
	bufB.WriteByte('[')
	for bufA.Len() < size {
		if bufA.Len() > 1 {
			bufA.WriteByte(',')
			bufB.WriteString(",\n")
		}
		gen(0)
	}
	bufA.WriteByte(']')
	bufB.WriteByte(']')
	return bufA.Bytes(), bufB.Bytes()
}

// TestJSONSemanticallyEqualLargeDocument bounds the time to compare
// documents of about 4 MiB. The bound is far above the expected time, so it
// only catches super-linear behaviour; the test and its cases run serially and
// the best of a few attempts counts, so that a busy machine does not fail it.
func TestJSONSemanticallyEqualLargeDocument(t *testing.T) {
	if instrumentedBuild() {
		t.Skip("the race detector and sanitizers slow the code down too much for a time bound")
	}

	a, b := largeDocuments(4 << 20)
	mutated := bytes.Replace(b, []byte(`"\u0070layer`), []byte(`"\u0050layer`), 1)

	// Deep nesting with a large sibling at every level catches work that grows
	// with depth times size.
	const levels = 4000
	pad := strings.Repeat("x", 1000)
	deepA := []byte(strings.Repeat(`{"pad":"`+pad+`","next":`, levels) + "0" + strings.Repeat("}", levels))
	deepB := []byte(strings.Repeat(`{"next":`, levels) + "0.0" + strings.Repeat(`,"pad":"`+pad+`"}`, levels))

	var wideA, wideB bytes.Buffer
	const keys = 200000
	wideA.WriteByte('{')
	wideB.WriteByte('{')
	for i := range keys {
		if i > 0 {
			wideA.WriteByte(',')
			wideB.WriteByte(',')
		}
		fmt.Fprintf(&wideA, `"key%07d":%d`, i, i)
		fmt.Fprintf(&wideB, `"key%07d":%de0`, keys-1-i, keys-1-i)
	}
	wideA.WriteByte('}')
	wideB.WriteByte('}')

	escapedA := []byte(`"` + strings.Repeat(`\u00e9\n\"`, 1<<18) + `"`)
	escapedB := []byte(`"` + strings.Repeat("é\\n\\\"", 1<<18) + `"`)

	tests := []struct {
		name string
		a, b []byte
		want bool
	}{
		{name: "respelled", a: a, b: b, want: true},
		{name: "one change", a: a, b: mutated, want: false},
		{name: "deep nesting", a: deepA, b: deepB, want: true},
		{name: "deep vs large", a: deepA, b: a, want: false},
		{name: "wide object", a: wideA.Bytes(), b: wideB.Bytes(), want: true},
		{name: "escaped string", a: escapedA, b: escapedB, want: true},
	}

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			best := time.Duration(math.MaxInt64)
			for range 3 {
				start := time.Now()
				got, err := JSONSemanticallyEqual(tc.a, tc.b)
				best = min(best, time.Since(start))
				if err != nil {
					t.Fatalf("JSONSemanticallyEqual: %v", err)
				}
				if got != tc.want {
					t.Fatalf("JSONSemanticallyEqual = %v, want %v", got, tc.want)
				}
				if best < 2*time.Second {
					break
				}
			}
			t.Logf("compared %d and %d bytes in %v", len(tc.a), len(tc.b), best)
			if best >= 2*time.Second {
				t.Fatalf("comparison took %v, which suggests super-linear behaviour", best)
			}
		})
	}
}

// instrumentedBuild reports whether the test binary was built with the race
// detector or a sanitizer.
func instrumentedBuild() bool {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, setting := range info.Settings {
		switch setting.Key {
		case "-race", "-asan", "-msan":
			if setting.Value == "true" {
				return true
			}
		}
	}
	return false
}

func BenchmarkJSONSemanticallyEqual(b *testing.B) {
	docA, docB := largeDocuments(4 << 20)
	b.SetBytes(int64(len(docA) + len(docB)))
	for b.Loop() {
		if eq, err := JSONSemanticallyEqual(docA, docB); err != nil || !eq {
			b.Fatalf("JSONSemanticallyEqual = %v, %v", eq, err)
		}
	}
}

func FuzzJSONSemanticEquals(f *testing.F) {
	for _, seed := range []string{
		`{}`, `[]`, `null`, `true`, `-0`, `1.0e+2`, `1e400`, `-1e-400`, `1e99999999999999999999`,
		`9007199254740993`, `0.10000000000000001`, `"\u0041\ud83d\ude00\ud800"`, "\"\xff\"",
		`{"b":[1,{"d":null,"c":"x"}],"a":0.5}`, `{"a":1,"a":2}`, `[1,]`, `{"a":1} x`, `NaN`,
		` [ "<&>" , "\u2028" , "\t" ] `, `[[[[[[[[[[]]]]]]]]]]`,
	} {
		f.Add([]byte(seed))
	}

	f.Fuzz(func(t *testing.T, doc []byte) {
		canon, err := CanonicalJSON(doc)
		selfEqual, selfErr := JSONSemanticallyEqual(doc, doc)
		if err != nil {
			if selfEqual || selfErr == nil {
				t.Fatalf("invalid document %q (%v) compared equal to itself", doc, err)
			}
			if json.Valid(doc) && !strings.Contains(err.Error(), "duplicate object key") {
				t.Fatalf("valid document %q rejected: %v", doc, err)
			}
			return
		}
		if !json.Valid(doc) {
			t.Fatalf("invalid document %q accepted", doc)
		}
		if !selfEqual || selfErr != nil {
			t.Fatalf("document %q not equal to itself: %v", doc, selfErr)
		}
		if !json.Valid(canon) {
			t.Fatalf("canonical form %q of %q is not valid JSON", canon, doc)
		}
		if again, err := CanonicalJSON(canon); err != nil || !bytes.Equal(again, canon) {
			t.Fatalf("not idempotent: %q -> %q -> %q (%v)", doc, canon, again, err)
		}
		if eq, err := JSONSemanticallyEqual(doc, canon); !eq || err != nil {
			t.Fatalf("%q not equal to its canonical form %q: %v", doc, canon, err)
		}

		dec := json.NewDecoder(bytes.NewReader(doc))
		dec.UseNumber()
		var decoded any
		if err := dec.Decode(&decoded); err != nil {
			t.Fatalf("encoding/json cannot decode accepted document %q: %v", doc, err)
		}
		indented, err := json.MarshalIndent(decoded, "", "  ")
		if err != nil {
			t.Fatalf("re-encoding %q: %v", doc, err)
		}
		if eq, err := JSONSemanticallyEqual(doc, indented); !eq || err != nil {
			t.Fatalf("%q not equal to its re-encoding %q: %v", doc, indented, err)
		}
	})
}

func canonicalNumber(s string) string {
	var p jsonParser
	return string(p.appendNumber(nil, []byte(s)))
}
