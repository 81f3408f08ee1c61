package emulator

import (
	"bytes"
	"math"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/traits"
)

// treeJSON is the tree path: treeSerializer, the REST bindings and
// writeJSON.
func treeJSON(out smithy.Serializable, rest, listOp bool) []byte {
	ser := &treeSerializer{}
	out.Serialize(ser)
	body := ser.root
	completeDefaults(body, out, listOp)
	if rest && body != nil {
		status := 200
		body = applyRestOutputBindings(nopHeaderWriter{}, body, &status)
	}
	var buf bytes.Buffer
	writeJSON(&buf, body, rest)
	return buf.Bytes()
}

// The streaming serializer writes byte for byte what the tree path writes.
func TestJSONSerializerMatchesTree(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 678000000, time.UTC)
	job := backuptypes.BackupJob{
		AccountId: aws.String("111111111111"), BackupJobId: aws.String("JOB-1"), BackupOptions: map[string]string{"WindowsVSS": "enabled"},
		BackupSizeInBytes: aws.Int64(1 << 40), BackupVaultName: aws.String(`vault "q" <&>`), CreationDate: &at, CompletionDate: aws.Time(at.Add(time.Minute)),
		CreatedBy:   &backuptypes.RecoveryPointCreator{BackupPlanId: aws.String("plan"), BackupRuleId: aws.String("rule")},
		IsEncrypted: true, IsParent: false, PercentDone: aws.String("100.0"), State: backuptypes.BackupJobStateCompleted,
		RecoveryPointLifecycle: &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(35), OptInToArchiveForSupportedResources: aws.Bool(false)},
		StatusMessage:          aws.String("line\nbreak \u2028 caf\u00e9"),
	}
	tests := map[string]struct {
		out  smithy.Serializable
		rest bool
	}{
		"backup jobs page": {&awsbackup.ListBackupJobsOutput{BackupJobs: []backuptypes.BackupJob{job, {BackupJobId: aws.String("JOB-2")}}, NextToken: aws.String("tok")}, true},
		"empty list":       {&awsbackup.ListBackupJobsOutput{BackupJobs: []backuptypes.BackupJob{}}, true},
		"no members":       {&awsbackup.DeleteReportPlanOutput{}, true},
		"recovery points": {&awsbackup.ListRecoveryPointsByBackupVaultOutput{RecoveryPoints: []backuptypes.RecoveryPointByBackupVault{{
			RecoveryPointArn: aws.String("arn:aws:backup:us-east-1:111111111111:recovery-point:1"), CreationDate: &at,
			CalculatedLifecycle: &backuptypes.CalculatedLifecycle{DeleteAt: aws.Time(at.Add(time.Hour))}, Status: backuptypes.RecoveryPointStatusCompleted,
		}}}, true},
		"region settings": {&awsbackup.DescribeRegionSettingsOutput{ResourceTypeOptInPreference: map[string]bool{"EFS": true}}, true},
		"kms key (awsJson)": {&awskms.DescribeKeyOutput{KeyMetadata: &kmstypes.KeyMetadata{
			KeyId: aws.String("k"), CreationDate: &at, Enabled: true, KeyState: kmstypes.KeyStateEnabled,
			EncryptionAlgorithms: []kmstypes.EncryptionAlgorithmSpec{kmstypes.EncryptionAlgorithmSpecSymmetricDefault},
		}}, false},
		"accounts (awsJson)": {&awsorgs.ListAccountsOutput{Accounts: []orgtypes.Account{{Id: aws.String("111111111111"), JoinedTimestamp: &at, Status: orgtypes.AccountStatusActive}}}, false},
	}
	for name, tc := range tests {
		listOp := strings.HasPrefix(name, "backup jobs") || strings.HasPrefix(name, "empty") || strings.HasPrefix(name, "recovery") || strings.HasPrefix(name, "accounts")
		want := treeJSON(tc.out, tc.rest, listOp)
		var got bytes.Buffer
		js := &jsonSerializer{buf: &got, useJSONName: tc.rest, plain: bodyOnly, root: reflect.ValueOf(tc.out), listOp: listOp}
		tc.out.Serialize(js)
		if js.fallback {
			t.Fatalf("%s: fell back to the tree", name)
		}
		if !bytes.Equal(want, got.Bytes()) {
			t.Errorf("%s:\n got %s\nwant %s", name, got.Bytes(), want)
		}
	}
	var buf bytes.Buffer
	js := &jsonSerializer{buf: &buf}
	js.WriteStruct(nil)
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0.5} {
		js.WriteFloat64(traitlessMember("f"), v)
	}
	js.CloseStruct()
	if want := `{"f":"NaN","f":"Infinity","f":"-Infinity","f":0.5}`; buf.String() != want {
		t.Errorf("floats = %s, want %s", buf.String(), want)
	}
}

// An output with a member bound to a header is not streamed.
func TestJSONSerializerFallsBackForBindings(t *testing.T) {
	str := smithy.NewSchema(smithy.ShapeID{Namespace: "t", Name: "String"}, smithy.ShapeTypeString, 0)
	out := smithy.NewSchema(smithy.ShapeID{Namespace: "t", Name: "Output"}, smithy.ShapeTypeStructure, 2)
	body := out.AddMember("Body", str)
	out.AddMember("Etag", str, &traits.HTTPHeader{Name: "ETag"})
	var buf bytes.Buffer
	js := &jsonSerializer{buf: &buf, useJSONName: true, plain: bodyOnly}
	js.WriteStruct(out)
	js.WriteString(body, "x")
	js.CloseStruct()
	if !js.fallback || buf.Len() != 0 {
		t.Errorf("fallback = %v, wrote %q; want a fallback and nothing written", js.fallback, buf.String())
	}
}

func traitlessMember(name string) *smithy.Schema {
	s := smithy.NewSchema(smithy.ShapeID{Namespace: "t", Name: "S"}, smithy.ShapeTypeStructure, 1)
	return s.AddMember(name, smithy.NewSchema(smithy.ShapeID{Namespace: "t", Name: "Double"}, smithy.ShapeTypeDouble, 0))
}

// nopHeaderWriter is an http.ResponseWriter that keeps nothing.
type nopHeaderWriter struct{}

func (nopHeaderWriter) Header() http.Header         { return http.Header{} }
func (nopHeaderWriter) Write(b []byte) (int, error) { return len(b), nil }
func (nopHeaderWriter) WriteHeader(int)             {}
