package sessionkittest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// This file checks every answer of the fake against the vendors' own OpenAPI fragments
// (testdata/openapi, copied from the shared contract's openapi/ folder). The fragments are JSON, so
// encoding/json reads them, and a small validator covers the part of JSON Schema they use: $ref,
// type, properties, required, enum, items, anyOf, maximum, maxLength and format date-time. A
// property the schema does not name is an error too: the fake must not invent fields.

// schema is the subset of an OpenAPI 3 schema the fragments use.
type schema struct {
	Ref        string             `json:"$ref"`
	Type       string             `json:"type"`
	Properties map[string]*schema `json:"properties"`
	Required   []string           `json:"required"`
	Enum       []any              `json:"enum"`
	Items      *schema            `json:"items"`
	AnyOf      []*schema          `json:"anyOf"`
	Maximum    *float64           `json:"maximum"`
	MaxLength  *int               `json:"maxLength"`
	Format     string             `json:"format"`
}

type openAPI struct {
	Paths map[string]map[string]struct {
		Responses map[string]struct {
			Content map[string]struct {
				Schema *schema `json:"schema"`
			} `json:"content"`
		} `json:"responses"`
	} `json:"paths"`
	Components struct {
		Schemas map[string]*schema `json:"schemas"`
	} `json:"components"`
}

// Error bodies are not in the fragments (Zoom's lists only descriptions; Arthur's lists a 422 the
// real server does not send), so their shapes come from the contracts:
// zoom-videosdk-session-users.md "Errors" and arthur-trace-users.md "Errors".
var (
	zoomErrorSchema = &schema{Type: "object", Required: []string{"code", "message"}, Properties: map[string]*schema{
		"code": {Type: "integer"}, "message": {Type: "string"},
		"errors": {Type: "array", Items: &schema{Type: "object", Required: []string{"field", "message"},
			Properties: map[string]*schema{"field": {Type: "string"}, "message": {Type: "string"}}}},
	}}
	arthurErrorSchema = &schema{Type: "object", Required: []string{"detail"}, Properties: map[string]*schema{"detail": {Type: "string"}}}
)

func loadOpenAPI(t *testing.T, name string) *openAPI {
	t.Helper()
	raw, err := os.ReadFile("testdata/openapi/" + name)
	require.NoError(t, err)
	var spec openAPI
	require.NoError(t, json.Unmarshal(raw, &spec))
	require.NotEmpty(t, spec.Paths)
	return &spec
}

// responseSchema returns the schema of the 200 answer to GET path (below the API's base URL).
func (o *openAPI) responseSchema(path string) *schema {
	for tmpl, ops := range o.Paths {
		if templateMatches(tmpl, path) {
			if get, ok := ops["get"]; ok {
				return get.Responses["200"].Content["application/json"].Schema
			}
		}
	}
	return nil
}

func templateMatches(tmpl, path string) bool {
	a, b := strings.Split(tmpl, "/"), strings.Split(path, "/")
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if (!strings.HasPrefix(a[i], "{") || b[i] == "") && a[i] != b[i] {
			return false
		}
	}
	return true
}

