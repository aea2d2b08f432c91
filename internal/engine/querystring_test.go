package engine

import (
	"errors"
	"math/rand/v2"
	"net/url"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-querystring/query"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The query structs of the services, and the shapes around them.
type (
	qsKind string

	qsZoom struct {
		From          string `url:"from"`
		To            string `url:"to"`
		Type          qsKind `url:"type,omitempty"`
		PageSize      int    `url:"page_size,omitempty"`
		NextPageToken string `url:"next_page_token,omitempty"`
	}
	qsArthur struct {
		TaskIDs   []string  `url:"task_ids"`
		StartTime QueryTime `url:"start_time,omitempty"`
		EndTime   QueryTime `url:"end_time,omitempty"`
		Sort      qsKind    `url:"sort,omitempty"`
		PageSize  int       `url:"page_size,omitempty"`
		Page      int       `url:"page,omitempty"`
	}
	qsPlain struct {
		Name     string
		Skipped  string `url:"-"`
		hidden   string //nolint:unused // go-querystring skips it
		Zero     int    `url:"zero"`
		Neg      int64  `url:"neg,omitempty"`
		Small    int8   `url:"small"`
		Count    uint16 `url:"count,omitempty"`
		On       bool   `url:"on"`
		Maybe    bool   `url:"maybe,omitempty"`
		Empty    string `url:"empty"`
		Tags     []string
		NoTags   []string `url:"no_tags,omitempty"`
		BKey     string   `url:"b"`
		AKey     string   `url:"a"`
		Upper    string   `url:"Z"`
		Spaced   string   `url:"with space"`
		Encoded  qsKind   `url:"k&y=%"`
		Instants QueryTime
	}
	qsStringer struct {
		Level qsLevel `url:"level"`
	}
	qsLevel int
	qsComma struct {
		IDs []int `url:"ids,comma"`
	}
	qsDup struct {
		A, B string `url:"x"`
	}
	qsNested   struct{ Inner qsZoom }
	qsEmbedded struct {
		qsZoom
		Extra string `url:"extra"`
	}
	qsPointer struct {
		P *string `url:"p,omitempty"`
	}
	qsFloat struct {
		F float64 `url:"f"`
	}
	// qsSort encodes as users.sortParam does.
	qsSort struct {
		Key   string
		Order int
	}
	qsSorted struct {
		Page int    `url:"page,omitempty"`
		Sort qsSort `url:"sort,omitempty"`
		ID   string `url:"client_id,omitempty"`
	}
	qsElsewhere string // writes under another key
	qsNowhere   int    // writes nothing
	qsFailing   bool   // fails
	qsZeroable  struct{ N int }
	qsEncoders  struct {
		A qsElsewhere `url:"a,omitempty"`
		N qsNowhere   `url:"n"`
		Z qsZeroable  `url:"z,omitempty"`
	}
	qsFails struct {
		F qsFailing `url:"f"`
	}
)

func (s qsSort) EncodeValues(key string, v *url.Values) error {
	if s != (qsSort{}) {
		v.Set(key, s.Key+":"+strconv.Itoa(s.Order))
	}
	return nil
}

func (e qsElsewhere) EncodeValues(_ string, v *url.Values) error {
	v.Add("other", string(e))
	return nil
}

func (qsNowhere) EncodeValues(string, *url.Values) error { return nil }

func (qsFailing) EncodeValues(string, *url.Values) error { return errors.New("cannot encode") }

func (z qsZeroable) IsZero() bool { return z.N == 0 }

func (z qsZeroable) EncodeValues(key string, v *url.Values) error {
	v.Add(key, strconv.Itoa(z.N))
	v.Add(key, "again")
	return nil
}

func (l qsLevel) String() string { return "level-" + strconv.Itoa(int(l)) }

// TestEncodeQueryMatchesGoQuerystring: encodeQuery gives exactly what
// go-querystring gives, for the plain structs it encodes itself and for
// every other shape, which it leaves to go-querystring.
func TestEncodeQueryMatchesGoQuerystring(t *testing.T) {
	at := time.Date(2026, 10, 1, 9, 12, 44, 120e6, time.FixedZone("", 2*3600))
	s := "a&b=c d+é/ü?#%"
	tests := []struct {
		name string
		q    any
		plan bool // encoded by the plan, not by go-querystring
	}{
		{"zoom", qsZoom{From: "2026-01-01", To: "2026-01-31", Type: "past", PageSize: 300, NextPageToken: "Tz4Q/m8Rb+Vx2Np=6Wk9Lc3H"}, true},
		{"zoom zero", qsZoom{}, true},
		{"zoom pointer", &qsZoom{From: s, PageSize: -1}, true},
		{"nil pointer", (*qsZoom)(nil), true},
		{"arthur", qsArthur{TaskIDs: []string{"t-1", "t 2", s}, StartTime: QueryTime(at), EndTime: QueryTime(at.Add(time.Nanosecond)), Sort: "asc", PageSize: 100, Page: 2}, true},
		{"arthur zero", qsArthur{}, true},
		{"arthur empty slice", qsArthur{TaskIDs: []string{}}, true},
		{"plain zero", qsPlain{}, true},
		{"plain", qsPlain{Name: s, Skipped: "no", hidden: "no", Neg: -7, Small: -128, Count: 65535, On: true, Maybe: true,
			Tags: []string{"", "x", s}, NoTags: []string{"y"}, BKey: "b", AKey: "a", Upper: "Z", Spaced: s, Encoded: "e", Instants: QueryTime(at)}, true},
		{"stringer field", qsStringer{Level: 3}, false},
		{"comma option", qsComma{IDs: []int{1, 2}}, false},
		{"a key twice", qsDup{A: "1", B: "2"}, false},
		{"nested struct", qsNested{Inner: qsZoom{From: "f"}}, false},
		{"embedded struct", qsEmbedded{qsZoom: qsZoom{From: "f"}, Extra: "e"}, false},
		{"pointer field", qsPointer{P: &s}, false},
		{"float field", qsFloat{F: 1.5}, false},
		{"an encoder field", qsSorted{Page: 2, Sort: qsSort{"initiated_at", -1}, ID: "c&d"}, true},
		{"an empty encoder field", qsSorted{}, true},
		{"encoders", qsEncoders{N: 1, Z: qsZeroable{N: 4}}, true},
		{"empty encoders", qsEncoders{}, true},
		{"an encoder that writes another key", qsEncoders{A: "x", N: 1}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := query.Values(tt.q)
			require.NoError(t, err)
			got, err := encodeQuery(tt.q)
			require.NoError(t, err)
			assert.Equal(t, want.Encode(), got)
			_, err = url.ParseQuery(got)
			require.NoError(t, err)
			assert.Equal(t, tt.plan, queryPlanOf(reflect.TypeOf(tt.q)) != nil, "encoded by the plan")
		})
	}
	t.Run("an encoder's error", func(t *testing.T) {
		_, want := query.Values(qsFails{})
		_, err := encodeQuery(qsFails{})
		require.Error(t, err)
		assert.Equal(t, want.Error(), err.Error())
	})
	t.Run("not a struct", func(t *testing.T) {
		_, want := query.Values(42)
		_, err := encodeQuery(42)
		require.Error(t, err)
		assert.Equal(t, want.Error(), err.Error())
	})
}

