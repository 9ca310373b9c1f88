"""`make run`: start the Streamlit app with the engine already imported, its first-call costs
paid and the training processes' fork server already running, so the first visitor does not wait
for torch to load (twice: once in the server, once in the fork server).

Usage: python serve.py [SCRIPT.py] [streamlit flags]   (SCRIPT: app.py by default)"""

import sys

import plotly.graph_objects  # noqa: F401
from streamlit.web import cli

import gan_core.live.worker  # noqa: F401  torch, the networks, the trainer: what every page needs
from gan_core.live.runner import provisional_snapshot, start_fork_server
from gan_core.presets import get_preset


def warm_up() -> None:
    """Pay the one-time costs of a first snapshot (lazy imports, the first autograd and random
    calls, loading the digits: ~1.3 s) before anyone visits."""
    for preset in ("ring", "digits-dcgan"):
        provisional_snapshot(get_preset(preset).replace(train=dict(device="cpu")), {})


if __name__ == "__main__":
    start_fork_server()
    warm_up()
    arguments = sys.argv[1:]
    script = arguments.pop(0) if arguments and arguments[0].endswith(".py") else "app.py"
    sys.argv = ["streamlit", "run", script, *arguments]
    sys.exit(cli.main())
