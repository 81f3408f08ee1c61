package emuspec_test

import (
	"context"
	"fmt"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator/emuspec"
	"github.com/orgbackup/orgbackup/spec"
)

// Plan a spec against an emulated organization built for it, as fast as
// the CLI's --emulator: no client-side rate limit, the emulator's clock.
func Example() {
	sp, err := spec.Load("../../examples/central-backup/backup.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := emuspec.NewServer(sp)
	defer srv.Close()
	fleet := emuspec.Fleet(srv, sp, func(o *crossaccount.Options) { o.ReadOnly = true })
	p, err := backup.PlanChanges(context.Background(), sp, fleet, emuspec.PlanOptions(srv))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d checks failed; changes to make: %v\n", len(p.Checks), p.HasChanges())
	// Output:
	// 0 checks failed; changes to make: true
}
