package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/emulator/emuspec"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/spec"
)

// offlineChecks runs every check plan can run without AWS: the engine
// plans the spec against an emulated organization built from the spec on
// purpose (its accounts, and an OU for every target), in-process, and
// returns the plan's consistency checks (a policy reaching the management
// or backup account, which hold no local vault; a tier whose policy does
// not compile...). Checks only the real organization can decide (an
// unknown OU) are left to plan.
func offlineChecks(ctx context.Context, sp *spec.Spec) ([]plan.Check, error) {
	srv := emuspec.NewServer(sp, func(o *emulator.Options) { o.Organization = emuspec.Organization(sp) })
	defer srv.Close()
	fleet := emuspec.Fleet(srv, sp, func(o *crossaccount.Options) { o.ReadOnly = true })
	p, err := backup.PlanChanges(ctx, sp, fleet, emuspec.PlanOptions(srv))
	if err != nil {
		return nil, fmt.Errorf("running the plan's checks on an organization built from the spec: %w", err)
	}
	return p.Checks, nil
}

// checkErrors locates checks in the spec file: a check about a tier at the
// tier's key, one about an account at the target or organization field
// naming it (else at the tiers), so that they print as
// FILE:LINE:COL: PATH: MESSAGE like the spec's own problems.
func checkErrors(file string, sp *spec.Spec, checks []plan.Check) []*spec.SpecError {
	var f interface {
		pos(path string) (int, int, bool)
	} = noPositions{}
	if data, err := os.ReadFile(file); err == nil {
		if file, err := parser.ParseBytes(data, 0); err == nil {
			f = yamlPositions{ast: file}
		}
	}
	out := make([]*spec.SpecError, 0, len(checks))
	for _, c := range checks {
		path := checkPath(sp, c)
		e := &spec.SpecError{File: file, Path: path, Message: c.Code + ": " + c.Message}
		if line, col, ok := f.pos(path); ok {
			e.Line, e.Col = line, col
		}
		out = append(out, e)
	}
	return out
}

// checkPath is the spec path a check is about: a tier's, or for an
// account the last target (in tier order) that covers it in the
// organization built from the spec, else the organization field naming
// it.
func checkPath(sp *spec.Spec, c plan.Check) string {
	if strings.HasPrefix(c.Address, "tiers.") {
		return c.Address
	}
	account, _, _ := strings.Cut(c.Address, "/")
	org := emuspec.Organization(sp)
	covers := func(target string) bool {
		if target == account || target == org.RootID {
			return true
		}
		for _, u := range org.Units {
			if u.ID == target || u.Name == target {
				return slices.ContainsFunc(u.Accounts, func(a emulator.Account) bool { return a.ID == account })
			}
		}
		return false
	}
	path := ""
	for _, name := range sp.TierNames() {
		for i, target := range sp.Tiers[name].Targets {
			if covers(target) {
				path = "tiers." + name + ".targets[" + strconv.Itoa(i) + "]"
			}
		}
	}
	switch {
	case path != "":
		return path
	case account == sp.Organization.ManagementAccount:
		return "organization.management_account"
	case account == sp.Organization.BackupAccount:
		return "organization.backup_account"
	}
	return "tiers"
}

type noPositions struct{}

func (noPositions) pos(string) (int, int, bool) { return 0, 0, false }

// yamlPositions finds paths in a parsed YAML (or JSON) file.
type yamlPositions struct{ ast *ast.File }

func (y yamlPositions) pos(path string) (int, int, bool) {
	p, err := yaml.PathString("$." + path)
	if err != nil {
		return 0, 0, false
	}
	n, err := p.FilterFile(y.ast)
	if err != nil || n == nil || n.GetToken() == nil {
		return 0, 0, false
	}
	pos := n.GetToken().Position
	return pos.Line, pos.Column, true
}
