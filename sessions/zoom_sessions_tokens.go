//go:build go1.27 && goexperiment.jsonv2

package sessions

import "github.com/sessionkit/sessionkit-go/internal/engine"

// DecodeTokens implements [engine.TokenDecoder]: the page DecodeStream
// decodes, from tokens.
func (w *wireListSessions) DecodeTokens(t *engine.Tokens) error {
	_, err := t.Object(engine.LowerNames, func(name []byte) error {
		switch string(name) {
		case "from":
			return engine.String(t, &w.From)
		case "to":
			return engine.String(t, &w.To)
		case "page_size":
			return engine.Int(t, &w.PageSize)
		case "next_page_token":
			return engine.String(t, &w.NextPageToken)
		case "sessions":
			return w.decodeSessionTokens(t)
		}
		return t.Skip()
	})
	return err
}

func (w *wireListSessions) decodeSessionTokens(t *engine.Tokens) error {
	hint := w.sizeHint
	if hint == 0 {
		hint = 30 // Zoom's default page size
	}
	var f sessionFields
	var err error
	w.Sessions, _, err = engine.TokenItems(t, min(hint, MaxZoomPageSize), MaxZoomPageSize, func(v *VideoSession) error {
		f.bind(v)
		_, err := t.Object(engine.FoldNames, func(name []byte) error { return f.decodeToken(t, name) })
		return err
	})
	return err
}

// decodeToken decodes the member name of a session, as encoding/json
// decodes it into f.
func (f *sessionFields) decodeToken(t *engine.Tokens, name []byte) error {
	var p **bool
	switch string(name) {
	case "id":
		return engine.BindString(t, &f.ID)
	case "session_name":
		return engine.BindString(t, &f.SessionName)
	case "session_key":
		return engine.BindString(t, &f.SessionKey)
	case "start_time":
		return engine.BindTime(t, &f.StartTime)
	case "end_time":
		return engine.BindTime(t, &f.EndTime)
	case "duration":
		return engine.Bind(t, &f.Duration, clockTokens)
	case "user_count":
		return engine.Bind(t, &f.UserCount, engine.Int)
	case "has_voip":
		p = &f.HasVoIP
	case "has_video":
		p = &f.HasVideo
	case "has_screen_share":
		p = &f.HasScreenShare
	case "has_recording":
		p = &f.HasRecording
	case "has_pstn":
		p = &f.HasPSTN
	case "has_session_summary":
		// A **bool: null unbinds the field, anything else goes through
		// the *bool it points at, as encoding/json does.
		return engine.Bind(t, &f.HasSessionSummary, func(t *engine.Tokens, pp **bool) error { return engine.Bind(t, pp, engine.Bool) })
	default:
		return t.Skip()
	}
	return engine.Bind(t, p, engine.Bool)
}

// clockTokens decodes a duration with clock's UnmarshalJSON.
func clockTokens(t *engine.Tokens, c *clock) error {
	raw, err := t.Raw()
	if err != nil {
		return err
	}
	return c.UnmarshalJSON(raw)
}
