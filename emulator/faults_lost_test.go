package emulator_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/orgbackup/orgbackup/emulator"
)

// TestLostResponses checks that a lost response leaves the operation done
// and the caller with an error, and that LoseNext and LoseResponseRate
// count what they lose.
func TestLostResponses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := map[string]struct {
		fault    emulator.Fault
		attempts int
		wantErr  bool
		wantKeys int
		wantLost int
	}{
		"lost once, no retry": {fault: emulator.Fault{Service: "kms", Operation: "CreateKey", LoseNext: 1}, attempts: 1, wantErr: true, wantKeys: 1, wantLost: 1},
		// The SDK retries the request it got no answer to: a create
		// without an idempotency token is done twice.
		"lost once, retried":  {fault: emulator.Fault{Service: "kms", Operation: "CreateKey", LoseNext: 1}, attempts: 3, wantKeys: 2, wantLost: 1},
		"never lost":          {fault: emulator.Fault{Service: "kms", Operation: "CreateKey", LoseResponseRate: 0}, attempts: 1, wantKeys: 1},
		"other operation":     {fault: emulator.Fault{Service: "kms", Operation: "CreateAlias", LoseNext: 1}, attempts: 1, wantKeys: 1},
		"always lost, no key": {fault: emulator.Fault{Service: "kms", Operation: "CreateKey", LoseResponseRate: 1}, attempts: 2, wantErr: true, wantKeys: 2, wantLost: 2},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := emulator.NewServer()
			defer srv.Close()
			srv.AddFault(tc.fault)
			cfg := srv.Config(emulator.ManagementAccountID, "us-east-1")
			cfg.RetryMaxAttempts = tc.attempts
			km := awskms.NewFromConfig(cfg)
			_, err := km.CreateKey(ctx, &awskms.CreateKeyInput{Description: aws.String("lost")})
			if (err != nil) != tc.wantErr {
				t.Fatalf("CreateKey error = %v, want error %t", err, tc.wantErr)
			}
			keys, err := km.ListKeys(ctx, &awskms.ListKeysInput{})
			if err != nil {
				t.Fatal(err)
			}
			if len(keys.Keys) != tc.wantKeys {
				t.Errorf("%d keys, want %d", len(keys.Keys), tc.wantKeys)
			}
			lost := 0
			for _, st := range srv.CallStats() {
				lost += st.Lost
			}
			if lost != tc.wantLost {
				t.Errorf("%d lost responses counted, want %d", lost, tc.wantLost)
			}
		})
	}
	// Other protocols lose responses too.
	srv := emulator.NewServer()
	defer srv.Close()
	srv.AddFault(emulator.Fault{Service: "sns", LoseNext: 1})
	cfg := srv.Config(emulator.ManagementAccountID, "us-east-1")
	cfg.RetryMaxAttempts = 1
	sn := awssns.NewFromConfig(cfg)
	if _, err := sn.CreateTopic(ctx, &awssns.CreateTopicInput{Name: aws.String("t")}); err == nil {
		t.Fatal("CreateTopic with a lost response succeeded")
	}
	topics, err := sn.ListTopics(ctx, &awssns.ListTopicsInput{})
	if err != nil || len(topics.Topics) != 1 {
		t.Fatalf("ListTopics after a lost CreateTopic: %v, %d topics; want the topic created", err, len(topics.Topics))
	}
}

// TestThrottleRate checks that ThrottleRate answers with each service's
// own throttling error, and that the SDK's retryer recognises it.
func TestThrottleRate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := emulator.NewServer()
	defer srv.Close()
	srv.AddFault(emulator.Fault{ThrottleRate: 1})
	cfg := srv.Config(emulator.ManagementAccountID, "us-east-1")
	cfg.RetryMaxAttempts = 1
	_, err := awssns.NewFromConfig(cfg).ListTopics(ctx, &awssns.ListTopicsInput{})
	if err == nil || !strings.Contains(err.Error(), "Throttled") {
		t.Errorf("ListTopics = %v, want SNS's Throttled", err)
	}
	_, err = awskms.NewFromConfig(cfg).ListKeys(ctx, &awskms.ListKeysInput{})
	if err == nil || !strings.Contains(err.Error(), "ThrottlingException") {
		t.Errorf("ListKeys = %v, want ThrottlingException", err)
	}
	throttled := 0
	for _, st := range srv.CallStats() {
		throttled += st.Throttled
	}
	if throttled != 2 {
		t.Errorf("%d calls counted as throttled, want 2", throttled)
	}
}
