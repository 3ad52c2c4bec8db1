"""What a run exports: the standalone script that reproduces it (script, with its
data in data and its model, loss and loop in model), its metrics and its parameters."""
from lab.export.script import export_script, metrics_csv, save_params  # noqa: F401
