"""Quality and speed benchmarks of the matcher against bm25s and scikit-learn TF-IDF."""
