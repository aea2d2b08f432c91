//go:build go1.27 && goexperiment.jsonv2

package traces

import "github.com/sessionkit/sessionkit-go/internal/engine"

// DecodeTokens implements [engine.TokenDecoder]: the page DecodeStream
// decodes, from tokens.
func (w *wireTasksPage) DecodeTokens(t *engine.Tokens) error {
	_, err := t.Object(engine.LowerNames, func(name []byte) error {
		switch string(name) {
		case "count":
			return countTokens(t, &w.Count, &w.hasCount)
		case "tasks":
			return w.decodeTaskTokens(t)
		}
		return t.Skip()
	})
	return err
}

func (w *wireTasksPage) decodeTaskTokens(t *engine.Tokens) error {
	var f taskFields
	var err error
	w.Tasks, _, err = engine.TokenItems(t, pageSizeOrDefault(w.sizeHint), MaxPageSize, func(task *Task) error {
		f.bind(task)
		_, err := t.Object(engine.FoldNames, func(name []byte) error { return f.decodeToken(t, name) })
		return err
	})
	return err
}

// decodeToken decodes the member name of a task, as encoding/json decodes
// it into f.
func (f *taskFields) decodeToken(t *engine.Tokens, name []byte) error {
	var bp **nullBool
	switch string(name) {
	case "id":
		return engine.BindString(t, &f.ID)
	case "name":
		return engine.BindString(t, &f.Name)
	case "created_at":
		return engine.Bind(t, &f.CreatedAt, unixMilliTokens)
	case "updated_at":
		return engine.Bind(t, &f.UpdatedAt, unixMilliTokens)
	case "is_agentic":
		bp = &f.IsAgentic
	case "is_system_task":
		bp = &f.IsSystemTask
	case "is_autocreated":
		bp = &f.IsAutocreated
	case "is_archived":
		bp = &f.IsArchived
	default:
		return t.Skip()
	}
	// Bind has taken null (nullBool's only difference from a bool).
	return engine.Bind(t, bp, func(t *engine.Tokens, b *nullBool) error { return engine.Bool(t, (*bool)(b)) })
}

// unixMilliTokens decodes a task time with unixMilli's UnmarshalJSON.
func unixMilliTokens(t *engine.Tokens, m *unixMilli) error {
	raw, err := t.Raw()
	if err != nil {
		return err
	}
	return m.UnmarshalJSON(raw)
}
