package sessionkittest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"
)

// Dataset is the data a [Server] answers from, generated deterministically from the seed. Its values are
// the ones that go on the wire, so a test can compare what the SDK decoded with them.
type Dataset struct {
	// BaseTime is the fixed "now" of the generated data (2026-11-20T12:00:00Z); every time lies in the
	// weeks before it, except the end of sessions still in progress.
	BaseTime time.Time
	// WorkspaceID is the Ductape workspace (see [WithWorkspaceID]).
	WorkspaceID string
	// Product, Session and Env are the Ductape product_tag, session_tag and env of every user.
	Product, Session, Env string
	// DuctapeUsers are the users of the Ductape session, each with its session history.
	DuctapeUsers []DuctapeUser
	// ZoomSessionIDs are the Zoom session IDs. The first is a plain base64-like ID, the second begins
	// with "/" and the third contains "//", so both need Zoom's double encoding.
	ZoomSessionIDs []string
	// ZoomLiveSessionIDs are the Zoom sessions still in progress at BaseTime: Zoom lists them only
	// as type live, and answers a past listing with 404 code 3001. The ZoomSessionIDs ended at
	// BaseTime: they are listed only as past.
	ZoomLiveSessionIDs []string
	// ZoomUsers are the users of each Zoom session (by session ID, ended or in progress), ordered by
	// join time. A user who rejoined appears once per join; a user still in a session in progress
	// has no LeaveTime.
	ZoomUsers map[string][]ZoomUser
	// ArthurTaskIDs are the Arthur task IDs.
	ArthurTaskIDs []string
	// ArthurUsers are the Arthur rows, one per (user, task); some omit the token and cost fields.
	ArthurUsers []ArthurUser
	// MonoCloudUserIDs are the MonoCloud users.
	MonoCloudUserIDs []string
	// MonoCloudSessions are the sessions of each MonoCloud user (by user ID), newest first.
	MonoCloudSessions map[string][]MonoCloudSession
	// ZoomSessions are the Zoom sessions /videosdk/sessions lists, by start time: the live ones of
	// ZoomSessionIDs and ended ones spread over the six months before BaseTime. ZoomUsers holds the
	// users of each.
	ZoomSessions []ZoomSession
	// MonoCloudUsers are the users /api/users lists, one per MonoCloudUserIDs entry, in that order.
	MonoCloudUsers []MonoCloudUser
	// ArthurTasks are the tasks /api/v2/tasks/search lists: the ArthurTaskIDs, active, and one
	// archived task without users.
	ArthurTasks []ArthurTask
}

// DuctapeUser is one user of a Ductape session, as listed by the users call. Its fields carry the
// JSON keys of the wire contract.
type DuctapeUser struct {
	ID            string `json:"_id"`
	DuctapeUserID string `json:"ductape_user_id"`
	ProductTag    string `json:"product_tag"`
	SessionTag    string `json:"session_tag"`
	Identifier    string `json:"identifier"`
	Env           string `json:"env"`
	FirstSeen     string `json:"first_seen"` // RFC 3339
	LastSeen      string `json:"last_seen"`  // RFC 3339
	CreatedAt     string `json:"createdAt"`  // RFC 3339
	UpdatedAt     string `json:"updatedAt"`  // RFC 3339
	Version       int    `json:"__v"`        // an extra field clients must ignore
	// Sessions is the user's session history, newest first, sent only by the details call.
	Sessions []DuctapeSession `json:"-"`
}

// DuctapeSession is one session in a Ductape user's details, with the wire contract's JSON keys.
type DuctapeSession struct {
	SessionID string `json:"session_id"`
	StartAt   string `json:"start_at"` // RFC 3339
	EndAt     string `json:"end_at"`   // RFC 3339
	Active    bool   `json:"active"`
}

