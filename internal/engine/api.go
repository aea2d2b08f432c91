package engine

import "fmt"

// API names one of the four vendor APIs the SDK speaks.
type API int

// The four APIs. The order is the index into per-API tables.
const (
	Ductape API = iota
	Zoom
	Arthur
	MonoCloud
	numAPIs
)

// APIs lists every API, in declaration order.
var APIs = [...]API{Ductape, Zoom, Arthur, MonoCloud}

type authStyle int

const (
	authBearer authStyle = iota
	authAPIKeyHeader
)

type profile struct {
	name        string
	defaultBase string
	auth        authStyle
	parseError  func(e *APIError)
}

var profiles = [numAPIs]profile{
	Ductape:   {name: "ductape", defaultBase: "https://api.ductape.app", auth: authBearer, parseError: parseDuctapeError},
	Zoom:      {name: "zoom", defaultBase: "https://api.zoom.us/v2", auth: authBearer, parseError: parseZoomError},
	Arthur:    {name: "arthur", auth: authBearer, parseError: parseArthurError},
	MonoCloud: {name: "monocloud", auth: authAPIKeyHeader, parseError: parseMonoCloudError},
}

// String returns the API's lower-case name ("ductape", "zoom", "arthur",
// "monocloud").
func (a API) String() string {
	if a < 0 || a >= numAPIs {
		return fmt.Sprintf("API(%d)", int(a))
	}
	return profiles[a].name
}

// Valid reports whether a is one of the four APIs.
func (a API) Valid() bool { return a >= 0 && a < numAPIs }

// DefaultBaseURL returns the API's default base URL, or "" when the API is
// self-hosted and has none.
func (a API) DefaultBaseURL() string {
	if !a.Valid() {
		return ""
	}
	return profiles[a].defaultBase
}
