"""The canvas the two note sketches share: samples, sound, the training popup, maps and sample files."""
