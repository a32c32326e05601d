"""The image classifier: its pipeline (no pygame), its pages, the camera and live prediction."""
