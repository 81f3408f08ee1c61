package backupwire_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	smithy "github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/orgbackup/orgbackup/internal/backupwire"
)

// cannedTransport answers every request with one status, header and body.
type cannedTransport struct {
	status  int
	body    []byte
	chunk   bool   // no Content-Length
	errType string // X-Amzn-Errortype
}

func (c *cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	h := http.Header{"Content-Type": {"application/json"}, "X-Amzn-Requestid": {"req-1"}}
	if c.errType != "" {
		h.Set("X-Amzn-Errortype", c.errType)
	}
	n := int64(len(c.body))
	if c.chunk {
		n = -1
	}
	return &http.Response{
		StatusCode: c.status, Status: http.StatusText(c.status), Header: h, Request: r,
		Body: io.NopCloser(bytes.NewReader(c.body)), ContentLength: n,
		ProtoMajor: 1, ProtoMinor: 1,
	}, nil
}

func clients(tr http.RoundTripper) (sdk, lean *awsbackup.Client) {
	o := awsbackup.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String("http://backup.test"),
		Credentials:      aws.AnonymousCredentials{},
		HTTPClient:       &http.Client{Transport: tr},
		RetryMaxAttempts: 1,
	}
	return awsbackup.New(o), awsbackup.New(o, backupwire.NewLists().Option)
}

// ops calls each operation this package decodes on c.
var ops = []struct {
	name string
	call func(context.Context, *awsbackup.Client) (any, error)
}{
	{"ListBackupJobs", func(ctx context.Context, c *awsbackup.Client) (any, error) {
		return c.ListBackupJobs(ctx, &awsbackup.ListBackupJobsInput{})
	}},
	{"ListCopyJobs", func(ctx context.Context, c *awsbackup.Client) (any, error) {
		return c.ListCopyJobs(ctx, &awsbackup.ListCopyJobsInput{})
	}},
	{"ListRecoveryPointsByBackupVault", func(ctx context.Context, c *awsbackup.Client) (any, error) {
		return c.ListRecoveryPointsByBackupVault(ctx, &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("v")})
	}},
	{"ListProtectedResources", func(ctx context.Context, c *awsbackup.Client) (any, error) {
		return c.ListProtectedResources(ctx, &awsbackup.ListProtectedResourcesInput{})
	}},
}

var cmpOpts = []cmp.Option{
	cmpopts.IgnoreUnexported(
		awsbackup.ListBackupJobsOutput{}, awsbackup.ListCopyJobsOutput{},
		awsbackup.ListRecoveryPointsByBackupVaultOutput{}, awsbackup.ListProtectedResourcesOutput{},
		types.BackupJob{}, types.CopyJob{}, types.RecoveryPointByBackupVault{}, types.ProtectedResource{},
		types.RecoveryPointCreator{}, types.Lifecycle{}, types.CalculatedLifecycle{}, types.AggregatedScanResult{},
	),
	cmpopts.IgnoreTypes(middleware.Metadata{}),
}

// same decodes body with the SDK's deserializer and with Lists for
// every operation and reports any difference in output or error.
func same(t *testing.T, status int, body []byte) {
	t.Helper()
	for _, chunk := range []bool{false, true} {
		sdk, lean := clients(&cannedTransport{status: status, body: body, chunk: chunk})
		for _, op := range ops {
			ctx := context.Background()
			want, wantErr := op.call(ctx, sdk)
			got, gotErr := op.call(ctx, lean)
			if fmt.Sprint(wantErr) != fmt.Sprint(gotErr) {
				t.Fatalf("%s(%.200q): error = %v, SDK's = %v", op.name, body, gotErr, wantErr)
			}
			if wantErr != nil {
				continue
			}
			if diff := cmp.Diff(want, got, cmpOpts...); diff != "" {
				t.Fatalf("%s(%.200q) mismatch (-SDK +lean):\n%s", op.name, body, diff)
			}
		}
	}
}

