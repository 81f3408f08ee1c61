package main

func engineCommands() map[string]command { return map[string]command{} }
