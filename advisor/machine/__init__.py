"""This machine: its hardware, and the GGUF files already on its disks."""
