package main

func policyCommands() map[string]command { return map[string]command{} }
