package engine

import (
	"fmt"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/go-querystring/query"
)

// encodeQuery returns the encoded query of q, a go-querystring struct (or
// a pointer to one), exactly as query.Values(q).Encode() would. The query
// structs of the services are plain (string, integer and boolean fields,
// string slices, [QueryTime] and other go-querystring Encoders, with at
// most the omitempty option): for such a type the fields are read in a
// plan made once per type and written straight into the query string,
// without go-querystring's reflection over the tags and its url.Values on
// every call. Any other type, and a value whose Encoder writes under
// another key than its own, is encoded by go-querystring itself.
func encodeQuery(q any) (string, error) {
	if plan := queryPlanOf(reflect.TypeOf(q)); plan != nil {
		v := reflect.ValueOf(q)
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return "", nil
			}
			v = v.Elem()
		}
		if raw, ok, err := plan.encode(v); ok || err != nil {
			return raw, err
		}
	}
	v, err := query.Values(q)
	if err != nil {
		return "", err
	}
	return v.Encode(), nil
}

// queryPlan is how a plain query struct type encodes: its fields in the
// order url.Values.Encode writes them (by key, a stable sort).
type queryPlan struct {
	fields []queryField
}

// queryField is one field of a queryPlan.
type queryField struct {
	index     int
	name      string // the key, which url.Values.Encode sorts by
	key       string // the key escaped
	kind      queryKind
	omitEmpty bool
}

type queryKind uint8

const (
	queryString queryKind = iota
	queryInt
	queryUint
	queryBool
	queryStrings
	queryTime    // QueryTime: omitted when zero, whatever the options
	queryEncoder // another query.Encoder
)

// queryPlans caches a *queryPlan, or nil for a type go-querystring
// encodes, per type.
var queryPlans sync.Map

var (
	queryTimeType = reflect.TypeFor[QueryTime]()
	encoderType   = reflect.TypeFor[query.Encoder]()
	stringerType  = reflect.TypeFor[fmt.Stringer]()
	formatterType = reflect.TypeFor[fmt.Formatter]()
	errorType     = reflect.TypeFor[error]()
)

// queryPlanOf returns the plan of t, a query struct or a pointer to one,
// or nil when go-querystring must encode it.
func queryPlanOf(t reflect.Type) *queryPlan {
	if t == nil {
		return nil
	}
	if p, ok := queryPlans.Load(t); ok {
		plan, _ := p.(*queryPlan)
		return plan
	}
	plan := makeQueryPlan(t)
	queryPlans.Store(t, plan)
	return plan
}

// makeQueryPlan returns the plan of t, or nil when t uses anything the plan
// does not know: embedded or nested structs, pointers, maps, floats, other
// slices, time.Time, tag options other than omitempty, the del tag, an
// Encoder of another kind or by pointer, a type that formats itself for
// fmt, or a key used twice.
func makeQueryPlan(t reflect.Type) *queryPlan {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	plan := &queryPlan{}
	seen := map[string]bool{}
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			return nil
		}
		tag := sf.Tag.Get("url")
		if sf.PkgPath != "" || tag == "-" {
			continue // unexported or skipped, as go-querystring does
		}
		name, opts, _ := strings.Cut(tag, ",")
		if opts != "" && opts != "omitempty" || sf.Tag.Get("del") != "" {
			return nil
		}
		if name == "" {
			name = sf.Name
		}
		kind, ok := queryKindOf(sf.Type)
		if !ok || seen[name] {
			return nil
		}
		seen[name] = true
		plan.fields = append(plan.fields, queryField{index: i, name: name, key: queryEscape(name), kind: kind, omitEmpty: opts == "omitempty"})
	}
	sort.SliceStable(plan.fields, func(a, b int) bool { return plan.fields[a].name < plan.fields[b].name })
	return plan
}

