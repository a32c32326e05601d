"""Drawing on pygame surfaces: text, panels, buttons, charts and thumbnail grids. Widgets know nothing of ML."""
