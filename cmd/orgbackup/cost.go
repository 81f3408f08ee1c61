package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/orgbackup/orgbackup/cost"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/policy"
	"github.com/orgbackup/orgbackup/report"
	"github.com/orgbackup/orgbackup/spec"
)

// pricesUsage documents --prices for every command that prices.
const pricesUsage = "price `file` (JSON, per region, versioned and dated; default the built-in " + cost.DefaultPriceFileName + ")"

// loadCostPrices reads the price file of --prices, or the built-in one.
func loadCostPrices(path string) (*cost.Prices, error) {
	if path == "" {
		return cost.DefaultPrices()
	}
	return cost.LoadPrices(path)
}

// annotatePlanCost adds the monthly cost of the plan's changes at steady
// state to p when the spec sizes its workloads (cost.workloads). Pricing
// is for review: a problem is a warning, never a failed plan.
func annotatePlanCost(e *env, cmd string, p *plan.Plan, sp *spec.Spec, pricesPath string) {
	if sp.Cost == nil || len(sp.Cost.Workloads) == 0 {
		return
	}
	prices, err := loadCostPrices(pricesPath)
	if err == nil {
		p.Cost, err = cost.PlanCost(p, sp, prices)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "orgbackup %s: warning: cost not estimated: %v\n", cmd, err)
	}
}

// writeSteadyState prints the spec's steady-state monthly cost per tier.
func writeSteadyState(w io.Writer, sp *spec.Spec, prices *cost.Prices) error {
	m, err := cost.FromSpec(sp, prices)
	if err != nil {
		return err
	}
	e, err := m.SteadyState()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nSteady-state monthly cost per tier (after %s, the longest retention; cost.workloads priced with %s):\n", spec.FormatDays(policy.Days(e.Day)), prices.Label())
	if len(m.Workloads) == 0 {
		fmt.Fprintln(w, "  cost.workloads is empty: size the tiers' workloads in the spec to estimate their cost.")
		return nil
	}
	groups := map[string]cost.Group{}
	for _, g := range e.By(cost.ByTier) {
		groups[g.Key] = g
	}
	for _, name := range sp.TierNames() {
		g := groups[name]
		fmt.Fprintf(w, "  %-20s %14s %s  (%s GB warm, %s GB cold)\n", name, plan.Money(g.Monthly, false), e.Currency,
			plan.Money(g.WarmGB, false), plan.Money(g.ColdGB, false))
	}
	fmt.Fprintf(w, "  %-20s %14s %s\n", "total", plan.Money(e.Total(), false), e.Currency)
	return nil
}

func newRecommendCommand(e *env) *cobra.Command {
	return newCommand("recommend", "list cost savings and the spec changes that realise them",
		"Prices the spec at steady state (cost.workloads, the price file) and lists savings with\ntheir monthly amount and the spec change that realises them: cold storage where AWS\nBackup moves the types, retention beyond every declared regulatory and lock minimum,\nduplicate copies. Nothing that breaks a lock, a legal hold, a tier's objectives or a\nregulatory minimum is recommended; such savings are listed as refused, with the reason.",
		func(fs *pflag.FlagSet) runFunc {
			file := fs.String("spec", spec.DefaultSpecFile, "spec `file` (YAML or JSON)")
			prices := fs.String("prices", "", pricesUsage)
			holds := fs.StringSlice("legal-hold", nil, "`tier` whose recovery points are under legal hold (repeatable; * for all)")
			return func(_ context.Context, args []string) int {
				sp, err := spec.Load(*file)
				if err != nil {
					if problems := spec.SpecErrors(err); len(problems) > 0 {
						for _, p := range problems {
							fmt.Fprintln(e.stderr, p.Error())
						}
					} else {
						fmt.Fprintf(e.stderr, "orgbackup recommend: %v\n", err)
					}
					return exitProblem
				}
				p, err := loadCostPrices(*prices)
				if err != nil {
					fmt.Fprintf(e.stderr, "orgbackup recommend: %v\n", err)
					return exitProblem
				}
				r, err := cost.Recommend(sp, p, cost.RecommendOptions{LegalHolds: *holds})
				if err != nil {
					fmt.Fprintf(e.stderr, "orgbackup recommend: %v\n", err)
					return exitProblem
				}
				writeRecommendations(e.stdout, r)
				return exitOK
			}
		})
}

