package sessionkittest

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MonoCloudUser is one user as GET /api/users lists it (MonoCloud's UserSummary), with the wire
// contract's JSON keys. Times are Unix seconds; a nil time is sent as null.
type MonoCloudUser struct {
	UserID              string                `json:"user_id"`
	Disabled            bool                  `json:"disabled"`
	ForcePasswordReset  bool                  `json:"force_password_reset"`
	HasPassword         bool                  `json:"has_password"`
	Claims              map[string]any        `json:"claims"`
	Emails              []MonoCloudEmail      `json:"emails"`
	PhoneNumbers        []MonoCloudPhone      `json:"phone_numbers"`
	Username            *MonoCloudUsername    `json:"username"`
	Connections         []MonoCloudConnection `json:"connections"`
	ExternalProviders   []MonoCloudExternal   `json:"external_providers"`
	CreationTime        int64                 `json:"creation_time"`
	LastUpdated         int64                 `json:"last_updated"`
	PasswordUpdatedAt   *int64                `json:"password_updated_at"`
	BlockUntil          *int64                `json:"block_until"`
	LastSignInAttempt   *int64                `json:"last_sign_in_attempt"`
	LastSignInSuccess   *int64                `json:"last_sign_in_success"`
	LastActivity        *int64                `json:"last_activity"`
	FailureCount        int                   `json:"failure_count"`
	SignInAttemptsCount int                   `json:"sign_in_attempts_count"`
	SignInSuccessCount  int                   `json:"sign_in_success_count"`
	LastSignInAttemptIP *string               `json:"last_sign_in_attempt_ip"`
	LastSignInSuccessIP *string               `json:"last_sign_in_success_ip"`
	LastKnownCity       *string               `json:"last_known_city"`
	LastKnownCountry    *string               `json:"last_known_country"`
	LastKnownRegion     *string               `json:"last_known_region"`
}

// MonoCloudEmail is one of a MonoCloud user's email addresses.
type MonoCloudEmail struct {
	ID                 string  `json:"id"`
	Primary            bool    `json:"primary"`
	Verified           bool    `json:"verified"`
	Source             string  `json:"source"`
	VerificationSource *string `json:"verification_source"`
	Email              string  `json:"email"`
}

// MonoCloudPhone is one of a MonoCloud user's phone numbers.
type MonoCloudPhone struct {
	ID       string `json:"id"`
	Primary  bool   `json:"primary"`
	Verified bool   `json:"verified"`
	Source   string `json:"source"`
	Phone    string `json:"phone"`
}

// MonoCloudUsername is a MonoCloud user's username.
type MonoCloudUsername struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	Source   string `json:"source"`
}

// MonoCloudConnection is an identity provider a MonoCloud user signs in with.
type MonoCloudConnection struct {
	IDP          string `json:"idp"`
	ConnectionID string `json:"connection_id"`
}

// MonoCloudExternal is a MonoCloud user's account at an outside provider.
type MonoCloudExternal struct {
	Authenticator  string `json:"authenticator"`
	ProviderUserID string `json:"provider_user_id"`
}

// monoExtraUsers is how many users the server has beyond the first two.
const monoExtraUsers = 9

// genMonoCloudUsers adds users (with their sessions) and describes every MonoCloud user.
func genMonoCloudUsers(d *Dataset, g *gen, clients []string, n int) {
	for range monoExtraUsers {
		uid := g.uuid()
		d.MonoCloudUserIDs = append(d.MonoCloudUserIDs, uid)
		d.MonoCloudSessions[uid] = monoSessions(g, clients, n)
	}
	idps := []string{"google", "apple", "github", "microsoft", "gitlab"}
	for i, uid := range d.MonoCloudUserIDs {
		name, email := g.person()
		given, family, _ := strings.Cut(name, " ")
		created := baseTime.Add(-g.dur(30*24*time.Hour, 400*24*time.Hour)).Unix()
		u := MonoCloudUser{
			UserID: uid, Disabled: i == 5, HasPassword: g.chance(0.7),
			Claims:       map[string]any{"name": name, "given_name": given, "family_name": family},
			Emails:       []MonoCloudEmail{{ID: g.hex(24), Primary: true, Verified: g.chance(0.8), Source: "monocloud", Email: email}},
			CreationTime: created, LastUpdated: created + int64(g.n(86400*20)),
			FailureCount: g.n(4), SignInSuccessCount: 1 + g.n(40),
		}
		u.SignInAttemptsCount = u.SignInSuccessCount + u.FailureCount
		u.ForcePasswordReset = u.HasPassword && g.chance(0.1)
		if g.chance(0.4) {
			u.PhoneNumbers = []MonoCloudPhone{{ID: g.hex(24), Verified: true, Source: "monocloud", Phone: fmt.Sprintf("+1415555%04d", g.n(10000))}}
		}
		if g.chance(0.5) {
			local, _, _ := strings.Cut(email, "@")
			u.Username = &MonoCloudUsername{ID: g.hex(24), Username: local, Source: "monocloud"}
		}
		u.Connections = []MonoCloudConnection{{IDP: "monocloud", ConnectionID: g.hex(16)}}
		if g.chance(0.5) {
			idp := g.pick(idps)
			u.Connections = append(u.Connections, MonoCloudConnection{IDP: idp, ConnectionID: g.hex(16)})
			u.ExternalProviders = []MonoCloudExternal{{Authenticator: idp, ProviderUserID: strconv.Itoa(1e6 + g.n(9e6))}}
		}
		if ss := d.MonoCloudSessions[uid]; len(ss) > 0 { // the newest session is the last sign-in
			u.LastSignInSuccess, u.LastSignInAttempt, u.LastActivity = &ss[0].InitiatedAt, &ss[0].InitiatedAt, &ss[0].LastUpdated
			m := ss[0].LastMetadata
			u.LastSignInAttemptIP, u.LastSignInSuccessIP = m.IPAddress, m.IPAddress
			u.LastKnownCity, u.LastKnownCountry, u.LastKnownRegion = m.City, m.Country, m.Region
		}
		if u.Disabled {
			u.BlockUntil = ptr(baseTime.Add(30 * 24 * time.Hour).Unix())
		}
		d.MonoCloudUsers = append(d.MonoCloudUsers, u)
	}
}

