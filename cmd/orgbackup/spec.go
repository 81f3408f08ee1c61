package main

func specCommands() map[string]command { return map[string]command{} }
