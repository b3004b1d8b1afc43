"""The model: the scikit-learn Pipeline and its file, training, business value, evaluation."""