// monoUserSortKeys maps each sort key of /api/users to the comparison of its field.
var monoUserSortKeys = map[string]func(a, b *MonoCloudUser) int{
	"creation_time":          func(a, b *MonoCloudUser) int { return cmp.Compare(a.CreationTime, b.CreationTime) },
	"last_updated":           func(a, b *MonoCloudUser) int { return cmp.Compare(a.LastUpdated, b.LastUpdated) },
	"last_activity":          func(a, b *MonoCloudUser) int { return cmpOpt(a.LastActivity, b.LastActivity) },
	"last_sign_in_success":   func(a, b *MonoCloudUser) int { return cmpOpt(a.LastSignInSuccess, b.LastSignInSuccess) },
	"last_sign_in_attempt":   func(a, b *MonoCloudUser) int { return cmpOpt(a.LastSignInAttempt, b.LastSignInAttempt) },
	"block_until":            func(a, b *MonoCloudUser) int { return cmpOpt(a.BlockUntil, b.BlockUntil) },
	"failure_count":          func(a, b *MonoCloudUser) int { return cmp.Compare(a.FailureCount, b.FailureCount) },
	"sign_in_attempts_count": func(a, b *MonoCloudUser) int { return cmp.Compare(a.SignInAttemptsCount, b.SignInAttemptsCount) },
	"sign_in_success_count":  func(a, b *MonoCloudUser) int { return cmp.Compare(a.SignInSuccessCount, b.SignInSuccessCount) },
}

// cmpOpt compares optional times; absent sorts first.
func cmpOpt(a, b *int64) int {
	return cmp.Compare(derefOr(a), derefOr(b))
}

func derefOr(p *int64) int64 {
	if p == nil {
		return -1 << 63
	}
	return *p
}

// matchesFilter applies a bare filter term, case-insensitively, to the user's ID, emails, phone
// numbers, username and name claims. (Lucene field syntax is not supported.)
func (u *MonoCloudUser) matchesFilter(term string) bool {
	term = strings.ToLower(term)
	texts := []string{u.UserID}
	for _, e := range u.Emails {
		texts = append(texts, e.Email)
	}
	for _, p := range u.PhoneNumbers {
		texts = append(texts, p.Phone)
	}
	if u.Username != nil {
		texts = append(texts, u.Username.Username)
	}
	for _, k := range []string{"name", "given_name", "family_name"} {
		if v, ok := u.Claims[k].(string); ok {
			texts = append(texts, v)
		}
	}
	return slices.ContainsFunc(texts, func(t string) bool { return strings.Contains(strings.ToLower(t), term) })
}

// monoUsers serves GET /api/users: MonoCloud's users in creation order (MonoCloudUserIDs), filtered
// by a bare term and sorted on request, as a bare array with X-Pagination.
func (s *Server) monoUsers(w http.ResponseWriter, r *http.Request, _ []string) {
	q := r.URL.Query()
	list, errs := readMonoList(q, monoUserSortKeys, "a known user field as key")
	if s.monoInvalid(w, r, errs) {
		return
	}
	var users []MonoCloudUser
	for _, u := range s.data.MonoCloudUsers {
		if f := q.Get("filter"); f == "" || u.matchesFilter(f) {
			users = append(users, u)
		}
	}
	list.write(s, w, users)
}
