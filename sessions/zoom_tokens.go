//go:build go1.27 && goexperiment.jsonv2

package sessions

import "github.com/sessionkit/sessionkit-go/internal/engine"

// DecodeTokens implements engine.TokenDecoder: the page DecodeStream
// decodes, from tokens.
func (w *wireListUsers) DecodeTokens(t *engine.Tokens) error {
	_, err := t.Object(engine.LowerNames, func(name []byte) error {
		switch string(name) {
		case "page_size":
			return engine.Int(t, &w.PageSize)
		case "next_page_token":
			return engine.String(t, &w.NextPageToken)
		case "users":
			return w.decodeUserTokens(t)
		}
		return t.Skip()
	})
	return err
}

func (w *wireListUsers) decodeUserTokens(t *engine.Tokens) error {
	var d videoUserDecoder
	users, _, err := engine.TokenItems(t, w.usersHint(), MaxZoomPageSize, func(u *VideoUser) error {
		d.begin(u)
		if _, err := t.Object(engine.FoldNames, func(name []byte) error { return d.fields.decodeToken(t, name) }); err != nil {
			return err
		}
		d.end(u)
		return nil
	})
	w.Users = users
	return err
}

// decodeToken decodes the member name of a user, as encoding/json decodes
// it into f.
func (f *videoUserFields) decodeToken(t *engine.Tokens, name []byte) error {
	var p **string
	switch string(name) {
	case "id":
		p = &f.ID
	case "name":
		p = &f.Name
	case "device":
		p = &f.Device
	case "ip_address":
		p = &f.IPAddress
	case "location":
		p = &f.Location
	case "network_type":
		p = &f.NetworkType
	case "microphone":
		p = &f.Microphone
	case "speaker":
		p = &f.Speaker
	case "camera":
		p = &f.Camera
	case "data_center":
		p = &f.DataCenter
	case "connection_type":
		p = &f.ConnectionType
	case "user_key":
		p = &f.UserKey
	case "participant_uuid":
		p = &f.ParticipantUUID
	case "client":
		p = &f.Client
	case "os":
		p = &f.OS
	case "os_version":
		p = &f.OSVersion
	case "browser_name":
		p = &f.BrowserName
	case "browser_version":
		p = &f.BrowserVersion
	case "audio_quality":
		p = &f.AudioQuality
	case "video_quality":
		p = &f.VideoQuality
	case "screen_share_quality":
		p = &f.ScreenShareQuality
	case "join_time":
		return engine.BindTime(t, &f.JoinTime)
	case "leave_time":
		return engine.BindTime(t, &f.LeaveTime)
	case "is_original_host":
		return engine.Bind(t, &f.IsOriginalHost, engine.Bool)
	case "audio_call":
		return engine.Bind(t, &f.AudioCall, decodeAudioCallTokens)
	default:
		return t.Skip()
	}
	return engine.BindString(t, p)
}

func decodeAudioCallTokens(t *engine.Tokens, calls *[]wireAudioCall) error {
	return engine.Slice(t, calls, func(t *engine.Tokens, c *wireAudioCall) error {
		_, err := t.Object(engine.FoldNames, func(name []byte) error {
			switch string(name) {
			case "call_number":
				return engine.String(t, &c.CallNumber)
			case "call_type":
				return engine.String(t, &c.CallType)
			case "zoom_number":
				return engine.String(t, &c.ZoomNumber)
			}
			return t.Skip()
		})
		return err
	})
}