// fill sets every exported member of the structure v points to, with
// values derived from *n; lists get two items and maps two entries.
func fill(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.Pointer:
		if v.Type() == reflect.TypeFor[*time.Time]() {
			v.Set(reflect.ValueOf(aws.Time(time.UnixMilli(1767225600000 + int64(*n)*1001).UTC())))
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), n)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[middleware.Metadata]() {
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), n)
			}
		}
	case reflect.String:
		v.SetString(fmt.Sprintf("%s-%d", v.Type().Name(), *n))
	case reflect.Int64, reflect.Int32:
		v.SetInt(int64(*n) * 1_000_003)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		fill(v.Index(0), n)
		fill(v.Index(1), n)
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		for range 2 {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fill(k, n)
			fill(e, n)
			v.SetMapIndex(k, e)
		}
	default:
		panic(fmt.Sprintf("fill: unhandled %s", v.Type()))
	}
}

// writeJSON writes v as AWS Backup's REST-JSON protocol does: members
// under their model names (the SDK's field names), timestamps in epoch
// seconds, nil members left out.
func writeJSON(b *bytes.Buffer, v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if t, ok := v.Interface().(*time.Time); ok {
			b.WriteString(strconv.FormatFloat(float64(t.UnixMilli())/1e3, 'f', -1, 64))
			return
		}
		writeJSON(b, v.Elem())
	case reflect.Struct:
		b.WriteByte('{')
		first := true
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() || f.Type == reflect.TypeFor[middleware.Metadata]() || (v.Field(i).Kind() == reflect.Pointer && v.Field(i).IsNil()) {
				continue
			}
			if !first {
				b.WriteByte(',')
			}
			first = false
			fmt.Fprintf(b, "%q:", f.Name)
			writeJSON(b, v.Field(i))
		}
		b.WriteByte('}')
	case reflect.String:
		s, _ := json.Marshal(v.String())
		b.Write(s)
	case reflect.Int64, reflect.Int32:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Slice:
		b.WriteByte('[')
		for i := range v.Len() {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, v.Index(i))
		}
		b.WriteByte(']')
	case reflect.Map:
		b.WriteByte('{')
		for i, k := range v.MapKeys() {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(b, "%q:", k.String())
			writeJSON(b, v.MapIndex(k))
		}
		b.WriteByte('}')
	}
}

// TestEveryMember fills every member of each output (and of every nested
// structure) and checks that the SDK reads the body back as the value
// written (so the body is complete) and that Lists reads the same.
func TestEveryMember(t *testing.T) {
	t.Parallel()
	outputs := []any{
		&awsbackup.ListBackupJobsOutput{}, &awsbackup.ListCopyJobsOutput{},
		&awsbackup.ListRecoveryPointsByBackupVaultOutput{}, &awsbackup.ListProtectedResourcesOutput{},
	}
	for i, out := range outputs {
		t.Run(ops[i].name, func(t *testing.T) {
			t.Parallel()
			n := 0
			fill(reflect.ValueOf(out).Elem(), &n)
			var body bytes.Buffer
			writeJSON(&body, reflect.ValueOf(out))
			sdk, lean := clients(&cannedTransport{status: 200, body: body.Bytes()})
			for _, c := range []struct {
				name   string
				client *awsbackup.Client
			}{{"SDK", sdk}, {"Lists", lean}} {
				got, err := ops[i].call(context.Background(), c.client)
				if err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				if diff := cmp.Diff(out, got, cmpOpts...); diff != "" {
					t.Errorf("%s mismatch (-written +read):\n%s", c.name, diff)
				}
			}
			if !backupwire.Decodes(body.Bytes(), reflect.New(reflect.TypeOf(out).Elem()).Interface().(smithy.Deserializable)) {
				t.Errorf("Lists left the body to the SDK")
			}
		})
	}
}