// ZoomUser is one join of a user to a Zoom Video SDK session. Its fields carry the JSON keys of the
// wire contract; the enumerated ones (device, network_type, qualities) use the documented values.
type ZoomUser struct {
	ID                 string      `json:"id"`
	Name               string      `json:"name"`
	Device             string      `json:"device"`
	IPAddress          string      `json:"ip_address"`
	Location           string      `json:"location"`
	NetworkType        string      `json:"network_type"`
	Microphone         string      `json:"microphone"`
	Speaker            string      `json:"speaker"`
	Camera             string      `json:"camera"`
	DataCenter         string      `json:"data_center"`
	ConnectionType     string      `json:"connection_type"`
	JoinTime           string      `json:"join_time"`            // RFC 3339
	LeaveTime          string      `json:"leave_time,omitempty"` // RFC 3339; absent while in the session
	UserKey            string      `json:"user_key"`
	ParticipantUUID    string      `json:"participant_uuid"`
	Client             string      `json:"client"`
	OS                 string      `json:"os"`
	OSVersion          string      `json:"os_version"`
	BrowserName        string      `json:"browser_name"`
	BrowserVersion     string      `json:"browser_version"`
	AudioQuality       string      `json:"audio_quality,omitempty"` // absent when unknown, as no enum value fits
	VideoQuality       string      `json:"video_quality,omitempty"`
	ScreenShareQuality string      `json:"screen_share_quality,omitempty"`
	IsOriginalHost     bool        `json:"is_original_host"`
	AudioCall          []AudioCall `json:"audio_call,omitempty"`
}

// AudioCall is a phone call a Zoom user joined or bound the audio with, with the wire contract's JSON keys.
type AudioCall struct {
	CallNumber string `json:"call_number"`
	CallType   string `json:"call_type"`
	ZoomNumber string `json:"zoom_number"`
}

// ArthurUser is one Arthur row: a user's trace metadata within one task. The token and cost fields
// are nil, and omitted on the wire, when unknown.
type ArthurUser struct {
	UserID               string   `json:"user_id"`
	TaskID               string   `json:"task_id"`
	SessionIDs           []string `json:"session_ids"`
	SessionCount         int      `json:"session_count"`
	TraceIDs             []string `json:"trace_ids"`
	TraceCount           int      `json:"trace_count"`
	SpanCount            int      `json:"span_count"`
	EarliestStartTime    string   `json:"earliest_start_time"` // zone-less ISO 8601, UTC
	LatestEndTime        string   `json:"latest_end_time"`     // zone-less ISO 8601, UTC
	PromptTokenCount     *int     `json:"prompt_token_count,omitempty"`
	CompletionTokenCount *int     `json:"completion_token_count,omitempty"`
	TotalTokenCount      *int     `json:"total_token_count,omitempty"`
	PromptTokenCost      *float64 `json:"prompt_token_cost,omitempty"`
	CompletionTokenCost  *float64 `json:"completion_token_cost,omitempty"`
	TotalTokenCost       *float64 `json:"total_token_cost,omitempty"`
}

// MonoCloudSession is one session of a MonoCloud user, with the wire contract's JSON keys. [Times] are
// Unix seconds; SessionKey is omitted when empty.
type MonoCloudSession struct {
	SessionID    string            `json:"session_id"`
	SessionKey   string            `json:"session_key,omitempty"`
	ClientIDs    []string          `json:"client_ids"`
	InitiatedAt  int64             `json:"initiated_at"`
	ExpiresAt    int64             `json:"expires_at"`
	LastUpdated  int64             `json:"last_updated"`
	LastMetadata MonoCloudMetadata `json:"last_metadata"`
}

// MonoCloudMetadata is where a MonoCloud session was last seen from; a nil field is sent as null.
type MonoCloudMetadata struct {
	Country   *string `json:"country"`
	City      *string `json:"city"`
	Region    *string `json:"region"`
	Latitude  *string `json:"latitude"`
	Longitude *string `json:"longitude"`
	IPAddress *string `json:"ip_address"`
	UserAgent *string `json:"user_agent"`
}

const (
	rfc3339Milli = "2006-01-02T15:04:05.000Z07:00"
	isoMicro     = "2006-01-02T15:04:05.000000"
	isoSeconds   = "2006-01-02T15:04:05"
)

var baseTime = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