// validate returns the ways v breaks s, each naming where (at).
func (o *openAPI) validate(s *schema, v any, at string) []string {
	if s.Ref != "" {
		return o.validate(o.Components.Schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")], v, at)
	}
	if len(s.AnyOf) > 0 {
		for _, alt := range s.AnyOf {
			if len(o.validate(alt, v, at)) == 0 {
				return nil
			}
		}
		return []string{fmt.Sprintf("%s: %v matches none of anyOf", at, v)}
	}
	if problem := typeProblem(s.Type, v); problem != "" {
		return []string{at + ": " + problem}
	}
	var errs []string
	if len(s.Enum) > 0 && !slices.Contains(s.Enum, v) {
		errs = append(errs, fmt.Sprintf("%s: %v is not one of %v", at, v, s.Enum))
	}
	switch v := v.(type) {
	case string:
		if s.MaxLength != nil && len([]rune(v)) > *s.MaxLength {
			errs = append(errs, fmt.Sprintf("%s: %q is longer than %d", at, v, *s.MaxLength))
		}
		if s.Format == "date-time" {
			// RFC 3339, or zone-less ISO 8601 as Arthur's real server sends (its contract: the real
			// server wins over the published schema).
			if _, err := parseISO(v); err != nil {
				errs = append(errs, fmt.Sprintf("%s: %q is not a date-time", at, v))
			}
		}
	case json.Number:
		if f, _ := v.Float64(); s.Maximum != nil && f > *s.Maximum {
			errs = append(errs, fmt.Sprintf("%s: %v is above the maximum %v", at, v, *s.Maximum))
		}
	case []any:
		if s.Items != nil {
			for i, item := range v {
				errs = append(errs, o.validate(s.Items, item, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	case map[string]any:
		for _, req := range s.Required {
			if _, ok := v[req]; !ok {
				errs = append(errs, fmt.Sprintf("%s: required %q is missing", at, req))
			}
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			prop, ok := s.Properties[k]
			if !ok {
				errs = append(errs, fmt.Sprintf("%s: %q is not in the vendor's schema", at, k))
				continue
			}
			errs = append(errs, o.validate(prop, v[k], at+"."+k)...)
		}
	}
	return errs
}

// typeProblem says how v is not of the JSON Schema type typ ("" when it is, or typ is "").
func typeProblem(typ string, v any) string {
	ok := true
	switch typ {
	case "":
	case "string":
		_, ok = v.(string)
	case "boolean":
		_, ok = v.(bool)
	case "integer":
		n, isNum := v.(json.Number)
		_, err := n.Int64()
		ok = isNum && err == nil
	case "number":
		_, ok = v.(json.Number)
	case "array":
		_, ok = v.([]any)
	case "object":
		_, ok = v.(map[string]any)
	case "null":
		ok = v == nil
	}
	if ok {
		return ""
	}
	return fmt.Sprintf("%v is not of type %s", v, typ)
}

// answerChecker sends requests to the fake and validates each answer of one API.
type answerChecker struct {
	t       *testing.T
	spec    *openAPI
	base    string  // the API's base URL
	errors  *schema // the schema of its error bodies
	checked map[string]int
}

// check sends GET base+path with header, validates the answer and returns its decoded body.
func (c *answerChecker) check(path string, header http.Header) map[string]any {
	c.t.Helper()
	res := call(c.t, http.MethodGet, c.base+path, header)
	p, _, _ := strings.Cut(path, "?")
	s := c.errors
	if res.status == http.StatusOK {
		s = c.spec.responseSchema(p)
		require.NotNil(c.t, s, "no schema for %s", p)
	}
	require.Equal(c.t, "application/json", res.header.Get("Content-Type"), "GET %s", path)
	dec := json.NewDecoder(bytes.NewReader(res.body))
	dec.UseNumber()
	var v any
	require.NoError(c.t, dec.Decode(&v), "GET %s: %s", path, res.body)
	if errs := c.spec.validate(s, v, "body"); len(errs) > 0 {
		c.t.Errorf("GET %s answered %d against the vendor's schema:\n%s", path, res.status, strings.Join(errs, "\n"))
	}
	c.checked[fmt.Sprint(res.status)]++
	m, _ := v.(map[string]any)
	return m
}

func TestZoomAnswersMatchOpenAPI(t *testing.T) {
	spec := loadOpenAPI(t, "zoom-videosdk-session-users.json")
	for _, seed := range []int64{1, 2, 3} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			srv := NewServer(WithSeed(seed), WithUsers(60))
			defer srv.Close()
			c := &answerChecker{t: t, spec: spec, base: srv.ZoomURL(), errors: zoomErrorSchema, checked: map[string]int{}}
			d := srv.Data()
			for _, id := range append(slices.Clone(d.ZoomSessionIDs), d.ZoomLiveSessionIDs...) {
				path := strings.TrimPrefix(zoomURL(srv, id), srv.ZoomURL())
				for _, q := range []string{"type=past&page_size=7", "type=live&page_size=7", "page_size=300", "type=past"} {
					tok := ""
					for range 20 {
						u := path + "?" + q
						if tok != "" {
							u += "&next_page_token=" + url.QueryEscape(tok)
						}
						body := c.check(u, bearerKey)
						if tok, _ = body["next_page_token"].(string); tok == "" {
							break
						}
					}
				}
			}
			path := strings.TrimPrefix(zoomURL(srv, d.ZoomSessionIDs[0]), srv.ZoomURL())
			for _, q := range []string{"type=ended", "page_size=301", "next_page_token=nope", ""} {
				c.check(path+"?"+q, bearerKey)
			}
			c.check("/videosdk/sessions/nope/users", bearerKey)
			c.check(strings.TrimPrefix(zoomURL(srv, d.ZoomLiveSessionIDs[0]), srv.ZoomURL())+"?type=past", bearerKey)
			c.check(path, nil)
			c.check("/videosdk/nothing/here", bearerKey)
			for _, f := range []Fault{Status(429), Status(500), Status(401), Status(404)} {
				srv.Fault(Match{}, f, Times(1))
				c.check(path, bearerKey)
			}
			for _, status := range []string{"200", "400", "401", "404", "429", "500"} {
				require.Positive(t, c.checked[status], "no %s answer was checked", status)
			}
		})
	}
}

func TestArthurAnswersMatchOpenAPI(t *testing.T) {
	spec := loadOpenAPI(t, "arthur-trace-users.json")
	for _, seed := range []int64{1, 2, 3} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			srv := NewServer(WithSeed(seed), WithUsers(60))
			defer srv.Close()
			c := &answerChecker{t: t, spec: spec, base: srv.ArthurURL(), errors: arthurErrorSchema, checked: map[string]int{}}
			d := srv.Data()
			tasks := "task_ids=" + strings.Join(d.ArthurTaskIDs, "&task_ids=")
			for _, q := range []string{"page_size=7&sort=asc", "page_size=7", "page_size=5000&sort=desc",
				"start_time=" + url.QueryEscape(d.BaseTime.Add(-7*24*time.Hour).Format("2006-01-02T15:04:05.000000-0700")) + "&page_size=9"} {
				for page := 0; page < 20; page++ {
					body := c.check(fmt.Sprintf("/api/v1/traces/users?%s&%s&page=%d", tasks, q, page), bearerKey)
					if users, _ := body["users"].([]any); len(users) == 0 {
						break
					}
				}
			}
			for _, u := range d.ArthurUsers {
				c.check("/api/v1/traces/users/"+url.PathEscape(u.UserID)+"?task_ids="+u.TaskID, bearerKey)
			}
			c.check("/api/v1/traces/users?task_ids=unknown", bearerKey)
			for _, q := range []string{"", "task_ids=x&page_size=0", "task_ids=x&start_time=soon", "task_ids=x&sort=up"} {
				c.check("/api/v1/traces/users?"+q, bearerKey)
			}
			c.check("/api/v1/traces/users/nobody?task_ids=x", bearerKey)
			c.check("/api/v1/traces/users?task_ids=x", nil)
			for _, f := range []Fault{Status(429), Status(500), Status(503)} {
				srv.Fault(Match{}, f, Times(1))
				c.check("/api/v1/traces/users?task_ids=x", bearerKey)
			}
			for _, status := range []string{"200", "400", "401", "404", "429", "500"} {
				require.Positive(t, c.checked[status], "no %s answer was checked", status)
			}
		})
	}
}