// TestEncodeQueryRandomValues compares encodeQuery with go-querystring
// over random values of the plan's kinds, bytes of every value included.
func TestEncodeQueryRandomValues(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	r := rand.New(rand.NewPCG(seed, 7))
	str := func() string {
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		return string(b)
	}
	for i := range 2000 {
		q := qsPlain{Name: str(), Zero: r.IntN(3) - 1, Neg: r.Int64() - r.Int64(), Small: int8(r.IntN(256) - 128), Count: uint16(r.IntN(3)),
			On: r.IntN(2) == 0, Maybe: r.IntN(2) == 0, Empty: str(), BKey: str(), AKey: str(), Upper: str(), Spaced: str(), Encoded: qsKind(str())}
		for range r.IntN(3) {
			q.Tags = append(q.Tags, str())
		}
		if r.IntN(2) == 0 {
			q.Instants = QueryTime(time.Unix(r.Int64N(1<<33), r.Int64N(1e9)).In(time.FixedZone("", (r.IntN(48)-24)*1800)))
		}
		want, err := query.Values(q)
		require.NoError(t, err)
		got, err := encodeQuery(q)
		require.NoError(t, err)
		require.Equal(t, want.Encode(), got, "seed %d, value %d: %#v", seed, i, q)
	}
}

func TestAppendQueryEscapeIsQueryEscape(t *testing.T) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	for _, s := range []string{"", "plain-_.~AZaz09", " ", "a b+c", string(all), "é ü 日本"} {
		assert.Equal(t, url.QueryEscape(s), queryEscape(s))
	}
}

// TestEncodeQueryAllocations: a plain query struct costs one string.
func TestEncodeQueryAllocations(t *testing.T) {
	var zoom any = qsZoom{From: "2026-01-01", To: "2026-01-31", Type: "past", PageSize: 300, NextPageToken: "tok/7"}
	_, err := encodeQuery(zoom) // makes the plan
	require.NoError(t, err)
	assert.LessOrEqual(t, testing.AllocsPerRun(100, func() { _, _ = encodeQuery(zoom) }), 1.0)
}
