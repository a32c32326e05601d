"""The five pages of the image classifier, one module each: data, features, training, testing, deployment.

Each page draws itself inside the content area that `mlcore.image_app.app.ImageApp` gives it, answers clicks, the
wheel and Page Up / Page Down (with the mouse position it is handed), and adds what it shows to the state JSON.
A page is handed what it draws (the pipeline, the thumbnails) and the few actions it may take (`load`, `extract`,
`train`, `stop`…), never the app; it reads the pipeline's properties and never waits on a job. Where a script or
a test needs to click something, the page says where it is (`button_center`, `ConfusionView.cell_rect`,
`ThumbnailGrid.item_center`), so coordinates are never guessed.
What every page shares is in `pages.base`.
"""
