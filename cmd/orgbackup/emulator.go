package main

func emulatorCommands() map[string]command { return map[string]command{} }
