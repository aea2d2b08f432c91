//go:build go1.27 && goexperiment.jsonv2

package traces

import "github.com/sessionkit/sessionkit-go/internal/engine"

// DecodeTokens implements engine.TokenDecoder: the page DecodeStream
// decodes, from tokens.
func (w *wireUsersPage) DecodeTokens(t *engine.Tokens) error {
	_, err := t.Object(engine.LowerNames, func(name []byte) error {
		switch string(name) {
		case "count":
			return countTokens(t, &w.Count, &w.hasCount)
		case "users":
			return w.decodeUserTokens(t)
		case "display_currency":
			return engine.String(t, &w.DisplayCurrency)
		}
		return t.Skip()
	})
	return err
}

// countTokens decodes a page's required count: a null one counts as
// absent (has false) and leaves *count alone.
func countTokens(t *engine.Tokens, count *int, has *bool) error {
	var n *int
	if err := engine.Bind(t, &n, engine.Int); err != nil {
		return err
	}
	*has = n != nil
	if n != nil {
		*count = *n
	}
	return nil
}

func (w *wireUsersPage) decodeUserTokens(t *engine.Tokens) error {
	var f userMetadataFields
	var err error
	w.Users, _, err = engine.TokenItems(t, pageSizeOrDefault(w.sizeHint), MaxPageSize, func(u *UserMetadata) error {
		f.bind(u)
		_, err := t.Object(engine.FoldNames, func(name []byte) error { return f.decodeToken(t, name) })
		return err
	})
	return err
}

// decodeToken decodes the member name of a row, as encoding/json decodes
// it into f.
func (f *userMetadataFields) decodeToken(t *engine.Tokens, name []byte) error {
	switch string(name) {
	case "user_id":
		return engine.BindString(t, &f.UserID)
	case "task_id":
		return engine.BindString(t, &f.TaskID)
	case "session_ids":
		return engine.Bind(t, &f.SessionIDs, stringsTokens)
	case "session_count":
		return engine.Bind(t, &f.SessionCount, engine.Int)
	case "trace_ids":
		return engine.Bind(t, &f.TraceIDs, stringsTokens)
	case "trace_count":
		return engine.Bind(t, &f.TraceCount, engine.Int)
	case "span_count":
		return engine.Bind(t, &f.SpanCount, engine.Int)
	case "earliest_start_time":
		return engine.BindTime(t, &f.EarliestStartTime)
	case "latest_end_time":
		return engine.BindTime(t, &f.LatestEndTime)
	case "prompt_token_count":
		return engine.Bind(t, &f.PromptTokenCount, optionalInt)
	case "completion_token_count":
		return engine.Bind(t, &f.CompletionTokenCount, optionalInt)
	case "total_token_count":
		return engine.Bind(t, &f.TotalTokenCount, optionalInt)
	case "prompt_token_cost":
		return engine.Bind(t, &f.PromptTokenCost, optionalFloat)
	case "completion_token_cost":
		return engine.Bind(t, &f.CompletionTokenCost, optionalFloat)
	case "total_token_cost":
		return engine.Bind(t, &f.TotalTokenCost, optionalFloat)
	}
	return t.Skip()
}

// DecodeTokens implements engine.TokenDecoder: one user, as encoding/json
// decodes it into w.
func (w *wireUser) DecodeTokens(t *engine.Tokens) error {
	_, err := t.Object(engine.FoldNames, func(name []byte) error {
		switch string(name) {
		case "user_id":
			return engine.String(t, &w.UserID)
		case "task_id":
			return engine.String(t, &w.TaskID)
		case "session_ids":
			return stringsTokens(t, &w.SessionIDs)
		case "session_count":
			return engine.Int(t, &w.SessionCount)
		case "trace_ids":
			return stringsTokens(t, &w.TraceIDs)
		case "trace_count":
			return engine.Int(t, &w.TraceCount)
		case "span_count":
			return engine.Int(t, &w.SpanCount)
		case "earliest_start_time":
			return engine.TimeTokens(t, &w.EarliestStartTime)
		case "latest_end_time":
			return engine.TimeTokens(t, &w.LatestEndTime)
		case "prompt_token_count":
			return optionalInt(t, &w.PromptTokenCount)
		case "completion_token_count":
			return optionalInt(t, &w.CompletionTokenCount)
		case "total_token_count":
			return optionalInt(t, &w.TotalTokenCount)
		case "prompt_token_cost":
			return optionalFloat(t, &w.PromptTokenCost)
		case "completion_token_cost":
			return optionalFloat(t, &w.CompletionTokenCost)
		case "total_token_cost":
			return optionalFloat(t, &w.TotalTokenCost)
		}
		return t.Skip()
	})
	return err
}

func stringsTokens(t *engine.Tokens, p *[]string) error { return engine.Slice(t, p, engine.String) }

// optionalInt and optionalFloat decode a count or cost that may be null.
func optionalInt(t *engine.Tokens, p **int) error { return engine.Bind(t, p, engine.Int) }

func optionalFloat(t *engine.Tokens, p **float64) error { return engine.Bind(t, p, engine.Float) }