// queryKindOf returns how a field of type t encodes, and false when the
// plan does not know it.
func queryKindOf(t reflect.Type) (queryKind, bool) {
	if t == queryTimeType {
		return queryTime, true
	}
	if t.Implements(encoderType) {
		switch t.Kind() {
		case reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Bool, reflect.Struct:
			return queryEncoder, true
		}
		return 0, false
	}
	if customFormat(t) {
		return 0, false
	}
	switch t.Kind() {
	case reflect.String:
		return queryString, true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return queryInt, true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return queryUint, true
	case reflect.Bool:
		return queryBool, true
	case reflect.Slice:
		if t.Elem().Kind() == reflect.String && !customFormat(t.Elem()) {
			return queryStrings, true
		}
	}
	return 0, false
}

// customFormat reports whether values of t encode other than by their
// kind: a go-querystring Encoder, or a type fmt prints by its own method.
func customFormat(t reflect.Type) bool {
	for _, i := range [...]reflect.Type{encoderType, stringerType, formatterType, errorType} {
		if t.Implements(i) || reflect.PointerTo(t).Implements(i) {
			return true
		}
	}
	return false
}

// encode writes the query of v, a struct of the plan's type. ok is false
// when an Encoder wrote under another key than its own: go-querystring
// must encode v then.
func (p *queryPlan) encode(v reflect.Value) (raw string, ok bool, err error) {
	b := make([]byte, 0, 256)
	add := func(key string) {
		if len(b) > 0 {
			b = append(b, '&')
		}
		b = append(b, key...)
		b = append(b, '=')
	}
	for _, f := range p.fields {
		fv := v.Field(f.index)
		switch f.kind {
		case queryString:
			if s := fv.String(); s != "" || !f.omitEmpty {
				add(f.key)
				b = appendQueryEscape(b, s)
			}
		case queryInt:
			if n := fv.Int(); n != 0 || !f.omitEmpty {
				add(f.key)
				b = strconv.AppendInt(b, n, 10)
			}
		case queryUint:
			if n := fv.Uint(); n != 0 || !f.omitEmpty {
				add(f.key)
				b = strconv.AppendUint(b, n, 10)
			}
		case queryBool:
			if on := fv.Bool(); on || !f.omitEmpty {
				add(f.key)
				b = strconv.AppendBool(b, on)
			}
		case queryStrings:
			for i := range fv.Len() {
				add(f.key)
				b = appendQueryEscape(b, fv.Index(i).String())
			}
		case queryTime:
			qt, _ := fv.Interface().(QueryTime) // no copy: fv is not addressable
			if t := time.Time(qt); !t.IsZero() {
				add(f.key)
				b = appendQueryEscape(b, FormatQueryTime(t))
			}
		case queryEncoder:
			if f.omitEmpty && queryEmpty(fv) {
				continue
			}
			vals, mine, err := encoderValues(fv, f.name)
			if err != nil || !mine {
				return "", false, err
			}
			for _, s := range vals {
				add(f.key)
				b = appendQueryEscape(b, s)
			}
		}
	}
	return string(b), true, nil
}

// encoderValues returns what the Encoder fv writes under key, and false
// when it writes under another key.
func encoderValues(fv reflect.Value, key string) ([]string, bool, error) {
	enc, _ := fv.Interface().(query.Encoder) // no copy: fv is not addressable
	vals := url.Values{}
	if err := enc.EncodeValues(key, &vals); err != nil {
		return nil, false, err
	}
	mine, ok := vals[key]
	return mine, ok && len(vals) == 1 || len(vals) == 0, nil
}

// queryEmpty is go-querystring's test for omitempty, for the kinds of an
// Encoder field.
func queryEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return v.Uint() == 0
	}
	if z, ok := v.Interface().(interface{ IsZero() bool }); ok {
		return z.IsZero()
	}
	return false
}

// queryEscape is url.QueryEscape.
func queryEscape(s string) string { return string(appendQueryEscape(nil, s)) }

// appendQueryEscape appends s escaped as url.QueryEscape escapes it: the
// unreserved bytes (letters, digits, '-', '_', '.', '~') as they are, a
// space as '+', every other byte as %XX.
func appendQueryEscape(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~':
			b = append(b, c)
		case c == ' ':
			b = append(b, '+')
		default:
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
	}
	return b
}
