"""The command-line layer: parses options, calls the core, renders, maps exceptions to exit codes."""