var (
	firstNames = []string{"Ada", "Grace", "Linus", "Margaret", "Amara", "Chen", "Diego", "Fatima", "Hiroshi",
		"Ingrid", "José", "Kwame", "Lucía", "Mateo", "Noor", "Olga", "Priya", "Rafael", "Sofia", "Tomasz",
		"Uma", "Viktor", "Wanjiru", "Yusuf", "Zoë", "Søren", "Aisha", "Bruno", "Camille", "Dmitri"}
	lastNames = []string{"Lovelace", "Hopper", "Okafor", "Hamilton", "Nakamura", "Silva", "Kowalski", "Haddad",
		"Müller", "Johansson", "García", "Mensah", "Rossi", "Patel", "Kim", "Dubois", "Novak", "Andersen",
		"Oyelaran", "Fernández", "Ivanova", "Wright", "Tanaka", "Costa", "Schneider", "Brennan"}
	domains = []string{"example.com", "example.org", "example.net", "mail.example.com"}
	cities  = [][5]string{ // city, country, region, latitude, longitude
		{"New York", "United States of America", "North America", "40.712776", "-74.005974"},
		{"Los Angeles", "United States of America", "North America", "34.043238", "-118.250918"},
		{"Toronto", "Canada", "North America", "43.653225", "-79.383186"},
		{"São Paulo", "Brazil", "South America", "-23.550520", "-46.633308"},
		{"London", "United Kingdom", "Europe", "51.507351", "-0.127758"},
		{"Berlin", "Germany", "Europe", "52.520008", "13.404954"},
		{"Paris", "France", "Europe", "48.856613", "2.352222"},
		{"Warsaw", "Poland", "Europe", "52.229676", "21.012229"},
		{"Lagos", "Nigeria", "Africa", "6.524379", "3.379206"},
		{"Nairobi", "Kenya", "Africa", "-1.292066", "36.821945"},
		{"Bengaluru", "India", "Asia", "12.971599", "77.594566"},
		{"Singapore", "Singapore", "Asia", "1.352083", "103.819836"},
		{"Tokyo", "Japan", "Asia", "35.676192", "139.650311"},
		{"Sydney", "Australia", "Oceania", "-33.868820", "151.209296"},
	}
	userAgents = []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36",
		"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
	}
	qualities    = []string{"good", "good", "good", "fair", "fair", "poor", "bad"}
	networkTypes = []string{"Wired", "Wifi", "Wifi", "PPP", "Cellular", "Others"}
	dataCenters  = []string{"SC", "NY", "DV", "AM", "FR", "SG", "SY", "TY"}
	mics         = []string{"Plantronics BT600", "Jabra Evolve2 65", "Logitech H390", "MacBook Pro Microphone", "Realtek High Definition Audio"}
	speakers     = []string{"Plantronics BT600", "Jabra Evolve2 65", "MacBook Pro Speakers", "Realtek High Definition Audio"}
	cameras      = []string{"FaceTime HD Camera", "Logitech C920", "Integrated Webcam", "Razer Kiyo"}
	folder       = strings.NewReplacer("é", "e", "í", "i", "ó", "o", "á", "a", "ã", "a", "ë", "e", "ø", "o", "ü", "u")
)

// deviceProfile is a Zoom device with the clients, systems and browsers that go with it.
type deviceProfile struct {
	device, os string
	versions   []string
	clients    []string
	browsers   [][2]string
}

var devices = []deviceProfile{
	{"Windows", "Windows", []string{"10", "11"}, []string{"Video SDK for Web 1.12.5", "Video SDK for Windows 1.12.10"}, [][2]string{{"Chrome", "131"}, {"Edge", "131"}, {"Firefox", "133"}}},
	{"Mac", "Mac", []string{"14.7.1", "15.1"}, []string{"Video SDK for Web 1.12.5", "Video SDK for macOS 1.12.10"}, [][2]string{{"Safari", "18.1"}, {"Chrome", "131"}}},
	{"iOS", "iOS", []string{"17.6", "18.1"}, []string{"Video SDK for iOS 1.12.10"}, nil},
	{"Android", "Android", []string{"13", "14", "15"}, []string{"Video SDK for Android 1.12.10"}, nil},
	{"Phone", "", []string{""}, []string{""}, nil},
	{"H.323/SIP", "", []string{""}, []string{"H.323/SIP"}, nil},
}

// gen is a deterministic generator of plausible values.
type gen struct{ r *rand.Rand }

func newGen(seed int64, stream uint64) *gen {
	return &gen{rand.New(rand.NewPCG(uint64(seed), stream))}
}

func (g *gen) n(n int) int             { return g.r.IntN(n) }
func (g *gen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }
func (g *gen) chance(p float64) bool   { return g.r.Float64() < p }
func (g *gen) dur(lo, hi time.Duration) time.Duration {
	return lo + time.Duration(g.r.Int64N(int64(hi-lo)))
}

func (g *gen) chars(n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[g.r.IntN(len(alphabet))]
	}
	return string(b)
}

func (g *gen) hex(n int) string { return g.chars(n, "0123456789abcdef") }

func (g *gen) uuid() string {
	return g.hex(8) + "-" + g.hex(4) + "-4" + g.hex(3) + "-" + g.pick([]string{"8", "9", "a", "b"}) + g.hex(3) + "-" + g.hex(12)
}

