"""Pure renderers from a schedule to text: the weekly per-platform view."""
