"""`metta stats URI`: the DuckDB shell on a stats database, or one query for scripts.

Thin: resolves the URI through metta_core.stats.shell, prints the overview, hands over to the
shell. duckdb is imported only inside the command.
"""

from __future__ import annotations

from typing import Annotated

import typer

from metta_cli.common import console, err_console
from metta_cli.tables import write_tsv

FORMAT_HELP = "Output of --query: table, csv or json."


def command(
    uri: Annotated[str, typer.Argument(help="Stats database: a path, file:// or s3://bucket/key.")],
    query: Annotated[
        str | None, typer.Option("--query", "-q", help="Run one SQL query, print it, exit.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help=FORMAT_HELP)] = "table",
    merge: Annotated[
        list[str] | None,
        typer.Option(
            "--merge",
            "-m",
            help="Merge these stats databases into URI (repeatable); then run --query, if given, and exit.",
        ),
    ] = None,
    write: Annotated[
        bool, typer.Option("--write", help="Open a local file writable (the shell, and --query).")
    ] = False,
    metta_names: Annotated[
        bool,
        typer.Option(
            "--metta-names", help="Metta's table and column names first (its saved SQL runs as is)."
        ),
    ] = False,
    export_parquet: Annotated[
        str | None,
        typer.Option(
            "--export-parquet",
            help="Write every table as <DIR>/<table>.parquet (a directory or s3:// prefix).",
        ),
    ] = None,
) -> None:
    """Open a stats database in the DuckDB shell (tables and example queries first), run one
    query with --query, or merge databases into it with --merge."""
    from metta_core.errors import MettaError
    from metta_core.stats import shell

    uri = uri.removeprefix("+").removeprefix("eval_db_uri=")  # the reference's `+eval_db_uri=URI`
    if fmt not in shell.FORMATS:
        raise MettaError(f"--format {fmt}: unknown format (known: {', '.join(shell.FORMATS)})")
    if write and uri.startswith("s3://"):
        raise MettaError(
            f"--write: {uri} is on s3, where the shell could only change a temporary copy; download it,"
            " edit the local file, then `metta stats s3://... --merge FILE`"
        )
    if merge:
        written = shell.merge_into_uri(uri, merge)
        err_console.print(f"merged {len(merge)} database(s) into {written or uri}")
        if query is None:
            return
    with shell.open_database(uri) as path:
        if export_parquet is not None:
            from metta_core.stats.parquet import export_parquet as export

            for written in export(path, export_parquet):
                err_console.print(f"wrote {written}", highlight=False)
            if query is None:
                return
        if query is not None:  # after a --merge, on the merged database
            with shell.streamed_query(path, query, read_only=not write, metta_names=metta_names) as (
                columns,
                batches,
            ):
                if fmt == "table":
                    _print_table(columns, batches)
                else:  # streamed: a 100M-row result never sits in memory
                    shell.write_rows(columns, batches, fmt, lambda text: typer.echo(text, nl=False))
            return
        tables, examples = shell.overview(path)
        console.print(f"[bold]{uri}[/bold]")
        for name, count in tables:
            console.print(f"  {name:<28} {count:>10} rows")
        console.print("\n[bold]Example queries[/bold]")
        for what, sql in examples:
            console.print(f"  -- {what}\n  {sql}", highlight=False, soft_wrap=True)
        console.print()
        read_only = not write and not uri.startswith("s3://")
        raise typer.Exit(shell.open_shell(path, read_only=read_only, metta_names=metta_names))


#: Rows a --format table shows; more would not be read on a terminal (csv and json stream them all).
TABLE_ROWS = 1000


def _print_table(columns: list[str], batches) -> None:
    from rich.table import Table

    if not console.is_terminal:  # a pipe: every row, tab-separated, streamed
        write_tsv(columns, batches, null="NULL")
        return
    table = Table(*columns, show_edge=False)
    shown = 0
    for rows in batches:
        for row in rows:
            if shown == TABLE_ROWS:
                console.print(table)
                err_console.print(
                    f"showing the first {TABLE_ROWS} rows; --format csv or json prints them all"
                )
                return
            table.add_row(
                *("NULL" if v is None else f"{v:.4g}" if isinstance(v, float) else str(v) for v in row)
            )
            shown += 1
    console.print(table)