// ip returns an address from the documentation ranges (RFC 5737, RFC 3849).
func (g *gen) ip() string {
	if g.chance(0.15) {
		return fmt.Sprintf("2001:db8:%x:%x::%x", g.n(0xffff), g.n(0xffff), 1+g.n(0xfffe))
	}
	return fmt.Sprintf("%s.%d", g.pick([]string{"192.0.2", "198.51.100", "203.0.113"}), 1+g.n(254))
}

func (g *gen) person() (name, email string) {
	first, last := g.pick(firstNames), g.pick(lastNames)
	local := strings.ToLower(folder.Replace(first + "." + last))
	return first + " " + last, local + "@" + g.pick(domains)
}

func generate(seed int64, n int, workspace string) *Dataset {
	d := &Dataset{
		BaseTime: baseTime, WorkspaceID: workspace,
		Product: "my-product", Session: "user-session", Env: "production",
	}
	genDuctape(d, newGen(seed, 1), n)
	genZoom(d, newGen(seed, 2), newGen(seed, 7), n)
	genZoomSessions(d, newGen(seed, 5), n)
	genArthur(d, newGen(seed, 3), n)
	genArthurTasks(d, newGen(seed, 6))
	genMonoCloud(d, newGen(seed, 4), n)
	return d
}

func genDuctape(d *Dataset, g *gen, n int) {
	seen := map[string]bool{}
	for i := range n {
		_, ident := g.person()
		switch {
		case i%9 == 4:
			ident = fmt.Sprintf("+1415555%04d", 100+i)
		case i == 1:
			ident = "acme-corp/" + ident // one identifier with a slash: it must travel as one segment
		}
		for k := 2; seen[ident]; k++ {
			local, dom, _ := strings.Cut(ident, "@")
			ident = fmt.Sprintf("%s%d@%s", strings.TrimRight(local, "0123456789"), k, dom)
		}
		seen[ident] = true

		// Sessions newest first, walking back from the latest; the latest may still be active.
		active := g.chance(0.3)
		at := baseTime.Add(-g.dur(time.Hour, 20*24*time.Hour)).Truncate(time.Second)
		if active {
			at = baseTime.Add(-g.dur(time.Minute, 2*time.Hour)).Truncate(time.Second)
		}
		lastSeen := at.Add(g.dur(5*time.Minute, 40*time.Minute)).Truncate(time.Second)
		var sessions []DuctapeSession
		var first time.Time
		for k := range 1 + g.n(6) {
			end := at.Add(g.dur(5*time.Minute, 3*time.Hour)).Truncate(time.Second)
			switch {
			case k == 0 && active:
				end, lastSeen = at.Add(2*time.Hour), baseTime.Add(-g.dur(time.Second, time.Minute)).Truncate(time.Second)
			case k == 0:
				end = lastSeen
			}
			sessions = append(sessions, DuctapeSession{SessionID: "s_" + g.hex(12), StartAt: at.Format(time.RFC3339), EndAt: end.Format(time.RFC3339), Active: k == 0 && active})
			first = at.Add(time.Duration(g.n(1000)) * time.Millisecond)
			at = at.Add(-g.dur(3*time.Hour, 6*24*time.Hour)).Truncate(time.Second)
		}
		d.DuctapeUsers = append(d.DuctapeUsers, DuctapeUser{
			ID:            fmt.Sprintf("%08x", first.Unix()) + g.hex(16),
			DuctapeUserID: "du_" + g.hex(16),
			ProductTag:    d.Product, SessionTag: d.Session, Identifier: ident, Env: d.Env,
			FirstSeen: first.Format(rfc3339Milli), LastSeen: lastSeen.Format(time.RFC3339),
			CreatedAt: first.Format(rfc3339Milli), UpdatedAt: lastSeen.Format(time.RFC3339),
			Sessions: sessions,
		})
	}
}

// genZoom generates the ended sessions from g and the sessions in progress from live.
func genZoom(d *Dataset, g, live *gen, n int) {
	d.ZoomSessionIDs = []string{"KkMHZ4y8QhSUWAHi5sWvfg==", "/Ab+cd==", "Qx7//tL2RfeB1n0cWv3Y+A=="}
	d.ZoomLiveSessionIDs = []string{"Lv3Z9pQxTnKc0aYw7mFhRg=="}
	d.ZoomUsers = map[string][]ZoomUser{}
	for si, sid := range d.ZoomSessionIDs {
		users := zoomJoins(g, baseTime.Add(-time.Duration(3+si*2)*time.Hour), baseTime, n)
		for i := range users { // the session ended at BaseTime: whoever was still in left then
			if users[i].LeaveTime == "" {
				users[i].LeaveTime = baseTime.Format(time.RFC3339)
			}
		}
		d.ZoomUsers[sid] = users
	}
	for _, sid := range d.ZoomLiveSessionIDs {
		d.ZoomUsers[sid] = zoomJoins(live, baseTime.Add(-time.Hour), baseTime, n)
	}
}

