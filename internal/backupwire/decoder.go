package backupwire

import (
	"bytes"
	"strconv"
	"time"
	"unicode/utf8"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	smithy "github.com/aws/smithy-go"
	smithytime "github.com/aws/smithy-go/time"
	"github.com/valyala/fastjson"
)

// maxInterned bounds the interned strings, creators and lifecycles a
// decoder keeps; past it they are forgotten and interning starts afresh.
const maxInterned = 1 << 14

// slabSize is how many values of one kind a decoder allocates at once.
const slabSize = 256

// decoder holds the state one decode uses; it is pooled, never shared.
type decoder struct {
	parser fastjson.Parser
	body   []byte // the response body, reused
	raw    []byte // scratch for one number's JSON text

	// Strings unique to an item (job IDs, recovery point ARNs) are
	// gathered in arena and become substrings of one string per page.
	arena   []byte
	pending []pendingString

	strs  slab[string]
	times slab[time.Time]
	ints  slab[int64]
	bools slab[bool]

	interned   map[string]*string
	creators   map[creatorKey]*types.RecoveryPointCreator
	lifecycles map[lifecycleKey]*types.Lifecycle
	calculated map[calculatedKey]*types.CalculatedLifecycle

	// Scratch for the shared structures being decoded.
	creatorScratch   types.RecoveryPointCreator
	lifecycleScratch types.Lifecycle
	calcScratch      calcScratch

	ok bool // false once the page cannot be decoded as the SDK would
}

type pendingString struct {
	dst      *string
	off, end int
}

func newDecoder() *decoder {
	return &decoder{
		interned:   map[string]*string{},
		creators:   map[creatorKey]*types.RecoveryPointCreator{},
		lifecycles: map[lifecycleKey]*types.Lifecycle{},
		calculated: map[calculatedKey]*types.CalculatedLifecycle{},
	}
}

// slab hands out pointers to values allocated slabSize at a time. Its
// blocks are never reused: a pointer handed out stays valid and unshared.
type slab[T any] struct{ buf []T }

func (s *slab[T]) new(v T) *T {
	if len(s.buf) == cap(s.buf) {
		s.buf = make([]T, 0, slabSize)
	}
	s.buf = append(s.buf, v)
	return &s.buf[len(s.buf)-1]
}

// decode decodes body into out and reports whether it did so exactly as
// the SDK's deserializer would; when not, out holds a partial result.
func (d *decoder) decode(body []byte, out smithy.Deserializable) bool {
	// fastjson's parser accepts some text JSON does not (NaN, Inf, bad
	// escapes); the SDK's does not, so only valid JSON is decoded here.
	if fastjson.ValidateBytes(body) != nil {
		return false
	}
	v, err := d.parser.ParseBytes(body)
	if err != nil {
		return false
	}
	o, err := v.Object()
	if err != nil {
		return false
	}
	if len(d.interned) > maxInterned || len(d.creators) > maxInterned || len(d.lifecycles) > maxInterned || len(d.calculated) > maxInterned {
		clear(d.interned)
		clear(d.creators)
		clear(d.lifecycles)
		clear(d.calculated)
	}
	d.ok = true
	d.arena = d.arena[:0]
	d.pending = d.pending[:0]
	switch out := out.(type) {
	case *awsbackup.ListBackupJobsOutput:
		o.Visit(func(k []byte, v *fastjson.Value) {
			if isNull(v) {
				return
			}
			switch string(k) {
			case "BackupJobs":
				out.BackupJobs = decodeList(d, v, (*decoder).backupJob)
			case "NextToken":
				out.NextToken = d.unique(v)
			}
		})
	case *awsbackup.ListCopyJobsOutput:
		o.Visit(func(k []byte, v *fastjson.Value) {
			if isNull(v) {
				return
			}
			switch string(k) {
			case "CopyJobs":
				out.CopyJobs = decodeList(d, v, (*decoder).copyJob)
			case "NextToken":
				out.NextToken = d.unique(v)
			}
		})
	case *awsbackup.ListRecoveryPointsByBackupVaultOutput:
		o.Visit(func(k []byte, v *fastjson.Value) {
			if isNull(v) {
				return
			}
			switch string(k) {
			case "RecoveryPoints":
				out.RecoveryPoints = decodeList(d, v, (*decoder).recoveryPoint)
			case "NextToken":
				out.NextToken = d.unique(v)
			}
		})
	case *awsbackup.ListProtectedResourcesOutput:
		o.Visit(func(k []byte, v *fastjson.Value) {
			if isNull(v) {
				return
			}
			switch string(k) {
			case "Results":
				out.Results = decodeList(d, v, (*decoder).protectedResource)
			case "NextToken":
				out.NextToken = d.unique(v)
			}
		})
	default:
		return false
	}
	if d.ok && len(d.pending) > 0 {
		s := string(d.arena)
		for _, p := range d.pending {
			*p.dst = s[p.off:p.end]
		}
	}
	d.pending = d.pending[:0]
	return d.ok
}

