"""The `oversight` command line. Each capability registers its commands here."""

from __future__ import annotations

import typer

from oversight import __version__

app = typer.Typer(
    name="oversight",
    help="Oversight of England's integrated care systems.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def main() -> None:
    """Oversight of England's integrated care systems: collect, compute, judge, publish."""


@app.command()
def version() -> None:
    """Print the installed version."""
    typer.echo(__version__)


# Capabilities register their commands below, one line each.
from oversight.collect.importers.command import import_app  # noqa: E402

app.add_typer(import_app, name="import")
from oversight.collect.burden_command import burden_command  # noqa: E402

app.command("burden")(burden_command)
from oversight.catalogue.commands import catalogue_app  # noqa: E402

app.add_typer(catalogue_app, name="catalogue")
from oversight.synth.command import synth_command  # noqa: E402

app.command("synth")(synth_command)

from oversight.collect.submit_command import (  # noqa: E402
    expire_waiting_command,
    submit_command,
    token_app,
)

app.command("submit")(submit_command)
app.command("expire-waiting")(expire_waiting_command)
app.add_typer(token_app, name="token")

from oversight.stats.spc_cli import spc_command  # noqa: E402

app.command("spc")(spc_command)

from oversight.metrics.command import compute_command  # noqa: E402

app.command("compute")(compute_command)

from oversight.judge.segment_command import segment_app  # noqa: E402

app.add_typer(segment_app, name="segment")

from oversight.judge.command import judge_command, peers_command  # noqa: E402

app.command("judge")(judge_command)
app.command("peers")(peers_command)

from oversight.demo import demo_command  # noqa: E402
from oversight.publish.serve import serve_command  # noqa: E402

app.command("demo")(demo_command)
app.command("serve")(serve_command)
from oversight.publish.downloads_command import downloads_app  # noqa: E402

app.add_typer(downloads_app, name="downloads")

from oversight.judge.target_command import target_app  # noqa: E402

app.add_typer(target_app, name="target")
from oversight.judge.peer_group_command import peer_group_app  # noqa: E402

app.add_typer(peer_group_app, name="peer-group")

from oversight.judge.escalation.command import case_app  # noqa: E402

app.add_typer(case_app, name="case")

from oversight.judge.assessment.command import assess_app  # noqa: E402

app.add_typer(assess_app, name="assess")

if __name__ == "__main__":  # pragma: no cover
    app()
from oversight.annotations.command import annotate_app, rebase_app  # noqa: E402

app.add_typer(annotate_app, name="annotate")
app.add_typer(rebase_app, name="rebase")