// edgeBodies are response bodies the SDK decodes, or rejects, in ways
// Lists must match.
var edgeBodies = []string{
	`{}`,
	`{"BackupJobs":[],"CopyJobs":[],"RecoveryPoints":[],"Results":[]}`,
	`{"NextToken":"tok=="}`,
	`{"NextToken":null,"BackupJobs":null}`,
	`{"BackupJobs":[null,{"AccountId":null,"CreatedBy":null,"BackupOptions":null}],"CopyJobs":[null],"RecoveryPoints":[null,{}],"Results":[null]}`,
	`{"Extra":{"a":[1,2.5,{"b":null}],"c":"d"},"BackupJobs":[{"Unknown":1,"AccountId":"1"}],"NextToken":"t"}`,
	`{"BackupJobs":[{"BackupSizeInBytes":9223372036854775807,"BytesTransferred":-9223372036854775808}],"CopyJobs":[{"BackupSizeInBytes":0,"NumberOfChildJobs":-0}]}`,
	`{"BackupJobs":[{"BackupSizeInBytes":9223372036854775808}]}`,
	`{"BackupJobs":[{"BackupSizeInBytes":1e3}]}`,
	`{"BackupJobs":[{"BackupSizeInBytes":1.0}]}`,
	`{"BackupJobs":[{"BackupSizeInBytes":"1"}]}`,
	`{"BackupJobs":[{"CreationDate":1767225600},{"CreationDate":1767225600.123},{"CreationDate":1767225600.1239},{"CreationDate":-1.5},{"CreationDate":1e10},{"CreationDate":0.0001},{"CreationDate":12345678901234567890}]}`,
	`{"BackupJobs":[{"CreationDate":1e300}]}`,
	`{"BackupJobs":[{"CreationDate":1e400}]}`,
	`{"BackupJobs":[{"CreationDate":"Infinity"}]}`,
	`{"BackupJobs":[{"CreationDate":"2026-01-01T00:00:00Z"}]}`,
	`{"BackupJobs":[{"AccountId":"a\u00e9\n\"\\/","StatusMessage":"\ud83d\ude00","ResourceName":"\ud800"}]}`,
	"{\"BackupJobs\":[{\"AccountId\":\"\xff\xfe\",\"ResourceName\":\"caf\xc3\xa9\"}]}",
	`{"BackupJobs":[{"Account\u0049d":"1"}]}`,
	`{"BackupJobs":[{"AccountId":"1","AccountId":"2","CreatedBy":{"BackupPlanId":"a"},"CreatedBy":{"BackupRuleId":"b"}}],"BackupJobs":[{"AccountId":"3"}]}`,
	`{"BackupJobs":[{"AccountId":"1"}],"BackupJobs":null}`,
	`{"BackupJobs":[{"BackupOptions":{"WindowsVSS":"enabled","x":null,"y":"z","y":"w"}}],"CopyJobs":[{"ChildJobsInState":{"COMPLETED":3,"FAILED":null}}]}`,
	`{"BackupJobs":[{"BackupOptions":{"a\u0062":"c"}}]}`,
	`{"BackupJobs":[{"BackupOptions":{"k":1}}]}`,
	`{"BackupJobs":[{"AccountId":5}]}`,
	`{"BackupJobs":[{"IsParent":"true"}]}`,
	`{"BackupJobs":[{"IsParent":null,"IsEncrypted":false}]}`,
	`{"BackupJobs":[{"CreatedBy":[]}]}`,
	`{"BackupJobs":[{"RecoveryPointLifecycle":{"DeleteAfterDays":35,"MoveToColdStorageAfterDays":null,"OptInToArchiveForSupportedResources":false,"DeleteAfterEvent":"DELETE_AFTER_COPY"}},{"RecoveryPointLifecycle":{"DeleteAfterDays":35,"OptInToArchiveForSupportedResources":false,"DeleteAfterEvent":"DELETE_AFTER_COPY"}}]}`,
	`{"RecoveryPoints":[{"CalculatedLifecycle":{"DeleteAt":1767225600,"MoveToColdStorageAt":null},"AggregatedScanResult":{"FailedScan":true,"Findings":["MALWARE",null],"LastComputed":1}}]}`,
	`{"RecoveryPoints":[{"AggregatedScanResult":{"Findings":[1]}}]}`,
	`{"BackupJobs":{}}`,
	`{"BackupJobs":[1]}`,
	`{"BackupJobs":[{"AccountId":"1"}]`,
	`{"BackupJobs":[{"AccountId":"1"}]} x`,
	`{"BackupJobs":[{"AccountId":"1"}]}  `,
	`{"BackupJobs":[{"AccountId":"a	b"}]}`,
	`{"BackupJobs":[{"AccountId":"\x"}]}`,
	`{"BackupJobs":[{"BackupSizeInBytes":01}]}`,
	`{"BackupJobs":[{"BackupSizeInBytes":NaN}]}`,
	`null`,
	`[]`,
	``,
	`"x"`,
}

