"""Streamlit widgets both live pages draw the same way: the counters above a live view, the
one-shot message after an upload, and the rerun that stops the timers when a run pauses itself.
(The rest of `ui/` is Streamlit-free; this module is the exception, shared by the pages.)"""
from __future__ import annotations

import streamlit as st


def loss_text(value: float) -> str:
    return "—" if value != value else f"{value:.3f}"  # NaN before the first iteration


def show_message_once(key: str) -> None:
    """Show the (kind, text) a callback left under `key`, then forget it."""
    message = st.session_state.get(key)
    if message:
        kind, text = message
        {"error": st.error, "warning": st.warning}.get(kind, st.success)(text)
        st.session_state[key] = None


def follow_play_state(runner, view_playing_key: str) -> None:
    """The runner paused itself (divergence): rerun the page so the timers stop."""
    if runner.playing != st.session_state[view_playing_key]:
        st.rerun(scope="app")


def live_counters(runner, snapshot) -> None:
    """Iteration, live speed and the latest losses, then the divergence message if any."""
    counters = st.columns(4)
    counters[0].metric("Iteration", f"{snapshot.iteration:,}")
    counters[1].metric("Speed", f"{runner.iterations_per_second:,.0f} it/s" if runner.playing else "paused")
    counters[2].metric("D loss", loss_text(snapshot.d_loss))
    counters[3].metric("G loss", loss_text(snapshot.g_loss))
    if snapshot.diverged:
        st.error(snapshot.diverged)


def release_runner(runner) -> None:
    """`on_release` of a page's session-scoped runner cache: the training process ends with the session."""
    runner.stop()


def alive_runner(session_runner):
    """This session's runner from the page's cached factory, started afresh when its training
    process was stopped from outside (a test, a server shutting the session down)."""
    runner = session_runner()
    if not runner.alive:
        session_runner.clear()
        runner = session_runner()
    return runner


def show_config(widget_values: dict) -> None:
    """Set the page's widgets to a config's values (after a preset, a reset or a loaded checkpoint)."""
    for key, value in widget_values.items():
        st.session_state[key] = value
