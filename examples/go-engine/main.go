// Command go-engine builds an orgbackup spec in Go, plans it against an
// in-process emulated AWS organization, prints the plan, applies it and
// shows that a second plan is empty.
//
//	go run ./examples/go-engine
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/emulator/emuspec"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/spec"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "go-engine:", err)
		os.Exit(1)
	}
}

// newSpec builds the spec in code: the emulator's default organization
// (management 111111111111, backup 222222222222, Production and
// Development OUs), production copied centrally and to us-west-2,
// development kept locally.
func newSpec() (*spec.Spec, error) {
	crossRegion := true
	sp := &spec.Spec{
		Version: 1,
		Name:    "go-engine",
		Organization: spec.Organization{
			ManagementAccount: emulator.ManagementAccountID,
			BackupAccount:     emulator.BackupAccountID,
			Regions:           spec.Regions{Primary: "us-east-1", Secondary: "us-west-2"},
		},
		Tiers: map[string]spec.Tier{
			"production":  {Targets: []string{"Production"}, LocalRetention: "35d", CrossRegion: &crossRegion},
			"development": {Targets: []string{"Development"}},
		},
		Central: spec.Central{
			Vault: "central-backup",
			Lock:  &spec.Lock{Mode: spec.LockGovernance, MinRetention: "1d", MaxRetention: "3650d"},
		},
		Notifications: &spec.Notifications{Events: []string{"BACKUP_JOB_COMPLETED", "COPY_JOB_FAILED"}, Emails: []string{"backup-team@example.com"}},
		Tags:          map[string]string{"cost-center": "platform"},
	}
	// Defaults and validation, as Load does for a file.
	sp.SetDefaults()
	return sp, sp.Validate()
}

func run(ctx context.Context, w io.Writer) error {
	sp, err := newSpec()
	if err != nil {
		return fmt.Errorf("validating the spec: %w", err)
	}
	// The emulated organization the spec expects, and the presets that
	// make the engine as fast on it as the CLI's --emulator: no
	// client-side rate limit, time read from the emulator's clock.
	srv := emuspec.NewServer(sp)
	defer srv.Close()
	fleet := func(readOnly bool) *crossaccount.Fleet {
		return emuspec.Fleet(srv, sp, func(o *crossaccount.Options) { o.ReadOnly = readOnly })
	}
	planOpts := emuspec.PlanOptions(srv)

	p, err := backup.PlanChanges(ctx, sp, fleet(true), planOpts)
	if err != nil {
		return fmt.Errorf("planning: %w", err)
	}
	if err := plan.Text(w, p, plan.TextOptions{}); err != nil {
		return err
	}
	res, err := backup.Apply(ctx, fleet(false), p, emuspec.ApplyOptions(srv))
	if err != nil {
		return fmt.Errorf("applying: %w", err)
	}
	if err := res.Err(); err != nil {
		return fmt.Errorf("applying: %w", err)
	}
	applied, _, _ := res.Counts()
	fmt.Fprintf(w, "\nApplied %d changes.\n\n", applied)

	again, err := backup.PlanChanges(ctx, sp, fleet(true), planOpts)
	if err != nil {
		return fmt.Errorf("planning again: %w", err)
	}
	if err := plan.Text(w, again, plan.TextOptions{}); err != nil {
		return err
	}
	if again.HasChanges() {
		return fmt.Errorf("the organization has not converged")
	}
	return nil
}
