//go:build go1.27 && goexperiment.jsonv2

package sessions

import (
	"encoding/json"

	"github.com/sessionkit/sessionkit-go/internal/engine"
)

// tokenStreamer is a payload that decodes itself from tokens; present is
// false for a JSON null.
type tokenStreamer interface {
	decodeTokens(t *engine.Tokens) (present bool, err error)
}

// DecodeTokens implements engine.TokenDecoder: the envelope DecodeStream
// decodes, from tokens. A payload that is not a tokenStreamer is read
// whole and decoded with encoding/json.
func (e *envelope[T]) DecodeTokens(t *engine.Tokens) error {
	target := e.begin()
	_, err := t.Object(engine.LowerNames, func(name []byte) error {
		switch string(name) {
		case "status":
			return engine.Bind(t, &e.Status, engine.Bool)
		case "success":
			return engine.Bind(t, &e.Success, engine.Bool)
		case "data":
			d := target
			if d == nil {
				d = new(T)
			}
			st, ok := any(d).(tokenStreamer)
			if !ok {
				raw, err := t.Raw()
				if err != nil {
					return err
				}
				e.Data = d
				return json.Unmarshal(raw, &e.Data)
			}
			present, err := st.decodeTokens(t)
			e.Data = nil
			if present {
				e.Data = d
			}
			return err
		}
		return t.Skip()
	})
	return err
}

func (d *usersData) decodeTokens(t *engine.Tokens) (bool, error) {
	return t.Object(engine.LowerNames, func(name []byte) error {
		switch string(name) {
		case "users":
			return d.decodeUserTokens(t)
		case "total":
			return engine.Int(t, &d.Total)
		case "page":
			return engine.Int(t, &d.Page)
		case "limit":
			return engine.Int(t, &d.Limit)
		case "totalpages":
			return engine.Int(t, &d.TotalPages)
		}
		return t.Skip()
	})
}

func (d *usersData) decodeUserTokens(t *engine.Tokens) error {
	var f userFields
	var err error
	d.Users, _, err = engine.TokenItems(t, max(d.sizeHint, d.Limit), d.maxUsers(), func(u *User) error {
		f.bind(u)
		_, err := t.Object(engine.FoldNames, func(name []byte) error { return f.decodeToken(t, name) })
		return err
	})
	return err
}

// decodeToken decodes the member name of a user, as encoding/json decodes
// it into f.
func (f *userFields) decodeToken(t *engine.Tokens, name []byte) error {
	var p **string
	var tp **engine.Time
	switch string(name) {
	case "_id":
		p = &f.ID
	case "ductape_user_id":
		p = &f.DuctapeUserID
	case "product_tag":
		p = &f.ProductTag
	case "session_tag":
		p = &f.SessionTag
	case "identifier":
		p = &f.Identifier
	case "env":
		p = &f.Env
	case "first_seen":
		tp = &f.FirstSeen
	case "last_seen":
		tp = &f.LastSeen
	case "createdat":
		tp = &f.CreatedAt
	case "updatedat":
		tp = &f.UpdatedAt
	default:
		return t.Skip()
	}
	if tp != nil {
		return engine.BindTime(t, tp)
	}
	return engine.BindString(t, p)
}

// decodeTokens decodes a user with their history as encoding/json decodes
// it into d.
func (d *userDetails) decodeTokens(t *engine.Tokens) (bool, error) {
	return t.Object(engine.FoldNames, func(name []byte) error {
		switch string(name) {
		case "_id":
			return engine.String(t, &d.ID)
		case "ductape_user_id":
			return engine.String(t, &d.DuctapeUserID)
		case "product_tag":
			return engine.String(t, &d.ProductTag)
		case "session_tag":
			return engine.String(t, &d.SessionTag)
		case "identifier":
			return engine.String(t, &d.Identifier)
		case "env":
			return engine.String(t, &d.Env)
		case "first_seen":
			return engine.TimeTokens(t, &d.FirstSeen)
		case "last_seen":
			return engine.TimeTokens(t, &d.LastSeen)
		case "createdat":
			return engine.TimeTokens(t, &d.CreatedAt)
		case "updatedat":
			return engine.TimeTokens(t, &d.UpdatedAt)
		case "sessions":
			return engine.Slice(t, &d.Sessions, decodeSessionInfoTokens)
		case "totalsessions":
			return engine.Int(t, &d.TotalSessions)
		case "activesessionscount":
			return engine.Int(t, &d.ActiveSessionsCount)
		}
		return t.Skip()
	})
}

func decodeSessionInfoTokens(t *engine.Tokens, s *wireSessionInfo) error {
	_, err := t.Object(engine.FoldNames, func(name []byte) error {
		switch string(name) {
		case "session_id":
			return engine.String(t, &s.SessionID)
		case "start_at":
			return engine.TimeTokens(t, &s.StartAt)
		case "end_at":
			return engine.TimeTokens(t, &s.EndAt)
		case "active":
			return engine.Bool(t, &s.Active)
		}
		return t.Skip()
	})
	return err
}