// writeRecommendations prints savings, then what was refused.
func writeRecommendations(w io.Writer, r *cost.Recommendations) {
	if len(r.Savings) == 0 {
		fmt.Fprintln(w, "No savings found.")
	} else {
		fmt.Fprintf(w, "Savings (%s a month at steady state):\n", r.Currency)
		for _, s := range r.Savings {
			where := s.Tier
			if s.Role != "" {
				where += " " + string(s.Role)
			}
			fmt.Fprintf(w, "  %12s  %-14s %-22s %s\n", plan.Money(s.Monthly, false), s.Kind, where, s.Change)
			fmt.Fprintf(w, "  %12s  %s\n", "", s.Reason)
		}
		fmt.Fprintf(w, "  %12s  total\n", plan.Money(r.Total(), false))
	}
	if len(r.Refused) > 0 {
		fmt.Fprintln(w, "\nNot recommended:")
		for _, f := range r.Refused {
			fmt.Fprintf(w, "  %-14s %-22s %s\n", f.Kind, strings.TrimSpace(f.Tier+" "+string(f.Role)), f.Reason)
		}
	}
	fmt.Fprintf(w, "\n%s\n", r.Basis)
}

// simulateSteadyState closes simulate's output with the spec's
// steady-state cost per tier.
func simulateSteadyState(e *env, sp *spec.Spec, pricesPath string) error {
	prices, err := loadCostPrices(pricesPath)
	if err != nil {
		return err
	}
	return writeSteadyState(e.stdout, sp, prices)
}

// reportPrices reads report's --prices: a cost price file (also used to
// price the report's stored bytes, region by region), or a legacy report
// price table. Without a path the built-in cost price file prices the
// cost section and the report keeps its own table.
func reportPrices(path string) (*cost.Prices, *report.Prices, error) {
	if path == "" {
		p, err := cost.DefaultPrices()
		return p, nil, err
	}
	p, err := cost.LoadPrices(path)
	if err == nil {
		return p, legacyPrices(p), nil
	}
	legacy, lerr := report.LoadPrices(path)
	if lerr != nil {
		return nil, nil, err
	}
	def, derr := cost.DefaultPrices()
	return def, legacy, derr
}

// legacyPrices is a cost price file as the report's per-region table,
// with no wildcard: a region the file lacks stays unpriced.
func legacyPrices(p *cost.Prices) *report.Prices {
	out := &report.Prices{Source: p.Source, AsOf: p.AsOf, Currency: p.Currency}
	for _, region := range slices.Sorted(maps.Keys(p.Regions)) {
		st := p.Regions[region].Storage
		for _, typ := range slices.Sorted(maps.Keys(st)) {
			r := report.Rate{Region: region, ResourceType: typ, Warm: st[typ].Warm}
			if c := st[typ].Cold; c != nil {
				r.Cold = *c
			}
			out.Rates = append(out.Rates, r)
		}
	}
	return out
}

// reportCostModel adds the cost model's section to a Markdown report and,
// with --out, writes the finance CSV beside the report files.
func reportCostModel(e *env, sp *spec.Spec, inv *report.Inventory, prices *cost.Prices, format, dir, name string) error {
	if sp.Cost == nil || len(sp.Cost.Workloads) == 0 {
		return nil
	}
	c, err := report.EvaluateCost(sp, inv, prices)
	if err != nil {
		return err
	}
	if format == report.FormatMarkdown {
		fmt.Fprintln(e.stdout)
		if err := c.WriteMarkdown(e.stdout); err != nil {
			return err
		}
	}
	if dir == "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	path := filepath.Join(dir, name+"-cost.csv")
	if err := writeFile(path, func(f *os.File) error { return c.WriteFinanceCSV(f) }); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "wrote %s\n", filepath.ToSlash(path))
	return nil
}

// simulatePrices gives the emulator the storage prices its budgets accrue
// spend with.
func simulatePrices(s *session, pricesPath string) error {
	prices, err := loadCostPrices(pricesPath)
	if err != nil {
		return err
	}
	out := map[string]map[string]emulator.StoragePrice{}
	for region, rp := range prices.Regions {
		out[region] = map[string]emulator.StoragePrice{}
		for typ, tp := range rp.Storage {
			p := emulator.StoragePrice{Warm: tp.Warm}
			if tp.Cold != nil {
				p.Cold = *tp.Cold
			}
			out[region][typ] = p
		}
	}
	s.srv.SetStoragePrices(out)
	return nil
}

// writeBudgetAlerts prints the budget notifications the simulation
// delivered: the day, the budget, the threshold passed and to whom.
func writeBudgetAlerts(w io.Writer, srv *emulator.Server, start time.Time) {
	alerts := srv.BudgetAlerts()
	if len(alerts) == 0 {
		return
	}
	fmt.Fprintln(w, "\nBudget alerts:")
	for _, a := range alerts {
		day := int(a.Time.Sub(start).Hours()/24) + 1
		delivery := "delivered to " + strings.ToLower(a.SubscriptionType) + " " + a.Address
		if a.Error != "" {
			delivery = "not delivered to " + a.Address + ": " + a.Error
		}
		fmt.Fprintf(w, "  day %2d %s: budget %s passed %g%% of %s (actual %s); %s\n", day, a.Time.Format("2006-01-02"), a.Budget, a.Threshold,
			plan.Money(a.Limit, false), plan.Money(a.Actual, false), delivery)
	}
}
