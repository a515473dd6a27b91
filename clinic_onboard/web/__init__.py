"""The request layer: one blueprint per area, each short and thin over the operations."""