// leanEdgeBodies are the edgeBodies (by index) Lists decodes itself
// as ListBackupJobs outputs; it leaves the others to the SDK.
var leanEdgeBodies = map[int]bool{0: true, 1: true, 2: true, 3: true, 4: true, 5: true, 6: true, 11: true, 12: true, 18: true, 19: true, 20: true, 21: true, 22: true, 26: true, 28: true, 29: true, 30: true, 35: true}

// TestEdgeBodies checks Lists against the SDK on bodies with nulls,
// missing and unknown members, empty pages, tokens, big numbers, escapes,
// duplicates, wrong types and malformed JSON.
func TestEdgeBodies(t *testing.T) {
	t.Parallel()
	for i, body := range edgeBodies {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			t.Parallel()
			same(t, 200, []byte(body))
			if got := backupwire.Decodes([]byte(body), &awsbackup.ListBackupJobsOutput{}); got != leanEdgeBodies[i] {
				t.Errorf("ListBackupJobs decoded by Lists: %v, want %v", got, leanEdgeBodies[i])
			}
		})
	}
}

// TestErrorResponse checks that error responses reach the caller as the
// SDK makes them: an error AWS Backup's model lists and one it does not.
func TestErrorResponse(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		status  int
		errType string
		body    string
	}{
		{403, "AccessDeniedException", `{"Message":"not allowed"}`},
		{400, "", `{"__type":"ResourceNotFoundException","Message":"no vault","Type":"x"}`},
		{500, "", `not json`},
	} {
		t.Run(strconv.Itoa(c.status), func(t *testing.T) {
			t.Parallel()
			tr := &cannedTransport{status: c.status, body: []byte(c.body), errType: c.errType}
			sdk, lean := clients(tr)
			for _, op := range ops {
				_, want := op.call(context.Background(), sdk)
				_, got := op.call(context.Background(), lean)
				if want == nil || fmt.Sprint(got) != fmt.Sprint(want) || fmt.Sprintf("%T", errors.Unwrap(got)) != fmt.Sprintf("%T", errors.Unwrap(want)) {
					t.Errorf("%s: error = %v, SDK's = %v", op.name, got, want)
				}
				var api smithy.APIError
				if c.status != 500 && (!errors.As(got, &api) || api.ErrorMessage() == "") {
					t.Errorf("%s: error = %v, want an API error with a message", op.name, got)
				}
			}
		})
	}
}

