//go:build !orgbackup_pending

package main

func engineCommands() map[string]command { return map[string]command{} }
