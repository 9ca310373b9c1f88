"""A class on one machine: N sessions open the 2D lab through the real server and press Play.

Each session is a websocket client speaking Streamlit's own protocol (what a browser tab does
minus the drawing, which happens on the students' machines): it opens /lab, waits for the first
chart, clicks Play, and reruns the page's timed fragments at the intervals the server asks for,
as the browser does. Printed: the time to the first chart for each newly opened page, iterations
per second per training session and in total, how many trained and how many waited in line, the
memory of the server and its training processes (proportional set size, so shared pages are not
counted twice), a page opened while all that runs, and whether every closed session freed its
training process. Not part of `make test`.

Usage: python bench/classroom_load.py [--sessions 30] [--seconds 60] [--max-training N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def pss_megabytes(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


class Session:
    """One student's tab, without the drawing."""

    def __init__(self, url: str, name: str):
        self.ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.name = name
        self.first_chart: float | None = None
        self.play_id: str | None = None
        self.page_hash = ""
        self.fragments: dict[str, float] = {}
        self.iterations: list[tuple[float, int]] = []
        self.waiting = False
        self.done = asyncio.Event()

    async def run(self, stop: asyncio.Event) -> None:
        import websockets
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ClientState_pb2 import ClientState
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates

        def rerun(fragment_id: str = "", click: str | None = None) -> bytes:
            widgets = WidgetStates(widgets=[WidgetState(id=click, trigger_value=True)] if click else [])
            state = ClientState(
                page_name="lab", page_script_hash=self.page_hash, widget_states=widgets,
                fragment_id=fragment_id, is_auto_rerun=bool(fragment_id),
            )  # fmt: skip
            return BackMsg(rerun_script=state).SerializeToString()

        opened = time.perf_counter()
        async with websockets.connect(self.ws_url, subprotocols=["streamlit"], max_size=None) as socket:
            await socket.send(rerun())
            clicked = False
            next_due: dict[str, float] = {}
            while not stop.is_set():
                try:
                    raw = await asyncio.wait_for(socket.recv(), timeout=0.05)
                except TimeoutError:
                    raw = None
                if raw is not None:
                    message = ForwardMsg()
                    message.ParseFromString(raw)
                    kind = message.WhichOneof("type")
                    if kind == "new_session":
                        self.page_hash = message.new_session.page_script_hash or self.page_hash
                    elif kind == "navigation":
                        self.page_hash = message.navigation.page_script_hash or self.page_hash
                    elif kind == "auto_rerun":
                        self.fragments[message.auto_rerun.fragment_id] = message.auto_rerun.interval
                    elif kind == "stop_auto_rerun":
                        self.fragments.clear()
                    elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                        element = message.delta.new_element
                        which = element.WhichOneof("type")
                        if which == "plotly_chart" and self.first_chart is None:
                            self.first_chart = time.perf_counter() - opened
                        elif which == "button" and element.button.label in ("Play", "Waiting", "Pause"):
                            self.waiting = element.button.label == "Waiting"
                            if element.button.label == "Play":
                                self.play_id = element.button.id
                        elif which == "metric" and element.metric.label == "Iteration":
                            number = int(element.metric.body.split("/")[0].replace(",", "").strip() or 0)
                            self.iterations.append((time.perf_counter(), number))
                if self.first_chart is not None and self.play_id and not clicked:
                    clicked = True
                    await socket.send(rerun(click=self.play_id))
                now = time.perf_counter()
                for fragment, interval in list(self.fragments.items()):
                    if now >= next_due.get(fragment, 0):
                        next_due[fragment] = now + interval
                        await socket.send(rerun(fragment_id=fragment))
        self.done.set()

    def rate(self) -> float:
        """Iterations per second over the samples after its first iteration."""
        moving = [(t, i) for t, i in self.iterations if i > 0]
        if len(moving) < 2:
            return 0.0
        (t0, i0), (t1, i1) = moving[0], moving[-1]
        return (i1 - i0) / max(t1 - t0, 1e-9)


async def classroom(url: str, server_pid: int, sessions: int, seconds: float) -> None:
    from tests.app_server import training_processes

    stop = asyncio.Event()
    students = [Session(url, f"s{i}") for i in range(sessions)]
    tasks = []
    for student in students:  # a class arrives over ~15 s
        tasks.append(asyncio.create_task(student.run(stop)))
        await asyncio.sleep(15 / max(sessions, 1))
    await asyncio.sleep(seconds / 2)
    latecomer = Session(url, "late")
    late_task = asyncio.create_task(latecomer.run(stop))
    await asyncio.sleep(seconds / 2)
    processes = training_processes(server_pid)
    memory_server = pss_megabytes([server_pid])
    memory_training = pss_megabytes(processes)
    stop.set()
    await asyncio.gather(*tasks, late_task, return_exceptions=True)

    firsts = [s.first_chart for s in students if s.first_chart is not None]
    rates = [s.rate() for s in students]
    training = [r for r in rates if r > 0]
    limit = os.environ.get("GAN_EXPLORER_MAX_TRAINING") or f"{os.cpu_count()} (the cores)"
    turn = os.environ.get("GAN_EXPLORER_TURN_SECONDS", "120")
    print(
        f"{sessions} sessions on the 2D lab for {seconds:.0f} s (at most {limit} training at once, turns of {turn} s)"
    )
    print(f"first chart for a newly opened page: median {statistics.median(firsts):.2f} s, worst {max(firsts):.2f} s "
          f"({len(firsts)} of {sessions} drew)")  # fmt: skip
    late = latecomer.first_chart
    print(f"a page opened while they all ran: first chart {late:.2f} s" if late else "the late page never drew")
    print(f"sessions that trained: {len(training)}; still waiting in line at the end: "
          f"{sum(s.waiting for s in students)}")  # fmt: skip
    if training:
        print(f"iterations per second while training: median {statistics.median(training):.0f} per session, "
              f"{sum(training):.0f} in total")  # fmt: skip
    print(f"memory (PSS): server {memory_server:.0f} MB, {len(processes)} training processes {memory_training:.0f} MB "
          f"({memory_training / max(len(processes), 1):.0f} MB each)")  # fmt: skip
    deadline = time.monotonic() + 120
    while training_processes(server_pid) and time.monotonic() < deadline:
        await asyncio.sleep(1)
    left = training_processes(server_pid)
    print(f"after every session closed: {len(left)} training processes left "
          f"({time.monotonic() - deadline + 120:.0f} s to free them)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--max-training", type=int, default=None, help="default: the number of CPU cores")
    args = parser.parse_args()
    if args.max_training:
        os.environ["GAN_EXPLORER_MAX_TRAINING"] = str(args.max_training)
    else:
        os.environ.pop("GAN_EXPLORER_MAX_TRAINING", None)
    from tests.app_server import running_app

    with running_app(timeout=120) as url:
        asyncio.run(classroom(url, url.pid, args.sessions, args.seconds))


if __name__ == "__main__":
    main()
