"""Logistic Regression Lab: the machine learning, without Streamlit.

lab.data (datasets behind one registry), lab.models (the hand-written functions,
the manual and torch.nn twins, and each model family in one Family object),
lab.train (the training loop), lab.instruments (what the pages show beside
training), lab.export (what a run exports) and the command line (lab.cli).
"""
