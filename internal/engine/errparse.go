package engine

import (
	"bytes"
	"encoding/json"
	"mime"
	"sort"
	"strconv"
	"strings"
)

// maxPlainMessage caps Message when it comes from a plain-text or HTML
// body, and the snippet of a malformed body.
const maxPlainMessage = 512

// fillFromBody sets Code, Message and Fields from e.Body, using the API's
// error shape, and falls back to the body's text (see secretSet.text):
// redacted with sec before it is cut. cut tells that e.Body is the start of
// a longer body.
func fillFromBody(e *APIError, sec *secretSet, cut bool) {
	if e.API.Valid() && isJSONBody(e) {
		profiles[e.API].parseError(e)
	}
	if e.Message == "" && e.Code == "" && len(e.Fields) == 0 {
		e.Message = sec.text(e.Body, cut)
	}
}

func isJSONBody(e *APIError) bool {
	body := bytes.TrimSpace(e.Body)
	if len(body) == 0 || (body[0] != '{' && body[0] != '[') {
		return false
	}
	ct := e.Header.Get("Content-Type")
	if ct == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return true
	}
	return mt == "application/json" || strings.HasSuffix(mt, "+json") || mt == "text/json"
}

// looseString decodes a JSON string, number or bool into text; other
// shapes give "".
type looseString string

func (s *looseString) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil
	}
	switch t := v.(type) {
	case string:
		*s = looseString(t)
	case float64:
		*s = looseString(strconv.FormatFloat(t, 'f', -1, 64))
	case bool:
		*s = looseString(strconv.FormatBool(t))
	}
	return nil
}

// stringOrList decodes a string or a list of strings.
type stringOrList []string

func (l *stringOrList) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		if one != "" {
			*l = []string{one}
		}
		return nil
	}
	var many []looseString
	if json.Unmarshal(b, &many) == nil {
		for _, m := range many {
			if m != "" {
				*l = append(*l, string(m))
			}
		}
	}
	return nil
}

func parseDuctapeError(e *APIError) {
	var body struct {
		Message looseString  `json:"message"`
		Code    looseString  `json:"code"`
		Errors  stringOrList `json:"errors"`
	}
	if json.Unmarshal(e.Body, &body) != nil {
		return
	}
	e.Code = string(body.Code)
	e.Message = string(body.Message)
	if e.Message == "" {
		e.Message = strings.Join(body.Errors, "; ")
	}
}

func parseZoomError(e *APIError) {
	var body struct {
		Code    looseString `json:"code"`
		Message looseString `json:"message"`
		Errors  []struct {
			Field   looseString `json:"field"`
			Message looseString `json:"message"`
		} `json:"errors"`
	}
	if json.Unmarshal(e.Body, &body) != nil {
		return
	}
	e.Code = string(body.Code)
	e.Message = string(body.Message)
	for _, f := range body.Errors {
		e.Fields = append(e.Fields, FieldError{Field: string(f.Field), Message: string(f.Message)})
	}
}

func parseArthurError(e *APIError) {
	var body struct {
		Detail json.RawMessage `json:"detail"`
	}
	if json.Unmarshal(e.Body, &body) != nil || len(body.Detail) == 0 {
		return
	}
	var text string
	if json.Unmarshal(body.Detail, &text) == nil {
		e.Message = text
		return
	}
	var list []struct {
		Loc []looseString `json:"loc"`
		Msg looseString   `json:"msg"`
	}
	if json.Unmarshal(body.Detail, &list) != nil {
		return
	}
	msgs := make([]string, 0, len(list))
	for _, d := range list {
		loc := make([]string, len(d.Loc))
		for i, l := range d.Loc {
			loc[i] = string(l)
		}
		e.Fields = append(e.Fields, FieldError{Field: strings.Join(loc, "."), Message: string(d.Msg)})
		msgs = append(msgs, string(d.Msg))
	}
	e.Message = strings.Join(msgs, "; ")
}

func parseMonoCloudError(e *APIError) {
	var body struct {
		Type   looseString     `json:"type"`
		Title  looseString     `json:"title"`
		Detail looseString     `json:"detail"`
		Errors json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(e.Body, &body) != nil {
		return
	}
	e.Code = string(body.Type)
	e.Message = string(body.Detail)
	if e.Message == "" {
		e.Message = string(body.Title)
	}
	e.Fields = monoCloudFields(body.Errors)
}

// monoCloudFields decodes the "errors" member of a MonoCloud problem: a map
// of field to messages (validation-error) or a list of {code, description}
// (identity-validation-error).
func monoCloudFields(raw json.RawMessage) []FieldError {
	if len(raw) == 0 {
		return nil
	}
	var byField map[string]stringOrList
	if json.Unmarshal(raw, &byField) == nil {
		keys := make([]string, 0, len(byField))
		for k := range byField {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var out []FieldError
		for _, k := range keys {
			for _, m := range byField[k] {
				out = append(out, FieldError{Field: k, Message: m})
			}
		}
		return out
	}
	var list []struct {
		Code        looseString `json:"code"`
		Description looseString `json:"description"`
	}
	if json.Unmarshal(raw, &list) != nil {
		return nil
	}
	out := make([]FieldError, 0, len(list))
	for _, l := range list {
		out = append(out, FieldError{Field: string(l.Code), Message: string(l.Description)})
	}
	return out
}
