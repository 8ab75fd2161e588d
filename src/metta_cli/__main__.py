"""`python -m metta_cli ...`, the form torchrun launches (`torchrun -m metta_cli train ...`)."""

from metta_cli.app import main

main()
