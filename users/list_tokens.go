//go:build go1.27 && goexperiment.jsonv2

package users

import (
	"encoding/json"

	"github.com/sessionkit/sessionkit-go/internal/engine"
)

// DecodeTokens implements [engine.TokenDecoder]: the array DecodeStream
// decodes, from tokens.
func (w *wireUsers) DecodeTokens(t *engine.Tokens) error {
	var f userFields
	var err error
	w.users, w.present, err = engine.TokenItems(t, sizeOrDefault(w.sizeHint), max(w.sizeHint, engine.MaxPageItems), func(u *User) error {
		f.bind(u)
		_, err := t.Object(engine.FoldNames, func(name []byte) error { return f.decodeToken(t, name) })
		return err
	})
	return err
}

// decodeToken decodes the member name of a user, as encoding/json decodes
// it into f.
func (f *userFields) decodeToken(t *engine.Tokens, name []byte) error {
	var bp **bool
	var tp **engine.Time
	var ip **int
	var sp **nullableString
	switch string(name) {
	case "user_id":
		return engine.BindString(t, &f.UserID)
	case "disabled":
		bp = &f.Disabled
	case "force_password_reset":
		bp = &f.ForcePasswordReset
	case "has_password":
		bp = &f.HasPassword
	case "emails":
		return engine.Bind(t, &f.Emails, func(t *engine.Tokens, p *[]Email) error { return engine.Slice(t, p, emailTokens) })
	case "phone_numbers":
		return engine.Bind(t, &f.PhoneNumbers, func(t *engine.Tokens, p *[]PhoneNumber) error { return engine.Slice(t, p, phoneTokens) })
	case "username":
		return engine.Bind(t, &f.Username, func(t *engine.Tokens, u *usernameField) error { return rawTokens(t, u.UnmarshalJSON) })
	case "claims":
		// Claims are any JSON object: encoding/json decodes it into the
		// map there is, from the value read whole.
		return engine.Bind(t, &f.Claims, func(t *engine.Tokens, m *map[string]any) error {
			return rawTokens(t, func(raw []byte) error { return json.Unmarshal(raw, m) })
		})
	case "connections":
		return engine.Bind(t, &f.Connections, func(t *engine.Tokens, p *[]Connection) error { return engine.Slice(t, p, connectionTokens) })
	case "external_providers":
		return engine.Bind(t, &f.ExternalProviders, func(t *engine.Tokens, p *[]ExternalProvider) error {
			return engine.Slice(t, p, providerTokens)
		})
	case "creation_time":
		tp = &f.CreationTime
	case "last_updated":
		tp = &f.LastUpdated
	case "last_activity":
		tp = &f.LastActivity
	case "last_sign_in_success":
		tp = &f.LastSignInSuccess
	case "last_sign_in_attempt":
		tp = &f.LastSignInAttempt
	case "password_updated_at":
		tp = &f.PasswordUpdatedAt
	case "block_until":
		tp = &f.BlockUntil
	case "failure_count":
		ip = &f.FailureCount
	case "sign_in_attempts_count":
		ip = &f.SignInAttemptsCount
	case "sign_in_success_count":
		ip = &f.SignInSuccessCount
	case "last_sign_in_attempt_ip":
		sp = &f.LastSignInAttemptIP
	case "last_sign_in_success_ip":
		sp = &f.LastSignInSuccessIP
	case "last_known_city":
		sp = &f.LastKnownCity
	case "last_known_country":
		sp = &f.LastKnownCountry
	case "last_known_region":
		sp = &f.LastKnownRegion
	default:
		return t.Skip()
	}
	switch {
	case bp != nil:
		return engine.Bind(t, bp, engine.Bool)
	case tp != nil:
		return engine.BindTime(t, tp)
	case ip != nil:
		return engine.Bind(t, ip, engine.Int)
	}
	return engine.Bind(t, sp, nullableTokens)
}

// rawTokens reads one value whole and gives it to unmarshal.
func rawTokens(t *engine.Tokens, unmarshal func([]byte) error) error {
	raw, err := t.Raw()
	if err != nil {
		return err
	}
	return unmarshal(raw)
}

func emailTokens(t *engine.Tokens, e *Email) error {
	_, err := t.Object(engine.FoldNames, func(name []byte) error {
		switch string(name) {
		case "id":
			return engine.String(t, &e.ID)
		case "email":
			return engine.String(t, &e.Email)
		case "primary":
			return engine.Bool(t, &e.Primary)
		case "verified":
			return engine.Bool(t, &e.Verified)
		case "source":
			return engine.String(t, &e.Source)
		case "verification_source":
			return engine.String(t, &e.VerificationSource)
		}
		return t.Skip()
	})
	return err
}

func phoneTokens(t *engine.Tokens, p *PhoneNumber) error {
	_, err := t.Object(engine.FoldNames, func(name []byte) error {
		switch string(name) {
		case "id":
			return engine.String(t, &p.ID)
		case "phone":
			return engine.String(t, &p.Phone)
		case "primary":
			return engine.Bool(t, &p.Primary)
		case "verified":
			return engine.Bool(t, &p.Verified)
		case "source":
			return engine.String(t, &p.Source)
		case "verification_source":
			return engine.String(t, &p.VerificationSource)
		}
		return t.Skip()
	})
	return err
}

func connectionTokens(t *engine.Tokens, c *Connection) error {
	_, err := t.Object(engine.FoldNames, func(name []byte) error {
		switch string(name) {
		case "idp":
			return engine.String(t, &c.IDP)
		case "connection_id":
			return engine.String(t, &c.ConnectionID)
		}
		return t.Skip()
	})
	return err
}

func providerTokens(t *engine.Tokens, p *ExternalProvider) error {
	_, err := t.Object(engine.FoldNames, func(name []byte) error {
		switch string(name) {
		case "authenticator":
			return engine.String(t, &p.Authenticator)
		case "provider_user_id":
			return engine.String(t, &p.ProviderUserID)
		}
		return t.Skip()
	})
	return err
}
