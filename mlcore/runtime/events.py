"""pygame's events turned into calls of a sketch's hooks, in canvas coordinates, as a person's hand made them."""

from mlcore.runtime import error_list, screenshot
from mlcore.runtime.inputs import keyboard, mouse


def handle_event(runner, event):
    """Route one pygame event to the sketch's hooks (and to the recording)."""
    pygame = runner.pygame
    if event.type == pygame.QUIT:
        request_quit(runner)
    elif event.type == pygame.VIDEORESIZE or event.type == getattr(pygame, "WINDOWSIZECHANGED", -1):
        runner.window_changed()
    elif event.type == pygame.KEYDOWN:
        name = pygame.key.name(event.key)
        if name == "escape":  # not recorded: a replayed lesson goes on until its end
            request_quit(runner)
            return
        runner.record_action({"type": "key_down", "key": name})
        if name in keyboard.held:
            return  # a held key's repeats are not new presses
        keyboard.held.add(name)
        if name == screenshot.KEY:  # F12: the window as a PNG, in every sketch
            save_screenshot(runner)
            return
        if name == error_list.KEY and (runner.errors.recent or runner.error_list.visible):
            runner.error_list.toggle()  # W: the recent errors of the sketch's code (once there is one)
            return
        runner.call("key_pressed", key=name, unicode=getattr(event, "unicode", ""), mod=getattr(event, "mod", 0))
    elif event.type == pygame.KEYUP:
        name = pygame.key.name(event.key)
        runner.record_action({"type": "key_up", "key": name})
        keyboard.held.discard(name)
        runner.call("key_released", key=name)
    elif event.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION):
        _mouse(runner, event)
    elif event.type == pygame.MOUSEWHEEL:
        x, y = runner.host_point(mouse.x, mouse.y)
        runner.call("mouse_wheel", x=x, y=y, dy=event.y)
    elif event.type == pygame.DROPFILE:
        runner.record_action({"type": "drop_file", "path": event.file})
        runner.call("file_dropped", path=event.file)


def _mouse(runner, event):
    pygame = runner.pygame
    x, y = runner.fit.to_canvas(event.pos)
    mouse.x, mouse.y = x, y
    inside = runner.on_canvas(x, y)
    at_x, at_y = runner.host_point(x, y)  # what the hooks are given (the host's place); recordings keep (x, y)
    if event.type == pygame.MOUSEMOTION:
        runner.record_action({"type": "mouse_move", "x": round(x), "y": round(y)})
        if inside:
            runner.call("mouse_moved", x=at_x, y=at_y, buttons=set(mouse.buttons))
            if mouse.buttons:  # a button pressed on the canvas is still held: a drag (p5's mouseDragged)
                runner.call("mouse_dragged", x=at_x, y=at_y, buttons=set(mouse.buttons))
    elif event.button in (4, 5):
        return  # old-style wheel clicks; MOUSEWHEEL carries the wheel
    elif event.type == pygame.MOUSEBUTTONDOWN:
        runner.record_action({"type": "mouse_down", "x": round(x), "y": round(y), "button": event.button})
        on_bar = runner.error_bar_top is not None and y >= runner.error_bar_top and runner.errors.recent
        if runner.error_list.visible or (on_bar and inside):  # a click on the red bar opens the list, another closes it
            runner.error_list.toggle()
        elif inside:
            mouse.buttons.add(event.button)
            runner.call("mouse_pressed", x=at_x, y=at_y, button=event.button)
    else:
        runner.record_action({"type": "mouse_up", "x": round(x), "y": round(y), "button": event.button})
        if event.button in mouse.buttons:
            mouse.buttons.discard(event.button)
            runner.call("mouse_released", x=at_x, y=at_y, button=event.button)


def save_screenshot(runner):
    """F12: the window as it shows now, saved as a PNG; the bar says where (or why it could not be)."""
    text, error = screenshot.save_screenshot(runner.pygame, runner.window, screenshot.sketch_name(runner.module))
    runner.notices.say(text, seconds=8 if error else 6, error=error)


def request_quit(runner):
    """Esc or the window's close button: quitting() may answer False once (something could not be saved)."""
    answer = runner.call("quitting")
    if answer is False and not runner.quit_refused:
        runner.quit_refused = True
        runner.notices.say(
            "press Esc again to quit anyway (what could not be saved will be lost)", seconds=float("inf"), error=True
        )
        return
    take_answer(runner, answer)
    runner.closed_by_quit, runner.running = True, False


def take_answer(runner, answer):
    """What quitting() answered: False, something could not be saved; a number, the exit status it asks for
    (the image classifier's failed batch step)."""
    runner.lost = answer is False
    if isinstance(answer, int) and not isinstance(answer, bool):
        runner.exit_status = runner.exit_status or answer
