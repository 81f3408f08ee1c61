package main

import (
	"context"
	"fmt"
	"net"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/emulator/emuspec"
	"github.com/orgbackup/orgbackup/spec"
)

func newEmulatorServeCommand(e *env) *cobra.Command {
	return newCommand("serve", "serve an emulated AWS organization for any AWS client",
		"Serves an emulated AWS organization (Backup, Organizations, IAM, STS, KMS, SNS, S3,\nResource Groups Tagging) on loopback for the AWS CLI, boto3 or any SDK, until\nCtrl-C.",
		func(fs *pflag.FlagSet) runFunc {
			port := fs.Int("port", 4577, "TCP port to listen on (0 picks a free port)")
			host := fs.String("host", "127.0.0.1", "address to bind; anything but loopback needs --allow-remote")
			allowRemote := fs.Bool("allow-remote", false, "allow binding to a non-loopback address (the emulator has no real authentication)")
			anyKey := fs.Bool("any-access-key", false, "let access keys that are not 12-digit account IDs act as the management account (default: refused as unknown keys, as AWS does)")
			orgFile := fs.String("org", "", "organization fixture (YAML); default: the built-in organization")
			specFile := fs.String("spec", "", "serve the organization a backup spec expects (its accounts, and OUs for its tier targets)")
			return func(ctx context.Context, args []string) int {
				if len(args) > 0 {
					fmt.Fprintf(e.stderr, "orgbackup emulator serve: unexpected argument %q\n", args[0])
					return exitUsage
				}
				ip := net.ParseIP(*host)
				if *host != "localhost" && (ip == nil || !ip.IsLoopback()) {
					if !*allowRemote {
						fmt.Fprintf(e.stderr, "orgbackup emulator serve: refusing to bind %s: the emulator has no real authentication; pass --allow-remote to do it anyway\n", *host)
						return exitUsage
					}
					fmt.Fprintf(e.stderr, "WARNING: binding %s: anyone who can reach this address can read and change the emulated organization\n", *host)
				}
				org := emulator.DefaultOrganization()
				memberRole := ""
				if *orgFile != "" && *specFile != "" {
					fmt.Fprintln(e.stderr, "orgbackup emulator serve: --org and --spec are exclusive")
					return exitUsage
				}
				if *specFile != "" {
					s, err := spec.Load(*specFile)
					if err != nil {
						fmt.Fprintf(e.stderr, "orgbackup emulator serve: %v\n", err)
						return exitProblem
					}
					org, memberRole = emuspec.For(s), s.Organization.ExecutionRole
				}
				if *orgFile != "" {
					o, err := emulator.LoadOrganization(*orgFile)
					if err != nil {
						fmt.Fprintf(e.stderr, "orgbackup emulator serve: %v\n", err)
						return exitProblem
					}
					org = o
				}
				// Listening here, so that a busy port is an error, not a
				// panic of Start.
				addr := net.JoinHostPort(*host, strconv.Itoa(*port))
				l, err := net.Listen("tcp", addr)
				if err != nil {
					fmt.Fprintf(e.stderr, "orgbackup emulator serve: listening on %s: %v\n", addr, err)
					return exitProblem
				}
				srv := emulator.NewUnstartedServer(func(o *emulator.Options) {
					o.Organization = org
					o.MemberRole = memberRole
					// Served to other machines on purpose: their control requests
					// name this machine's address, not loopback.
					o.RemoteControl = *allowRemote
					o.AnyAccessKey = *anyKey
				})
				srv.Listener = l
				srv.Start()
				defer srv.Close()
				fmt.Fprintf(e.stdout, "orgbackup emulator listening on %s\n\n", srv.URL)
				fmt.Fprintf(e.stdout, "  export AWS_ENDPOINT_URL=%s\n", srv.URL)
				fmt.Fprintf(e.stdout, "  export AWS_ACCESS_KEY_ID=%s   # a 12-digit key acts as that account\n", org.ManagementAccount)
				fmt.Fprintf(e.stdout, "  export AWS_SECRET_ACCESS_KEY=%s\n", emulator.DefaultSecretKey)
				fmt.Fprintf(e.stdout, "  export AWS_DEFAULT_REGION=us-east-1\n\nPress Ctrl-C to stop.\n")
				<-ctx.Done()
				return exitOK
			}
		})
}
