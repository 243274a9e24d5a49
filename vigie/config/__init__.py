"""Reading and validating the YAML operators edit (`config/`): the bottom layer every package may import."""