// zoomJoins generates the n joins of a session that started at start; nobody leaves after end.
func zoomJoins(g *gen, start, end time.Time, n int) []ZoomUser {
	const b62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	span := end.Sub(start)
	users := make([]ZoomUser, 0, n)
	step := max(span/time.Duration(max(n, 1)), time.Nanosecond)
	leaves := map[string]time.Time{} // by user ID, of the latest join; zero while in the session
	for i := range n {
		// Joins spread over the session, in order.
		join := start.Add(step * time.Duration(i)).Add(g.dur(0, step)).Truncate(time.Second)
		var u ZoomUser
		if k := max(0, i-1-g.n(8)); i > 1 && g.chance(0.15) && !leaves[users[k].ID].IsZero() && leaves[users[k].ID].Before(join) {
			u = users[k] // an earlier user rejoined
			u.IsOriginalHost, u.AudioCall = false, nil
		} else {
			name, email := g.person()
			p := devices[g.n(len(devices))]
			city := cities[g.n(len(cities))]
			u = ZoomUser{
				ID: g.chars(12, b62[:36]), Name: name, Device: p.device, IPAddress: g.ip(), Location: city[0],
				NetworkType: g.pick(networkTypes), DataCenter: g.pick(dataCenters), ConnectionType: g.pick([]string{"UDP", "UDP", "P2P", "SSL"}),
				UserKey: strings.SplitN(email, "@", 2)[0], Client: g.pick(p.clients), OS: p.os, OSVersion: g.pick(p.versions),
				AudioQuality: g.pick(qualities), VideoQuality: g.pick(qualities), ScreenShareQuality: g.pick(qualities),
				IsOriginalHost: i == 0,
			}
			switch p.device {
			case "Windows", "Mac":
				u.Microphone, u.Speaker, u.Camera = g.pick(mics), g.pick(speakers), g.pick(cameras)
				if strings.Contains(u.Client, "Web") {
					b := p.browsers[g.n(len(p.browsers))]
					u.BrowserName, u.BrowserVersion = b[0], b[1]
				}
			case "iOS", "Android":
				u.Microphone, u.Speaker, u.Camera = "Built-in Microphone", "Built-in Speaker", "Front Camera"
			case "Phone":
				u.NetworkType, u.VideoQuality, u.ScreenShareQuality = "Others", "", ""
			}
			if p.device == "Phone" || g.chance(0.08) {
				typ := "call-in"
				if p.device != "Phone" && g.chance(0.5) {
					typ = "call-out"
				}
				u.AudioCall = []AudioCall{{CallNumber: fmt.Sprintf("+1 415-555-%04d", g.n(10000)), CallType: typ, ZoomNumber: g.pick([]string{"18773690926", "16699006833", "442034815240"})}}
			}
			if g.chance(0.2) {
				u.UserKey = "" // not every app sets user_identity
			}
		}
		u.ParticipantUUID = strings.ToUpper(g.uuid())
		u.JoinTime = join.Format(time.RFC3339)
		u.LeaveTime, leaves[u.ID] = "", time.Time{}
		if i != n-1 && g.chance(0.8) {
			if leave := join.Add(g.dur(2*time.Minute, span/2)); leave.Before(end) {
				u.LeaveTime, leaves[u.ID] = leave.Format(time.RFC3339), leave
			}
		}
		users = append(users, u)
	}
	return users
}

