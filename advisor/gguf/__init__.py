"""The GGUF file format: header reading, memory estimate, quantization, the fit rule."""