// TestOpenAPIValidatorFindsViolations keeps the validator honest: each broken body is caught.
func TestOpenAPIValidatorFindsViolations(t *testing.T) {
	zoom := loadOpenAPI(t, "zoom-videosdk-session-users.json")
	arthur := loadOpenAPI(t, "arthur-trace-users.json")
	zs := zoom.responseSchema("/videosdk/sessions/x/users")
	as := arthur.responseSchema("/api/v1/traces/users")
	require.NotNil(t, zs)
	require.NotNil(t, as)
	for _, tc := range []struct {
		name string
		spec *openAPI
		s    *schema
		body string
		want string
	}{
		{"quality outside the enum", zoom, zs, `{"users":[{"video_quality":""}]}`, `body.users[0].video_quality:  is not one of`},
		{"device outside the enum", zoom, zs, `{"users":[{"device":"Toaster"}]}`, `is not one of`},
		{"page_size above 300", zoom, zs, `{"page_size":301}`, `above the maximum 300`},
		{"page_size not an integer", zoom, zs, `{"page_size":1.5}`, `not of type integer`},
		{"user_key too long", zoom, zs, `{"users":[{"user_key":"` + strings.Repeat("k", 37) + `"}]}`, `longer than 36`},
		{"join_time not a date-time", zoom, zs, `{"users":[{"join_time":"yesterday"}]}`, `not a date-time`},
		{"an invented field", zoom, zs, `{"users":[{"mood":"good"}]}`, `"mood" is not in the vendor's schema`},
		{"required field missing", arthur, as, `{"count":0}`, `required "users" is missing`},
		{"nested required missing", arthur, as, `{"count":1,"users":[{"user_id":"u"}]}`, `required "task_id" is missing`},
		{"token count not an integer or null", arthur, as, `{"count":0,"users":[{"prompt_token_count":"7"}]}`, `matches none of anyOf`},
		{"Arthur error as a list", arthur, arthurErrorSchema, `{"detail":[{"loc":["query","x"]}]}`, `not of type string`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dec := json.NewDecoder(strings.NewReader(tc.body))
			dec.UseNumber()
			var v any
			require.NoError(t, dec.Decode(&v))
			require.Contains(t, strings.Join(tc.spec.validate(tc.s, v, "body"), "\n"), tc.want)
		})
	}
}