func isNull(v *fastjson.Value) bool { return v.Type() == fastjson.TypeNull }

// decodeList decodes a JSON array of structures: null items are zero
// values, as the SDK's list deserializers make them.
func decodeList[T any](d *decoder, v *fastjson.Value, item func(*decoder, *fastjson.Object, *T)) []T {
	a, err := v.Array()
	if err != nil {
		d.ok = false
		return nil
	}
	out := make([]T, len(a))
	for i, v := range a {
		if isNull(v) {
			continue
		}
		o, err := v.Object()
		if err != nil {
			d.ok = false
			return nil
		}
		item(d, o, &out[i])
	}
	return out
}

// text returns the unescaped text of the JSON string v, valid until the
// next parse; ok is false when v is not a string.
//
// fastjson unescapes on demand and leaves escapes it cannot decode (a
// lone surrogate) as they are; the SDK's deserializer, like
// encoding/json, makes them U+FFFD and also replaces invalid UTF-8 in a
// string that has escapes. Text with a backslash or invalid UTF-8 is
// therefore left to the SDK; every other text is the same either way.
func (d *decoder) text(v *fastjson.Value) ([]byte, bool) {
	if v.Type() != fastjson.TypeString {
		d.ok = false
		return nil, false
	}
	b := v.GetStringBytes()
	if bytes.IndexByte(b, '\\') >= 0 || !utf8.Valid(b) {
		d.ok = false
		return nil, false
	}
	return b, true
}

// str returns the string v holds, interned.
func (d *decoder) str(v *fastjson.Value) string {
	if p := d.intern(v); p != nil {
		return *p
	}
	return ""
}

// intern returns a pointer to the string v holds, shared by every equal
// string this decoder interned.
func (d *decoder) intern(v *fastjson.Value) *string {
	b, ok := d.text(v)
	if !ok {
		return nil
	}
	if p, ok := d.interned[string(b)]; ok {
		return p
	}
	s := string(b)
	p := d.strs.new(s)
	d.interned[s] = p
	return p
}

// unique returns a pointer to the string v holds, for strings that rarely
// repeat: their bytes share one allocation per page.
func (d *decoder) unique(v *fastjson.Value) *string {
	b, ok := d.text(v)
	if !ok {
		return nil
	}
	p := d.strs.new("")
	off := len(d.arena)
	d.arena = append(d.arena, b...)
	d.pending = append(d.pending, pendingString{dst: p, off: off, end: len(d.arena)})
	return p
}

// number returns the text of the JSON number v.
func (d *decoder) number(v *fastjson.Value) ([]byte, bool) {
	if v.Type() != fastjson.TypeNumber {
		d.ok = false
		return nil, false
	}
	d.raw = v.MarshalTo(d.raw[:0])
	return d.raw, true
}

// int64Of parses v as the SDK does: an optional minus and digits only.
func (d *decoder) int64Of(v *fastjson.Value) (int64, bool) {
	b, ok := d.number(v)
	if !ok {
		return 0, false
	}
	n, ok := parseInt(b)
	if !ok {
		d.ok = false
	}
	return n, ok
}

