"""The command line: a thin shell over the library; only it prints or exits."""
