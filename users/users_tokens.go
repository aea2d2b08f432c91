//go:build go1.27 && goexperiment.jsonv2

package users

import "github.com/sessionkit/sessionkit-go/internal/engine"

// DecodeTokens implements engine.TokenDecoder: the array DecodeStream
// decodes, from tokens.
func (w *wireSessions) DecodeTokens(t *engine.Tokens) error {
	var f sessionFields
	var err error
	w.sessions, w.present, err = engine.TokenItems(t, sizeOrDefault(w.sizeHint), w.maxSessions(), func(s *Session) error {
		f.bind(s)
		_, err := t.Object(engine.FoldNames, func(name []byte) error { return f.decodeToken(t, name) })
		return err
	})
	return err
}

// decodeToken decodes the member name of a session, as encoding/json
// decodes it into f.
func (f *sessionFields) decodeToken(t *engine.Tokens, name []byte) error {
	switch string(name) {
	case "session_id":
		return engine.BindString(t, &f.SessionID)
	case "session_key":
		return engine.BindString(t, &f.SessionKey)
	case "client_ids":
		return engine.Bind(t, &f.ClientIDs, func(t *engine.Tokens, p *[]string) error { return engine.Slice(t, p, engine.String) })
	case "initiated_at":
		return engine.BindTime(t, &f.InitiatedAt)
	case "expires_at":
		return engine.BindTime(t, &f.ExpiresAt)
	case "last_updated":
		return engine.BindTime(t, &f.LastUpdated)
	case "last_metadata":
		m := &f.LastMetadata
		_, err := t.Object(engine.FoldNames, func(name []byte) error { return m.decodeToken(t, name) })
		return err
	}
	return t.Skip()
}

func (f *metadataFields) decodeToken(t *engine.Tokens, name []byte) error {
	var p **nullableString
	switch string(name) {
	case "country":
		p = &f.Country
	case "city":
		p = &f.City
	case "region":
		p = &f.Region
	case "latitude":
		p = &f.Latitude
	case "longitude":
		p = &f.Longitude
	case "ip_address":
		p = &f.IPAddress
	case "user_agent":
		p = &f.UserAgent
	default:
		return t.Skip()
	}
	return engine.Bind(t, p, nullableTokens)
}

// nullableTokens decodes one value as nullableString's UnmarshalJSON
// does; a string's text comes from the token stream's string cache.
func nullableTokens(t *engine.Tokens, s *nullableString) error {
	raw, err := t.Raw()
	if err != nil {
		return err
	}
	if raw[0] == '"' {
		*s = nullableString(t.Text(raw))
		return nil
	}
	return s.UnmarshalJSON(raw)
}