func (d *decoder) int64Ptr(v *fastjson.Value) *int64 {
	n, ok := d.int64Of(v)
	if !ok {
		return nil
	}
	return d.ints.new(n)
}

func (d *decoder) boolOf(v *fastjson.Value) bool {
	switch v.Type() {
	case fastjson.TypeTrue:
		return true
	case fastjson.TypeFalse:
		return false
	}
	d.ok = false
	return false
}

func (d *decoder) boolPtr(v *fastjson.Value) *bool {
	b := d.boolOf(v)
	if !d.ok {
		return nil
	}
	return d.bools.new(b)
}

// timePtr reads an epoch-seconds timestamp, the format of every timestamp
// in these outputs (the model sets no timestampFormat on them).
func (d *decoder) timePtr(v *fastjson.Value) *time.Time {
	t, ok := d.timeOf(v)
	if !ok {
		return nil
	}
	return d.times.new(t)
}

func (d *decoder) timeOf(v *fastjson.Value) (time.Time, bool) {
	// The SDK also takes "NaN" and "Infinity" strings here; those go to it.
	b, ok := d.number(v)
	if !ok {
		return time.Time{}, false
	}
	var f float64
	if n, ok := parseInt(b); ok {
		f = float64(n)
	} else {
		var err error
		if f, err = strconv.ParseFloat(string(b), 64); err != nil {
			d.ok = false
			return time.Time{}, false
		}
	}
	return epochSeconds(f), true
}

// epochSeconds is smithytime.ParseEpochSeconds without its big.Float:
// that rounds seconds × 1,000 to 53 bits, to nearest even, and truncates
// to an integer, which a float64 product does the same while it is
// within int64; outside, the SDK's own function decides.
func epochSeconds(f float64) time.Time {
	m := f * 1e3
	if m > -9e18 && m < 9e18 {
		return time.Unix(0, int64(m)*1e6).UTC()
	}
	return smithytime.ParseEpochSeconds(f)
}

// parseInt parses the text of an integer JSON number as the SDK's
// deserializer does: no fraction, no exponent, within int64.
func parseInt(b []byte) (int64, bool) {
	if len(b) > 0 && b[0] != '-' && (b[0] < '0' || b[0] > '9') {
		return 0, false
	}
	for _, c := range b[1:] {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	return n, err == nil
}

// stringMap decodes a map of strings (BackupOptions); null values are
// empty strings, as in the SDK.
func (d *decoder) stringMap(v *fastjson.Value) map[string]string {
	o, err := v.Object()
	if err != nil {
		d.ok = false
		return nil
	}
	m := make(map[string]string, o.Len())
	o.Visit(func(k []byte, v *fastjson.Value) {
		key := d.keyString(k)
		if isNull(v) {
			m[key] = ""
			return
		}
		m[key] = d.str(v)
	})
	return m
}

// int64Map decodes a map of longs (ChildJobsInState); null values are 0.
func (d *decoder) int64Map(v *fastjson.Value) map[string]int64 {
	o, err := v.Object()
	if err != nil {
		d.ok = false
		return nil
	}
	m := make(map[string]int64, o.Len())
	o.Visit(func(k []byte, v *fastjson.Value) {
		key := d.keyString(k)
		if isNull(v) {
			m[key] = 0
			return
		}
		n, _ := d.int64Of(v)
		m[key] = n
	})
	return m
}

// keyString returns a map key, interned. fastjson unescapes keys itself;
// a key with escapes goes to the SDK, which may unquote differently.
func (d *decoder) keyString(k []byte) string {
	if bytes.IndexByte(k, '\\') >= 0 || !validKeyText(k) {
		d.ok = false
		return ""
	}
	if p, ok := d.interned[string(k)]; ok {
		return *p
	}
	s := string(k)
	d.interned[s] = d.strs.new(s)
	return s
}

// validKeyText reports whether k is plain printable ASCII, the only keys
// whose unescaped form is certain to be their text in the body.
func validKeyText(k []byte) bool {
	for _, c := range k {
		if c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}