func genArthur(d *Dataset, g *gen, n int) {
	d.ArthurTaskIDs = []string{g.uuid(), g.uuid()}
	prevUser, prevTask := -1, 0
	for i := range n {
		user, task := i*2/3, g.n(2)
		if user == prevUser {
			task = 1 - prevTask
		}
		prevUser, prevTask = user, task
		uid := fmt.Sprintf("u-%d", user+1)
		if user == 3 {
			uid = "svc/batch-runner" // a user ID that must be escaped as one segment
		}
		start := baseTime.Add(-g.dur(time.Hour, 21*24*time.Hour)).Truncate(time.Microsecond)
		if i == 0 {
			start = start.Truncate(time.Second) // Python's isoformat drops a zero fraction
		}
		end := start.Add(g.dur(time.Second, 3*24*time.Hour)).Truncate(time.Microsecond)
		if end.After(baseTime) {
			end = baseTime.Add(-time.Duration(g.n(1e6)) * time.Microsecond)
		}
		row := ArthurUser{UserID: uid, TaskID: d.ArthurTaskIDs[task], EarliestStartTime: isoFormat(start), LatestEndTime: isoFormat(end)}
		for range 1 + g.n(4) {
			row.SessionIDs = append(row.SessionIDs, "sess-"+g.hex(10))
		}
		for range 1 + g.n(8) {
			row.TraceIDs = append(row.TraceIDs, g.hex(32))
			row.SpanCount += 2 + g.n(11)
		}
		row.SessionCount, row.TraceCount = len(row.SessionIDs), len(row.TraceIDs)
		switch i % 7 {
		case 3: // nothing known about tokens
		case 5: // tokens counted, model without pricing
			p, c := 200+g.n(20000), 50+g.n(4000)
			row.PromptTokenCount, row.CompletionTokenCount, row.TotalTokenCount = &p, &c, ptr(p+c)
		default:
			p, c := 200+g.n(20000), 50+g.n(4000)
			if i%11 == 4 {
				p, c = 0, 0 // known zero, distinct from absent
			}
			pc, cc := round6(float64(p)*2.5e-6), round6(float64(c)*1e-5)
			row.PromptTokenCount, row.CompletionTokenCount, row.TotalTokenCount = &p, &c, ptr(p+c)
			row.PromptTokenCost, row.CompletionTokenCost, row.TotalTokenCost = &pc, &cc, ptr(round6(pc+cc))
		}
		d.ArthurUsers = append(d.ArthurUsers, row)
	}
}

func genMonoCloud(d *Dataset, g *gen, n int) {
	d.MonoCloudUserIDs = []string{g.uuid(), g.uuid()}
	d.MonoCloudSessions = map[string][]MonoCloudSession{}
	clients := []string{g.chars(21, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"), g.chars(21, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"), "eCOGRJYpnNwwAAuCeReEW"}
	for _, uid := range d.MonoCloudUserIDs {
		d.MonoCloudSessions[uid] = monoSessions(g, clients, n)
	}
	genMonoCloudUsers(d, g, clients, n)
}

// monoSessions generates the n sessions of one MonoCloud user, newest first.
func monoSessions(g *gen, clients []string, n int) []MonoCloudSession {
	const hexUpper = "0123456789ABCDEF"
	sessions := make([]MonoCloudSession, 0, n)
	at := baseTime.Add(-g.dur(time.Minute, time.Hour))
	for i := range n {
		if i > 0 {
			at = at.Add(-g.dur(10*time.Minute, 20*time.Hour))
		}
		s := MonoCloudSession{
			SessionID: g.chars(32, hexUpper), SessionKey: g.chars(64, hexUpper),
			ClientIDs:   []string{clients[g.n(len(clients))]},
			InitiatedAt: at.Unix(), ExpiresAt: at.Add(7 * 24 * time.Hour).Unix(),
			LastUpdated: at.Add(g.dur(0, 6*time.Hour)).Unix(),
		}
		s.LastUpdated = min(s.LastUpdated, baseTime.Unix())
		if g.chance(0.1) {
			s.SessionKey = ""
		}
		if g.chance(0.15) {
			if other := clients[g.n(len(clients))]; other != s.ClientIDs[0] {
				s.ClientIDs = append(s.ClientIDs, other)
			}
		}
		c := cities[g.n(len(cities))]
		m := MonoCloudMetadata{Country: &c[1], City: &c[0], Region: &c[2], Latitude: &c[3], Longitude: &c[4], IPAddress: ptr(g.ip()), UserAgent: ptr(g.pick(userAgents))}
		if g.chance(0.15) { // location unknown for this address
			m.City, m.Latitude, m.Longitude, m.Region = nil, nil, nil, nil
		}
		s.LastMetadata = m
		sessions = append(sessions, s)
	}
	return sessions
}

func ptr[T any](v T) *T { return &v }

func round6(f float64) float64 { return math.Round(f*1e6) / 1e6 }

// isoFormat formats t like Python's datetime.isoformat() on a naive UTC datetime.
func isoFormat(t time.Time) string {
	t = t.UTC()
	if t.Nanosecond()/1000 == 0 {
		return t.Format(isoSeconds)
	}
	return t.Format(isoMicro)
}
