"""The note canvas's own keys: the ones that choose a note or change what is shown, save or report."""

from mlcore.widgets import theme


def press(canvas, key):
    """A note's key chooses it; P the popup, V the map, H the runs table, U (or Backspace) undo, S save the samples,
    M save the network, K the report, F2 the theme."""
    if key in canvas.notes.keys:
        canvas.note = canvas.notes.keys[key]
    elif key == "p":
        canvas.show_popup = not canvas.show_popup
    elif key == "v":
        canvas.show_map = not canvas.show_map
        if canvas.show_map and canvas.mode != "predicting":
            canvas.say("the map appears once the network is trained (T)", key="map")
    elif key == "h":
        canvas.runs.visible = not canvas.runs.visible
    elif key in ("u", "backspace"):
        canvas.undo()
    elif key == "s":
        canvas.save()
    elif key == "m":
        canvas.save_network()
    elif key == "k":
        canvas.write_report()
    elif key == "f2":
        canvas.toggle_theme()
        canvas.say(f"{theme.current().name} theme (F2 switches)", key="theme")
