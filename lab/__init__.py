"""Logistic Regression Lab: the machine learning, without Streamlit.

Datasets (lab.datasets), the manual and torch.nn twins (lab.logistic, …), the
hand-written functions they use (lab.functions), the training loop
(lab.train) and the command line (lab.cli).
"""