// TestSharesRepeatedStrings checks the point of the package: equal strings
// of a page share one pointer, strings unique to an item do not.
func TestSharesRepeatedStrings(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(`{"BackupJobs":[`)
	for i := range 3 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"AccountId":"111122223333","BackupJobId":"job-%d","BackupVaultArn":"arn:aws:backup:us-east-1:111122223333:backup-vault:local","CreatedBy":{"BackupPlanId":"p","BackupRuleId":"r"}}`, i)
	}
	b.WriteString(`]}`)
	_, lean := clients(&cannedTransport{status: 200, body: []byte(b.String())})
	out, err := lean.ListBackupJobs(context.Background(), &awsbackup.ListBackupJobsInput{})
	if err != nil {
		t.Fatal(err)
	}
	j := out.BackupJobs
	if j[0].AccountId != j[2].AccountId || j[0].BackupVaultArn != j[1].BackupVaultArn || j[0].CreatedBy != j[2].CreatedBy {
		t.Errorf("repeated members not shared: %p %p, %p %p, %p %p", j[0].AccountId, j[2].AccountId, j[0].BackupVaultArn, j[1].BackupVaultArn, j[0].CreatedBy, j[2].CreatedBy)
	}
	if j[0].BackupJobId == j[1].BackupJobId || *j[1].BackupJobId != "job-1" {
		t.Errorf("BackupJobId shared or wrong: %p %p %q", j[0].BackupJobId, j[1].BackupJobId, *j[1].BackupJobId)
	}
}

// FuzzBodies checks Lists against the SDK on arbitrary bodies, seeded
// with the edge cases.
func FuzzBodies(f *testing.F) {
	for _, b := range edgeBodies {
		f.Add([]byte(b))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		same(t, 200, body)
	})
}

// BenchmarkListBackupJobs decodes a page of 1,000 backup jobs, of 10
// accounts and 100 resources, with the SDK's deserializer and with Lists
// (the request and the canned response included).
func BenchmarkListBackupJobs(b *testing.B) {
	var body bytes.Buffer
	body.WriteString(`{"BackupJobs":[`)
	for i := range 1000 {
		if i > 0 {
			body.WriteByte(',')
		}
		acct := fmt.Sprintf("%012d", 400000000000+i%10)
		fmt.Fprintf(&body, `{"AccountId":%q,"BackupJobId":"%08d-1111-2222-3333-444455556666","BackupVaultName":"local",`+
			`"BackupVaultArn":"arn:aws:backup:us-east-1:%s:backup-vault:local","ResourceArn":"arn:aws:ec2:us-east-1:%s:volume/vol-%d",`+
			`"ResourceType":"EBS","ResourceName":"volume-%d","IamRoleArn":"arn:aws:iam::%s:role/BackupRole","State":"COMPLETED",`+
			`"CreationDate":%d.123,"StartBy":%d.123,"CompletionDate":%d.5,"BackupSizeInBytes":%d,"BytesTransferred":%d,`+
			`"IsParent":false,"IsEncrypted":true,"CreatedBy":{"BackupPlanId":"plan-%s","BackupRuleId":"daily"}}`,
			acct, i, acct, acct, i%100, i%100, acct, 1767225600+i, 1767254400+i, 1767226200+i, int64(i%100)<<30, int64(i%100)<<30, acct)
	}
	body.WriteString(`],"NextToken":"abc"}`)
	sdk, lean := clients(&cannedTransport{status: 200, body: body.Bytes()})
	for _, c := range []struct {
		name   string
		client *awsbackup.Client
	}{{"SDK", sdk}, {"Lists", lean}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				out, err := c.client.ListBackupJobs(context.Background(), &awsbackup.ListBackupJobsInput{})
				if err != nil || len(out.BackupJobs) != 1000 {
					b.Fatalf("ListBackupJobs: %d jobs, %v", len(out.BackupJobs), err)
				}
			}
		})
	}
}

// TestConcurrentClients decodes different pages at once through clients
// that share one Lists (as the report's clients of several accounts do)
// and checks each against the SDK.
func TestConcurrentClients(t *testing.T) {
	t.Parallel()
	lists := backupwire.NewLists()
	errs := make(chan error, 8)
	for g := range 8 {
		go func() {
			body := fmt.Sprintf(`{"BackupJobs":[{"AccountId":"%012d","BackupJobId":"job-%d","State":"COMPLETED","CreatedBy":{"BackupPlanId":"p%d"}},{"AccountId":"shared","BackupJobId":"other-%d"}],"NextToken":"t%d"}`, g, g, g%2, g, g)
			tr := &cannedTransport{status: 200, body: []byte(body)}
			o := awsbackup.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://backup.test"), Credentials: aws.AnonymousCredentials{}, HTTPClient: &http.Client{Transport: tr}}
			sdk, lean := awsbackup.New(o), awsbackup.New(o, lists.Option)
			for range 50 {
				want, err := sdk.ListBackupJobs(context.Background(), &awsbackup.ListBackupJobsInput{})
				if err != nil {
					errs <- err
					return
				}
				got, err := lean.ListBackupJobs(context.Background(), &awsbackup.ListBackupJobsInput{})
				if err != nil {
					errs <- err
					return
				}
				if diff := cmp.Diff(want, got, cmpOpts...); diff != "" {
					errs <- fmt.Errorf("client %d mismatch (-SDK +Lists):\n%s", g, diff)
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
