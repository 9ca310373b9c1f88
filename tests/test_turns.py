"""Taking turns on a shared machine (issue 13): at most `limit` runs train at once, the others
wait in line with their place, start by themselves when a slot frees, and a run that had its turn
goes to the back while others wait. Real training processes check the runner's side."""

import time

from gan_core.config import ModelConfig, RunConfig, TrainConfig
from gan_core.live import LiveRunner
from gan_core.live.turns import Turns

SMALL = RunConfig(model=ModelConfig(g_layers=1, g_width=16, d_layers=1, d_width=16), train=TrainConfig(batch_size=32))


class FakeRunner:
    def __init__(self, name):
        self.name, self.events = name, []

    def start_turn(self):
        self.events.append("start")

    def end_turn(self):
        self.events.append("end")


def test_a_line_forms_beyond_the_limit_and_moves_when_a_slot_frees():
    turns = Turns(limit=2, turn_seconds=1000, tick=60)
    a, b, c, d = (FakeRunner(n) for n in "abcd")
    assert [turns.ask(r) for r in (a, b, c, d)] == [0, 0, 1, 2]
    assert turns.counts() == (2, 2) and turns.place(d) == 2 and turns.ask(c) == 1  # asking again keeps the place
    turns.leave(a)  # paused: c's turn
    assert c.events == ["start"] and turns.place(d) == 1 and turns.counts() == (2, 1)
    turns.finished(b)  # finished by itself: d's turn
    assert d.events == ["start"] and turns.counts() == (2, 0)
    turns.leave(c)
    turns.leave(d)
    assert turns.counts() == (0, 0)


def test_while_others_wait_a_run_that_had_its_turn_goes_to_the_back():
    turns = Turns(limit=1, turn_seconds=0.0, tick=60)
    a, b = FakeRunner("a"), FakeRunner("b")
    assert turns.ask(a) == 0 and turns.ask(b) == 1
    turns.end_turns_now()
    assert a.events == ["end"] and b.events == ["start"] and turns.place(a) == 1
    turns.end_turns_now()
    assert a.events == ["end", "start"] and b.events == ["start", "end"]
    lonely = Turns(limit=1, turn_seconds=0.0, tick=60)
    c = FakeRunner("c")
    lonely.ask(c)
    lonely.end_turns_now()
    assert c.events == []  # nobody waits: no reason to stop


def wait_for(condition, timeout=60.0):
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.05)


def test_real_runners_wait_their_turn_and_start_by_themselves():
    turns = Turns(limit=1, turn_seconds=1000, tick=60)
    first = LiveRunner(SMALL, publish_every=0.05, turns=turns)
    second = LiveRunner(SMALL, publish_every=0.05, turns=turns)
    try:
        first.play()
        second.play()
        wait_for(lambda: first.playing)
        assert not second.playing and second.place_in_line == 1
        time.sleep(0.3)
        assert second.iteration == 0  # waiting, not training
        first.pause()
        wait_for(lambda: second.playing)
        assert second.place_in_line == 0 and turns.counts() == (1, 0)
        second.stop()  # a closed session frees its slot
        assert turns.counts() == (0, 0)
    finally:
        first.stop()
        second.stop()
