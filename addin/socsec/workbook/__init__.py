"""The Excel contract: one declaration of every input and result table (contract.py),
used by the template builder (build.py), the reader/validator (reader.py), the result
writer (results.py) and the docs, so they cannot drift."""
